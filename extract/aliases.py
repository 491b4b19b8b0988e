"""User alias rules: the editable ``data/aliases.toml``.

The file corrects the extractor without touching code or gazetteers. Four
kinds of tables, each may appear any number of times::

    [[alias]]            # more names for one entity (all get its key)
    name = "masked image modeling"
    type = "method"
    aliases = ["MIM", "masked image modelling"]

    [[split]]            # a surface form that must be its own entity
    surface = "SAM"
    name = "Segment Anything Model"   # optional: display name of the new entity
    type = "method"                   # optional

    [[retype]]           # an entity of the wrong type
    name = "Penn Treebank"
    type = "dataset"

    [[block]]            # a false positive: never extract this surface form / key
    surface = "COVID-19"
    type = "method"                   # optional: block only this type

Matching is on :func:`extract.canonical.entity_key`, so case, hyphens, Unicode
dashes and a plural ``s`` do not matter. ``[[split]]`` matches the folded
surface text exactly (so it can separate two forms that would otherwise
share a key). A malformed file raises :class:`~extract.errors.IngestError`
with the path and, where known, the line.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from extract.canonical import entity_key
from extract.errors import IngestError
from extract.normalize import fold
from extract.records import ENTITY_TYPES

_TABLES = ("alias", "split", "retype", "block")


@dataclass(frozen=True)
class AliasEntry:
    """Extra names for one entity: all of them get ``entity_key(name)``."""

    name: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitRule:
    """Mentions whose text folds to ``surface`` become a separate entity."""

    surface: str
    name: str
    type: str | None = None

    @property
    def key(self) -> str:
        return entity_key(self.name)


@dataclass(frozen=True)
class BlockRule:
    """Never extract mentions with this key (optionally only of ``type``)."""

    surface: str
    type: str | None = None


@dataclass(frozen=True)
class AliasRules:
    """Parsed alias rules; empty rules change nothing.

    >>> rules = AliasRules.from_text('[[block]]\\nsurface = "COVID-19"\\n')
    >>> rules.is_blocked("covid 19", "method")
    True
    """

    aliases: tuple[AliasEntry, ...] = ()
    splits: tuple[SplitRule, ...] = ()
    retypes: dict[str, str] = field(default_factory=dict)  # entity key -> type
    blocks: tuple[BlockRule, ...] = ()
    source: str = ""

    # -- reading ---------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path) -> AliasRules:
        """Read ``path`` (TOML). Raises :class:`IngestError` when it is malformed."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise IngestError(str(p), None, f"cannot read alias file: {e.strerror or e}") from e
        except UnicodeDecodeError as e:
            raise IngestError(str(p), None, f"alias file is not UTF-8: {e}") from e
        return cls.from_text(text, path=str(p))

    @classmethod
    def from_text(cls, text: str, path: str = "<aliases>") -> AliasRules:
        """Parse alias rules from TOML text (see the module docstring)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            m = re.search(r"line (\d+)", str(e))
            raise IngestError(path, int(m.group(1)) if m else None, f"invalid TOML: {e}") from e
        unknown = [k for k in data if k not in _TABLES]
        if unknown:
            raise IngestError(path, _line_of(text, unknown[0], 0),
                              f"unknown table {unknown[0]!r} (expected one of: {', '.join(_TABLES)})")

        def tables(kind: str) -> list[tuple[int, dict]]:
            value = data.get(kind, [])
            if not isinstance(value, list):
                raise IngestError(path, _line_of(text, kind, 0), f"{kind!r} must be written as [[{kind}]] tables")
            return list(enumerate(value))

        def get_str(kind: str, i: int, t: dict, name: str, required: bool = True) -> str | None:
            v = t.get(name)
            if v is None:
                if required:
                    raise IngestError(path, _line_of(text, kind, i), f"[[{kind}]] #{i + 1}: missing {name!r}")
                return None
            if not isinstance(v, str) or not v.strip():
                raise IngestError(path, _line_of(text, kind, i),
                                  f"[[{kind}]] #{i + 1}: {name!r} must be a non-empty string")
            return v.strip()

        def get_type(kind: str, i: int, t: dict, required: bool) -> str | None:
            v = get_str(kind, i, t, "type", required)
            if v is not None and v not in ENTITY_TYPES:
                raise IngestError(path, _line_of(text, kind, i),
                                  f"[[{kind}]] #{i + 1}: type {v!r} is not one of {', '.join(ENTITY_TYPES)}")
            return v

        def check_keys(kind: str, i: int, t: dict, allowed: set[str]) -> None:
            extra = sorted(set(t) - allowed)
            if extra:
                raise IngestError(path, _line_of(text, kind, i), f"[[{kind}]] #{i + 1}: unknown field {extra[0]!r}")

        aliases = []
        for i, t in tables("alias"):
            check_keys("alias", i, t, {"name", "type", "aliases"})
            names = t.get("aliases", [])
            if not isinstance(names, list) or not all(isinstance(a, str) and a.strip() for a in names):
                raise IngestError(path, _line_of(text, "alias", i),
                                  f"[[alias]] #{i + 1}: 'aliases' must be a list of non-empty strings")
            aliases.append(AliasEntry(get_str("alias", i, t, "name"), get_type("alias", i, t, True),
                                      tuple(a.strip() for a in names)))
        splits = []
        for i, t in tables("split"):
            check_keys("split", i, t, {"surface", "name", "type"})
            surface = get_str("split", i, t, "surface")
            name = get_str("split", i, t, "name", required=False) or surface
            splits.append(SplitRule(surface, name, get_type("split", i, t, False)))
        retypes = {}
        for i, t in tables("retype"):
            check_keys("retype", i, t, {"name", "type"})
            retypes[entity_key(get_str("retype", i, t, "name"))] = get_type("retype", i, t, True)
        blocks = []
        for i, t in tables("block"):
            check_keys("block", i, t, {"surface", "type"})
            blocks.append(BlockRule(get_str("block", i, t, "surface"), get_type("block", i, t, False)))
        return cls(tuple(aliases), tuple(splits), retypes, tuple(blocks), source=path)

    # -- use ---------------------------------------------------------------------
    def fingerprint(self) -> str:
        """A short hash of the rules' content (part of the extractor version)."""
        payload = json.dumps(
            [[(a.name, a.type, a.aliases) for a in self.aliases],
             [(s.surface, s.name, s.type) for s in self.splits],
             sorted(self.retypes.items()),
             [(b.surface, b.type) for b in self.blocks]],
            sort_keys=True,
        )
        return hashlib.sha1(payload.encode()).hexdigest()[:12]

    def __bool__(self) -> bool:
        return bool(self.aliases or self.splits or self.retypes or self.blocks)

    @cached_property
    def _blocked(self) -> dict[str, set[str | None]]:
        out: dict[str, set[str | None]] = {}
        for b in self.blocks:
            out.setdefault(entity_key(b.surface), set()).add(b.type)
        return out

    @cached_property
    def _splits(self) -> dict[str, SplitRule]:
        return {fold(s.surface).strip(): s for s in self.splits}

    def is_blocked(self, key_or_text: str, type: str | None = None) -> bool:
        """Whether a mention with this key (or text) and type must be dropped."""
        if not self.blocks:
            return False
        types = self._blocked.get(entity_key(key_or_text))
        return bool(types) and (None in types or type in types)

    def split_for(self, surface: str) -> SplitRule | None:
        """The split rule whose surface form equals ``surface`` (folded), if any."""
        if not self.splits:
            return None
        return self._splits.get(fold(surface).strip())

    def retype(self, key: str) -> str | None:
        """The type an entity key must have, if a rule says so."""
        return self.retypes.get(key)


def _line_of(text: str, kind: str, index: int) -> int | None:
    """1-based line of the ``index``-th ``[[kind]]`` header (or ``kind =``) in ``text``."""
    rx = re.compile(rf"^\s*(\[\[\s*{re.escape(kind)}\s*\]\]|\[\s*{re.escape(kind)}\s*\]|{re.escape(kind)}\s*=)", re.M)
    for n, m in enumerate(rx.finditer(text)):
        if n == index:
            return text.count("\n", 0, m.start(1)) + 1
    return None
