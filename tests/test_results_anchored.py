"""The shortcuts added for speed in extract.results and extract.numbers find what the plain regexes find."""

from __future__ import annotations

import itertools
import re

from result_texts import METRIC_FORMS, random_texts

from extract.numbers import _CORE_ASCII_RE, _CORE_RE, find_numbers
from extract.results import (
    _FREE_NUMBER_RE,
    _TOKEN_ASCII_RE,
    _TOKEN_RE,
    _baseline_cue,
    _branch_literals,
    _lower_words,
    _rules,
)


def test_anchored_metric_spans_are_the_scanned_ones():
    rules = _rules()
    for text in itertools.chain(random_texts(4000, seed=11, max_pieces=10), METRIC_FORMS):
        if not text.isascii():
            continue
        words = _lower_words(text)
        for scanner in (rules.metric_cs, rules.metric_ci):
            got = scanner.anchored_spans(text, words)
            if got is not None:
                assert got == scanner.spans(text), text
    assert rules.metric_ci.anchored  # (the bundled forms all start with a letter or digit)


def test_baseline_cue_and_cued_regexes_agree_with_a_plain_search():
    rules = _rules()
    for text in random_texts(3000, seed=5, max_pieces=10):
        assert _baseline_cue(rules, text) == (rules.baseline_cue.search(text) is not None), text
        for cued in (rules.dataset_blockers, rules.negative_subject, rules.proposed_cue):
            assert (cued.search(text) is not None) == (cued.regex.search(text) is not None), text


def test_branch_literals():
    assert _branch_literals(r"(?:;|\bwhile\b|pre-?train)", re.I) == (";", "while", "train")
    assert _branch_literals(r"\b(?:we|our)\b", re.I) == ("we", "our")
    assert _branch_literals(r"(?:than|\w+ly)", re.I) == ("than", "ly")  # (the literal run of a branch)
    assert _branch_literals(r"(?:than|\w+)", re.I) is None  # a branch without a literal
    assert _branch_literals(r"than", re.I) is None  # not an alternation


def test_ascii_forms_of_the_regexes_find_the_same_in_ascii_text():
    for text in random_texts(3000, seed=3, max_pieces=10):
        if not text.isascii():
            continue
        assert [m.span() for m in _CORE_ASCII_RE.finditer(text)] == [m.span() for m in _CORE_RE.finditer(text)]
        assert _TOKEN_ASCII_RE.findall(text) == _TOKEN_RE.findall(text)


def test_free_number_test_never_rules_out_a_number():
    for text in random_texts(3000, seed=9, max_pieces=10):
        if text.isascii() and not _FREE_NUMBER_RE.search(text):
            low = text.lower()
            if not ("twice" in low or "times" in low or "fold" in low):
                assert find_numbers(text) == [], text
