"""Extractions without evidence (``Extractor.pipe(..., evidence=False)``, what ``litkg extract`` uses): the same
records as the full ones but for the evidence sentences and aliases of the mentions."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from record_docs import DOCS as RECORD_DOCS

from extract import extract_io
from extract.components.state import get_state
from extract.extract_io import encode_record, extract_jsonl
from extract.pipeline import Extractor

FIXTURE_PATTERNS = Path(__file__).parent / "fixtures" / "extract" / "patterns"

DOCS = [*RECORD_DOCS, ("", "")]  # (and an empty document)


@pytest.fixture(scope="module", params=["small", "full"])
def ex(request) -> Extractor:
    return Extractor(FIXTURE_PATTERNS) if request.param == "small" else Extractor()


def _without_evidence(x):
    return dataclasses.replace(x, mentions=tuple(dataclasses.replace(m, sentence="", sent_start=0, sent_end=0,
                                                                     aliases=()) for m in x.mentions))


def test_lean_extractions_are_the_full_ones_without_evidence(ex):
    full = list(ex.pipe(DOCS))
    lean = list(ex.pipe(DOCS, evidence=False))
    assert any(m.aliases for x in full for m in x.mentions) and any(x.mentions for x in full)
    assert lean == [_without_evidence(x) for x in full]
    assert [encode_record(i, x) for i, x in enumerate(lean)] == [encode_record(i, x) for i, x in enumerate(full)]


@pytest.mark.parametrize("seed", range(4))
def test_lean_records_out_of_text_order(ex, seed):
    for title, abstract in DOCS:
        doc = ex.process(title, abstract)
        random.Random(seed).shuffle(get_state(doc).mentions)
        assert ex._to_extraction(doc, False) == _without_evidence(ex._to_extraction(doc))


def test_abbreviations_are_counted_without_evidence_too():
    a, b = Extractor(FIXTURE_PATTERNS), Extractor(FIXTURE_PATTERNS)
    list(a.pipe(DOCS))
    list(b.pipe(DOCS, evidence=False))
    assert a.abbreviations == b.abbreviations and a.abbreviations


def test_extract_jsonl_takes_the_lean_pipe_of_an_extractor_only(monkeypatch, tmp_path):
    ex = Extractor(FIXTURE_PATTERNS)
    assert extract_io._records_pipe(ex).keywords == {"evidence": False}

    class Custom(Extractor):
        def pipe(self, items, batch_size=256):
            return super().pipe(items, batch_size)

    custom = Custom.__new__(Custom)
    assert extract_io._records_pipe(custom) == custom.pipe
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "title": "SparKle", "text": "We use BERT and ResNet-50 on ImageNet."}\n', encoding="utf-8")
    assert extract_jsonl(src, tmp_path / "out.jsonl", ex) == 1
    assert '"text": "BERT"' in (tmp_path / "out.jsonl").read_text(encoding="utf-8")
