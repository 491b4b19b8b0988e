"""Rendering helpers shared by the pages: links between views, escaping, highlighting, errors.

Untrusted text (titles, abstracts, entity names, URLs from the corpus) reaches the
page only as plain text, escaped Markdown or escaped HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

import streamlit as st

from extract.errors import LitkgError
from ui import data, theme

PAPER_PAGE = "pages/paper.py"
ENTITY_PAGE = "pages/entity.py"
EXPLORE_PAGE = "pages/explore.py"
TRACE_PAGE = "pages/trace.py"
BUILD_PAGE = "pages/build.py"
EXPORT_PAGE = "pages/export.py"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:])")


def md_escape(text: Any) -> str:
    """Escape Markdown so corpus text shows literally in headings, labels and captions.

    >>> md_escape("<img src=x> *bold* $x$")
    '\\\\<img src=x\\\\> \\\\*bold\\\\* \\\\$x\\\\$'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def safe_url(url: Any) -> str | None:
    """The URL if it is a plain http(s) link, else ``None`` (no ``javascript:`` links)."""
    if not url:
        return None
    text = str(url).strip()
    try:
        parsed = urlparse(text)
    except ValueError:
        return None
    if parsed.scheme in ("http", "https") and parsed.netloc and not re.search(r"[\s<>\"']", text):
        return text
    return None


def _known(value: Any) -> bool:
    return value is not None and value == value  # NaN is the one value unequal to itself


def table_frame(columns: dict[str, Iterable[Any]]) -> Any:
    """A pandas DataFrame for ``st.dataframe`` in which unknown values are blank cells.

    Streamlit writes a missing value (None, NaN) as a grey "None": a column that misses any value
    is shown as text, blank where unknown, and years as plain four-digit text (no "2,021.0").

    >>> frame = table_frame({"Year": [2021, None], "Method": ["ResNet", None], "Rank": [1, 2]})
    >>> frame.to_dict("list")
    {'Year': ['2021', ''], 'Method': ['ResNet', ''], 'Rank': [1, 2]}
    """
    import pandas as pd

    out = {}
    for name, values in columns.items():
        values = list(values)
        if name.lower() == "year":
            out[name] = [str(int(v)) if _known(v) else "" for v in values]
        elif all(_known(v) for v in values):
            out[name] = values
        else:
            out[name] = ["" if not _known(v) else v if isinstance(v, str) else str(v) for v in values]
    return pd.DataFrame(out)


def current_db() -> str:
    return data.resolve_db_path()


def show_error(exc: Exception) -> None:
    """One clear line for a domain error (never a traceback)."""
    st.error(md_escape(str(exc) or exc.__class__.__name__), icon=":material/error:")


def query_param(name: str, default: str = "") -> str:
    value = st.query_params.get(name)
    return str(value) if value is not None else default


def paper_label(title: Any, year: Any = None) -> str:
    text = " ".join(str(title or "(untitled)").split())
    if len(text) > 90:
        text = text[:88].rsplit(" ", 1)[0] + "…"
    label = md_escape(text)
    return f"{label} ({year})" if year else label


def paper_link(paper_id: str, title: Any, year: Any = None, *, key_hint: str = "") -> None:
    """A link to the Paper view (``?paper=<id>``)."""
    st.page_link(PAPER_PAGE, label=paper_label(title, year), icon=theme.icon("paper"),
                 query_params={"paper": str(paper_id)})


def entity_link(name: Any, type_: str | None = None, extra: str = "") -> None:
    """A link to the Entity view (``?entity=<name>``)."""
    label = md_escape(name)
    if extra:
        label += f" · {md_escape(extra)}"
    st.page_link(ENTITY_PAGE, label=label, icon=theme.icon(type_), query_params={"entity": str(name)})


def explore_link(node: str, label: str = "Explore its neighbourhood") -> None:
    st.page_link(EXPLORE_PAGE, label=label, icon=":material/hub:", query_params={"node": node})


def type_badge(type_: str | None, text: str | None = None) -> str:
    """An escaped HTML badge in the type's colour."""
    t = type_ or "?"
    return (
        f'<span style="background:{theme.color(t)};color:#fff;border-radius:0.6em;padding:0.05em 0.55em;'
        f'font-size:0.8em;font-weight:600">{html.escape(text or t)}</span>'
    )


def legend_html(types: Iterable[str] = (*theme.ENTITY_TYPES,)) -> str:
    parts = [
        f'<span style="background:{theme.TYPE_BACKGROUNDS.get(t, "#eee")};border-bottom:2px solid {theme.color(t)};'
        f'padding:0.05em 0.4em;margin-right:0.6em;border-radius:0.2em">{html.escape(t)}</span>'
        for t in types
    ]
    parts.append('<span style="margin-left:0.6em"><b>bold</b> = proposed by this paper</span>')
    return '<div style="font-size:0.85em;margin:0.3em 0 0.8em 0">' + "".join(parts) + "</div>"


def highlight(text: str, mentions: Iterable[dict[str, Any]]) -> str:
    """``text`` as escaped HTML with every mention wrapped in a ``<mark>`` of its type colour.

    Mentions are ``{"start", "end", "type", "role", "entity"}`` with character offsets
    into ``text``; overlapping mentions keep the first (longest at equal starts). The
    text between and inside mentions is escaped piece by piece.

    >>> highlight("a <b> ConvNeXt", [{"start": 6, "end": 14, "type": "method", "role": "used", "entity": "ConvNeXt"}])[:68]
    'a &lt;b&gt; <mark class="litkg-m litkg-method" title="method, used: '
    """
    spans = sorted(
        (m for m in mentions if 0 <= int(m.get("start", -1)) < int(m.get("end", -1)) <= len(text)),
        key=lambda m: (int(m["start"]), -int(m["end"])),
    )
    out: list[str] = []
    pos = 0
    for m in spans:
        start, end = int(m["start"]), int(m["end"])
        if start < pos:
            continue
        type_ = str(m.get("type") or "")
        role = str(m.get("role") or "used")
        css_type = type_ if type_ in theme.TYPE_COLORS else "other"
        tip = f"{type_}, {role}" + (f": {m['entity']}" if m.get("entity") else "")
        weight = "700" if role == "proposed" else "400"
        out.append(html.escape(text[pos:start]))
        out.append(
            f'<mark class="litkg-m litkg-{css_type}" title="{html.escape(tip, quote=True)}" '
            f'style="background:{theme.TYPE_BACKGROUNDS.get(type_, "#eee")};'
            f'border-bottom:2px solid {theme.color(type_)};font-weight:{weight};padding:0 0.1em;border-radius:0.2em">'
            f"{html.escape(text[start:end])}</mark>"
        )
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def guarded(fn, *args, **kwargs):
    """Call ``fn``; on a domain error show it and return ``None``."""
    try:
        return fn(*args, **kwargs)
    except LitkgError as exc:
        show_error(exc)
        return None


def db_problem(db: str) -> str | None:
    """Why ``db`` cannot be explored (missing, not litkg, empty), or ``None`` when it can."""
    try:
        s = data.stats(db)
    except LitkgError as exc:
        return str(exc)
    if not s.get("papers"):
        return f"{db}: the database holds no papers yet"
    return None


def how_to_build(db: str, problem: str) -> None:
    """What to do when there is no usable database: the commands, and the upload page."""
    st.title("litkg: a literature knowledge graph")
    st.warning(problem, icon=":material/warning:")
    st.markdown(
        "There is no graph to explore yet. Build one from paper abstracts (Hugging Face listings, JSONL, CSV, "
        "BibTeX, arXiv or OpenAlex exports) on the command line:"
    )
    st.code(f"litkg build {db} data/*.txt\nlitkg app {db}", language="bash")
    st.markdown("or, from a clone of the repository, `make run`. You can also upload a file and build it here:")
    st.page_link(BUILD_PAGE, label="Build a corpus from a file", icon=":material/upload_file:")


def not_found(what: str, text: str, exc: Exception) -> None:
    st.warning(md_escape(f"No {what} matches {text!r}: {exc}"), icon=":material/search_off:")


def node_kind(node: str) -> str:
    return "paper" if str(node).startswith("p:") else "entity"


def default_center(db: str) -> tuple[dict[str, Any] | None, str]:
    """The node a view shows when nothing is chosen: the most connected benchmark, else entity.

    Returns ``(node dict {"kind", "node", "name", "type", "papers"} or None, a phrase saying what it is)``;
    ``None`` (the whole graph's best connected part) when the corpus has no entity.
    """
    for type_ in ("dataset", None):
        try:
            rows = data.top(db, type=type_, limit=1)
        except data.FeatureUnavailable:
            break
        if rows:
            row = rows[0]
            what = "benchmark" if row.get("type") == "dataset" else str(row.get("type") or "entity")
            node = {"kind": "entity", "id": row["entity_id"], "node": f"e:{row['entity_id']}",
                    "name": row["entity"], "type": row["type"], "papers": row["papers"]}
            return node, f"the most connected {what}, {row['entity']} ({row['papers']:,} papers)"
    return None, "the best connected part of the graph"


# An entity in more papers than this is drawn with its papers only (1 hop), whatever the hops setting.
HUB_PAPERS = 500


def plan_view(db: str, chosen: str, hops: int) -> tuple[dict[str, Any] | None, int, list[str]]:
    """The centre node for ``chosen`` (or the default), the hops to draw, and notes for the reader.

    Raises the graph's ``LitkgError`` (NodeNotFound, AmbiguousNode with ``candidates``).
    """
    notes = []
    if chosen:
        node = data.resolve_node(db, chosen)
    else:
        node, why = default_center(db)
        notes.append(f"Nothing chosen yet: showing {why}.")
    if node and node.get("kind") == "entity" and (node.get("papers") or 0) > HUB_PAPERS and hops > 1:
        # the papers of a hub are already more than a view can show: going further adds noise (and minutes)
        notes.append(f"{node['name']} is in {node['papers']:,} papers, so the graph shows its papers only (1 hop). "
                     "Re-centre on one of them, or on a more specific entity, to see further.")
        hops = 1
    return node, hops, notes


# The graph view's settings and their URL parameters (?node=&hops=&types=&min=&cap=).
VIEW_DEFAULTS = {"hops": 2, "cap": 100, "min": 1}
HOPS = (1, 2, 3)
MIN_WEIGHTS = (1, 2, 3, 5, 10, 20, 50, 100, 500, 1000)
CAP_RANGE = (10, 500)


def _int_param(name: str, default: int, allowed) -> int:
    try:
        value = int(query_param(name, str(default)))
    except ValueError:
        return default
    return value if value in allowed else default


def view_params() -> dict[str, Any]:
    """The graph view described by the URL: ``{"node", "hops", "types", "min_weight", "cap"}``."""
    types = [t for t in query_param("types").split(",") if t in theme.ENTITY_TYPES]
    return {
        "node": query_param("node").strip(),
        "hops": _int_param("hops", VIEW_DEFAULTS["hops"], HOPS),
        "types": types or list(theme.ENTITY_TYPES),
        "min_weight": _int_param("min", VIEW_DEFAULTS["min"], MIN_WEIGHTS),
        "cap": _int_param("cap", VIEW_DEFAULTS["cap"], range(CAP_RANGE[0], CAP_RANGE[1] + 1)),
    }


# Named parameters (:entity) outside quoted strings become input boxes, bound by sqlite, never pasted in.
_SQL_PARAM = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|(?<![:\w]):([A-Za-z_]\w*)")


def sql_param_names(sql: str) -> list[str]:
    """The ``:name`` parameters of a statement, in order of first use (not those inside quotes)."""
    names: list[str] = []
    for m in _SQL_PARAM.finditer(sql):
        if m.group(1) and m.group(1) not in names:
            names.append(m.group(1))
    return names
