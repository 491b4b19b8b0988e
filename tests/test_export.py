"""graph.export and the export commands: escaping, self-contained HTML, GraphML/GEXF/CSV round trips."""

from __future__ import annotations

import csv
import io
import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.export import (
    PHYSICS_MAX_NODES,
    ExportError,
    csv_paths,
    export,
    layout_positions,
    safe_url,
    script_json,
    to_csv,
    to_gexf,
    to_graphml,
    to_html,
)
from graph.views import ViewGraph, view_graph

MALICIOUS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"
NASTY = [
    MALICIOUS,
    "</SCRIPT ><script>alert(1)</script>",
    "<!-- <script>",
    "a\u2028b\u2029c",
    "&lt;b&gt; & ' \" `${x}`",
    "\\u003c already escaped",
    "]]><x/>",
]


def _data(html: str) -> dict:
    m = re.search(r"window\.LITKG_DATA = (.*?);</script>", html, re.S)
    assert m, "LITKG_DATA block missing"
    return json.loads(m.group(1))


def _vis_nodes(html: str) -> list[dict]:
    m = re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", html, re.S)
    assert m
    return json.loads(m.group(1))


def synthetic_view(n_papers: int, n_entities: int, seed: int = 1, title: str = "synthetic") -> ViewGraph:
    """A random bipartite view with the attributes view_graph produces."""
    import random

    rng = random.Random(seed)
    g = nx.Graph()
    types = ["method", "dataset", "metric", "task"]
    for e in range(n_entities):
        g.add_node(f"e:{e}", kind="entity", type=types[e % 4], label=f"Entity {e}", title=f"Entity {e}", year=None,
                   url=None, code=None, snippet="", aliases=[f"E{e}"], papers=0)
    for p in range(n_papers):
        g.add_node(f"p:{p}", kind="paper", type="paper", label=f"Paper {p}", title=f"Paper {p}: {NASTY[p % 7]}",
                   year=2000 + p % 25, url=f"https://arxiv.org/abs/{p}", code=None, snippet=NASTY[p % 7],
                   aliases=[], papers=None)
        for e in rng.sample(range(n_entities), k=min(n_entities, 1 + int(rng.paretovariate(1.5)) % 8)):
            e = min(e, int(rng.expovariate(1 / (n_entities / 6))) % n_entities)  # some hubs
            g.add_edge(f"p:{p}", f"e:{e}", role="used", type="uses", evidence=NASTY[e % 7])
    for n in g:
        g.nodes[n]["degree"] = g.degree(n)
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    return ViewGraph(graph=g, center=None, left_out={"nodes": 0, "edges": 0, "reason": ""}, title=title)


# ---- escaping -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", NASTY)
def test_script_json_is_inert_inside_script_and_round_trips(text):
    out = script_json({"title": text, "list": [text]})
    assert not set(out) & set("<>&\u2028\u2029")
    assert json.loads(out) == {"title": text, "list": [text]}


def test_safe_url():
    assert safe_url("https://github.com/raoyongming/HorNet") == "https://github.com/raoyongming/HorNet"
    assert safe_url("HTTP://example.org/x") == "HTTP://example.org/x"
    assert safe_url("https://github.com/evil/<script>") == "https://github.com/evil/<script>"  # href set via DOM
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x",
                "//evil.example/x", "ftp://x.org/a", "https://", "java\nscript:alert(1)", "https://a\tb.org",
                "", None, 42):
        assert safe_url(bad) is None, bad


# ---- HTML ---------------------------------------------------------------------------------------------

def test_html_is_self_contained_and_escaped(tiny_db):
    view = view_graph(tiny_db)
    html = to_html(view)
    assert html.startswith("<!DOCTYPE html>")
    # no untrusted markup anywhere in the page
    assert "<img" not in html
    assert "alert(2)</script>" not in html
    assert "<b>bold</b>" not in html
    # nothing loads from another host: no external src/href, no Bootstrap, a CSP that forbids requests
    assert not re.search(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html, re.I)
    assert "bootstrap" not in html.lower()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "vis-network" in html or "vis.Network" in html
    # the data block holds the exact strings, made inert
    data = _data(html)
    evil = next(d for d in data["nodes"].values() if d["title"] == MALICIOUS)
    assert evil["code"] == "https://github.com/evil/<script>"
    assert evil["snippet"].startswith("A crafted record: <b>bold</b>")
    assert data["physics"] is True
    # pyvis node dicts carry no tooltip text (pyvis would switch to an innerHTML popup on "href")
    nodes = _vis_nodes(html)
    assert len(nodes) == view.graph.number_of_nodes()
    assert all("title" not in n for n in nodes)
    assert {n["label"] for n in nodes} >= {"HorNet", "ADE20K"}


def test_html_only_http_links_are_clickable():
    view = synthetic_view(3, 3)
    p = next(n for n in view.graph if n.startswith("p:"))
    view.graph.nodes[p].update(url="javascript:alert(document.domain)", code="data:text/html,<script>alert(1)</script>")
    data = _data(to_html(view))
    assert data["nodes"][p]["url"] is None and data["nodes"][p]["code"] is None
    assert data["nodes"][p]["codeText"] == "data:text/html,<script>alert(1)</script>"  # shown as text only


def test_html_legend_title_and_left_out_note_are_escaped(tiny_db):
    view = view_graph(tiny_db, max_nodes=10)
    view.title = "View of <script>alert(1)</script>"
    html = to_html(view)
    assert "View of &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "Left out: kept the 10 most connected nodes" in html
    legend = re.search(r'<div id="lk-legend">(.*?)</div></div>', html, re.S).group(0)
    for t in {d for _n, d in view.graph.nodes(data="type")}:
        assert t in legend
    g = nx.Graph()
    g.add_node("e:1", kind="entity", type="<b>odd type</b>", label="x", title="x")
    g.add_edge("e:1", "p:1", type="uses", role="used", evidence="")
    g.nodes["p:1"].update(kind="paper", type="paper", label="p", title="p")
    odd = to_html(ViewGraph(graph=g, center=None, left_out={}, title="t"))
    assert "&lt;b&gt;odd type&lt;/b&gt;" in odd and "<b>odd type</b>" not in odd


def test_small_views_use_physics_that_stops_large_views_use_python_layout():
    small = to_html(synthetic_view(60, 40))
    assert _data(small)["physics"] is True
    assert '"stabilization": {"enabled": true' in small
    assert "physics: {enabled: false}" in small  # switched off once stabilized
    big_view = synthetic_view(PHYSICS_MAX_NODES, 150)
    assert big_view.graph.number_of_nodes() > PHYSICS_MAX_NODES
    big = to_html(big_view)
    assert _data(big)["physics"] is False
    assert '"physics": {"enabled": false}' in big
    nodes = _vis_nodes(big)
    assert all(isinstance(n.get("x"), float) and isinstance(n.get("y"), float) for n in nodes)


def test_layout_positions_are_deterministic_and_spread():
    view = synthetic_view(900, 300)
    g = view.graph
    g.add_edge("island:a", "island:b")
    a, b = layout_positions(g), layout_positions(g)
    assert a == b and set(a) == set(g)
    xs = [p[0] for p in a.values()]
    assert max(xs) - min(xs) > 500  # pixels: not collapsed into a dot
    assert len(set(a.values())) == len(a)


def test_height_must_be_a_css_length():
    with pytest.raises(ExportError):
        to_html(synthetic_view(3, 3), height="1px;}</style><script>alert(1)</script>")


# ---- other formats ------------------------------------------------------------------------------------

def test_graphml_round_trip(tiny_db):
    view = view_graph(tiny_db)
    view.graph.nodes[next(iter(view.graph))]["snippet"] = "control \x0b\x01 chars"
    back = nx.read_graphml(io.BytesIO(to_graphml(view).encode("utf-8")))
    assert set(back.nodes) == set(view.graph.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in view.graph.edges}
    evil = next(n for n, d in view.graph.nodes(data=True) if d["title"] == MALICIOUS)
    assert back.nodes[evil]["title"] == MALICIOUS
    assert back.nodes[evil]["year"] == 2020
    assert back.nodes[evil]["code"] == "https://github.com/evil/<script>"
    swin = next(n for n, d in view.graph.nodes(data=True) if d["title"] == "Swin Transformer")
    assert back.nodes[swin]["papers"] == 2 and back.nodes[swin]["type"] == "method"
    for u, v, d in view.graph.edges(data=True):
        assert back.edges[u, v]["type"] == d["type"]
        assert back.edges[u, v]["evidence"] == d["evidence"]
    assert back.graph["title"] == view.title


def test_gexf_round_trip(tiny_db):
    view = view_graph(tiny_db, center="ADE20K", hops=2)
    text = to_gexf(view)
    back = nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    assert set(back.nodes) == set(view.graph.nodes)
    assert back.number_of_edges() == view.graph.number_of_edges()
    for u, v, d in view.graph.edges(data=True):
        assert back.edges[u, v]["relation"] == d["type"]
    evil = next(n for n, d in view.graph.nodes(data=True) if d["title"] == MALICIOUS)
    assert back.nodes[evil]["title"] == MALICIOUS
    assert back.nodes[evil]["label"] == view.graph.nodes[evil]["label"]


def test_csv_lists(tiny_db):
    view = view_graph(tiny_db)
    nodes_csv, edges_csv = to_csv(view)
    nodes = list(csv.DictReader(io.StringIO(nodes_csv)))
    edges = list(csv.DictReader(io.StringIO(edges_csv)))
    assert len(nodes) == view.graph.number_of_nodes() and len(edges) == view.graph.number_of_edges()
    assert {r["id"] for r in nodes} == set(view.graph)
    evil = next(r for r in nodes if r["title"] == MALICIOUS)
    assert evil["code"] == "https://github.com/evil/<script>" and evil["year"] == "2020"
    assert all(r["source"].startswith("p:") for r in edges if r["type"] != "variant_of")
    assert {r["type"] for r in edges} == {"proposes", "uses", "variant_of"}


def test_csv_neutralises_spreadsheet_formulas():
    g = nx.Graph()
    g.add_node("p:1", kind="paper", title="=HYPERLINK(\"http://x\",\"y\")", label="@SUM(A1)", year=2020)
    g.add_node("e:2", kind="entity", type="method", label="+cmd", aliases=["-x"])
    g.add_edge("p:1", "e:2", type="uses", evidence="=1+1 is the evidence")
    nodes_csv, edges_csv = to_csv(ViewGraph(g, center=None))
    nodes = {r["id"]: r for r in csv.DictReader(io.StringIO(nodes_csv))}
    assert nodes["p:1"]["title"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert nodes["p:1"]["label"] == "'@SUM(A1)" and nodes["p:1"]["year"] == "2020"
    assert nodes["e:2"]["label"] == "'+cmd" and nodes["e:2"]["aliases"] == "'-x"
    (edge,) = csv.DictReader(io.StringIO(edges_csv))
    assert edge["evidence"] == "'=1+1 is the evidence" and edge["source"] == "p:1"


def test_csv_paths(tmp_path):
    assert csv_paths(tmp_path / "g.csv") == (tmp_path / "g-nodes.csv", tmp_path / "g-edges.csv")
    assert csv_paths(tmp_path / "g") == (tmp_path / "g-nodes.csv", tmp_path / "g-edges.csv")
    assert csv_paths(tmp_path) == (tmp_path / "nodes.csv", tmp_path / "edges.csv")


def test_export_dispatch(tiny_db, tmp_path):
    view = export(tiny_db, tmp_path / "g.graphml", "graphml")
    assert nx.read_graphml(tmp_path / "g.graphml").number_of_nodes() == view.graph.number_of_nodes()
    export(tiny_db, tmp_path / "g.gexf", "gexf", center="ADE20K")
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() > 1
    export(tiny_db, tmp_path / "g", "csv")
    assert (tmp_path / "g-nodes.csv").exists() and (tmp_path / "g-edges.csv").exists()
    export(tiny_db, tmp_path / "g.html", "html")
    assert (tmp_path / "g.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ExportError):
        export(tiny_db, tmp_path / "g.xyz", "pdf")
    with pytest.raises(ExportError):
        export(tiny_db, tmp_path / "no" / "such" / "g.gexf", "gexf")


# ---- CLI ----------------------------------------------------------------------------------------------

def test_cli_export_html(tiny_db, tmp_path):
    out = tmp_path / "v.html"
    r = CliRunner().invoke(cli, ["export-html", str(tiny_db), str(out), "--center", "ADE20K", "--hops", "2",
                                 "--types", "dataset,method", "--max-nodes", "6"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    assert summary["nodes"] == 6 and summary["path"] == str(out)
    assert summary["left_out"]["nodes"] > 0 and summary["center"].startswith("e:")
    assert len(_vis_nodes(out.read_text(encoding="utf-8"))) == 6


def test_cli_export_formats_and_errors(tiny_db, tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["export", str(tiny_db), str(tmp_path / "g.csv"), "--format", "csv"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["path"] == [str(tmp_path / "g-nodes.csv"), str(tmp_path / "g-edges.csv")]
    r = runner.invoke(cli, ["export", str(tiny_db), str(tmp_path / "g.graphml"), "--format", "graphml"])
    assert r.exit_code == 0 and json.loads(r.output)["nodes"] == 30
    r = runner.invoke(cli, ["export-html", str(tiny_db), str(tmp_path / "x.html"), "--center", "qqzx nothing"])
    assert r.exit_code == 1 and "Error" in r.output and "Traceback" not in r.output
    r = runner.invoke(cli, ["export-html", str(tmp_path / "missing.db"), str(tmp_path / "x.html")])
    assert r.exit_code == 1 and "no such database" in r.output
