"""The head rule's memo of two- and three-modifier phrases (_Head.chains), pinned against the rule without it."""

from __future__ import annotations

import random

import pytest
import spacy

from extract.components.context import _Ctx, _head_rule
from extract.components.rules import Rules


class _NoStore(dict):
    """A memo that keeps nothing: the head rule then always reads the words (the plain code)."""

    def __setitem__(self, key, value) -> None:
        pass


class _Collect:
    """Stands in for the rules' output: keeps what the head rule adds."""

    def __init__(self) -> None:
        self.found: list = []
        self.add = self.found.append


def _anchors(ctx: _Ctx, doc) -> list:
    """The head anchors of a document as ContextRules gives them: ``(start, head)`` of the tokens that end heads."""
    out = []
    for tok in doc:
        head, _ = ctx.orth_info(tok.text)
        if head is not None:
            out.append((tok.idx, head))
    return out


def _run(ctx: _Ctx, text: str, doc) -> list:
    out = _Collect()
    _head_rule(text, out, ctx, _anchors(ctx, doc))
    return out.found


@pytest.fixture(scope="module")
def ctxs() -> tuple[_Ctx, _Ctx]:
    rules = Rules.load()
    fast, plain = _Ctx(rules), _Ctx(rules)
    for heads in plain.head_records.values():
        for hd in heads:
            hd.chains = _NoStore()
    return fast, plain


def test_chains_memo_gives_what_the_words_give(ctxs):
    """Random texts of modifiers, head words, stop words, punctuation and odd white space (long ones too, for the
    72-character window), each run twice (the second run finds its phrases in the memo): the same additions."""
    fast, plain = ctxs
    nlp = spacy.blank("en")
    rnd = random.Random(5)
    words = ["object", "detection", "semantic", "segmentation", "deep", "neural", "network", "networks", "model",
             "convolutional", "the", "a", "of", "Transformer", "image", "large", "language", "models", "accuracy",
             "top-1", "self-attention", "attention", "learning", "reinforcement", "machine", "translation", "full",
             "precision", "method", "algorithm", "parsing", "vision", "task", "problem", "BERT", "(", ")", ",", ".",
             "state-of-the-art", "graph", "classification", "mean", "average", "fast", "efficient", "2D", "3D",
             "pose", "estimation", "question", "answering", "various", "Detection", "supervised", "x" * 30]
    seps = [" "] * 12 + ["  ", "\n", " \n ", "-", "", "\t"]
    checked = 0
    for _ in range(3000):
        n = rnd.randint(1, 40)
        text = "".join(rnd.choice(words) + rnd.choice(seps) for _ in range(n)).strip()
        doc = nlp(text)
        for _ in range(2):
            want = _run(plain, text, doc)
            assert _run(fast, text, doc) == want, text
            checked += len(want)
    assert checked > 10_000
    assert sum(len(hd.chains) for heads in fast.head_records.values() for hd in heads) > 500
