"""The method rule's baseline cue in the 40 characters before a method is read from the baseline rule's
cue in the 60 characters before it when that one is missing; a claim read before skips its method and
baseline. Both must answer as the plain reading does."""

from __future__ import annotations

import random
from dataclasses import replace

from result_texts import PIECES, random_texts

from extract.records import Mention
from extract.results import _baseline_cue_in, _field_results, _rules

_CUE_PIECES = PIECES + ["outperforming", "improves upon", "compared with", "relative to", "versus", "vs", "beats",
                        "the strong", "previous", "baseline", "models", " ", "  ", "\t", "X-Net", "by"]


def test_no_cue_in_the_long_lead_means_none_in_the_short_one():
    rules = _rules()
    assert rules.baseline_low is not None  # (the rule the shortcut relies on holds for the bundled cue)
    checked = 0
    for text in random_texts(4000, seed=41, pieces=_CUE_PIECES, max_pieces=14):
        low = text.lower() if text.isascii() else None
        for end in range(0, len(text) + 1, 3):
            for sent_start in (0, end // 2):
                long_lead = _baseline_cue_in(rules, text, low, max(sent_start, end - 60), end)
                short_lead = _baseline_cue_in(rules, text, low, max(sent_start, end - 40), end)
                assert long_lead or not short_lead, (text, end)
                checked += 1
    assert checked > 10000


def _mention(text: str, start: int, end: int, typ: str) -> Mention:
    return Mention(text[start:end], typ, start, end, "abstract", text, 0, len(text), text[start:end],
                   text[start:end].lower())


def test_repeated_claims_are_read_once():
    text = ("Our X-Net reaches 84.3% accuracy on ImageNet, and X-Net also reaches 84.3% accuracy on ImageNet "
            "compared with Y-Net, which reaches 84.3% accuracy.")
    ms = []
    for word, typ in (("X-Net", "method"), ("accuracy", "metric"), ("ImageNet", "dataset"), ("Y-Net", "method")):
        i = text.find(word)
        while i >= 0:
            ms.append(_mention(text, i, i + len(word), typ))
            i = text.find(word, i + 1)
    ms.sort(key=lambda m: m.start)
    out = _field_results(text, "abstract", [(0, len(text))], ms, "x-net", None)
    assert [(r.metric, r.value, r.dataset, r.method) for r in out] == [("accuracy", 84.3, "ImageNet", "X-Net"),
                                                                        ("accuracy", 84.3, None, "X-Net")]


def test_method_rule_matches_on_random_sentences():
    # the method and baseline of each result, against a reading without the shortcut (every lead read)
    import extract.results as results

    plain_rules = replace(_rules(), baseline_low=None)  # (no slice-free cue: every lead read by the regex)
    rnd = random.Random(5)
    words = [" X-Net", " Y-Net", " achieves", " reaches", " outperforms", " 84.3%", " 2.1 points", " accuracy",
             " mAP", " than", " compared with", " over the strong", " previous", " by", ",", " and", " we", " our",
             " improves upon", " versus", " vs.", " baselines", " on", " while", " it", "  "]
    texts = list(random_texts(6000, seed=43, pieces=words, max_pieces=18))
    for text in texts:
        ms = []
        for word, typ in (("X-Net", "method"), ("Y-Net", "method"), ("accuracy", "metric"), ("mAP", "metric")):
            i = text.find(word)
            while i >= 0:
                ms.append(_mention(text, i, i + len(word), typ))
                i = text.find(word, i + len(word))
        ms.sort(key=lambda m: m.start)
        proposed = rnd.choice([None, "x-net"])
        fast = _field_results(text, "abstract", [(0, len(text))], ms, proposed, None)
        try:
            results._rules = lambda: plain_rules
            plain = _field_results(text, "abstract", [(0, len(text))], ms, proposed, None)
        finally:
            results._rules = _rules
        assert fast == plain, text
