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


def _generated_from(entry: dict, other: str, form: str) -> bool:
    """Whether the pipeline already matches ``form`` through the spelling variants of ``other``.

    Such a form must not be listed. Forms it cannot generate are listed even when they fold alike: a
    different tokenisation (``Tanks & Temples`` next to ``Tanks&Temples``, ``state-space model`` next to
    ``State Space Model``) or, when both are case-exact, a different case (``MAP`` next to ``mAP``).
    """
    from extract.components.gazetteer import name_variants

    variants = name_variants(other, entry["type"])
    if is_exact(entry, other) and is_exact(entry, form):
        return form in variants
    return form.lower() in {v.lower() for v in variants}


@pytest.mark.parametrize("entity_type", list(FILES))
def test_no_duplicate_surface_forms_within_type(data, entity_type):
    owner: dict[str, str] = {}
    problems = []
    for e in data[entity_type]:
        seen_here: dict[str, list[str]] = {}
        for f in forms(e):
            k = fold(f)
            if any(_generated_from(e, g, f) for g in seen_here.get(k, ())):
                problems.append(f"{e['name']}: {f!r} repeats another form of the same entry")
            seen_here.setdefault(k, []).append(f)
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


# --- forms that are ordinary words in lower case -------------------------------------------
# Names whose lower-case spelling is a different English word (found by testing every form and its
# generated variants against /usr/share/dict/words): they must match in their own case only, or
# "mimic", "squad", "quality", "planet" and "sugar" become datasets and models.
WORD_LIKE_NAMES = {
    "method": {"ALiBi": "ALiBi", "BEATs": "BEATs", "BoTNet": "BoTNet", "ColBERT": "ColBERT", "DAgger": "DAgger",
               "DARTS": "DARTS", "Entity linking system": "BLINK", "HiPPO": "HiPPO", "HorNet": "HorNet",
               "IMPALA": "IMPALA", "MaPLe": "MaPLe", "MiDaS": "MiDaS", "PEGASUS": "PEGASUS", "PlaNet": "PlaNet",
               "RePaint": "RePaint", "RoBERTa": "RoBERTa", "Snorkel": "Snorkel", "SuGaR": "SuGaR",
               "TransFusion": "TransFusion", "Janus": "Janus", "Titans": "Titans", "EAGLE": "EAGLE"},
    "dataset": {"ALFRED": "ALFRED", "AMASS": "AMASS", "BraTS": "BraTS", "CANARD": "CANARD", "Charades": "Charades",
                "FEVER": "FEVER", "MIMIC": "MIMIC", "MUStARD": "MUStARD", "QuALITY": "QuALITY",
                "REFUGE": "REFUGE", "RESIDE": "RESIDE", "REVERIE": "REVERIE", "SCROLLS": "SCROLLS",
                "SLURP": "SLURP", "SNIPS": "SNIPS", "SQuAD": "SQuAD", "SUPERB": "SUPERB", "TACoS": "TACoS",
                "WILDS": "WILDS", "OpenAI Gym": "Gymnasium", "Yelp Review": "Yelp"},
    "metric": {"CIDEr": "CIDEr", "ROUGE": "ROUGE", "ERRANT F0.5": "ERRANT"},
}

# Lower-case words that are fine as case-insensitive forms: the word *is* the technique or measure.
SAME_MEANING_WORDS = {
    "adapter", "bagging", "compacter", "cutout", "dropout", "lasso", "llama", "transformer", "watermarking",
    "watershed", "foursquare", "freebase", "accuracy", "concordance", "flops", "latency", "perplexity",
    "purity", "speedup", "throughput", "locomotion", "matting", "parsing", "forecasting", "imputation",
    "transliteration", "bitnet", "reformer", "attention", "convolution",
}

# A small built-in list of ordinary words, so the check runs where no system word list is installed.
COMMON_WORDS = {
    "multiple", "quality", "shape", "sugar", "planet", "hornet", "maple", "dagger", "fever", "mimic", "squad",
    "reside", "refuge", "scrolls", "slurp", "superb", "blink", "wilds", "charades", "tacos", "mustard", "amass",
    "blurb", "canard", "reverie", "instructor", "impala", "hippo", "darts", "beats", "alibi", "snorkel",
    "repaint", "selfies", "mosses", "kodak", "flores", "touchdown", "overcooked", "gymnasium",
    "cider", "rouge", "errant", "janus", "titans", "eagle", "phoenix", "falcon", "orca", "vicuna", "alpaca",
    "koala", "guanaco", "gemini", "whisper", "bloom", "palm", "mamba", "spider", "griffin", "atlas", "sphinx",
    "claude", "florence", "lion", "sophia", "wanda", "hyena", "jamba", "mistral", "marigold", "chameleon",
    "squirrel", "cornell", "texas", "wisconsin", "actor", "places", "spring", "replica", "weather", "traffic",
    "electricity", "exchange", "adult", "iris", "poker", "chess", "go", "arc", "glue", "math", "race", "drop",
    "scan", "stack", "pile", "opt", "sam", "clip", "adam", "glove", "use", "her", "map", "got", "pot", "far",
    "gin", "ape", "pal", "react", "realm", "complex", "simple", "rotate", "kinetics", "cora", "pubmed",
}


def _lower_forms(entry_type: str, form: str) -> set[str]:
    low = form.lower()
    return {low, low + "s"} if entry_type != "dataset" else {low}


def _word_hazards(data: dict[str, list[dict]], words: set[str]) -> list[str]:
    problems = []
    for t, entries in data.items():
        for e in entries:
            if e.get("generic"):
                continue
            for f in forms(e):
                if is_exact(e, f) or (e.get("ambiguous") and len(f.split()) == 1):
                    continue
                hit = {w for w in _lower_forms(t, f) & words
                       if w not in SAME_MEANING_WORDS and w.removesuffix("s") not in SAME_MEANING_WORDS}
                if hit:
                    problems.append(f"{t} {e['name']!r}: form {f!r} is the word {sorted(hit)} in lower case")
    return problems


def test_word_like_names_are_case_exact(data):
    for t, names in WORD_LIKE_NAMES.items():
        by_name = {e["name"]: e for e in data[t]}
        for name, form in names.items():
            assert is_exact(by_name[name], form), (t, name, form)


def test_no_case_insensitive_form_is_a_common_word(data):
    problems = _word_hazards(data, COMMON_WORDS)
    assert not problems, "\n".join(problems[:30])


def test_no_case_insensitive_form_is_a_dictionary_word(data):
    path = Path("/usr/share/dict/words")
    if not path.is_file():
        pytest.skip("no system word list")
    words = {w.strip().lower() for w in path.read_text(encoding="utf-8", errors="ignore").splitlines()
             if w.strip().isalpha()}
    problems = _word_hazards(data, words)
    assert not problems, "\n".join(problems[:30])


# Common phrases that once mapped to one specific entity ("the most popular families of LLMs" ->
# the MostPop recommender baseline, "interpretability" -> Explainable AI, "GPU memory" as a measure).
BROAD_PHRASES = {
    "most popular", "interpretability", "explainability", "dynamic routing", "gradient penalty", "attention sinks",
    "generative pre-training", "GPU memory", "encoder-decoder model", "distributionally robust optimization",
    "DR", "SAR",
}
# ... and the specific entities that must not claim them
SPECIFIC = {"Popularity baseline", "Explainable AI", "CapsNet", "WGAN-GP", "StreamingLLM", "GPT", "Group DRO",
            "Sequence-to-Sequence", "TL;DR summarization dataset", "Signal-to-artifacts ratio", "GPU memory usage"}


def test_broad_phrases_do_not_name_specific_entities(data):
    folded = {fold(p) for p in BROAD_PHRASES}
    for entries in data.values():
        for e in entries:
            if e["name"] in SPECIFIC:
                clash = [f for f in forms(e) if fold(f) in folded]
                assert not clash, (e["name"], clash)


def test_llama_is_spelled_as_meta_spells_it(data):
    methods = {e["name"]: e for e in data["method"]}
    assert "Llama" in methods and "LLaMA" not in methods
    assert methods["Llama 2"]["family"] == "Llama" and methods["Vicuna"]["family"] == "Llama"
    assert not any(e.get("family") == "LLaMA" for e in data["method"])
