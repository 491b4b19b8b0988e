"""The prefilters of extract.results and extract.numbers (session 5) give what the plain scans give."""

from __future__ import annotations

import random
import re

from result_texts import PIECES, random_texts

import extract.numbers as numbers
from extract.numbers import find_numbers
from extract.records import Mention
from extract.results import (
    _TOKEN_RE,
    _baseline_cue,
    _baseline_cue_in,
    _fallback_metrics,
    _rules,
    _scanned_metrics,
    _tokens,
)


def _mentions(text: str, offset: int, rnd: random.Random) -> list[Mention]:
    """Random spans of ``text`` (whole words, parts of words, several words) as mentions at ``offset``."""
    out = []
    for _ in range(rnd.randint(0, 4)):
        if not text:
            break
        a = rnd.randrange(len(text))
        b = rnd.randint(a + 1, min(len(text), a + 20))
        out.append(Mention(text[a:b], rnd.choice(["metric", "dataset", "method"]), a + offset, b + offset,
                           "abstract", text, offset, offset + len(text), text[a:b], text[a:b].lower()))
    return sorted(out, key=lambda m: m.start)


def test_fallback_metrics_prefilter_keeps_every_metric_the_scans_keep():
    rnd = random.Random(3)
    for text in random_texts(6000, seed=21):
        offset = rnd.choice([0, 7])
        taken = _mentions(text, offset, rnd)
        assert _fallback_metrics(text, offset, taken) == _scanned_metrics(text, offset, taken, None), (text, taken)


def test_fallback_metrics_prefilter_on_metric_words_covered_by_mentions():
    text = "It reaches 84.3% top-1 accuracy and a mean error of 2.1."
    a = text.index("top-1 accuracy")
    covered = [Mention("top-1 accuracy", "metric", a, a + 14, "abstract", text, 0, len(text), "top-1 accuracy", "k")]
    assert _fallback_metrics(text, 0, covered) == _scanned_metrics(text, 0, covered, None)
    assert [sp.name for sp in _fallback_metrics(text, 0, [])] == [sp.name for sp in _scanned_metrics(text, 0, [], None)]
    assert _fallback_metrics(text, 0, [])  # (the uncovered metric is found)


def test_baseline_cue_in_is_the_cue_of_the_slice():
    rules = _rules()
    assert rules.baseline_low is not None  # (the bundled cue has no look-behind, boundary or upper case)
    rnd = random.Random(5)
    for text in random_texts(4000, seed=8):
        low = text.lower() if text.isascii() else None
        for _ in range(3):
            a = rnd.randint(0, len(text))
            b = rnd.randint(a, len(text))
            assert _baseline_cue_in(rules, text, low, a, b) == _baseline_cue(rules, text[a:b]), (text, a, b)


def test_tokens_are_the_lower_cased_plain_tokens():
    ignore = _rules().ignore
    for text in random_texts(4000, seed=13):
        plain = [t for t in (t.lower() for t in _TOKEN_RE.findall(text)) if t not in ignore]
        assert _tokens(text) == plain, text
    assert _tokens("ZZfooZZ-bar zzdatasetzz") == ["zzfoozz-bar", "zzdatasetzz"]


def _plain_find_numbers(text: str) -> list[tuple]:
    """find_numbers without its prefilters: every check by its regex, in the order first written."""
    out = []
    n = len(text)
    for m in numbers._CORE_RE.finditer(text):
        s, e = m.span()
        sign, full_start = "", s
        if s:
            prev = text[s - 1]
            if prev.isalnum() or prev in "_@./#^\\'’±":
                continue
            if prev in numbers._DASHES:
                if s >= 2 and (text[s - 2].isalnum() or text[s - 2] in ")%]}_"):
                    continue
                sign, full_start = "-", s - 1
            elif prev == "+":
                if s >= 2 and (text[s - 2].isalnum() or text[s - 2] in "+/"):
                    continue
                sign, full_start = "+", s - 1
        if numbers._PM_BEFORE_RE.search(text[max(0, full_start - 8):full_start]):
            continue
        if numbers._RANGE_BEFORE_RE.search(text[max(0, full_start - 6):full_start]):
            continue
        if numbers._SIZE_BEFORE_RE.search(text[max(0, s - 12):s]) or numbers._SIZE_AFTER_RE.match(text, e):
            continue
        nxt = text[e] if e < n else ""
        if nxt == "/" and e + 1 < n and text[e + 1].isdigit():
            continue
        if s >= 2 and text[s - 1] == "/" and text[s - 2].isdigit():
            continue
        unit, uend = numbers._unit_at(text, e)
        if numbers._RANGE_AFTER_RE.match(text, uend):
            continue
        if not unit and nxt and (nxt.isalpha() or nxt == "_"):
            continue
        if numbers._ORDINAL_RE.match(text, e):
            continue
        if uend < n and text[uend - 1].isalpha() and text[uend].isalnum():
            continue
        value = float(m.group(0).replace(",", ""))
        out.append((full_start, uend, -value if sign == "-" else value, unit, sign))
    return out


_NUMBER_PIECES = ["84.3", "%", " %", "\\%", "％", " percent", "x", "×", " X", "$\\times$", " times", "-fold", " fold",
                  "pp", " p.p.", " points", "pts", "k", "K", "M", " B", " billion", " fps", "FPS", "GFLOPs", "ms",
                  " dB", "GB", " h", "s", " sec", " days", "th", "st", "nd", "rd", "D", "_", "/", "/2", "-", "–", "—",
                  "~", " ", "\t", "\u2003", "\n", "±", "+", "+/-", "\\pm", "1,024", ".5", "1e-4", "7", "256", "*",
                  "ResNet-50", "v1.2", "a", "é", "(", ")", ",", ".", "two", "twice", "three-fold", "2023", "−"]


def test_find_numbers_is_the_plain_reading():
    for text in random_texts(20000, seed=17, pieces=_NUMBER_PIECES):
        got = [tuple(x) for x in find_numbers(text) if not text[x.start].isalpha()]  # (not "two times", "twice")
        assert got == _plain_find_numbers(text), text


def test_first_characters_of_the_regexes_after_a_number():
    """A match of the unit, size and range regexes starts with one of the listed characters, after one
    white space or none."""
    checks = [(numbers._UNIT_RE, numbers._UNIT_FIRST), (numbers._SIZE_AFTER_RE, numbers._SIZE_AFTER_FIRST),
              (numbers._RANGE_AFTER_RE, numbers._RANGE_AFTER_FIRST)]
    tails = ["", "x", "0", " 5", "ps", "PS", "imes", "old", "oints", "ts", "p", "B", "LOPs", "s", "ays", "ercent",
             "illion", "housand", "er cent", ".p.", "ercentage points", "\\times", "times"]
    for c in [chr(cp) for cp in range(0x2200)] + ["\uff05", "\uff58", "\u2a2f", "\U0001d465"]:
        if c.isspace():
            continue
        for rx, first in checks:
            if c not in first:
                for lead in ("", " ", "\t"):
                    assert not any(rx.match(lead + c + tail) for tail in tails), (rx.pattern, c)
                    assert not numbers._may_start(lead + c, 0, len(lead) + 1, first)
    assert numbers._unit_at("84.3% top-1", 4) == ("%", 5)  # (the "%" shortcut)


def test_word_times_scans_around_the_tail_words():
    texts = ["two times", "a hundred times", "hundred - - times", "double it, then twice", "three-fold and ten fold",
             "it is triple; four  times faster", "timesfold twice twelve times", "one hundred times, fifty-fold"]
    for text in list(random_texts(3000, seed=4, pieces=["two", "a hundred", " ", "-", "times", "fold", "twice", "double",
                                                  "x", "TEN", "Fold", "one", "hundred", "\n"])) + texts:
        plain = [m.span() for m in numbers._WORD_TIMES_RE.finditer(text)
                 if m.group("w") or m.group("twice").lower() == "twice"]
        got = [m.span() for m in numbers._word_times(text) if m.group("w") or m.group("twice") == "twice"]
        assert got == plain, text


_CASE_PIECES = ["higher", "Better", " than", " Over", "Improvement", "gains", "fewer", "More", "of the", " ", "  ",
                "Outperforming", "by ", "Up to ", "on the", "In ", "with A ", "zzdatasetzz", "ZZdatasetZZ", "pre-Train",
                "Trained on ", "fine-tuned ON ", "relative", "absolute ", ",", ";", ".", "(x)", "and ", "\x1c", "\n",
                "K", "s", "8.4", "%", "X-1", "_", "-", "larger", "of\tthe"]


def test_folded_regexes_find_in_lower_cased_ascii_text_what_the_case_insensitive_ones_find():
    from extract import results

    pairs = [(results._SCOPE_LEAD_RE, results._SCOPE_LEAD_LOW_RE),
             (results._TRAINED_ON_RE, results._TRAINED_ON_LOW_RE),
             (results._COMPARATIVE_AFTER_RE, results._COMPARATIVE_AFTER_LOW_RE),
             (results._IMPROVEMENT_NOUN_AFTER_RE, results._IMPROVEMENT_NOUN_AFTER_LOW_RE),
             (results._ABOUT_ELSE_RE, results._ABOUT_ELSE_LOW_RE),
             (results._BY_AFTER_VERB_RE, results._BY_AFTER_VERB_LOW_RE),
             (results._LIST_GAP_RE, results._LIST_GAP_LOW_RE)]
    for text in random_texts(3000, seed=23, pieces=_CASE_PIECES):
        low = text.lower()
        for rx, low_rx in pairs:
            assert [m.span() for m in rx.finditer(text)] == [m.span() for m in low_rx.finditer(low)], (rx, text)
            assert bool(rx.fullmatch(text)) == bool(low_rx.fullmatch(low)), (rx, text)
            for pos in range(0, len(text), 3):
                a, b = rx.match(text, pos), low_rx.match(low, pos)
                assert (a and a.span()) == (b and b.span()), (rx, text, pos)


def test_cued_found_is_search_found():
    rules = _rules()
    for text in random_texts(3000, seed=29, pieces=_CASE_PIECES + PIECES):
        for cued in (rules.dataset_blockers, rules.negative_subject, rules.proposed_cue):
            assert cued.found(text) == (cued.regex.search(text) is not None), text


def test_verbs_from_the_words_are_the_scanned_verbs():
    from extract.results import _sentence_words, _verb_words_at

    rules = _rules()
    assert rules.verb_words is not None and rules.verbs_low is not None
    pieces = ["achieves", "achieve", "is", "are", "has", "_", "x", "9", " ", ", ", "(", "obtains_", "_sets", "set",
              "setting", "Reaches", "IS", "improves", "improvement", "outperformed", "-", "\n", "reach", "beat5"]
    rnd = random.Random(31)
    for text in random_texts(3000, seed=37, pieces=pieces):
        low = text.lower()
        for _ in range(3):
            start = rnd.randint(0, len(low))
            if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
                continue  # (the sentences it is used for start after a non-word character)
            end = rnd.randint(start, len(low))
            got = _verb_words_at(rules.verb_words, _sentence_words(text[start:end]), low, start, end)
            assert got == [v.start() for v in rules.verbs_low.finditer(low, start, end)], (text, start, end)


def test_ascii_twins_match_what_the_unicode_regexes_match_in_ascii_text():
    from extract import results
    from extract.asciire import ascii_twin

    rules = _rules()
    patterns = [rules.dataset_blockers.regex.pattern, rules.negative_subject.regex.pattern,
                rules.proposed_cue.regex.pattern, rules.baseline_cue.pattern, results._LIST_GAP_RE.pattern,
                results._SCOPE_LEAD_RE.pattern, results._BY_AFTER_VERB_RE.pattern, results._ABOUT_ELSE_RE.pattern,
                r"zz[a-z]+zz|[A-Za-z][A-Za-z0-9_'-]*|[0-9]+(?:\.[0-9]+)?|\S", r"[\s-]+x", r"[^\s]+", r"[]\s]+",
                r"\S\s\w+\b\d"]
    pieces = _CASE_PIECES + ["\x1c", "\x1d", "\x1f", "\x0b", "\t", "]", "[", "-", "9", "x", "_", "a b"]
    for pattern in patterns:
        plain, twin = re.compile(pattern), ascii_twin(pattern)
        assert twin is not None and twin.flags & re.ASCII, pattern
        for text in random_texts(1500, seed=41, pieces=pieces):
            low = text.lower()
            assert [m.span() for m in plain.finditer(low)] == [m.span() for m in twin.finditer(low)], (pattern, low)
    assert ascii_twin(r"[\S]") is None and ascii_twin("a", re.IGNORECASE) is None
