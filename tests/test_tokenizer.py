"""LitkgTokenizer: spaCy's tokens without special cases at run time (extract/components/tokenizer.py)."""

from __future__ import annotations

import pickle

import pytest
import spacy
from spacy.tokenizer import Tokenizer

from extract.components import customize_tokenizer
from extract.components.rules import Rules
from extract.components.tokenizer import LitkgTokenizer, special_case_free_copy

# Special cases in every position the affix rules can put them: alone, after an opening bracket,
# before punctuation, split ones (cannot, don't), cut apart by an infix (Mr.HiSum), and text without any.
TEXTS = [
    "We cannot use it, e.g. on ImageNet (i.e. the 1k split), and don't tune w.r.t. the loss.",
    "(e.g. ResNet-50) and (e.g., ViT-B/16); cf. Fig. 3 and Eqs. 4-5, vs. BERT.",
    "Tian et al. report 84.3% top-1 (Tab. 2) on Mr.HiSum and TVSum; see Sec. 4.2.",
    "It's the model's and/or the data's fault: i.i.d. samples, w/o labels, Dr. Smith's C++ code.",
    "Code: https://github.com/a/b. Results at 10a.m. and 5pm (approx. 2x faster).",
    "A plain sentence about masked image modeling with no special case in it at all.",
    "Cannot Don't WON'T can't (cannot) [don't] cannot, don't.",
    "",
    "   ",
    "Title line\n\nAbstract line with e.g. one case\nand a break.",
]


@pytest.fixture(scope="module")
def nlp():
    n = spacy.blank("en")
    customize_tokenizer(n, Rules.load())
    return n


def tokens(doc):
    return [(t.text, t.idx, t.whitespace_) for t in doc]


@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_as_the_configured_spacy_tokenizer(nlp, text):
    tok = nlp.tokenizer
    assert isinstance(tok, LitkgTokenizer)
    assert tokens(tok(text)) == tokens(tok.full(text))


def test_special_cases_keep_their_tokens(nlp):
    toks = [t.text for t in nlp.tokenizer("We cannot use Mr.HiSum (e.g. on ImageNet), don't we?")]
    assert toks[:3] == ["We", "can", "not"]
    assert "Mr." in toks and "HiSum" in toks
    assert "e.g." in toks and "(" in toks
    assert ["do", "n't"] == toks[toks.index("do"):toks.index("do") + 2]


def test_the_copy_has_no_special_cases_and_splits_them_itself(nlp):
    fast = nlp.tokenizer.fast
    assert fast.rules == {}
    assert [t.text for t in fast("(e.g. cannot w.r.t.")] == ["(", "e.g.", "can", "not", "w.r.t."]


def _spy_on_full(tok, monkeypatch) -> list[str]:
    """The texts the wrapper's reference tokenizer is called with from now on."""
    calls = []
    real = tok.full

    class Spy:
        rules = real.rules

        def __call__(self, text):
            calls.append(text)
            return real(text)

    monkeypatch.setitem(tok.__dict__, "full", Spy())
    return calls


def test_a_special_case_cut_apart_by_an_infix_goes_to_spacy(nlp, monkeypatch):
    tok = nlp.tokenizer
    calls = _spy_on_full(tok, monkeypatch)
    text = "A benchmark, TVSum and Mr.HiSum."
    assert tokens(tok(text)) == tokens(tok.full(text))
    assert calls[-2] == text  # (the wrapper's own call; the last one is the comparison's)
    del calls[:]
    tok("A benchmark, TVSum and SumMe.")
    assert calls == []


def test_the_reference_tokenizer_is_given_the_new_chunks_first(monkeypatch):
    n = spacy.blank("en")
    customize_tokenizer(n, Rules.load())
    tok = n.tokenizer
    calls = _spy_on_full(tok, monkeypatch)
    text = "Tian et al. run Mr.HiSum on TVSum 2 (vs. SumMe) and TVSum."
    doc = tok(text)
    assert tokens(doc) == tokens(n.tokenizer.full(text))
    warm = calls[0].split()
    # (each chunk once, alphanumeric ones that are no special case first, in text order)
    assert warm == ["Tian", "et", "run", "on", "TVSum", "2", "and",
                    "al.", "Mr.HiSum", "(vs.", "SumMe)", "TVSum."]
    assert calls[1] == text
    del calls[:]
    again = tok(text + " Mr.HiSum and TVSum")  # (only the chunks not given before: here none)
    assert calls == [text + " Mr.HiSum and TVSum"]
    assert tokens(again) == tokens(n.tokenizer.full(text + " Mr.HiSum and TVSum"))


def test_given_chunks_leave_spacys_tokens_unchanged(nlp):
    tok = nlp.tokenizer
    for text in TEXTS:
        first = tokens(tok._by_full(text))
        assert first == tokens(tok._by_full(text)) == tokens(tok.full(text))


def test_settings_are_those_of_the_configured_tokenizer(nlp):
    tok = nlp.tokenizer
    assert tok.max_cache_size >= 1_000_000
    assert "al." in tok.rules and "e.g." in tok.rules
    copy = Tokenizer(nlp.vocab)
    copy.from_bytes(tok.to_bytes())  # (serialised, it is the configured tokenizer: nlp.to_disk and pickling rely on this)
    assert [t.text for t in copy("et al. and Fig. 2")] == ["et", "al.", "and", "Fig.", "2"]


def test_customize_tokenizer_is_idempotent(nlp):
    first = nlp.tokenizer
    customize_tokenizer(nlp, Rules.load())
    assert isinstance(nlp.tokenizer, LitkgTokenizer)
    assert nlp.tokenizer.full is first.full
    assert tokens(nlp.tokenizer(TEXTS[0])) == tokens(first.full(TEXTS[0]))


def test_pipe_and_blank_pipeline_without_litkg_rules():
    n = spacy.blank("en")
    tok = LitkgTokenizer(n.tokenizer)
    docs = list(tok.pipe(TEXTS))
    assert [tokens(d) for d in docs] == [tokens(n.tokenizer(t)) for t in TEXTS]


def test_copy_of_a_tokenizer_without_special_cases_is_the_same_tokenizer():
    n = spacy.blank("en")
    bare = Tokenizer(n.vocab, rules={}, prefix_search=n.tokenizer.prefix_search,
                     suffix_search=n.tokenizer.suffix_search, infix_finditer=n.tokenizer.infix_finditer)
    copy = special_case_free_copy(bare)
    for text in TEXTS:
        assert tokens(copy(text)) == tokens(bare(text))


def test_the_reference_tokenizer_still_pickles(nlp):
    # (the wrapper is rebuilt by customize_tokenizer on each worker; the reference must stay picklable)
    restored = pickle.loads(pickle.dumps(nlp.tokenizer.full))
    assert [t.text for t in restored("e.g. Fig. 2")] == ["e.g.", "Fig.", "2"]


def test_bundled_abstracts_get_spacys_tokens(nlp):
    from pathlib import Path

    from extract.ingest import read_sources

    paths = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "data").glob("*.txt"))
    papers = [p for p in read_sources(paths, skip_bad=True) if p.abstract]
    assert len(papers) > 300
    tok = nlp.tokenizer
    for p in papers:
        text = f"{p.title}\n\n{p.abstract}"
        assert tokens(tok(text)) == tokens(tok.full(text)), p.title


def test_an_extractor_still_pickles():
    # (graph.parallel ships a custom extractor to the workers by pickling it)
    from extract.pipeline import Extractor

    ex = Extractor()
    restored = pickle.loads(pickle.dumps(ex))
    assert isinstance(restored.nlp.tokenizer, LitkgTokenizer)
    title, abstract = "SparK: sparse masked modeling", "We propose SparK, e.g. on ImageNet-1K with ResNet-50 (cannot fail)."
    assert restored.extract(title, abstract) == ex.extract(title, abstract)
    # over a batch too: the restored context component ranks the words again on its first document, after the
    # sentence component has read the ranks of the whole batch (those are read again)
    papers = [(title, abstract), ("", "Large language models (LLMs) such as GPT-4 are evaluated on MMLU."),
              ("ViT: an image is worth 16x16 words", "We evaluate ViT-B/16 on ImageNet-1K and COCO (mAP).")] * 3
    again = pickle.loads(pickle.dumps(ex))
    assert list(again.pipe(papers)) == list(ex.pipe(papers))
