"""``_slots_near`` sorts the slots themselves (no set of their starts): slots sharing a start, in any
order, give the dict of the first slot start within two characters, as a bisect on the sorted starts."""

import random
from bisect import bisect_left

from extract.components.role import _slots_near


def _slot_by_bisect(slots: list[tuple[int, int]], pos: int) -> int | None:
    starts = sorted({s for s, _ in slots})
    i = bisect_left(starts, pos - 2)
    return starts[i] if i < len(starts) and starts[i] <= pos else None


def test_slots_near_with_shared_starts():
    rng = random.Random(11)
    for _ in range(2000):
        slots = [(s, s + rng.randint(1, 9)) for s in (rng.randint(0, 30) for _ in range(rng.randint(0, 6)))]
        slots += slots[: rng.randint(0, len(slots))]  # (some slots twice)
        rng.shuffle(slots)
        near = _slots_near(slots)
        for pos in range(-3, 45):
            assert near.get(pos) == _slot_by_bisect(slots, pos), (slots, pos)
