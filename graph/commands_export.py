"""``litkg export-html`` and ``litkg export``: graph views as files to share or open in other tools."""

from __future__ import annotations

import click

from graph.cli import handle_errors
from graph.output import emit


def _view_options(max_nodes_default: int | None):
    def decorate(f):
        f = click.option("--min-weight", type=float, default=0.0, show_default=True,
                         help="Leave out entities mentioned by fewer papers than this (in the whole database)")(f)
        f = click.option("--max-nodes", type=int, default=max_nodes_default, show_default=True,
                         help="Keep at most this many nodes, the most connected part (0: no limit)")(f)
        f = click.option("--types", help="Entity types to show, comma-separated: method,dataset,metric,task")(f)
        f = click.option("--hops", type=click.IntRange(min=0), default=1, show_default=True,
                         help="Neighbourhood radius around --center")(f)
        f = click.option("--center", help="Draw the neighbourhood of this paper or entity (name, title or id)")(f)
        return f

    return decorate


def _summary(view, paths) -> dict:
    g = view.graph
    papers = sum(1 for _n, k in g.nodes(data="kind") if k == "paper")
    return {
        "nodes": g.number_of_nodes(), "papers": papers, "entities": g.number_of_nodes() - papers,
        "edges": g.number_of_edges(), "center": view.center, "title": view.title, "left_out": view.left_out,
        "path": [str(p) for p in paths] if len(paths) > 1 else str(paths[0]),
    }


@click.command("export-html")
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("out", type=click.Path(dir_okay=False))
@_view_options(300)
@click.option("--height", default="750px", show_default=True, help="Height of the graph canvas (CSS length)")
@handle_errors
def export_html_command(db, out, center, hops, types, max_nodes, min_weight, height):
    """Write the graph (or the neighbourhood of --center) as one self-contained HTML file OUT.

    The file inlines vis-network and makes no request to any host: send it to a colleague or open
    it offline. Views above 300 nodes get a layout computed in Python (physics off).

    Example: litkg export-html data/litkg.db hornet.html --center HorNet --hops 2
    """
    from graph.export import export_html

    view = export_html(db, out, center=center, hops=hops, types=types, max_nodes=max_nodes or None,
                       min_weight=min_weight, height=height)
    emit(_summary(view, [out]))


@click.command("export")
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("out", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "csv", "html"]), required=True,
              help="graphml / gexf (Gephi, yEd, Cytoscape), csv (OUT-nodes.csv + OUT-edges.csv), html")
@_view_options(0)
@handle_errors
def export_command(db, out, fmt, center, hops, types, max_nodes, min_weight):
    """Write the graph (or a neighbourhood) for other tools: GraphML, GEXF, CSV node/edge lists or HTML.

    --format csv writes OUT-nodes.csv and OUT-edges.csv (a trailing .csv on OUT is dropped), or
    nodes.csv and edges.csv inside OUT when OUT is an existing folder. By default every node is
    exported (--max-nodes 0).

    Example: litkg export data/litkg.db graph.gexf --format gexf
    """
    from graph.export import csv_paths, export

    view = export(db, out, fmt, center=center, hops=hops, types=types, max_nodes=max_nodes or None,
                  min_weight=min_weight)
    emit(_summary(view, list(csv_paths(out)) if fmt == "csv" else [out]))
