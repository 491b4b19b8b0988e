"""The app's only door to the graph: graph's query API, cached by database state.

Every function takes the database path first and returns plain data. Results are
cached with ``st.cache_data`` keyed by ``(path, graph.db.state_token(path))``, so a
rebuilt database is never served stale results, and no sqlite connection outlives a
call (graph opens and closes its own). Errors are ``LitkgError`` subclasses with a
one-line message; pages show them with ``st.error``.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import streamlit as st

from extract.errors import LitkgError
from extract.records import ENTITY_TYPES

DEFAULT_DB = Path("data") / "litkg.db"
SESSION_DB_KEY = "litkg_db"
CANVAS_HEIGHT = 560  # the graph canvas inside the app's iframe (the exported page keeps its own height)


class FeatureUnavailable(LitkgError):
    """A part of graph's API this app needs is not installed."""


# --------------------------------------------------------------------------- database path


def db_from_argv(argv: Sequence[str]) -> str | None:
    """The value of ``--db PATH`` or ``--db=PATH`` in the script arguments (after ``--``).

    >>> db_from_argv(["app.py", "--db", "/tmp/x.db"])
    '/tmp/x.db'
    >>> db_from_argv(["app.py", "--db=/tmp/y.db"]) , db_from_argv(["app.py"])
    ('/tmp/y.db', None)
    """
    args = list(argv[1:])
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg.split("=", 1)[1]
    return None


def resolve_db_path() -> str:
    """The database this session reads: a database built in the app, else ``--db``, else ``LITKG_DB``.

    Falls back to ``data/litkg.db``. Called inside the app run, never at import time.
    """
    chosen = st.session_state.get(SESSION_DB_KEY)
    if chosen:
        return str(chosen)
    path = db_from_argv(sys.argv) or os.environ.get("LITKG_DB") or str(DEFAULT_DB)
    return str(Path(path).expanduser().resolve())


def state_token(db: str) -> str:
    from graph.db import state_token as token

    return token(db)


# --------------------------------------------------------------------------- generic cached call


def _function(module: str, name: str) -> Callable[..., Any]:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise FeatureUnavailable(f"{module} is not available in this installation ({exc})") from None
    fn = getattr(mod, name, None)
    if fn is None:
        raise FeatureUnavailable(f"{module}.{name} is not available in this installation")
    return fn


@st.cache_data(show_spinner=False, max_entries=1024, ttl=6 * 3600)
def _cached(module: str, name: str, db: str, token: str, args: tuple, kwargs: dict) -> Any:
    return _function(module, name)(db, *args, **kwargs)


def _call(module: str, name: str, db: str | Path, *args: Any, **kwargs: Any) -> Any:
    db = str(db)
    return _cached(module, name, db, state_token(db), args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=8)
def _warm_up(db: str, token: str) -> threading.Thread:
    def work() -> None:
        try:
            import altair  # noqa: F401 - the Leaderboards chart; a few tenths of a second to import
        except Exception:  # noqa: BLE001 - only a warm-up: the page that needs it reports any error
            pass

    thread = threading.Thread(target=work, name="litkg-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up(db: str) -> None:
    """Start, once per database state and process, slow first steps in the background: for now the
    import of the charting library (Leaderboards).

    Keep it light: a first reader may open any page while it runs, and a thread busy in Python (as
    Louvain on a large corpus was) slows every page in the process by holding the interpreter. Every
    page answers its first visit from the database itself; nothing needs the whole graph in memory.
    """
    _warm_up(str(db), state_token(str(db)))


# --------------------------------------------------------------------------- graph.sql


def stats(db: str) -> dict[str, Any]:
    return _call("graph.sql", "stats", db)


def search(db: str, query: str, limit: int = 20, kind: str = "all") -> list[dict[str, Any]]:
    if not query.strip():
        return []
    return _call("graph.sql", "search", db, query, limit=limit, kind=kind)


def run_sql(db: str, sql: str, params: dict[str, str] | None = None, limit: int = 5000,
            timeout: float = 5.0) -> tuple[list[str], list[dict]]:
    """The SQL console: the user's statement goes to graph.sql.run_sql as it is (read-only, timed),
    its ``:name`` values as bound parameters."""
    return _call("graph.sql", "run_sql", db, sql, dict(params or {}) or None, limit=limit, timeout=timeout)


def rows_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A query result as CSV bytes, with spreadsheet formulas neutralised (graph.output.to_csv)."""
    return _function("graph.output", "rows_to_csv")(columns, rows).encode("utf-8")


def recipes() -> list[dict[str, Any]]:
    """The README's SQL recipes as ``[{"name", "description", "sql", "params": {name: example}}]``."""
    raw = _function("graph.recipes", "RECIPES")
    try:
        examples = _function("graph.recipes", "EXAMPLE_PARAMS")
    except FeatureUnavailable:
        examples = {}
    out = []
    for item in raw:
        if isinstance(item, dict):
            name, description, sql = item.get("name", ""), item.get("description", ""), item.get("sql", "")
        else:
            name, description, sql = (list(item) + ["", "", ""])[:3]
        out.append({"name": str(name), "description": str(description), "sql": str(sql),
                    "params": dict(examples.get(name, {}))})
    return out


# --------------------------------------------------------------------------- graph.queries


def resolve_node(db: str, text: str, kind: str | None = None) -> dict[str, Any]:
    return _call("graph.queries", "resolve_node", db, text, kind=kind)


def top(db: str, type: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    return _call("graph.queries", "top", db, type=type, limit=limit)


def communities(db: str, min_size: int = 3, limit: int = 20) -> list[dict[str, Any]]:
    return _call("graph.queries", "communities", db, min_size=min_size, limit=limit)


def paper_detail(db: str, paper: str) -> dict[str, Any]:
    return _call("graph.queries", "paper_detail", db, paper)


def entity_detail(db: str, entity: str) -> dict[str, Any]:
    return _call("graph.queries", "entity_detail", db, entity)


def similar(db: str, paper: str, by: str = "all", limit: int = 10) -> list[dict[str, Any]]:
    return _call("graph.queries", "similar", db, paper, by=by, limit=limit)


def shared(db: str, a: str, b: str) -> dict[str, Any]:
    return _call("graph.queries", "shared", db, a, b)


def path(db: str, a: str, b: str) -> dict[str, Any]:
    return _call("graph.queries", "path", db, a, b)


def together(db: str, entities: dict[str, str] | list[str], limit: int = 100) -> list[dict[str, Any]]:
    """Papers mentioning all ``entities`` (``{type: name}`` or a list of names / ``e:<id>``)."""
    spec = dict(entities) if isinstance(entities, dict) else list(entities)
    return _call("graph.queries", "together", db, spec, limit=limit)


# --------------------------------------------------------------------------- views and export


def _view(db: str, center: str | None, hops: int, types: tuple[str, ...] | None, max_nodes: int,
          min_weight: float):
    fn = _function("graph.views", "view_graph")
    return fn(db, center=center, hops=hops, types=list(types) if types else None, max_nodes=max_nodes,
              min_weight=min_weight)


@st.cache_data(show_spinner=False, max_entries=128, ttl=6 * 3600)
def _view_summary(db: str, token: str, center: str | None, hops: int, types: tuple[str, ...] | None,
                  max_nodes: int, min_weight: float) -> dict[str, Any]:
    view = _view(db, center, hops, types, max_nodes, min_weight)
    html = _function("graph.export", "to_html")(view, height=f"{CANVAS_HEIGHT}px")
    g = view.graph
    nodes = []
    for node_id, attrs in g.nodes(data=True):
        nodes.append({
            "node": str(node_id),
            "kind": attrs.get("kind") or ("paper" if str(node_id).startswith("p:") else "entity"),
            "label": str(attrs.get("title") or attrs.get("label") or node_id),
            "short": str(attrs.get("label") or attrs.get("title") or node_id),
            "type": attrs.get("type") or ("paper" if str(node_id).startswith("p:") else None),
            "year": attrs.get("year"),
            "papers": attrs.get("papers"),
            "degree": g.degree(node_id),
        })
    nodes.sort(key=lambda n: (n["node"] != view.center, -n["degree"], n["label"].lower()))
    return {
        "html": html,
        "nodes": nodes,
        "edges": g.number_of_edges(),
        "center": view.center,
        "title": getattr(view, "title", None) or "",
        "left_out": dict(getattr(view, "left_out", None) or {}),
    }


def _types_key(types: Sequence[str] | None) -> tuple[str, ...] | None:
    """The entity types of a view as a cache key; ``None`` (no filter) when they name every type: the same
    view, and graph.views then walks the edge table from the centre instead of every entity of those types
    (seconds on a large corpus)."""
    if not types:
        return None
    if set(ENTITY_TYPES) <= set(types):
        return None
    return tuple(sorted(types))


def view(db: str, center: str | None = None, hops: int = 1, types: Sequence[str] | None = None,
         max_nodes: int = 150, min_weight: float = 0.0) -> dict[str, Any]:
    """The neighbourhood view of ``center`` as ``{"html", "nodes", "edges", "center", "title", "left_out"}``.

    ``html`` is graph.export's self-contained page (pyvis); ``nodes`` are the nodes in
    view, the centre first, then by degree.
    """
    db = str(db)
    key_types = _types_key(types)
    return _view_summary(db, state_token(db), center, int(hops), key_types, int(max_nodes), float(min_weight))


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _export(db: str, token: str, center: str | None, hops: int, types: tuple[str, ...] | None, max_nodes: int,
            min_weight: float, fmt: str) -> dict[str, bytes]:
    v = _view(db, center, hops, types, max_nodes, min_weight)
    if fmt == "html":
        return {"html": _function("graph.export", "to_html")(v).encode("utf-8")}
    if fmt == "graphml":
        return {"graphml": _as_bytes(_function("graph.export", "to_graphml")(v))}
    if fmt == "gexf":
        return {"gexf": _as_bytes(_function("graph.export", "to_gexf")(v))}
    if fmt == "csv":
        nodes_csv, edges_csv = _function("graph.export", "to_csv")(v)
        return {"nodes": _as_bytes(nodes_csv), "edges": _as_bytes(edges_csv)}
    raise FeatureUnavailable(f"unknown export format {fmt!r}")


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def export(db: str, fmt: str, center: str | None = None, hops: int = 1, types: Sequence[str] | None = None,
           max_nodes: int = 150, min_weight: float = 0.0) -> dict[str, bytes]:
    """The view exported as ``fmt`` (html | graphml | gexf | csv): ``{part name: bytes}``."""
    db = str(db)
    key_types = _types_key(types)
    return _export(db, state_token(db), center, int(hops), key_types, int(max_nodes), float(min_weight), fmt)


# --------------------------------------------------------------------------- graph.results (leaderboards)
# Owned by the results/leaderboards contributor (issue 7): claims read from abstracts, ranked per benchmark.


def benchmarks(db: str, min_results: int = 1) -> list[dict[str, Any]]:
    """The (dataset, metric) pairs with absolute result claims, most claims first."""
    return _call("graph.results", "benchmarks", db, min_results=min_results)


def leaderboard(db: str, dataset: str, metric: str | None = None, limit: int = 50,
                include_families: bool = True) -> dict[str, Any]:
    """Ranked claims on ``dataset`` (one board per metric and unit); see graph.results.leaderboard."""
    return _call("graph.results", "leaderboard", db, dataset, metric=metric, limit=limit,
                 include_families=include_families)


def paper_results(db: str, paper: str) -> dict[str, Any]:
    """Every result claim of one paper (absolute, improvement, ratio) with its evidence sentence."""
    return _call("graph.results", "paper_results", db, paper)


# --------------------------------------------------------------------------- building


def build(db: str, sources: Sequence[str | Path], progress: Callable[[Any], None] | None = None,
          skip_bad: bool = False) -> Any:
    """Build (or update) ``db`` from ``sources`` with graph.build; returns its WriteStats."""
    fn = _function("graph.build", "build")
    return fn(db, [str(s) for s in sources], progress=progress, skip_bad=skip_bad)
