"""litkg leaderboard / results / benchmarks through click's CliRunner on the tiny graph."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner
from conftest import ok_json

from graph.cli import cli

HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
NOTE = "Claims extracted from abstracts, not verified result tables."


def test_commands_are_registered():
    names = cli.list_commands(None)
    assert {"leaderboard", "results", "benchmarks"} <= set(names)
    out = CliRunner().invoke(cli, ["leaderboard", "--help"])
    text = " ".join(out.output.split())
    assert out.exit_code == 0 and "--dataset" in text and "not verified result tables" in text


def test_leaderboard_json(run):
    data = ok_json(run("leaderboard", "--dataset", "ImageNet-1K"))
    assert data["note"] == NOTE
    rows = data["boards"][0]["rows"]
    assert [(r["rank"], r["method"], r["value"]) for r in rows] == [(1, "ConvNeXt", 87.8), (2, "HorNet", 84.3)]
    assert data["boards"][0]["metric"] == "top-1 accuracy"


def test_leaderboard_family_metric_and_limit(run):
    data = ok_json(run("leaderboard", "-d", "imagenet", "-m", "top-1 accuracy", "--limit", "1"))
    assert data["dataset"]["includes"] == ["ImageNet-1K"]
    assert [r["method"] for r in data["boards"][0]["rows"]] == ["ConvNeXt"]
    assert ok_json(run("leaderboard", "-d", "imagenet", "--no-families"))["boards"] == []


def test_leaderboard_table_starts_with_the_note(run):
    out = run("leaderboard", "--dataset", "ImageNet-1K", "--table")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == f"Note: {NOTE}"
    assert any("top-1 accuracy" in line and "higher is better" in line for line in lines)
    body = [line for line in lines if line.startswith(("1 ", "2 "))]
    assert body[0].split()[:3] == ["1", "ConvNeXt", "87.8%"] and body[1].split()[:3] == ["2", "HorNet", "84.3%"]


def test_leaderboard_csv(run):
    out = run("leaderboard", "--dataset", "MSR-VTT", "--csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["metric"], r["rank"], r["method"], r["value"]) for r in rows] == [("Recall@1", "1", "CLIP4Clip", "44.5")]


def test_leaderboard_without_claims_says_so(run):
    out = run("leaderboard", "--dataset", "ADE20K", "--table")
    assert out.exit_code == 0 and "No absolute result claims on ADE20K" in out.stdout


def test_unknown_dataset_is_one_error_line_with_candidates(run):
    out = run("leaderboard", "--dataset", "ImageNet-22K")
    assert out.exit_code == 1
    err = out.stderr.strip()
    assert err.startswith("Error: no dataset named 'ImageNet-22K'") and "ImageNet-1K" in err
    assert "\n" not in err and "Traceback" not in out.output


def test_dataset_is_required(run):
    out = run("leaderboard")
    assert out.exit_code == 2 and "--dataset" in out.stderr


def test_results_of_a_paper(run):
    data = ok_json(run("results", "HorNet"))
    assert data["paper"]["title"] == HORNET
    assert [(r["method"], r["metric"], r["value"], r["kind"]) for r in data["results"]] == [
        ("HorNet", "top-1 accuracy", 84.3, "absolute")]
    table = run("results", "HorNet", "--table")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].startswith(HORNET) and lines[1] == f"Note: {NOTE}"
    assert any(line.split()[:2] == ["absolute", "HorNet"] and "84.3%" in line for line in lines)
    empty = run("results", "Mamba: Linear-Time", "--table")
    assert empty.exit_code == 0 and "No result claims" in empty.stdout


def test_results_unknown_paper(run):
    out = run("results", "A paper nobody wrote about llamas")
    assert out.exit_code == 1 and out.stderr.startswith("Error: no paper named")


def test_benchmarks(run):
    data = ok_json(run("benchmarks"))
    assert [(b["dataset"], b["metric"], b["results"]) for b in data] == [
        ("ImageNet-1K", "top-1 accuracy", 2), ("MSR-VTT", "Recall@1", 1)]
    assert ok_json(run("benchmarks", "--min-results", "2"))[0]["dataset"] == "ImageNet-1K"
    table = run("benchmarks", "--table")
    assert table.exit_code == 0 and table.stdout.splitlines()[0].split()[:4] == ["dataset", "metric", "results",
                                                                                 "papers"]


def test_missing_database_is_a_clean_error(tmp_path):
    out = CliRunner().invoke(cli, ["benchmarks", str(tmp_path / "nope.db")])
    assert out.exit_code == 1 and "no such database" in out.stderr
