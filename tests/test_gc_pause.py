"""``extract.gc_pause``: the collector paused or relaxed for a block, and as it was after."""

from __future__ import annotations

import gc

import pytest

from extract.gc_pause import RELAXED_THRESHOLD, collector_paused, collector_relaxed


def test_collector_paused_pauses_and_restores_even_on_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_collector_paused_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collector_relaxed_raises_the_first_threshold_only_and_restores_it_even_on_error():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collector_relaxed():
        assert gc.get_threshold() == (RELAXED_THRESHOLD, *before[1:])
        raise RuntimeError
    assert gc.get_threshold() == before


def test_collector_relaxed_never_lowers_a_higher_threshold():
    before = gc.get_threshold()
    gc.set_threshold(500_000, *before[1:])
    try:
        with collector_relaxed(1_000):
            assert gc.get_threshold()[0] == 500_000
        assert gc.get_threshold()[0] == 500_000
    finally:
        gc.set_threshold(*before)


def test_a_relaxed_collector_still_collects_cycles():
    class Node:
        pass

    with collector_relaxed(2_000):
        for _ in range(20_000):  # (cyclic garbage: only the collector can free it)
            a, b = Node(), Node()
            a.other, b.other = b, a
        del a, b
        # 40,000 objects made, the threshold passed many times: collections ran and freed the cycles
        assert sum(1 for o in gc.get_objects() if isinstance(o, Node)) < 5_000


def test_interleaved_relaxed_blocks_restore_the_first_thresholds_when_the_last_ends():
    before = gc.get_threshold()
    a, b = collector_relaxed(), collector_relaxed(200_000)
    a.__enter__()
    b.__enter__()
    assert gc.get_threshold()[0] == 200_000
    a.__exit__(None, None, None)  # (the first block ends first: the other still runs relaxed)
    assert gc.get_threshold()[0] == 200_000
    b.__exit__(None, None, None)
    assert gc.get_threshold() == before
