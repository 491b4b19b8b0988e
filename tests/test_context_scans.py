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
            want = hd.bare[False]  # (the fields of the candidate: type, rule, priority first)
            got = _head_phrase(text, hd, hs, [], ctx.rules)
            assert got == (want[:3] + (hs,) if want else None), hd.head
            for w in words:
                f = ctx.word_features(w)
                if f[_F_CONT] & hd.cont:
                    continue  # (a rule of the head takes the word: not a bare head)
                text = w + " " + hd.head
                hs = len(w) + 1
                want = hd.bare[bool(f[_F_BLOCK_BARE])]
                got = _head_phrase(text, hd, hs, [(0, f)], ctx.rules)
                assert got == (want[:3] + (hs,) if want else None), (w, hd.head)


def test_shape_scan_matches_the_plain_regexes():
    from extract.components.context import (
        _ESC_TAIL,
        _SHAPE,
        _Ctx,
        _is_shape_token,
        _Out,
        _shape_name,
        _shape_rule,
    )
    from extract.components.state import DocState

    nlp = spacy.blank("en")
    rules = Rules.load()
    customize_tokenizer(nlp, rules)
    ctx = _Ctx(rules)
    pieces = ["GPT-4", "ViT", "-B", "/16", "ResNet50", " ", "\n", "-", "mAP@0.5", "R@1", "top-1 ", "Top5", "accuracy",
              "AP50", "BLEU-4", "x", "Qwen2\\_VL", ".", "/", "@", "#", "(", "ConvNeXt", "-based", "mIoU", "_", "é"]
    for t in _random_texts(pieces, n=1500):
        anchors = [(tok.idx, tok.text in ("B", "S", "L", "T"))
                   for tok in nlp.make_doc(t) if _is_shape_token(tok.text)]
        st = DocState(text=t)
        out = _Out(st, [])
        metrics = _shape_rule(t, out, ctx, {}, anchors)
        out.flush()
        # the plain rules: the shape regex at each anchor (or before a size token), the metric regex at each anchor
        want, done = [], -1
        for a, size in anchors:
            if a < done:
                continue
            start = a
            if size:
                b = re.compile(r"[A-Z][A-Za-z]+(?:-[A-Za-z0-9]+)*-$").search(t, max(0, a - 40), a) \
                    if a >= 3 and t[a - 1] == "-" else None
                if not b:
                    continue
                start = b.start()
            m = _SHAPE.match(t, start)
            if not m:
                continue
            end = m.end()
            while t.startswith("\\_", end) and _ESC_TAIL.match(t, end):
                end = _ESC_TAIL.match(t, end).end()
            done = end
            found = _shape_name(t[start:end], ctx, {})
            if found:
                want.append((start, start + found[0], found[1]))
        assert [(c.start, c.end, c.type) for c in st.cands] == want, t
        want_metrics, mend = [], -1
        for a, _ in anchors:
            if a < mend:
                continue
            m = _TOPK_OR_METRIC.match(t, a)
            if m:
                mend = m.end()
                want_metrics.append((a, mend, 76 if m.lastgroup == "topk" else 75))
        assert metrics == want_metrics, t


def test_subject_before_is_the_plain_regex():
    from extract.components.context import _SUBJ_BEFORE, _subject_before

    pieces = ["we ", "We", " ", "  ", "\n", "also ", "then", "paper", "framework ", "x", "_", "3", "(", "é",
              "first ", "newly  ", "work", "study", "this "]
    for t in _random_texts(pieces, n=1500):
        for a in range(len(t) + 1):
            want = bool(_SUBJ_BEFORE.search(t, max(0, a - 45), a))
            assert _subject_before(t, a) == want, (t, a)


def test_dataset_list_precheck_keeps_every_match():
    from extract.components.context import _LIST_CUE_FIRST, _Ctx

    ctx = _Ctx(Rules.load())
    pieces = ["datasets", "benchmarks", "models", "tasks", " ", "  ", ",", "\n", "(", "such as ", "including ",
              "like ", "namely ", ": ", "e.g., ", "i.e. ", "ImageNet", " and ", "x", "Such  as ", "E.G. "]
    for t in _random_texts(pieces, n=1500):
        for w, rx in ctx.ds_list_for.items():
            i = t.lower().find(w)
            while i >= 0:
                k = i + len(w)
                c = t[k:k + 1]
                if c == " ":
                    c = t[k + 1:k + 2]
                if c not in _LIST_CUE_FIRST:
                    assert not rx.match(t, i), (t, i)
                i = t.lower().find(w, i + 1)


def test_proposal_head_precheck_keeps_every_match():
    from extract.components.context import _VERB_DET, _Ctx, _head_word_after

    ctx = _Ctx(Rules.load())
    pieces = ["propose ", "a ", "an ", "the ", "new ", "framework", "frameworks", ",", " ", "\n", "data set", "called ",
              "ViT", "X-Net ", "evaluation metric", "dataset", "s", "LLM", "very-deep ", "(x) ", "forward ", "put "]
    matches = 0
    for t in _random_texts(pieces, n=2000):
        for i in range(len(t)):
            m = ctx.proposal_head.match(t, i)
            if m:
                matches += 1
                vd = _VERB_DET.match(t, i)
                assert vd and _head_word_after(t, vd.end(), ctx), (t, i)
    assert matches > 50
