# litkg: the two commands of the README's quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8501
DB     ?= data/litkg.db
BIN    := $(VENV)/bin
SOURCES := $(wildcard data/*.txt)
ALIASES := $(wildcard data/aliases.toml)

.PHONY: run test install install-dev build lint clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The build is incremental: litkg skips papers whose text and extractor version are unchanged.
build: install
	$(BIN)/litkg build $(DB) $(SOURCES) $(if $(ALIASES),--aliases $(ALIASES))

run: build
	$(BIN)/litkg app $(DB) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check extract graph ui tests bench

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
