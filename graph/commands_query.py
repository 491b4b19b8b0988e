"""``litkg`` commands that trace what papers share: neighbors, shared, similar, path, together,
top, communities, paper and entity.

Each is a thin layer over :mod:`graph.queries`: database path first, JSON by default,
``--table`` (or ``--csv``) for people. Unknown or ambiguous names end with one
``Error:`` line listing the closest candidates, and exit status 1.
"""

from __future__ import annotations

from typing import Any

import click

from graph.cli import handle_errors
from graph.output import emit, output_options

DB = click.argument("db", type=click.Path(dir_okay=False))


def _rows_or_json(data: Any, rows: list[dict], fmt: str, heading: str | None = None,
                  columns: list[str] | None = None) -> None:
    if fmt == "json":
        emit(data)
        return
    if heading and fmt == "table":
        click.echo(heading)
    emit(rows, fmt=fmt, columns=columns)


def _label(node: dict) -> str:
    return node["name"] if node["kind"] == "entity" else f"{node['name']} [{node['id']}]"


@click.command()
@DB
@click.argument("node")
@click.option("--hops", type=click.IntRange(1, 3), default=1, show_default=True, help="How far to look (1-3)")
@click.option("--types", help="Entity types to follow and list, comma-separated (method,dataset,metric,task)")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Neighbours per hop")
@output_options
@handle_errors
def neighbors(db, node, hops, types, limit, fmt):
    """The neighbourhood of a paper or entity NODE, with the evidence sentence of each link.

    NODE is a paper id, a title (or a unique prefix of one), an entity name or alias.

    Example: litkg neighbors data/litkg.db ADE20K --table
    """
    from graph.queries import neighbors as run

    data = run(db, node, hops=hops, types=types, limit=limit)
    rows = [
        {"hops": n["hops"], "type": n["type"], "name": n["name"], "node": n["node"], "weight": n["weight"],
         "role": n.get("role"), "via": n.get("via"), "evidence": n["evidence"]}
        for n in data["neighbors"]
    ]
    _rows_or_json(data, rows, fmt, f"neighbours of {_label(data['center'])} ({data['center']['type']})")


@click.command()
@DB
@click.argument("paper_a")
@click.argument("paper_b")
@output_options
@handle_errors
def shared(db, paper_a, paper_b, fmt):
    """The entities both PAPER_A and PAPER_B mention, grouped by type, with each paper's evidence.

    Example: litkg shared data/litkg.db "HorNet" "A ConvNet for the 2020s" --table
    """
    from graph.queries import shared as run

    data = run(db, paper_a, paper_b)
    rows = [
        {"type": t, "entity": r["entity"], "idf": r["idf"], "evidence_a": r["evidence_a"],
         "evidence_b": r["evidence_b"]}
        for t, items in data["shared"].items() for r in items
    ]
    _rows_or_json(data, rows, fmt, f"A: {_label(data['a'])}\nB: {_label(data['b'])}\n{data['count']} shared")


@click.command()
@DB
@click.argument("paper")
@click.option("--by", default="all", show_default=True,
              help="Compare on: all, methods, datasets, metrics, tasks (comma-separated)")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@output_options
@handle_errors
def similar(db, paper, by, limit, fmt):
    """Papers most like PAPER: ranked by shared entities, rare ones weighing more, with the reasons.

    Example: litkg similar data/litkg.db "A ConvNet for the 2020s" --by datasets --table
    """
    from graph.queries import similar as run

    data = run(db, paper, by=by, limit=limit)
    rows = [
        {"paper_id": r["paper_id"], "title": r["title"], "year": r["year"], "score": r["score"],
         "reasons": [x["entity"] for x in r["reasons"]]}
        for r in data
    ]
    _rows_or_json(data, rows, fmt)


@click.command()
@DB
@click.argument("a")
@click.argument("b")
@output_options
@handle_errors
def path(db, a, b, fmt):
    """The shortest explanation chain from A to B (papers or entities), each hop with its evidence.

    Rare, specific entities are preferred to generic ones.

    Example: litkg path data/litkg.db CLIP4Clip Mamba --table
    """
    from graph.queries import path as run

    data = run(db, a, b)
    rows = [
        {"step": i + 1, "from": _label(s["from"]), "to": _label(s["to"]), "evidence": s["evidence"]}
        for i, s in enumerate(data["steps"])
    ]
    _rows_or_json(data, rows, fmt, f"{_label(data['a'])} -> {_label(data['b'])}: {data['length']} steps")


@click.command()
@DB
@click.option("--method", "methods", multiple=True, help="A method (repeatable)")
@click.option("--dataset", "datasets", multiple=True, help="A dataset (repeatable)")
@click.option("--metric", "metrics", multiple=True, help="A metric (repeatable)")
@click.option("--task", "tasks", multiple=True, help="A task (repeatable)")
@click.option("--entity", "others", multiple=True, help="An entity of any type (repeatable)")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@output_options
@handle_errors
def together(db, methods, datasets, metrics, tasks, others, limit, fmt):
    """Papers that mention all the given entities: technique X on benchmark Y.

    Example: litkg together data/litkg.db --method ConvNeXt --dataset ADE20K --table
    """
    from graph.queries import together as run

    wanted = {t: list(v) for t, v in (("method", methods), ("dataset", datasets), ("metric", metrics),
                                       ("task", tasks), ("entity", others)) if v}
    data = run(db, wanted, limit=limit)
    rows = [
        {"paper_id": r["paper_id"], "title": r["title"], "year": r["year"],
         "evidence": " | ".join(r["evidence"].values())}
        for r in data
    ]
    _rows_or_json(data, rows, fmt)


@click.command()
@DB
@click.option("--type", "type_", help="Only this entity type (method, dataset, metric, task)")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@output_options
@handle_errors
def top(db, type_, limit, fmt):
    """The most used benchmarks, methods, metrics or tasks (by number of papers).

    Example: litkg top data/litkg.db --type dataset --table
    """
    from graph.queries import top as run

    data = run(db, type_, limit=limit)
    _rows_or_json(data, data, fmt)


@click.command()
@DB
@click.option("--min-size", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--papers", "max_papers", type=click.IntRange(min=0), default=100, show_default=True,
              help="Papers listed per cluster")
@output_options
@handle_errors
def communities(db, min_size, limit, max_papers, fmt):
    """Clusters of papers (Louvain), each labelled by its characteristic entities.

    Example: litkg communities data/litkg.db --table
    """
    from graph.queries import communities as run

    data = run(db, min_size=min_size, limit=limit, max_papers=max_papers)
    rows = [
        {"id": c["id"], "size": c["size"], "label": c["label"], "papers": [p["title"] for p in c["papers"][:3]]}
        for c in data
    ]
    _rows_or_json(data, rows, fmt)


@click.command()
@DB
@click.argument("paper")
@output_options
@handle_errors
def paper(db, paper, fmt):
    """Everything stored about PAPER: metadata, mentions with offsets, code links, results, sources."""
    from graph.queries import paper_detail

    data = paper_detail(db, paper)
    rows = [
        {"entity": m["entity"], "type": m["type"], "role": m["role"], "field": m["field"], "start": m["start"],
         "end": m["end"], "sentence": m["sentence"]}
        for m in data["mentions"]
    ]
    heading = f"{data['title']} [{data['id']}] {data['year'] or ''}\n{len(data['code_links'])} code links"
    _rows_or_json(data, rows, fmt, heading)


@click.command()
@DB
@click.argument("entity")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Papers listed")
@output_options
@handle_errors
def entity(db, entity, limit, fmt):
    """Everything about ENTITY: aliases, family, papers proposing and using it, co-occurring entities."""
    from graph.queries import entity_detail

    data = entity_detail(db, entity, limit=limit)
    rows = [
        {"role": p["role"], "paper_id": p["paper_id"], "title": p["title"], "year": p["year"],
         "evidence": p["evidence"]}
        for p in data["proposed_by"] + data["used_by"]
    ]
    heading = (f"{data['name']} ({data['type']}, {data['papers']} papers)"
               + (f"; aliases: {', '.join(data['aliases'])}" if data["aliases"] else ""))
    _rows_or_json(data, rows, fmt, heading)
