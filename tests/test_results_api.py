"""graph.results: leaderboards, a paper's claims and the benchmark list, on the tiny graph and a hand-made one."""

from __future__ import annotations

import doctest

import pytest
from conftest import make_extraction

from extract.errors import LitkgError
from extract.records import Paper, SourceRef
from graph import results as results_mod
from graph.results import (
    NOTE,
    BenchmarkNotFound,
    benchmarks,
    higher_is_better,
    is_percentage_metric,
    leaderboard,
    paper_results,
)

HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
CONVNET = "A ConvNet for the 2020s"


def ranked(board):
    return [(r["rank"], r["method"], r["value"]) for r in board["rows"]]


# ---- the tiny graph -----------------------------------------------------------------------------------
def test_imagenet_1k_ranks_convnext_over_hornet(tiny_db):
    out = leaderboard(tiny_db, "ImageNet-1K")
    assert out["note"] == NOTE == "Claims extracted from abstracts, not verified result tables."
    assert out["dataset"]["name"] == "ImageNet-1K" and out["metric"] is None
    assert len(out["boards"]) == 1
    board = out["boards"][0]
    assert board["metric"] == "top-1 accuracy" and board["higher_is_better"] is True and board["unit"] == "%"
    assert ranked(board) == [(1, "ConvNeXt", 87.8), (2, "HorNet", 84.3)]
    first, second = board["rows"]
    assert first["title"] == CONVNET and first["year"] == 2022
    assert first["evidence"] == "ConvNeXt achieves 87.8% ImageNet-1K top-1 accuracy."
    assert second["title"] == HORNET and "84.3%" in second["evidence"]
    assert first["method_id"] is not None and first["paper_id"] != second["paper_id"]


def test_hornet_claim_joins_the_board_although_its_metric_was_unlinked_at_build_time(tiny_db):
    # HorNet's paper has no "top-1 accuracy" mention: its result row carries the name only.
    rows = {r["method"]: r for r in leaderboard(tiny_db, "ImageNet-1K")["boards"][0]["rows"]}
    assert set(rows) == {"ConvNeXt", "HorNet"}


def test_family_covers_its_variants(tiny_db):
    out = leaderboard(tiny_db, "ImageNet")
    assert out["dataset"]["name"] == "ImageNet" and out["dataset"]["includes"] == ["ImageNet-1K"]
    assert ranked(out["boards"][0]) == [(1, "ConvNeXt", 87.8), (2, "HorNet", 84.3)]
    assert leaderboard(tiny_db, "ImageNet", include_families=False)["boards"] == []


def test_dataset_and_metric_names_are_resolved_loosely(tiny_db):
    out = leaderboard(tiny_db, "imagenet-1k", metric="Top-1 Accuracy")
    assert out["metric"]["name"] == "top-1 accuracy" and len(out["boards"]) == 1
    assert ranked(leaderboard(tiny_db, "IMAGENET", metric="top-1 acc")["boards"][0])[0][1] == "ConvNeXt"
    assert ranked(leaderboard(tiny_db, "msr-vtt", metric="recall@1")["boards"][0]) == [(1, "CLIP4Clip", 44.5)]


def test_limit(tiny_db):
    assert ranked(leaderboard(tiny_db, "ImageNet-1K", limit=1)["boards"][0]) == [(1, "ConvNeXt", 87.8)]


def test_unknown_dataset_lists_candidates(tiny_db):
    with pytest.raises(BenchmarkNotFound) as info:
        leaderboard(tiny_db, "ImageNet-22K")
    exc = info.value
    assert isinstance(exc, LitkgError)
    assert exc.candidates[0] == "ImageNet-1K" and "MSR-VTT" in exc.candidates
    assert "ImageNet-22K" in str(exc) and "ImageNet-1K" in str(exc) and "\n" not in str(exc)
    with pytest.raises(BenchmarkNotFound):
        leaderboard(tiny_db, "  ")


def test_unknown_metric_of_a_dataset_lists_its_metrics(tiny_db):
    with pytest.raises(BenchmarkNotFound) as info:
        leaderboard(tiny_db, "ImageNet-1K", metric="FID")
    assert info.value.candidates == ["top-1 accuracy"] and "FID" in str(info.value)


def test_known_dataset_without_claims_has_no_boards(tiny_db):
    out = leaderboard(tiny_db, "ADE20K")
    assert out["dataset"]["name"] == "ADE20K" and out["boards"] == []


def test_results_of_hornet_paper(tiny_db):
    out = paper_results(tiny_db, "HorNet")
    assert out["paper"]["title"] == HORNET and out["paper"]["year"] == 2022
    assert out["note"] == NOTE
    assert [(r["method"], r["dataset"], r["metric"], r["value"], r["unit"], r["kind"], r["baseline"])
            for r in out["results"]] == [("HorNet", "ImageNet-1K", "top-1 accuracy", 84.3, "%", "absolute", None)]
    assert out["results"][0]["evidence"] == "HorNet reaches 84.3% top-1 accuracy on ImageNet-1K."
    assert out["results"][0]["metric_id"] is not None  # linked at query time
    assert paper_results(tiny_db, out["paper"]["id"]) == out
    assert paper_results(tiny_db, "Mamba: Linear-Time")["results"] == []


def test_unknown_paper_is_a_domain_error_with_candidates(tiny_db):
    with pytest.raises(LitkgError) as info:
        paper_results(tiny_db, "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolution Nets")
    assert info.value.candidates and info.value.candidates[0]["name"] == HORNET


def test_benchmarks(tiny_db):
    out = benchmarks(tiny_db)
    assert [(b["dataset"], b["metric"], b["results"], b["papers"]) for b in out] == [
        ("ImageNet-1K", "top-1 accuracy", 2, 2), ("MSR-VTT", "Recall@1", 1, 1)]
    assert out[0]["family"] == "ImageNet" and out[1]["family"] is None
    assert [b["dataset"] for b in benchmarks(tiny_db, min_results=2)] == ["ImageNet-1K"]


# ---- direction, units and deduplication on a hand-made graph --------------------------------------------
RESULT_PAPERS = [
    # (title, year, abstract, specs, results: (method, dataset, metric, value, unit, kind, sentence))
    ("FooGAN", 2019,
     "We propose FooGAN. FooGAN reaches an FID of 3.2 on CIFAR-10. A larger FooGAN reaches an FID of 2.9 on "
     "CIFAR-10. FooGAN gets an AUC of 0.955 on MIMIC-IV.",
     [("FooGAN", "method", "proposed", None, None), ("CIFAR-10", "dataset", "used", None, None),
      ("MIMIC-IV", "dataset", "used", None, None), ("FID", "metric", "used", None, None),
      ("AUC", "metric", "used", None, None)],
     [("FooGAN", "CIFAR-10", "FID", 3.2, "", "absolute", "FooGAN reaches an FID of 3.2 on CIFAR-10."),
      ("FooGAN", "CIFAR-10", "FID", 2.9, "", "absolute", "A larger FooGAN reaches an FID of 2.9 on CIFAR-10."),
      ("FooGAN", "MIMIC-IV", "AUC", 0.955, "", "absolute", "FooGAN gets an AUC of 0.955 on MIMIC-IV.")]),
    ("BarGAN", 2021,
     "We propose BarGAN. BarGAN reaches an FID of 2.1 on CIFAR-10, improving FID by 1.1. BarGAN gets 95.9% AUC on "
     "MIMIC-IV and runs at 12 ms latency on CIFAR-10.",
     [("BarGAN", "method", "proposed", None, None), ("CIFAR-10", "dataset", "used", None, None),
      ("MIMIC-IV", "dataset", "used", None, None), ("FID", "metric", "used", None, None),
      ("AUC", "metric", "used", None, None), ("latency", "metric", "used", None, None)],
     [("BarGAN", "CIFAR-10", "FID", 2.1, "", "absolute", "BarGAN reaches an FID of 2.1 on CIFAR-10."),
      ("BarGAN", "CIFAR-10", "FID", 1.1, "", "improvement", "BarGAN reaches an FID of 2.1 on CIFAR-10."),
      ("BarGAN", "MIMIC-IV", "AUC", 95.9, "%", "absolute", "BarGAN gets 95.9% AUC on MIMIC-IV."),
      ("BarGAN", "CIFAR-10", "latency", 12.0, "ms", "absolute", "It runs at 12 ms latency on CIFAR-10.")]),
    ("BazNet", 2020,
     "BazNet runs with 0.02 s latency on CIFAR-10 and reaches an FID of 2.1.",
     [("BazNet", "method", "proposed", None, None), ("CIFAR-10", "dataset", "used", None, None),
      ("latency", "metric", "used", None, None), ("FID", "metric", "used", None, None)],
     [("BazNet", "CIFAR-10", "latency", 0.02, "s", "absolute", "BazNet runs with 0.02 s latency on CIFAR-10."),
      ("BazNet", "CIFAR-10", "FID", 2.1, "", "absolute", "BazNet reaches an FID of 2.1.")]),
]


@pytest.fixture
def results_db(tmp_path):
    from graph.db import open_db
    from graph.store import GraphWriter, WriteStats

    db = open_db(tmp_path / "results.db")
    writer = GraphWriter(db, "test")
    papers = [Paper(title=t, abstract=a, year=y, sources=(SourceRef("r.jsonl", i + 1, "jsonl"),))
              for i, (t, y, a, _s, _r) in enumerate(RESULT_PAPERS)]
    plans = writer.plan(papers)
    extractions = {plan.paper_id: make_extraction(t, a, specs, (), res)
                   for plan, (t, _y, a, specs, res) in zip(plans, RESULT_PAPERS, strict=True)}
    writer.write_batch(plans, extractions, WriteStats())
    writer.finalize()
    db.conn.close()
    return tmp_path / "results.db"


def boards_by_metric(out):
    return {(b["metric"], b["unit"]): b for b in out["boards"]}


def test_lower_is_better_ranks_ascending_with_ties_and_one_row_per_paper(results_db):
    fid = boards_by_metric(leaderboard(results_db, "CIFAR-10"))[("FID", "")]
    assert fid["higher_is_better"] is False
    # FooGAN's best claim (2.9) only; BarGAN's improvement claim (1.1) is not a score; 2.1 is a tie
    assert sorted(ranked(fid)) == [(1, "BarGAN", 2.1), (1, "BazNet", 2.1), (3, "FooGAN", 2.9)]
    assert fid["claims"] == 4
    assert [r["year"] for r in fid["rows"]][:2] == [2021, 2020]  # ties: newer first


def test_units_split_boards_unless_they_share_a_percentage_scale(results_db):
    boards = boards_by_metric(leaderboard(results_db, "CIFAR-10"))
    assert ranked(boards[("latency", "ms")]) == [(1, "BarGAN", 12.0)]
    assert ranked(boards[("latency", "s")]) == [(1, "BazNet", 0.02)]
    auc = leaderboard(results_db, "MIMIC-IV", metric="AUC")
    (board,) = auc["boards"]
    assert board["unit"] == "%" and board["higher_is_better"] is True
    assert ranked(board) == [(1, "BarGAN", 95.9), (2, "FooGAN", 95.5)]
    assert [r["normalized"] for r in board["rows"]] == [False, True]


def test_benchmarks_count_absolute_claims_only(results_db):
    out = {(b["dataset"], b["metric"]): (b["results"], b["papers"]) for b in benchmarks(results_db)}
    assert out == {("CIFAR-10", "FID"): (4, 3), ("CIFAR-10", "latency"): (2, 2), ("MIMIC-IV", "AUC"): (2, 2)}


def test_paper_results_keep_every_kind(results_db):
    out = paper_results(results_db, "BarGAN")
    assert [(r["metric"], r["value"], r["kind"]) for r in out["results"]] == [
        ("FID", 2.1, "absolute"), ("FID", 1.1, "improvement"), ("AUC", 95.9, "absolute"),
        ("latency", 12.0, "absolute")]


@pytest.mark.parametrize("metric", ["FID", "FVD", "KID", "LPIPS", "top-1 error", "error rate", "WER", "CER", "EER",
                                    "perplexity", "latency", "MAE", "RMSE", "MSE", "Chamfer distance", "NLL",
                                    "validation loss", "bits per dimension", "BPC", "Absolute Trajectory Error",
                                    "mean rank", "inference time", "communication cost"])
def test_lower_is_better_metrics(metric):
    assert higher_is_better(metric) is False


@pytest.mark.parametrize("metric", ["top-1 accuracy", "mIoU", "box AP", "BLEU", "F1", "AUROC", "Recall@1", "PSNR",
                                    "SSIM", "FPS", "throughput", "Inception Score", "CIDEr", "success rate"])
def test_higher_is_better_metrics(metric):
    assert higher_is_better(metric) is True


def test_percentage_metrics():
    assert all(map(is_percentage_metric, ["accuracy", "mAP", "AUC", "R@5", "F1", "error rate", "BLEU", "mIoU"]))
    assert not any(map(is_percentage_metric, ["FID", "latency", "PSNR", "perplexity", "FPS"]))


def test_doctests():
    assert doctest.testmod(results_mod).failed == 0


def test_a_benchmark_listed_under_an_entity_of_another_type_has_its_board(tmp_path):
    # the store links a claim's dataset name to the entity of that key whatever its type: the benchmark
    # list shows it, so the leaderboard must find it too
    from graph.db import open_db
    from graph.store import GraphWriter, WriteStats

    abstract = "We evaluate on FooNet. BarNet reaches 91.2% accuracy on FooNet."
    db = open_db(tmp_path / "typed.db")
    writer = GraphWriter(db, "test")
    plans = writer.plan([Paper(title="BarNet", abstract=abstract, year=2020, sources=(SourceRef("t.jsonl", 1, "jsonl"),))])
    extraction = make_extraction(
        "BarNet", abstract, [("FooNet", "method", "used", None, None), ("BarNet", "method", "proposed", None, None)], (),
        [("BarNet", "FooNet", "accuracy", 91.2, "%", "absolute", "BarNet reaches 91.2% accuracy on FooNet.")])
    writer.write_batch(plans, {plans[0].paper_id: extraction}, WriteStats())
    writer.finalize()
    db.conn.close()
    listed = benchmarks(tmp_path / "typed.db")
    assert [(b["dataset"], b["metric"]) for b in listed] == [("FooNet", "accuracy")]
    assert listed[0]["dataset_id"] is not None
    board = leaderboard(tmp_path / "typed.db", "FooNet")
    assert board["dataset"]["id"] == listed[0]["dataset_id"]
    assert ranked(board["boards"][0]) == [(1, "BarNet", 91.2)]
