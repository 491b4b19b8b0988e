"""graph.views: selecting the subgraph to draw."""

from __future__ import annotations

import sqlite3

import networkx as nx
import pytest

from extract.errors import LitkgError
from graph.db import state_token
from graph.views import ViewError, connected_core, short_label, truncate, view_graph

MALICIOUS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


def _ids(db, sql, *params):
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(sql, params)]
    finally:
        conn.close()


def _paper(db, title):
    return "p:" + _ids(db, "SELECT id FROM papers WHERE title = ?", title)[0]


def _entity(db, name):
    return "e:" + str(_ids(db, "SELECT id FROM entities WHERE name = ?", name)[0])


def test_whole_graph_has_every_linked_node_and_drops_isolated_papers(tiny_db):
    view = view_graph(tiny_db)
    g = view.graph
    papers = _ids(tiny_db, "SELECT DISTINCT paper_id FROM paper_entity")
    entities = _ids(tiny_db, "SELECT id FROM entities WHERE paper_count > 0")
    assert {n for n in g if n.startswith("p:")} == {f"p:{p}" for p in papers}
    assert {n for n in g if n.startswith("e:")} == {f"e:{e}" for e in entities}
    assert _paper(tiny_db, "An Unconnected Paper About Protein Folding") not in g
    assert view.left_out["isolated"] == 1 and view.left_out["nodes"] == 1
    assert "1 paper with no entity" in view.left_out["reason"]
    assert view.center is None
    assert view.title.startswith("Whole graph: 7 papers, 23 entities")


def test_node_and_edge_attributes(tiny_db):
    conn = sqlite3.connect(tiny_db)
    with conn:
        conn.execute("INSERT INTO aliases(alias_key, alias, entity_id, source) SELECT 'swin', 'Swin', id, 'user' "
                     "FROM entities WHERE name = 'Swin Transformer'")
    conn.close()
    g = view_graph(tiny_db).graph
    hornet = g.nodes[_paper(tiny_db, "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated "
                                     "Convolutions")]
    assert hornet["kind"] == "paper" and hornet["type"] == "paper"
    assert hornet["label"] == "HorNet"
    assert hornet["year"] == 2022
    assert hornet["code"] == "https://github.com/raoyongming/HorNet"
    assert hornet["snippet"].startswith("We present the Recursive Gated Convolution")
    assert len(hornet["snippet"]) <= 300 and hornet["snippet"].endswith("…")
    swin = g.nodes[_entity(tiny_db, "Swin Transformer")]
    assert swin["kind"] == "entity" and swin["type"] == "method"
    assert swin["aliases"] == ["Swin"]  # the name itself is not repeated
    assert swin["papers"] == 2
    assert swin["degree"] == g.degree(_entity(tiny_db, "Swin Transformer"))
    edge = g.edges[_paper(tiny_db, "A ConvNet for the 2020s"), _entity(tiny_db, "ConvNeXt")]
    assert edge["role"] == "proposed" and edge["type"] == "proposes"
    assert "discover ConvNeXt" in edge["evidence"]
    used = g.edges[_paper(tiny_db, "A ConvNet for the 2020s"), _entity(tiny_db, "COCO")]
    assert used["type"] == "uses" and used["role"] == "used"
    # ResNet-50 is a variant of ResNet: drawn as a variant_of edge
    assert g.edges[_entity(tiny_db, "ResNet-50"), _entity(tiny_db, "ResNet")]["type"] == "variant_of"
    evil = g.nodes[_paper(tiny_db, MALICIOUS)]
    assert evil["title"] == MALICIOUS  # stored as is; renderers escape
    assert evil["code"] == "https://github.com/evil/<script>"


def test_neighbourhood_by_hops(tiny_db):
    convnet = _paper(tiny_db, "A ConvNet for the 2020s")
    one = view_graph(tiny_db, center="A ConvNet for the 2020s", hops=1)
    assert one.center == convnet
    own = {f"e:{e}" for e in _ids(tiny_db, "SELECT entity_id FROM paper_entity WHERE paper_id = ?", convnet[2:])}
    assert set(one.graph) == own | {convnet}
    assert one.graph.nodes[convnet]["distance"] == 0
    assert "Neighbourhood of A ConvNet for the 2020s (1 hop)" in one.title
    two = view_graph(tiny_db, center=convnet, hops=2)
    # papers sharing an entity with ConvNeXt's paper (COCO, ADE20K, ...) join at 2 hops
    assert _paper(tiny_db, MALICIOUS) in two.graph
    assert two.graph.nodes[_paper(tiny_db, MALICIOUS)]["distance"] == 2
    assert _paper(tiny_db, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces") not in two.graph
    zero = view_graph(tiny_db, center=convnet, hops=0)
    assert set(zero.graph) == {convnet}


def test_entity_center_and_types(tiny_db):
    view = view_graph(tiny_db, center="ADE20K", hops=2, types=["dataset"])
    ade = _entity(tiny_db, "ADE20K")
    assert view.center == ade
    entity_types = {d["type"] for _n, d in view.graph.nodes(data=True) if d["kind"] == "entity"}
    assert entity_types == {"dataset"}
    assert _paper(tiny_db, MALICIOUS) in view.graph
    assert _entity(tiny_db, "COCO") in view.graph
    # comma-separated text works too
    assert set(view_graph(tiny_db, types="task,metric").graph.nodes(data="type")) >= {
        (_entity(tiny_db, "Recall@1"), "metric")
    }


def test_min_weight_uses_database_paper_count_and_keeps_center(tiny_db):
    view = view_graph(tiny_db, min_weight=2)
    counts = {d["papers"] for _n, d in view.graph.nodes(data=True) if d["kind"] == "entity"}
    assert counts and min(counts) >= 2
    assert _entity(tiny_db, "HorNet") not in view.graph  # one paper only
    centred = view_graph(tiny_db, center=_entity(tiny_db, "HorNet"), hops=1, min_weight=2)
    assert centred.center in centred.graph and centred.graph.number_of_nodes() == 2


def test_max_nodes_keeps_a_connected_dense_part_and_counts_the_rest(tiny_db):
    full = view_graph(tiny_db)
    view = view_graph(tiny_db, max_nodes=10)
    g = view.graph
    assert g.number_of_nodes() == 10
    assert nx.is_connected(g)
    assert set(g) <= set(full.graph)
    # what is kept plus what is left out is everything
    assert g.number_of_nodes() + view.left_out["nodes"] == full.graph.number_of_nodes() + 1
    pe_full = sum(1 for *_e, t in full.graph.edges(data="type") if t != "variant_of")
    pe_kept = sum(1 for *_e, t in g.edges(data="type") if t != "variant_of")
    assert view.left_out["edges"] == pe_full - pe_kept
    assert "max_nodes=10" in view.left_out["reason"]
    # the most connected entities are in: COCO and ADE20K (3 papers each)
    assert {_entity(tiny_db, "COCO"), _entity(tiny_db, "ADE20K")} <= set(g)
    # with a center, the center and its nearest hop come first
    near = view_graph(tiny_db, center="ADE20K", hops=3, max_nodes=4)
    assert near.center in near.graph and nx.is_connected(near.graph)
    assert all(d <= 1 for _n, d in near.graph.nodes(data="distance"))


def test_no_limit(tiny_db):
    assert view_graph(tiny_db, max_nodes=None).graph.number_of_nodes() == 30
    assert view_graph(tiny_db, max_nodes=0).left_out["nodes"] == 1


def test_errors_and_read_only(tiny_db):
    before = state_token(tiny_db)
    with pytest.raises(LitkgError):
        view_graph(tiny_db, center="no such thing qqzx")
    with pytest.raises(ViewError):
        view_graph(tiny_db, center="ADE20K", hops=-1)
    with pytest.raises(LitkgError):
        view_graph(tiny_db.parent / "missing.db")
    view_graph(tiny_db, center="ADE20K", hops=2)
    assert state_token(tiny_db) == before


def test_connected_core():
    g = nx.Graph()
    g.add_edges_from(("hub", f"leaf{i}") for i in range(20))
    g.add_edges_from([("a", "b"), ("b", "c")])  # a separate small component
    core = connected_core(g, 5)
    assert len(core) == 5 and "hub" in core and nx.is_connected(g.subgraph(core))
    assert connected_core(g, 100) == set(g)
    # restarts in the next component once the first is exhausted
    assert connected_core(g, 22) == set(g) - {"a", "c"}  # then the best connected node of the next one
    dist = {"a": 0, "b": 1, "c": 2, "hub": 5}
    assert connected_core(g, 2, center="a", dist=dist) == {"a", "b"}


def test_labels():
    assert short_label("CLIP4Clip: An Empirical Study of CLIP") == "CLIP4Clip"
    assert short_label("A very long title without any colon that goes on and on").endswith("…")
    assert len(short_label("x" * 100)) <= 32
    assert truncate("short", 10) == "short"


def test_demo_corpus_view(demo_db):
    view = view_graph(demo_db, max_nodes=300)
    assert view.graph.number_of_nodes() == 300
    assert nx.is_connected(view.graph)
    assert view.left_out["nodes"] > 0
    kinds = {k for _n, k in view.graph.nodes(data="kind")}
    assert kinds == {"paper", "entity"}
