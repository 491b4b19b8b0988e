"""Loading ``extract/patterns/rules.json`` (context-rule data) into ready-to-use sets and regexes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from extract.canonical import entity_key
from extract.components.state import Memo
from extract.errors import IngestError

DEFAULT_PATTERNS_DIR = Path(__file__).resolve().parent.parent / "patterns"
RULES_FILE = "rules.json"


def _words_rx(words, flags=re.I) -> re.Pattern:
    alts = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile(r"(?<![\w\-])(?:" + "|".join(alts) + r")(?![\w\-])", flags)


def _lower_set(words) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


@dataclass
class Rules:
    """Context-rule data (see ``rules.json``)."""

    raw: dict
    no_split_abbreviations: tuple[str, ...]
    drop_single_letter_abbreviations: bool
    stop: frozenset[str]
    tech_heads: frozenset[str]
    tech_standalone: frozenset[str]
    tech_need_name: frozenset[str]
    tech_mods: frozenset[str]
    task_heads: frozenset[str]
    task_standalone: frozenset[str]
    task_bad_mods: frozenset[str]
    task_keep_mods: frozenset[str]
    task_non_tasks: frozenset[str]
    task_modified_nouns: frozenset[str]
    metric_heads: frozenset[str]
    metric_mods: frozenset[str]
    metric_bare: frozenset[str]
    dataset_cues: tuple[str, ...]
    dataset_name_suffixes: tuple[str, ...]
    method_name_suffixes: tuple[str, ...]
    appositive_heads: dict[str, str]  # lower head -> type
    appositive_adjectives: frozenset[str]
    proposal_verbs: tuple[str, ...]
    naming_cues: tuple[str, ...]
    title_stop_first: frozenset[str]
    name_stoplist: frozenset[str]
    name_stop_rx: re.Pattern | None
    lf_head_types: dict[str, str]
    abbreviation_nonentities: frozenset[str]
    type_cues: dict[str, frozenset[str]]
    head_rx: re.Pattern
    dataset_cue_rx: re.Pattern
    context_metrics: frozenset[str] = frozenset()  # metric keys kept only next to a number

    def __post_init__(self) -> None:
        self._stop_lower = frozenset(n.lower() for n in self.name_stoplist)
        self._stop_cache = Memo(self._is_stop_name)  # name -> is_stop_name(name), per surface string

    @classmethod
    def load(cls, path: str | Path | None = None) -> Rules:
        p = Path(path) if path is not None else DEFAULT_PATTERNS_DIR / RULES_FILE
        try:
            raw = json.loads(p.read_text(encoding="utf-8"))
        except OSError as e:
            raise IngestError(str(p), None, f"cannot read rules: {e.strerror or e}") from e
        except json.JSONDecodeError as e:
            raise IngestError(str(p), e.lineno, f"rules file is not valid JSON: {e.msg}") from e
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict) -> Rules:
        tok = raw.get("tokenizer", {})
        tech_heads = _lower_set(raw.get("technique_heads", []))
        task_heads = _lower_set(raw.get("task_heads", []))
        metric_heads = _lower_set(raw.get("metric_heads", []))
        app = {}
        for t, heads in raw.get("appositive_heads", {}).items():
            for h in heads:
                app[h.lower()] = t
        lf = {}
        for t, heads in raw.get("lf_head_types", {}).items():
            for h in heads:
                lf.setdefault(h.lower(), t)
        stop_rx = raw.get("name_stop_regexes", [])
        heads = tech_heads | task_heads | metric_heads
        return cls(
            raw=raw,
            no_split_abbreviations=tuple(tok.get("no_split_abbreviations", [])),
            drop_single_letter_abbreviations=bool(tok.get("drop_single_letter_abbreviations", True)),
            stop=_lower_set(raw.get("stop_words", [])),
            tech_heads=tech_heads,
            tech_standalone=_lower_set(raw.get("technique_standalone", [])),
            tech_need_name=_lower_set(raw.get("technique_heads_need_name", [])),
            tech_mods=_lower_set(raw.get("technique_modifiers", [])),
            task_heads=task_heads,
            task_standalone=_lower_set(raw.get("task_standalone", [])),
            task_bad_mods=_lower_set(raw.get("task_bad_modifiers", [])),
            task_keep_mods=_lower_set(raw.get("task_keep_leading_modifiers", [])),
            task_non_tasks=_lower_set(raw.get("task_non_tasks", [])),
            task_modified_nouns=_lower_set(raw.get("task_modified_nouns", [])),
            metric_heads=metric_heads,
            metric_mods=_lower_set(raw.get("metric_head_modifiers", [])),
            metric_bare=_lower_set(raw.get("metric_bare_heads", [])),
            dataset_cues=tuple(raw.get("dataset_cues", [])),
            dataset_name_suffixes=tuple(raw.get("dataset_name_suffixes", [])),
            method_name_suffixes=tuple(raw.get("method_name_suffixes", [])),
            appositive_heads=app,
            appositive_adjectives=_lower_set(raw.get("appositive_adjectives", [])),
            proposal_verbs=tuple(raw.get("proposal_verbs", [])),
            naming_cues=tuple(raw.get("naming_cues", [])),
            title_stop_first=_lower_set(raw.get("title_prefix_stop_first_words", [])),
            name_stoplist=frozenset(raw.get("name_stoplist", [])),
            name_stop_rx=re.compile("|".join(f"(?:{r})" for r in stop_rx)) if stop_rx else None,
            lf_head_types=lf,
            abbreviation_nonentities=_lower_set(raw.get("abbreviation_nonentities", [])),
            type_cues={t: _lower_set(ws) for t, ws in raw.get("type_context_cues", {}).items()},
            head_rx=_words_rx(heads),
            dataset_cue_rx=_words_rx(raw.get("dataset_cues", [])),
            context_metrics=frozenset(entity_key(m) for m in raw.get("context_dependent_metrics", [])),
        )

    def is_stop_name(self, name: str) -> bool:
        """A name that the shape and context rules must never propose."""
        return self._stop_cache[name]

    def _is_stop_name(self, name: str) -> bool:
        if name in self.name_stoplist or name.lower() in self._stop_lower:
            return True
        return bool(self.name_stop_rx and self.name_stop_rx.match(name))
