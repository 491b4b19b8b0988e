"""The SQL recipes (graph/recipes.py) run through graph.sql.run_sql on the tiny graph."""

from __future__ import annotations

import doctest
import re

import pytest

from graph import recipes
from graph.recipes import EXAMPLE_PARAMS, RECIPES, recipe
from graph.sql import run_sql

HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
CONVNET = "A ConvNet for the 2020s"
RESNET = "Deep Residual Learning for Image Recognition"
MALICIOUS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


def rows(db, name, **params):
    _cols, out = run_sql(db, recipe(name).sql, {**EXAMPLE_PARAMS[name], **params})
    return out


def test_doctests():
    assert doctest.testmod(recipes).failed == 0


def test_every_recipe_is_named_described_and_has_example_params():
    assert len({r.name for r in RECIPES}) == len(RECIPES)
    for r in RECIPES:
        name, description, sql = r  # a plain (name, description, sql) triple
        assert description.strip() and sql.lstrip().upper().startswith("SELECT")
        assert set(re.findall(r":(\w+)", sql)) == set(EXAMPLE_PARAMS[name])
    with pytest.raises(KeyError):
        recipe("nope")


def test_every_recipe_runs_and_finds_rows(tiny_db):
    for r in RECIPES:
        assert rows(tiny_db, r.name), r.name


def test_papers_using(tiny_db):
    out = rows(tiny_db, "papers_using")
    assert sorted(r["title"] for r in out) == sorted([HORNET, CONVNET, MALICIOUS])
    assert all("ADE20K" in r["evidence"] for r in out)
    assert rows(tiny_db, "papers_using", entity="ade20k") == out  # case-insensitive


def test_entities_of_paper(tiny_db):
    out = rows(tiny_db, "entities_of_paper")
    assert {(r["type"], r["entity"]) for r in out} >= {("method", "ConvNeXt"), ("dataset", "ADE20K"),
                                                       ("metric", "top-1 accuracy")}
    assert next(r for r in out if r["entity"] == "ConvNeXt")["role"] == "proposed"


def test_shared_and_overlap(tiny_db):
    out = rows(tiny_db, "shared_by_titles")
    assert {r["entity"] for r in out} == {"ADE20K", "COCO", "ImageNet-1K", "ConvNeXt", "Swin Transformer"}
    assert all(r["evidence_a"] and r["evidence_b"] for r in out)
    top = rows(tiny_db, "most_overlapping")
    assert [r["title"] for r in top] == [HORNET, RESNET, MALICIOUS] and top[0]["shared"] == 5


def test_method_on_dataset_and_top(tiny_db):
    assert sorted(r["title"] for r in rows(tiny_db, "method_on_dataset")) == sorted([HORNET, CONVNET])
    assert rows(tiny_db, "method_on_dataset", method="Mamba") == []
    out = rows(tiny_db, "top_entities")
    assert [r["entity"] for r in out[:2]] == ["ADE20K", "COCO"] and out[0]["papers"] == 3
    assert rows(tiny_db, "top_entities", type="metric")[0]["entity"] in ("Recall@1", "top-1 accuracy")


def test_cooccurring_code_years_variants_leaderboard(tiny_db):
    co = {r["entity"]: r["papers"] for r in rows(tiny_db, "cooccurring")}
    assert co["text-video retrieval"] == 2 and co["Mamba"] == 1 and "MSR-VTT" not in co
    code = rows(tiny_db, "code_for_entity")
    assert [(r["url"], r["role"]) for r in code] == [("https://github.com/state-spaces/mamba", "proposed")]
    assert rows(tiny_db, "per_year") == [{"year": 2015, "papers": 1}, {"year": 2022, "papers": 2}]
    assert rows(tiny_db, "variants") == [{"variant": "ResNet-50", "type": "method"}]
    board = rows(tiny_db, "leaderboard")
    assert sorted(r["value"] for r in board) == [84.3, 87.8]


def test_markdown_lists_every_recipe():
    md = recipes.as_markdown()
    for r in RECIPES:
        assert f"(`{r.name}`)" in md
    assert "-p title_a 'HorNet: Efficient" in md


def test_mentions_of_entity_carry_their_sentence(tiny_db):
    out = rows(tiny_db, "mentions_of_entity")
    assert {r["title"] for r in out} == {HORNET, CONVNET, MALICIOUS}
    assert all(r["surface"] in r["sentence"] for r in out)


def test_communities_recipe_reads_the_build_tables(tiny_db):
    from graph.queries import communities

    out = rows(tiny_db, "communities", min_size="1")
    assert [(r["id"], r["size"], r["label"]) for r in out] == [
        (c["id"], c["size"], c["label"]) for c in communities(tiny_db, min_size=1) if c["entities"]]
