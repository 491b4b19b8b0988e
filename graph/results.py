"""Leaderboards from result claims: who claims what on which benchmark.

The ``results`` table holds the (method, dataset, metric, value) claims that
:func:`extract.results.find_results` read in abstracts. This module ranks them:

* :func:`leaderboard` — the absolute claims on one benchmark (and, by default, its
  variants: ``ImageNet`` covers ``ImageNet-1K``), one board per metric, best first;
* :func:`paper_results` — every claim of one paper (absolute, improvement, ratio);
* :func:`benchmarks` — the (dataset, metric) pairs that have absolute claims, for pickers.

Every function takes the database path first, opens its own read-only connection and
closes it, and returns plain JSON-able data.

Ranking rules
-------------
* Only ``kind = 'absolute'`` claims are ranked ("+3.5 AP" and "1.6x faster" are not scores).
* Direction comes from the metric name (:func:`higher_is_better`): error rates, FID,
  perplexity, WER, latency, MAE, ... rank ascending; everything else descending.
* One row per (paper, method) per board: the paper's best claim.
* A board holds one unit. For percentage-type metrics (accuracy, AP, mIoU, F1, AUC,
  Recall@k, BLEU, error rate, ...) unitless fractions (0 < value <= 1) are shown as
  percentages (value x 100, ``"normalized": true``) when the board's other claims are
  percentages or unitless numbers above 1, so ``AUC 0.955`` and ``AUC 95.5%`` rank
  together. Unitless values above 1 of such a metric are on the same 0-100 scale and
  join a ``%`` board. Any other unit disagreement (``ms`` vs ``s``) gives separate boards.
* Results whose metric or dataset was not linked to an entity at build time (the
  metric was read from a well-known token, not a mention) are linked at query time by
  entity key or alias, so "top-1 accuracy" claims of two papers share a board.

These are claims from abstracts, not verified result tables: every row carries its
evidence sentence, and :data:`NOTE` says so.
"""

from __future__ import annotations

import difflib
import itertools
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from extract.errors import LitkgError
from graph.db import read_connection

NOTE = "Claims extracted from abstracts, not verified result tables."

__all__ = [
    "NOTE", "BenchmarkNotFound", "leaderboard", "paper_results", "benchmarks", "higher_is_better",
    "is_percentage_metric",
]


class BenchmarkNotFound(LitkgError):
    """No dataset (or no metric of a dataset) with result claims matches a name.

    ``candidates`` holds the closest names that do have claims.
    """

    def __init__(self, message: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


# ---- metric direction and scale -------------------------------------------------------------------------
_LOWER_TOKENS = frozenset("""
error errors err loss losses perplexity ppl latency runtime time seconds distance divergence nll fid fvd kid
lpips wer cer eer ter mae rmse mse msle mape smape rmsd hd95 hausdorff chamfer epe ade fde nme absrel ate rpe
aer bpd bpc bpb brier ece fpr far frr hter acer apcer bpcer mnr mdr crps memory flops gflops macs cost overhead
params parameters
""".split())
_LOWER_PHRASES = re.compile(
    r"bits? per (?:dim|dimension|char|character|byte|pixel)|bits/dim|mean rank|median rank|miss rate|"
    r"false positive|false alarm|false negative|word error|real time factor|rtf"
)
_PERCENT_TOKENS = frozenset("""
accuracy acc precision recall f1 f score measure ap ap50 ap75 aps apm apl map map50 map75 iou miou auc auroc
auprc roc prc dice jaccard hit hr ndcg mrr em match success rate bleu rouge rouge1 rouge2 rougel meteor error
errors err wer cer eer ter specificity sensitivity pq sq rq mota motp hota idf1 win coverage pck sacrebleu chrf
top1 top5 r1 r5 r10 pass
""".split())


def _tokens(metric: str) -> list[str]:
    return re.sub(r"[^0-9a-z@]+", " ", metric.lower().replace("-", "")).split() + \
        re.sub(r"[^0-9a-z@]+", " ", metric.lower()).split()


def higher_is_better(metric: str) -> bool:
    """Whether a larger value of ``metric`` is better (most metrics) or worse (errors, distances, ...).

    Examples
    --------
    >>> higher_is_better("top-1 accuracy"), higher_is_better("FID"), higher_is_better("top-1 error")
    (True, False, False)
    >>> higher_is_better("bits per dimension"), higher_is_better("Word Error Rate"), higher_is_better("mIoU")
    (False, False, True)
    """
    low = " ".join(re.sub(r"[^0-9a-z@/]+", " ", metric.lower()).split())
    if _LOWER_PHRASES.search(low):
        return False
    return not any(t.split("@")[0] in _LOWER_TOKENS for t in _tokens(metric))


def is_percentage_metric(metric: str) -> bool:
    """Whether ``metric`` is a 0-100 (or 0-1) score: accuracy, AP, mIoU, F1, AUC, Recall@k, BLEU, error rate, ...

    >>> is_percentage_metric("top-1 accuracy"), is_percentage_metric("Recall@1"), is_percentage_metric("FID")
    (True, True, False)
    """
    for t in _tokens(metric):
        if t in _PERCENT_TOKENS or t.split("@")[0] in _PERCENT_TOKENS or re.fullmatch(r"(?:r|recall|hr|p)@\d+", t):
            return True
    return False


# ---- plumbing -------------------------------------------------------------------------------------------
def _key(text: str | None) -> str:
    if not text:
        return ""
    try:
        from extract.canonical import entity_key
    except ImportError:  # pragma: no cover - only while the pipeline is incomplete
        return " ".join(text.lower().split())
    return entity_key(text)


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class _EntityLookup:
    """Entities by key or alias key, for result names that were not linked at build time (cached per call)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._cache: dict[tuple[str, str], tuple[int, str] | None] = {}

    def find(self, name: str | None, type_: str) -> tuple[int, str] | None:
        k = _key(name)
        if not k:
            return None
        hit = self._cache.get((k, type_), ...)
        if hit is not ...:
            return hit
        row = self.conn.execute(
            "SELECT id, name FROM entities WHERE key = ? AND type = ? UNION ALL "
            "SELECT e.id, e.name FROM aliases a JOIN entities e ON e.id = a.entity_id "
            "WHERE a.alias_key = ? AND e.type = ? LIMIT 1",
            [k, type_, k, type_],
        ).fetchone()
        found = (row[0], row[1]) if row else None
        self._cache[(k, type_)] = found
        return found


def _family_ids(conn: sqlite3.Connection, root: int) -> list[int]:
    """``root`` and its variants, transitively (ImageNet -> ImageNet-1K, ImageNet-21K, ...)."""
    ids, frontier = [root], [root]
    while frontier:
        rows = conn.execute(f"SELECT id FROM entities WHERE family_id IN ({_marks(frontier)})", frontier).fetchall()
        frontier = [r[0] for r in rows if r[0] not in ids]
        ids += frontier
    return ids


def _dataset_names(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(dataset name, number of absolute claims) for every dataset with claims, most claims first."""
    rows = conn.execute(
        "SELECT COALESCE(e.name, r.dataset) AS name, count(*) AS n FROM results r "
        "LEFT JOIN entities e ON e.id = r.dataset_id "
        "WHERE r.kind = 'absolute' AND (r.dataset_id IS NOT NULL OR r.dataset IS NOT NULL) "
        "GROUP BY name ORDER BY n DESC, name"
    ).fetchall()
    return [(r[0], r[1]) for r in rows if r[0]]


def _closest(text: str, names: Sequence[str], n: int = 5) -> list[str]:
    by_low: dict[str, str] = {}
    for name in names:
        by_low.setdefault(name.lower(), name)
    close = [by_low[c] for c in difflib.get_close_matches(text.lower(), list(by_low), n=n, cutoff=0.4)]
    prefix = [name for name in names if name.lower().startswith(text.lower()[:3])]
    out: list[str] = []
    for name in itertools.chain(close, prefix, names):
        if len(out) == n:
            break
        if name not in out:
            out.append(name)
    return out


def _resolve_dataset(db: str | Path, conn: sqlite3.Connection, text: str) -> dict[str, Any]:
    """The dataset entity ``text`` names: ``{"id", "name"}`` (``id`` is None for an unlinked result name)."""
    text = (text or "").strip()
    if not text:
        raise BenchmarkNotFound("give a dataset name (litkg benchmarks DB lists the datasets with results)")
    from graph.queries import AmbiguousNode, NodeNotFound, resolve_node

    try:
        node = resolve_node(db, text, kind="dataset")
        return {"id": node["id"], "name": node["name"]}
    except AmbiguousNode:
        raise
    except NodeNotFound:
        pass
    # an entity of another type that claims name as their dataset (the store links by key; the benchmark
    # list shows it): by node name, key or alias
    k = _key(text)
    node_id = re.fullmatch(r"e:(\d+)", text)
    row = conn.execute(
        "SELECT e.id, e.name FROM entities e WHERE (e.id = ? OR e.key = ? OR e.id IN "
        "(SELECT entity_id FROM aliases WHERE alias_key = ?)) "
        "AND EXISTS (SELECT 1 FROM results r WHERE r.dataset_id = e.id) ORDER BY e.paper_count DESC, e.id LIMIT 1",
        [int(node_id.group(1)) if node_id else None, k, k],
    ).fetchone()
    if row:
        return {"id": row[0], "name": row[1]}
    # a dataset name that only a result carries (no entity): match it by key
    for (name,) in conn.execute(
        "SELECT DISTINCT dataset FROM results WHERE dataset_id IS NULL AND dataset IS NOT NULL"
    ):
        if _key(name) == k:
            return {"id": None, "name": name}
    names = [n for n, _ in _dataset_names(conn)]
    cands = _closest(text, names)
    hint = ", ".join(cands) if cands else "none (no result claims in this database)"
    raise BenchmarkNotFound(f"no dataset named {text!r}; datasets with results: {hint}", cands)


# ---- leaderboard ----------------------------------------------------------------------------------------
_ROW_SQL = """
SELECT r.id, r.paper_id, p.title, p.year, r.method_id, COALESCE(me.name, r.method), r.method,
       r.dataset_id, COALESCE(d.name, r.dataset), r.dataset, r.metric_id, COALESCE(mt.name, r.metric), r.metric,
       r.value, COALESCE(r.unit, ''), r.value_text, r.sentence
FROM results r JOIN papers p ON p.id = r.paper_id
LEFT JOIN entities me ON me.id = r.method_id
LEFT JOIN entities d ON d.id = r.dataset_id
LEFT JOIN entities mt ON mt.id = r.metric_id
WHERE r.kind = 'absolute' AND ({where})
"""
_ROW_COLS = ("id", "paper_id", "title", "year", "method_id", "method", "method_text", "dataset_id", "dataset",
             "dataset_text", "metric_id", "metric", "metric_text", "value", "unit", "value_text", "evidence")


def _loose_datasets(db: str | Path, conn: sqlite3.Connection, known: set[str] | None = None) -> set[str]:
    """The dataset names (lower-cased by SQLite) of absolute claims not linked to a dataset entity, read
    once per database state (``known``: already read by the caller)."""
    from graph import model

    def read() -> set[str]:
        if known is not None:
            return known
        return {r[0] for r in conn.execute(
            "SELECT DISTINCT lower(dataset) FROM results "
            "WHERE dataset_id IS NULL AND dataset IS NOT NULL AND kind = 'absolute'")}

    return model.cached(db, "results:loose-datasets", read)


def _claims(db: str | Path, conn: sqlite3.Connection, dataset: dict[str, Any],
            include_families: bool) -> list[dict[str, Any]]:
    """The absolute claims on ``dataset`` (and its variants), with metrics linked to entities."""
    lookup = _EntityLookup(conn)
    if dataset["id"] is None:
        ids: list[int] = []
        names = {dataset["name"].lower()}
        keys = {_key(dataset["name"])}
    else:
        ids = _family_ids(conn, dataset["id"]) if include_families else [dataset["id"]]
        names, keys = set(), set()
        for name, key in conn.execute(f"SELECT name, key FROM entities WHERE id IN ({_marks(ids)})", ids):
            names.add(name.lower())
            keys.add(key)
        for alias, alias_key in conn.execute(
            f"SELECT alias, alias_key FROM aliases WHERE entity_id IN ({_marks(ids)})", ids
        ):
            names.add(alias.lower())
            keys.add(alias_key)
    # in the order of idx_results_dataset: the claims linked to the dataset, then those naming it
    found = []
    if ids:
        found += conn.execute(_ROW_SQL.format(where=f"r.dataset_id IN ({_marks(ids)})")
                              + " ORDER BY r.dataset_id, r.metric_id, r.id", ids).fetchall()
    names_list = sorted(names & _loose_datasets(db, conn))
    if names_list:
        found += conn.execute(
            _ROW_SQL.format(where=f"r.dataset_id IS NULL AND lower(r.dataset) IN ({_marks(names_list)})")
            + " ORDER BY r.metric_id, r.id", names_list).fetchall()
    rows = [dict(zip(_ROW_COLS, r, strict=True)) for r in found]
    out = []
    for row in rows:
        if row["dataset_id"] is None and _key(row["dataset_text"]) not in keys:
            continue
        if row["metric_id"] is None:
            hit = lookup.find(row["metric_text"], "metric")
            if hit:
                row["metric_id"], row["metric"] = hit
        if row["method_id"] is None and row["method_text"]:
            hit = lookup.find(row["method_text"], "method")
            if hit:
                row["method_id"], row["method"] = hit
        out.append(row)
    return out


def _unit_class(unit: str) -> str:
    u = (unit or "").strip()
    return "%" if u in ("%", "\\%", "percent") else u


def _split_boards(claims: Iterable[dict[str, Any]]) -> dict[tuple, list[dict[str, Any]]]:
    """Claims grouped by metric and unit, with percentage-type metrics put on one scale."""
    by_metric: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for c in claims:
        mkey = ("e", c["metric_id"]) if c["metric_id"] is not None else ("k", _key(c["metric"]))
        by_metric[mkey].append(c)
    boards: dict[tuple, list[dict[str, Any]]] = {}
    for mkey, rows in by_metric.items():
        name = rows[0]["metric"]
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        if is_percentage_metric(name):
            scale_rows = [r for r in rows if _unit_class(r["unit"]) in ("", "%")]
            percent = any(_unit_class(r["unit"]) == "%" or r["value"] > 1 for r in scale_rows)
            has_sign = any(_unit_class(r["unit"]) == "%" for r in scale_rows)
            for r in rows:
                unit = _unit_class(r["unit"])
                if unit in ("", "%"):
                    r = dict(r)
                    if percent and unit == "" and 0 < r["value"] <= 1:
                        r["value"] = round(r["value"] * 100, 6)
                        r["normalized"] = True
                    r["unit"] = "%" if has_sign else ""
                    groups[r["unit"]].append(r)
                else:
                    groups[unit].append({**r, "unit": unit})
        else:
            for r in rows:
                unit = _unit_class(r["unit"])
                groups[unit].append({**r, "unit": unit})
        for unit, members in groups.items():
            boards[(*mkey, unit)] = members
    return boards


def _rank_board(rows: list[dict[str, Any]], higher: bool, limit: int) -> list[dict[str, Any]]:
    best: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        mk = ("e", r["method_id"]) if r["method_id"] is not None else ("k", _key(r["method"]))
        k = (r["paper_id"], mk)
        old = best.get(k)
        if old is None or (r["value"] > old["value"] if higher else r["value"] < old["value"]):
            best[k] = r
    ordered = sorted(
        best.values(),
        key=lambda r: (-r["value"] if higher else r["value"], -(r["year"] or 0), r["title"] or "", r["id"]),
    )
    out: list[dict[str, Any]] = []
    prev, rank = None, 0
    for i, r in enumerate(ordered[: max(0, int(limit))], start=1):
        if r["value"] != prev:
            rank, prev = i, r["value"]
        out.append({
            "rank": rank, "method": r["method"], "method_id": r["method_id"], "value": r["value"],
            "unit": r["unit"], "dataset": r["dataset"], "paper_id": r["paper_id"], "title": r["title"],
            "year": r["year"], "evidence": r["evidence"], "value_text": r["value_text"] or "",
            "normalized": bool(r.get("normalized")),
        })
    return out


def _board_keys(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> set[str]:
    keys = {_key(r["metric"]) for r in rows} | {_key(r["metric_text"]) for r in rows}
    ids = sorted({r["metric_id"] for r in rows if r["metric_id"] is not None})
    if ids:
        keys |= {k for (k,) in conn.execute(f"SELECT key FROM entities WHERE id IN ({_marks(ids)})", ids)}
        keys |= {k for (k,) in conn.execute(f"SELECT alias_key FROM aliases WHERE entity_id IN ({_marks(ids)})", ids)}
    return keys - {""}


def leaderboard(
    db: str | Path,
    dataset: str,
    metric: str | None = None,
    limit: int = 50,
    include_families: bool = True,
) -> dict[str, Any]:
    """The claimed results on a benchmark, ranked, one board per metric (and unit).

    Parameters
    ----------
    db : str or Path
        The database.
    dataset : str
        A dataset name or alias (``"ImageNet-1K"``, ``"imagenet"``, ``"e:5"``).
    metric : str, optional
        Keep only this metric's board(s) (a name or alias: ``"top-1 accuracy"``).
    limit : int
        Rows per board.
    include_families : bool
        A family covers its variants: ``ImageNet`` also ranks claims on ``ImageNet-1K``.

    Returns
    -------
    dict
        ``{"dataset": {"id", "name", "includes": [dataset names]}, "metric": {"id", "name"} | None,
        "note", "boards": [{"metric", "metric_id", "unit", "higher_is_better", "claims",
        "rows": [{"rank", "method", "method_id", "value", "unit", "dataset", "paper_id", "title",
        "year", "evidence", "value_text", "normalized"}]}]}``. Boards come most claims first.

    Raises
    ------
    BenchmarkNotFound
        No dataset of that name, or the dataset has no claims for ``metric``; lists candidates.
    graph.queries.AmbiguousNode
        The name matches several datasets.

    Examples
    --------
    >>> board = leaderboard(db, "ImageNet-1K")  # doctest: +SKIP
    >>> [(r["rank"], r["method"], r["value"]) for r in board["boards"][0]["rows"]]  # doctest: +SKIP
    [(1, 'ConvNeXt', 87.8), (2, 'HorNet', 84.3)]
    """
    with read_connection(db) as conn:
        ds = _resolve_dataset(db, conn, dataset)
        claims = _claims(db, conn, ds, include_families)
        boards_raw = _split_boards(claims)
        chosen: dict[str, Any] | None = None
        if metric is not None and metric.strip():
            mk = _key(metric)
            metric_entity = _EntityLookup(conn).find(metric, "metric")
            keys = {k: _board_keys(conn, rows) for k, rows in boards_raw.items()}
            picked = {
                k: rows for k, rows in boards_raw.items()
                if (metric_entity and rows[0]["metric_id"] == metric_entity[0]) or mk in keys[k]
            }
            if not picked and mk:  # a unique prefix: "top-1 acc" -> "top-1 accuracy"
                prefixed = {k: rows for k, rows in boards_raw.items() if any(b.startswith(mk) for b in keys[k])}
                if len({rows[0]["metric"] for rows in prefixed.values()}) == 1:
                    picked = prefixed
            if not picked:
                names = sorted({rows[0]["metric"] for rows in boards_raw.values()})
                cands = _closest(metric, names)
                hint = ", ".join(cands) if cands else "none"
                raise BenchmarkNotFound(
                    f"no claims of metric {metric!r} on {ds['name']}; metrics with claims there: {hint}", cands
                )
            boards_raw = picked
            first = next(iter(picked.values()))[0]
            chosen = {"id": first["metric_id"], "name": first["metric"]}
    boards = []
    for rows in boards_raw.values():
        name = rows[0]["metric"]
        higher = higher_is_better(name)
        boards.append({
            "metric": name, "metric_id": rows[0]["metric_id"], "unit": rows[0]["unit"], "higher_is_better": higher,
            "claims": len(rows), "rows": _rank_board(rows, higher, limit),
        })
    boards.sort(key=lambda b: (-b["claims"], b["metric"].lower(), b["unit"]))
    includes = sorted({c["dataset"] for c in claims if c["dataset"]})
    return {"dataset": {**ds, "includes": includes}, "metric": chosen, "note": NOTE, "boards": boards}


# ---- one paper's claims ---------------------------------------------------------------------------------
def paper_results(db: str | Path, paper: str) -> dict[str, Any]:
    """Every result claim of one paper, in the order of its abstract.

    Parameters
    ----------
    db : str or Path
        The database.
    paper : str
        A paper id, arXiv id, DOI, title (or a unique prefix of one) or ``p:<id>``.

    Returns
    -------
    dict
        ``{"paper": {"id", "title", "year", "url"}, "note", "results": [{"method", "dataset", "metric",
        "value", "unit", "kind", "baseline", "evidence", "value_text", "method_id", "dataset_id",
        "metric_id", "baseline_id"}]}``; ``kind`` is absolute, improvement or ratio.

    Raises
    ------
    graph.queries.NodeNotFound, graph.queries.AmbiguousNode
        Unknown or ambiguous paper; the message lists the closest candidates.
    """
    from graph.queries import resolve_node

    node = resolve_node(db, paper, kind="paper")
    with read_connection(db) as conn:
        prow = conn.execute("SELECT id, title, year, url FROM papers WHERE id = ?", [node["id"]]).fetchone()
        rows = conn.execute(
            "SELECT COALESCE(me.name, r.method), COALESCE(d.name, r.dataset), COALESCE(mt.name, r.metric), r.value, "
            "COALESCE(r.unit, ''), r.kind, COALESCE(b.name, r.baseline), r.sentence, r.value_text, r.method_id, "
            "r.dataset_id, r.metric_id, r.baseline_id, r.metric "
            "FROM results r LEFT JOIN entities me ON me.id = r.method_id LEFT JOIN entities d ON d.id = r.dataset_id "
            "LEFT JOIN entities mt ON mt.id = r.metric_id LEFT JOIN entities b ON b.id = r.baseline_id "
            "WHERE r.paper_id = ? ORDER BY r.id",
            [node["id"]],
        ).fetchall()
        lookup = _EntityLookup(conn)
        results = []
        for r in rows:
            item = dict(zip(("method", "dataset", "metric", "value", "unit", "kind", "baseline", "evidence",
                             "value_text", "method_id", "dataset_id", "metric_id", "baseline_id"), r[:13],
                            strict=True))
            if item["metric_id"] is None:
                hit = lookup.find(r[13], "metric")
                if hit:
                    item["metric_id"], item["metric"] = hit
            item["value_text"] = item["value_text"] or ""
            results.append(item)
    paper_info = dict(zip(("id", "title", "year", "url"), prow, strict=True))
    return {"paper": paper_info, "note": NOTE, "results": results}


# ---- benchmarks -----------------------------------------------------------------------------------------
def benchmarks(db: str | Path, min_results: int = 1) -> list[dict[str, Any]]:
    """The (dataset, metric) pairs with absolute claims, most claims first (for pickers and overviews).

    Returns
    -------
    list of dict
        ``[{"dataset", "dataset_id", "family", "family_id", "metric", "metric_id", "results", "papers"}]``;
        ``results`` counts claims, ``papers`` the distinct papers making them. Pairs with fewer than
        ``min_results`` claims are left out.

    Examples
    --------
    >>> benchmarks(db)[0]  # doctest: +SKIP
    {'dataset': 'ImageNet-1K', 'dataset_id': 5, 'family': 'ImageNet', 'family_id': 4, 'metric': 'top-1 accuracy', ...}
    """
    with read_connection(db) as conn:
        # one pass over the table: the claims linked to a dataset and a metric entity at build time are
        # counted per pair in SQL; each other claim (a name only a result carries) comes as its own row
        rows = conn.execute(
            "SELECT g.first, g.dataset_id, d.name, d.family_id, f.name, g.dataset, g.metric_id, mt.name, g.metric,"
            " g.n, g.papers, g.paper_id, g.low FROM ("
            "  SELECT min(id) AS first, dataset_id, metric_id, dataset, metric, paper_id, lower(dataset) AS low,"
            "  count(*) AS n, count(DISTINCT paper_id) AS papers"
            "  FROM results NOT INDEXED"  # one pass over the table beats a lookup per claim from the index
            "  WHERE kind = 'absolute' AND (dataset_id IS NOT NULL OR dataset IS NOT NULL)"
            "  GROUP BY dataset_id, metric_id, CASE WHEN dataset_id IS NULL OR metric_id IS NULL THEN id END) g "
            "LEFT JOIN entities d ON d.id = g.dataset_id LEFT JOIN entities f ON f.id = d.family_id "
            "LEFT JOIN entities mt ON mt.id = g.metric_id"
        ).fetchall()
        groups: dict[tuple, dict[str, Any]] = {}
        firsts: dict[tuple, int] = {}  # the id of each group's first claim
        loose = []
        for first, did, dname, fid, fname, dtext, mid, mname, mtext, n, papers, pid, low in rows:
            if did is None or mid is None:
                loose.append((first, did, dname, fid, fname, dtext, mid, mname, mtext, pid, low))
                continue
            key = ("e", did), ("e", mid)
            firsts[key] = first
            groups[key] = {"dataset": dname, "dataset_id": did, "family": fname, "family_id": fid,
                           "metric": mname, "metric_id": mid, "results": n, "papers": papers}
        loose.sort()
        _loose_datasets(db, conn, {r[10] for r in loose if r[1] is None})
        lookup = _EntityLookup(conn)
        paper_sets: dict[tuple, set[str]] = {}
        for rid, did, dname, fid, fname, dtext, mid, mname, mtext, pid, _low in loose:
            if did is None:
                hit = lookup.find(dtext, "dataset")
                if hit:
                    did, dname = hit
                    fid, fname = None, None
                else:
                    dname = dtext
            if mid is None:
                hit = lookup.find(mtext, "metric")
                if hit:
                    mid, mname = hit
                else:
                    mname = mtext
            key = (("e", did) if did is not None else ("k", _key(dname)),
                   ("e", mid) if mid is not None else ("k", _key(mname)))
            g = groups.get(key)
            if g is None:
                firsts[key] = rid
                g = groups[key] = {"dataset": dname, "dataset_id": did, "family": fname, "family_id": fid,
                                   "metric": mname, "metric_id": mid, "results": 0, "papers": 0}
            elif rid < firsts[key]:  # a group shows what its first claim shows
                firsts[key] = rid
                g.update(dataset=dname, family=fname, family_id=fid, metric=mname)
            if key not in paper_sets:
                paper_sets[key] = set()
                if g["results"]:  # claims counted in SQL: their papers
                    paper_sets[key].update(r[0] for r in conn.execute(
                        "SELECT DISTINCT paper_id FROM results WHERE kind = 'absolute' AND dataset_id = ? "
                        "AND metric_id = ?", [did, mid]))
            g["results"] += 1
            paper_sets[key].add(pid)
        for key, papers in paper_sets.items():
            groups[key]["papers"] = len(papers)
    # sorted by first claim, so that ties below keep the order of the claims
    out = [groups[k] for k in sorted(groups, key=firsts.__getitem__) if groups[k]["results"] >= min_results]
    out.sort(key=lambda g: (-g["results"], str(g["dataset"]).lower(), str(g["metric"]).lower()))
    return out
