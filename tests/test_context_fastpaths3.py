"""Context-rule shortcuts of session 9, each pinned against the plain code it stands for."""

from __future__ import annotations

import random

import pytest

from extract.components.context import (
    _NAMING_WORDS,
    _Ctx,
    _head_word_after,
    _name_starts,
    _ten_words,
)
from extract.components.rules import Rules


@pytest.fixture(scope="module")
def ctx() -> _Ctx:
    return _Ctx(Rules.load())


def _plain_head_word_after(text: str, p: int, ctx: _Ctx) -> bool:
    """_head_word_after as it was before the per-chunk memo and its early return."""
    last = ctx.head_last_words
    words = _ten_words(text, p)
    for i, w in enumerate(words[:7]):
        w, comma, after = w.partition(",")
        if w in last or (w[-1:] == "s" and w[:-1] in last):
            k = i + 1
            if not after:
                after = words[k] if k < len(words) else ""
                k += 1
                if not comma and after[:1] == ",":
                    after = after[1:]
                    if not after:
                        after = words[k] if k < len(words) else ""
                        k += 1
            if after in _NAMING_WORDS:
                after = words[k] if k < len(words) else ""
            if _name_starts(after):
                return True
    return False


def test_head_word_after_is_the_plain_loop(ctx):
    """The memo of head words and the early return give what the plain loop gives, at every offset."""
    rnd = random.Random(11)
    words = ["a", "new", "framework", "frameworks", "framework,", "frameworks,X", ",", ",X", "called", "named", "X",
             "“X”", "'X", "mBERT", "x", "model", "models,", "dataset,called", "benchmark", "s", "models,,", "LLM",
             "datasets", "method,", "(", "é", "9", "system,Name", "named,", "set"]
    agree = held = 0
    for _ in range(4000):
        text = " ".join(rnd.choice(words) + rnd.choice(["", "", " ", "\n", ","]) for _ in range(rnd.randint(1, 14)))
        for p in range(len(text) + 1):
            want = _plain_head_word_after(text, p, ctx)
            assert _head_word_after(text, p, ctx) == want, (text, p)
            agree += 1
            held += want
    assert agree > 100_000 and held > 5_000


def test_is_head_word(ctx):
    for w in ["model", "models", "models,", "model,X", "modelss", "", ",", "s", "benchmark,", "framework,,a", "Model"]:
        head, _, _ = w.partition(",")
        want = head in ctx.head_last_words or (head[-1:] == "s" and head[:-1] in ctx.head_last_words)
        assert ctx.is_head_word(w) == want, w
