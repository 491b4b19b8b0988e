"""``litkg`` commands over result claims: leaderboard, results and benchmarks.

Thin layers over :mod:`graph.results`: database path first, JSON by default, ``--table``
(or ``--csv``) for people. Leaderboards are claims read from abstracts, not verified
result tables; the table output says so on its first line.
"""

from __future__ import annotations

from typing import Any

import click

from graph.cli import handle_errors
from graph.output import emit, output_options

DB = click.argument("db", type=click.Path(dir_okay=False))


def _value(row: dict[str, Any]) -> str:
    value = row["value"]
    text = f"{value:g}" if isinstance(value, float) else str(value)
    unit = row.get("unit") or ""
    return f"{text}{unit}" if unit in ("%", "x") else f"{text} {unit}".rstrip()


@click.command()
@DB
@click.option("--dataset", "-d", required=True, help="The benchmark: a dataset name or alias (ImageNet-1K)")
@click.option("--metric", "-m", help="Only this metric (top-1 accuracy); default: every metric with claims")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Rows per metric")
@click.option("--no-families", is_flag=True, help="Do not include the dataset's variants (ImageNet -> ImageNet-1K)")
@output_options
@handle_errors
def leaderboard(db, dataset, metric, limit, no_families, fmt):
    """Rank the results papers claim on a benchmark, one table per metric, best first.

    Only absolute claims are ranked; lower-is-better metrics (error, FID, perplexity, WER,
    latency, ...) ascend. Each paper and method counts once per metric (its best claim).
    These are claims extracted from abstracts, not verified result tables.

    Example: litkg leaderboard data/litkg.db --dataset ImageNet-1K --metric "top-1 accuracy" --table
    """
    from graph.results import leaderboard as run

    data = run(db, dataset, metric=metric, limit=limit, include_families=not no_families)
    if fmt == "json":
        emit(data)
        return
    if fmt == "csv":
        rows = [{"metric": b["metric"], "higher_is_better": b["higher_is_better"], **r}
                for b in data["boards"] for r in b["rows"]]
        emit(rows, fmt="csv", columns=["metric", "rank", "method", "value", "unit", "higher_is_better", "dataset",
                                       "year", "paper_id", "title", "evidence"])
        return
    click.echo(f"Note: {data['note']}")
    if not data["boards"]:
        click.echo(f"No absolute result claims on {data['dataset']['name']}.")
        return
    name = data["dataset"]["name"]
    others = [d for d in data["dataset"].get("includes", []) if d != name]
    if others:
        name += f" (with {', '.join(others)})"
    for board in data["boards"]:
        direction = "higher is better" if board["higher_is_better"] else "lower is better"
        unit = f", {board['unit']}" if board["unit"] else ""
        click.echo(f"\n{name} · {board['metric']} ({direction}{unit}; {board['claims']} claims)")
        rows = [{"rank": r["rank"], "method": r["method"] or "(unnamed)", "value": _value(r), "year": r["year"],
                 "paper": r["paper_id"], "title": r["title"], "evidence": r["evidence"]} for r in board["rows"]]
        emit(rows, fmt="table")


@click.command()
@DB
@click.argument("paper")
@output_options
@handle_errors
def results(db, paper, fmt):
    """The result claims of one PAPER (an id, a title or a unique prefix of one), with evidence.

    Example: litkg results data/litkg.db "A ConvNet for the 2020s" --table
    """
    from graph.results import paper_results

    data = paper_results(db, paper)
    if fmt == "json":
        emit(data)
        return
    rows = [{"kind": r["kind"], "method": r["method"], "metric": r["metric"], "value": _value(r),
             "dataset": r["dataset"], "baseline": r["baseline"], "evidence": r["evidence"]} for r in data["results"]]
    if fmt == "table":
        p = data["paper"]
        click.echo(f"{p['title']} [{p['id']}]" + (f" ({p['year']})" if p.get("year") else ""))
        click.echo(f"Note: {data['note']}")
        if not rows:
            click.echo("No result claims found in this paper's abstract.")
            return
    emit(rows, fmt=fmt, columns=["kind", "method", "metric", "value", "dataset", "baseline", "evidence"])


@click.command()
@DB
@click.option("--min-results", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only pairs with at least this many claims")
@output_options
@handle_errors
def benchmarks(db, min_results, fmt):
    """The benchmarks (dataset and metric pairs) that have ranked result claims, most claims first.

    Example: litkg benchmarks data/litkg.db --table
    """
    from graph.results import benchmarks as run

    emit(run(db, min_results=min_results), fmt=fmt,
         columns=["dataset", "metric", "results", "papers", "family", "dataset_id", "metric_id"])
