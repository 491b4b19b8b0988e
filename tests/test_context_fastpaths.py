"""The context component's shortcuts give what the plain code they stand for gives."""

from __future__ import annotations

import random

import spacy

from extract.components.context import (
    _F_BLOCK_BARE,
    _F_CONT,
    _F_MOD_BLOCK,
    _F_MOD_CONT,
    _F_NO_MOD,
    _NOT_A_MODIFIER,
    _in_url,
    _Out,
    _words_from,
)
from extract.components.state import STRONG, DocState

_WORDS = ["the", "deep", "neural", "of", "semantic", "image", "self-attention", "BERT", "3", "top-1", "proposed",
          "various", "helps", "full", "mixed", "a", "(", "x.", "", "language", "large", "pre-trained", "visual",
          "fp16", "low", "our", "segmentation", "model", "é", "Deep", "high-resolution", "--", "word" * 20]


def test_mod_features_are_the_no_mod_and_cont_features(ctx):
    for w in [w for w in _WORDS if w]:
        f = ctx.word_features(w)
        assert f[_F_MOD_CONT] == (0 if f[_F_NO_MOD] else f[_F_CONT]), w
        assert f[_F_MOD_BLOCK] == (not f[_F_NO_MOD] and f[_F_BLOCK_BARE]), w
    assert _NOT_A_MODIFIER[_F_MOD_CONT] == 0 and _NOT_A_MODIFIER[_F_MOD_BLOCK] is False


def test_words_from_reads_the_word_whenever_a_rule_takes_it(ctx):
    rnd = random.Random(0)
    cache = ctx.word_feature_cache
    wf = ctx.word_features
    conts = sorted({hd.cont for records in ctx.head_records.values() for hd in records})
    checked = 0
    for _ in range(4000):
        words = [rnd.choice(_WORDS) for _ in range(rnd.randint(1, 7))]
        text = rnd.choice(["", "x" * rnd.randint(1, 90) + " "]) + rnd.choice([" ", "  "]).join(words) + " model"
        end = len(text) - len(" model")
        j = text.rfind(" ", 0, end)
        w = text[j + 1:end]
        if not w or (j < end - 72 and end > 72):
            continue  # (the head rule takes no modifier there)
        f = cache.get(w) or wf(w)
        for cont in conts:
            if not f[_F_MOD_CONT] & cont:
                continue  # (the head rule takes no modifier there)
            # (the head rule looks the phrase up from the last word read: there is one)
            words = _words_from(text, j, end, f, cont, [], cache, wf)
            assert words and words[0] == (j + 1, f) and len(words) <= 3, (text, cont)
            checked += 1
    assert checked > 1000


def test_orth_info_single_head_is_the_token_itself(ctx):
    for last, records in ctx.head_records.items():
        for s in (last, last.capitalize(), last.upper()):
            head, _ = ctx.orth_info(s)
            length, single, heads = head
            assert length == len(s) and heads == records
            assert single is (records[0] if records[0].length == len(s) else None)


def test_flush_with_one_url_drops_what_in_url_drops():
    rnd = random.Random(1)
    for _ in range(500):
        n = 60
        us = rnd.randint(0, n - 5)
        url = (us, rnd.randint(us + 1, n))
        found = []
        for _ in range(20):
            s = rnd.randint(0, n)
            found.append((s, rnd.randint(s, n + 3), ("method", "shape", 1, STRONG, None, None, None, False, None)))
        found = list(dict.fromkeys(found))  # (one candidate per span: flush leaves out a twin that would lose)
        st = DocState(text="x" * (n + 3))
        out = _Out(st, [url])
        for c in found:
            out.add(c)
        out.flush()
        want = [c for c in found if c[1] > c[0] and not _in_url(c[0], c[1], [url[0]], [url[1]])]
        assert [(c.start, c.end) for c in st.cands] == [c[:2] for c in want]


def _candidates(ex, title, abstract):
    doc = ex.process(title, abstract)
    st = doc.user_data["litkg"]
    return [(c.start, c.end, c.type, c.rule) for c in st.cands if c.rule != "gazetteer"], st.proposal_slots


_PAPERS = [
    ("SparK: Sparse masKed modeling", "We propose SparK, a novel framework for masked image modeling (MIM) on "
     "ImageNet-1K. Our ResNet-50 and ViT-B/16 models reach 84.1% top-1 accuracy and 52.3 mAP@0.5 on COCO, and "
     "outperform ConvNeXt-T. We evaluate on datasets such as ADE20K, Cityscapes and KITTI. The method, called "
     "HiMAE, uses depthwise convolution and semantic segmentation heads. See https://github.com/x/y."),
    ("", "Large language models (LLMs) such as GPT-4 are evaluated on the MMLU benchmark. Our new benchmark, "
     "named LongEval, is a new dataset for long-context question answering."),
]


def test_anchor_ranks_are_the_anchor_words(ctx):
    from spacy.attrs import ID

    from extract.pipeline import Extractor

    ex = Extractor()
    comp = ex.nlp.get_pipe("litkg_context")
    anchor = comp.ctx.anchor_flag()
    for title, abstract in _PAPERS:
        doc = ex.make_doc(title, abstract)
        ranks = doc.to_array(ID).tolist()
        ranker = comp._ranker
        for tok, r in zip(doc, ranks, strict=True):
            assert bool(r) == anchor(tok.text), tok.text
            if r:
                assert (ranker.heads[r], ranker.kinds[r]) == comp.ctx.orth_info(tok.text), tok.text


def test_components_sharing_a_vocab_rank_the_words_again():
    from extract.components.context import ContextRules
    from extract.pipeline import Extractor

    ex = Extractor()
    want = [_candidates(ex, t, a) for t, a in _PAPERS]
    comp = ex.nlp.get_pipe("litkg_context")
    other = ContextRules(ex.nlp)
    other.initialize(nlp=ex.nlp, rules=comp.ctx.rules, gaz_types=comp.gaz_types)  # (ranks the words for itself)
    assert [_candidates(ex, t, a) for t, a in _PAPERS] == want
    comp.initialize(nlp=ex.nlp, rules=comp.ctx.rules, gaz_types=comp.gaz_types)  # (again: new ranks)
    assert [_candidates(ex, t, a) for t, a in _PAPERS] == want


def test_ranks_read_with_the_offsets_are_the_ones_context_reads():
    """The sentence component reads the ranks with the offsets (``DocState.tok_rank``); the context rules use
    them, and read them again where the words were ranked after they were read: a context component that
    initializes itself on its first document, or another ranker on the vocab, while the sentence component has
    already read a whole batch."""
    from spacy.attrs import ID

    from extract.components.context import ContextRules
    from extract.components.state import get_state
    from extract.pipeline import Extractor

    def cands(docs):
        return [[(c.start, c.end, c.type, c.rule) for c in get_state(d).cands] for d in docs]

    ex = Extractor()
    for title, abstract in _PAPERS:
        doc = ex.process(title, abstract)
        assert get_state(doc).tok_rank.tolist() == doc.to_array(ID).tolist()
    texts = [a for _, a in _PAPERS] * 3
    nlp = spacy.blank("en")
    nlp.add_pipe("litkg_sentences")
    nlp.add_pipe("litkg_context")  # (not initialized: it ranks the words on its first document)
    first = list(nlp.pipe(texts))  # (one batch: its ranks were read before the words were ranked)
    assert all(get_state(d).tok_rank.tolist() != d.to_array(ID).tolist() for d in first)
    want = cands(nlp(t) for t in texts)
    assert want[0] and cands(first) == want
    again = list(nlp.pipe(texts))
    assert all(get_state(d).tok_rank.tolist() == d.to_array(ID).tolist() for d in again)
    assert cands(again) == want
    other = ContextRules(nlp)  # (a second ranker on the vocab: the words are ranked again, twice)
    other.initialize(nlp=nlp, rules=nlp.get_pipe("litkg_context").ctx.rules)
    docs = list(nlp.pipe(texts))
    assert {get_state(d).tok_rank_by for d in docs} == {other._ranker}  # (read under the other ranker)
    assert cands(docs) == want


def test_is_a_regex_needs_new_or_novel():
    from extract.components.context import _IS_A, _is_a_starts

    rnd = random.Random(3)
    pieces = [" is", " a", " an", " new", " novel", "ne", "w", "nov", "el", "\n", "  ", "X", "this", "is", "a"]
    hits = 0
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        if _is_a_starts(text):
            hits += 1
            assert "new" in text or "novel" in text, text
        assert bool(_IS_A.search(text)) == bool(_is_a_starts(text))
    assert hits
