"""Checks on the curated gazetteers in ``extract/patterns/*.jsonl``.

The files are data, hand-written from knowledge of the field; these tests
guard the format contract that the spaCy pipeline relies on (see
``extract/patterns/README.md``).
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

PATTERNS = Path(__file__).resolve().parent.parent / "extract" / "patterns"
FILES = {
    "method": "methods.jsonl",
    "dataset": "datasets.jsonl",
    "metric": "metrics.jsonl",
    "task": "tasks.jsonl",
}
MIN_SIZES = {"method": 1200, "dataset": 900, "metric": 250, "task": 500}
ALLOWED_KEYS = {"name", "type", "aliases", "family", "case", "ambiguous", "generic", "exact_aliases"}
REQUIRED_KEYS = {"name", "type", "aliases"}


def fold(text: str) -> str:
    """Comparison key: NFKC, lower case, ``+`` spelled out, non-alphanumerics dropped.

    ``+`` is kept as ``plus`` so that ``PointNet++`` and ``PointNet`` stay apart.
    """
    t = unicodedata.normalize("NFKC", text).lower().replace("+", "plus")
    return "".join(c for c in t if c.isalnum())


def load(entity_type: str) -> list[dict]:
    path = PATTERNS / FILES[entity_type]
    entries = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            assert line.endswith("\n"), f"{path.name}:{lineno}: missing final newline"
            assert line.strip(), f"{path.name}:{lineno}: blank line"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:  # pragma: no cover - the assertion reports it
                pytest.fail(f"{path.name}:{lineno}: invalid JSON: {exc}")
            assert isinstance(obj, dict), f"{path.name}:{lineno}: not an object"
            obj["_line"] = lineno
            entries.append(obj)
    return entries


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    return {t: load(t) for t in FILES}


def forms(entry: dict) -> list[str]:
    return [entry["name"], *entry["aliases"]]


def is_exact(entry: dict, form: str) -> bool:
    return entry.get("case") == "exact" or form in entry.get("exact_aliases", [])


def test_fold_examples():
    assert fold("ResNet-50") == fold("resnet 50") == "resnet50"
    assert fold("PointNet++") != fold("PointNet")
    assert fold("ImageNet\u20111K") == fold("ImageNet-1k")


@pytest.mark.parametrize("entity_type", list(FILES))
def test_keys_and_value_types(data, entity_type):
    for e in data[entity_type]:
        where = f"{FILES[entity_type]}:{e['_line']}"
        keys = set(e) - {"_line"}
        assert REQUIRED_KEYS <= keys, f"{where}: missing {REQUIRED_KEYS - keys}"
        assert keys <= ALLOWED_KEYS, f"{where}: unknown keys {keys - ALLOWED_KEYS}"
        assert e["type"] == entity_type, f"{where}: type {e['type']!r} in the {entity_type} file"
        assert isinstance(e["name"], str) and e["name"] == e["name"].strip() and e["name"], where
        assert isinstance(e["aliases"], list), where
        for a in e["aliases"]:
            assert isinstance(a, str) and a == a.strip() and a, f"{where}: bad alias {a!r}"
            assert fold(a), f"{where}: alias {a!r} has no letters or digits"
        assert fold(e["name"]), where
        if "family" in e:
            assert isinstance(e["family"], str) and e["family"] != e["name"], where
        if "case" in e:
            assert e["case"] == "exact", f"{where}: case must be 'exact'"
        for flag in ("ambiguous", "generic"):
            if flag in e:
                assert e[flag] is True, f"{where}: {flag} must be true when present"
        if "exact_aliases" in e:
            assert "case" not in e, f"{where}: exact_aliases is redundant with case=exact"
            assert e["exact_aliases"], f"{where}: empty exact_aliases"
            for a in e["exact_aliases"]:
                assert a in forms(e), f"{where}: exact alias {a!r} is not a name or alias"


@pytest.mark.parametrize("entity_type", list(FILES))
def test_sorted_by_name(data, entity_type):
    names = [e["name"] for e in data[entity_type]]
    assert names == sorted(names, key=lambda n: (n.casefold(), n))


@pytest.mark.parametrize("entity_type", list(FILES))
def test_no_duplicate_surface_forms_within_type(data, entity_type):
    owner: dict[str, str] = {}
    problems = []
    for e in data[entity_type]:
        seen_here = set()
        for f in forms(e):
            k = fold(f)
            if k in seen_here:
                problems.append(f"{e['name']}: {f!r} repeats another form of the same entry")
            seen_here.add(k)
            if k in owner and owner[k] != e["name"]:
                problems.append(f"{f!r} in {e['name']!r} collides with {owner[k]!r}")
            owner.setdefault(k, e["name"])
    assert not problems, "\n".join(problems[:50])


@pytest.mark.parametrize("entity_type", list(FILES))
def test_families_exist(data, entity_type):
    names = {e["name"] for e in data[entity_type]}
    missing = [
        (e["name"], e["family"]) for e in data[entity_type] if "family" in e and e["family"] not in names
    ]
    assert not missing, missing[:20]


@pytest.mark.parametrize("entity_type", list(FILES))
def test_family_chains_have_no_cycles(data, entity_type):
    # A family entity may itself belong to a family, but chains must not loop.
    by_name = {e["name"]: e for e in data[entity_type]}
    for e in data[entity_type]:
        seen = {e["name"]}
        cur = e
        while "family" in cur:
            nxt = cur["family"]
            assert nxt not in seen, f"family cycle through {e['name']!r}"
            seen.add(nxt)
            if nxt not in by_name:  # reported by test_families_exist
                break
            cur = by_name[nxt]


def test_no_alias_collides_across_types(data):
    by_key: dict[str, list[tuple[str, str, str, bool]]] = defaultdict(list)
    for t, entries in data.items():
        for e in entries:
            for f in forms(e):
                by_key[fold(f)].append((t, e["name"], f, is_exact(e, f)))
    problems = []
    for hits in by_key.values():
        if len({h[0] for h in hits}) < 2:
            continue
        # allowed only when every form is case-exact and the exact strings differ
        strings = [h[2] for h in hits]
        if not (all(h[3] for h in hits) and len(set(strings)) == len(strings)):
            problems.append(hits)
    assert not problems, problems[:20]


@pytest.mark.parametrize("entity_type", list(FILES))
def test_minimum_sizes(data, entity_type):
    assert len(data[entity_type]) >= MIN_SIZES[entity_type]


def test_documented_judgement_calls(data):
    """Spot checks that the decisions recorded in the README hold in the data."""

    def find(t, name):
        return next(e for e in data[t] if e["name"] == name)

    # MAE is the metric; the masked autoencoder does not claim the abbreviation.
    assert "MAE" in find("metric", "Mean Absolute Error")["aliases"]
    assert "MAE" not in find("method", "Masked Autoencoder")["aliases"]
    # Words-in-lower-case names only match in their own case.
    for t, name in [("dataset", "MATH"), ("dataset", "GLUE"), ("dataset", "Cora"), ("method", "CLIP")]:
        e = find(t, name)
        assert is_exact(e, name), (t, name)
    arc = find("dataset", "AI2 Reasoning Challenge")
    assert "ARC" in arc["aliases"] and is_exact(arc, "ARC")
    assert find("method", "ResNet-50")["family"] == "ResNet"
    assert find("dataset", "ImageNet-1K")["family"] == "ImageNet"
    # generic field names are flagged, not silently treated as methods
    assert find("method", "Large language model").get("generic") is True


def test_generic_and_field_names_are_flagged(data):
    field_names = {
        "deep learning",
        "machine learning",
        "computer vision",
        "artificial intelligence",
        "natural language processing",
        "model",
        "network",
        "data",
        "learning",
    }
    for entries in data.values():
        for e in entries:
            for f in forms(e):
                if f.lower() in field_names:
                    assert e.get("generic") is True, f"{f!r} ({e['name']}) must be marked generic"
