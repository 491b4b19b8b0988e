"""Python's cyclic garbage collector held back where it would work for nothing.

``collector_paused()`` pauses it for code that builds many long-lived objects and little cyclic garbage:
importing spaCy and building the extraction pipeline (patterns, labels, rule tables). Meanwhile the
collector would run a few hundred times, walking the young objects, and now and then the whole growing
heap, for nothing (~0.1 s of ``Extractor()``, ~0.08 s of importing the pipeline).

``collector_relaxed()`` makes it collect young objects rarely while a long extraction runs, which keeps a
batch of documents alive at a time and makes almost no cyclic garbage.

A module of its own, with no imports beyond the standard library, so that the CLI can pause the collector
before it imports the pipeline.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; afterwards it is on again if it was on before.

    Examples
    --------
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: The collector's first-generation threshold while an extraction runs (see :func:`collector_relaxed`).
RELAXED_THRESHOLD = 100_000


# (blocks in progress, and the thresholds before the first of them: see collector_relaxed)
_relaxed_lock = threading.Lock()
_relaxed_blocks = 0
_relaxed_saved: tuple[int, ...] = ()


@contextmanager
def collector_relaxed(threshold: int = RELAXED_THRESHOLD) -> Iterator[None]:
    """Collect young objects only every ``threshold`` net allocations for the block (Python's default: 700).

    For extraction: ``Extractor.pipe`` runs under it (so ``litkg extract`` and ``litkg build`` do).
    ``Extractor.pipe`` keeps a batch of documents alive (their tokens, states and candidates) while each
    component runs over it (:data:`~extract.components.state.PIPE_BATCH`), so the default threshold is
    passed over and over: over 15,000 abstracts in batches of 128, about 1,200 collections, and the
    older generations' collections then walk the whole heap, spaCy and the pipeline included (1.3-1.6 s
    of a 10 s run in one process). They find almost nothing (~0.1 cyclic garbage object per abstract),
    and what they would find is still collected, only later, so memory stays bounded.

    Blocks may nest or interleave (two pipes consumed in turn, threads): the thresholds of before the
    first block are restored when the last block ends.

    Examples
    --------
    >>> import gc
    >>> before = gc.get_threshold()
    >>> with collector_relaxed(50_000):
    ...     gc.get_threshold()[0]
    50000
    >>> gc.get_threshold() == before
    True
    """
    global _relaxed_blocks, _relaxed_saved
    with _relaxed_lock:
        if _relaxed_blocks == 0:
            _relaxed_saved = gc.get_threshold()
        _relaxed_blocks += 1
        now = gc.get_threshold()
        if now[0] < threshold:
            gc.set_threshold(threshold, *now[1:])
    try:
        yield
    finally:
        with _relaxed_lock:
            _relaxed_blocks -= 1
            if _relaxed_blocks == 0:
                gc.set_threshold(*_relaxed_saved)
