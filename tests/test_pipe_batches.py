"""``pipe_in_batches``: components run over batches of documents in turn; documents and results unchanged."""

from __future__ import annotations

import gc

import pytest

from extract.components import state
from extract.components.state import PIPE_BATCH, pipe_in_batches
from extract.extract_io import encode_record
from extract.pipeline import Extractor


def _recording(name: str, log: list):
    def component(doc):
        log.append((name, doc))
        return doc
    return component


def test_each_component_runs_over_a_whole_batch_before_the_next_one():
    log: list = []
    docs = range(2 * PIPE_BATCH + 5)
    first = pipe_in_batches(_recording("a", log), docs, batch_size=1000)
    out = list(pipe_in_batches(_recording("b", log), first, batch_size=1000))
    assert out == list(docs)
    expected = []
    for lo in range(0, len(docs), PIPE_BATCH):
        batch = list(docs[lo:lo + PIPE_BATCH])
        expected += [("a", d) for d in batch] + [("b", d) for d in batch]
    assert log == expected


@pytest.mark.parametrize("batch_size", [1, 3])
def test_a_smaller_batch_size_is_kept(batch_size):
    log: list = []
    out = list(pipe_in_batches(_recording("a", log), iter(range(10)), batch_size=batch_size))
    assert out == list(range(10)) and [d for _, d in log] == list(range(10))


def test_the_batch_size_changes_no_extraction(monkeypatch):
    items = [("SparK: Sparse masked modeling", "We propose SparK on ImageNet-1K (84.1% top-1 accuracy) "
              f"with ResNet-{n} and masked image modeling (MIM); MIM helps. Code: https://github.com/a/b{n}.")
             for n in range(18, 18 + 40)]
    items += [("", "Masked image modeling (MIM) with ViT-B/16 improves FID on COCO."), ("", "")]
    ex = Extractor()
    batched = [encode_record(i, x) for i, x in enumerate(ex.pipe(items))]
    monkeypatch.setattr(state, "PIPE_BATCH", 1)
    one_by_one = [encode_record(i, x) for i, x in enumerate(ex.pipe(items))]
    assert batched == one_by_one
    assert "ResNet-18" in batched[0] and "MIM" in batched[-2]


def test_pipe_relaxes_the_collector_while_it_runs_and_restores_it_after():
    from extract.gc_pause import RELAXED_THRESHOLD

    ex = Extractor()
    before = gc.get_threshold()
    items = [("", f"We train ResNet-{n} on ImageNet.") for n in range(18, 30)]
    seen = [gc.get_threshold()[0] for _ in ex.pipe(items)]
    assert seen == [RELAXED_THRESHOLD] * len(items) and gc.get_threshold() == before
    it = ex.pipe(items)
    next(it)
    assert gc.get_threshold()[0] == RELAXED_THRESHOLD
    it.close()  # (a consumer that stops early)
    assert gc.get_threshold() == before
