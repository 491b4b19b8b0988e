"""The abbreviation detector's shortcuts give what the plain code gives."""

from __future__ import annotations

import random

from extract.components.abbreviations import (
    _SF_CUT,
    _core,
    _is_short_form_uncached,
    _sf_letters,
    _word_initials,
    find_abbreviations,
    is_short_form,
)


def test_memos_give_the_functions_results():
    from extract.components import abbreviations as a

    for s in ("MIM", "CNNs", "Swin-T", "e.g.", "Fig. 2", "of", "Vision-Language", "", "x y z", "ViT-B/16"):
        assert is_short_form(s) == _is_short_form_uncached(s)
        assert a._CORE[s] == _core(s)
        assert a._SF_LETTERS[s] == _sf_letters(s)
        assert a._WORD_INITIALS[s] == _word_initials(s)


def test_short_form_cut_without_a_separator_is_the_whole_bracket():
    rnd = random.Random(0)
    pieces = ["MIM", ",", ";", " ", "\t", "a", "e.g.", ", ", "; ", ",x", "é", "\n"]
    for _ in range(3000):
        inner = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8)))
        want = _SF_CUT.split(inner, maxsplit=1)[0]
        got = _SF_CUT.split(inner, maxsplit=1)[0] if "," in inner or ";" in inner else inner
        assert got == want, inner


def test_pairs_found_in_brackets_with_and_without_separators():
    pairs = find_abbreviations("We use masked image modeling (MIM; see below) and vision transformers (ViTs, 2020).")
    assert [(p.short, p.long) for p in pairs] == [("MIM", "masked image modeling"), ("ViTs", "vision transformers")]


def test_valid_pair_is_the_plain_check():
    from extract.components.abbreviations import _LF_BAD_FIRST, _valid_pair

    def plain(sf: str, lf: str) -> bool:
        lf_words = lf.split()
        if len(lf) <= len(sf) or not lf_words:
            return False
        if any(w.lower().strip(",.;:") == sf.lower() for w in lf_words):
            return False
        if len(lf_words) > min(len(sf) + 5, 2 * len(sf)):
            return False
        return lf_words[0].lower() not in _LF_BAD_FIRST and any(map(str.isalpha, lf))

    rnd = random.Random(4)
    words = ["masked", "image", "MIM", "mim,", "Mim.", "ΣΑ", "σα", "ς", "of", "the", "x", "İ", "i̇", "a-b", "ΣΑ;"]
    for _ in range(5000):
        lf = " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 6)))
        sf = rnd.choice(["MIM", "ΣΑ", "σα", "İ", "x", "AB", "Mim"])
        assert _valid_pair(sf, lf) == plain(sf, lf), (sf, lf)
