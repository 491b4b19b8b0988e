"""Parallel extraction on a Dask LocalCluster gives the serial build's database, byte for byte."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_extraction

from extract.errors import LitkgError
from graph.build import build
from graph.cli import cli
from graph.parallel import ParallelError, ParallelExtractor, estimate_papers, resolve_workers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import gen_corpus  # noqa: E402


class WordExtractor:
    """A deterministic stand-in extractor (picklable, importable by the workers): CamelCase words are methods,
    words ending in a digit suffix or ``-QA``/``-Bench`` are datasets."""

    def __init__(self, version: str = "words-1") -> None:
        self.version = version

    def pipe(self, items, batch_size=256):
        import re

        for title, abstract in items:
            text = f"{title} {abstract}"
            methods = sorted(set(re.findall(r"\b[A-Z][a-z]+[A-Z][A-Za-z]+\b", text)))[:5]
            datasets = sorted(set(re.findall(r"\b[A-Z][a-z]+[A-Za-z]*-(?:\d+[KM]|QA|Bench)\b", text)))[:3]
            specs = [(m, "method", "used", None, None) for m in methods]
            specs += [(d, "dataset", "used", None, None) for d in datasets]
            code = re.findall(r"https://github\.com/[\w.-]+/[\w.-]*\w", abstract)[:1]
            yield make_extraction(title, abstract, specs, code=code)


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    lines = [line for line in conn.iterdump() if "built_at" not in line]
    conn.close()
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("par") / "corpus.jsonl"
    gen_corpus.write_corpus(300, path, seed=11)
    # a duplicate record in a later batch: planning must not depend on the look-ahead
    lines = path.read_text().splitlines()
    lines.insert(150, lines[3])
    path.write_text("\n".join(lines) + "\n")
    return path


def test_resolve_workers_auto_and_explicit():
    assert resolve_workers("auto", papers=10**6, cpus=2, load=0.3) == 2
    assert resolve_workers("auto", papers=10**6, cpus=2, load=1.2) == 1  # the cores are busy
    assert resolve_workers("auto", papers=10**6, cpus=1, load=0.0) == 1
    assert resolve_workers("auto", papers=10**6, cpus=16, load=2.0) == 15
    assert resolve_workers("auto", papers=500, cpus=16, load=0.0) == 1  # start-up would not pay
    assert resolve_workers(" 4 ") == 4 and resolve_workers(1) == 1
    for bad in ("zero", "0", -2):
        with pytest.raises(ParallelError):
            resolve_workers(bad)
    assert issubclass(ParallelError, LitkgError)


def test_estimate_papers_from_file_size(corpus):
    n = estimate_papers([corpus])
    assert 150 <= n <= 600  # ~300 records of an arXiv-layout corpus


@pytest.mark.slow
def test_parallel_build_is_identical_to_serial(tmp_path, corpus):
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    s1 = build(serial, [corpus], extractor=WordExtractor(), batch_size=40)
    s2 = build(parallel, [corpus], extractor=WordExtractor(), batch_size=40, workers=2)
    assert (s1.new, s1.duplicates, s1.mentions) == (s2.new, s2.duplicates, s2.mentions)
    assert s1.new == 300 and s1.duplicates == 1 and s1.mentions > 1000
    assert dump(serial) == dump(parallel)
    # an unchanged corpus: nothing extracted, so no cluster is started
    started = []
    orig_init = ParallelExtractor.__init__

    def spy(self, *a, **k):
        started.append(1)
        orig_init(self, *a, **k)

    ParallelExtractor.__init__ = spy
    try:
        again = build(parallel, [corpus], extractor=WordExtractor(), batch_size=40, workers=2)
    finally:
        ParallelExtractor.__init__ = orig_init
    assert (again.new, again.unchanged, started) == (0, 300, [])
    assert dump(parallel) == dump(serial)


@pytest.mark.slow
def test_extract_many_keeps_order_and_checks_worker_version(corpus):
    from extract.ingest import read_sources

    items = [(p.title, p.abstract) for p in read_sources([corpus])][:120]
    expected = list(WordExtractor().pipe(items))
    with ParallelExtractor(2, None, None, factory=_factory, version="words-1", chunk_size=7) as px:
        assert px.extract_many(items) == expected
        assert px.extract_many([]) == []
    with pytest.raises(ParallelError, match="words-2"):
        ParallelExtractor(2, None, None, factory=_other_factory, version="words-1")


def _factory():
    return WordExtractor()


def _other_factory():  # what a worker with another litkg installed would build
    return WordExtractor(version="words-2")


def test_bad_scheduler_address_is_a_clear_error(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr("graph.parallel.CONNECT_TIMEOUT", "2s")
    with pytest.raises(ParallelError, match="127.0.0.1:9"):
        build(tmp_path / "g.db", [corpus], extractor=WordExtractor(), scheduler="tcp://127.0.0.1:9")
    assert dump(tmp_path / "g.db") == dump(_empty_db(tmp_path / "empty.db"))  # nothing written


def _empty_db(path):
    from graph.db import open_db

    open_db(path).conn.close()
    return path


def _real_pipeline_available() -> bool:
    try:
        from extract.pipeline import Extractor, pipeline_version  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _real_pipeline_available(), reason="extract.pipeline (Extractor, pipeline_version) missing")
def test_cli_workers_2_with_real_pipeline_matches_serial(tmp_path):
    src = gen_corpus.write_corpus(60, tmp_path / "c60.jsonl", seed=5)
    runner = CliRunner()
    outputs = {}
    for name, extra in (("serial", []), ("parallel", ["--workers", "2"])):
        db = tmp_path / f"{name}.db"
        r = runner.invoke(cli, ["build", str(db), str(src), "--batch-size", "25", "--no-progress", *extra])
        assert r.exit_code == 0, r.output
        outputs[name] = json.loads(r.output)
    assert outputs["serial"]["new"] == outputs["parallel"]["new"] == 60
    assert outputs["serial"]["mentions"] == outputs["parallel"]["mentions"] > 300
    assert dump(tmp_path / "serial.db") == dump(tmp_path / "parallel.db")
    from extract.pipeline import pipeline_version

    conn = sqlite3.connect(tmp_path / "parallel.db")
    assert conn.execute("SELECT value FROM meta WHERE key = 'extractor_version'").fetchone()[0] == pipeline_version()
    conn.close()


def test_serial_extractor_is_recycled_without_changing_output(tmp_path, corpus, monkeypatch):
    import graph.build

    made = []

    def make():
        made.append(1)
        return WordExtractor()

    monkeypatch.setattr(graph.build, "extractor_version", lambda aliases=None: ("words-1", make))
    build(tmp_path / "once.db", [corpus], batch_size=40)
    assert len(made) == 1
    monkeypatch.setattr(graph.build, "RECYCLE_DOCS", 25)
    build(tmp_path / "recycled.db", [corpus], batch_size=40)
    assert len(made) == 1 + 8  # a fresh extractor for each of the 8 batches
    assert dump(tmp_path / "once.db") == dump(tmp_path / "recycled.db")
