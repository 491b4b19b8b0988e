"""The fast JSON writer of ``litkg extract`` writes what the general JSON encoder writes."""

from __future__ import annotations

import math

import pytest

from extract.extract_io import _ENCODE, encode_record, extraction_record
from extract.records import CodeLink, Extraction, Mention, Result


def _mention(**kw) -> Mention:
    base = dict(text="ResNet", type="method", start=0, end=6, field="abstract", sentence="s", sent_start=0,
                sent_end=1, canonical="ResNet", key="resnet", role="used")
    base.update(kw)
    return Mention(**base)


@pytest.mark.parametrize("x", [
    Extraction(),
    Extraction((_mention(), _mention(field="title", role="proposed", text='a "q"\\ é\n', canonical="ü\u2028"))),
    Extraction((_mention(start=True), _mention(canonical=None), _mention(end=2.5), _mention(type=None),
                _mention(role=None))),
    Extraction(code_links=(CodeLink("https://github.com/a/b", "github.com"), CodeLink("https://github.com/a/b", "x"))),
    Extraction(results=(Result("top-1 accuracy", 84.3, method="X"), Result("FID", math.inf), Result("m", math.nan))),
])
@pytest.mark.parametrize("doc_id", ["a", 7, None, 1.5, ["x"]])
def test_encode_record_is_the_general_encoding(x, doc_id):
    assert encode_record(doc_id, x) == _ENCODE(extraction_record(doc_id, x))


def test_encode_record_on_a_real_extraction():
    from extract.pipeline import Extractor

    x = Extractor().extract("SparK: Sparse masKed modeling (SparK)", "We propose SparK. It reaches 84.3% top-1 "
                            "accuracy on ImageNet-1K, see https://github.com/keyu-tian/SparK.")
    assert x.mentions and x.code_links
    assert encode_record("p1", x) == _ENCODE(extraction_record("p1", x))
