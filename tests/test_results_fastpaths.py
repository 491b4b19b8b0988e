"""The shortcuts of extract.results and extract.numbers find what the plain regexes and slices find."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from extract.numbers import find_numbers
from extract.results import _lower_words, _may_hold_number, _number_sentences, _required_char, _rules

_PIECES = ["Top-1 accuracy", "top1", "ACC", "acc.", "mAP@0.5", "Recall@10", "R@1", "AP50", "box AP", "APbox", "mIoU",
           "mean IoU", "F1-score", "BLEU-4", "error rate", "word error rate", "FID", "Fréchet", "ſ", "_", "x", "9", "84.3%",
           " ", ", ", "(", ")", "-", "@", "training", "throughput", "task success rate", "inference latency", "The",
           "map", "Mask", "AUC-ROC", "ROC AUC", "chrF++", "MS-SSIM", "K", "\u212aID"]


def _texts(n: int = 3000):
    rnd = random.Random(7)
    for _ in range(n):
        yield "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 8)))


def test_metric_prefilter_never_rules_out_a_sentence_with_a_match():
    rules = _rules()
    for text in itertools.chain(_texts(), _PIECES):
        words = _lower_words(text) if text.isascii() else None
        for scanner in (rules.metric_cs, rules.metric_ci):
            if not scanner.may_match(text, words):
                assert scanner.spans(text) == [], text


def test_required_char_of_a_regex():
    assert _required_char(r"(?:Recall|R|mAP)@\d+") == "@"
    assert _required_char(r"(?:a|b)c", re.IGNORECASE) is None  # a cased literal under IGNORECASE
    assert _required_char(r"(?:a|b)+") is None


@pytest.mark.parametrize("text", ["It is 3 points better. We propose X. Twice as fast.", "No number here. None.",
                                  "Une amélioration de 3 points.", ""])
def test_number_sentences_are_those_that_may_hold_a_number(text):
    cuts = sorted({0, len(text)} | {m.end() for m in re.finditer(r"\. ", text)})
    sents = list(zip(cuts, cuts[1:], strict=False))
    assert [(s, e) for s, e, _ in _number_sentences(text, sents)] == \
        [(s, e) for s, e in sorted(sents) if _may_hold_number(text[s:e])]


def test_verb_trie_finds_what_the_word_alternation_finds():
    rules = _rules()
    words = "|".join(sorted(re.findall(r"[a-z]+", rules.verbs.pattern), key=len, reverse=True))
    flat = re.compile(rf"\b(?:{words})\b")
    text = "our model achieves and achieved, outperforms outperforming reachesx sets set setting has have is"
    assert [m.span() for m in rules.verbs_low.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_find_numbers_offset_shifts_the_spans():
    text = "gains +3.5 AP and 1.6x speed, 84.3% on ResNet-50, three times faster"
    plain = find_numbers(text)
    assert [(n.start + 10, n.end + 10, n.value, n.unit, n.sign) for n in plain] == \
        [tuple(n) for n in find_numbers(text, 10)]


def test_no_word_prefilter_where_unicode_case_folding_matches_ascii_text():
    from extract.results import _MetricScanner

    sc = _MetricScanner([], ["ſcore", "fréchet distance"], ignorecase=True)  # "ſ" folds to "s"
    words = _lower_words("the score")
    assert sc.spans("the score") == [(4, 9)]
    assert sc.may_match("the score", words)
