"""Leaderboards: the results papers claim in their abstracts, ranked per benchmark and metric.

Deep link: ``?dataset=<name>&metric=<name>`` (``metric=all``: every metric of the benchmark; omitted: the
metric with the most claims).
Every row links to its paper (the Paper view, ``?paper=<id>``) and shows its evidence sentence.
These are claims read from abstracts, not verified result tables; the page says so.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from extract.errors import LitkgError
from ui import common, data

ALL_METRICS = "__all__"
LIMITS = (10, 25, 50, 100, 200)
EVIDENCE_LISTED = 20
NOTE = ("These are **claims extracted from abstracts**, not verified result tables: settings, splits and "
        "model sizes differ between papers. Check each paper before comparing.")

db = common.current_db()
st.title("Leaderboards")


def _explain_empty() -> None:
    st.info(
        "No result claims in this database yet. litkg reads a claim when an abstract puts a number next to a "
        "metric, such as *84.3% top-1 accuracy on ImageNet-1K* or *an FID of 2.1*, and ranks the absolute ones "
        "here. This corpus has none, or it was built before results were extracted: rebuild it with "
        "`litkg build` to extract them.",
        icon=":material/leaderboard:",
    )


def _fmt_value(value: Any, unit: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}" if unit in ("%", "x") else f"{text} {unit}".rstrip()


def _options(rows: list[dict[str, Any]]) -> tuple[list[str], dict[str, int], dict[str, set[str]]]:
    """Benchmark choices (datasets with claims, then families of variants with claims), claim counts, variants."""
    counts: dict[str, int] = defaultdict(int)
    variants: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        counts[r["dataset"]] += r["results"]
        if r.get("family") and r["family"] != r["dataset"]:
            counts[r["family"]] += r["results"]
            variants[r["family"]].add(r["dataset"])
    names = sorted(counts, key=lambda n: (-counts[n], n in variants, n.lower()))  # a benchmark before its family
    return names, dict(counts), variants


def _matching(options: list[str], text: str) -> str | None:
    low = text.strip().lower()
    return next((o for o in options if o.lower() == low), None) if low else None


try:
    bench = data.benchmarks(db)
except LitkgError as exc:
    common.show_error(exc)
    _explain_empty()
    st.stop()

if not bench:
    _explain_empty()
    st.stop()

st.warning(NOTE, icon=":material/info:")

names, counts, variants = _options(bench)
wanted = common.query_param("dataset")
chosen = _matching(names, wanted)
if wanted and chosen is None:
    # an alias or another spelling of a benchmark with claims ("imagenet-1k", "MSRVTT")
    try:
        resolved = data.leaderboard(db, wanted, limit=1)["dataset"]["name"]
    except LitkgError as exc:
        resolved = None
        st.caption(common.md_escape(f"No benchmark with claims matches {wanted!r}: {exc}"))
    chosen = _matching(names, resolved or "")

cols = st.columns([3, 3, 1])
with cols[0]:
    dataset = st.selectbox(
        "Benchmark", names, index=names.index(chosen) if chosen else 0, key="lb_dataset",
        format_func=lambda n: f"{n} · {counts[n]} claims"
        + (f" (with {', '.join(sorted(variants[n]))})" if variants.get(n) else ""),
    )

covered = {dataset} | variants.get(dataset, set())
metric_counts: dict[str, int] = defaultdict(int)
for r in bench:
    if r["dataset"] in covered:
        metric_counts[r["metric"]] += r["results"]
metric_names = sorted(metric_counts, key=lambda m: (-metric_counts[m], m.lower()))
metric_options = [*metric_names, ALL_METRICS]
wanted_metric = common.query_param("metric")
default_metric = _matching(metric_names, wanted_metric) or (ALL_METRICS if wanted_metric == "all" else None)
if default_metric is None:
    default_metric = metric_names[0] if metric_names else ALL_METRICS
with cols[1]:
    metric_choice = st.selectbox(
        "Metric", metric_options, index=metric_options.index(default_metric), key=f"lb_metric:{dataset}",
        format_func=lambda m: "All metrics" if m == ALL_METRICS else f"{m} · {metric_counts[m]} claims",
    )
with cols[2]:
    limit = st.selectbox("Rows", LIMITS, index=LIMITS.index(50), key="lb_limit")

metric = None if metric_choice == ALL_METRICS else metric_choice
st.query_params["dataset"] = dataset
if metric:
    st.query_params["metric"] = metric
elif "metric" in st.query_params:
    del st.query_params["metric"]

try:
    board_data = data.leaderboard(db, dataset, metric=metric, limit=limit)
except LitkgError as exc:
    common.show_error(exc)
    st.stop()

boards = board_data.get("boards") or []
if not boards:
    st.info(f"No absolute result claims on {common.md_escape(dataset)}.", icon=":material/search_off:")
    st.stop()

includes = [d for d in board_data["dataset"].get("includes", []) if d != board_data["dataset"]["name"]]
if includes:
    st.caption(common.md_escape(f"{board_data['dataset']['name']} covers its variants: {', '.join(includes)}"))


def _table(board: dict[str, Any], show_dataset: bool) -> None:
    rows = board["rows"]
    frame = common.table_frame({
        "Rank": [r["rank"] for r in rows],
        "Method": [r["method"] or "(unnamed)" for r in rows],
        "Value": [_fmt_value(r["value"], r["unit"]) + (" *" if r.get("normalized") else "") for r in rows],
        "Year": [r["year"] for r in rows],
        "Dataset": [r["dataset"] for r in rows],
        "Paper": [r["title"] for r in rows],
        "Open": [f"paper?paper={quote(str(r['paper_id']), safe='')}" for r in rows],
        "Evidence": [r["evidence"] for r in rows],
    })
    order = ["Rank", "Method", "Value", "Year", *(["Dataset"] if show_dataset else []), "Paper", "Open", "Evidence"]
    st.dataframe(
        frame, hide_index=True, column_order=order,
        column_config={
            "Rank": st.column_config.NumberColumn(width="small"),
            "Year": st.column_config.TextColumn(width="small"),
            "Open": st.column_config.LinkColumn("Open", display_text="paper ↗", width="small"),
            "Evidence": st.column_config.TextColumn(width="large"),
        },
    )
    if any(r.get("normalized") for r in rows):
        st.caption("\\* a fraction (0-1) in the abstract, shown as a percentage to rank with the others.")


def _evidence(board: dict[str, Any]) -> None:
    rows = board["rows"]
    with st.expander(f"Papers and evidence ({len(rows)})", expanded=len(rows) <= 10, icon=":material/format_quote:"):
        for r in rows[:EVIDENCE_LISTED]:
            left, right = st.columns([1, 5])
            left.markdown(f"**{r['rank']}.** {common.md_escape(_fmt_value(r['value'], r['unit']))}")
            with right:
                st.markdown(common.md_escape(r["method"] or "(unnamed method)"))
                common.paper_link(r["paper_id"], r["title"], r["year"])
                st.caption(common.md_escape(r["evidence"] or ""))
        if len(rows) > EVIDENCE_LISTED:
            st.caption(f"…and {len(rows) - EVIDENCE_LISTED} more in the table above")


def _chart(board: dict[str, Any]) -> None:
    points = [r for r in board["rows"] if r.get("year")]
    if not points:
        st.caption("No publication year is known for these papers, so there is no chart over time.")
        return
    import altair as alt

    higher = board["higher_is_better"]
    frame = pd.DataFrame({
        "year": [int(r["year"]) for r in points],
        "value": [float(r["value"]) for r in points],
        "method": [r["method"] or "(unnamed)" for r in points],
        "title": [r["title"] for r in points],
    })
    best = frame.groupby("year")["value"].max() if higher else frame.groupby("year")["value"].min()
    best = (best.cummax() if higher else best.cummin()).reset_index()
    y_title = f"{board['metric']}" + (f" ({board['unit']})" if board["unit"] else "") \
        + (" ↑ higher is better" if higher else " ↓ lower is better")
    x = alt.X("year:Q", title="year", axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(zero=False))
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
    dots = alt.Chart(frame).mark_circle(size=90, opacity=0.8).encode(
        x=x, y=y, tooltip=["method", "value", "year", "title"])
    line = alt.Chart(best).mark_line(interpolate="step-after", strokeDash=[4, 3]).encode(x=x, y=y)
    st.altair_chart(line + dots, width="stretch")
    st.caption("Claimed values by publication year; the dashed line follows the best claim so far.")


for board in boards:
    direction = "higher is better" if board["higher_is_better"] else "lower is better"
    unit = f" · unit {board['unit']}" if board["unit"] else ""
    papers = len({r["paper_id"] for r in board["rows"]})
    st.subheader(common.md_escape(board["metric"]))
    st.caption(common.md_escape(f"{direction}{unit} · {board['claims']} claims from {papers} papers "
                                "(each paper's best claim per method)"))
    _table(board, show_dataset=len({r["dataset"] for r in board["rows"]}) > 1)
    _chart(board)
    _evidence(board)
