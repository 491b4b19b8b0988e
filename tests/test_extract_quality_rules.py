"""Behaviour of the curated pattern and rule data on the full gazetteers (one case per error category)."""

from __future__ import annotations

import pytest

from extract.canonical import family_of
from extract.pipeline import Extractor


@pytest.fixture(scope="module")
def full() -> Extractor:
    return Extractor()


def mentions(ex: Extractor, text: str, title: str = "") -> dict[str, tuple[str, str, str | None]]:
    """surface text -> (type, canonical, family) of every mention."""
    return {m.text: (m.type, m.canonical, m.family) for m in ex.extract(title, text).mentions}


def test_tuned_model_releases_stay_whole_and_join_their_family(full):
    got = mentions(full, "We fine-tune Qwen-VL-Chat and compare with Llama-2-7B-Chat and Mistral-7B-Instruct.")
    assert got["Qwen-VL-Chat"][0] == "method" and got["Qwen-VL-Chat"][2] == "Qwen-VL"
    assert "Qwen-VL" not in got
    assert got["Llama-2-7B-Chat"][2] == "Llama-2-7B"
    assert got["Mistral-7B-Instruct"][0] == "method"
    assert family_of("Gemma-2-9b-it", "method")[0] == "Gemma-2-9b"
    assert family_of("Qwen-VL-Chat", "dataset") is None


def test_title_case_spelling_of_an_inner_capital_name(full):
    got = mentions(full, "We pretrain on Imagenet and compare with Deepseek.")
    assert got["Imagenet"][:2] == ("dataset", "ImageNet")
    assert got["Deepseek"][:2] == ("method", "DeepSeek")
    # a surface with inner capitals of its own still matches ("iSAID" starts lower-case)
    assert mentions(full, "We evaluate on iSAID and DIOR.")["iSAID"][0] == "dataset"
    # lower case stays an English word: "quality" is not the QuALITY benchmark
    assert "quality" not in mentions(full, "We improve the quality of generated images.")


def test_spelling_variants_the_generator_does_not_produce(full):
    got = mentions(full, "We render scenes of Tanks & Temples with a state-space model.")
    assert got["Tanks & Temples"][:2] == ("dataset", "Tanks and Temples")
    assert got["state-space model"][:2] == ("method", "State Space Model")
    assert "Tanks" not in got and "Temples" not in got


def test_phenomena_and_mechanisms_are_not_tasks(full):
    got = mentions(full, "We mitigate the hallucination problem and the over-smoothing problem, "
                         "and speed up token generation for machine translation.")
    assert not any(t == "task" and ("problem" in s or "token" in s) for s, (t, _, _) in got.items()), got
    assert got["machine translation"][0] == "task"


def test_lower_case_map_is_not_a_metric(full):
    got = mentions(full, "The model predicts a depth map in 0.3 seconds; the MAP of BM25 improves by 2 points.")
    assert "map" not in got and "depth map" not in got
    assert got["MAP"][:2] == ("metric", "mAP")


def test_boundary_and_inference_metrics(full):
    got = mentions(full, "We report boundary accuracy and inference throughput.")
    assert got["boundary accuracy"][0] == "metric"
    assert got["inference throughput"][0] == "metric"


def test_benchmark_subtitle_is_not_a_dataset_name(full):
    got = mentions(full, "We introduce MVBench.", title="MVBench: A Comprehensive Multi-modal Video Understanding Benchmark")
    assert got["MVBench"][0] == "dataset"
    assert all(t != "dataset" for s, (t, _, _) in got.items() if "Understanding" in s)


def test_c4_as_a_detection_backbone_stage(full):
    got = mentions(full, "Our detector uses an R50-C4 backbone. We pretrain T5 on the C4 corpus.")
    assert got["R50-C4"][0] == "method" and got["R50-C4"][2] == "ResNet-50"
    assert got["C4"][0] == "dataset"


def test_a_metric_and_its_minimum_over_samples_stay_apart(full):
    got = mentions(full, "We report the average displacement error (ADE), FDE and minADE.")
    assert got["ADE"][:2] == ("metric", "Average displacement error")
    assert got["FDE"][:2] == ("metric", "Final displacement error")
    assert got["minADE"][:3] == ("metric", "minADE", "Average displacement error")


@pytest.mark.parametrize(("text", "short", "long"), [
    ("We train agents with Proximal Policy Optimization (PPO) on Atari.", "PPO", "Proximal Policy Optimization"),
    ("We introduce the Abstraction and Reasoning Corpus (ARC) for evaluation.", "ARC", "Abstraction and Reasoning Corpus"),
    ("We learn a hierarchical And-Or graph (AOG) of parts.", "AOG", "And-Or graph"),
    ("Samples are independent and identically distributed (IID) here.", "IID", "independent and identically distributed"),
    ("We adapt with Low-Rank Adaptation (LoRA) and Sparse masKed modeling (SparK).", "LoRA", "Low-Rank Adaptation"),
])
def test_abbreviation_long_form_prefers_word_initials(text, short, long):
    from extract.components.abbreviations import find_abbreviations

    assert (short, long) in {(p.short, p.long) for p in find_abbreviations(text)}


def test_abbreviation_with_a_full_long_form_joins_the_gazetteer_entity(full):
    got = mentions(full, "We use Proximal Policy Optimization (PPO). PPO is stable.")
    assert got["PPO"][:2] == ("method", "Proximal Policy Optimization")


def test_mechanisms_named_like_tasks(full):
    got = mentions(full, "We upsample with bicubic interpolation and train with v-prediction and "
                         "next-scale prediction; a bottleneck layer helps link prediction.")
    assert all(t != "task" for s, (t, _, _) in got.items() if "interpolation" in s or s.endswith("-prediction")
               or s.startswith("next-scale")), got
    assert got["bottleneck layer"][0] == "method"
    assert got["link prediction"][0] == "task"
