"""Context-rule shortcuts of session 9, each pinned against the plain code it stands for."""

from __future__ import annotations

import random

from extract.components.context import (
    _NAMING_WORDS,
    _Ctx,
    _head_word_after,
    _name_starts,
    _ten_words,
)
from extract.components.rules import Rules


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


def _plain_type_near(text: str, pos: int, rules: Rules, window: int = 50) -> str | None:
    """_type_near as it was before it skipped the heads that the window does not hold."""
    before = text[max(0, pos - window):pos].lower()
    best = None
    best_at = -1
    for head, t in rules.appositive_heads.items():
        i = before.rfind(head)
        if i > best_at and (i == 0 or not before[i - 1].isalpha()):
            best, best_at = t, i
    return best


def test_type_near_is_the_plain_scan(ctx):
    """Only heads in the window can be found: the same type at every offset, and some types found."""
    from extract.components.context import _type_near

    rnd = random.Random(12)
    heads = list(ctx.rules.appositive_heads)
    words = heads[:30] + ["a", "new", "remodel", "X", "called", "Dataset", "benchmarks", "(", "-", "é", "the"]
    typed = 0
    for _ in range(1500):
        text = " ".join(rnd.choice(words) + rnd.choice(["", "", " ", "s", "-"]) for _ in range(rnd.randint(1, 16)))
        for pos in range(0, len(text) + 1, 3):
            want = _plain_type_near(text, pos, ctx.rules)
            assert _type_near(text, pos, ctx.rules) == want, (text, pos)
            typed += want is not None
    assert typed > 10_000
