"""Context rules: names that no list knows, found by the words around them.

The word lists come from ``extract/patterns/rules.json``. Each rule adds
:class:`~extract.components.state.Cand` objects (and, for proposal cues,
*proposal slots*: char offsets where the name of the paper's own contribution
starts).

Speed: big word alternations in Python regexes are slow when scanned over a
whole text, so the rules start from *anchor tokens*: cue words, head words,
name / metric shapes and the word "our". The rank (``ID``) of a lexeme, set
once per distinct word by the vocab (:class:`_Ranker`), is 0 for other words
and for an anchor word indexes what each rule needs of it (its lists, its head
records, a regex for its list lead): a document's anchor tokens and their
records come out of the ``ID`` column (which the sentence component reads with
the offsets) and list reads. The rules then work only at those positions (a regex matched there, a
few words read backwards from there), and what they decide about a word, a
name or a list item is cached per string (these recur across papers).
Rules:

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
from bisect import bisect_left, bisect_right
from functools import lru_cache, partial
from itertools import compress
from operator import attrgetter, itemgetter

from spacy.attrs import ID
from spacy.language import Language
from spacy.tokens import Doc

from extract.canonical import entity_key, family_of
from extract.components.rules import Rules
from extract.components.state import (
    AMBIGUOUS_RULE,
    CUE_RULES,
    GAZ_RULE,
    P_CONTEXT,
    P_HEAD,
    P_METRIC,
    P_SHAPE,
    STRONG,
    WEAK,
    Cand,
    DocState,
    Memo,
    cand_at,
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


def _urls(text: str) -> list[tuple[int, int]]:
    """The spans of ``_URL.finditer(text)``, tried only where ``http`` or ``www.`` starts (a regex that starts
    with an alternation is tried at every position; ``str.find`` skips to the candidates)."""
    out = []
    for lit in ("http", "www."):
        i = text.find(lit)
        while i >= 0:
            m = _URL.match(text, i)
            if m:
                out.append(m.span())
                i = text.find(lit, m.end())
            else:
                i = text.find(lit, i + 1)
    if len(out) > 1:
        out = _disjoint(sorted(out))
    return out


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that a left-to-right scan keeps from sorted ``spans``: each one starting after the last kept ends."""
    out = []
    end = -1
    for s, e in spans:
        if s >= end:
            out.append((s, e))
            end = e
    return out


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
# one regex for the two (a match of the first alternative is a top-k metric, as _TOPK_RX.match)
_TOPK_OR_METRIC = re.compile(f"(?P<topk>{_TOPK_RX.pattern})|{_METRIC_RX.pattern}")


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
    The same backward step (white space, then letters) reads the adverb and the subject.
    """
    lo = a - 45 if a > 45 else 0
    end = a
    if a > 2 and text[a - 1] == " " and not text[a - 2].isspace():  # (most often: one space, a word of letters)
        j = text.rfind(" ", lo, a - 1)
        word = text[j + 1:a - 1]
        if j >= lo and word.isalpha():  # (the backward steps below read this word: a space before it)
            if word in _SUBJECTS:
                return True
            if word not in _SUBJECT_ADVERBS:
                return False
            end = j + 1
    while True:
        k = end
        while k > lo and text[k - 1].isspace():
            k -= 1
        if k == end:
            return False
        s = k
        while s > lo and text[s - 1].isalpha():
            s -= 1
        word = text[s:k]
        if word in _SUBJECTS:
            return s == 0 or not (text[s - 1].isalnum() or text[s - 1] == "_")
        if end != a or word not in _SUBJECT_ADVERBS:
            return False  # (one adverb at most; the word sets are disjoint)
        end = s


_AFTER_NAME = re.compile(r"\s*(?:\([^()]*\)\s*)?,?\s*(?:(?:is|was)\s+)?(?:a|an|the)\s+")
_APPOSITIVE = re.compile(r",\s+(?:(?:is|was)\s+)?(?:a|an|our)\s+")
# "\s+is\s+(?:a|an)\s+(?:novel|new)\b", found from its literal "is" (a pattern that starts with \s+ is
# tried at every space); see _is_a_starts
_IS_A = re.compile(r"is(?<=\sis)\s+(?:a|an)\s+(?:novel|new)\b")
# "\b[Oo]ur\s+(?:proposed\s+|new\s+|novel\s+)?" as two regexes with a literal prefix (fast to search)
_OUR = tuple((w, re.compile(w + r"(?<!\w...)\s+(?:proposed\s+|new\s+|novel\s+)?")) for w in ("our", "Our"))
# the two as one, tried at the tokens that end in the word "our" (_OUR_TOKEN: the token's text)
_OUR_AT = re.compile("[Oo]" + _OUR[0][1].pattern[1:])
_OUR_TOKEN = re.compile(r"(?<!\w)[Oo]ur$")


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
            rf"(?:,\s*|\s+)(?:(?:{'|'.join(_NAMING_WORD_LIST)})\s+)?[\"“'‘]?(?P<name>{_NAME})",
        )
        self.head_last_words = frozenset(h.split()[-1] for h in r.appositive_heads)  # (see _head_word_after)
        self._head_words = Memo(self._is_head_word_uncached)
        self.app_fwd = re.compile(rf"(?P<mods>(?:[\w\-]+\s+){{0,5}}?)(?P<head>{heads})s?\b", re.I)
        # the same without re.I, for an ASCII text made lower case (heads are lower case): a case-insensitive
        # alternation of words is tried word by word, a case-sensitive one skips the words that start otherwise
        self.app_fwd_lower = re.compile(self.app_fwd.pattern)
        self.title = re.compile(r"^\s*(?P<prefix>[^:\n]{1,80}?)\s*:\s*(?=\S)")
        self.method_lead = {w.lower() for w in r.raw.get("method_list_lead", [])}
        self.list_lead = {"datasets", "benchmarks", "corpora", "tasks"} | self.method_lead
        leads = _rx_words(self.list_lead)
        self.ds_list = re.compile(
            rf"(?P<lead>{leads})\s*(?:,\s*)?(?:\(\s*|such\s+as\s+|including\s+|like\s+|namely\s+|:\s*|e\.g\.,?\s+|i\.e\.,?\s+)"
            rf"(?P<list>{_NAME}(?:\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+){_NAME}){{0,12}})",
            re.I,
        )
        # the same regex for one lead word: only the leads that can match where that word starts (the word and
        # the leads that start with it, longest first)
        by_len = sorted(self.list_lead, key=len, reverse=True)
        self.ds_list_for = {
            w: re.compile(self.ds_list.pattern.replace(f"(?P<lead>{leads})", "(?P<lead>{})".format(
                "|".join(re.escape(x) for x in by_len if x.startswith(w) or w.startswith(x)))), re.I)
            for w in self.list_lead}
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
        self.head_records = {w: tuple(_Head(h, self) for h in hs) for w, hs in self.heads_by_last.items()}

        # anchor kinds of cue words (lower case) -> set of kinds
        kinds: dict[str, set[str]] = {}
        for kind, words in (("head", self.heads_by_last), ("naming", self.naming_first),
                            ("proposal", self.proposal_first), ("ds_cue", self.ds_cues),
                            ("ds_list", self.list_lead), ("ds_on", _DS_ON_TRIGGERS)):
            for w in words:
                kinds.setdefault(w, set()).add(kind)
        self.cue_kinds = {w: tuple(sorted(k)) for w, k in kinds.items()}
        # per-word / per-phrase memos (see the methods of the same names)
        self._word_features = Memo(self._word_features_uncached, 200_000)
        self.word_feature_cache = self._word_features  # (read directly in hot loops)
        self._trimmed = Memo(self._trim_name_uncached)
        self._list_items = Memo(partial(_list_item, rules=r))
        self._name_words = Memo(self._name_word_uncached, 200_000)
        self._by_gaz: dict[str, tuple[dict | None, Memo]] = {}  # memos that depend on the gazetteer's types

    def _gaz_memo(self, which: str, gaz_types: dict | None, fn) -> Memo:
        """The memo ``which`` of ``fn(key, self, gaz_types)``, started afresh for another ``gaz_types`` dict."""
        held = self._by_gaz.get(which)
        if held is None or held[0] is not gaz_types:
            held = self._by_gaz[which] = (gaz_types, Memo(partial(fn, ctx=self, gaz_types=gaz_types)))
        return held[1]

    def name_type(self, name: str, gaz_types: dict | None) -> str:
        """:func:`name_type` of ``name`` with these rules, cached per name (for one ``gaz_types`` dict)."""
        return self._gaz_memo("name_type", gaz_types, _name_type_in)[name]

    def shape_name(self, raw: str, gaz_types: dict | None) -> tuple[int, str, tuple] | None:
        """:func:`_shape_name` of ``raw``, cached per string (for one ``gaz_types`` dict)."""
        return self._gaz_memo("shape_name", gaz_types, _shape_name)[raw]

    def chunk_cache(self, gaz_types: dict | None) -> Memo:
        """The memo of :meth:`chunk_shapes` for ``gaz_types`` (to read directly in a loop; ``get`` gives
        ``None`` for a chunk not seen yet)."""
        return self._gaz_memo("chunk_shapes", gaz_types, _chunk_shapes)

    def chunk_shapes(self, chunk: str, gaz_types: dict | None) -> tuple[int, tuple[int, str, tuple] | None, int, bool]:
        """:func:`_chunk_shapes` of ``chunk``, cached per string (for one ``gaz_types`` dict)."""
        return self.chunk_cache(gaz_types)[chunk]

    def trim_name(self, phrase: str, need_shape: bool, max_words: int) -> tuple[int, int] | None:
        """:func:`_trim_name` of ``phrase`` with these rules, cached per phrase (a name the rules matched)."""
        return self._trimmed[phrase, need_shape, max_words]

    def _trim_name_uncached(self, key: tuple[str, bool, int]) -> tuple[int, int] | None:
        return _trim_name(key[0], self.rules, key[1], key[2])

    def list_item(self, piece: str) -> tuple[int, int] | tuple[()] | None:
        """:func:`_list_item` of ``piece`` with these rules, cached per piece (a list item)."""
        return self._list_items[piece]

    def dataset_name_ok(self, name: str, gaz_types: dict | None) -> bool:
        """:func:`_dataset_name_ok` of the words of ``name`` (joined by single spaces), cached per name (for one
        ``gaz_types`` dict): the names before "dataset" / "benchmark" recur across papers."""
        return self._gaz_memo("dataset_name_ok", gaz_types, _dataset_name_ok_of)[name]

    def title_name(self, name: str, gaz_types: dict | None) -> tuple[bool, int, str] | None:
        """:func:`_title_name` of ``name``, cached per name (for one ``gaz_types`` dict)."""
        return self._gaz_memo("title_name", gaz_types, _title_name)[name]

    def name_word(self, w: str) -> bool:
        """Whether ``w`` (a chunk between spaces) is a word that can be part of a name: capitalised, name-shaped
        or starting with a digit, and not a stop word (unless name-shaped). Cached per word."""
        return self._name_words[w]

    def is_head_word(self, w: str) -> bool:
        """Whether the chunk ``w`` (between white space), up to its first comma, is the last word of an appositive
        head or it and an "s" (the test of :func:`_head_word_after`). Cached per chunk."""
        return self._head_words[w]

    def _is_head_word_uncached(self, w: str) -> bool:
        w = w.partition(",")[0]
        last = self.head_last_words
        return w in last or (w[-1:] == "s" and w[:-1] in last)

    def _name_word_uncached(self, w: str) -> bool:
        return (_is_word(w) and (is_capitalized(w) or w[0].isdigit())
                and not (w.lower() in self.rules.stop and not is_name_shaped(w)))

    def word_features(self, w: str) -> tuple:
        """Features of a modifier word ``w`` for the head rule (see the ``_F_*`` indices), cached per word."""
        return self._word_features[w]

    def _word_features_uncached(self, w: str) -> tuple:
        r = self.rules
        wl = w.lower()
        keep = wl in r.task_keep_mods
        verb_or_plural = _looks_verb_or_plural(wl)
        shaped = is_name_shaped(w)
        f = (
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
        word = bool(_TW_FULL.fullmatch(w))
        # _F_WORD, _F_STOP, _F_CONT, _F_NO_MOD (a stop word or no word: the head rule takes no modifier),
        # _F_MOD_CONT (_F_CONT, 0 when the head rule takes no modifier), _F_MOD_BLOCK (_F_BLOCK_BARE of a modifier)
        no_mod = wl in r.stop or not word
        cont = _continuations(f)
        return f + (word, wl in r.stop, cont, no_mod, 0 if no_mod else cont, not no_mod and f[_F_BLOCK_BARE])

    def anchor_flag(self):
        """Whether a token text is an anchor (see :class:`_Ranker`): a cue word, a name / metric shape or a token
        ending in the word "our"."""
        cues = self.cue_kinds
        return lambda s: s.lower() in cues or _is_shape_token(s) or bool(_OUR_TOKEN.search(s))

    def orth_info(self, s: str) -> tuple[tuple | None, tuple[tuple[int, object], ...]]:
        """``(head, lists)`` of an anchor token with the text ``s``: ``(length, single, heads)`` when it ends
        heads (the heads, longest first, and the first of them if it is the token itself; read by the head rule
        from all anchors, see :func:`_head_rule`), and the other anchor lists it goes to,
        as ``(index, extra)`` (index in ``_ANCHOR_KINDS``; the list gets ``(start, extra)`` of the token).
        ``extra`` is what the rule of the list needs of the word: whether it is a model-size token (``B`` of
        ``ViT-B``) for the shape list, the token's length for the naming and "our" lists, ``(regex, length)``
        for the dataset-list list (the dataset-list regex of the lead word), else ``None``."""
        low = s.lower()
        kinds = self.cue_kinds.get(low, ())
        extras = {"naming": len(s), "ds_list": (self.ds_list_for.get(low), len(s))}
        lists = tuple((_ANCHOR_KINDS.index(k), extras.get(k)) for k in _ANCHOR_KINDS if k in kinds)
        if _OUR_TOKEN.search(s):
            lists += ((_ANCHOR_KINDS.index("our"), len(s)),)
        if _is_shape_token(s):
            lists += ((_ANCHOR_KINDS.index("shape"), s in _SIZE_TOKENS),)
        head = None
        if "head" in kinds:
            heads = self.head_records[low]
            head = (len(s), heads[0] if heads[0].length == len(s) else None, heads)
        return head, lists


def _name_type_in(name: str, ctx: _Ctx, gaz_types: dict | None) -> str:
    """:func:`name_type` of ``name`` with the rules of ``ctx`` (the signature of the other memoised functions)."""
    return name_type(name, ctx.rules, gaz_types)


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

    def initialize(self, get_examples=None, *, nlp: Language | None = None, rules: Rules | None = None,
                   gaz_types: dict[str, str] | None = None) -> None:
        nlp = nlp or self.nlp
        self.ctx = _Ctx(rules or Rules.load())
        self.gaz_types = dict(gaz_types or {})
        self._rank_words(nlp.vocab)

    def _rank_words(self, vocab) -> None:
        """Rank every lexeme of ``vocab`` now, and every new one when the vocab makes it (a :class:`_Ranker`
        as the vocab's attribute getter of ``ID``): see :class:`_Ranker`."""
        self._ranker = ranker = _Ranker(self.ctx)
        vocab.lex_attr_getters[ID] = ranker
        for lex in vocab:
            lex.rank = ranker(lex.orth_)

    def __call__(self, doc: Doc) -> Doc:
        if self.ctx is None:
            self.initialize()
        ranker = self._ranker
        if doc.vocab.lex_attr_getters.get(ID) is not ranker:  # (another component ranked the words, or unpickled)
            self._rank_words(doc.vocab)
            ranker = self._ranker
        st = get_state(doc)
        # the ranks the sentence component read with the offsets, if this ranker had ranked the words then (the
        # sentence component reads a whole batch before this component ranks the words of its first document)
        ranks = st.tok_rank if st.tok_rank_by is ranker else None
        text = st.text
        urls = _urls(text)
        if urls or st.urls:
            st.urls = urls
        if not len(doc):
            return doc
        idx, _ = token_table(doc, st)
        lists: list[list] = [*map(list, _NO_ANCHORS)]  # (C calls: a comprehension is a function call)
        adds = [*map(_APPEND, lists)]
        if ranks is None or len(ranks) != len(doc):
            ranks = doc.to_array(ID)
        nz_arr = ranks.nonzero()[0]
        nz = nz_arr.tolist()
        if len(nz) > 1:
            rs = ranks[nz_arr].tolist()
            starts = itemgetter(*nz)(idx)
            kinds = itemgetter(*rs)(ranker.kinds)
            heads = itemgetter(*rs)(ranker.heads)
        else:
            starts = [idx[i] for i in nz]
            kinds = [ranker.kinds[r] for r in ranks[nz_arr].tolist()]
            heads = [ranker.heads[r] for r in ranks[nz_arr].tolist()]
        # (the anchors of other lists than the head list's, and those that end heads: a third of all tokens)
        for s, ks in zip(compress(starts, kinds), filter(None, kinds), strict=True):
            for k, extra in ks:
                adds[k]((s, extra))
        anchors = dict(zip(_ANCHOR_KINDS, lists, strict=True))
        anchors["head"] = zip(compress(starts, heads), filter(None, heads), strict=True)
        find_context(text, st, self.ctx, self.gaz_types, anchors)
        return doc


class _Ranker:
    """The ``ID`` (rank) of a word for the context rules: a lexeme attribute getter of the vocab, so computed once
    per distinct word, when the vocab makes its lexeme. An anchor word (a cue word, a name / metric shape or a
    token ending in the word "our": :meth:`_Ctx.anchor_flag`) gets the index in :attr:`heads` and :attr:`kinds`
    of what the rules need of it (the two parts of its :meth:`_Ctx.orth_info`), any other word 0. A document's
    anchor tokens and their records then come from the ``ID`` column (read by the sentence component in its
    ``doc.to_array``, :attr:`DocState.tok_rank`) and list reads (no lookup by
    ``ORTH`` id, whose cache misses cost more than the rest of the preparation). spaCy keeps the row of a
    word's vector in the rank: the pipeline has no vectors (and sets no other getter of ``ID``).

    The component checks that the vocab's getter is its own ranker before it reads ranks (another component may
    have ranked the words since, or the vocab was unpickled): else it ranks the words again. A pickled ranker
    comes back empty (it gives no rank: the lexemes made before the component ranks the words again keep spaCy's
    rank), so that pickling the vocab's getters does not pickle the rules.
    """

    __slots__ = ("heads", "kinds", "anchor", "orth_info")

    def __init__(self, ctx: _Ctx | None = None) -> None:
        # rank -> the two parts of the orth_info of the word (rank 0: not an anchor)
        self.heads: list | None = [None] if ctx else None
        self.kinds: list | None = [()] if ctx else None
        self.anchor = ctx.anchor_flag() if ctx else None
        self.orth_info = ctx.orth_info if ctx else None

    def __call__(self, s: str) -> int | None:
        heads = self.heads
        if heads is None:
            return None
        if not self.anchor(s):
            return 0
        head, kinds = self.orth_info(s)
        heads.append(head)
        self.kinds.append(kinds)
        return len(heads) - 1

    def __reduce__(self):
        return _Ranker, ()


# anchor lists: each holds (start, extra) of the tokens, extra as _Ctx.orth_info says (the shape and the metric
# rules read the shape list; the head rule reads (start, head) of the anchors that end heads, head as
# _Ctx.orth_info says)
_ANCHOR_KINDS = ("naming", "proposal", "ds_cue", "ds_list", "ds_on", "our", "shape")
_NO_ANCHORS = ((),) * len(_ANCHOR_KINDS)  # (one empty list each is made of these)
_APPEND = attrgetter("append")


# --- helpers ------------------------------------------------------------------------


def _strip_name(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in _SENT_END_PUNCT + "'\"”’":
        end -= 1
    while start < end and text[start] in "\"“'‘":
        start += 1
    return start, end


def _trim_name_words(text: str, start: int, end: int, ctx: _Ctx, need_shape: bool = True,
                     max_words: int = 5) -> tuple[int, int] | None:
    """Keep the leading run of capitalised / name-shaped words of ``text[start:end]`` (see :func:`_trim_name`)."""
    rel = ctx.trim_name(text[start:end], need_shape, max_words)
    return (start + rel[0], start + rel[1]) if rel else None


def _trim_name(phrase: str, rules: Rules, need_shape: bool, max_words: int) -> tuple[int, int] | None:
    """The span (in ``phrase``) of its leading run of capitalised / name-shaped words, or ``None``.

    At most ``max_words`` words; quotes and end punctuation are stripped; stop words end the run; a lone word
    must be name-shaped if ``need_shape``; stop names give ``None``.
    """
    start, end = _strip_name(phrase, 0, len(phrase))
    words = list(_NON_SPACE_RUN.finditer(phrase[start:end]))
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
    name = phrase[s:e]
    if rules.is_stop_name(name) or rules.is_stop_name(keep[0][1]):
        return None
    return s, e


class _Out:
    """Where the rules of one document put what they find: candidates and proposal slots.

    The rules append candidates to :attr:`found` (``add`` is its bound ``append``: one C call per candidate) as
    ``(start, end, fields)``, ``fields`` the other :class:`Cand` arguments (:func:`_fields`; the frequent ones are
    made once: a head's, a shape's). :meth:`flush` then keeps those that are not empty, overlap no URL and cross
    no sentence boundary (one bisect on the sentence starts; URLs, sorted and disjoint, by one bisect on their
    starts) and makes them :class:`Cand` objects (:func:`cand_at`: no ``__init__`` call), in order. It leaves
    out a candidate that normalisation would always discard, whatever candidates come later: one with the span
    of a strong candidate before it (the gazetteer's, or one kept here) that it cannot beat (:func:`_loses_to`;
    half of the candidates of these rules). The candidates before it are looked up by their start (one dict
    lookup each; where two candidates start at one place, one of them is compared).
    """

    __slots__ = ("cands", "slots", "sent_starts", "urls", "found", "add")

    def __init__(self, st: DocState, urls: list[tuple[int, int]]) -> None:
        self.cands = st.cands
        self.slots = st.proposal_slots
        self.sent_starts = st.sent_starts
        self.urls = urls
        self.found: list[tuple] = []
        self.add = self.found.append

    def flush(self) -> None:
        """Add the candidates found to the document's candidates (see the class docstring)."""
        append = self.cands.append
        found = self.found
        urls = self.urls
        if len(urls) == 1:  # (most often: one URL, the test of _in_url inline)
            us, ue = urls[0]
            found = [c for c in found if not (c[0] < ue and us < c[1])]
        elif urls:
            url_starts = [s for s, _ in urls]
            url_ends = [e for _, e in urls]
            found = [c for c in found if not _in_url(c[0], c[1], url_starts, url_ends)]
        starts = self.sent_starts or [0]  # (no sentences: no boundary; 0 starts no candidate after it)
        n = len(starts)
        cands = self.cands
        at = {c.start: c for c in cands}  # start -> a candidate starting there (the last)
        for start, end, fields in found:
            if end > start:
                g = at.get(start)
                if g is not None and g.end == end and (
                        (fields[3] == WEAK and g.rule == GAZ_RULE and g.strength == STRONG)  # (most often)
                        or _loses_to(fields, g)):
                    continue
                i = bisect_right(starts, start)
                if i == n or starts[i] >= end:
                    c = cand_at(start, end, fields)
                    append(c)
                    if fields[3] == STRONG and (g is None or g.end != end):
                        at[start] = c
        self.found = []
        self.add = self.found.append


# the prefixes of the rules whose type normalisation reads when their candidate ends where the long form of an
# abbreviation pair ends (the first one; see Normaliser._pair_type)
_TYPE_RULES = ("head", GAZ_RULE)


def _loses_to(fields: tuple, g: Cand) -> bool:
    """Whether a candidate (``fields``: the :class:`Cand` arguments after the span) with the span of the candidate
    ``g`` that comes before it in ``DocState.cands`` is discarded by normalisation whatever else is there, and is
    read by nothing else: leaving it out changes no mention.

    Only a strong ``g`` can make a candidate lose, and not an ambiguous gazetteer name (it may go for lack of
    support). The overlap resolution (``normalise.resolve_overlaps``) takes strong candidates before weak ones,
    longer before shorter, then higher priority, then in list order. A weak candidate on a strong one's span is its
    twin, never its replacement; if the strong one was taken the weak one goes, and if it was not, a strong
    candidate at least as long overlapping it was taken, one the weak candidate does not contain and cannot
    replace. A strong candidate that ranks below ``g`` goes with it too. Normalisation also reads candidates before
    that: the type of the first cue candidate (``CUE_RULES``) or first candidate on a form of an abbreviation
    pair, or the first head or gazetteer candidate (``_TYPE_RULES``) ending where the long form ends (``g`` comes
    first: it must be of such a rule too), and which (sentence, type) holds a strong candidate (the support of
    ambiguous names: same type).
    """
    if g.strength != STRONG or g.rule == AMBIGUOUS_RULE:
        return False
    rule = fields[1]
    if rule.startswith(_TYPE_RULES) and not g.rule.startswith(_TYPE_RULES):
        return False
    if fields[3] != STRONG:
        return True
    return (fields[0] == g.type and fields[2] <= g.prio
            and (rule not in CUE_RULES or g.rule in CUE_RULES))


def _fields(type_: str, rule: str, prio: int, strength: int, proposed: bool = False) -> tuple:
    """The :class:`Cand` arguments after the span (as :func:`cand_at` takes them) of a candidate of the context
    rules: no key, canonical form, family or entry; ``proposed`` for the name of what the paper proposes."""
    return type_, rule, prio, strength, None, None, None, proposed, None


def _in_url(start: int, end: int, url_starts: list[int], url_ends: list[int]) -> bool:
    """Whether ``start:end`` overlaps one of the URLs (sorted, disjoint; given by their starts and ends)."""
    i = bisect_left(url_starts, end)  # the URLs that start before ``end``; the last ends last
    return bool(i) and start < url_ends[i - 1]


def _type_near(text: str, pos: int, rules: Rules, window: int = 50) -> str | None:
    """Type named by an appositive head noun just before ``pos`` ("a new dataset called X")."""
    before = text[max(0, pos - window):pos].lower()
    best = None
    best_at = -1
    heads = rules.appositive_heads
    for head in filter(before.__contains__, heads):  # (the others: rfind gives -1, not after best_at)
        i = before.rfind(head)
        if i > best_at and (i == 0 or not before[i - 1].isalpha()):
            best, best_at = heads[head], i
    return best


# --- the rules -------------------------------------------------------------------


def find_context(text: str, st: DocState, ctx: _Ctx, gaz_types: dict[str, str],
                 anchors: dict[str, list]) -> None:
    """Run every context rule over ``text`` and add candidates / proposal slots to ``st``.

    ``anchors`` maps an anchor kind (see ``_ANCHOR_KINDS``, and ``"head"``) to what the rule of that kind reads
    of its anchor tokens.
    """
    out = _Out(st, st.urls)
    _title_rule(text, st, out, ctx, gaz_types)
    _naming_rules(text, out, ctx, gaz_types, anchors)
    _dataset_rules(text, st, out, ctx, anchors, gaz_types)
    metrics = _shape_rule(text, out, ctx, gaz_types, anchors["shape"])
    _head_rule(text, out, ctx, anchors["head"])
    for s, e, prio in metrics:  # (the metric rule: found by the shape scan, added after the head rule)
        out.add((s, e, _METRIC_FIELDS[prio]))
    out.flush()


# the fields of a metric shape by its priority (a metric shape, a top-k metric)
_METRIC_FIELDS = {p: _fields("metric", "metric-shape", p, STRONG) for p in (P_METRIC, P_METRIC + 1)}

# "metric" / "measure" as the head noun of the first noun phrase after the colon
_TITLE_METRIC_HEAD = re.compile(r"(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,4}?(?:metric|measure)s?(?:\s+(?:for|of|to|that|which|based)\b|\s*$|[,.])")


def _title_rule(text: str, st: DocState, out: _Out, ctx: _Ctx, gaz_types: dict[str, str]) -> None:
    """The title prefix ``SparK: ...`` (see :func:`_title_name`), and the same name in the abstract."""
    if st.title_end <= 0:
        return
    title = text[:st.title_end]
    if ":" not in title:
        return  # (the title regex needs a colon)
    m = ctx.title.match(title)
    if not m:
        return
    s, e = m.span("prefix")
    name = title[s:e]
    checked = ctx.title_name(name, gaz_types)
    if checked is None:
        return
    shaped, n_words, t = checked
    # plain capitalised words ("Predictable Scale: ...") name the method only if the abstract repeats them
    if not shaped and (n_words > 3 or text.find(name, st.abstract_start) < 0):
        return
    rest = " ".join(title[m.end():].lower().split()[:8])
    if _DATASET_WORD.search(rest):
        t = "dataset"
    elif ("metric" in rest or "measure" in rest) and _TITLE_METRIC_HEAD.match(rest):
        t = "metric"  # "X: A Metric for ..." (the head noun), not "X: Sharp Metric Depth ..." (an adjective)
    out.add((s, e, _fields(t, "title", P_CONTEXT, STRONG, True)))
    out.slots.append((s, e))
    # the same name in the abstract
    fields = _fields(t, "title-propagated", P_CONTEXT, STRONG, True)
    for a in find_word(text, name):
        if a >= st.abstract_start:
            out.add((a, a + len(name), fields))


_TITLE_CONNECTORS = frozenset(("and", "of", "for", "the", "with", "in", "as", "a", "to", "is", "on", "at", "by", "&"))


def _title_name(name: str, ctx: _Ctx, gaz_types: dict[str, str]) -> tuple[bool, int, str] | None:
    """``(name-shaped, number of words, type)`` of a title prefix that can name the paper's method, else ``None``.

    One to five words, not starting with a stop word of titles ("Towards", "Rethinking"), capitalised words
    and connectors ("of", "for") ending in a capitalised word, and not a stop name.
    """
    r = ctx.rules
    words = name.split()
    if not 1 <= len(words) <= 5 or words[0].lower().strip("\"'") in r.title_stop_first:
        return None
    if not all(is_capitalized(w) or w.lower() in _TITLE_CONNECTORS or w[0].isdigit() for w in words):
        return None
    if not is_capitalized(words[-1]):
        return None
    if r.is_stop_name(name):
        return None
    return any(is_name_shaped(w) for w in words), len(words), ctx.name_type(name, gaz_types)


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


def _name_before(text: str, end: int, ctx: _Ctx) -> tuple[int, int] | None:
    """The name (capitalised / name-shaped words) that ends at ``end``."""
    keep = _name_words_before(text, end, ctx)
    if not keep:
        return None
    if len(keep) < 2 and not is_name_shaped(keep[0][1]):
        return None
    s, first = keep[-1]
    e = keep[0][0] + len(keep[0][1])
    rules = ctx.rules
    if rules.is_stop_name(text[s:e]) or rules.is_stop_name(first):
        return None
    return s, e


def _name_words_before(text: str, end: int, ctx: _Ctx) -> list[tuple[int, str]]:
    """``(start, word)`` of the run of name words (:meth:`_Ctx.name_word`) that ends at ``end``, nearest first.

    Words are separated by single spaces and start after ``end - 72`` (a word cut by that window ends the run);
    at most five.
    """
    lo = end - 72 if end > 72 else 0
    out = []
    pos = end
    name_word = ctx._name_words.__getitem__  # (ctx.name_word: its memo's lookup, one C call)
    while len(out) < 5:
        j = text.rfind(" ", lo, pos)
        if j < 0 and lo > 0:
            break  # (the first word of the window may be cut by it)
        w = text[j + 1:pos]
        if not w or not name_word(w):
            break
        out.append((j + 1, w))
        if j < 0:
            break  # the start of the text
        pos = j
    return out


def _naming_rules(text: str, out: _Out, ctx: _Ctx, gaz_types: dict[str, str], anchors) -> None:
    """The naming, proposal, appositive and "X is a new ..." rules, then other occurrences of what they found."""
    found: list[tuple[int, int, str, bool, str]] = []  # (start, end, type, proposed, rule)
    if anchors["naming"]:  # (the rules of anchor lists are not called for an empty list)
        _naming_cue_rule(text, out, ctx, gaz_types, anchors["naming"], found)
    if anchors["proposal"]:
        _proposal_rule(text, out, ctx, gaz_types, anchors["proposal"], found)
    if anchors["our"]:
        _our_slots(text, out, anchors["our"])
    _appositive_rule(text, out, ctx, found)
    _is_a_rule(text, out, ctx, gaz_types, found)
    if found:
        _propagate(text, out, found)


def _naming_cue_rule(text: str, out: _Out, ctx: _Ctx, gaz_types: dict[str, str], anchors, found: list) -> None:
    """``called / dubbed / named / termed X``."""
    r = ctx.rules
    for a, length in anchors:
        m = ctx.naming.match(text, a)
        if not m:
            continue
        if text[a:a + length].lower() in _NEEDS_AS and not m.group("as"):
            continue
        span = _trim_name_words(text, m.start("name"), m.end("name"), ctx)
        out.slots.append((m.start("name"), m.start("name")))
        if span:
            t = _type_near(text, a, r) or ctx.name_type(text[span[0]:span[1]], gaz_types)
            found.append((span[0], span[1], t, True, "naming"))


# the start of ctx.proposal_head (a verb and an article): a small regex that fails fast where the big one cannot match
_VERB_DET = re.compile(r"[A-Za-z]+(?:\s+forward)?\s+(?:a|an|the)\s")


def _proposal_rule(text: str, out: _Out, ctx: _Ctx, gaz_types: dict[str, str], anchors, found: list) -> None:
    """``we propose / introduce / present X``; ``we propose a new benchmark, X``."""
    r = ctx.rules
    for a, _ in anchors:
        if _subject_before(text, a):
            m = ctx.proposal.match(text, a)
            if m:
                out.slots.append((m.start("slot"), m.start("slot")))
                if m.group("name"):
                    span = _trim_name_words(text, m.start("name"), m.end("name"), ctx)
                    if span:
                        t = ctx.name_type(text[span[0]:span[1]], gaz_types)
                        ta = _AFTER_NAME.match(text, span[1])
                        if ta:
                            t = _np_head_type(text, ta.end(), r) or t
                        found.append((span[0], span[1], t, True, "proposal"))
        vd = _VERB_DET.match(text, a)
        mh = ctx.proposal_head.match(text, a) if vd and _head_word_after(text, vd.end(), ctx) else None
        if mh:
            span = _trim_name_words(text, mh.start("name"), mh.end("name"), ctx)
            if span:
                t = r.appositive_heads.get(mh.group("head").lower(), "method")
                found.append((span[0], span[1], t, True, "proposal"))
                out.slots.append((span[0], span[0]))


def _head_word_after(text: str, p: int, ctx: _Ctx) -> bool:
    """Whether one of the seven words after ``p`` (split at white space, cut at a comma) is the last word of an
    appositive head, or it and an "s", with a name after it: ``ctx.proposal_head`` needs its head word there (up to
    five modifier words and a head of at most two words after the article) and then, after a comma or white space
    and maybe a naming word ("called") and a quote, the first character of a name (:func:`_name_starts`). A regex
    with a big alternation tried after each modifier word is slow to fail."""
    is_head_word = ctx._head_words.__getitem__  # (ctx.is_head_word: its memo's lookup, one C call)
    words = _ten_words(text, p)
    first = words[:7]
    if not any(map(is_head_word, first)):
        return False  # (most often: no head word; the loop below finds none)
    for i, w in enumerate(first):
        if is_head_word(w):
            w, comma, after = w.partition(",")
            k = i + 1
            if not after:  # (the name is in the next word, after a comma that may start it)
                after = words[k] if k < len(words) else ""
                k += 1
                if not comma and after[:1] == ",":
                    after = after[1:]
                    if not after:
                        after = words[k] if k < len(words) else ""
                        k += 1
            if after in _NAMING_WORDS:
                after = words[k] if k < len(words) else ""
            if _name_starts(after):
                return True
    return False


def _ten_words(text: str, p: int) -> list[str]:
    """``text[p:].split(None, 9)`` as far as :func:`_head_word_after` reads it (the first nine words and the first
    word of the rest), split from a window of 240 characters when the window holds all that: a split of the whole
    rest of the text copies it twice (the slice and the rest)."""
    words = text[p:p + 240].split(None, 9)
    if p + 240 < len(text) and (len(words) < 10 or len(words[9].split(None, 1)) < 2):
        return text[p:].split(None, 9)  # (the window cuts what is read)
    return words


# the words between an appositive head and its name in ctx.proposal_head ("a new benchmark called X"); the
# set is what _head_word_after reads, so the two cannot differ
_NAMING_WORD_LIST = ("called", "named", "dubbed", "termed", "coined")
_NAMING_WORDS = frozenset(_NAMING_WORD_LIST)
_FIRST_RE = re.compile(_FIRST)


def _name_starts(s: str) -> bool:
    """Whether ``s`` (a word) can start a name of ``ctx.proposal_head`` (a quote, then ``_FIRST``)."""
    if s[:1] in "\"“'‘":
        s = s[1:]
    return _FIRST_RE.match(s) is not None


def _our_slots(text: str, out: _Out, anchors) -> None:
    """A proposal slot after every ``our (proposed / new / novel)`` (see :func:`_our_ends`)."""
    ends = _our_ends(text, anchors)
    if ends:
        out.slots.extend((e, e) for e in ends)


def _our_ends(text: str, anchors) -> list[int]:
    r"""Ends of the matches of ``\b[Oo]ur\s+(?:proposed\s+|new\s+|novel\s+)?`` in ``text``, in order.

    ``anchors`` are ``(start, length)`` of the tokens that end in the word "our" (``_OUR_TOKEN``). A match
    is followed by white space, and the tokenizer never splits inside "our": the token that holds its "r"
    ends with it and is one of them.
    """
    ends = []
    for s, length in anchors:
        m = _OUR_AT.match(text, s + length - 3)
        if m:
            ends.append(m.end())
    return ends


def _appositive_rule(text: str, out: _Out, ctx: _Ctx, found: list) -> None:
    """``X, a novel framework ...`` (the head noun gives the type)."""
    r = ctx.rules
    hay = None
    for m in _APPOSITIVE.finditer(text):
        if hay is None:  # (see _Ctx.app_fwd_lower; lower() keeps the offsets of an ASCII text)
            fwd, hay = (ctx.app_fwd_lower, text.lower()) if text.isascii() else (ctx.app_fwd, text)
        f = fwd.match(hay, m.end())
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
        span = _name_before(text, end, ctx)
        if not span:
            continue
        mods = f.group("mods").lower().split()
        t = _np_head_type(text, m.end(), r) or r.appositive_heads.get(f.group("head").lower(), "method")
        proposed = bool({"novel", "new", "first"} & set(mods)) or "our" in m.group()
        found.append((span[0], span[1], t, proposed, "appositive"))
        if proposed:
            out.slots.append((span[0], span[0]))


def _is_a_rule(text: str, out: _Out, ctx: _Ctx, gaz_types: dict[str, str], found: list) -> None:
    """``X is a new / novel ...``."""
    if " is a" in text and ("new" in text or "novel" in text):  # (what the regex needs)
        for start in _is_a_starts(text):
            span = _name_before(text, start, ctx)
            if span:
                found.append((span[0], span[1], ctx.name_type(text[span[0]:span[1]], gaz_types), True, "appositive"))
                out.slots.append((span[0], span[0]))


def _propagate(text: str, out: _Out, found: list) -> None:
    """Add what the naming rules found, and the other occurrences of those names (case-sensitive, whole words)."""
    seen_names = {}
    for s, e, t, proposed, rule in found:
        out.add((s, e, _fields(t, rule, P_CONTEXT, STRONG, proposed)))
        seen_names.setdefault(text[s:e], (t, proposed))
    for name, (t, proposed) in seen_names.items():
        if len(name) < 2:
            continue
        fields = _fields(t, "context-propagated", P_CONTEXT - 1, STRONG, proposed)
        for i in find_word(text, name):
            out.add((i, i + len(name), fields))


def _list_names(text: str, start: int, end: int, ctx: _Ctx) -> list[tuple[int, int]]:
    """The names of the list ``text[start:end]`` ("A, B and C"), up to the first item that is not a name."""
    out = []
    pos = start
    list_item = ctx._list_items.__getitem__  # (ctx.list_item: its memo's lookup, one C call)
    for piece in ctx.list_split.split(text[start:end]):
        i = text.find(piece, pos, end + 1) if piece else -1
        if i < 0:
            continue
        pos = i + len(piece)
        rel = list_item(piece)
        if rel is None:
            break
        if rel:
            out.append((i + rel[0], i + rel[1]))
    return out


def _list_item(piece: str, rules: Rules) -> tuple[int, int] | tuple[()] | None:
    """The span of the name in one piece of a list: ``()`` to skip the piece, ``None`` to end the list."""
    span = _trim_name(piece, rules, False, 4)
    if span is None:
        return None
    name = piece[span[0]:span[1]]
    if not _NAME_LIKE.search(name):
        return ()  # a number ("4.2", "11.0"), not a name
    # a list item must be a whole piece (not the start of a longer lowercase phrase)
    if name != piece.strip().rstrip(_SENT_END_PUNCT):
        return None
    return span


_ADJ_ENDINGS = ("ible", "able", "ive", "al", "ic", "ous", "ful", "less", "ary", "ish")
_HYPHEN_DIGIT = re.compile(r"^[A-Za-z][\w.]*-\w*\d|^\d+[\w.]*-[A-Za-z]")


def _dataset_name_ok_of(name: str, ctx: _Ctx, gaz_types: dict[str, str]) -> bool:
    """:func:`_dataset_name_ok` of the words of ``name`` (the signature of the other memoised functions)."""
    return _dataset_name_ok(name.split(" "), ctx, gaz_types)


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


def _dataset_rules(text: str, st: DocState, out: _Out, ctx: _Ctx, anchors, gaz_types: dict[str, str] | None = None) -> None:
    """The dataset cue, dataset list and "evaluated on" rules."""
    if anchors["ds_cue"]:  # (the rules of anchor lists are not called for an empty list)
        _dataset_cue_rule(text, st, out, ctx, anchors["ds_cue"], gaz_types)
    if anchors["ds_list"]:
        _dataset_list_rule(text, out, ctx, anchors["ds_list"])
    if anchors["ds_on"]:
        _dataset_on_rule(text, out, ctx, anchors["ds_on"])


_DATASET_CUE_FIELDS = _fields("dataset", "dataset-cue", P_CONTEXT, STRONG)
_LIST_FIELDS = {t: _fields(t, "dataset-list" if t != "method" else "method-list", P_CONTEXT, STRONG)
                for t in ("task", "method", "dataset")}  # (by the type of the list)
_DATASET_ON_FIELDS = _fields("dataset", "dataset-on", P_CONTEXT - 5, STRONG)


def _dataset_cue_rule(text: str, st: DocState, out: _Out, ctx: _Ctx, anchors, gaz_types: dict[str, str] | None) -> None:
    """``the X dataset / benchmark``."""
    r = ctx.rules
    for a, _ in anchors:
        if a < 2 or text[a - 1] != " ":
            continue
        keep = [w for _, w in reversed(_name_words_before(text, a - 1, ctx))]
        if not keep:
            continue
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
        if not ctx.dataset_name_ok(name, gaz_types):  # (name: the words of keep, joined by single spaces)
            continue
        out.add((name_start, name_start + len(name), _DATASET_CUE_FIELDS))


# The first characters of what ctx.ds_list needs after its lead word and white space / a comma ("(", "such as",
# "including", "like", "namely", ":", "e.g.", "i.e.", any case). No lead word is the start of another, so the lead
# that the regex of a lead word matches is the token: the regex fails unless the first character after the token
# and white space and commas is one of these. The rule runs the regex when the character after the token (after a
# space, the one after that) is one of these, white space or a comma.
_LIST_CUE_FIRST = frozenset("(:sSiIlLnNeE,") | frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


def _dataset_list_rule(text: str, out: _Out, ctx: _Ctx, anchors) -> None:
    """``datasets (A, B and C)``, ``benchmarks such as A, B, C`` (and lists of models, methods, tasks)."""
    r = ctx.rules
    for a, (rx, length) in anchors:
        k = a + length
        c = text[k:k + 1]
        if c == " ":
            c = text[k + 1:k + 2]
        if c not in _LIST_CUE_FIRST:
            continue  # (see _LIST_CUE_FIRST)
        m = rx.match(text, a)
        if not m:
            continue
        lead = m.group("lead").lower()
        t = "task" if lead == "tasks" else "method" if lead in ctx.method_lead else "dataset"
        for s, e in _list_names(text, m.start("list"), m.end("list"), ctx):
            name = text[s:e]
            if r.is_stop_name(name) or (t == "method" and not is_name_shaped(name.split()[0])):
                continue
            out.add((s, e, _LIST_FIELDS[t]))


def _dataset_on_rule(text: str, out: _Out, ctx: _Ctx, anchors) -> None:
    """``evaluated / trained / results on A, B and C``."""
    r = ctx.rules
    done = -1
    for a, _ in anchors:
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
            out.add((s, e, _DATASET_ON_FIELDS))


_SHAPE_SUFFIX = re.compile(r"-(?:based|like|style|architecture|driven|free|aware|guided)$", re.I)
_ESC_TAIL = re.compile(r"\\_[\w+]+(?:[\-./][\w+]+)*(?![\w@]|-\w)")


def _shape_rule(text: str, out: _Out, ctx: _Ctx, gaz_types: dict[str, str], anchors) -> list[tuple[int, int, int]]:
    """Model-name shapes (``ConvNeXt``, ``GPT-4``, ``Swin-B``) at the name-shaped tokens ``anchors``
    (``(start, end, size)``, ``size``: a model-size token such as ``B`` that needs the name before it); returns
    the metric shapes (``Recall@1``, ``mAP@0.5``, ``top-1 accuracy``) found at the same tokens, as
    ``(start, end, priority)``.

    Neither regex crosses white space, so what they match at a token depends only on the run of non-space
    characters that starts there (its *chunk*, :func:`_chunk_shapes`, cached per chunk string) and on the
    character before the token (their look-behinds, checked here). Only ``top-1 accuracy`` (a chunk that is
    ``top-1``) and a size token (``ViT-B``: the name starts before the token) are matched in the text.
    """
    done = -1  # end of the last shape
    mend = -1  # end of the last metric
    metrics = []
    chunks = ctx.chunk_cache(gaz_types)
    shape_name = ctx.shape_name
    n = len(text)
    for a, size in anchors:
        if a < done and a < mend:
            continue
        before = text[a - 1] if a else " "
        if before.isalnum() or before == "_":
            continue  # (\w: both look-behinds reject it, and a size token needs a hyphen before it)
        sp = text.find(" ", a)
        chunk = text[a:sp if sp >= 0 else n]
        if not chunk.isprintable():  # (other white space in it: \n, \t, no-break space...)
            chunk = text[a:_NON_SPACE_RUN.match(text, a).end()]
        shape_end, found, metric_end, topk = chunks[chunk]
        if a >= mend and before != "-":
            if topk:
                m = _TOPK_OR_METRIC.match(text, a)
                if m:
                    mend = m.end()
                    metrics.append((a, mend, P_METRIC + 1 if m.lastgroup == "topk" else P_METRIC))
            elif metric_end:
                mend = a + metric_end
                metrics.append((a, mend, P_METRIC))
        if a < done:
            continue
        if size:
            if a < 3 or before != "-":
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
            found = shape_name(text[start:end], gaz_types)
            if found:
                out.add((start, start + found[0], found[2]))
        elif shape_end and before not in "-/@.#":
            done = a + shape_end
            if found:
                out.add((a, a + found[0], found[2]))
    return metrics


_TOPK_CHUNK = re.compile(r"[Tt]op-?\d+")


def _chunk_shapes(chunk: str, ctx: _Ctx, gaz_types: dict[str, str]) -> tuple[int, tuple[int, str, tuple] | None, int, bool]:
    """``(shape end, shape name, metric end, top-k)`` of the shape and metric regexes at the start of ``chunk``
    (a run of non-space characters), their look-behinds aside: the end of the ``_SHAPE`` match (0: none; with
    escaped-underscore tails) and :func:`_shape_name` of it, the end of the ``_METRIC_RX`` match (0: none), and
    whether the chunk is ``top-1`` (then only the text tells: ``top-1 accuracy``)."""
    shape_end = 0
    found = None
    m = _SHAPE.match(chunk)
    if m:
        shape_end = m.end()
        while chunk.startswith("\\_", shape_end):
            x = _ESC_TAIL.match(chunk, shape_end)
            if not x:
                break
            shape_end = x.end()
        found = _shape_name(chunk[:shape_end], ctx, gaz_types)
    if _TOPK_CHUNK.fullmatch(chunk):
        return shape_end, found, 0, True
    m = _METRIC_RX.match(chunk)
    return shape_end, found, m.end() if m else 0, False


def _shape_name(raw: str, ctx: _Ctx, gaz_types: dict[str, str]) -> tuple[int, str, tuple] | None:
    """``(length, type, fields)`` of the name in the shape match ``raw`` (``fields``: of its candidate, see
    :func:`_fields`), or ``None`` when it is not a name."""
    name = raw
    sx = _SHAPE_SUFFIX.search(name)
    if sx:  # "NeRF-based", "GPT-4-like": the name is the part before the suffix, if it is one
        name = name[:sx.start()]
        rest = _SHAPE.match(name)
        if not rest or rest.end() != len(name):
            return None
    if ctx.rules.is_stop_name(name) or (name[-1] == "s" and name[:-1].isupper()):
        return None
    t = ctx.name_type(name, gaz_types)
    return len(name), t, _fields(t, "shape", P_SHAPE, WEAK)


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


# indices of _Ctx.word_features
(_F_WL, _F_BREAK, _F_TECH, _F_TASK_BAD, _F_METRIC_OK, _F_LEAD_BAD, _F_GENERIC_MOD, _F_GENERIC_TECH, _F_GENERIC_BREAK,
 _F_REJECT_OR_GENERIC, _F_BLOCK_BARE, _F_WORD, _F_STOP, _F_CONT, _F_NO_MOD, _F_MOD_CONT, _F_MOD_BLOCK) = range(17)
# the features of no word (or a word cut by the window) as the head rule reads them: no modifier
_NOT_A_MODIFIER = (None,) * _F_MOD_CONT + (0, False)

# bits of _F_CONT: a phrase of this kind can go on past the word (_C_ANY: every word)
_C_METHOD, _C_TASK, _C_METRIC, _C_GENERIC, _C_ANY = 1, 2, 4, 8, 16
_C_OF_TYPE = {"method": _C_METHOD, "task": _C_TASK, "metric": _C_METRIC}


def _continuations(f: tuple) -> int:
    """The ``_C_*`` bits of a word with the features ``f``: the phrase kinds that can take it as a modifier."""
    c = _C_ANY
    if not f[_F_BREAK]:
        c |= (_C_METHOD if f[_F_TECH] else 0) | (0 if f[_F_TASK_BAD] else _C_TASK)
        c |= _C_METRIC if f[_F_METRIC_OK] else 0
    if not f[_F_GENERIC_BREAK]:
        c |= _C_GENERIC
    return c


class _Head:
    """A head word or phrase of the head rule (``depthwise convolution``: the head ``convolution``)."""

    __slots__ = ("head", "length", "types", "generic", "bare_ok", "need_name", "cont", "bare", "phrases", "chains")

    def __init__(self, head: str, ctx: _Ctx) -> None:
        r = ctx.rules
        self.head = head
        self.length = len(head)
        self.types = ctx.head_types.get(head, ())  # tried in this order
        self.generic = ctx.generic_heads.get(head)  # then a generic head noun of this type
        self.bare_ok = head in ctx.bare_ok  # (can stand alone, without modifiers)
        self.need_name = head in r.tech_need_name
        # the modifiers that the rules of this head can take (a generic task head looks at three words)
        cont = _C_ANY if self.generic == "task" else _C_GENERIC if self.generic else 0
        for t in self.types:
            cont |= _C_OF_TYPE[t]
        self.cont = cont
        # what the rules make of the head when they take no modifier (indexed by whether the nearest word blocks
        # a bare metric: "full precision"), as the fields of its candidate (_fields); no generic phrase is made of
        # a bare head
        bare = (self._bare(r, block) for block in (False, True))
        self.bare = tuple(None if b is None else _fields(*b, WEAK) for b in bare)
        # what the rules make of a phrase ending in the head (the text from the farthest modifier read to the end of
        # the head, the head after a space: see _head_rule), cached per phrase: (fields, length)
        self.phrases: dict[str, tuple[tuple, int] | None] = {}
        # the same for the phrases of two modifiers where the farther one ends the reading (no rule of the head goes
        # on past it) and of three modifiers (the most read): properties of the words, so of the phrase's text, whose
        # lookup then needs no features (see _add_chain)
        self.chains: dict[str, tuple[tuple, int] | None] = {}

    def _bare(self, r: Rules, block: bool) -> tuple[str, str, int] | None:
        """``(type, rule, priority)`` of the head alone (the first type of :func:`_head_start` that takes it)."""
        for t in self.types:
            if t == "task":
                ok = self.head in r.task_standalone and self.head not in r.task_non_tasks
            elif t == "method":
                ok = not self.need_name and self.head in r.tech_standalone
            else:
                ok = self.head in r.metric_bare and not block
            if ok:
                return t, _HEAD_RULE_NAMES[t], P_HEAD
        return None


def _head_rule(text: str, out: _Out, ctx: _Ctx, anchors) -> None:
    """Technique / task / metric phrases that end in a known head word (see :class:`_Head`).

    ``anchors`` are ``(start, head)`` of the anchor tokens that end a head, ``head`` ``(length, single, heads)``:
    ``heads`` the :class:`_Head` records of the token's lower-case text, longest
    first, ``single`` the first of them when it is the token itself (no longer head to compare with the text
    before the token), else ``None``. The modifiers before the head are read as :func:`_head_modifiers` says; the
    common case (no attached word, the nearest word separated by a space) is inline: when no rule of the head
    takes the nearest word (its ``_F_MOD_CONT`` bits, none for a stop word or no word) the head alone decides
    (:attr:`_Head.bare`), else the phrase from its farthest word (:func:`_words_from`) is looked up by its text.
    This loop runs for a third of the tokens of an abstract.
    """
    r = ctx.rules
    cache = ctx.word_feature_cache
    wf = ctx.word_features
    add = out.add
    for a, (length, hd, heads) in anchors:
        ae = a + length
        c = text[ae:ae + 1]
        if c != " " and (c == "-" or c.isalnum()):  # (most often a space: one test)
            continue  # "detection-based"
        if hd is not None:  # the token is the head, and the only one
            hs = a
            # (most often a space before it: then not alphanumeric, and the modifiers start after a space)
            spaced = a > 1 and text[a - 1] == " "
            if not spaced and a and text[a - 1].isalnum():
                continue
        else:
            for hd in heads:
                hs = ae - hd.length
                if (hs >= 0 and (hs == a or text[hs:ae].lower() == hd.head)
                        and (hs == 0 or not text[hs - 1].isalnum())):
                    break
            else:
                continue
            spaced = hs > 1 and text[hs - 1] == " "
        if spaced:
            end = hs - 1
            j = text.rfind(" ", 0, end)
            w = text[j + 1:end]
            if not w or (j < end - 72 and end > 72):
                f = _NOT_A_MODIFIER  # (no word, or a word cut by the window)
            else:
                f = cache[w]
            if not (f[_F_MOD_CONT] & hd.cont):
                found = hd.bare[f[_F_MOD_BLOCK]]  # a modifier that no rule of the head takes, or none
                if found and not (found[0] == "task" and _modifies_next_noun(text, ae, r)):
                    add((hs, ae, found))
                continue
            # the phrase from the farthest word that _words_from reads (a rule takes the nearest word: it reads it);
            # most often two or three words: first looked up in _Head.chains by the text from the second, the third
            v = False
            if j >= 0 and f[_F_CONT] & hd.cont:
                lo = end - 72 if end > 72 else 0
                k = text.rfind(" ", lo, j)
                if k >= 0 or not lo:
                    v = hd.chains.get(text[k + 1:ae], False)
                    if v is False and k >= 0:
                        k = text.rfind(" ", lo, k)
                        if k >= 0 or not lo:
                            v = hd.chains.get(text[k + 1:ae], False)
            if v is False:
                words = _words_from(text, j, end, f, hd.cont, [], cache, wf)
                v = hd.phrases.get(text[words[-1][0]:ae], False)
                if v is False:
                    v = _phrase_outcome(text, hd, hs, ae, words, r)
                if len(words) == 3 or (len(words) == 2 and not (words[1][1][_F_CONT] & hd.cont)):
                    _add_chain(hd, text[words[-1][0]:ae], v)
            if v:
                add((ae - v[1], ae, v[0]))
        else:
            words = _head_modifiers(text, hs, hd, cache, wf)
            if words is not None:
                found = _head_phrase(text, hd, hs, words, r)
                if found:
                    add((found[3], ae, _fields(found[0], found[1], found[2], WEAK)))


_FOLLOWING_WORD = re.compile(r" ([a-z]+)\b")


def _modifies_next_noun(text: str, end: int, r: Rules) -> bool:
    """Whether the bare task word ending at ``end`` modifies the noun after it ("translation invariance",
    "segmentation masks", "detection head", "classification loss"): a part or property of a model, not the task.
    """
    m = _FOLLOWING_WORD.match(text, end)
    return m is not None and m.group(1) in r.task_modified_nouns


def _add_chain(hd: _Head, phrase: str, v: tuple[tuple, int] | None) -> None:
    """Keep the outcome ``v`` of the phrase of two modifiers and the head ``hd`` whose farther modifier ends the
    reading, or of three modifiers, by its text (:attr:`_Head.chains`). Its lookup is exact: the text gives the
    words (no space in them: the nearest word follows the last space, the next the space before, ...; a phrase of
    three words has one space more than one of two), hence their features, hence that the rule reads these
    words and stops, whatever comes before them (the rule looks a phrase up only when it starts after a space
    and its farthest word is not cut by the 72-character window, or at the start of the text)."""
    if len(hd.chains) > 50_000:
        hd.chains.clear()
    hd.chains[phrase] = v


def _phrase_outcome(text: str, hd: _Head, hs: int, ae: int, words, r: Rules) -> tuple[tuple, int] | None:
    """``(fields, length)`` (``fields``: of the candidate, :func:`_fields`) of :func:`_head_phrase` of the head ``hd`` at ``hs:ae`` after a space
    and its modifiers ``words`` (at least one), cached in :attr:`_Head.phrases` by the text from the farthest
    word to the end of the head: the rules read only that text (the words, the case of the head, the phrase for
    the task stop list)."""
    found = _head_phrase(text, hd, hs, words, r)
    v = None if found is None else (_fields(found[0], found[1], found[2], WEAK), ae - found[3])
    if len(hd.phrases) > 50_000:
        hd.phrases.clear()
    hd.phrases[text[words[-1][0]:ae]] = v
    return v


def _head_phrase(text: str, hd: _Head, hs: int, words, r: Rules) -> tuple[str, str, int, int] | None:
    """``(type, rule, priority, start)`` of the phrase ending in the head ``hd`` (at ``hs``) with the modifiers
    ``words`` (see :func:`_head_modifiers`), or ``None``: the first type of the head that makes a phrase
    (:func:`_head_start`), else a generic head noun after content words ("parsing algorithm")."""
    for t in hd.types:
        start = _head_start(text, t, hd, hs, words, r)
        if start is not None:
            return t, _HEAD_RULE_NAMES[t], P_HEAD, start
    t = hd.generic
    if t:
        if t == "task" and any(f[_F_REJECT_OR_GENERIC] for _, f in words):
            return None  # "fundamental vision problem", "major problems"
        start = _generic_start(words)
        if start is not None:
            return t, _GENERIC_RULE_NAMES[t], P_SHAPE - 10, start
    return None


_HEAD_RULE_NAMES = {t: f"head-{t}" for t in ("method", "task", "metric")}
_GENERIC_RULE_NAMES = {t: f"generic-{t}" for t in ("method", "task", "metric")}


def _head_modifiers(text: str, hs: int, hd: _Head, cache: dict, wf) -> list[tuple[int, tuple]] | None:
    """The words before the head at ``hs`` as ``(start, features)``, nearest first; ``None``: no phrase.

    A word attached by a hyphen ("self-" of "self-attention") comes first; then up to three words
    separated by single spaces (not when the nearest is a stop word: "the model"), read lazily: the
    reading stops at a word that no rule of the head can take (:attr:`_Head.cont`). At most three words
    are returned (no rule reads more). ``None`` when there are no modifiers and the head cannot stand alone.
    """
    words: list[tuple[int, tuple]] = []
    p = hs
    if p > 0 and text[p - 1] == "-":
        hm = _tail_hyphen_start(text, max(0, p - 40), p)
        if hm < 0:
            return None
        w = text[hm:p - 1]
        words.append((hm, cache.get(w) or wf(w)))
        p = hm
    if p > 1 and text[p - 1] == " ":
        end = p - 1
        j = text.rfind(" ", 0, end)
        w = text[j + 1:end]
        f = (cache.get(w) or wf(w)) if w else None
        if f is not None and not f[_F_STOP]:
            return _words_from(text, j, end, f, hd.cont, words, cache, wf)
    if not words and not hd.bare_ok:
        return None
    return words


def _words_from(text: str, j: int, end: int, f: tuple, cont: int, words: list, cache: dict, wf) -> list:
    """``words`` and then the word ``text[j + 1:end]`` (features ``f``) and the words before it, separated by
    single spaces and starting after ``end - 72`` (a word cut by that window ends them), up to three words in
    all, stopping after a word without any of the ``cont`` bits."""
    lo = end - 72 if end > 72 else 0
    if j < lo and lo:
        return words  # (the window cuts the word)
    while f[_F_WORD]:
        words.append((j + 1, f))
        if j < 0 or len(words) == 3 or not (f[_F_CONT] & cont):
            break
        end = j
        j = text.rfind(" ", lo, end)
        if j < 0 and lo:
            break
        w = text[j + 1:end]
        if not w:
            break
        f = cache.get(w) or wf(w)
    return words


def _is_generic_mod(wl: str, generic_mods) -> bool:
    """``deep``, ``top``, ``proposed``, ``200-layer``: a modifier that does not make a name."""
    return wl in generic_mods or bool(_NUMBER_MOD.match(wl))


_NUMBER_MOD = re.compile(r"^\d[\d.,]*(?:[kmb]|-[a-z]+)?$")


def _generic_start(words) -> int | None:
    """Start of "content words + generic head" ("parsing algorithm"); ``None`` when the modifiers are
    all generic ("top performing method", "deep learning method", "training procedure").
    ``words`` are ``(start, features)`` as :func:`_head_modifiers` gives them."""
    taken = -1
    content = False
    for s, f in words:
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


def _technical_word_uncached(wl: str, r: Rules) -> bool:
    if wl in r.tech_mods:
        return True
    if "-" in wl and not wl.endswith(_ADJ_SUFFIXES):
        return any(p in r.tech_mods and p not in _GENERIC_TECH for p in wl.split("-"))
    return False


def _looks_verb_or_plural(w: str) -> bool:
    """``helps`` / ``improves`` / ``images``: not a modifier of a head noun."""
    return len(w) > 3 and w[-1] == "s" and not w.endswith(("ss", "us", "is", "ous", "ics", "-s"))


def _head_start(text: str, t: str, hd: _Head, hs: int, words, r: Rules) -> int | None:
    """Start of the phrase ending in the head ``hd`` (at ``hs``) for type ``t``, or ``None``.

    ``words`` are the words before the head, nearest first, as ``(start, features)`` (see
    :func:`_head_modifiers`; a first word attached by a hyphen counts as technical for a method).
    """
    head = hd.head
    if t == "method":
        start = -1  # of the phrase: the start of the farthest modifier taken
        all_generic = all_generic_tech = True  # (of the modifiers taken)
        attached = hs > 0 and text[hs - 1] == "-"  # (then the first word is attached: "self-" of "self-attention")
        for s, f in words:
            if f[_F_BREAK] or not (f[_F_TECH] or (attached and start < 0)):
                break
            start = s
            all_generic = all_generic and f[_F_GENERIC_MOD]
            all_generic_tech = all_generic_tech and f[_F_GENERIC_TECH]
        if start >= 0 and (text[hs].isupper() or hd.need_name) and all_generic:
            return None  # "deep Transformer", "200-layer model" (but "deep learning" is a term)
        if hd.need_name:
            if all_generic_tech:
                return None
        elif start < 0 and head not in r.tech_standalone:
            return None
        return start if start >= 0 else hs
    if t == "task":
        k = 0
        for _, f in words:
            if f[_F_BREAK] or f[_F_TASK_BAD]:
                break  # "degrade generation", "profound understanding", verbs, plurals, names
            k += 1
        while k and words[k - 1][1][_F_LEAD_BAD]:  # (a bad leading modifier: "various segmentation")
            k -= 1
        if not k and head not in r.task_standalone:
            return None
        start = words[k - 1][0] if k else hs
        if text[start:hs + hd.length].lower() in r.task_non_tasks:
            return None
        return start
    # metric
    k = 0
    for _, f in words[:2]:
        if f[_F_BREAK] or not f[_F_METRIC_OK]:
            break
        k += 1
    if not k:
        if head not in r.metric_bare:
            return None
        if words and words[0][1][_F_BLOCK_BARE]:
            return None
        return hs
    return words[k - 1][0]
