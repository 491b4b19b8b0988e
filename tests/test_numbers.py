"""Tests of extract.numbers: parse_number and find_numbers."""

from __future__ import annotations

import pytest

from extract.numbers import find_numbers, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("84.3%", (84.3, "%")),
        ("84.3 %", (84.3, "%")),
        ("4.6\\%", (4.6, "%")),
        ("12 percent", (12.0, "%")),
        ("13.7times", (13.7, "x")),
        ("13.7 times", (13.7, "x")),
        ("1.6x", (1.6, "x")),
        ("1.6×", (1.6, "x")),
        ("1.6$\\times$", (1.6, "x")),
        ("2x", (2.0, "x")),
        ("two times", (2.0, "x")),
        ("three-fold", (3.0, "x")),
        ("3-fold", (3.0, "x")),
        ("twice", (2.0, "x")),
        ("0.955", (0.955, "")),
        (".955", (0.955, "")),
        ("+3.5", (3.5, "")),
        ("-1.2", (-1.2, "")),
        ("\u22121.2", (-1.2, "")),
        ("1,024", (1024.0, "")),
        ("7B", (7.0, "B")),
        ("7 billion", (7.0, "B")),
        ("10k", (10.0, "K")),
        ("1.3M", (1.3, "M")),
        ("2.1", (2.1, "")),
        ("30 FPS", (30.0, "fps")),
        ("12 ms", (12.0, "ms")),
        ("16 GB", (16.0, "GB")),
        ("31.2 dB", (31.2, "dB")),
        ("4.5 GFLOPs", (4.5, "GFLOPs")),
        ("3.5 points", (3.5, "points")),
        ("21-point", (21.0, "points")),
        ("2.3 pp", (2.3, "pp")),
        ("1.5 percentage points", (1.5, "pp")),
        ("1e-4", (0.0001, "")),
    ],
)
def test_parse_number(text, expected):
    value, unit = parse_number(text)
    assert value == pytest.approx(expected[0]) and unit == expected[1]


@pytest.mark.parametrize(
    "text",
    ["95th", "1st", "3rd", "3D", "ResNet-50", "v1.2", "7x7", "256 x 256", "AP50", "top-1", "", "  ", "84.3% and 2.1",
     "about", "10-20%", "0.4/0.19"],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


def test_parse_number_strips_surrounding_space():
    assert parse_number("  84.3%  ") == (84.3, "%")


def _found(text):
    return [(text[n.start:n.end], n.value, n.unit, n.sign) for n in find_numbers(text)]


def test_find_numbers_spans_signs_and_units():
    text = "gains +3.5 AP and 1.6x speed, 84.3% on ResNet-50 with (−1.2 FID)."
    assert _found(text) == [
        ("+3.5", 3.5, "", "+"),
        ("1.6x", 1.6, "x", ""),
        ("84.3%", 84.3, "%", ""),
        ("\u22121.2", -1.2, "", "-"),
    ]


def test_names_and_sizes_hold_no_numbers():
    text = "ResNet-50, GPT-4, YOLOv5, Llama-2-7B, top-1, AP50, mAP@0.5, 3D, ImageNet-1K, 224x224, 7 x 7, 256times256"
    assert find_numbers(text) == []


def test_ranges_slash_lists_and_deviations_are_skipped():
    text = "by 1.0%-2.5% and 1.7x - 2.7x, LDM/DiT by 1.82/0.49, 84.3 ± 0.2, 71.0 $\\pm$ 0.4"
    assert [v for _, v, _, _ in _found(text)] == [84.3, 71.0]


def test_hyphen_after_a_space_is_a_sign_but_after_a_word_is_not():
    assert _found("a drop of -0.3 and Swin-3")[0][1:] == (-0.3, "", "-")
    assert len(find_numbers("a drop of -0.3 and Swin-3")) == 1


def test_sentence_final_period_is_not_part_of_the_number():
    assert _found("It reaches 52.1.") == [("52.1", 52.1, "", "")]


def test_years_and_counts_are_found_as_plain_numbers():
    # filtering years and counts is the job of the result reader, not of the number finder
    assert [(v, u) for _, v, u, _ in _found("In 2023 we used 8 GPUs and 1.2M images.")] == [
        (2023.0, ""), (8.0, ""), (1.2, "M")
    ]


def test_word_multipliers_are_found():
    assert [(v, u) for _, v, u, _ in _found("It is three times faster and needs ten-fold less memory.")] == [
        (3.0, "x"), (10.0, "x")
    ]


def test_unit_glued_to_more_letters_is_not_a_unit():
    assert find_numbers("a 5Bn budget and 10kHz audio") == []


def test_word_multipliers_are_found_in_any_case_and_without_digits():
    assert [(n.value, n.unit) for n in find_numbers("It is Three Times faster and TWICE as small, a 5-fold gain.")] == [
        (3.0, "x"), (2.0, "x"), (5.0, "x")]
    assert find_numbers("No numbers here, just words.") == []


@pytest.mark.parametrize("text", [
    "three TIMES faster and 3-Fold better", "Twice as fast", "TWICE", "double the data, twice the speed",
    "a hundred times", "nothing here", "Fünf times: non-ASCII text, two times",
])
def test_word_times_match_what_the_case_insensitive_regex_matches(text):
    """The matches that yield a number (a number word, or "twice"; "double" and "triple" yield none)."""
    from extract.numbers import _WORD_TIMES_RE, _word_times

    def yielding(matches):
        return [(m.span(), m.group("w") and m.group("w").lower(), m.group("twice") and m.group("twice").lower())
                for m in matches if m.group("w") or m.group("twice").lower() == "twice"]

    assert yielding(_word_times(text)) == yielding(_WORD_TIMES_RE.finditer(text))
