"""Gazetteer matching: known methods, datasets, metrics and tasks.

Entries come from ``extract/patterns/{methods,datasets,metrics,tasks}.jsonl``
(any ``*.jsonl`` there except ``result*``), one JSON object a line::

    {"name": "ResNet-50", "type": "method", "aliases": ["ResNet50"], "family": "ResNet",
     "case": "exact", "ambiguous": true, "generic": true, "exact_aliases": ["R50"]}

plus the ``[[alias]]`` tables of the user's alias rules. For every name and
alias :func:`name_variants` generates the hyphen / space / letter-digit and
plural spellings (``ResNet-50`` ~ ``ResNet50`` ~ ``ResNet 50``); case is
folded by matching on ``LOWER`` (a second matcher on ``ORTH`` serves entries
marked ``"case": "exact"`` and the forms listed in ``"exact_aliases"``).
Matching is on whole tokens, so ``LoRA`` never matches inside
``exploration``. For an ``"ambiguous"`` entry, its name, its exact-case
aliases and its one-word aliases are matched case-sensitively and kept only
with support from the context (see :mod:`extract.components.normalise`); its
longer aliases are matched like any other. ``"generic"`` entries (``deep
learning``) are weak: a longer, more specific phrase wins over them.

Pattern text is tokenized by a *detached copy* of the tokenizer (same rules,
a vocab of its own; see :func:`~extract.components.tokenizer.phrase_tokens`):
building the patterns with ``nlp.make_doc`` would fill the main tokenizer's
cache with pattern text (see ``shared/notes/performance.md``) and the vocab
with ~40,000 lexemes that take longer to make than the rest of the matcher.
The matcher gets each pattern as the ``LOWER`` ids of its tokens. The tokens
of the spellings are kept in an on-disk cache between runs (see
:mod:`extract.components.token_cache`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from extract.canonical import entity_key, family_of
from extract.components.state import (
    AMBIGUOUS_RULE,
    GAZ_RULE,
    P_GAZ,
    P_GAZ_GENERIC,
    STRONG,
    WEAK,
    Cand,
    cand_at,
    get_state,
    pipe_in_batches,
    token_table,
)
from extract.components.token_cache import cached_phrase_tokens
from extract.errors import IngestError
from extract.records import ENTITY_TYPES

_LETTER_DIGIT_END = re.compile(r"^(?P<a>.*[A-Za-z])(?P<d>\d+(?:\.\d+)?[A-Za-z]?)$")
_HYPHEN_ALNUM = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")
_HYPHEN_LETTER_DIGIT = re.compile(r"(?<=[A-Za-z])-(?=[0-9])|(?<=[0-9])-(?=[A-Za-z])")


def _is_mixed_case(name: str) -> bool:
    """A word with capitals after its first letter and lower-case letters (``QuALITY``, ``MultiPL-E``)."""
    return any(any(map(str.isupper, w[1:])) and any(map(str.islower, w)) for w in _WORD_BREAK.split(name))


_WORD_BREAK = re.compile(r"[\s\-]")
_PLURAL_TYPES = ("method", "task", "metric")
# "-Chat", "-Instruct", "-it" after a model name: the tuned release of that model, one entity of its family
_TUNED_VARIANT = re.compile(r"-(?:Chat|Instruct|Base|it|IT|SFT|RLHF|DPO|Preview|Pro|Flash|Ultra|Turbo|mini|Mini|Lite)(?![\w\-])")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")


@dataclass
class Entry:
    """One gazetteer entity."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()
    family: str | None = None
    exact_case: bool = False
    ambiguous: bool = False
    generic: bool = False
    exact_aliases: tuple[str, ...] = ()
    source: str = ""
    key: str = field(init=False)
    family_key: str | None = field(init=False, default=None)
    mixed_case: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.key = entity_key(self.name)
        # "QuALITY", "MultiPL-E", "Shap-E": every written form has inner capitals; a lower-case
        # surface ("quality", "multiple", "shape") is then an English word, not this entity
        self.mixed_case = all(_is_mixed_case(n) for n in (self.name,) + self.aliases)
        if self.family:
            self.family_key = entity_key(self.family)
        else:
            fam = family_of(self.name, self.type)
            if fam:
                self.family, self.family_key = fam


def _plural(word: str) -> str | None:
    if not word or not word[-1].isalpha() or word[-1] in "sS":
        return None
    if word.isupper():
        return word + "s"
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def name_variants(name: str, type: str = "method") -> set[str]:
    """Spellings of ``name`` to match (case is handled by the matcher).

    >>> sorted(name_variants("ResNet-50", "method"))
    ['ResNet 50', 'ResNet-50', 'ResNet50']
    >>> sorted(name_variants("Vision Transformer", "method"))
    ['Vision Transformer', 'Vision Transformers', 'Vision-Transformer', 'Vision-Transformers']
    >>> "ImageNet-1K" in name_variants("ImageNet 1K", "dataset")
    True
    >>> sorted(name_variants("A-ViT", "dataset"))
    ['A-ViT']
    """
    n = " ".join(_DASHES.sub("-", name).split())  # keep the casing, fold Unicode dashes
    out = {n}
    if _HYPHEN_ALNUM.search(n):
        out.add(_HYPHEN_ALNUM.sub(" ", n))
        # drop a hyphen only between a letter and a digit ("ResNet-50" -> "ResNet50"): between
        # letters it would turn "Shap-E" into "ShapE" (~ "shape") and "MultiPL-E" into "multiple"
        if _HYPHEN_LETTER_DIGIT.search(n):
            out.add(_HYPHEN_LETTER_DIGIT.sub("", n))
    words = n.split(" ")
    if 2 <= len(words) <= 4 and all(w[:1].isalnum() for w in words):
        out.add("-".join(words))  # "Tiny ImageNet" -> "Tiny-ImageNet", "Mixture of Experts" -> "Mixture-of-Experts"
    for v in list(out):
        last = v.rsplit(" ", 1)
        m = _LETTER_DIGIT_END.match(last[-1])
        if m and not m.group("a").endswith(("v", "V")):
            pre = (last[0] + " ") if len(last) == 2 else ""
            out.add(f"{pre}{m.group('a')}-{m.group('d')}")
            out.add(f"{pre}{m.group('a')} {m.group('d')}")
            out.add(f"{pre}{m.group('a')}{m.group('d')}")
        # "ImageNet 1K" -> "ImageNet-1K" / "ImageNet1K"
        parts = v.split(" ")
        if len(parts) >= 2 and parts[-1][:1].isdigit() and parts[-2][-1:].isalpha():
            head = " ".join(parts[:-2] + [parts[-2]])
            out.add(f"{head}-{parts[-1]}")
            out.add(f"{head}{parts[-1]}")
    if type in _PLURAL_TYPES:
        for v in list(out):
            words = v.rsplit(" ", 1)
            p = _plural(words[-1])
            if p and len(words[-1]) > 1:
                out.add((words[0] + " " + p) if len(words) == 2 else p)
    # a split spelling that starts with an article is an English phrase, not the name: "A-ViT" must not
    # match "a ViT", nor "A2C" "a 2C" (the name as written still matches)
    return {v for v in out if v and (v == n or v.split(" ", 1)[0].lower() not in _ARTICLES)}


_ARTICLES = frozenset({"a", "an"})


def read_entries(patterns_dir: Path) -> list[Entry]:
    """Entries of every ``*.jsonl`` gazetteer file in ``patterns_dir`` (sorted by name)."""
    entries: list[Entry] = []
    if not patterns_dir.is_dir():
        return entries
    for path in sorted(patterns_dir.glob("*.jsonl")):
        if path.name.startswith("result"):
            continue
        entries.extend(_read_file(path))
    return entries


def _read_file(path: Path) -> Iterator[Entry]:
    default_type = {"methods": "method", "datasets": "dataset", "metrics": "metric", "tasks": "task"}.get(path.stem)
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise IngestError(str(path), n, f"not JSON: {e.msg}") from e
            if not isinstance(d, dict) or not isinstance(d.get("name"), str) or not d["name"].strip():
                raise IngestError(str(path), n, "expected an object with a non-empty 'name'")
            t = d.get("type", default_type)
            if t not in ENTITY_TYPES:
                raise IngestError(str(path), n, f"type {t!r} is not one of {', '.join(ENTITY_TYPES)}")
            aliases = d.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise IngestError(str(path), n, "'aliases' must be a list of strings")
            yield Entry(d["name"].strip(), t, tuple(a.strip() for a in aliases if a.strip()),
                        family=d.get("family") or None, exact_case=d.get("case") == "exact",
                        ambiguous=bool(d.get("ambiguous")), generic=bool(d.get("generic")),
                        exact_aliases=tuple(a.strip() for a in d.get("exact_aliases") or [] if isinstance(a, str)),
                        source=f"{path.name}:{n}")


# (rule, priority, strength) of a gazetteer candidate by (ambiguous, generic)
_RULES = {(a, g): (AMBIGUOUS_RULE if a else GAZ_RULE + ("-generic" if g else ""),
                   P_GAZ_GENERIC if g else P_GAZ, WEAK if g else STRONG)
          for a in (False, True) for g in (False, True)}

# What a label's matches need checked besides the hyphen before them (see _checked_cand).
_MIXED = 1  # a case-folded form of a name only ever written with inner capitals: "quality" is not QuALITY
_TUNED = 2  # a method: "-Chat", "-Instruct" ... after the match make it a tuned variant
_AMBIGUOUS = 4  # an ambiguous name (an exact-case label): its candidates need support (see AMBIGUOUS_KEY)

#: ``doc.user_data`` key the gazetteer sets for each document it matches: whether it made a candidate of an
#: ambiguous name there (``True`` once it did). The normaliser reads it instead of scanning all candidates for
#: one (no other component makes them); without the key it scans.
AMBIGUOUS_KEY = "litkg_gaz_ambiguous"


@Language.factory("litkg_gazetteer")
class GazetteerMatcher:
    """One PhraseMatcher (on LOWER) over generated name variants; exact-case forms checked on ORTH."""

    def __init__(self, nlp: Language, name: str = "litkg_gazetteer") -> None:
        self.name = name
        self.nlp = nlp
        self.entries: list[Entry] = []
        self.by_key: dict[str, Entry] = {}
        self.lower = _new_matcher()
        # match id -> (ORTH id tuples of its exact-case forms or None, _MIXED / _TUNED bits, the arguments
        # of a candidate after its start and end): a match becomes a candidate by one lookup
        self._labels: dict[int, tuple[frozenset | None, int, tuple]] = {}
        self.n_patterns = 0

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   entries: Iterable[Entry] = (), token_cache: Path | None = None) -> None:
        """Build the matcher from ``entries`` (see :func:`read_entries`).

        Every spelling of every entry (:func:`_form_groups`) is tokenized first, all in a few calls
        (:func:`~extract.components.tokenizer.phrase_tokens`), or read from the cache folder
        ``token_cache`` (see :mod:`~extract.components.token_cache`; ``None``: no cache); then each
        entry's spellings become patterns under its labels, in order, unless an earlier one has the
        same tokens.
        """
        nlp = nlp or self.nlp
        self.lower = _new_matcher()
        self._labels = {}
        self.entries = []
        self.by_key = {}
        self.n_patterns = 0
        for e in entries:
            prev = self.by_key.get(e.key)
            if prev is not None and prev.type == e.type:
                # the same entity listed twice (or an alias rule for a known one): merge names
                prev.aliases = tuple(dict.fromkeys(prev.aliases + (e.name,) + e.aliases))
                continue
            self.entries.append(e)
            self.by_key.setdefault(e.key, e)
        groups = [(i, e, exact, ambiguous, sorted(forms))
                  for i, e in enumerate(self.entries) for (exact, ambiguous), forms in _form_groups(e).items()]
        tokens = cached_phrase_tokens(nlp.tokenizer, (f for *_, forms in groups for f in forms), token_cache)
        # (exact-case spellings with the same tokens, or case-folded ones with the same lower-case tokens:
        # the ids of the token texts)
        seen: set[tuple[bool, tuple[int, ...]]] = set()
        for i, e, exact, ambiguous, forms in groups:
            # exact-case forms are matched on LOWER too, under their own label, and kept where the
            # ORTH ids of the matched tokens are those of one of the forms (see __call__)
            orths, lowers = [], []
            for f in forms:
                o, low = tokens[f]
                sig = (exact, o if exact else low)
                if not o or sig in seen:
                    continue  # the first entry wins a shared spelling
                seen.add(sig)
                orths.append(o)
                lowers.append(low)
            if lowers:
                label = f"litkg_gaz_{i}{'_amb' if ambiguous else ''}{'_exact' if exact else ''}"
                self.lower.add(label, lowers)  # (a pattern as its LOWER ids: PhraseMatcher takes those for a Doc)
                self._labels[nlp.vocab.strings.add(label)] = self._label(e, orths, exact, ambiguous)
                self.n_patterns += len(lowers)

    @staticmethod
    def _label(e: Entry, orths: list[tuple[int, ...]], exact: bool,
               ambiguous: bool) -> tuple[frozenset | None, int, tuple]:
        """What the matches of one label (``orths``: the ORTH ids of its forms) become (see ``GazetteerMatcher._labels``)."""
        rule, prio, strength = _RULES[ambiguous, e.generic]
        forms = frozenset(orths) if exact else None
        # (exact-case forms are never case-folded matches: the mixed-case guard is for the others)
        guard = (_MIXED if e.mixed_case and not exact else 0) | (_TUNED if e.type == "method" else 0)
        if ambiguous:  # (ambiguous names are exact-case forms)
            guard |= _AMBIGUOUS
        return forms, guard, (e.type, rule, prio, strength, e.key, e.name, e.family, False, e)

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """``nlp.pipe`` support: the documents in batches (see :func:`~extract.components.state.pipe_in_batches`)."""
        return pipe_in_batches(self, docs, batch_size)

    def __call__(self, doc: Doc) -> Doc:
        """Add a candidate to ``DocState.cands`` for every match that names its entry there.

        One LOWER matcher serves both kinds of forms: the case-folded ones directly, the exact-case ones
        where the ORTH ids of the tokens are a form's (the same matches an ORTH matcher finds).
        Candidates come in the order of two matchers: case-folded matches, then exact-case ones (each
        list by start, then end). Most matches need no check: a hyphen before the match, a label's guard
        (``_MIXED``) or a hyphen after a method's match (``_TUNED``) send it to :func:`_checked_cand`.
        """
        st = get_state(doc)
        if not self._labels or not len(doc):
            return doc
        text = st.text
        idx, orths = token_table(doc, st)
        labels = self._labels
        n_tok, n_text = len(idx), len(text)
        cands = st.cands
        exact_hits = []
        for match_id, s, e in self.lower(doc):
            forms, guard, args = labels[match_id]
            if forms is not None:
                # (most exact-case forms are one token: its id read alone, no array slice)
                if ((orths.item(s),) if e - s == 1 else tuple(orths[s:e].tolist())) in forms:
                    exact_hits.append((s, e, guard, args))
                continue
            start = idx[s]
            # the match ends where the next token starts, or one before (a token's white space is one space;
            # the matched tokens, like the forms, hold no space)
            end = idx[e] if e < n_tok else n_text
            if text[end - 1] == " ":
                end -= 1
            if (start > 1 and text[start - 1] == "-") or (guard and (guard & _MIXED or text.startswith("-", end))):
                c = _checked_cand(text, start, end, guard, args)
                if c is not None:
                    cands.append(c)
            else:
                cands.append(cand_at(start, end, args))
        ambiguous = False
        for s, e, guard, args in exact_hits:
            start = idx[s]
            end = idx[e] if e < n_tok else n_text
            if text[end - 1] == " ":
                end -= 1
            # (the checks of the case-folded matches above; an exact-case label has no _MIXED guard, and
            # _checked_cand does not read the _AMBIGUOUS bit)
            if (start > 1 and text[start - 1] == "-") or (guard & _TUNED and text.startswith("-", end)):
                c = _checked_cand(text, start, end, guard, args)
                if c is None:
                    continue
                cands.append(c)
            else:
                cands.append(cand_at(start, end, args))
            if guard & _AMBIGUOUS:
                ambiguous = True
        if ambiguous:
            doc.user_data[AMBIGUOUS_KEY] = True
        else:
            doc.user_data.setdefault(AMBIGUOUS_KEY, False)
        return doc


def _form_groups(e: Entry) -> dict[tuple[bool, bool], set[str]]:
    """The spellings of ``e`` to match, by ``(exact, ambiguous)``: exact-case forms (the entry's case or its
    exact aliases, and the names an ambiguous entry keeps only with support) and case-folded ones."""
    exact_forms = set(e.exact_aliases)
    groups: dict[tuple[bool, bool], set[str]] = {}
    for n in (e.name,) + e.aliases:
        exact = e.exact_case or n in exact_forms
        ambiguous = e.ambiguous and (n == e.name or n in exact_forms or len(n.split()) == 1)
        exact = exact or ambiguous
        forms = name_variants(n, e.type)
        if not exact:
            forms |= {f.lower() for f in forms}
        groups.setdefault((exact, ambiguous), set()).update(forms)
    return groups


def _new_matcher() -> PhraseMatcher:
    """An empty matcher on ``LOWER`` with a vocab of its own, which only holds the labels.

    Patterns and matches are ``LOWER`` ids, hashes of strings that are the same in every vocab; a label
    in the pipeline's vocab would be a lexeme that costs ~15 us to make (every lexical attribute and
    flag), 0.1 s for the bundled gazetteer.
    """
    return PhraseMatcher(Vocab(), attr="LOWER")


def _checked_cand(text: str, start: int, end: int, guard: int, args: tuple) -> Cand | None:
    """The candidate of a match on ``text[start:end]`` (``None``: not a mention of the entry there).

    ``guard``: the label's guard bits (``_MIXED`` and ``_TUNED`` are read here); ``args``: the candidate's fields after start and
    end (``Cand`` order; the last one is the entry).
    """
    if guard & _MIXED:
        surface = text[start:end]
        # lower case "quality" is not QuALITY; title case "Imagenet" / "Deepseek" is ImageNet / DeepSeek
        if (not surface[:1].isupper() and sum(map(str.isupper, surface)) < 2
                and not any(map(str.isdigit, surface))):
            return None
    if start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
        # inside a longer hyphenated name ("Tiny-ImageNet", "Video-LLaVA"): a capitalised
        # plain word before the hyphen ("CNN-Transformer" keeps both names)
        ws = text.rfind(" ", 0, start - 1) + 1
        prefix = text[ws:start - 1]
        if prefix[:1].isupper() and prefix[1:].islower():
            return None
    if guard & _TUNED and text.startswith("-", end):
        v = _TUNED_VARIANT.match(text, end)
        if v:  # "Qwen-VL-Chat", "Mistral-7B-Instruct": a tuned variant of the matched model
            entry = args[-1]
            return Cand(start, v.end(), *args[:4], None, None, entry.name, False, entry)
    return cand_at(start, end, args)
