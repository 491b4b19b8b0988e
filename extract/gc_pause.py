"""``collector_paused()``: Python's cyclic garbage collector paused for a block.

For code that builds many long-lived objects and little cyclic garbage: importing spaCy and building the
extraction pipeline (patterns, labels, rule tables). Meanwhile the collector would run a few hundred
times, walking the young objects, and now and then the whole growing heap, for nothing (~0.1 s of
``Extractor()``, ~0.08 s of importing the pipeline). A module of its own, with no imports beyond the
standard library, so that the CLI can pause the collector before it imports the pipeline.
"""

from __future__ import annotations

import gc
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
