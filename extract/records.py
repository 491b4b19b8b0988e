"""Typed records that flow from ``extract`` to ``graph``.

These are the only contract between the extraction stage and the graph store:
plain, immutable data with no behaviour beyond small derived properties.
Everything here is JSON-friendly (see :func:`dataclasses.asdict`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Literal

EntityType = Literal["method", "dataset", "metric", "task"]
ENTITY_TYPES: tuple[str, ...] = ("method", "dataset", "metric", "task")
Field = Literal["title", "abstract"]
Role = Literal["proposed", "used"]


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a paper record was read: a file path and a 1-based line number."""

    path: str
    line: int
    format: str = ""


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as read from a source file (before extraction).

    ``abstract`` may be empty (the paper is kept and flagged). ``key`` is the
    deduplication key: ``doi:<doi>``, ``arxiv:<id>`` or ``title:<normalised title>``.
    """

    title: str
    abstract: str = ""
    year: int | None = None
    url: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    id: str | None = None  # an id given by the source file, if any
    categories: tuple[str, ...] = ()
    sources: tuple[SourceRef, ...] = ()

    @property
    def key(self) -> str:
        from extract.normalize import dedup_key

        return dedup_key(self)


@dataclass(frozen=True, slots=True)
class Mention:
    """One span of a paper's title or abstract that names an entity.

    ``start``/``end`` are character offsets (end-exclusive) into the field's
    text; ``sent_start``/``sent_end`` delimit the evidence sentence in the same
    text. ``key`` is the normalised canonical key that identifies the entity
    across the corpus; ``canonical`` its display name. ``family``/``family_key``
    name the family entity a sized or versioned variant belongs to
    (``ResNet-50`` -> ``ResNet``).
    """

    text: str
    type: str
    start: int
    end: int
    field: str
    sentence: str
    sent_start: int
    sent_end: int
    canonical: str
    key: str
    role: str = "used"
    family: str | None = None
    family_key: str | None = None
    aliases: tuple[str, ...] = ()  # other names seen for it in this paper (e.g. its abbreviation)
    rule: str = ""  # which component/rule produced it (for debugging and evaluation)


@dataclass(frozen=True, slots=True)
class CodeLink:
    """A link to code, a model or a project page found in a paper."""

    url: str
    host: str
    owner: str | None = None
    repo: str | None = None
    kind: str = "code"  # code | model | dataset | project
    start: int = -1
    end: int = -1
    field: str = "abstract"
    sentence: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    """A result claim: ``method`` reaches ``value`` ``unit`` of ``metric`` on ``dataset``.

    ``kind`` is ``absolute``, ``improvement`` or ``ratio``. Names are display
    names; the ``*_key`` fields are the normalised entity keys (or ``None``).
    """

    metric: str
    value: float
    unit: str = ""
    kind: str = "absolute"
    method: str | None = None
    dataset: str | None = None
    baseline: str | None = None
    metric_key: str | None = None
    method_key: str | None = None
    dataset_key: str | None = None
    baseline_key: str | None = None
    value_text: str = ""
    sentence: str = ""
    start: int = -1
    end: int = -1
    field: str = "abstract"


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one paper."""

    mentions: tuple[Mention, ...] = ()
    code_links: tuple[CodeLink, ...] = ()
    results: tuple[Result, ...] = ()
    version: str = ""
    extra: dict = field(default_factory=dict)


def slots_twin(cls: type) -> type | None:
    """A class with the slots of the frozen slots dataclass ``cls`` whose instances take plain attribute
    stores and which Python lets become ``cls`` instances by ``__class__`` assignment (the layouts are
    the same), or ``None`` when it refuses.

    Plain slot stores on a twin instance are cheap; a frozen dataclass's ``__init__`` sets each field
    through ``object.__setattr__`` (~1 us for a 15-field :class:`Mention`). A twin instance with every
    slot set, then given the class ``cls``, is what ``cls(...)`` makes.
    """
    # a subclass that adds no slots and sets attributes as ``object`` does (the dataclass refuses): its
    # instances have the layout of ``cls``, which Python sees at once when the class is switched (a
    # separate class with the same slots costs a comparison of the slot names on every switch)
    twin = type(f"_{cls.__name__}Slots", (cls,), {"__slots__": (), "__setattr__": object.__setattr__,
                                                   "__delattr__": object.__delattr__})
    probe = object.__new__(twin)
    try:
        probe.__class__ = cls
    except TypeError:  # pragma: no cover - e.g. a class without slots
        return None
    return twin


def positional_maker(cls: type) -> Callable[..., Any]:
    """A fast positional constructor of the frozen slots dataclass ``cls``.

    ``make(*values)``, with a value for every field in field order, returns what ``cls(*values)``
    returns (no field defaults, no ``__post_init__``: callers give everything). ``make`` stores the values
    into an instance of :func:`slots_twin` of ``cls`` and then makes it a ``cls`` by ``__class__``
    assignment (when Python refuses that, ``make`` sets the slots through their descriptors instead, as
    the dataclass does).
    """
    names = tuple(f.name for f in fields(cls))
    args = ", ".join(names)
    twin = slots_twin(cls)
    if twin is not None:
        src = (f"def make({args}):\n    o = new(twin)\n" + "".join(f"    o.{n} = {n}\n" for n in names)
               + "    o.__class__ = cls\n    return o\n")
        ns: dict[str, Any] = {"new": object.__new__, "twin": twin, "cls": cls}
    else:  # pragma: no cover - (layouts differ): set the slots through their descriptors
        src = (f"def make({args}):\n    o = new(cls)\n" + "".join(f"    set_{n}(o, {n})\n" for n in names)
               + "    return o\n")
        ns = {"new": object.__new__, "cls": cls, **{f"set_{n}": getattr(cls, n).__set__ for n in names}}
    exec(src, ns)  # noqa: S102 - generated from the dataclass's own field names
    return ns["make"]


new_code_link = positional_maker(CodeLink)
new_result = positional_maker(Result)
new_extraction = positional_maker(Extraction)
#: The slots twin of :class:`Mention` (see :func:`slots_twin`), for code that fills a record slot by slot.
MENTION_TWIN: type = slots_twin(Mention)  # type: ignore[assignment]
if MENTION_TWIN is None:  # pragma: no cover - CPython allows the assignment between these layouts
    raise ImportError("Mention records cannot be made from their slots twin")
