"""An on-disk cache of the tokens of the gazetteer's spellings.

Building the pipeline tokenizes every spelling of every gazetteer entry (~40,000 of them, see
:func:`~extract.components.tokenizer.phrase_tokens`): about half a second, half of ``Extractor()``. The
tokens of a spelling depend on nothing but the tokenizer's settings, so they are kept in a file named by a
fingerprint of those settings (:func:`tokenizer_fingerprint`), and later pipelines read them back in a few
tens of milliseconds. The first build on a machine writes the file; a build with new spellings (an edited
pattern file, an aliases file) tokenizes only those and adds them.

Where (:func:`default_cache_dir`): ``$LITKG_CACHE_DIR`` if set (set to the empty string: no cache), else
``$XDG_CACHE_HOME/litkg``, else ``~/.cache/litkg``. Deleting the folder is always safe.

Nothing stale can be read: the fingerprint holds everything the tokens depend on (spaCy's and Python's
versions, the special cases, the prefix / suffix / infix / token-match / URL-match patterns, the
``faster_heuristics`` setting, the ``LOWER`` function and :data:`FORMAT`). A tokenizer with a setting that
cannot be described that way (a callable that is not a compiled regex's method) is not cached. The file is
``marshal`` data (no code runs when it is read, unlike ``pickle``), written to a temporary file and renamed,
so a reader never sees half a file; a file that cannot be read or written is ignored: the spellings are
tokenized as without a cache.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import spacy
from spacy.attrs import LOWER

from extract.components.tokenizer import TokenIds, detached_copy, phrase_tokens

#: Bump when :func:`~extract.components.tokenizer.phrase_tokens` would give other tokens for the same settings.
FORMAT = "1"
#: Environment variable naming the cache folder (the empty string turns the cache off).
CACHE_ENV = "LITKG_CACHE_DIR"
# A file holding more entries than this is rewritten with only the spellings of the build at hand.
_MAX_ENTRIES = 250_000
_TOKENIZER_FUNCTIONS = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")


def default_cache_dir() -> Path | None:
    """The cache folder the environment asks for (read when called; ``None``: no cache).

    >>> from unittest import mock
    >>> with mock.patch.dict("os.environ", {"LITKG_CACHE_DIR": "/tmp/litkg-cache"}):
    ...     default_cache_dir()
    PosixPath('/tmp/litkg-cache')
    >>> with mock.patch.dict("os.environ", {"LITKG_CACHE_DIR": ""}):
    ...     default_cache_dir() is None
    True
    """
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "litkg"


def _describe(fn) -> tuple | None:
    """A description of a tokenizer function that changes whenever its behaviour can (``None``: cannot say)."""
    if fn is None:
        return ("none",)
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, re.Pattern):
        return (fn.__name__, owner.pattern, owner.flags)
    if isinstance(owner, frozenset | set) and fn.__name__ == "__contains__":
        return ("in", tuple(sorted(owner)))
    return None


def tokenizer_fingerprint(tok) -> str | None:
    """A digest of everything the tokens of a phrase depend on, for a spaCy ``Tokenizer`` (or a
    :class:`~extract.components.tokenizer.LitkgTokenizer`, whose settings are its reference tokenizer's).

    ``None`` when a setting is a callable that is neither a compiled regex's method nor a set's
    ``__contains__``: its behaviour cannot be told from the outside, so nothing is cached for it.
    """
    parts: list = [FORMAT, spacy.__version__, sys.version_info[:2], marshal.version,
                   bool(getattr(tok, "faster_heuristics", True))]
    for name in _TOKENIZER_FUNCTIONS:
        d = _describe(getattr(tok, name, None))
        if d is None:
            return None
        parts.append((name, d))
    lower = tok.vocab.lex_attr_getters.get(LOWER)
    parts.append(None if lower is None else (lower.__module__, lower.__qualname__))
    parts.append(sorted((key, [sorted(t.items()) for t in tokens]) for key, tokens in tok.rules.items()))
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]


def cached_phrase_tokens(tok, phrases: Iterable[str], directory: Path | None) -> dict[str, TokenIds]:
    """:func:`~extract.components.tokenizer.phrase_tokens` of ``phrases`` by ``tok``, read from and kept in
    ``directory``.

    Only spellings not in the cache file are tokenized (all of them the first time), by a
    :func:`~extract.components.tokenizer.detached_copy` of ``tok`` (so ``tok``'s vocab and cache stay as
    they were; the ids are the same), and the file is rewritten with them added. ``directory`` ``None``,
    or a tokenizer without a fingerprint: no cache.
    """
    phrases = list(dict.fromkeys(phrases))
    key = tokenizer_fingerprint(tok) if directory is not None else None
    if key is None:
        return phrase_tokens(detached_copy(tok), phrases)
    path = Path(directory) / f"phrase-tokens-{key}.marshal"
    stored = _load(path)
    out: dict[str, TokenIds] = {}
    missing: list[str] = []
    for p in phrases:
        v = stored.get(p)
        if type(v) is tuple and len(v) == 2:
            out[p] = v
        else:
            missing.append(p)
    if missing:
        out.update(phrase_tokens(detached_copy(tok), missing))
        keep = stored if len(stored) + len(missing) <= _MAX_ENTRIES else {}
        keep.update(out)
        _store(path, keep)
    return out


def _load(path: Path) -> dict:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _store(path: Path, entries: dict[str, TokenIds]) -> None:
    """Write ``entries`` to ``path`` whole (a temporary file renamed over it); never raises."""
    # (a phrase whose LOWER ids are its ORTH ids keeps one tuple: marshal writes the second as a reference)
    data = {p: (o, o if low == o else low) for p, (o, low) in entries.items()}
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, suffix=".tmp",
                                         delete=False) as f:
            tmp = f.name
            f.write(marshal.dumps(data))
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
