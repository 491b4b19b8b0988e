"""bench/gen_corpus.py: synthetic arXiv-layout corpora, seeded and prefix-stable."""

import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import gen_corpus  # noqa: E402

from extract.ingest import detect_format, read_sources  # noqa: E402

KEYS = {"id", "title", "abstract", "categories", "authors", "update_date"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("gen") / "c.jsonl"
    gen_corpus.write_corpus(2000, path, seed=7)
    return path


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_arxiv_snapshot_layout(corpus):
    recs = records(corpus)
    assert len(recs) == 2000
    for r in recs:
        assert KEYS <= set(r)
        assert re.fullmatch(r"\d{4}\.\d{5}", r["id"])
        assert re.fullmatch(r"20\d\d-\d\d-\d\d", r["update_date"])
        assert r["title"] and r["abstract"] and r["authors"]
        assert all(re.fullmatch(r"[a-z]+\.[A-Z]+", c) for c in r["categories"].split())
    assert len({r["id"] for r in recs}) == 2000
    assert detect_format(corpus) == "arxiv"
    papers = list(read_sources([corpus]))
    assert len(papers) == 2000 and papers[0].arxiv_id == recs[0]["id"] and 2015 <= papers[0].year <= 2025


def test_abstract_length_code_links_and_numbers(corpus):
    recs = records(corpus)
    words = [len(r["abstract"].split()) for r in recs]
    assert 150 <= sum(words) / len(words) <= 210
    with_code = [r for r in recs if "https://github.com/" in r["abstract"]]
    assert 0.25 <= len(with_code) / len(recs) <= 0.45
    assert all(re.search(r"https://github\.com/[\w.-]+/[\w.-]+\w\.", r["abstract"]) for r in with_code)
    assert sum(bool(re.search(r"\d+\.\d+%? ", r["abstract"])) for r in recs) > 0.9 * len(recs)


def test_names_are_long_tailed(corpus):
    # Dataset-like names after "on"/"and" in the experiments sentence: a few hubs, a long tail of rare ones.
    counts = Counter()
    for r in records(corpus):
        m = re.search(r"(?:Experiments on|evaluate \S+ on|experiments on) (?:the )?([A-Z][\w-]*(?: [A-Z][\w-]*)?)",
                      r["abstract"])
        if m:
            counts[m.group(1)] += 1
    assert len(counts) > 300
    top = counts.most_common(1)[0][1]
    singletons = sum(1 for c in counts.values() if c == 1)
    assert top >= 20 * (sorted(counts.values())[len(counts) // 2])  # head far above the median
    assert singletons > len(counts) / 2


def test_seeded_deterministic_and_prefix_stable(tmp_path, corpus):
    again = gen_corpus.write_corpus(2000, tmp_path / "again.jsonl", seed=7)
    assert again.read_bytes() == corpus.read_bytes()
    prefix = gen_corpus.write_corpus(300, tmp_path / "prefix.jsonl", seed=7)
    assert prefix.read_text().splitlines() == corpus.read_text().splitlines()[:300]
    other = gen_corpus.write_corpus(300, tmp_path / "other.jsonl", seed=8)
    assert other.read_text() != prefix.read_text()


def test_cli_writes_n_records(tmp_path, capsys):
    out = tmp_path / "cli.jsonl"
    assert gen_corpus.main(["25", str(out), "--seed", "3"]) == 0
    assert len(out.read_text().splitlines()) == 25
    assert "wrote 25 papers" in capsys.readouterr().err
