"""Per-component and per-rule tests of the litkg spaCy components (on a small fixture gazetteer)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from extract.components import customize_tokenizer
from extract.components.abbreviations import best_long_form, find_abbreviations, is_short_form
from extract.components.gazetteer import name_variants
from extract.components.rules import Rules
from extract.components.state import get_state, is_name_shaped
from extract.pipeline import Extractor

FIXTURE_PATTERNS = Path(__file__).parent / "fixtures" / "extract" / "patterns"


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return Extractor(FIXTURE_PATTERNS)


def sentences(ex: Extractor, text: str, title: str = "") -> list[str]:
    doc = ex.process(title, text)
    st = get_state(doc)
    return [st.text[s:e] for s, e in st.sents]


def found(ex: Extractor, text: str, title: str = "") -> dict[str, tuple[str, str]]:
    """surface text -> (type, rule) of every mention."""
    return {m.text: (m.type, m.rule) for m in ex.extract(title, text).mentions}


# --- sentences ------------------------------------------------------------------------


def test_abbreviations_and_numbers_do_not_split(ex):
    text = ("Prior work (Tian et al. 2023) uses e.g. masks, i.e. random ones. See Fig. 2 and Eq. 3 for v1.2.3 details. "
            "It reaches 84.3% top-1 and runs 1.6x faster vs. the baseline.")
    assert sentences(ex, text) == [
        "Prior work (Tian et al. 2023) uses e.g. masks, i.e. random ones.",
        "See Fig. 2 and Eq. 3 for v1.2.3 details.",
        "It reaches 84.3% top-1 and runs 1.6x faster vs. the baseline.",
    ]


def test_sentence_ending_in_url_keeps_url_whole(ex):
    text = "Code is released at https://github.com/keyu-tian/SparK. We also release models."
    assert sentences(ex, text) == ["Code is released at https://github.com/keyu-tian/SparK.", "We also release models."]
    doc = ex.process("", text)
    assert "https://github.com/keyu-tian/SparK" in [t.text for t in doc]


def test_single_capital_before_period_ends_sentence(ex):
    assert sentences(ex, "We compare with ConvNeXt-T. It is slower.") == ["We compare with ConvNeXt-T.", "It is slower."]


def test_title_is_one_sentence_and_newlines_break(ex):
    got = sentences(ex, "First part\nsecond line. Third.", title="SparK: a title. With a period")
    assert got == ["SparK: a title. With a period", "First part", "second line.", "Third."]
    doc = ex.process("A title", "Body one. Body two.")
    assert [s.text.strip() for s in doc.sents] == ["A title", "Body one.", "Body two."]


def test_sentences_on_the_doc_only_when_asked(ex):
    """``doc_sents=False`` (what ``Extractor.pipe`` uses) leaves ``doc.sents`` unset, and the sentence spans
    the components and records read are the same."""
    title, text = "SparK: a title", "First part\nsecond line, e.g. this. Third (www.x.org/a). Fourth."
    on = ex.nlp(ex.make_doc(title, text))
    off = ex.nlp(ex.make_doc(title, text, doc_sents=False))
    assert on.has_annotation("SENT_START") and not off.has_annotation("SENT_START")
    assert [s.text.strip() for s in on.sents] == ["SparK: a title", "First part", "second line, e.g. this.",
                                                  "Third (www.x.org/a).", "Fourth."]
    st_on, st_off = get_state(on), get_state(off)
    assert st_off.sents == st_on.sents and st_off.sent_starts == st_on.sent_starts
    assert [(c.start, c.end, c.key) for c in st_off.mentions] == [(c.start, c.end, c.key) for c in st_on.mentions]


def test_customize_tokenizer_on_blank_pipeline():
    nlp = spacy.blank("en")
    customize_tokenizer(nlp, Rules.load())
    toks = [t.text for t in nlp("As in Tian et al. and Fig. 3, ResNet-50 gets 84.3% (www.x.org/a).")]
    assert "al." in toks and "Fig." in toks and "ResNet-50" in toks and "84.3" in toks
    assert nlp.tokenizer.max_cache_size >= 1_000_000


# --- gazetteer ------------------------------------------------------------------------


def test_name_variants():
    assert name_variants("ResNet-50") >= {"ResNet-50", "ResNet50", "ResNet 50"}
    assert name_variants("ResNet50") >= {"ResNet-50", "ResNet 50"}
    assert "Vision Transformers" in name_variants("Vision Transformer", "method")
    assert "ImageNets" not in name_variants("ImageNet", "dataset")
    assert "YOLOv-8" not in name_variants("YOLOv8")


def test_token_boundaries(ex):
    got = found(ex, "Efficient exploration and search improve LoRA and ARC results on the ARC benchmark.")
    assert got["LoRA"][0] == "method"
    assert "ARC" in got and got["ARC"][0] == "dataset"
    assert not any("explor" in t or "search" in t for t in got)
    assert "LoRA" not in found(ex, "Exploration helps; lora is lowercase here.")


def test_variants_match_and_share_keys(ex):
    x = ex.extract("", "ResNet50 and ResNet 50 and resnet-50 beat ResNet on ImageNet-1k and imagenet-1K.")
    keys = {m.text: m.key for m in x.mentions}
    assert keys["ResNet50"] == keys["ResNet 50"] == keys["resnet-50"]
    assert keys["ResNet"] != keys["ResNet50"]
    assert keys["ImageNet-1k"] == keys["imagenet-1K"]
    fam = {m.text: m.family for m in x.mentions}
    assert fam["ResNet50"] == "ResNet" and fam["ImageNet-1k"] == "ImageNet"


def test_exact_case_entries(ex):
    assert "BERT" in found(ex, "We fine-tune BERT on the data.")
    assert "bert" not in found(ex, "We fine-tune bert on the data.")


def test_ambiguous_entry_needs_support(ex):
    assert "Places" not in found(ex, "Places to visit are listed in the appendix.")
    assert found(ex, "We evaluate on the Places dataset and ImageNet.")["Places"][0] == "dataset"


def test_generic_entry_loses_to_longer_phrase(ex):
    got = found(ex, "We use sparse convolution on point clouds.")
    assert "sparse convolution" in got and "convolution" not in got


# --- abbreviations --------------------------------------------------------------------


def test_short_form_shape():
    assert is_short_form("MIM") and is_short_form("SparK") and is_short_form("CNNs")
    assert not any(is_short_form(s) for s in ("2023", "i", "iii", "e.g.", "Fig. 2", "see Fig. 2", "x", "+1.0%", "a very long form here"))


def test_best_long_form():
    cand = "we pre-train with masked image modeling"
    assert cand[best_long_form("MIM", cand):] == "masked image modeling"
    assert best_long_form("XYZ", "masked image modeling") is None


def test_abbreviations_both_orders():
    pairs = find_abbreviations("We use masked image modeling (MIM). Then MIM (masked image modeling) is applied.")
    assert [(p.short, p.long) for p in pairs] == [("MIM", "masked image modeling")] * 2
    p = pairs[1]
    text = "We use masked image modeling (MIM). Then MIM (masked image modeling) is applied."
    assert text[p.short_start:p.short_end] == "MIM" and text[p.long_start:p.long_end] == "masked image modeling"
    plural = find_abbreviations("Large-kernel convolutional neural networks (CNNs) are strong.")
    assert [(p.short, p.long) for p in plural] == [("CNNs", "convolutional neural networks")]
    assert find_abbreviations("results (see Fig. 2) and years (2023) and (i) items") == []


def test_abbreviation_links_keys_in_document(ex):
    x = ex.extract("", "We revisit masked image modeling (MIM) for convnets. MIM works well; MIM-based models too.")
    mims = [m for m in x.mentions if m.text == "MIM"]
    longs = [m for m in x.mentions if m.text == "masked image modeling"]
    assert len(mims) == 3 and len(longs) == 1
    from extract.canonical import entity_key

    # (keys in the form extract.canonical.entity_key gives them: the key format is canonical.py's business)
    assert {m.key for m in mims} == {longs[0].key} == {entity_key("masked image modeling")}
    assert mims[0].type == "method" and "masked image modeling" in mims[0].aliases
    assert x.extra["abbreviations"][0]["short"] == "MIM"
    assert ex.abbreviations[entity_key("MIM")] == entity_key("masked image modeling")


def test_untyped_abbreviation_is_not_an_entity(ex):
    assert found(ex, "We detect diabetic retinopathy (DR) from photographs.") == {}


# --- context rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name, type, rule",
    [
        ("Results on the Penn Treebank dataset are reported.", "Penn Treebank", "dataset", "dataset-cue"),
        ("We test on the KITTI benchmark.", "KITTI", "dataset", "dataset-cue"),
        ("We use three datasets (Foo10, BarSet and BazQA) for tests.", "BarSet", "dataset", "dataset-list"),
        ("We use benchmarks such as Foo10, BarSet, and BazQA.", "BazQA", "dataset", "dataset-list"),
        ("The model is evaluated on Foo10 and BarSet.", "Foo10", "dataset", "dataset-on"),
        ("We propose FlexNet, a simple network for everything.", "FlexNet", "method", "proposal"),
        ("We introduce MegaBench, a new benchmark for agents.", "MegaBench", "dataset", "proposal"),
        ("Our model, dubbed XLM-Q, is strong.", "XLM-Q", "method", "naming"),
        ("We build a series of networks, namely NextNet, that are fast.", "NextNet", "method", "naming"),
        ("We present a new dataset called VidQuest for video search.", "VidQuest", "dataset", "naming"),
        ("DeepSeek-VQ, an open-source vision model, is released.", "DeepSeek-VQ", "method", "appositive"),
        ("It beats ConvNeXt and GPT-4 and YOLOv8 here.", "YOLOv8", "method", "shape"),
        ("It beats ConvNeXt and GPT-4 and YOLOv8 here.", "GPT-4", "method", "shape"),
        ("We compare DeiT-S and ViT-B/16 models.", "ViT-B/16", "method", "shape"),
        ("We compare DeiT-S and ViT-B/16 models.", "DeiT-S", "method", "shape"),
        ("We use depthwise convolution here.", "depthwise convolution", "method", "head-method"),
        ("We apply knowledge distillation and post-training quantization.", "knowledge distillation", "method", "head-method"),
        ("We apply knowledge distillation and post-training quantization.", "post-training quantization", "method", "head-method"),
        ("We study multi-head self-attention.", "multi-head self-attention", "method", "head-method"),
        ("Results on monocular depth estimation improve.", "monocular depth estimation", "task", "head-task"),
        ("We address text-video retrieval.", "text-video retrieval", "task", "head-task"),
        ("It helps question answering and machine translation.", "question answering", "task", "head-task"),
        ("It has a 3.1% lower top-5 error rate.", "top-5 error rate", "metric", "metric-shape"),
        ("Recall@1 and mAP@0.5 and AP50 improve.", "Recall@1", "metric", "metric-shape"),
        ("Recall@1 and mAP@0.5 and AP50 improve.", "AP50", "metric", "metric-shape"),
        ("It improves the BLEU-4 score.", "BLEU-4", "metric", "metric-shape"),
    ],
)
def test_context_rules(ex, text, name, type, rule):
    got = found(ex, text)
    assert name in got, got
    assert got[name][0] == type
    assert got[name][1].startswith(rule), got[name]


def test_title_prefix_is_proposed(ex):
    x = ex.extract("SparKle: Sparse Masked Modeling for Convnets", "We validate SparKle on ImageNet.")
    ms = [m for m in x.mentions if m.text == "SparKle"]
    assert [m.field for m in ms] == ["title", "abstract"]
    assert all(m.role == "proposed" and m.type == "method" for m in ms)
    bench = ex.extract("VidBench: A Benchmark for Video Agents", "We evaluate many agents.")
    assert {(m.text, m.type) for m in bench.mentions if m.field == "title"} >= {("VidBench", "dataset")}
    assert not [m for m in ex.extract("Revisiting Attention: Old Ideas", "").mentions if m.rule == "title"]


@pytest.mark.parametrize(
    "text",
    [
        "Efficient training of deep models is hard.",
        "The results are shown in Table 2 and Figure 3.",
        "We use an A100 GPU with FP16 and 3D inputs for COVID-19 scans.",
    ],
)
def test_no_false_names(ex, text):
    assert not [m for m in ex.extract("", text).mentions if m.rule in ("shape", "naming", "appositive")]


def test_name_shape():
    assert is_name_shaped("ConvNeXt") and is_name_shaped("mBERT") and is_name_shaped("GPT-4")
    assert not is_name_shaped("Transformer") and not is_name_shaped("model") and not is_name_shaped("3D")


# --- role -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, text, proposed, used",
    [
        ("", "We propose FlexNet, which outperforms ResNet on ImageNet.", {"FlexNet"}, {"ResNet", "ImageNet"}),
        ("", "Our method called Sparse masKed modeling (SparK) is general. SparK beats ResNet.",
         {"Sparse masKed modeling", "SparK"}, {"ResNet"}),
        ("", "We present a novel framework, dubbed GlowNet, for detection.", {"GlowNet"}, set()),
        ("", "GlowNet, a novel network for detection, is fast.", {"GlowNet"}, set()),
        ("", "A technique called GlowNet was proposed by others; we use ResNet.", set(), {"GlowNet", "ResNet"}),
        ("FlexNet: Fast Nets", "FlexNet improves on the Swin Transformer.", {"FlexNet"}, {"Swin Transformer"}),
    ],
)
def test_roles(ex, title, text, proposed, used):
    x = ex.extract(title, text)
    roles = {m.text: m.role for m in x.mentions}
    for name in proposed:
        assert roles.get(name) == "proposed", (name, roles)
    for name in used:
        assert roles.get(name) == "used", (name, roles)


def test_our_and_is_a_scans_match_the_plain_regexes():
    import re

    from extract.components.context import _OUR, _is_a_starts

    our = re.compile(r"\b[Oo]ur\s+(?:proposed\s+|new\s+|novel\s+)?")
    is_a = re.compile(r"\s+is\s+(?:a|an)\s+(?:novel|new)\b")
    texts = ["Our new model. In our  proposed method, four our_x _our. Our", "X is a new Y.  Z  is an novel is a new W",
             "this is a new one; His\tis\ta\tnew; is a new", "é is a new é our novel", ""]
    for t in texts:
        assert sorted(m.end() for w, rx in _OUR for m in rx.finditer(t)) == [m.end() for m in our.finditer(t)]
        assert _is_a_starts(t) == [m.start() for m in is_a.finditer(t)]


def test_backward_scans_match_their_regexes():
    import random

    from extract.components.context import _SUBJ_BEFORE, _TAIL_HYPHEN, _subject_before, _tail_hyphen_start

    rnd = random.Random(0)
    pieces = list("ab_é1 .-'/+\n") + ["We ", "we ", " paper ", "work", " also ", "first ", "Study", "  ", "twe ",
                                       "report  ", "therefore ", "self-", "x.y-"]
    texts = ["We propose", "In this paper we also introduce", "twe propose", "Our work first  presents",
             "multi-head self-attention", "a.b-c", "x.-y", "-attention"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 60))) for _ in range(3000)]
    for t in texts:
        for a in range(len(t) + 1):
            assert _subject_before(t, a) == bool(_SUBJ_BEFORE.search(t, max(0, a - 45), a)), (t, a)
            if a and t[a - 1] == "-":
                m = _TAIL_HYPHEN.search(t, max(0, a - 40), a)
                assert _tail_hyphen_start(t, max(0, a - 40), a) == (m.start(1) if m else -1), (t, a)


# --- precision of the context rules ------------------------------------------------------


def _by_rule(ex: Extractor, text: str, title: str = "") -> dict[str, tuple[str, str]]:
    return {m.text: (m.type, m.rule) for m in ex.extract(title, text).mentions}


def test_dataset_cue_needs_a_name_shape(ex):
    junk = ("We test on the Impossible Visual benchmark. The Diagnostic dataset helps. We build the "
            "Convolution-based Unlearnable dataset, the English dataset and the DNN benchmark.")
    assert not [m for m in ex.extract("", junk).mentions if m.rule == "dataset-cue"]
    ok = ("We report results on the Yelp dataset, the Visual Genome benchmark, the Replay-Attack dataset, "
          "the Clean Crawled corpus and the FooQA-2 benchmark.")
    got = _by_rule(ex, ok)
    for name in ("Yelp", "Visual Genome", "Replay-Attack", "Clean Crawled", "FooQA-2"):
        assert got.get(name, ("", ""))[0] == "dataset", (name, got)


def test_dataset_list_skips_numbers(ex):
    got = _by_rule(ex, "We use datasets such as 4.2, 11.0, 1 and BarSet.")
    assert "BarSet" in got
    assert not {"4.2", "11.0", "1"} & set(got), got


def test_title_metric_adjective_does_not_type_the_name(ex):
    x = ex.extract("Depth Pro: Sharp Monocular Metric Depth in Less Than a Second", "Depth Pro is fast.")
    assert {m.type for m in x.mentions if m.text == "Depth Pro"} == {"method"}
    x = ex.extract("FooScore: A Metric for Caption Quality", "FooScore agrees with humans.")
    assert {m.type for m in x.mentions if m.text == "FooScore"} == {"metric"}


def test_shape_strips_adjective_suffixes_and_keeps_escaped_underscores(ex):
    got = _by_rule(ex, "We train a FooNet-based encoder, a BarGPT-7-like agent and a Baz2\\_VL model.")
    assert got.get("FooNet") == ("method", "shape"), got
    assert "BarGPT-7" in got and "Baz2\\_VL" in got, got
    assert not [t for t in got if t.endswith(("-based", "-like")) or t == "Baz2"], got


def test_generic_method_heads_need_a_content_modifier(ex):
    text = ("We use an integration scheme, a pruning scheme, an ad hoc procedure, the top performing method, "
            "a 200-layer model and a deep Transformer, but also a graph partitioning algorithm.")
    got = _by_rule(ex, text)
    for junk in ("integration scheme", "pruning scheme", "ad hoc procedure", "top performing method",
                 "200-layer model", "deep Transformer"):
        assert junk not in got, (junk, got)
    assert got.get("graph partitioning algorithm", ("", ""))[0] == "method", got


def test_task_heads_reject_verbs_and_evaluative_modifiers(ex):
    text = ("It needs profound understanding. Noise can degrade generation and we accelerate generation. "
            "Depth estimation is a fundamental vision problem. We improve semantic segmentation.")
    got = _by_rule(ex, text)
    for junk in ("profound understanding", "degrade generation", "accelerate generation", "fundamental vision problem"):
        assert junk not in got, (junk, got)
    assert got.get("semantic segmentation", ("", ""))[0] == "task", got


def test_dataset_on_skips_a_list_of_models(ex):
    got = _by_rule(ex, "Extensive experiments on BERT, FooBERTa, and GPT-2 models show gains.")
    assert got.get("FooBERTa", ("", ""))[0] == "method", got
    assert _by_rule(ex, "The model is evaluated on Foo10 and BarSet.")["BarSet"] == ("dataset", "dataset-on")


def test_cached_name_type_and_stop_names_agree_with_the_rules():
    from extract.components.context import _Ctx, name_type
    from extract.components.rules import Rules

    rules = Rules.load()
    ctx = _Ctx(rules)
    gaz = {"imagenet": "dataset", "convnext": "method"}
    names = ["ImageNet-1K", "ConvNeXt-T", "Places365", "LAION-400M", "SparK", "Foo datasets", "ImageNet-1K"]
    for n in names:
        assert ctx.name_type(n, gaz) == name_type(n, rules, gaz)
    # another gazetteer-type dict: the cache starts again
    assert ctx.name_type("ImageNet-1K", {"imagenet": "method"}) == name_type("ImageNet-1K", rules, {"imagenet": "method"})
    for n in ["We", "Table", "ImageNet", "The Model", "State-of-the-art", "We"]:
        assert rules.is_stop_name(n) == rules._is_stop_name(n)


def test_split_spellings_starting_with_an_article_are_not_names():
    # "A-ViT" / "A2C" split at the hyphen or digit would read "a ViT" / "a 2C": English, not the name
    assert name_variants("A-ViT", "method") == {"A-ViT", "A-ViTs"}
    assert not any(v.lower().startswith("a ") for v in name_variants("A2C", "method"))
    assert "A2C" in name_variants("A2C", "method")



@pytest.fixture(scope="module")
def default_ex() -> Extractor:
    return Extractor()


@pytest.mark.parametrize("text,word", [
    ("CNNs have translation invariance by design.", "translation"),
    ("The segmentation masks are refined.", "segmentation"),
    ("A detection head is added.", "detection"),
])
def test_a_task_word_that_modifies_a_model_part_is_not_a_task(default_ex, text, word):
    def tasks(t: str) -> set[str]:
        return {m.text for m in default_ex.extract("", t).mentions if m.type == "task"}

    assert word not in tasks(text)
    assert word in tasks(f"We study {word} on two benchmarks.")  # (the object of the study stays a task)
