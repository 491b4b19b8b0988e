"""The tokenizer a pipeline gets from ``tokenizer_config`` is the one ``customize_tokenizer`` makes."""

from __future__ import annotations

from dataclasses import replace

import pytest
import spacy

from extract.components import customize_tokenizer
from extract.components.rules import Rules
from extract.components.sentences import tokenizer_config
from extract.components.tokenizer import LitkgTokenizer

TEXTS = [
    "We cannot use Mr.HiSum (e.g. on ImageNet-1K), see Fig. 2 and Tian et al.; ConvNeXt-T. wins.",
    "Code: https://github.com/a/b. A. Smith's i.i.d. data, 10a.m. vs. 5pm, w/o labels :) 8D",
]


def _state(tok: LitkgTokenizer):
    full = tok.full
    return (list(full.rules.items()), full.to_bytes(exclude=["vocab"]), full.max_cache_size,
            full.faster_heuristics)


@pytest.mark.parametrize("rules", [
    Rules.load(),
    replace(Rules.load(), drop_single_letter_abbreviations=False, no_split_abbreviations=("Approx.", "al.", "e.g.")),
])
def test_config_tokenizer_is_the_customized_blank_one(rules):
    made = spacy.blank("en", config=tokenizer_config(rules))
    customized = spacy.blank("en")
    customize_tokenizer(customized, rules)
    assert isinstance(made.tokenizer, LitkgTokenizer)
    assert _state(made.tokenizer) == _state(customized.tokenizer)
    for text in TEXTS:
        assert [t.text for t in made(text)] == [t.text for t in customized(text)]
