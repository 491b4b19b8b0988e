"""User alias rules (extract/aliases.py) and their effect on extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.aliases import AliasRules
from extract.canonical import entity_key
from extract.errors import IngestError
from extract.pipeline import Extractor

FIXTURE_PATTERNS = Path(__file__).parent / "fixtures" / "extract" / "patterns"
REPO_ALIASES = Path(__file__).resolve().parent.parent / "data" / "aliases.toml"

RULES = """
# comment
[[alias]]
name = "masked image modeling"
type = "method"
aliases = ["MIM", "masked image modelling"]

[[split]]
surface = "SAM"
name = "Sharpness-Aware Minimization"
type = "method"

[[retype]]
name = "CIFAR-10"
type = "task"

[[block]]
surface = "COVID-19"

[[block]]
surface = "Transformer"
type = "method"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "aliases.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_parse_all_tables(tmp_path):
    rules = AliasRules.from_file(write(tmp_path, RULES))
    assert rules.aliases[0].name == "masked image modeling"
    assert rules.aliases[0].aliases == ("MIM", "masked image modelling")
    assert rules.split_for("sam").name == "Sharpness-Aware Minimization"
    assert rules.split_for("SAMs") is None
    assert rules.retype(entity_key("cifar 10")) == "task"
    assert rules.is_blocked("covid 19", "dataset") and rules.is_blocked("COVID-19")
    assert rules.is_blocked("transformers", "method") and not rules.is_blocked("Transformer", "task")
    assert bool(rules) and not bool(AliasRules())


def test_fingerprint_changes_with_content(tmp_path):
    a = AliasRules.from_file(write(tmp_path, RULES))
    b = AliasRules.from_text(RULES.replace("COVID-19", "COVID"))
    assert a.fingerprint() != b.fingerprint()
    assert a.fingerprint() == AliasRules.from_text(RULES).fingerprint()


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ('[[alias]]\nname = "x"\ntype = "method"\naliases = [1]\n', 1, "aliases"),
        ('[[alias]]\nname = "x"\n', 1, "missing 'type'"),
        ('\n\n[[retype]]\nname = "x"\ntype = "thing"\n', 3, "type 'thing'"),
        ('[[block]]\nsurface = "a"\n\n[[block]]\nsurfac = "b"\n', 4, "unknown field"),
        ('[[nonsense]]\nname = "x"\n', 1, "unknown table"),
        ('[[alias]]\nname = "x\n', 2, "invalid TOML"),
        ('alias = "x"\n', 1, "[[alias]]"),
    ],
)
def test_malformed_file_names_path_and_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text)
    with pytest.raises(IngestError) as err:
        AliasRules.from_file(path)
    assert err.value.path == str(path)
    assert err.value.line == line
    assert fragment in err.value.message


def test_missing_file(tmp_path):
    with pytest.raises(IngestError):
        AliasRules.from_file(tmp_path / "nope.toml")


def test_repo_aliases_file_parses():
    if REPO_ALIASES.exists():
        assert isinstance(AliasRules.from_file(REPO_ALIASES), AliasRules)


# --- effect on extraction ---------------------------------------------------------


@pytest.fixture(scope="module")
def with_rules():
    return Extractor(FIXTURE_PATTERNS, AliasRules.from_text(RULES))


@pytest.fixture(scope="module")
def plain():
    return Extractor(FIXTURE_PATTERNS)


def by_text(x):
    return {m.text: m for m in x.mentions}


def test_add_alias_links_names(with_rules, plain):
    text = "We pre-train with MIM and then compare masked image modelling to contrastive learning."
    got = by_text(with_rules.extract("", text))
    assert got["MIM"].key == got["masked image modelling"].key == entity_key("masked image modeling")
    assert got["MIM"].type == "method"
    assert "MIM" not in by_text(plain.extract("", text))


def test_split_separates_a_surface_form(with_rules, plain):
    text = "We train SAM with SAM as the optimiser, unlike the Segment Anything Model."
    base = by_text(plain.extract("", text))
    assert base["SAM"].key == base["Segment Anything Model"].key
    got = by_text(with_rules.extract("", text))
    assert got["SAM"].key == entity_key("Sharpness-Aware Minimization")
    assert got["SAM"].canonical == "Sharpness-Aware Minimization"
    assert got["Segment Anything Model"].key == base["Segment Anything Model"].key


def test_retype_and_block(with_rules, plain):
    text = "A Transformer is trained on CIFAR-10; COVID-19 data are also used."
    base = by_text(plain.extract("", text))
    assert base["CIFAR-10"].type == "dataset"
    got = by_text(with_rules.extract("", text))
    assert got["CIFAR-10"].type == "task"
    assert "Transformer" in base and "Transformer" not in got
    assert "COVID-19" not in got


def test_alias_rules_change_the_version(with_rules, plain):
    assert with_rules.version != plain.version
    assert Extractor(FIXTURE_PATTERNS).version == plain.version
