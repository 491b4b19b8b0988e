"""The query API on the hand-made tiny graph (exact expectations), and the issue's
"Done when" checks on the bundled corpus (skipped until the extraction pipeline exists)."""

from __future__ import annotations

import doctest
import json
import math

import pytest

from extract.errors import LitkgError
from graph import model, queries
from graph.queries import (
    AmbiguousNode,
    NodeNotFound,
    NoPath,
    communities,
    entity_detail,
    neighbors,
    paper_detail,
    path,
    resolve_node,
    shared,
    similar,
    together,
    top,
)

HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
CONVNET = "A ConvNet for the 2020s"
RESNET = "Deep Residual Learning for Image Recognition"
MALICIOUS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"
PROTEIN = "An Unconnected Paper About Protein Folding"
MAMBA = "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"
VIDEOMAMBA = "VideoMamba: State Space Model for Efficient Video Understanding"
CLIP4CLIP = "CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval"


def names(items, key="name"):
    return [x[key] for x in items]


def test_doctests():
    result = doctest.testmod(queries)
    assert result.attempted >= 5 and result.failed == 0


# ---- resolving -------------------------------------------------------------------------------------
def test_resolve_titles_ids_and_prefixes(tiny_db):
    conv = resolve_node(tiny_db, "a convnet for the 2020S")
    assert conv["kind"] == "paper" and conv["name"] == CONVNET and conv["node"] == f"p:{conv['id']}"
    assert conv["year"] == 2022 and conv["type"] == "paper"
    assert resolve_node(tiny_db, conv["id"]) == conv
    assert resolve_node(tiny_db, conv["node"]) == conv
    assert resolve_node(tiny_db, "Deep Residual")["name"] == RESNET
    assert resolve_node(tiny_db, "<img src=x")["name"] == MALICIOUS


def test_resolve_entities_and_aliases(tiny_db):
    ade = resolve_node(tiny_db, "ade20k")
    assert ade["kind"] == "entity" and ade["name"] == "ADE20K" and ade["type"] == "dataset" and ade["papers"] == 3
    assert resolve_node(tiny_db, ade["node"]) == ade
    swin = resolve_node(tiny_db, "Swin Transformers")  # the surface form, an alias of the canonical name
    assert swin["name"] == "Swin Transformer"


def test_exact_entity_name_beats_title_prefix_and_kind_filters(tiny_db):
    assert resolve_node(tiny_db, "Mamba")["kind"] == "entity"
    assert resolve_node(tiny_db, "Mamba", kind="paper")["name"] == MAMBA
    assert resolve_node(tiny_db, "HorNet", kind="paper")["name"] == HORNET
    assert resolve_node(tiny_db, "COCO", kind="dataset")["name"] == "COCO"
    with pytest.raises(NodeNotFound):
        resolve_node(tiny_db, "COCO", kind="method")


def test_unknown_name_lists_closest_candidates(tiny_db):
    with pytest.raises(NodeNotFound) as err:
        resolve_node(tiny_db, "ADE21K")
    assert "ADE20K" in names(err.value.candidates)
    assert "ADE20K" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(NodeNotFound) as err:
        resolve_node(tiny_db, "ConvNext v2 for the 2020s")
    assert CONVNET in names(err.value.candidates)
    assert len(err.value.candidates) <= 5
    with pytest.raises(NodeNotFound):
        resolve_node(tiny_db, "   ")
    assert issubclass(NodeNotFound, LitkgError) and issubclass(AmbiguousNode, LitkgError)


def test_ambiguous_prefix(tiny_db):
    with pytest.raises(AmbiguousNode) as err:
        resolve_node(tiny_db, "A")
    listed = names(err.value.candidates)
    assert CONVNET in listed and PROTEIN in listed
    assert "ambiguous" in str(err.value)
    with pytest.raises(AmbiguousNode) as err:
        resolve_node(tiny_db, "Hor")  # the HorNet paper and the HorNet method
    assert {c["kind"] for c in err.value.candidates} == {"paper", "entity"}
    with pytest.raises(AmbiguousNode):
        resolve_node(tiny_db, "A", kind="paper")


# ---- shared ----------------------------------------------------------------------------------------
def test_shared_hornet_convnet(tiny_db):
    out = shared(tiny_db, "HorNet", CONVNET)
    assert out["a"]["name"] == HORNET and out["b"]["name"] == CONVNET
    assert sorted(out["shared"]) == ["dataset", "method"]
    assert names(out["shared"]["dataset"], "entity") == ["ImageNet-1K", "ADE20K", "COCO"]  # rarest first
    assert sorted(names(out["shared"]["method"], "entity")) == ["ConvNeXt", "Swin Transformer"]
    assert out["count"] == 5
    for items in out["shared"].values():
        for item in items:
            assert item["evidence_a"] in queries.paper_detail(tiny_db, "HorNet: Efficient")["abstract"]
            assert item["evidence_b"] in queries.paper_detail(tiny_db, CONVNET)["abstract"]
            surface = item["entity"].rstrip("r")[:6]
            assert surface.lower() in item["evidence_a"].lower() and surface.lower() in item["evidence_b"].lower()
    conv = next(i for i in out["shared"]["method"] if i["entity"] == "ConvNeXt")
    assert (conv["role_a"], conv["role_b"]) == ("used", "proposed")
    ade, imnet = out["shared"]["dataset"][1], out["shared"]["dataset"][0]
    assert imnet["idf"] > ade["idf"] > 0
    json.dumps(out)


def test_shared_is_symmetric_and_lists_family_relations(tiny_db):
    ab = shared(tiny_db, "HorNet", RESNET)
    ba = shared(tiny_db, RESNET, "HorNet")
    assert names(ab["shared"]["dataset"], "entity") == names(ba["shared"]["dataset"], "entity") == ["COCO"]
    assert names(ab["shared"]["task"], "entity") == ["object detection"]
    assert [(r["entity_a"], r["entity_b"], r["family"]) for r in ab["related"]] == [
        ("ImageNet-1K", "ImageNet", "ImageNet")
    ]


def test_shared_errors(tiny_db):
    with pytest.raises(LitkgError, match="same paper"):
        shared(tiny_db, CONVNET, "a convnet for")
    with pytest.raises(NodeNotFound):
        shared(tiny_db, "ADE20K", CONVNET)  # an entity is not a paper
    out = shared(tiny_db, PROTEIN, CONVNET)
    assert out["count"] == 0 and out["shared"] == {}


# ---- neighbours ------------------------------------------------------------------------------------
def test_neighbors_of_a_benchmark_lists_the_papers_using_it(tiny_db):
    out = neighbors(tiny_db, "ADE20K")
    assert out["center"]["name"] == "ADE20K"
    assert sorted(names(out["neighbors"])) == sorted([HORNET, CONVNET, MALICIOUS])
    for n in out["neighbors"]:
        assert n["kind"] == "paper" and n["hops"] == 1 and n["role"] == "used"
        assert "ADE20K" in n["evidence"]


def test_neighbors_of_a_paper_by_type_and_hops(tiny_db):
    out = neighbors(tiny_db, CONVNET, types="datasets")
    assert sorted(names(out["neighbors"])) == ["ADE20K", "COCO", "ImageNet-1K"]
    assert all(n["hops"] == 1 and n["evidence"] for n in out["neighbors"])
    two = neighbors(tiny_db, CONVNET, hops=2)["neighbors"]
    papers = [n for n in two if n["hops"] == 2]
    assert names(papers)[0] == HORNET  # shares the most, and the rarest
    assert {n["name"] for n in papers} == {HORNET, RESNET, MALICIOUS}
    assert all(n["kind"] == "paper" and n["via"] and n["evidence"] for n in papers)
    three = neighbors(tiny_db, CONVNET, hops=3)["neighbors"]
    far = {n["name"] for n in three if n["hops"] == 3}
    own = {n["name"] for n in three if n["hops"] == 1}
    assert {"HorNet", "ResNet", "object detection"} <= far
    assert not far & own


def test_neighbors_of_an_entity_two_and_three_hops(tiny_db):
    out = neighbors(tiny_db, "MSR-VTT", hops=2)["neighbors"]
    co = {n["name"]: n for n in out if n["hops"] == 2}
    assert co["text-video retrieval"]["count"] == 2
    assert {"CLIP4Clip", "VideoMamba", "Mamba", "Kinetics-400", "Recall@1"} <= set(co)
    assert co["text-video retrieval"]["evidence"]
    only = neighbors(tiny_db, "MSR-VTT", hops=2, types="task")["neighbors"]
    assert {n["name"] for n in only if n["hops"] == 2} == {"text-video retrieval"}
    three = neighbors(tiny_db, "MSR-VTT", hops=3)["neighbors"]
    assert MAMBA in {n["name"] for n in three if n["hops"] == 3}


def test_neighbors_limit_and_errors(tiny_db):
    assert len(neighbors(tiny_db, "ADE20K", limit=2)["neighbors"]) == 2
    with pytest.raises(LitkgError, match="hops"):
        neighbors(tiny_db, "ADE20K", hops=4)
    with pytest.raises(LitkgError, match="entity type"):
        neighbors(tiny_db, "ADE20K", types="gadget")
    assert neighbors(tiny_db, PROTEIN, hops=3)["neighbors"] == []


# ---- similar ---------------------------------------------------------------------------------------
def test_similar_ranks_by_weighted_shared_entities(tiny_db):
    out = similar(tiny_db, "HorNet")
    assert [r["title"] for r in out] == [CONVNET, RESNET, MALICIOUS]
    first = out[0]
    assert first["score"] == pytest.approx(sum(r["weight"] for r in first["reasons"]), abs=1e-3)
    assert {r["entity"] for r in first["reasons"]} == {"ConvNeXt", "Swin Transformer", "ImageNet-1K", "COCO", "ADE20K"}
    assert [r["weight"] for r in first["reasons"]] == sorted((r["weight"] for r in first["reasons"]), reverse=True)
    assert MAMBA not in [r["title"] for r in out]
    assert len(similar(tiny_db, "HorNet", limit=1)) == 1


def test_similar_by_type(tiny_db):
    out = similar(tiny_db, "HorNet", by="methods")
    assert [r["title"] for r in out] == [CONVNET]
    assert {r["type"] for r in out[0]["reasons"]} == {"method"}
    out = similar(tiny_db, CLIP4CLIP, by="datasets")
    assert [r["title"] for r in out] == [VIDEOMAMBA]
    assert similar(tiny_db, PROTEIN) == []


# ---- path ------------------------------------------------------------------------------------------
def _check_chain(out):
    steps = out["steps"]
    assert out["length"] == len(steps) > 0
    assert steps[0]["from"]["node"] == out["a"]["node"] and steps[-1]["to"]["node"] == out["b"]["node"]
    for s, t in zip(steps, steps[1:], strict=False):
        assert s["to"]["node"] == t["from"]["node"]
    for s in steps:
        assert {s["from"]["kind"], s["to"]["kind"]} == {"paper", "entity"}
        assert s["evidence"]
        ent = s["from"] if s["from"]["kind"] == "entity" else s["to"]
        assert ent["id"] == s["entity_id"]


def test_path_from_clip4clip_to_mamba(tiny_db):
    out = path(tiny_db, CLIP4CLIP, "Mamba")
    _check_chain(out)
    via = [s["to"]["name"] for s in out["steps"]]
    assert via[-2] == VIDEOMAMBA and via[-1] == "Mamba"
    assert via[0] in ("MSR-VTT", "text-video retrieval")
    json.dumps(out)


def test_path_between_papers_prefers_the_rarer_entity(tiny_db):
    out = path(tiny_db, HORNET, RESNET)
    _check_chain(out)
    assert out["length"] == 2
    assert out["steps"][0]["to"]["name"] == "object detection"  # 2 papers, where COCO has 3
    out = path(tiny_db, MALICIOUS, RESNET)  # ADE20K then COCO or object detection
    _check_chain(out)
    assert out["length"] == 4


def test_path_errors(tiny_db):
    with pytest.raises(NoPath, match="mentions no entity"):
        path(tiny_db, PROTEIN, "HorNet")
    with pytest.raises(NoPath, match="separate parts"):
        path(tiny_db, "HorNet", MAMBA)
    with pytest.raises(NodeNotFound):
        path(tiny_db, "HorNet", "no such thing at all")
    assert issubclass(NoPath, LitkgError)


# ---- together / top --------------------------------------------------------------------------------
def test_together_method_on_dataset(tiny_db):
    out = together(tiny_db, {"method": "ConvNeXt", "dataset": "ADE20K"})
    assert sorted(r["title"] for r in out) == sorted([HORNET, CONVNET])
    for r in out:
        assert set(r["evidence"]) == {"ConvNeXt", "ADE20K"}
        assert "ConvNeXt" in r["evidence"]["ConvNeXt"] and "ADE20K" in r["evidence"]["ADE20K"]
    assert [r["title"] for r in together(tiny_db, ["Mamba", "MSR-VTT"])] == [VIDEOMAMBA]
    assert together(tiny_db, {"dataset": ["COCO", "ADE20K"], "task": "object detection"})[0]["title"] == HORNET
    assert together(tiny_db, {"method": "Mamba", "dataset": "COCO"}) == []


def test_together_matches_variants(tiny_db):
    out = together(tiny_db, {"method": "ResNet", "dataset": "COCO"})
    assert [r["title"] for r in out] == [CONVNET, RESNET]  # newest first
    assert out[0]["matched"]["ResNet"] == "ResNet-50" and out[1]["matched"]["ResNet"] == "ResNet"


def test_together_errors(tiny_db):
    with pytest.raises(NodeNotFound):
        together(tiny_db, {"dataset": "ConvNeXt"})
    with pytest.raises(LitkgError, match="at least one"):
        together(tiny_db, {})
    with pytest.raises(LitkgError, match="entity type"):
        together(tiny_db, {"gadget": "COCO"})


def test_top(tiny_db):
    out = top(tiny_db, "dataset")
    assert [r["entity"] for r in out[:2]] == ["ADE20K", "COCO"] and out[0]["papers"] == 3
    assert {r["type"] for r in out} == {"dataset"}
    assert [r["papers"] for r in out] == sorted((r["papers"] for r in out), reverse=True)
    everything = top(tiny_db, limit=100)
    assert {r["type"] for r in everything} == {"method", "dataset", "metric", "task"}
    assert len(top(tiny_db, limit=3)) == 3
    assert top(tiny_db, "metrics")[0]["type"] == "metric"


# ---- communities -----------------------------------------------------------------------------------
def test_communities_split_vision_from_video(tiny_db):
    model.clear_cache()
    out = communities(tiny_db)
    groups = [{p["title"] for p in c["papers"]} for c in out]
    assert {HORNET, CONVNET, RESNET, MALICIOUS} in groups
    assert {MAMBA, VIDEOMAMBA, CLIP4CLIP} in groups
    assert all(PROTEIN not in g for g in groups)
    video = next(c for c in out if MAMBA in {p["title"] for p in c["papers"]})
    assert {"Mamba", "MSR-VTT"} <= {e["entity"] for e in video["entities"]}
    assert video["label"] and video["size"] == 3
    assert communities(tiny_db) == out
    assert communities(tiny_db, min_size=4) == [c for c in out if c["size"] >= 4]
    assert all(len(c["papers"]) <= 2 for c in communities(tiny_db, max_papers=2))


# ---- details ---------------------------------------------------------------------------------------
def test_paper_detail(tiny_db):
    d = paper_detail(tiny_db, "HorNet")
    assert d["title"] == HORNET and d["year"] == 2022 and d["empty_abstract"] is False
    for m in d["mentions"]:
        text = d["title"] if m["field"] == "title" else d["abstract"]
        assert text[m["start"]:m["end"]] == m["surface"]
        assert m["surface"] in m["sentence"]
    assert {"HorNet", "ADE20K", "Swin Transformer"} <= {m["entity"] for m in d["mentions"]}
    assert [c["url"] for c in d["code_links"]] == ["https://github.com/raoyongming/HorNet"]
    assert d["results"][0]["value"] == 84.3 and d["results"][0]["dataset"] == "ImageNet-1K"
    assert d["sources"] == [{"path": "tiny.jsonl", "line": 1, "format": "jsonl"}]
    assert d["authors"] == []
    empty = paper_detail(tiny_db, "An Unconnected")
    assert empty["empty_abstract"] is True and empty["mentions"] == [] and empty["abstract"] == ""
    json.dumps(d)


def test_entity_detail(tiny_db):
    d = entity_detail(tiny_db, "ResNet")
    assert d["type"] == "method" and d["family"] is None
    assert names(d["variants"]) == ["ResNet-50"]
    assert [p["title"] for p in d["proposed_by"]] == [RESNET]
    v = entity_detail(tiny_db, "ResNet-50")
    assert v["family"]["name"] == "ResNet"
    assert {p["title"] for p in v["used_by"]} == {CONVNET, RESNET}
    assert all("ResNet-50" in p["evidence"] for p in v["used_by"])
    ade = entity_detail(tiny_db, "ADE20K")
    assert {"entity_id": resolve_node(tiny_db, "COCO")["id"], "entity": "COCO", "count": 2} in ade["cooccurring"]["dataset"]
    assert ade["per_year"] == {2020: 1, 2022: 2}
    assert sorted(c["url"] for c in ade["code_links"]) == ["https://github.com/evil/<script>",
                                                           "https://github.com/raoyongming/HorNet"]
    swin = entity_detail(tiny_db, "Swin Transformers")
    assert swin["name"] == "Swin Transformer" and swin["name"] not in swin["aliases"]
    hornet = entity_detail(tiny_db, "HorNet")
    assert hornet["code_links"][0]["role"] == "proposed"
    json.dumps(ade)


# ---- the "Done when", on the bundled corpus ------------------------------------------------
def _pipeline_ready() -> bool:
    try:
        from extract.pipeline import Extractor, pipeline_version  # noqa: F401
    except ImportError:
        return False
    return True


needs_pipeline = pytest.mark.skipif(not _pipeline_ready(), reason="the extraction pipeline (extract.pipeline) is not there yet")


@needs_pipeline
@pytest.mark.slow
def test_done_when_on_the_bundled_corpus(demo_db):
    out = shared(demo_db, HORNET, CONVNET)
    found = {i["entity"] for items in out["shared"].values() for i in items}
    assert {"ADE20K", "COCO", "ConvNeXt"} <= found
    for items in out["shared"].values():
        assert all(i["evidence_a"] and i["evidence_b"] for i in items)

    ade = neighbors(demo_db, "ADE20K", limit=1000)
    assert HORNET in names(ade["neighbors"]) and CONVNET in names(ade["neighbors"])
    assert all(n["kind"] == "paper" and n["evidence"] for n in ade["neighbors"])

    # two unrelated papers: HorNet and a connected paper sharing no entity with it
    G = model.load_bipartite(demo_db)
    hornet = resolve_node(demo_db, HORNET)["node"]
    mine = set(G.neighbors(hornet))
    other = next(
        v for v, d in sorted(G.nodes(data=True))
        if d["kind"] == "paper" and v != hornet and G.degree(v) >= 2 and not mine & set(G.neighbors(v))
        and model.explanation_path(G, hornet, v)
    )
    chain = path(demo_db, hornet, other)
    _check_chain(chain)
    assert chain["length"] >= 4

    with pytest.raises(NodeNotFound):
        shared(demo_db, "No Such Paper About Nothing", HORNET)


@pytest.fixture
def ranked_db(tmp_path):
    """One entity in 300 of 400 papers: 6 proposers, mention counts 1-4 (mostly 1), years 2015-2024 or none."""
    import random

    from graph.db import open_db

    rng = random.Random(5)
    db = open_db(tmp_path / "ranked.db")
    db.execute("INSERT INTO entities(id, key, name, type) VALUES (1, 'widenet', 'WideNet', 'method')")
    for i in range(400):
        year = None if i % 17 == 0 else rng.randint(2015, 2024)
        db.execute("INSERT INTO papers(id, title, abstract, year, title_key, content_hash) VALUES (?, ?, '', ?, ?, 'h')",
                   [f"p{i:03d}", f"Paper {i}", year, f"paper {i}"])
        if i < 300:
            role = "proposed" if i % 50 == 7 else "used"
            mentions = rng.choice([1] * 12 + [2, 2, 3, 4])
            db.execute("INSERT INTO paper_entity VALUES (?, 1, ?, ?, 's')", [f"p{i:03d}", role, mentions])
    db.conn.commit()
    yield db
    db.conn.close()


@pytest.mark.parametrize("limit", [1, 6, 7, 20, 50, 120, 299, 300, 500])
def test_top_papers_of_an_entity_match_the_full_sort(ranked_db, limit):
    conn = ranked_db.conn
    full = conn.execute(
        "SELECT p.id FROM paper_entity pe JOIN papers p ON p.id = pe.paper_id WHERE pe.entity_id = 1 "
        "ORDER BY pe.role = 'proposed' DESC, pe.mentions DESC, p.year IS NULL, p.year DESC, p.id"
    ).fetchall()
    got = queries._top_papers_of_entity(conn, 1, limit, 400)
    assert [r[0] for r in got] == [r[0] for r in full[:limit]]


def test_top_papers_of_an_entity_take_both_ways_through_the_boundary_group(ranked_db):
    # the fixture's limits cover walking papers by year (a large boundary group) and sorting the group
    conn = ranked_db.conn
    ranks = conn.execute("SELECT role, mentions FROM paper_entity WHERE entity_id = 1 ORDER BY role, mentions DESC")
    ranks = ranks.fetchall()
    walked = set()
    for limit in (7, 20, 50, 120, 299):
        size = conn.execute("SELECT count(*) FROM paper_entity WHERE entity_id = 1 AND role = ? AND mentions = ?",
                            ranks[limit - 1]).fetchone()[0]
        walked.add(size >= math.isqrt(limit * 400) + 1)
    assert walked == {True, False}


def test_top_papers_of_an_entity_without_the_year_indexes(ranked_db):
    # while a first build loads, the query-only indexes are dropped (graph/schema.py BULK_DROPPED_INDEXES)
    conn = ranked_db.conn
    want = [r[0] for r in queries._top_papers_of_entity(conn, 1, 120, 400)]
    conn.executescript("DROP INDEX idx_papers_id_year; DROP INDEX idx_papers_year_id; DROP INDEX idx_paper_entity_rank;")
    assert [r[0] for r in queries._top_papers_of_entity(conn, 1, 120, 400)] == want
    assert [r[0] for r in queries._top_papers_of_entity(conn, 1, 7, 400)] == want[:7]
