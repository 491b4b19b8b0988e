"""The query commands through click's CliRunner: JSON by default, tables for people, clean errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import ok_json

from graph.cli import cli

HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
CONVNET = "A ConvNet for the 2020s"


def test_commands_are_registered():
    result = CliRunner().invoke(cli, ["--help"])
    for name in ("neighbors", "shared", "similar", "path", "together", "top", "communities", "paper", "entity"):
        assert f"  {name}" in result.output


def test_shared_json(run):
    out = ok_json(run("shared", "HorNet: Efficient", CONVNET))
    assert {"ADE20K", "COCO"} <= {i["entity"] for i in out["shared"]["dataset"]}
    assert "ConvNeXt" in {i["entity"] for i in out["shared"]["method"]}


def test_shared_table(run):
    result = run("shared", "HorNet: Efficient", CONVNET, "--table")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("A: HorNet") and "5 shared" in result.output
    assert any(line.startswith("dataset") and "ADE20K" in line for line in lines)


def test_neighbors_options(run):
    out = ok_json(run("neighbors", "ADE20K"))
    assert len(out["neighbors"]) == 3 and out["center"]["type"] == "dataset"
    out = ok_json(run("neighbors", CONVNET, "--hops", "2", "--types", "dataset", "--limit", "2"))
    assert [n["hops"] for n in out["neighbors"]] == [1, 1, 2, 2]
    csv_out = run("neighbors", "ADE20K", "--csv")
    assert csv_out.exit_code == 0 and csv_out.output.splitlines()[0].startswith("hops,type,name")
    bad = run("neighbors", "ADE20K", "--hops", "5")
    assert bad.exit_code == 2


def test_similar_path_together_top_communities(run):
    out = ok_json(run("similar", "HorNet: Efficient", "--by", "methods"))
    assert [r["title"] for r in out] == [CONVNET]
    out = ok_json(run("path", "CLIP4Clip: An", "Mamba"))
    assert out["steps"][-1]["to"]["name"] == "Mamba" and all(s["evidence"] for s in out["steps"])
    table = run("path", "CLIP4Clip: An", "Mamba", "-t")
    assert table.exit_code == 0 and ("MSR-VTT" in table.output or "text-video retrieval" in table.output)
    out = ok_json(run("together", "--method", "ConvNeXt", "--dataset", "ADE20K"))
    assert sorted(r["title"] for r in out) == sorted([HORNET, CONVNET])
    out = ok_json(run("together", "--dataset", "COCO", "--dataset", "ADE20K", "--task", "object detection"))
    assert [r["title"] for r in out] == [HORNET]
    out = ok_json(run("top", "--type", "dataset", "--limit", "2"))
    assert [r["entity"] for r in out] == ["ADE20K", "COCO"]
    out = ok_json(run("communities"))
    assert len(out) == 2 and all(c["label"] for c in out)


def test_details(run):
    out = ok_json(run("paper", "HorNet: Efficient"))
    assert out["title"] == HORNET and out["mentions"]
    out = ok_json(run("entity", "ResNet"))
    assert [v["name"] for v in out["variants"]] == ["ResNet-50"]
    table = run("entity", "ADE20K", "--table")
    assert table.exit_code == 0 and table.output.startswith("ADE20K (dataset, 3 papers)")


@pytest.mark.parametrize(
    "args, words",
    [
        (("neighbors", "ADE21K"), ["no paper or entity named 'ADE21K'", "ADE20K"]),
        (("shared", "A", CONVNET), ["ambiguous", "An Unconnected Paper"]),
        (("path", "An Unconnected", "HorNet"), ["mentions no entity"]),
        (("together",), ["at least one"]),
        (("top", "--type", "gadget"), ["unknown entity type"]),
        (("similar", "Nothing Like This Title"), ["no paper named"]),
    ],
)
def test_errors_are_one_line(run, args, words):
    result = run(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    for w in words:
        assert w in lines[0]
    assert "Traceback" not in result.output


def test_missing_database_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(cli, ["top", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "no such database" in result.stderr
