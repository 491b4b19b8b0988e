"""Colours, icons and labels shared by every page of the app."""

from __future__ import annotations

# One colour per node type, used in the graph, the abstract highlighting and the legends: the
# Okabe-Ito colours of graph.export.NODE_STYLES (colour-blind safe), so the canvas and the page agree.
TYPE_COLORS: dict[str, str] = {
    "method": "#e69f00",
    "dataset": "#0072b2",
    "metric": "#009e73",
    "task": "#cc79a7",
    "paper": "#8c9aab",
}
# Light backgrounds for highlighted mentions (same hues, readable under dark text).
TYPE_BACKGROUNDS: dict[str, str] = {
    "method": "#fcebc7",
    "dataset": "#d2e6f5",
    "metric": "#cdefe3",
    "task": "#f6e2ee",
    "paper": "#e8ecf0",
}
TYPE_ICONS: dict[str, str] = {
    "method": ":material/build:",
    "dataset": ":material/database:",
    "metric": ":material/straighten:",
    "task": ":material/flag:",
    "paper": ":material/article:",
}
ENTITY_TYPES: tuple[str, ...] = ("method", "dataset", "metric", "task")
TYPE_PLURALS: dict[str, str] = {"method": "Methods", "dataset": "Datasets", "metric": "Metrics", "task": "Tasks"}


def color(type_: str | None) -> str:
    """The colour of a node type (grey for unknown types).

    >>> color("dataset")
    '#0072b2'
    """
    return TYPE_COLORS.get(type_ or "", "#56b4e9")


def icon(type_: str | None) -> str:
    """A Material icon for a node type, for buttons and page links."""
    return TYPE_ICONS.get(type_ or "", ":material/label:")
