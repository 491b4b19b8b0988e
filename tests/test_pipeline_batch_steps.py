"""``Extractor.pipe`` runs the components batch by batch itself (``_batch_steps``): the same documents, in the
same order, with the same extractions as ``nlp.pipe``; ``nlp.pipe`` still runs a pipeline it cannot run so."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.util import ignore_error

from extract.components import state
from extract.extract_io import encode_record
from extract.pipeline import Extractor

ITEMS = [("SparK: Sparse masked modeling", f"We propose SparK on ImageNet-1K (84.1% top-1 accuracy) with ResNet-{n} "
          f"and masked image modeling (MIM); MIM helps. Code: https://github.com/a/b{n}.") for n in range(18, 18 + 30)]
ITEMS += [("", "Masked image modeling (MIM) with ViT-B/16 improves FID on COCO."), ("", ""), ("Only ViT", "")]


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor()


def _via_nlp_pipe(ex: Extractor, items, batch_size: int = 256) -> list[str]:
    """The extractions as ``nlp.pipe`` makes them (the path ``Extractor.pipe`` took before)."""
    docs = (ex.make_doc(t, a, doc_sents=False) for t, a in items)
    return [encode_record(i, ex._to_extraction(d)) for i, d in enumerate(ex.nlp.pipe(docs, batch_size=batch_size))]


@pytest.mark.parametrize("batch_size", [1, 7, 256])
def test_pipe_makes_what_nlp_pipe_makes(ex, batch_size):
    ours = [encode_record(i, x) for i, x in enumerate(ex.pipe(ITEMS, batch_size=batch_size))]
    assert ours == _via_nlp_pipe(ex, ITEMS, batch_size)
    assert "ResNet-18" in ours[0] and '"entities": []' in ours[-2]


def test_the_components_run_over_each_batch_in_turn(monkeypatch):
    """As in ``nlp.pipe`` with ``pipe_in_batches``: each component over a whole batch before the next one; a
    component without ``pipe`` is called on each document; a batch ends before the next one starts."""
    monkeypatch.setattr(state, "PIPE_BATCH", 4)
    ex = Extractor()
    log: list = []

    class Batched:
        def __init__(self, name):
            self.name = name

        def __call__(self, doc):
            log.append((self.name, doc.text))
            return doc

        def pipe(self, docs, *, batch_size=256):
            return state.pipe_in_batches(self, docs, batch_size)

    Language.component("h45_plain", func=lambda doc: log.append(("plain", doc.text)) or doc)
    ex.nlp.add_pipe("h45_plain")
    Language.factory("h45_batched", func=lambda nlp, name: Batched(name))
    ex.nlp.add_pipe("h45_batched")
    items = [("", f"Paper {i} uses BERT.") for i in range(10)]
    out = []
    for x in ex.pipe(items):
        out.append(x)
        log.append(("out", None))
    assert len(out) == 10 and all(x.mentions[0].text == "BERT" for x in out)
    expected = []
    for lo in range(0, 10, 4):
        texts = [f"Paper {i} uses BERT." for i in range(lo, min(lo + 4, 10))]
        expected += [("plain", t) for t in texts] + [("h45_batched", t) for t in texts] + [("out", None)] * len(texts)
    assert log == expected


def test_a_pipeline_under_another_error_handler_goes_through_nlp_pipe():
    """A component without ``pipe`` is called by ``nlp.pipe`` under the pipeline's error handler (here one
    that drops the documents it fails on): ``Extractor.pipe`` then leaves the pipeline to ``nlp.pipe``."""
    ex = Extractor()

    def fails_on_odd(doc):
        if "odd" in doc.text:
            raise ValueError("odd")
        return doc

    Language.component("h45_fails_on_odd", func=fails_on_odd)
    ex.nlp.add_pipe("h45_fails_on_odd")
    items = [("", "An even paper on BERT."), ("", "An odd paper on BERT."), ("", "Another even one on GPT-2.")]
    with pytest.raises(ValueError, match="odd"):
        list(ex.pipe(items))
    assert ex._batch_steps(256) is not None
    ex.nlp.set_error_handler(ignore_error)
    assert ex._batch_steps(256) is None
    assert [x.mentions[0].text for x in ex.pipe(items)] == ["BERT", "GPT-2"]


def test_a_stopped_pipe_restores_the_collector(ex):
    import gc

    before = gc.get_threshold()
    it = ex.pipe(ITEMS)
    next(it)
    it.close()
    assert gc.get_threshold() == before
