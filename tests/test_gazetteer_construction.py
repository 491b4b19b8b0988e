"""Fast construction of the gazetteer matcher against the straightforward one.

:func:`~extract.components.tokenizer.phrase_tokens` tokenizes many phrases per call with a detached copy
of the tokenizer; the oracle tokenizes each phrase alone with the configured spaCy tokenizer. The
gazetteer's matcher must get the same patterns, under the same labels, in the same order, as building
it from the oracle's tokens (the first entry wins a shared spelling, compared as strings).
"""

from __future__ import annotations

import random

import pytest
import spacy
from spacy.attrs import LOWER, ORTH
from spacy.matcher import PhraseMatcher

from extract.components import customize_tokenizer, gazetteer
from extract.components.gazetteer import Entry, _form_groups
from extract.components.rules import Rules
from extract.components.tokenizer import (
    _PHRASE_SEPARATOR,
    _joinable,
    _joined_tokens,
    _separator_is_safe,
    detached_copy,
    phrase_tokens,
)

ENTRIES = [
    Entry("ResNet-50", "method", ("ResNet50", "R-50")),
    Entry("Vision Transformer", "method", ("ViT", "ViT-B/16")),
    Entry("ImageNet 1K", "dataset", ("ImageNet-1k", "IN-1K")),
    Entry("QuALITY", "dataset", exact_case=True),
    Entry("LoRA", "method", ("Low-Rank Adaptation", "LoRA-FA"), ambiguous=True),
    Entry("F1-score", "metric", ("F-measure",), exact_aliases=("F1",)),
    Entry("Top-1 Accuracy (%)", "metric", ("acc@1", "top-1 acc.")),
    Entry("C++ Code Search", "task", ("code search (C++)",)),
    Entry("Mr.HiSum", "dataset", ("Mr. HiSum", "MrHiSum")),
    Entry("e.g. Net", "method", ("i.e.-Net", "w.r.t. Loss")),
    Entry("U.S. Census", "dataset", ("US census", "U.S.A. census")),
    Entry("Can't Stop", "method", ("cannot stop", "Don't-Stop")),
    Entry("GPT-4o", "method", ("GPT-4o-mini", "gpt4o"), family="GPT"),
    Entry("A-ViT", "method", ("A2C",)),
    Entry("vit", "method", ("VIT",)),  # (spellings of Vision Transformer: the first entry keeps them)
    Entry("Deep Learning", "task", ("deep-learning", "DL"), generic=True),
    Entry("Shap-E", "method", ("MultiPL-E", "Policy Networks")),
    Entry("Mixture of Experts", "method", ("MoE", "sparse MoE layer")),
    Entry("COCO 2017 (val)", "dataset", ("MS-COCO", "coco-2017:val", "http://cocodataset.org")),
    Entry("α-Entmax", "method", ("alpha–entmax", "8D-Net :)")),
]


@pytest.fixture(scope="module")
def nlp():
    n = spacy.blank("en")
    customize_tokenizer(n, Rules.load())
    return n


def _alone(nlp, phrase: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The oracle: ORTH and LOWER ids of the tokens of ``phrase`` tokenized alone by spaCy's tokenizer."""
    doc = nlp.tokenizer.full(phrase)
    return tuple(t.orth for t in doc), tuple(t.lower for t in doc)


def _tricky_phrases(n: int) -> list[str]:
    """Phrases of special-case pieces, affixes and names joined with or without spaces (seeded)."""
    pieces = ["Mr", ".", "Mr.", "e.g", "e.g.", "Fig", "'s", "n't", "ca", "can", "not", "(", ")", "-", "U.S",
              "a.m.", ":)", ":-)", "8D", "xD", "ResNet", "50", "/", ",", "al.", "et", "vs", "Dr.", "Smith",
              "don", "'", "i.e.", "w/o", "C++", "https://x.org/a", "'S", "o'clock", "HiSum", "^_^", "<3"]
    rng = random.Random(11)
    out = []
    for _ in range(n):
        words = [rng.choice(pieces) for _ in range(rng.randint(1, 6))]
        out.append("".join(w + rng.choice(("", "", " ")) for w in words).strip())
    return out


def test_phrase_tokens_are_the_tokens_of_each_phrase_alone(nlp):
    phrases = [p for e in ENTRIES for fs in _form_groups(e).values() for p in fs]
    phrases += _tricky_phrases(3000)
    # tokenized alone: other white space, the separator itself, nothing
    phrases += ["two  spaces", " lead", "trail ", "tab\tsep", "new\nline", _PHRASE_SEPARATOR,
                f"a{_PHRASE_SEPARATOR}b", "", " "]
    got = phrase_tokens(detached_copy(nlp.tokenizer), phrases)
    assert set(got) == set(phrases)
    for p in phrases:
        assert got[p] == _alone(nlp, p), p


def test_joined_phrases_are_cut_back_at_the_separators(nlp):
    # (phrase_tokens falls back to one call per phrase if they were not: the fast path must be taken)
    copy = detached_copy(nlp.tokenizer)
    assert _separator_is_safe(copy, _PHRASE_SEPARATOR)
    phrases = [p for p in dict.fromkeys(_tricky_phrases(500)) if _joinable(p)]
    got = _joined_tokens(copy, phrases)
    assert got is not None
    assert got == {p: _alone(nlp, p) for p in phrases}


def test_a_detached_copy_leaves_the_pipeline_vocab_alone(nlp):
    word = "Zzyzx-Qwerty-Uiop-9"
    phrase_tokens(detached_copy(nlp.tokenizer), [word, word.lower()])
    assert word.lower() not in nlp.vocab.strings


def _recording_matcher(adds: list):
    class Recording(PhraseMatcher):
        def add(self, key, docs, *args, **kwargs):
            docs = list(docs)
            adds.append((key, [tuple(d) for d in docs]))
            return super().add(key, docs, *args, **kwargs)

    return Recording


def _oracle(nlp, entries: list[Entry]):
    """The matcher's additions and the exact-case forms of each label, from each form tokenized alone."""
    seen = set()
    adds, exact_forms = [], {}
    for i, e in enumerate(entries):
        for (exact, ambiguous), forms in _form_groups(e).items():
            docs = []
            for f in sorted(forms):
                d = nlp.tokenizer.full(f)
                sig = (exact, tuple(t.text if exact else t.lower_ for t in d))
                if not len(d) or sig in seen:
                    continue
                seen.add(sig)
                docs.append(d)
            if docs:
                label = f"litkg_gaz_{i}{'_amb' if ambiguous else ''}{'_exact' if exact else ''}"
                adds.append((label, [tuple(d.to_array([LOWER]).tolist()) for d in docs]))
                exact_forms[label] = frozenset(tuple(d.to_array([ORTH]).tolist()) for d in docs) if exact else None
    return adds, exact_forms


def test_matcher_patterns_are_those_of_forms_tokenized_alone(nlp, monkeypatch):
    adds: list = []
    monkeypatch.setattr(gazetteer, "PhraseMatcher", _recording_matcher(adds))
    gaz = gazetteer.GazetteerMatcher(nlp)
    gaz.initialize(nlp=nlp, entries=[Entry(e.name, e.type, e.aliases, e.family, e.exact_case, e.ambiguous,
                                           e.generic, e.exact_aliases) for e in ENTRIES])
    want_adds, want_exact = _oracle(nlp, gaz.entries)
    assert adds == want_adds
    assert gaz.n_patterns == sum(len(p) for _, p in want_adds)
    labels = {nlp.vocab.strings[k]: v for k, v in gaz._labels.items()}
    assert {k: v[0] for k, v in labels.items()} == want_exact
    # (the spellings of "vit" went to Vision Transformer, listed first)
    assert labels["litkg_gaz_1"][2][-1].name == "Vision Transformer"
    assert all(labels[k][2][-1] is gaz.entries[int(k.split("_")[2])] for k in labels)
