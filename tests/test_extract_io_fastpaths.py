"""The written-out JSON of ``encode_record`` (entities, ids, code links, results) is what the general JSON
encoder writes, for the values the pipeline makes and for any others."""

from __future__ import annotations

import math

import pytest

from extract.extract_io import _ENCODE, encode_record, extraction_record
from extract.records import CodeLink, Extraction, Mention, Result


class _Str(str):
    """A str subclass: the general encoder writes its value."""


def _mention(**kw) -> Mention:
    base = dict(text="ResNet", type="method", start=0, end=6, field="abstract", sentence="s", sent_start=0,
                sent_end=1, canonical="ResNet", key="resnet", role="used")
    base.update(kw)
    return Mention(**base)


def _same(doc_id, x) -> None:
    assert encode_record(doc_id, x) == _ENCODE(extraction_record(doc_id, x))


@pytest.mark.parametrize("doc_id", [True, False, 2**70, -3, "", "é\"\\", _Str("s"), 0.1, {"a": 1}, (1, 2)])
def test_ids(doc_id):
    _same(doc_id, Extraction())


@pytest.mark.parametrize("m", [
    _mention(text=_Str("ResNet")), _mention(canonical=_Str("R")), _mention(field=_Str("title")),
    _mention(role=_Str("proposed")), _mention(start=True), _mention(end=False), _mention(start=2**80),
    _mention(type=3), _mention(field=None), _mention(role=None), _mention(canonical=None),
    _mention(field="title", role="proposed", text="\u2028\t\x00", canonical="\ud800"),
])
def test_entities_of_unusual_values(m):
    _same(1, Extraction((m, _mention())))


@pytest.mark.parametrize("links", [
    (CodeLink("https://github.com/a/b", "github.com"),),
    (CodeLink("https://github.com/a/b", "github.com"), CodeLink("https://x.org/é\"", "x.org"),
     CodeLink("https://github.com/a/b", "github.com")),
    (CodeLink(_Str("https://github.com/a/b"), "github.com"),),
    (CodeLink(None, "github.com"),),
])
def test_code(links):
    _same("c", Extraction(code_links=links))


@pytest.mark.parametrize("results", [
    (Result("top-1 accuracy", 84.3, method="X", dataset="ImageNet"),),
    (Result("a", 1e-7), Result("b", 1e22), Result("c", -0.0), Result("d", 5e-324), Result("e", 1.7976931348623157e308)),
    (Result("a", 1.0), Result("b", math.inf)),
    (Result("a", 1.0), Result("b", -math.inf)),
    (Result("a", math.nan),),
    (Result("a", 3),), (Result("a", True),), (Result("a", 2.0, method=_Str("M"), dataset=_Str("D")),),
    (Result(_Str("m"), 2.0),), (Result(None, 2.0),), (Result("m", 2.0, method=3),),
    (Result("m\u00e9\"", 2.5, method="\\", dataset="\n"),),
])
def test_results(results):
    _same(["id"], Extraction(results=results))
