"""Context rules: names that no list knows, found by the words around them.

The word lists come from ``extract/patterns/rules.json``. Speed: big word
alternations in Python regexes are slow when scanned over a whole text, so
the cue words are *lexeme flags* (computed once per distinct word by the
vocab); a document's flagged tokens come out of one ``doc.to_array`` call,
and the rule's regex is then matched anchored at those few positions. Each rule adds
:class:`~extract.components.state.Cand` objects (and, for proposal cues,
*proposal slots*: char offsets where the name of the paper's own contribution
starts). Rules:

``naming``      ``called / dubbed / named / termed X``
``proposal``    ``we propose / introduce / present X``; ``we propose a new benchmark, X``
``appositive``  ``X, a novel framework ...`` (the head noun gives the type)
``title``       the title prefix ``SparK: ...``
``dataset-cue`` ``the X dataset / benchmark / corpus``
``dataset-list`` ``datasets (A, B and C)``, ``benchmarks such as A, B, C``
``dataset-on``  ``evaluated / trained / results on A, B and C``
``shape``       model-name shapes: ``ConvNeXt``, ``GPT-4``, ``YOLOv8``, ``Swin-B``, ``ViT-B/16``
``head``        technique / task / metric phrases ending in a known head word
                (``depthwise convolution``, ``semantic segmentation``, ``top-1 accuracy``)
``metric``      metric shapes: ``Recall@1``, ``mAP@0.5``, ``AP50``, ``mIoU``, ``BLEU-4``
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from extract.canonical import entity_key, family_of
from extract.components.rules import Rules
from extract.components.state import (
    P_CONTEXT,
    P_HEAD,
    P_METRIC,
    P_SHAPE,
    STRONG,
    WEAK,
    Cand,
    DocState,
    find_word,
    get_state,
    is_capitalized,
    is_name_shaped,
    sentence_index,
    token_table,
)

# A word of a name: letters/digits with inner - . + / @ ' (no trailing punctuation).
_NW = r"(?:[A-Za-z0-9][\w\-\.\+/@']*[\w\+]|[A-Za-z0-9])"
# A name: up to 5 words, the first capitalised, a digit or lower-then-upper (mPLUG, nuScenes).
_FIRST = r"(?:[A-Z0-9]|[a-z]+[A-Z])(?:[\w\-\.\+/@']*[\w\+])?"
_NAME = rf"(?<![\w\-/@.']){_FIRST}(?:[ ]{_NW}){{0,4}}"
_NON_SPACE_RUN = re.compile(r"\S+")
_NAME_LIKE = re.compile(r"[A-Za-z]{2}|[A-Za-z]\d|\d[A-Za-z]")  # (not a number: "4.2", "11.0")
_DATASET_WORD = re.compile(r"\b(?:dataset|benchmark|corpus|suite|leaderboard|testbed|collection)\b")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_TW = r"[\w](?:[\w\-'/+]|\.(?=\w))*"
_TAIL_HYPHEN = re.compile(rf"({_TW}-)$")
_SENT_END_PUNCT = ".,;:!?)]"
_SHAPE = re.compile(
    r"(?<![\w\-/@.#])(?:"
    r"[A-Za-z]*[a-z0-9][A-Z][\w+]*(?:[\-./][\w+]+)*"  # ConvNeXt, mBERT, DeepSeek-VL, InceptionNeXt-T, Wav2Vec
    r"|[A-Z]{2,}[a-z][\w+]*(?:[\-./][\w+]+)*"  # LLaMA, DeiT
    r"|[A-Za-z]*[A-Z][A-Za-z]*-?\d[\w+]*(?:[\-./][\w+]+)*"  # GPT-4, T5, YOLOv8, ResNet50, ResNet-50
    r"|[A-Z][A-Za-z]+(?:-[A-Za-z0-9]+)*-(?:Ti|T|S|B|L|H|XL|XXL|G|Tiny|Small|Base|Large|Huge)(?:/\d+)?"  # Swin-B, ViT-B/16
    r"|[A-Z][a-z]+-[A-Za-z]*[a-z0-9][A-Z][\w+]*(?:[\-./][\w+]+)*"  # Tiny-ImageNet, Video-LLaVA
    r")(?![\w@]|-\w)"
)
_METRIC_RX = re.compile(
    r"(?<![\w\-])(?:"
    r"(?:R|Recall|Precision|P|Hits|HR|NDCG|nDCG|MRR|mAP|AP|AR|Acc|F1|SR|Success|Pass|pass|Top|top)@\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)?"
    r"|AP(?:50|75|_?\{?(?:50|75|S|M|L|s|m|l|box|mask|bb|mk)\}?)(?:\^?(?:box|mask|bb|mk))?"
    r"|m(?:AP|IoU|Acc|AR|ADE|FDE|AUC)(?:@[\d.:]+)?"
    r"|IoU|AUC|AUROC|AUPRC|ROC-AUC|BLEU(?:-[1-4])?|ROUGE(?:-(?:[12L]|SU4))?|METEOR|CIDEr(?:-D)?|SPICE"
    r"|PSNR|SSIM|MS-SSIM|LPIPS|FID|FVD|KID|CLIPScore|CLIP-Score|WER|CER|EER|MAE|MSE|RMSE|MAPE|sMAPE"
    r"|BERTScore|chrF\+*|PPL|NLL|ECE|DSC|HD95|SRCC|PLCC|KRCC|EPE|AbsRel|BPC|BPB|CLIP-I|CLIP-T|DINO-I"
    r")(?![\w\-@])"
)
# "top-1 accuracy", "top-5 error (rate)"
_TOPK_RX = re.compile(r"(?<![\w\-])[Tt]op-?\d+\s+(?:accuracy|acc\.?|error(?:\s+rate)?)(?![\w\-])")


def _rx_words(words, flags=re.I) -> str:
    return "|".join(sorted((re.escape(w) for w in set(words)), key=len, reverse=True))


_SIZE_TOKENS = {"T", "S", "B", "L", "H", "XL", "XXL", "G", "Ti", "Tiny", "Small", "Base", "Large", "Huge"}
_SHAPE_TOKEN = re.compile(r"[a-z0-9][A-Z]|[A-Z]{2,}[a-z]|[A-Z][A-Za-z]*-?\d")
_SIZE_BASE = re.compile(r"[A-Z][A-Za-z]+(?:-[A-Za-z0-9]+)*-$")
_METRIC_LEAD = {"MS", "ROC", "CLIP", "DINO"}
_DS_ON_TRIGGERS = {
    "train", "trained", "training", "pretrained", "pretraining", "tuned", "tuning", "finetuned", "finetuning",
    "evaluate", "evaluated", "evaluation", "evaluating", "test", "tested", "testing", "experiment", "experiments",
    "result", "results", "performance", "benchmarked", "benchmarking", "validate", "validated", "validation",
    "accuracy", "accuracies", "art", "sota", "miou", "map", "ap", "gain", "gains", "improvement", "improvements",
    "outperform", "outperforms", "outperformed", "outperforming", "achieve", "achieves", "achieved", "achieving",
    "score", "scores",
}
_NEEDS_AS = {"denoted", "referred", "known", "abbreviated"}
_SUBJ_BEFORE = re.compile(
    r"\b(?:[Ww]e|[Pp]aper|[Ww]ork|[Ss]tudy|[Aa]rticle|[Ll]etter|[Rr]eport)\s+"
    r"(?:(?:first|also|further|then|hereby|newly|additionally|thus|therefore|instead|finally)\s+)?$"
)
_SUBJECTS = frozenset(("We", "we", "Paper", "paper", "Work", "work", "Study", "study", "Article", "article",
                       "Letter", "letter", "Report", "report"))
_SUBJECT_ADVERBS = frozenset(("first", "also", "further", "then", "hereby", "newly", "additionally", "thus",
                              "therefore", "instead", "finally"))


def _subject_before(text: str, a: int) -> bool:
    """Whether ``_SUBJ_BEFORE.search(text, max(0, a - 45), a)`` matches, read backwards from ``a``.

    The match ends at ``a``: white space, optionally an adverb and white space before it, and before that
    a subject word at a word boundary (a regex that starts with ``\\b`` is tried at every position).
    """
    lo = a - 45 if a > 45 else 0
    k = a
    while k > lo and text[k - 1].isspace():
        k -= 1
    if k == a:
        return False
    s = k
    while s > lo and text[s - 1].isalpha():
        s -= 1
    if text[s:k] in _SUBJECT_ADVERBS:
        k = s
        while k > lo and text[k - 1].isspace():
            k -= 1
        if k == s:
            return False
        s = k
        while s > lo and text[s - 1].isalpha():
            s -= 1
    if text[s:k] not in _SUBJECTS:
        return False
    return s == 0 or not (text[s - 1].isalnum() or text[s - 1] == "_")


_AFTER_NAME = re.compile(r"\s*(?:\([^()]*\)\s*)?,?\s*(?:(?:is|was)\s+)?(?:a|an|the)\s+")
_APPOSITIVE = re.compile(r",\s+(?:(?:is|was)\s+)?(?:a|an|our)\s+")
# "\s+is\s+(?:a|an)\s+(?:novel|new)\b", found from its literal "is" (a pattern that starts with \s+ is
# tried at every space); see _is_a_starts
_IS_A = re.compile(r"is(?<=\sis)\s+(?:a|an)\s+(?:novel|new)\b")
# "\b[Oo]ur\s+(?:proposed\s+|new\s+|novel\s+)?" as two regexes with a literal prefix (fast to search)
_OUR = tuple((w, re.compile(w + r"(?<!\w...)\s+(?:proposed\s+|new\s+|novel\s+)?")) for w in ("our", "Our"))


def _is_a_starts(text: str) -> list[int]:
    r"""Starts of the matches of ``\s+is\s+(?:a|an)\s+(?:novel|new)\b`` in ``text`` (as ``re.finditer``)."""
    out = []
    last = 0
    for m in _IS_A.finditer(text):
        s = m.start() - 1  # the white space before "is" (the look-behind saw one)
        while s > last and text[s - 1].isspace():
            s -= 1
        out.append(s)
        last = m.end()
    return out


class _Ctx:
    """Compiled regexes and word sets for one :class:`Rules`."""

    def __init__(self, rules: Rules) -> None:
        r = rules
        self.rules = r
        self.naming_first = {c.split()[0].lower() for c in r.naming_cues}
        self.proposal_first = {v.split()[0].lower() for v in r.proposal_verbs}
        self.naming = re.compile(
            rf"[A-Za-z]+(?P<as>\s+to\s+as|\s+as)?\s+(?:the\s+)?[\"“'‘]?(?P<name>{_NAME})")
        self.proposal = re.compile(rf"[A-Za-z]+(?:\s+forward)?\s+(?P<slot>[\"“'‘]?(?P<name>{_NAME})?)")
        heads = _rx_words(r.appositive_heads)
        self.proposal_head = re.compile(
            rf"[A-Za-z]+(?:\s+forward)?\s+(?:a|an|the)\s+(?P<mods>(?:[\w\-]+\s+){{0,5}}?)(?P<head>{heads})s?\s*"
            rf"(?:,\s*|\s+)(?:(?:called|named|dubbed|termed|coined)\s+)?[\"“'‘]?(?P<name>{_NAME})",
        )
        self.app_fwd = re.compile(rf"(?P<mods>(?:[\w\-]+\s+){{0,5}}?)(?P<head>{heads})s?\b", re.I)
        self.title = re.compile(r"^\s*(?P<prefix>[^:\n]{1,80}?)\s*:\s*(?=\S)")
        self.method_lead = {w.lower() for w in r.raw.get("method_list_lead", [])}
        self.list_lead = {"datasets", "benchmarks", "corpora", "tasks"} | self.method_lead
        leads = _rx_words(self.list_lead)
        self.ds_list = re.compile(
            rf"(?P<lead>{leads})\s*(?:,\s*)?(?:\(\s*|such\s+as\s+|including\s+|like\s+|namely\s+|:\s*|e\.g\.,?\s+|i\.e\.,?\s+)"
            rf"(?P<list>{_NAME}(?:\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+){_NAME}){{0,12}})",
            re.I,
        )
        self.ds_on = re.compile(
            r"[\w]+\b[^.;:()]{0,60}?\b(?:on|across|over)\s+(?:the\s+|both\s+|all\s+|several\s+|multiple\s+|two\s+|three\s+|four\s+|five\s+|six\s+|various\s+|popular\s+|challenging\s+|standard\s+|public\s+|widely-used\s+)*"
            rf"(?P<list>{_NAME}(?:\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+){_NAME}){{0,12}})"
        )
        self.list_split = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\band\s+|\bor\s+|&\s+)")
        self.ds_cues = {c.lower() for c in r.dataset_cues if " " not in c}
        self.m_suffix = tuple(r.method_name_suffixes)
        self.head_types = {h: tuple(t for t, hs in (("task", r.task_heads), ("method", r.tech_heads),
                                                    ("metric", r.metric_heads)) if h in hs)
                           for h in r.task_heads | r.tech_heads | r.metric_heads}
        self.generic_heads = {h.lower(): "method" for h in r.raw.get("generic_method_heads", [])}
        self.generic_heads.update({h.lower(): "task" for h in r.raw.get("generic_task_heads", [])})
        raw = r.raw
        self.ds_common = {w.lower() for w in raw.get("dataset_name_common_words", [])}
        self.languages = {w.lower() for w in raw.get("dataset_name_language_words", [])}
        self.generic_mods = {w.lower() for w in raw.get("generic_modifiers", [])}
        self.task_reject = {w.lower() for w in raw.get("task_reject_modifiers", [])}
        # heads that can stand alone (no modifier needed)
        self.bare_ok = r.tech_standalone | r.task_standalone | r.metric_bare
        # heads, by their last word (the token that triggers them), longest first
        self.heads_by_last: dict[str, list[str]] = {}
        for h in sorted(r.task_heads | r.tech_heads | r.metric_heads | set(self.generic_heads), key=len, reverse=True):
            last = re.split(r"[ \-]", h)[-1]
            self.heads_by_last.setdefault(last, []).append(h)

        # anchor kinds of cue words (lower case) -> set of kinds
        kinds: dict[str, set[str]] = {}
        for kind, words in (("head", self.heads_by_last), ("naming", self.naming_first),
                            ("proposal", self.proposal_first), ("ds_cue", self.ds_cues),
                            ("ds_list", self.list_lead), ("ds_on", _DS_ON_TRIGGERS)):
            for w in words:
                kinds.setdefault(w, set()).add(kind)
        self.cue_kinds = {w: tuple(sorted(k)) for w, k in kinds.items()}
        self._word_features: dict[str, tuple] = {}
        self.word_feature_cache = self._word_features  # (read directly in hot loops)
        self._name_type_gaz: dict | None = None
        self._name_types: dict[str, str] = {}

    def name_type(self, name: str, gaz_types: dict | None) -> str:
        """:func:`name_type` of ``name`` with these rules, cached per name (for one ``gaz_types`` dict)."""
        if gaz_types is not self._name_type_gaz:
            self._name_type_gaz, self._name_types = gaz_types, {}
        t = self._name_types.get(name)
        if t is None:
            if len(self._name_types) > 100_000:
                self._name_types.clear()
            t = self._name_types[name] = name_type(name, self.rules, gaz_types)
        return t

    def word_features(self, w: str) -> tuple:
        """Features of a modifier word ``w`` for the head rule (see the ``_F_*`` indices), cached per word."""
        f = self._word_features.get(w)
        if f is None:
            if len(self._word_features) > 200_000:
                self._word_features.clear()
            f = self._word_features[w] = self._word_features_uncached(w)
        return f

    def _word_features_uncached(self, w: str) -> tuple:
        r = self.rules
        wl = w.lower()
        keep = wl in r.task_keep_mods
        verb_or_plural = _looks_verb_or_plural(wl)
        shaped = is_name_shaped(w)
        return (
            wl,
            wl in r.stop or w.isdigit() or not w[0].isalnum(),  # _F_BREAK
            _technical_word_uncached(wl, r),  # _F_TECH
            not keep and (wl in self.task_reject or verb_or_plural or shaped  # _F_TASK_BAD
                          or (wl.endswith(("ing", "ly")) and wl not in r.tech_mods)),
            wl in r.metric_mods,  # _F_METRIC_OK
            wl in r.task_bad_mods and not keep,  # _F_LEAD_BAD
            _is_generic_mod(wl, self.generic_mods),  # _F_GENERIC_MOD
            wl in _GENERIC_TECH,  # _F_GENERIC_TECH
            (wl in r.stop or w.isdigit() or not w[0].isalpha() or shaped or wl.endswith("ly")  # _F_GENERIC_BREAK
             or verb_or_plural or wl.endswith(_ADJ_SUFFIXES)),
            wl in self.task_reject or wl in self.generic_mods,  # _F_REJECT_OR_GENERIC
            wl in _BLOCK_BARE_METRIC,  # _F_BLOCK_BARE
        )

    def flag_getters(self) -> dict[str, object]:
        """Lexeme flag functions (string -> bool): cue words, and name / metric shapes."""
        cues = self.cue_kinds
        return {"cue": lambda s: s.lower() in cues, "shape": _is_shape_token}

    def anchor_flag(self):
        """The lexeme flag function of anchor tokens: a cue word or a name / metric shape."""
        cues = self.cue_kinds
        return lambda s: s.lower() in cues or _is_shape_token(s)

    def orth_info(self, s: str) -> tuple[int, tuple[str, ...], bool]:
        """``(length, cue kinds, name / metric shape)`` of an anchor token's text."""
        return len(s), self.cue_kinds.get(s.lower(), ()), _is_shape_token(s)


def _is_shape_token(s: str) -> bool:
    return (s in _SIZE_TOKENS or bool(_SHAPE_TOKEN.search(s)) or bool(_METRIC_RX.match(s))
            or bool(_TOPK_TOKEN.match(s)) or s in _METRIC_LEAD)


_TOPK_TOKEN = re.compile(r"[Tt]op-?\d+$")


def name_type(name: str, rules: Rules, gaz_types: dict | None = None, default: str = "method") -> str:
    """Guess the type of an unknown name from its family or its suffix."""
    fam = family_of(name, "method") or family_of(name, "dataset")
    if fam and gaz_types:
        t = gaz_types.get(fam[1])
        if t:
            return t
    bare = name.rstrip("s") if name.endswith("s") and not name.endswith("ss") else name
    suffixes = tuple(rules.dataset_name_suffixes)
    for n in (name, bare):
        if n.endswith(suffixes) or (n and n[-1] in "kKM\n" and _COUNT_SUFFIX.search(n)):
            return "dataset"
    return default


_COUNT_SUFFIX = re.compile(r"\d+[kKM]$")  # (a match ends with k, K or M, or before a final newline)


@Language.factory("litkg_context")
class ContextRules:
    """Adds candidates found by context rules (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "litkg_context") -> None:
        self.name = name
        self.nlp = nlp
        self.ctx: _Ctx | None = None
        self.gaz_types: dict[str, str] = {}
        self.f_anchor: int | None = None

    def initialize(self, get_examples=None, *, nlp: Language | None = None, rules: Rules | None = None,
                   gaz_types: dict[str, str] | None = None) -> None:
        nlp = nlp or self.nlp
        self.ctx = _Ctx(rules or Rules.load())
        self.gaz_types = dict(gaz_types or {})
        # one lexeme flag for every anchor token (computed once per distinct word by the vocab), and per
        # ORTH id the anchor's length, cue kinds and shape (computed once per distinct anchor word)
        self.f_anchor = nlp.vocab.add_flag(self.ctx.anchor_flag())
        self._strings = nlp.vocab.strings
        self._info: dict[int, tuple[int, tuple[str, ...], bool]] = {}

    def __call__(self, doc: Doc) -> Doc:
        if self.ctx is None:
            self.initialize()
        st = get_state(doc)
        text = st.text
        st.urls = [m.span() for m in _URL.finditer(text)] if ("http" in text or "www." in text) else []
        if not len(doc):
            return doc
        idx, orths = token_table(doc, st)
        anchors: dict[str, list[tuple[int, int]]] = {k: [] for k in _ANCHOR_KINDS}
        shape = anchors["metric"] = anchors["shape"]  # (the same tokens; the rules only read the lists)
        info = self._info
        for i in np.flatnonzero(doc.to_array(self.f_anchor)).tolist():
            o = orths[i]
            inf = info.get(o)
            if inf is None:
                if len(info) > 500_000:
                    info.clear()
                inf = info[o] = self.ctx.orth_info(self._strings[o])
            s = idx[i]
            span = (s, s + inf[0])
            if inf[2]:
                shape.append(span)
            for kind in inf[1]:
                anchors[kind].append(span)
        find_context(text, st, self.ctx, self.gaz_types, anchors)
        return doc


_ANCHOR_KINDS = ("head", "naming", "proposal", "ds_cue", "ds_list", "ds_on", "shape", "metric")


# --- helpers ------------------------------------------------------------------------


def _strip_name(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _SENT_END_PUNCT + "'\"”’":
        end -= 1
    while start < end and text[start] in "\"“'‘":
        start += 1
    return start, end


def _trim_name_words(text: str, start: int, end: int, rules: Rules, need_shape: bool = True,
                     max_words: int = 5) -> tuple[int, int] | None:
    """Keep the leading run of capitalised / name-shaped words of ``text[start:end]``."""
    start, end = _strip_name(text, start, end)
    words = list(_NON_SPACE_RUN.finditer(text[start:end]))
    keep = []
    for w in words[:max_words]:
        word = w.group().rstrip(_SENT_END_PUNCT)
        if not word or not (is_capitalized(word) or word[0].isdigit()):
            break
        if word.lower() in rules.stop and not is_name_shaped(word):
            break
        keep.append((w, word))
        if word != w.group():  # punctuation ended the name
            break
    if not keep:
        return None
    if need_shape and not any(is_name_shaped(k[1]) for k in keep) and len(keep) < 2:
        return None
    s = start + keep[0][0].start()
    e = start + keep[-1][0].start() + len(keep[-1][1])
    name = text[s:e]
    if rules.is_stop_name(name) or rules.is_stop_name(keep[0][1]):
        return None
    return s, e


def _in_url(st: DocState, s: int, e: int) -> bool:
    return any(us < e and s < ue for us, ue in st.urls)


def _add(st: DocState, c: Cand) -> None:
    """Add a candidate unless it is empty, inside a URL or crosses a sentence boundary."""
    if c.end <= c.start or (st.urls and _in_url(st, c.start, c.end)):
        return
    starts = st.sent_starts
    if starts and bisect_right(starts, c.start) != bisect_right(starts, c.end - 1):
        return
    st.cands.append(c)


def _type_near(text: str, pos: int, rules: Rules, window: int = 50) -> str | None:
    """Type named by an appositive head noun just before ``pos`` ("a new dataset called X")."""
    before = text[max(0, pos - window):pos].lower()
    best = None
    best_at = -1
    for head, t in rules.appositive_heads.items():
        i = before.rfind(head)
        if i > best_at and (i == 0 or not before[i - 1].isalpha()):
            best, best_at = t, i
    return best


# --- the rules -------------------------------------------------------------------


def find_context(text: str, st: DocState, ctx: _Ctx, gaz_types: dict[str, str],
                 anchors: dict[str, list[tuple[int, int]]]) -> None:
    """Run every context rule over ``text`` and add candidates / proposal slots to ``st``.

    ``anchors`` maps an anchor kind (see :meth:`_Ctx.flag_getters`) to the char spans of
    the tokens flagged with it.
    """
    _title_rule(text, st, ctx, gaz_types)
    _naming_rules(text, st, ctx, gaz_types, anchors)
    _dataset_rules(text, st, ctx, anchors, gaz_types)
    _shape_rule(text, st, ctx, gaz_types, anchors["shape"])
    _head_rule(text, st, ctx, anchors["head"])
    end = -1
    for s, _ in anchors["metric"]:
        if s < end:
            continue
        m = _TOPK_RX.match(text, s)
        prio = P_METRIC + 1
        if not m:
            m = _METRIC_RX.match(text, s)
            prio = P_METRIC
        if m:
            _add(st, Cand(m.start(), m.end(), "metric", "metric-shape", prio, STRONG))
            end = m.end()


# "metric" / "measure" as the head noun of the first noun phrase after the colon
_TITLE_METRIC_HEAD = re.compile(r"(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,4}?(?:metric|measure)s?(?:\s+(?:for|of|to|that|which|based)\b|\s*$|[,.])")


def _title_rule(text: str, st: DocState, ctx: _Ctx, gaz_types: dict[str, str]) -> None:
    r = ctx.rules
    if st.title_end <= 0:
        return
    title = text[:st.title_end]
    m = ctx.title.match(title)
    if not m:
        return
    s, e = m.span("prefix")
    words = title[s:e].split()
    if not 1 <= len(words) <= 5 or words[0].lower().strip("\"'") in r.title_stop_first:
        return
    connectors = {"and", "of", "for", "the", "with", "in", "as", "a", "to", "is", "on", "at", "by", "&"}
    if not all(is_capitalized(w) or w.lower() in connectors or w[0].isdigit() for w in words):
        return
    if not is_capitalized(words[-1]):
        return
    name = title[s:e]
    # plain capitalised words ("Predictable Scale: ...") name the method only if the abstract repeats them
    if not any(is_name_shaped(w) for w in words) and (len(words) > 3 or text.find(name, st.abstract_start) < 0):
        return
    if r.is_stop_name(name):
        return
    rest = " ".join(title[m.end():].lower().split()[:8])
    t = ctx.name_type(name, gaz_types)
    if _DATASET_WORD.search(rest):
        t = "dataset"
    elif _TITLE_METRIC_HEAD.match(rest):
        t = "metric"  # "X: A Metric for ..." (the head noun), not "X: Sharp Metric Depth ..." (an adjective)
    _add(st, Cand(s, e, t, "title", P_CONTEXT, STRONG, proposed=True))
    st.proposal_slots.append((s, e))
    # the same name in the abstract
    for a in find_word(text, name):
        if a >= st.abstract_start:
            _add(st, Cand(a, a + len(name), t, "title-propagated", P_CONTEXT, STRONG, proposed=True))


_NP_STOP = re.compile(r"[,.;:()\[\]]")


def _np_head_type(text: str, pos: int, rules: Rules) -> str | None:
    """Type named by the head noun of the noun phrase starting at ``pos`` ("a benchmark construction
    framework for ..." -> method): the last appositive head word before a function word or punctuation."""
    seg = _NP_STOP.split(text[pos:pos + 120], 1)[0]
    best = None
    for i, w in enumerate(seg.lower().split()):
        if i and w in rules.stop and w not in rules.appositive_heads:
            break
        w = w.rstrip("s") if w not in rules.appositive_heads and w.endswith("s") else w
        if w in rules.appositive_heads:
            best = rules.appositive_heads[w]
    return best


def _name_before(text: str, end: int, rules: Rules) -> tuple[int, int] | None:
    """The name (capitalised / name-shaped words) that ends at ``end``."""
    keep = []
    for s, e, w in _words_before(text, end):
        if not (is_capitalized(w) or w[0].isdigit()):
            break
        if w.lower() in rules.stop and not is_name_shaped(w):
            break
        keep.append((s, e, w))
    if not keep:
        return None
    if len(keep) < 2 and not is_name_shaped(keep[0][2]):
        return None
    s, e = keep[-1][0], keep[0][1]
    if rules.is_stop_name(text[s:e]) or rules.is_stop_name(keep[-1][2]):
        return None
    return s, e


def _naming_rules(text: str, st: DocState, ctx: _Ctx, gaz_types: dict[str, str], anchors) -> None:
    r = ctx.rules
    found: list[tuple[int, int, str, bool, str]] = []
    for a, ae in anchors["naming"]:
        m = ctx.naming.match(text, a)
        if not m:
            continue
        if text[a:ae].lower() in _NEEDS_AS and not m.group("as"):
            continue
        span = _trim_name_words(text, m.start("name"), m.end("name"), r)
        st.proposal_slots.append((m.start("name"), m.start("name")))
        if span:
            t = _type_near(text, a, r) or ctx.name_type(text[span[0]:span[1]], gaz_types)
            found.append((span[0], span[1], t, True, "naming"))
    for a, _ in anchors["proposal"]:
        if _subject_before(text, a):
            m = ctx.proposal.match(text, a)
            if m:
                st.proposal_slots.append((m.start("slot"), m.start("slot")))
                if m.group("name"):
                    span = _trim_name_words(text, m.start("name"), m.end("name"), r)
                    if span:
                        t = ctx.name_type(text[span[0]:span[1]], gaz_types)
                        ta = _AFTER_NAME.match(text, span[1])
                        if ta:
                            t = _np_head_type(text, ta.end(), r) or t
                        found.append((span[0], span[1], t, True, "proposal"))
        mh = ctx.proposal_head.match(text, a)
        if mh:
            span = _trim_name_words(text, mh.start("name"), mh.end("name"), r)
            if span:
                t = r.appositive_heads.get(mh.group("head").lower(), "method")
                found.append((span[0], span[1], t, True, "proposal"))
                st.proposal_slots.append((span[0], span[0]))
    ends = [m.end() for word, rx in _OUR for m in (rx.finditer(text) if word in text else ())]
    if ends:
        ends.sort()  # (the matches of the two regexes never overlap)
        st.proposal_slots.extend((e, e) for e in ends)
    for m in _APPOSITIVE.finditer(text):
        f = ctx.app_fwd.match(text, m.end())
        if not f:
            continue
        end = m.start()
        if end > 0 and text[end - 1] == ")":
            op = text.rfind("(", max(0, end - 32), end)
            if op < 0:
                continue
            end = op
            while end > 0 and text[end - 1] == " ":
                end -= 1
        span = _name_before(text, end, r)
        if not span:
            continue
        mods = f.group("mods").lower().split()
        t = _np_head_type(text, m.end(), r) or r.appositive_heads.get(f.group("head").lower(), "method")
        proposed = bool({"novel", "new", "first"} & set(mods)) or "our" in m.group()
        found.append((span[0], span[1], t, proposed, "appositive"))
        if proposed:
            st.proposal_slots.append((span[0], span[0]))
    if " is a" in text:
        for start in _is_a_starts(text):
            span = _name_before(text, start, r)
            if span:
                found.append((span[0], span[1], ctx.name_type(text[span[0]:span[1]], gaz_types), True, "appositive"))
                st.proposal_slots.append((span[0], span[0]))
    seen_names = {}
    for s, e, t, proposed, rule in found:
        _add(st, Cand(s, e, t, rule, P_CONTEXT, STRONG, proposed=proposed))
        seen_names.setdefault(text[s:e], (t, proposed))
    # other occurrences of names found by context (case-sensitive, whole words)
    for name, (t, proposed) in seen_names.items():
        if len(name) < 2:
            continue
        for i in find_word(text, name):
            _add(st, Cand(i, i + len(name), t, "context-propagated", P_CONTEXT - 1, STRONG, proposed=proposed))


def _list_names(text: str, start: int, end: int, ctx: _Ctx) -> list[tuple[int, int]]:
    r = ctx.rules
    out = []
    pos = start
    chunk = text[start:end]
    for piece in ctx.list_split.split(chunk):
        i = text.find(piece, pos, end + 1) if piece else -1
        if i < 0:
            continue
        pos = i + len(piece)
        span = _trim_name_words(text, i, i + len(piece), r, need_shape=False, max_words=4)
        if span is None:
            break
        if not _NAME_LIKE.search(text[span[0]:span[1]]):
            continue  # a number ("4.2", "11.0"), not a name
        # a list item must be a whole piece (not the start of a longer lowercase phrase)
        if text[span[0]:span[1]] != text[i:i + len(piece)].strip().rstrip(_SENT_END_PUNCT):
            break
        out.append(span)
    return out


_ADJ_ENDINGS = ("ible", "able", "ive", "al", "ic", "ous", "ful", "less", "ary", "ish")
_HYPHEN_DIGIT = re.compile(r"^[A-Za-z][\w.]*-\w*\d|^\d+[\w.]*-[A-Za-z]")


def _dataset_name_ok(words: list[str], ctx: _Ctx, gaz_types: dict[str, str]) -> bool:
    """Whether the capitalised words before "dataset / benchmark" look like a dataset name.

    A name shape (``SQuAD``, ``KITTI``, ``MS-COCO``, ``ImageNet-1K``, ``Places365``), a head the
    gazetteer knows as a dataset, or Title Case words that are not all common English words
    ("Visual Genome", "Yelp" yes; "Impossible Visual", "Diagnostic" no). Language names ("English") and
    names the gazetteer types as methods ("DNN") are rejected.
    """
    lows = [w.lower() for w in words]
    if all(w in ctx.languages or all(p in ctx.languages for p in w.split("-")) for w in lows):
        return False
    name = " ".join(words)
    key_t = gaz_types.get(entity_key(name)) if gaz_types else None
    if key_t is not None:
        return key_t == "dataset"
    if len(words) == 1 and ((gaz_types and gaz_types.get(entity_key(words[0])) == "method")
                            or (words[0].isupper() and words[0].endswith(ctx.m_suffix)
                                and not words[0].endswith(tuple(ctx.rules.dataset_name_suffixes)))):
        return False  # a method abbreviation ("DNN benchmark")
    head_t = gaz_types.get(entity_key(words[-1])) if gaz_types else None
    if head_t == "dataset":
        return True
    if any(is_name_shaped(w) or _HYPHEN_DIGIT.match(w) for w in words):
        return True
    if any("-" in w and all(p[:1].isupper() for p in w.split("-")) for w in words):
        return True  # "Replay-Attack"

    def common(w: str) -> bool:
        if w in ctx.ds_common or w in ctx.rules.stop or w.endswith(_ADJ_SUFFIXES):
            return True
        if "-" in w:
            return all(common(p) for p in w.split("-") if p)
        return len(w) > 4 and w.endswith(_ADJ_ENDINGS)

    return not all(common(w) for w in lows)


# the word after a list's last item, skipping one more item the list split could not take ("and GPT-2 models")
_NEXT_WORD = re.compile(r"(?:,?\s*(?:and|or|&)?\s*[A-Z0-9][\w\-\.]*)?,?\s*([A-Za-z]+)")


def _dataset_rules(text: str, st: DocState, ctx: _Ctx, anchors, gaz_types: dict[str, str] | None = None) -> None:
    r = ctx.rules
    # "the X dataset / benchmark"
    for a, _ in anchors["ds_cue"]:
        if a < 2 or text[a - 1] != " ":
            continue
        keep = []
        for _, _, w in _words_before(text, a - 1):
            wl = w.lower()
            if wl in r.stop and not is_name_shaped(w):
                break
            if not (is_capitalized(w) or w[0].isdigit()):
                break
            keep.append(w)
        if not keep:
            continue
        keep.reverse()
        while keep and keep[0][0].isdigit() and not is_name_shaped(keep[0]):
            keep.pop(0)
        if not keep:
            continue
        # a lone capitalised word at the start of a sentence ("Datasets ...") is not a name
        name_start = a - len(" ".join(keep)) - 1
        sent_start = st.sent_starts[sentence_index(st, name_start)] if st.sent_starts else 0
        if len(keep) == 1 and not is_name_shaped(keep[0]) and name_start <= sent_start + 1:
            continue
        name = " ".join(keep)
        if r.is_stop_name(name) or r.is_stop_name(keep[0]):
            continue
        if not _dataset_name_ok(keep, ctx, gaz_types):
            continue
        _add(st, Cand(name_start, name_start + len(name), "dataset", "dataset-cue", P_CONTEXT, STRONG))
    # "datasets (A, B and C)", "benchmarks such as A, B, C"
    for a, _ in anchors["ds_list"]:
        m = ctx.ds_list.match(text, a)
        if not m:
            continue
        lead = m.group("lead").lower()
        t = "task" if lead == "tasks" else "method" if lead in ctx.method_lead else "dataset"
        for s, e in _list_names(text, m.start("list"), m.end("list"), ctx):
            name = text[s:e]
            if r.is_stop_name(name) or (t == "method" and not is_name_shaped(name.split()[0])):
                continue
            _add(st, Cand(s, e, t, "dataset-list" if t != "method" else "method-list", P_CONTEXT, STRONG))
    # "evaluated on A, B and C"
    done = -1
    for a, _ in anchors["ds_on"]:
        if a < done:
            continue
        window = text[a:a + 72]
        if " on " not in window and " across " not in window and " over " not in window:
            continue
        m = ctx.ds_on.match(text, a)
        if not m:
            continue
        done = m.end()
        names = _list_names(text, m.start("list"), m.end("list"), ctx)
        nxt = _NEXT_WORD.match(text, names[-1][1]) if names else None
        if nxt and (nxt.group(1).lower() in ctx.method_lead or nxt.group(1).lower() + "s" in ctx.method_lead):
            continue  # "experiments on BERT, RoBERTa and GPT-2 models": a list of methods
        for s, e in names:
            name = text[s:e]
            if r.is_stop_name(name) or name.endswith(ctx.m_suffix) or name[0].isdigit():
                continue
            _add(st, Cand(s, e, "dataset", "dataset-on", P_CONTEXT - 5, STRONG))


_SHAPE_SUFFIX = re.compile(r"-(?:based|like|style|architecture|driven|free|aware|guided)$", re.I)
_ESC_TAIL = re.compile(r"\\_[\w+]+(?:[\-./][\w+]+)*(?![\w@]|-\w)")


def _shape_rule(text: str, st: DocState, ctx: _Ctx, gaz_types: dict[str, str], anchors) -> None:
    r = ctx.rules
    done = -1
    for a, ae in anchors:
        if a < done:
            continue
        start = a
        if text[a:ae] in _SIZE_TOKENS:
            if a < 3 or text[a - 1] != "-":
                continue
            b = _SIZE_BASE.search(text, max(0, a - 40), a)
            if not b:
                continue
            start = b.start()
        m = _SHAPE.match(text, start)
        if not m:
            continue
        end = m.end()
        while text.startswith("\\_", end):  # "Qwen2\_VL": an escaped underscore is an underscore
            x = _ESC_TAIL.match(text, end)
            if not x:
                break
            end = x.end()
        done = end
        name = text[m.start():end]
        sx = _SHAPE_SUFFIX.search(name)
        if sx:  # "NeRF-based", "GPT-4-like": the name is the part before the suffix, if it is one
            name = name[:sx.start()]
            rest = _SHAPE.match(name)
            if not rest or rest.end() != len(name):
                continue
            end = m.start() + len(name)
        if r.is_stop_name(name) or (name[-1] == "s" and name[:-1].isupper()):
            continue
        _add(st, Cand(m.start(), end, ctx.name_type(name, gaz_types), "shape", P_SHAPE, WEAK))


_TW_FULL = re.compile(_TW)


def _tail_hyphen_start(text: str, lo: int, p: int) -> int:
    """Start of ``_TAIL_HYPHEN.search(text, lo, p)`` (a word ending in the hyphen at ``p - 1``), or -1.

    Read backwards: the leftmost start is the first word character of the run of word characters
    (and inner ``-'/+``, and dots before a word character) that ends before the hyphen.
    """
    start = -1
    i = p - 2
    while i >= lo:
        c = text[i]
        if c.isalnum() or c == "_":
            start = i
        elif c == "." and i + 1 < p - 1:
            nxt = text[i + 1]
            if not (nxt.isalnum() or nxt == "_"):
                break
        elif c not in "-'/+":
            break
        i -= 1
    return start


@lru_cache(maxsize=200_000)
def _is_word(w: str) -> bool:
    return bool(_TW_FULL.fullmatch(w))


_WORD_OK: dict[str, bool] = {}


def _words_before(text: str, end: int, max_words: int = 5) -> list[tuple[int, int, str]]:
    """Up to ``max_words`` single-space-separated words ending at ``end``, nearest first, as (start, end, word)."""
    lo = end - 72 if end > 72 else 0
    out = []
    pos = end
    while len(out) < max_words:
        j = text.rfind(" ", lo, pos)
        if j < 0 and lo > 0:
            break  # (the first word of the window may be cut by it)
        w = text[j + 1:pos]
        if not w:
            break
        ok = _WORD_OK.get(w)
        if ok is None:
            if len(_WORD_OK) > 200_000:
                _WORD_OK.clear()
            ok = _WORD_OK[w] = _is_word(w)
        if not ok:
            break
        out.append((j + 1, pos, w))
        if j < 0:
            break  # the start of the text
        pos = j
    return out


# indices of _Ctx.word_features
(_F_WL, _F_BREAK, _F_TECH, _F_TASK_BAD, _F_METRIC_OK, _F_LEAD_BAD, _F_GENERIC_MOD, _F_GENERIC_TECH, _F_GENERIC_BREAK,
 _F_REJECT_OR_GENERIC, _F_BLOCK_BARE) = range(11)


def _head_rule(text: str, st: DocState, ctx: _Ctx, anchors) -> None:
    r = ctx.rules
    n = len(text)
    heads_by_last = ctx.heads_by_last
    stop = r.stop
    bare_ok = ctx.bare_ok
    head_types = ctx.head_types
    generic_heads = ctx.generic_heads
    wf = ctx.word_features
    wcache = ctx.word_feature_cache
    for a, ae in anchors:
        if ae < n and (text[ae] == "-" or text[ae].isalnum()):
            continue  # "detection-based"
        head = None
        for h in heads_by_last.get(text[a:ae].lower(), ()):
            hs = ae - len(h)
            if hs >= 0 and (hs == a or text[hs:ae].lower() == h) and (hs == 0 or not text[hs - 1].isalnum()):
                head = h
                break
        if head is None:
            continue
        # modifiers: the words before the head (hyphen-attached or space-separated), nearest first
        words: list[tuple[int, int, str]] = []
        p = hs
        if p > 0 and text[p - 1] == "-":
            hm = _tail_hyphen_start(text, max(0, p - 40), p)
            if hm < 0:
                continue
            words.append((hm, p - 1, text[hm:p - 1]))
            p = hm
        if p > 1 and text[p - 1] == " ":
            # cheap test of the nearest word first: most heads follow a function word ("the model")
            j = text.rfind(" ", 0, p - 1)
            prev = text[j + 1:p - 1].lower()
            if prev and prev not in stop:
                # (_head_start and _generic_start look at 3 words at most)
                words.extend(_words_before(text, p - 1, max_words=3))
            elif not words and head not in bare_ok:
                continue
        elif not words and head not in bare_ok:
            continue
        done = False
        for t in head_types.get(head, ()):
            start = _head_start(text, t, head, hs, words, r, wf, wcache)
            if start is not None:
                _add(st, Cand(start, ae, t, f"head-{t}", P_HEAD, WEAK))
                done = True
                break
        if not done and head in generic_heads:
            # "parsing algorithm", "object recognition tasks": a content-word phrase before a generic head noun
            t = generic_heads[head]
            if t == "task" and any(wf(w)[_F_REJECT_OR_GENERIC] for _, _, w in words[:3]):
                continue  # "fundamental vision problem", "major problems"
            start = _generic_start(words, wf)
            if start is not None:
                _add(st, Cand(start, ae, t, f"generic-{t}", P_SHAPE - 10, WEAK))


def _is_generic_mod(wl: str, generic_mods) -> bool:
    """``deep``, ``top``, ``proposed``, ``200-layer``: a modifier that does not make a name."""
    return wl in generic_mods or bool(_NUMBER_MOD.match(wl))


_NUMBER_MOD = re.compile(r"^\d[\d.,]*(?:[kmb]|-[a-z]+)?$")


def _generic_start(words, wf) -> int | None:
    """Start of "content words + generic head" ("parsing algorithm"); ``None`` when the modifiers are
    all generic ("top performing method", "deep learning method", "training procedure").
    ``wf`` gives the features of a word (:meth:`_Ctx.word_features`)."""
    taken = -1
    content = False
    for s, _e, w in words[:3]:
        f = wf(w)
        if f[_F_GENERIC_BREAK]:
            break
        taken = s
        content = content or not f[_F_GENERIC_MOD]
    return taken if taken >= 0 and content else None


_BLOCK_BARE_METRIC = {"full", "mixed", "half", "single", "double", "numerical", "arbitrary", "reduced", "floating",
                      "low", "lower", "high", "higher", "limited", "machine", "fp16", "fp32", "int8"}


_GENERIC_TECH = {"deep", "data", "machine", "large", "sequence", "linear", "dense", "fully", "wide", "vision", "visual",
                 "video", "image", "text", "speech", "audio", "multimodal", "multi-modal", "pretrained", "pre-trained",
                 "foundation", "point", "cloud"}
_ADJ_SUFFIXES = ("-based", "-like", "-aware", "-free", "-driven", "-guided", "-oriented", "-specific", "-level",
                 "-agnostic", "-style", "-scale", "-sized", "-size", "-wise", "-centric", "-dependent", "-independent",
                 "-invariant", "-enhanced", "-powered", "-assisted", "-inspired", "-related", "-friendly",
                 "-adaptive", "-efficient", "-intensive", "-critical", "-oriented", "-constrained")


_TECH_WORD_CACHE: dict[tuple[int, str], bool] = {}


def _technical_word(wl: str, r: Rules) -> bool:
    """A modifier that makes a technique name (``sparse`` convolution, ``multi-head`` attention)."""
    k = (id(r), wl)
    v = _TECH_WORD_CACHE.get(k)
    if v is None:
        if len(_TECH_WORD_CACHE) > 200_000:
            _TECH_WORD_CACHE.clear()
        v = _TECH_WORD_CACHE[k] = _technical_word_uncached(wl, r)
    return v


def _technical_word_uncached(wl: str, r: Rules) -> bool:
    if wl in r.tech_mods:
        return True
    if "-" in wl and not wl.endswith(_ADJ_SUFFIXES):
        return any(p in r.tech_mods and p not in _GENERIC_TECH for p in wl.split("-"))
    return False


def _looks_verb_or_plural(w: str) -> bool:
    """``helps`` / ``improves`` / ``images``: not a modifier of a head noun."""
    return len(w) > 3 and w[-1] == "s" and not w.endswith(("ss", "us", "is", "ous", "ics", "-s"))


def _head_start(text: str, t: str, head: str, hs: int, words, r: Rules, wf, cache: dict) -> int | None:
    """Start of the phrase ending in ``head`` (at ``hs``) for type ``t``, or ``None``.

    ``words`` are the words before the head, nearest first, as ``(start, end, word)``; ``wf`` gives the
    features of a word (:meth:`_Ctx.word_features`), ``cache`` holds those already computed.
    """
    max_mods = 2 if t == "metric" else 3
    taken: list[tuple[int, tuple]] = []  # (start, features), nearest first
    for s, e, w in words:
        if len(taken) >= max_mods:
            break
        f = cache.get(w) or wf(w)
        if f[_F_BREAK]:
            break
        if t == "method":
            if not (f[_F_TECH] or (e == hs - 1 and text[e] == "-")):  # (or attached: "self-" of "self-attention")
                break
        elif t == "task":
            if f[_F_TASK_BAD]:
                break  # "degrade generation", "profound understanding", verbs, plurals, names
        elif not f[_F_METRIC_OK]:
            break
        taken.append((s, f))
    if t == "task":
        k = len(taken)
        while k and taken[k - 1][1][_F_LEAD_BAD]:  # (a bad leading modifier: "various segmentation")
            k -= 1
        if not k and head not in r.task_standalone:
            return None
        start = taken[k - 1][0] if k else hs
        if text[start:hs + len(head)].lower() in r.task_non_tasks:
            return None
        return start
    if t == "method":
        if taken and (text[hs].isupper() or head in r.tech_need_name) and all(f[_F_GENERIC_MOD] for _, f in taken):
            return None  # "deep Transformer", "200-layer model" (but "deep learning" is a term)
        if head in r.tech_need_name:
            if not any(not f[_F_GENERIC_TECH] for _, f in taken):
                return None
        elif not taken and head not in r.tech_standalone:
            return None
        return taken[-1][0] if taken else hs
    # metric
    if not taken:
        if head not in r.metric_bare:
            return None
        if words and wf(words[0][2])[_F_BLOCK_BARE]:
            return None
        return hs
    return taken[-1][0]
