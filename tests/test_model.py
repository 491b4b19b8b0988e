"""The graph model: pure functions on small hand-made graphs, and loading/caching from tiny_db."""

from __future__ import annotations

import doctest
import math
import os

import networkx as nx
import pytest

from graph import model


def test_doctests():
    result = doctest.testmod(model, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 10
    assert result.failed == 0


def test_idf_orders_rare_above_generic():
    n = 100_000
    assert model.idf(12, n) > model.idf(900, n) > model.idf(40_000, n) > 0
    assert model.idf(n, n) == 0.0
    assert model.idf(0, n) == pytest.approx(math.log(n))
    assert model.idf(5, 0) == 0.0


def test_hop_cost_grows_with_frequency():
    assert model.hop_cost(1) == 1.0
    assert model.hop_cost(2) < model.hop_cost(50) < model.hop_cost(5_000)


def test_hub_threshold():
    assert model.hub_threshold(1_000_000) == 50_000
    assert model.hub_threshold(10) == model.MIN_HUB_DF
    assert model.hub_threshold(10, minimum=0) == 0


def test_parse_node_round_trip_and_errors():
    assert model.parse_node(model.paper_node("doi:10.1/x")) == ("paper", "doi:10.1/x")
    assert model.parse_node(model.entity_node(42)) == ("entity", 42)
    with pytest.raises(ValueError):
        model.parse_node("x:1")
    with pytest.raises(ValueError):
        model.parse_node("e:abc")


def _hub_graph(hub_df: int = 50) -> nx.Graph:
    """Papers a and b share a hub entity; a rare chain a - e1 - c - e2 - b also joins them."""
    others = [(f"o{i}", f"O{i}", None) for i in range(hub_df - 2)]
    papers = [("a", "A", 2020), ("b", "B", 2021), ("c", "C", 2022), *others]
    entities = [(1, "CNN", "method", hub_df), (2, "ADE20K", "dataset", 2), (3, "MSR-VTT", "dataset", 2)]
    edges = [("a", 1, "used"), ("b", 1, "used"), *((p, 1, "used") for p, _t, _y in others),
             ("a", 2, "used"), ("c", 2, "used"), ("c", 3, "used"), ("b", 3, "proposed")]
    return model.build_bipartite(papers, entities, edges)


def test_build_bipartite_attributes():
    G = _hub_graph()
    assert G.graph["papers"] == 51
    assert G.nodes["p:a"] == {"kind": "paper", "title": "A", "year": 2020}
    assert G.nodes["e:2"]["type"] == "dataset" and G.nodes["e:2"]["papers"] == 2
    assert G["p:b"]["e:3"]["role"] == "proposed"
    assert G["p:a"]["e:1"]["weight"] == pytest.approx(model.hop_cost(50))
    assert len(model.papers_of(G)) == 51
    assert model.entity_degree(G, "e:1") == 50


def test_explanation_path_prefers_rare_entities_over_a_hub():
    G = _hub_graph(hub_df=50)
    assert model.explanation_path(G, "p:a", "p:b") == ["p:a", "e:2", "p:c", "e:3", "p:b"]
    # with a small "hub" the direct route is cheaper
    G = _hub_graph(hub_df=3)
    assert model.explanation_path(G, "p:a", "p:b") == ["p:a", "e:1", "p:b"]


def test_explanation_path_edge_cases():
    G = _hub_graph()
    G.add_node("p:lonely", kind="paper", title="L", year=None)
    assert model.explanation_path(G, "p:a", "p:a") == ["p:a"]
    assert model.explanation_path(G, "p:a", "p:lonely") is None
    assert model.explanation_path(G, "p:a", "p:missing") is None


def test_paper_projection_weights_and_bounds():
    G = _hub_graph(hub_df=50)
    P = model.paper_projection(G)
    n = 51
    assert P["p:a"]["p:c"]["weight"] == pytest.approx(model.idf(2, n))
    assert P["p:a"]["p:b"]["shared"] == 1 and P["p:a"]["p:b"]["entities"] == ["e:1"]
    assert P.number_of_nodes() == 51
    # the hub dominates the edge count unless it is skipped
    assert P.number_of_edges() > 1000
    bounded = model.paper_projection(G, max_df=10)
    assert sorted(tuple(sorted(e)) for e in bounded.edges()) == [("p:a", "p:c"), ("p:b", "p:c")]
    assert model.paper_projection(G, max_pairs=2).number_of_edges() == 2
    only_methods = model.paper_projection(G, types={"method"})
    assert not only_methods.has_edge("p:a", "p:c")


def test_entity_cooccurrence():
    G = _hub_graph(hub_df=5)
    C = model.entity_cooccurrence(G)
    assert C["e:1"]["e:2"]["weight"] == 1  # paper a
    assert C["e:2"]["e:3"]["weight"] == 1  # paper c
    assert not C.has_edge("e:1", "e:3") or C["e:1"]["e:3"]["weight"] == 1  # paper b
    assert set(model.entity_cooccurrence(G, types={"dataset"})) == {"e:2", "e:3"}
    assert "e:1" not in model.entity_cooccurrence(G, max_df=4)


def test_characteristic_entities_and_communities():
    papers = [(p, p.upper(), None) for p in "abcdefgh"]
    entities = [(1, "Mamba", "method", 4), (2, "MSR-VTT", "dataset", 4), (3, "CNN", "method", 8)]
    edges = [(p, 1, "used") for p in "abcd"] + [(p, 2, "used") for p in "efgh"] + [(p, 3, "used") for p in "abcdefgh"]
    G = model.build_bipartite(papers, entities, edges)
    top = model.characteristic_entities(G, ["p:a", "p:b", "p:c", "p:d"])
    assert [e for e, _c, _s in top] == ["e:1"]  # CNN is everywhere: not characteristic
    P = model.paper_projection(G)
    parts = model.paper_communities(P, seed=1)
    assert sorted(sorted(c) for c in parts) == [["p:a", "p:b", "p:c", "p:d"], ["p:e", "p:f", "p:g", "p:h"]]
    assert model.paper_communities(P, seed=1) == parts  # deterministic


def test_load_bipartite_from_tiny_db_and_cache(tiny_db):
    model.clear_cache()
    G = model.load_bipartite(tiny_db)
    assert G.graph["papers"] == 8
    titles = {d["title"] for _v, d in G.nodes(data=True) if d["kind"] == "paper"}
    assert "A ConvNet for the 2020s" in titles
    ade = next(v for v, d in G.nodes(data=True) if d.get("name") == "ADE20K")
    assert G.degree(ade) == 3 == G.nodes[ade]["papers"]
    protein = next(v for v, d in G.nodes(data=True) if str(d.get("title", "")).startswith("An Unconnected"))
    assert G.degree(protein) == 0
    assert model.load_bipartite(tiny_db) is G  # cached
    st = os.stat(tiny_db)
    os.utime(tiny_db, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # the file "changed"
    G2 = model.load_bipartite(tiny_db)
    assert G2 is not G and G2.number_of_edges() == G.number_of_edges()
    assert model.load_bipartite(str(tiny_db)) is G2  # same file, any spelling of the path
