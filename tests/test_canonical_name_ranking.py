"""``canonical_name`` picks the form of the highest rank by a plain loop: pinned against the plain
``max(counts, key=rank)`` it replaced, on random groups of surface forms."""

import random

from extract.canonical import _form_traits, canonical_name


def _canonical_name_plain(surface_forms: list[str]) -> str:
    counts: dict[str, int] = {}
    for s in surface_forms:
        if s and s.strip():
            counts[s.strip()] = counts.get(s.strip(), 0) + 1
    if len(counts) <= 1:
        return next(iter(counts), "")

    def rank(form: str) -> tuple:
        singular, upper, hyphen = _form_traits(form)
        return (singular, counts[form], upper, hyphen, len(form), form)

    return max(counts, key=rank)


def test_canonical_name_matches_max_by_rank():
    rng = random.Random(7)
    forms = ["ResNet", "resnet", "ResNets", "Res-Net", "res net", " ResNet ", "", "  ", "ViT", "vit-s", "Σ",
             "CNNs", "cnn", "Vision Transformers", "vision transformer", "Vision Transformer", "ΣΣ", "İ"]
    for _ in range(5000):
        group = [rng.choice(forms) for _ in range(rng.randint(0, 7))]
        assert canonical_name(group) == _canonical_name_plain(group), group
