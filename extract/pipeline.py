"""The entity-extraction pipeline: title + abstract in, :class:`~extract.records.Extraction` out.

>>> from extract.pipeline import Extractor                      # doctest: +SKIP
>>> ex = Extractor()                                            # doctest: +SKIP
>>> x = ex.extract("SparK: Sparse masKed modeling", "We propose SparK ... on ImageNet-1K.")  # doctest: +SKIP
>>> [(m.text, m.type, m.role) for m in x.mentions]            # doctest: +SKIP

The spaCy pipeline is ``spacy.blank("en")`` with litkg's tokenizer settings
and the components of :mod:`extract.components`::

    litkg_sentences -> litkg_gazetteer -> litkg_context -> litkg_abbreviations -> litkg_normalise -> litkg_role

Title and abstract are processed as one ``Doc`` (``title + "\\n\\n" +
abstract``) so that abbreviations and proposals defined in one field count in
the other; mentions carry offsets into their own field.

Cross-paper abbreviations
-------------------------
A short form found with its long form (``masked image modeling (MIM)``) gets
the **long form's key**; both mentions list the other form in
``Mention.aliases`` and the pair is in ``Extraction.extra["abbreviations"]``
(``{"short", "long", "key", "type"}``). A bare short form in a paper without
its long form gets the key of the short form itself (``"mim"``). The store
should keep an ``aliases`` table ``alias_key -> entity key`` filled from those
pairs (``entity_key(short) -> key``) and from ``Mention.aliases``, and map
every mention key through it when it is not already an entity key. Across a
build :attr:`Extractor.abbreviations` holds the same mapping (the most
frequent long-form key per short-form key).
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from itertools import islice
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.util import raise_error

from extract.aliases import AliasRules
from extract.canonical import entity_key
from extract.components import COMPONENTS
from extract.components import state as _state
from extract.components.gazetteer import Entry, read_entries
from extract.components.rules import DEFAULT_PATTERNS_DIR, RULES_FILE, Rules
from extract.components.sentences import tokenizer_config
from extract.components.state import STATE_KEY, TITLE_END_KEY, DocState, get_state
from extract.components.token_cache import default_cache_dir
from extract.gc_pause import collector_paused, collector_relaxed
from extract.records import MENTION_TWIN, Extraction, Mention, new_extraction

try:  # (sibling modules: the pipeline skips calling them on fields they cannot find anything in)
    from extract.codelinks import _code_links_in, _may_hold_url
    from extract.codelinks import find_code_links as _find_code_links
    from extract.results import _field_results, _may_hold_number
    from extract.results import find_results as _find_results
except ImportError:  # pragma: no cover - depends on which modules exist
    _find_code_links = _find_results = _may_hold_url = _may_hold_number = _code_links_in = _field_results = None

#: Bump when a code change alters what is extracted (part of :attr:`Extractor.version`).
EXTRACTOR_VERSION = "1"

_MISSING = object()
_new = object.__new__


def _rules_path(patterns_dir: Path) -> Path:
    p = patterns_dir / RULES_FILE
    return p if p.is_file() else DEFAULT_PATTERNS_DIR / RULES_FILE


def pipeline_version(patterns_dir: Path | None = None, aliases: AliasRules | None = None) -> str:
    """:attr:`Extractor.version` without building the pipeline (cheap: hashes files and rules).

    Changes when :data:`EXTRACTOR_VERSION`, any gazetteer or rules file, or the alias rules change.
    """
    pdir = Path(patterns_dir) if patterns_dir is not None else DEFAULT_PATTERNS_DIR
    h = hashlib.sha1(EXTRACTOR_VERSION.encode())
    files = sorted(p for p in pdir.glob("*.jsonl") if not p.name.startswith("result")) if pdir.is_dir() else []
    for p in files + [_rules_path(pdir)]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    h.update((aliases or AliasRules()).fingerprint().encode())
    return f"{EXTRACTOR_VERSION}-{h.hexdigest()[:10]}"


class Extractor:
    """Extracts methods, datasets, metrics, tasks, code links and results from papers.

    Parameters
    ----------
    patterns_dir
        Folder with the gazetteer files (``*.jsonl``) and, optionally, ``rules.json``
        (default: ``extract/patterns``; the default ``rules.json`` is used when the folder has none).
    aliases
        User alias rules (see :mod:`extract.aliases`).
    cache_dir
        Folder of the on-disk cache of the gazetteer's spelling tokens (see
        :mod:`extract.components.token_cache`): by default the one the environment names
        (:func:`~extract.components.token_cache.default_cache_dir`), ``None`` for no cache.
    """

    def __init__(self, patterns_dir: Path | None = None, aliases: AliasRules | None = None,
                 cache_dir: Path | None | object = _MISSING) -> None:
        with collector_paused():
            self._build(patterns_dir, aliases, default_cache_dir() if cache_dir is _MISSING else cache_dir)

    def _build(self, patterns_dir: Path | None, aliases: AliasRules | None, cache_dir: Path | None) -> None:
        """Load the rules and gazetteer files and build the spaCy pipeline (see :class:`Extractor`)."""
        self.patterns_dir = Path(patterns_dir) if patterns_dir is not None else DEFAULT_PATTERNS_DIR
        self.aliases = aliases if aliases is not None else AliasRules()
        self.rules_path = rules_path = _rules_path(self.patterns_dir)
        self.rules = Rules.load(rules_path)
        entries = read_entries(self.patterns_dir)
        entries += [Entry(a.name, a.type, a.aliases, source="aliases") for a in self.aliases.aliases]
        # (with litkg's tokenizer from the start, as customize_tokenizer would make it)
        self.nlp = spacy.blank("en", config=tokenizer_config(self.rules))
        for name in COMPONENTS:
            self.nlp.add_pipe(name)
        gaz = self.nlp.get_pipe("litkg_gazetteer")
        gaz.initialize(nlp=self.nlp, entries=entries, token_cache=cache_dir)
        gaz_types = {e.key: e.type for e in gaz.entries}
        self.nlp.get_pipe("litkg_context").initialize(nlp=self.nlp, rules=self.rules, gaz_types=gaz_types)
        self.nlp.get_pipe("litkg_normalise").initialize(nlp=self.nlp, rules=self.rules, aliases=self.aliases,
                                                        entries=gaz.entries)
        self.entries = gaz.entries
        self.version = self._fingerprint()
        self._abbrev: dict[str, Counter] = defaultdict(Counter)
        # the bundled finders (None where their module is missing; the benchmark sets them to None);
        # plain attributes, so that a pickled extractor (graph.parallel ships a custom one) works at once
        self._codelinks = _find_code_links
        self._results = _find_results

    # -- identity ----------------------------------------------------------------------
    def _fingerprint(self) -> str:
        return pipeline_version(self.patterns_dir, self.aliases)

    @property
    def abbreviations(self) -> dict[str, str]:
        """Short-form key -> the most frequent long-form key seen so far by this extractor."""
        return {sf: c.most_common(1)[0][0] for sf, c in self._abbrev.items() if c}

    # -- extraction ------------------------------------------------------------------------
    def make_doc(self, title: str, abstract: str, *, doc_sents: bool = True) -> Doc:
        """The tokenized ``Doc`` for one paper (title and abstract joined by a blank line).

        ``doc_sents=False``: the pipeline will not mark sentences on the ``Doc`` (``doc.sents``), only in its
        state, which is all the records read (:meth:`pipe` drops its Docs).
        """
        title = title or ""
        abstract = abstract or ""
        if title:
            text = f"{title}\n\n{abstract}" if abstract else title
            title_end = len(title)
        else:
            text, title_end = abstract, -1
        doc = self.nlp.make_doc(text)
        doc.user_data[TITLE_END_KEY] = title_end
        doc.user_data[STATE_KEY] = DocState(text=text, title_end=title_end,
                                            abstract_start=title_end + 2 if title_end >= 0 else 0,
                                            doc_sents=doc_sents)
        return doc

    def extract(self, title: str, abstract: str) -> Extraction:
        """Everything found in one paper."""
        return next(self.pipe([(title, abstract)]))

    def pipe(self, items: Iterable[tuple[str, str]], batch_size: int = 256, *,
             evidence: bool = True) -> Iterator[Extraction]:
        """Extractions of ``(title, abstract)`` pairs, in order.

        ``evidence=False``: the mentions come without their evidence (``sentence`` ``""``, ``sent_start``
        and ``sent_end`` 0) and without ``aliases`` (``()``), for callers that drop them (``litkg extract``
        writes neither: ~8 us an abstract less); everything else is the same.

        While it runs, young objects are collected rarely (:func:`~extract.gc_pause.collector_relaxed`: the
        components keep a batch of documents alive, which makes the default collector walk the heap over and
        over); the collector's thresholds are restored when the last extraction ends (or is closed).
        """
        records = self._to_extraction if evidence else self._to_lean_extraction
        with collector_relaxed():
            procs = self._batch_steps(batch_size)
            if procs is None:  # (spaCy's own pipe: see _batch_steps)
                docs = (self.make_doc(t, a, doc_sents=False) for t, a in items)  # (the Docs are dropped)
                yield from map(records, self.nlp.pipe(docs, batch_size=batch_size))
                return
            size = max(1, min(batch_size, _state.PIPE_BATCH))
            it = iter(items)
            make_doc = self.make_doc
            while batch := [make_doc(t, a, doc_sents=False) for t, a in islice(it, size)]:
                for proc in procs:
                    batch = proc(batch)
                yield from map(records, batch)
                del batch  # (the batch's Docs go before the next batch is made)

    def _batch_steps(self, batch_size: int) -> list[Callable[[list[Doc]], list[Doc]]] | None:
        """The pipeline's components as steps over a batch of Docs (a list in, the processed list out), or
        ``None`` when ``nlp.pipe`` must run them (a component without ``pipe`` under another error handler).

        ``nlp.pipe`` chains a generator per component: each yields a document at a time to the next, whose
        ``pipe`` (:func:`~extract.components.state.pipe_in_batches`) gathers a batch of them again. Run batch
        by batch, the components see the same documents in the same order (each over a whole batch before
        the next one, as ``pipe_in_batches`` runs them), without a generator per document and component.
        A component with ``pipe`` is given the batch (its ``pipe`` then runs over it at once); one without is
        called on each document, as ``nlp.pipe`` calls it (an error is raised as its default handler raises it).
        """
        steps = []
        for _, proc in self.nlp.pipeline:
            pipe = getattr(proc, "pipe", None)
            if pipe is not None:
                steps.append(partial(_list_of, pipe, batch_size))
            elif self.nlp.default_error_handler is raise_error and not hasattr(proc, "get_error_handler"):
                steps.append(partial(_list_map, proc))
            else:
                return None
        return steps

    def process(self, title: str, abstract: str) -> Doc:
        """The processed spaCy ``Doc`` (for debugging and tests)."""
        return self.nlp(self.make_doc(title, abstract))

    # -- records --------------------------------------------------------------------------
    def _to_lean_extraction(self, doc: Doc) -> Extraction:
        """:meth:`_to_extraction` without evidence sentences and aliases (see :meth:`pipe`)."""
        return self._to_extraction(doc, False)

    def _to_extraction(self, doc: Doc, evidence: bool = True) -> Extraction:
        """The :class:`Extraction` of a processed ``Doc``: its mention records (with evidence sentences
        and aliases, unless ``evidence`` is false), abbreviation pairs, code links and results.

        The mentions come in text order, in runs that share their evidence (the title, or one abstract
        sentence): the evidence is looked up once per run, and each mention only tests that its start
        is still in the run's range ``[lo, hi)`` (without evidence: a run per field). With evidence, the same
        loop gathers the names of each key; the aliases they give are set on the few records that have some
        once all are made (:func:`_give_aliases`).
        """
        st = get_state(doc)
        text = st.text
        title_end = st.title_end
        if title_end >= 0:
            a0 = st.abstract_start
        else:
            title_end = a0 = 0  # (no title part: every mention is in the abstract)
        title = text[:title_end]
        cands = st.mentions
        proposed = st.proposed_keys
        first: dict[str, str] = {}  # key -> its first name
        forms: dict[str, set[str]] = {}  # key -> its names, for keys with more than one
        mentions: list[Mention] = []
        append = mentions.append
        first_abstract = -1  # index of the first abstract mention (-1: none yet)
        in_order = True  # (in order: the title's mentions come first)
        # the evidence of the current run: field, offset of the field in the text, sentence and its span
        # in the field, for the mention starts in [lo, hi) (none before the first mention)
        field, off, sentence, s_start, s_end, lo, hi = "", 0, "", 0, 0, 0, 0
        for c in cands:
            start = c.start
            end = c.end
            surface = text[start:end]
            key = c.key
            if evidence:  # (the names of each key, for the aliases)
                f = first.setdefault(key, surface)
                if f != surface:
                    fs = forms.get(key)
                    if fs is None:
                        forms[key] = {f, surface}
                    else:
                        fs.add(surface)
            if not lo <= start < hi:
                if start < title_end:
                    if first_abstract >= 0:
                        in_order = False
                    if evidence:
                        sentence = title.rstrip()
                        s_start, s_end = 0, len(sentence)
                    field, off, lo, hi = "title", 0, -math.inf, title_end
                else:
                    if first_abstract < 0:
                        first_abstract = len(mentions)
                    if evidence:
                        sentence, s_start, s_end, lo, hi = _abstract_evidence(text, start, st.sents, st.sent_starts,
                                                                              a0)
                        if lo < title_end:
                            lo = title_end
                    else:
                        lo, hi = title_end, math.inf
                    field, off = "abstract", a0
            # (the record made in place, as records.positional_maker makes one: a call with fifteen arguments
            # costs more)
            m = _new(MENTION_TWIN)
            m.text = surface
            m.type = c.type
            m.start = start - off
            m.end = end - off
            m.field = field
            m.sentence = sentence
            m.sent_start = s_start
            m.sent_end = s_end
            m.canonical = c.canonical or surface
            m.key = key
            m.role = "proposed" if key in proposed else "used"
            fam = m.family = c.family
            m.family_key = entity_key(fam) if fam else None
            m.aliases = ()
            m.rule = c.rule
            m.__class__ = Mention
            append(m)
        aliases_of, abbrevs = self._aliases_from(first, forms, st.pairs)
        if aliases_of and evidence:
            _give_aliases(mentions, aliases_of)
        if in_order:
            n_title = first_abstract if first_abstract >= 0 else len(mentions)
            by_field = {"title": mentions[:n_title], "abstract": mentions[n_title:]}
        else:
            by_field = {f: [m for m in mentions if m.field == f] for f in ("title", "abstract")}
        abstract = text[a0:] if a0 <= len(text) else ""
        code_links, results = self._links_and_results(st, title, abstract, a0, mentions, by_field, proposed)
        extra = {"abbreviations": abbrevs, "proposed": sorted(proposed)}
        return new_extraction(tuple(mentions), tuple(code_links), tuple(results), self.version, extra)

    def _aliases_from(self, first: dict[str, str], forms: dict[str, set[str]],
                      pairs) -> tuple[dict[str, dict[str, tuple[str, ...]]], list[dict]]:
        """The aliases of the paper's mentions and its abbreviation records.

        ``first``: key -> the first name of the key among the mentions; ``forms``: key -> all its names, for
        the keys written in more than one way (updated here with the pairs' forms).

        Aliases: ``key -> {surface: the other names seen for the key, sorted}`` for the keys written in
        more than one way (its mentions' surfaces and the two forms of its abbreviation pairs); a
        mention of any other key has none. Counts each pair into :attr:`abbreviations`.
        """
        abbrevs = []
        for p in pairs:
            key = p.key
            if not key:
                continue
            fs = forms.get(key)
            if fs is None:
                f = first.get(key)
                fs = forms[key] = {f} if f is not None else set()
            fs.add(p.short)
            fs.add(p.long)
            abbrevs.append({"short": p.short, "long": p.long, "key": key, "type": p.type})
            self._abbrev[entity_key(p.short)][key] += 1
        aliases = {}
        for key, fs in forms.items():
            if len(fs) > 1:
                ordered = sorted(fs)
                if len(ordered) == 2:
                    a, b = ordered
                    aliases[key] = {a: (b,), b: (a,)}
                else:  # (the names are distinct: the others of the i-th are those before and after it)
                    aliases[key] = {f: (*ordered[:i], *ordered[i + 1:]) for i, f in enumerate(ordered)}
        return aliases, abbrevs

    def _field_sentences(self, st, a0: int, length: int) -> list[tuple[int, int]]:
        """The spans of the abstract's sentences in the abstract (``a0``: where it starts in the text)."""
        end = a0 + length
        return [((s if s > a0 else a0) - a0, (e if e < end else end) - a0) for s, e in st.sents if e > a0]

    def _links_and_results(self, st, title, abstract, a0, mentions, by_field, proposed):
        """Code links and results of both fields (``by_field``: the mentions of each field, in order).

        The bundled finders are skipped on a field that holds no URL hint / no number (most fields).
        """
        links, results = [], []
        find_links, find_res = self._codelinks, self._results
        if find_links is None and find_res is None:
            return links, results
        proposed_key = _MISSING
        bundled_links = find_links is _find_code_links
        bundled_res = find_res is _find_results
        for field, text in (("title", title), ("abstract", abstract)):
            if not text:
                continue
            low = text.lower() if text.isascii() else None  # (one lower-cased copy for both finders)
            want_links = find_links is not None and (not bundled_links or _may_hold_url(text, low))
            want_res = find_res is not None and (not bundled_res or _may_hold_number(text))
            if not (want_links or want_res):
                continue
            sents = [(0, len(text))] if field == "title" else self._field_sentences(st, a0, len(text))
            if want_links:  # (the bundled finder without its own URL-hint check: done above)
                links.extend(_code_links_in(text, field, sents, low) if bundled_links
                             else find_links(text, field, sents))
            if want_res:
                if proposed_key is _MISSING:
                    proposed_key = next((m.key for m in mentions if m.key in proposed and m.type == "method"),
                                        None) if proposed else None
                if bundled_res:  # (the bundled finder without its own per-field filter)
                    results.extend(_field_results(text, field, sents, by_field[field], proposed_key, None, low))
                else:
                    results.extend(find_res(text, field, sents, by_field[field], proposed_key))
        return links, results


def _list_of(pipe: Callable[..., Iterable[Doc]], batch_size: int, docs: list[Doc]) -> list[Doc]:
    """What a component's ``pipe`` makes of a batch of ``docs``, as a list."""
    return list(pipe(docs, batch_size=batch_size))


def _list_map(proc: Callable[[Doc], Doc], docs: list[Doc]) -> list[Doc]:
    """A component without ``pipe`` on each of ``docs``."""
    return list(map(proc, docs))


def _give_aliases(mentions: list[Mention], aliases_of: dict[str, dict[str, tuple[str, ...]]]) -> None:
    """Set the ``aliases`` of the new ``mentions`` whose key has some (``aliases_of``: key -> {surface:
    aliases}).

    The aliases of a key are known once all its mentions are seen: the records are made with none, and
    those of the few keys that have some get them here, before anything else sees the records (the slot is
    set through its descriptor: the frozen dataclass refuses attribute assignment).
    """
    for m in mentions:
        names = aliases_of.get(m.key)
        if names is not None:
            _set_aliases(m, names[m.text])


_set_aliases = Mention.aliases.__set__


def _abstract_evidence(text: str, start: int, sents, sent_starts, a0: int) -> tuple[str, int, int, float, float]:
    """The evidence of the abstract mention starting at ``start``: its sentence (trailing white space
    dropped) and the sentence's span in the abstract (``a0``: where the abstract starts in ``text``),
    then the range ``[lo, hi)`` of mention starts it holds for (the same sentence: the mentions come in
    text order, most share their sentence with the previous one).

    The sentence is the last one starting at or before ``start`` (the first sentence before any); the
    whole abstract when the document has no sentences.
    """
    if not sents:
        ss, se, lo, hi = a0, len(text), -math.inf, math.inf
    else:
        si = bisect_right(sent_starts, start) - 1  # (as sentence_index)
        if si > 0:
            lo = sent_starts[si]
        else:
            si, lo = 0, -math.inf
        hi = sent_starts[si + 1] if si + 1 < len(sent_starts) else math.inf
        ss, se = sents[si]
        if ss < a0:
            ss = a0
    sentence = text[ss:se].rstrip()
    return sentence, ss - a0, ss - a0 + len(sentence), lo, hi
