"""Pins the shortcuts of the candidate factory, the role component's slot lookup and the gazetteer's
one-token exact-case check against the plain paths they replace."""

from bisect import bisect_left

import numpy as np

from extract.components.role import _slots_near
from extract.components.state import STRONG, Cand, cand_at

_FIELDS = [c for c in Cand.__slots__ if c != "head_end"]


def test_cand_at_equals_the_constructor():
    entry = object()
    fields = ("method", "gazetteer", 90, STRONG, "resnet50", "ResNet-50", "ResNet", False, entry)
    a, b = cand_at(3, 12, fields), Cand(3, 12, *fields)
    assert type(a) is Cand
    assert [getattr(a, f) for f in _FIELDS] == [getattr(b, f) for f in _FIELDS]
    assert not hasattr(a, "head_end") and not hasattr(b, "head_end")


def _slot_by_bisect(slots, pos):
    starts = sorted({s for s, _ in slots})
    i = bisect_left(starts, pos - 2)
    return starts[i] if i < len(starts) and starts[i] <= pos else None


def test_slots_near_equals_the_bisect():
    for slots in ([], [(5, 9)], [(10, 20), (11, 15)], [(0, 3), (2, 4), (4, 9), (30, 31), (31, 40)]):
        near = _slots_near(slots)
        for pos in range(-3, 45):
            assert near.get(pos) == _slot_by_bisect(slots, pos), (slots, pos)


def test_one_token_id_equals_the_slice():
    orths = np.array([2**63 + 5, 17, 2**40], dtype=np.uint64)
    for s in range(3):
        assert (orths.item(s),) == tuple(orths[s:s + 1].tolist())
        assert hash((orths.item(s),)) == hash(tuple(orths[s:s + 1].tolist()))


def test_find_word_and_plural_equals_two_scans():
    from extract.components.state import find_word, find_word_and_plural

    texts = ["CNN and CNNs, CNN-based, CNNs-2, xCNN, CNN_s, CNNs_x, CNN-3, CNNs-based CNNss CNN",
             "MIMs MIM MIMs. (MIM) -MIM MIM- MIMs-", "", "LLMs", "LLM", "s s-s"]
    for text in texts:
        for word in ("CNN", "MIM", "LLM", "s", ""):
            got = find_word_and_plural(text, word)
            assert got == (list(find_word(text, word, hyphen_after=True)),
                           list(find_word(text, word + "s", hyphen_after=True))), (text, word)
