# litkg: the two commands of the README's quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8501
DB     ?= data/litkg.db
BIN    := $(VENV)/bin
SOURCES := $(wildcard data/*.txt)
ALIASES := $(wildcard data/aliases.toml)

.PHONY: run test install install-dev build lint clean bench bytecode

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

# Bytecode of litkg's own modules: pip compiles the packages it installs, not an editable install, and
# where PYTHONDONTWRITEBYTECODE is set every command would compile them again (~0.1 s of each start-up).
# Only changed files are compiled again; a stale file is never used (Python checks the source's time).
bytecode: install
	$(BIN)/python -m compileall -q extract graph ui >/dev/null

# The build is incremental: litkg skips papers whose text and extractor version are unchanged.
build: install bytecode
	$(BIN)/litkg build $(DB) $(SOURCES) $(if $(ALIASES),--aliases $(ALIASES))

run: build
	$(BIN)/litkg app $(DB) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check extract graph ui tests bench

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
