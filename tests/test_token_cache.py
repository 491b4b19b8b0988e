"""The on-disk cache of the gazetteer's spelling tokens (:mod:`extract.components.token_cache`).

The cache must give exactly what :func:`~extract.components.tokenizer.phrase_tokens` gives, tokenize only
what it does not hold, survive a corrupt file or a folder it cannot write, and never be read for other
tokenizer settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy

from extract.components import token_cache
from extract.components.gazetteer import read_entries
from extract.components.rules import DEFAULT_PATTERNS_DIR, Rules
from extract.components.sentences import tokenizer_config
from extract.components.token_cache import cached_phrase_tokens, default_cache_dir, tokenizer_fingerprint
from extract.components.tokenizer import detached_copy, phrase_tokens
from extract.extract_io import encode_record
from extract.pipeline import Extractor

TRICKY = ["e.g. BERT", "Mr.HiSum", "can't stop", "8D-Net :)", "ViT-B/16", "U.S.A. census", "top-1 acc.",
          "http://cocodataset.org", "α–entmax", "C++ code search (C++)"]


@pytest.fixture(scope="module")
def tok():
    return detached_copy(spacy.blank("en", config=tokenizer_config(Rules.load())).tokenizer)


@pytest.fixture(scope="module")
def phrases() -> list[str]:
    names = [n for e in read_entries(DEFAULT_PATTERNS_DIR)[:400] for n in (e.name, *e.aliases)]
    return names + [n.lower() for n in names] + TRICKY


def _files(d: Path) -> list[Path]:
    return sorted(d.glob("phrase-tokens-*.marshal"))


def _no_tokenizing(monkeypatch, seen: list | None = None):
    """Make the cache module's tokenizing record what it is asked (or fail if ``seen`` is None)."""
    real = token_cache.phrase_tokens

    def spy(t, ps):
        ps = list(ps)
        if seen is None:
            pytest.fail(f"tokenized {len(ps)} phrases that the cache holds")
        seen.extend(ps)
        return real(t, ps)

    monkeypatch.setattr(token_cache, "phrase_tokens", spy)


def test_a_cold_cache_gives_the_tokens_of_phrase_tokens_and_writes_one_file(tmp_path, tok, phrases):
    got = cached_phrase_tokens(tok, phrases, tmp_path)
    assert got == phrase_tokens(tok, phrases)
    assert set(got) == set(phrases)
    (f,) = _files(tmp_path)
    assert tokenizer_fingerprint(tok) in f.name
    assert not list(tmp_path.glob("*.tmp"))


def test_a_warm_cache_tokenizes_nothing(tmp_path, tok, phrases, monkeypatch):
    cold = cached_phrase_tokens(tok, phrases, tmp_path)
    _no_tokenizing(monkeypatch)
    assert cached_phrase_tokens(tok, phrases, tmp_path) == cold
    assert cached_phrase_tokens(tok, phrases[::-3], tmp_path) == {p: cold[p] for p in phrases[::-3]}


def test_only_new_phrases_are_tokenized_and_then_kept(tmp_path, tok, phrases, monkeypatch):
    half = len(phrases) // 2
    cached_phrase_tokens(tok, phrases[:half], tmp_path)
    seen: list[str] = []
    _no_tokenizing(monkeypatch, seen)
    got = cached_phrase_tokens(tok, phrases, tmp_path)
    assert set(seen) == set(phrases[half:]) - set(phrases[:half])
    assert got == phrase_tokens(tok, phrases)
    _no_tokenizing(monkeypatch)
    assert cached_phrase_tokens(tok, phrases, tmp_path) == got


@pytest.mark.parametrize("content", [b"", b"\x00garbage\xff" * 50, b"[" , None])
def test_a_corrupt_or_foreign_file_is_ignored_and_replaced(tmp_path, tok, phrases, content):
    import marshal

    path = tmp_path / f"phrase-tokens-{tokenizer_fingerprint(tok)}.marshal"
    # None: a marshal file of the right shape whose entries are not token ids
    path.write_bytes(content if content is not None else marshal.dumps({p: "x" for p in phrases}))
    assert cached_phrase_tokens(tok, phrases, tmp_path) == phrase_tokens(tok, phrases)
    assert marshal.loads(path.read_bytes()).keys() == set(phrases)


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path, tok, phrases):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert cached_phrase_tokens(tok, phrases, blocker / "cache") == phrase_tokens(tok, phrases)
    assert blocker.read_text() == "not a folder"


def test_no_folder_means_no_cache(tmp_path, tok, phrases, monkeypatch):
    seen: list[str] = []
    _no_tokenizing(monkeypatch, seen)
    cached_phrase_tokens(tok, phrases, None)
    cached_phrase_tokens(tok, phrases, None)
    assert len(seen) == 2 * len(set(phrases))


def test_the_fingerprint_follows_every_setting(tok):
    base = tokenizer_fingerprint(tok)
    assert base is not None and base == tokenizer_fingerprint(detached_copy(tok))
    # (the gazetteer passes the pipeline's LitkgTokenizer: its settings are its reference tokenizer's)
    litkg = spacy.blank("en", config=tokenizer_config(Rules.load())).tokenizer
    assert tokenizer_fingerprint(litkg) == base

    def changed(**settings):
        t = detached_copy(tok)
        for k, v in settings.items():
            setattr(t, k, v)
        return tokenizer_fingerprint(t)

    rules = dict(tok.rules)
    rules["BERT-ish"] = [{65: "BERT"}, {65: "-ish"}]
    assert changed(rules=rules) != base
    assert changed(suffix_search=re.compile(r"(?:\.|,)$").search) != base
    assert changed(infix_finditer=re.compile(r"-").finditer) != base
    assert changed(url_match=None) != base
    assert changed(token_match=frozenset({"e.g."}).__contains__) != base
    assert changed(faster_heuristics=not tok.faster_heuristics) != base
    # a Python function: what it does cannot be fingerprinted, so nothing is cached for it
    assert changed(prefix_search=lambda s: None) is None


def test_a_tokenizer_without_a_fingerprint_is_not_cached(tmp_path, tok, phrases):
    t = detached_copy(tok)
    t.prefix_search = lambda s: tok.prefix_search(s)
    assert cached_phrase_tokens(t, phrases, tmp_path) == phrase_tokens(tok, phrases)
    assert not _files(tmp_path)


def test_default_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LITKG_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.setenv("LITKG_CACHE_DIR", "")
    assert default_cache_dir() is None
    monkeypatch.delenv("LITKG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "litkg"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "litkg"


def test_an_extractor_built_from_the_cache_extracts_as_one_built_without(tmp_path, monkeypatch):
    papers = [("SparK: Sparse masKed modeling", "We propose SparK, a BERT-style pre-training method for "
               "convolutional networks (ConvNeXt-T, ResNet-50) and report 84.1% top-1 accuracy on "
               "ImageNet-1K and mIoU on ADE20K, e.g. with Mr.HiSum and LoRA. Code: https://github.com/a/b."),
              ("", "Masked image modeling (MIM) with ViT-B/16 improves FID on COCO; we do not use Adam.")]
    plain = Extractor(cache_dir=None)
    cold = Extractor(cache_dir=tmp_path)
    assert _files(tmp_path)
    _no_tokenizing(monkeypatch)
    warm = Extractor(cache_dir=tmp_path)
    for ex in (cold, warm):
        gp, gx = plain.nlp.get_pipe("litkg_gazetteer"), ex.nlp.get_pipe("litkg_gazetteer")
        assert gx.n_patterns == gp.n_patterns and len(gx.lower) == len(gp.lower)
        assert [encode_record(i, x) for i, x in enumerate(ex.pipe(papers))] == \
               [encode_record(i, x) for i, x in enumerate(plain.pipe(papers))]
