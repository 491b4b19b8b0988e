"""Entity keys, display names and shape-based families.

One thing in the corpus gets one *key*: :func:`entity_key` folds the ways the
same name is written (case, Unicode dashes, hyphens, spaces and underscores
between words, the plural of the last word), so that

>>> entity_key("ResNet-50") == entity_key("ResNet50") == entity_key("resnet 50")
True
>>> entity_key("Vision Transformers") == entity_key("vision transformer")
True
>>> entity_key("pre-training") == entity_key("pretraining") and entity_key("Human-Eval") == entity_key("HumanEval")
True

while sized and versioned variants stay apart:

>>> entity_key("ResNet-50") == entity_key("ResNet-101") or entity_key("ResNet") == entity_key("ResNet-50")
False

:func:`family_of` links such a variant to its family (``ResNet-50`` ->
``ResNet``). Decision for names with both a version and a size: one level is
stripped at a time, the size first, so ``LLaMA-2-7B`` -> ``LLaMA-2`` and
``LLaMA-2`` -> ``LLaMA``; a store that wants the root follows the chain.
Names whose number is part of the name (``ADE20K``, ``Objects365``, ``Set5``,
``GSM8K``) have no family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from extract.normalize import fold

# Characters kept in keys besides letters and digits: they carry meaning in names
# such as "Recall@1", "ViT-B/16", "C++", "LLaVA-1.5" or "C#".
_NOT_KEPT = re.compile(r"[^0-9a-z@/+.#&]+")
# Word separators are dropped ("pre training" / "pretraining", "u net" / "unet", "resnet 50" / "resnet50"),
# except between two numbers: "llama 2 7b" -> "llama2 7b" stays apart from "llama 27b".
_SEP_WORDS = re.compile(r"(?<![0-9]) | (?![0-9])")
_EDGE_PUNCT = re.compile(r"^[\s.&/+#@]+|[\s.&/@]+$")
_SPACES = re.compile(r"\s+")
# Dots are kept only between digits ("1.5"); elsewhere they separate words.
_LOOSE_DOT = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


def _singular(word: str) -> str:
    """The singular of a plural-looking last word (a conservative guess)."""
    if len(word) <= 3 or not word[-1] == "s" or not word[-2].isalpha():
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


@lru_cache(maxsize=200_000)
def entity_key(text: str) -> str:
    """The corpus-wide key of an entity name.

    Folds case and Unicode dashes, takes the singular of the last word and
    drops hyphens, underscores and white space between words (one space is
    kept between two numbers).

    >>> entity_key("Masked Image Modeling")
    'maskedimagemodeling'
    >>> entity_key("Llama 2 7B"), entity_key("Qwen2.5-7B")
    ('llama2 7b', 'qwen2.5 7b')
    >>> entity_key("ImageNet\u20111K") == entity_key("ImageNet-1k") == entity_key("imagenet 1k")
    True
    >>> entity_key("self-attention") == entity_key("self attention")
    True
    >>> entity_key("CNNs")
    'cnn'
    """
    s = fold(text).replace("_", " ").replace("-", " ")
    s = _LOOSE_DOT.sub(" ", s)
    s = _NOT_KEPT.sub(" ", s)
    s = _EDGE_PUNCT.sub("", _SPACES.sub(" ", s)).strip()
    if not s:
        return ""
    head, _, last = s.rpartition(" ")
    last = _singular(last)
    s = f"{head} {last}" if head else last
    return _SEP_WORDS.sub("", s)


def _is_plural_form(text: str) -> bool:
    words = text.split()
    return bool(words) and _singular(words[-1].lower()) != words[-1].lower()


@lru_cache(maxsize=100_000)
def _form_traits(form: str) -> tuple[bool, bool, bool]:
    """What :func:`canonical_name` prefers in a surface form, besides its count and length: singular,
    keeps capitals, has a hyphen."""
    return not _is_plural_form(form), any(c.isupper() for c in form), "-" in form


def canonical_name(surface_forms: Iterable[str]) -> str:
    """The display name for a group of surface forms of one entity.

    Prefers singular forms, then the most frequent, then forms that keep
    capitals (``ResNet-50`` over ``resnet-50``), then the longest.

    >>> canonical_name(["Vision Transformers", "vision transformer", "Vision Transformer"])
    'Vision Transformer'
    >>> canonical_name(["resnet-50", "ResNet-50", "ResNet-50"])
    'ResNet-50'
    """
    counts: dict[str, int] = {}
    for s in surface_forms:
        if s:
            s = s.strip()
            if s:
                counts[s] = counts.get(s, 0) + 1
    if len(counts) <= 1:
        return next(iter(counts), "")
    # the form of the highest rank (a plain loop: no key function called per form; the ranks of two
    # forms are never equal, as each holds the form itself)
    best = ""
    best_rank: tuple = ()
    for form, n in counts.items():
        singular, upper, hyphen = _form_traits(form)
        rank = (singular, n, upper, hyphen, len(form), form)
        if rank > best_rank:
            best, best_rank = form, rank
    return best


# --- families ---------------------------------------------------------------

_SIZE_WORDS = r"(?:tiny|small|base|medium|large|huge|giant|mini|nano|micro|pico|xl|xxl)"
_SIZE_LETTERS = r"(?:Ti|T|S|M|B|L|H|G|XL|XXL|N)"
# ConvNeXt-T, ViT-B/16, ViT-L/14@336px, Swin-B, BERT-base, BERT-Large
_SIZE_SUFFIX = re.compile(
    rf"^(?P<base>.*?[A-Za-z0-9])[-_ ](?:(?i:{_SIZE_WORDS})|{_SIZE_LETTERS})(?:/\d+)?(?:@\d+(?:px)?)?$"
)
# Llama-2-7B-Chat, Mistral-7B-Instruct, Gemma-2-9b-it, Qwen-VL-Chat, GPT-4-Turbo, o3-mini: a tuned or tiered release
_TUNED_SUFFIX = re.compile(r"^(?P<base>.*?[A-Za-z0-9])[-_ ](?:Chat|Instruct|Base|it|IT|SFT|RLHF|DPO|Preview|Pro|Flash|Ultra|Turbo|mini|Mini|Lite)$")
# LLaMA-2-7B, OPT-350M, BLOOM-176B, Qwen2.5-VL-72B
_PARAM_SUFFIX = re.compile(r"^(?P<base>.*?[A-Za-z0-9])[-_ ]\d+(?:\.\d+)?[BMK]$")
# EfficientNet-B0, EfficientNetB0, EfficientNet-L2 (but not HMDB51: an all-capital word keeps its B)
_B_SUFFIX = re.compile(r"^(?P<base>.*?[A-Za-z])(?:[-_ ]|(?<=[a-z]))[BL]\d{1,2}$")
# CIFAR-10/100, EMO-1M/2M/5M, ImageNet-1K/22K: several variants written as one name -> their family
_MULTI_SUFFIX = re.compile(
    r"^(?P<base>.*?[A-Za-z])[-_ ]?\d+(?:\.\d+)?[A-Za-z]{0,2}(?:/\d+(?:\.\d+)?[A-Za-z]{0,2})+$"
)
# ResNet-50, ResNet50, GPT-4, GPT-3.5, GPT-4V, YOLOv8, MobileNetV2, LLaMA-2, ImageNet-1K, CIFAR-10, Swin Transformer V2
# (a capital V right after a capital letter is part of the name: DIV2K, NYUV2 is not written)
_VERSION_SUFFIX = re.compile(
    r"^(?P<base>.*?[A-Za-z])(?:[-_ ]?v|[-_ ]V|(?<=[a-z])V|[-_ ]?)\d+(?:\.\d+)*(?:[kK]|[a-z]|V)?$"
)
# Names that look like variants but are not (kept as they are).
_NO_FAMILY = {
    "covid19", "word2vec", "seq2seq", "doc2vec", "node2vec", "wav2vec", "pix2pix", "img2img",
    "unet", "rcnn", "3d", "2d", "t5", "mt5",
}
# Keys of bases that are not families: the number is part of the name (ADE20K is not a kind of
# "ADE", Objects365 not of "Objects", Set5 not of "Set"), or the base is an ordinary word.
_NOT_A_FAMILY = {
    "ade", "object", "food", "market", "office", "set", "urban", "manga", "text", "div", "sa", "mmc", "fb",
    "wn", "gsm", "cc", "enwik", "human", "wiki", "news", "data", "dataset", "model", "image", "video", "audio",
    "net", "network", "task", "version", "phase", "stage", "level", "layer", "block", "step", "round", "type",
    "class", "group", "part", "track", "table", "figure", "section", "day", "week", "english", "top", "rank",
    "flickr2k", "h", "fp", "int", "bf", "float", "e", "x", "covid",
}
FAMILY_TYPES = _FAMILY_TYPES = ("method", "dataset")  # (the only types with families)


@lru_cache(maxsize=100_000)
def family_of(name: str, type: str) -> tuple[str, str] | None:
    """``(family_name, family_key)`` for a sized or versioned variant, else ``None``.

    Only methods and datasets have families. One level is stripped: a size
    (``-T``, ``-B/16``, ``-base``, ``-7B``) if there is one, else a version or
    depth number.

    >>> family_of("ConvNeXt-T", "method")
    ('ConvNeXt', 'convnext')
    >>> family_of("ViT-B/16", "method")[0], family_of("Swin-B", "method")[0]
    ('ViT', 'Swin')
    >>> family_of("LLaMA-2-7B", "method")[0], family_of("LLaMA-2", "method")[0]
    ('LLaMA-2', 'LLaMA')
    >>> family_of("ImageNet-1K", "dataset")[0]
    'ImageNet'
    >>> family_of("Llama-2-7B-Chat", "method")[0], family_of("Mistral-7B-Instruct", "method")[0]
    ('Llama-2-7B', 'Mistral-7B')
    >>> family_of("ResNet", "method") is None
    True
    """
    if type not in _FAMILY_TYPES:
        return None
    name = name.strip()
    if entity_key(name) in _NO_FAMILY:
        return None
    for rx in (_TUNED_SUFFIX, _SIZE_SUFFIX, _PARAM_SUFFIX, _B_SUFFIX, _MULTI_SUFFIX, _VERSION_SUFFIX):
        if rx is _TUNED_SUFFIX and type != "method":
            continue
        m = rx.match(name)
        if m:
            base = m.group("base").rstrip("-_ ")
            key = entity_key(base)
            letters = sum(c.isalpha() for c in base)
            # "T5-11B" -> "T5": a letter-digit model name is a family when a size is stripped
            short_ok = rx in (_TUNED_SUFFIX, _SIZE_SUFFIX, _PARAM_SUFFIX) and key in _NO_FAMILY
            if (letters < 2 and not short_ok) or key == entity_key(name) or key in _NOT_A_FAMILY:
                return None
            return base, key
    return None
