"""More context-rule shortcuts, each pinned against the plain code it stands for."""

from __future__ import annotations

import random

import pytest

from extract.components.context import _APPOSITIVE, _SUBJ_BEFORE, _Ctx, _subject_before
from extract.components.rules import Rules


@pytest.fixture(scope="module")
def ctx() -> _Ctx:
    return _Ctx(Rules.load())


def test_subject_before_is_the_regex_search():
    """The fast path (one space, a word of letters) and the backward steps give what the regex gives."""
    rnd = random.Random(3)
    parts = ["we", "We", "paper", "also", "first", "x", "  ", " ", "\n", "(", "-", "further", "thus", "a", "ourwe",
             "_we", "9", "é", "work", "Report", "then we"]
    checked = 0
    for _ in range(3000):
        t = "".join(rnd.choice(parts) + rnd.choice(["", " ", "  ", "\t"]) for _ in range(rnd.randint(0, 14))) + " "
        for a in range(len(t) + 1):
            assert _subject_before(t, a) == bool(_SUBJ_BEFORE.search(t, max(0, a - 45), a)), (t, a)
            checked += 1
    assert checked > 50_000


def test_appositive_forward_regex_on_lower_case_ascii(ctx):
    """``app_fwd_lower`` on an ASCII text made lower case matches as ``app_fwd`` (re.I) on the text."""
    rnd = random.Random(4)
    words = ["a", "novel", "Framework", "LLM", "MLLMs", "data", "set", "Language", "model", "models", "x-y", "of",
             "Benchmark", "benchmarks", "test", "Set", "evaluation", "metric", "2", "modeling", "(", "the", "network"]
    found = 0
    for _ in range(20000):
        text = ", a " + " ".join(rnd.choice(words) for _ in range(rnd.randint(1, 9))) + rnd.choice(["", ".", " x"])
        assert text.isascii()
        for m in _APPOSITIVE.finditer(text):
            plain = ctx.app_fwd.match(text, m.end())
            fast = ctx.app_fwd_lower.match(text.lower(), m.end())
            assert (plain is None) == (fast is None), text
            if plain:
                found += 1
                assert plain.span() == fast.span() and plain.span("head") == fast.span("head"), text
                assert plain.group("mods").lower() == fast.group("mods"), text
    assert found > 1000
