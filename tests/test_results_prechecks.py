"""Randomized checks of the cheap prechecks in extract.results against the regexes they guard."""

import random

import extract.results as R

_PIECES = ["from", "From", "FROM", " to", "To", " ", "  ", "\n", "\x1c", "\t", "by", "By", "0", "12.5", "3,4",
           "%", "\\%", "x", "\u00d7", "-", "+", "outperforms", "improves", "surpassed", "up", "about", "nearly",
           "than", "over", "moreover", "vs.", "compared", "relative", "against", "the", "strong", "baseline",
           "a", "b", "," , ";", "\u00e9", "Fo", "rom", "t", "o"]


def _random_text(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 14)))


_WS = ["", " ", "  ", "\n", "\x1c", "\t", " \n"]


def _claim_like(rng: random.Random) -> str:
    """Random text shaped like the leads the rules read ("... from 80.1% to", "... outperforms X by up to")."""
    parts = [_random_text(rng) if rng.random() < 0.5 else ""]
    parts.append(rng.choice(["from", "From", "FROM", "fro", "outperforms", "Improved", "beat", "surpass"]))
    for _ in range(rng.randint(0, 3)):
        parts.append(rng.choice(_WS) + rng.choice(["X", "80.1", "+3", "1,2", "%", "\\%", "x", "\u00d7", "by", "up",
                                                  "to", "nearly", ",", "over", "the"]))
    parts.append(rng.choice(_WS) + rng.choice(["to", "TO", "by", "By", "to ", "by up to", "t", ""]))
    parts.append(rng.choice(_WS + ["x", ".", "\u00e9"]))
    return "".join(parts)


def test_may_end_from_to_is_necessary() -> None:
    rng = random.Random(7)
    for i in range(30000):
        s = _claim_like(rng) if i % 2 else _random_text(rng)
        if R._FROM_TO_RE.search(s) is not None:
            assert R._may_end_from_to(s), s
        if R._FROM_TO_RE.sub(" to ", s) != s:
            assert R._may_end_from_to(s), s


def test_by_after_verb_matches_plain_search() -> None:
    rng = random.Random(11)
    for i in range(30000):
        text = _claim_like(rng) if i % 2 else _random_text(rng)
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        plain = R._BY_AFTER_VERB_RE.search(text[start:end]) is not None
        low = text.lower() if text.isascii() else None
        assert R._by_after_verb(text, low, start, end) == plain, (text, start, end)


def test_baseline_cue_in_matches_plain_search() -> None:
    rules = R._rules()
    rng = random.Random(13)
    for _ in range(30000):
        text = _random_text(rng)
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        plain = rules.baseline_cue.search(text[start:end]) is not None
        low = text.lower() if text.isascii() else None
        assert R._baseline_cue_in(rules, text, low, start, end) == plain, (text, start, end)


def test_find_numbers_with_digits_matches_plain() -> None:
    from extract.numbers import find_numbers
    pieces = ["1", "23", "4.5", ".", ".7", "1,234", "8e-3", "e", "E5", " ", "ab", "x", "%", "-", "+", "/", "v",
              "ResNet-50", "(", ")", ",", "twice", "3 times", "\u00e9", "2."]
    rng = random.Random(17)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        sent = text[start:end]
        if not text.isascii():
            continue
        digits = R._digits_as_zero(text)
        assert find_numbers(sent, start, None, digits) == find_numbers(sent, start), (text, start, end)
