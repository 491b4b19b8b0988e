"""Entity keys, display names and families (extract/canonical.py)."""

from __future__ import annotations

import pytest

from extract.canonical import canonical_name, entity_key, family_of


@pytest.mark.parametrize(
    "forms",
    [
        ("ResNet-50", "ResNet50", "resnet 50", "RESNET-50", "ResNet\u201150"),
        ("Vision Transformers", "vision transformer", "Vision-Transformer"),
        ("ImageNet-1K", "ImageNet-1k", "imagenet 1k", "ImageNet1K", "ImageNet\u20131K"),
        ("self-attention", "self attention", "Self-Attention"),
        ("CNNs", "CNN", "cnn"),
        ("top-1 accuracy", "Top-1 Accuracy", "top 1 accuracy"),
        ("LLaMA-2-7B", "LLaMA 2 7B", "llama-2 7b"),
        ("strategies", "strategy"),
    ],
)
def test_variant_spellings_share_a_key(forms):
    keys = {entity_key(f) for f in forms}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    "a, b",
    [
        ("ResNet-50", "ResNet-101"),
        ("ResNet", "ResNet-50"),
        ("ImageNet", "ImageNet-1K"),
        ("ViT-B/16", "ViT-B/32"),
        ("Recall@1", "Recall@5"),
        ("GPT-3", "GPT-3.5"),
        ("PointNet", "PointNet++"),
        ("top-1 accuracy", "top-5 accuracy"),
    ],
)
def test_distinct_entities_keep_distinct_keys(a, b):
    assert entity_key(a) != entity_key(b)


def test_key_edge_cases():
    assert entity_key("") == ""
    assert entity_key("  --  ") == ""
    assert entity_key("Class") == "class"  # "ss" is not a plural
    assert entity_key("mAP@0.5") == "map@0.5"


def test_canonical_name_prefers_singular_frequent_capitalised():
    assert canonical_name(["vision transformers", "Vision Transformer", "vision transformer"]) == "Vision Transformer"
    assert canonical_name(["resnet-50", "ResNet-50"]) == "ResNet-50"
    assert canonical_name(["MIM", "MIM", "MIM"]) == "MIM"
    assert canonical_name([]) == ""


@pytest.mark.parametrize(
    "name, type, family",
    [
        ("ConvNeXt-T", "method", "ConvNeXt"),
        ("ViT-B/16", "method", "ViT"),
        ("ViT-L/14@336px", "method", "ViT"),
        ("Swin-B", "method", "Swin"),
        ("InceptionNeXt-T", "method", "InceptionNeXt"),
        ("ResNet-50", "method", "ResNet"),
        ("ResNet50", "method", "ResNet"),
        ("LLaMA-2-7B", "method", "LLaMA-2"),
        ("LLaMA-2", "method", "LLaMA"),
        ("GPT-4o", "method", "GPT"),
        ("YOLOv8", "method", "YOLO"),
        ("MobileNetV2", "method", "MobileNet"),
        ("EfficientNet-B7", "method", "EfficientNet"),
        ("BERT-Large", "method", "BERT"),
        ("Swin Transformer V2", "method", "Swin Transformer"),
        ("ImageNet-1K", "dataset", "ImageNet"),
        ("CIFAR-100", "dataset", "CIFAR"),
    ],
)
def test_family_of_shapes(name, type, family):
    fam = family_of(name, type)
    assert fam is not None and fam[0] == family
    assert fam[1] == entity_key(family)


@pytest.mark.parametrize(
    "name, type",
    [("ResNet", "method"), ("T5", "method"), ("COVID-19", "method"), ("3D", "method"), ("Recall@1", "metric"),
     ("AP50", "metric"), ("object detection", "task"), ("BERT", "method")],
)
def test_family_of_none(name, type):
    assert family_of(name, type) is None


@pytest.mark.parametrize(
    "forms",
    [
        ("pre-training", "pretraining", "pre training", "Pre-Training"),
        ("fine-tuning", "finetuning", "Fine Tuning"),
        ("Human-Eval", "HumanEval", "humaneval"),
        ("U-Net", "UNet", "unet"),
        ("LLaMA", "Llama", "llama"),
        ("Mask R-CNN", "Mask-RCNN", "Mask RCNN"),
        ("multi-modal", "multimodal"),
        ("COCO 2017", "COCO2017", "COCO-2017"),
    ],
)
def test_word_separators_do_not_split_an_entity(forms):
    keys = {entity_key(f) for f in forms}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    "a, b",
    [("Llama 2 7B", "Llama 27B"), ("ViT-S", "ViTs"), ("Swin-S", "Swins"), ("ADD-S", "ADDs"), ("Qwen2.5 7B", "Qwen2.57B")],
)
def test_joined_numbers_and_size_letters_stay_apart(a, b):
    assert entity_key(a) != entity_key(b)


@pytest.mark.parametrize(
    "name, type, family",
    [
        ("GPT-4V", "method", "GPT"),
        ("COCO2017", "dataset", "COCO"),
        ("COCO 2017", "dataset", "COCO"),
        ("CIFAR-10/100", "dataset", "CIFAR"),
        ("EMO-1M/2M/5M", "method", "EMO"),
        ("HMDB51", "dataset", "HMDB"),
        ("EfficientNetB3", "method", "EfficientNet"),
        ("T5-11B", "method", "T5"),
        ("Llama-3.1-8B", "method", "Llama-3.1"),
        ("FB15k-237", "dataset", "FB15k"),
        ("NYUv2", "dataset", "NYU"),
    ],
)
def test_family_of_more_shapes(name, type, family):
    fam = family_of(name, type)
    assert fam is not None and fam[0] == family, fam


@pytest.mark.parametrize(
    "name",
    ["ADE20K", "Objects365", "Food-101", "Market-1501", "Set5", "DIV2K", "GSM8K", "FB15k", "WN18", "SA-1B",
     "Office-31", "Human-Eval", "Table 2", "Stage 1"],
)
def test_numbers_that_are_part_of_the_name_make_no_family(name):
    assert family_of(name, "dataset") is None
