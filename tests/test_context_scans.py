"""The context component's fast scans give what the plain regexes they replace give."""

from __future__ import annotations

import random
import re

import spacy

from extract.components import customize_tokenizer
from extract.components.context import (
    _METRIC_RX,
    _OUR_TOKEN,
    _TOPK_OR_METRIC,
    _TOPK_RX,
    _URL,
    _our_ends,
    _urls,
)
from extract.components.rules import Rules


def _random_texts(pieces: list[str], n: int = 3000, seed: int = 0) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))) for _ in range(n)]


def test_urls_match_finditer():
    pieces = ["http", "https://", "http://", "www.", "www", ".", " ", "\n", "a", "x/", "wwww.", "hhttp://", "é"]
    texts = ["See https://github.com/a/b and www.x.org/a.", "http://a http://b", "xhttp://a.b/www.c d", ""]
    for t in texts + _random_texts(pieces):
        assert _urls(t) == [m.span() for m in _URL.finditer(t)], t


def test_our_ends_at_tokens_match_the_plain_regex():
    nlp = spacy.blank("en")
    customize_tokenizer(nlp, Rules.load())
    our = re.compile(r"\b[Oo]ur\s+(?:proposed\s+|new\s+|novel\s+)?")
    pieces = ["our", "Our", " ", "\t", "\n", "f", "proposed ", "new ", "novel  ", "_", "(", "é", "your ", "ours ",
              "-", "/", "'", "\"", ".", ",", "x", "3", "[", "*", "http://a.b/"]
    texts = ["Our new model. In our  proposed method, four our_x _our. Our", "é our novel", "(our new)", "a/our b", ""]
    for t in texts + _random_texts(pieces):
        anchors = [(tok.idx, len(tok.text)) for tok in nlp.make_doc(t) if _OUR_TOKEN.search(tok.text)]
        assert _our_ends(t, anchors) == [m.end() for m in our.finditer(t)], t


def test_topk_or_metric_is_the_two_regexes_in_order():
    pieces = ["top-1 ", "Top5 ", "accuracy", "error rate", "acc.", "mAP@0.5", "R@1", "AP50", "BLEU-4", "-", " ",
              "x", "@", "IoU", "mIoU", "AP_{box}"]
    for t in _random_texts(pieces, n=800):
        for i in range(len(t) + 1):
            m = _TOPK_OR_METRIC.match(t, i)
            a = _TOPK_RX.match(t, i)
            b = None if a else _METRIC_RX.match(t, i)
            want = a or b
            assert (m.span() if m else None) == (want.span() if want else None), (t, i)
            if m:
                assert (m.lastgroup == "topk") == bool(a), (t, i)


def test_bare_head_outcome_is_what_the_head_rules_decide():
    from extract.components.context import _F_BLOCK_BARE, _F_CONT, _Ctx, _head_phrase

    ctx = _Ctx(Rules.load())
    words = ["the", "full", "mixed", "deep", "semantic", "proposed", "various", "helps", "BERT", "3", "top-1",
             "neural", "our", "fp16", "low", "image"]
    for records in ctx.head_records.values():
        for hd in records:
            text = "x " + hd.head
            hs = 2
            want = hd.bare[False]
            got = _head_phrase(text, hd, hs, [], ctx.rules)
            assert got == (want + (hs,) if want else None), hd.head
            for w in words:
                f = ctx.word_features(w)
                if f[_F_CONT] & hd.cont:
                    continue  # (a rule of the head takes the word: not a bare head)
                text = w + " " + hd.head
                hs = len(w) + 1
                want = hd.bare[bool(f[_F_BLOCK_BARE])]
                got = _head_phrase(text, hd, hs, [(0, f)], ctx.rules)
                assert got == (want + (hs,) if want else None), (w, hd.head)
