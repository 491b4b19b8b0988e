"""End-to-end result-tuple precision, recall and F1 (a script that prints figures, not a test).

    python bench/eval_results.py                     # tests/fixtures/results/{annotated,holdout}.jsonl
    python bench/eval_results.py FILE.jsonl ...      # other files of the same format
    python bench/eval_results.py --show-errors       # list missed and spurious tuples per abstract

Each fixture line is ``{"id", "text", "tuples": [{"metric", "value", "dataset", "metric_aliases"?}]}``
(hand-labelled). Unlike ``tests/test_results.py``, which hands :func:`extract.results.find_results`
the gold mentions, this runs the whole pipeline (:class:`extract.pipeline.Extractor`: its own
sentences, mentions, canonical names and proposed method) on the text alone and scores the
``results`` of each extraction.

A predicted tuple matches a gold one when the metric matches, the value matches (sign ignored:
"+3.5" and "3.5") and the dataset matches or is absent on both sides (the issue's rule). Two
readings of "matches" are printed:

* ``name``: the predicted display name (or entity key) equals the gold name up to case and
  punctuation;
* ``entity``: as ``name``, or the gold name is one of the surface forms the pipeline linked to
  the predicted entity in that abstract (``COCO test-dev`` written, ``COCO`` canonical).

Each gold tuple is matched at most once (micro-averaged counts). Exits 0 with a message when the
pipeline is not available yet.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "results"
DEFAULT_FILES = (FIXTURES / "annotated.jsonl", FIXTURES / "holdout.jsonl")


def norm(text: str | None) -> str:
    """Case- and punctuation-insensitive form of a name (``Recall@1`` keeps its ``@``)."""
    return re.sub(r"[^0-9a-z@]+", "", (text or "").lower())


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def surfaces_by_key(extraction) -> dict[str, set[str]]:
    """Normalised surface forms of each entity key in one extraction (mention texts and aliases)."""
    out: dict[str, set[str]] = defaultdict(set)
    for m in extraction.mentions:
        out[m.key].update(norm(s) for s in (m.text, m.canonical, *m.aliases))
    return out


def names(name: str | None, key: str | None, surfaces: dict[str, set[str]], by_entity: bool) -> set[str]:
    found = {norm(name)} - {""}
    if key:
        found.add(norm(key))
        if by_entity:
            found |= surfaces.get(key, set())
    return found


def matches(pred, gold: dict, surfaces: dict[str, set[str]], by_entity: bool) -> bool:
    gold_metrics = {norm(gold["metric"]), *(norm(a) for a in gold.get("metric_aliases", []))}
    if not names(pred.metric, pred.metric_key, surfaces, by_entity) & gold_metrics:
        return False
    if abs(abs(float(pred.value)) - abs(float(gold["value"]))) > 1e-6:
        return False
    gold_dataset = gold.get("dataset")
    if not gold_dataset or not pred.dataset:
        return not gold_dataset and not pred.dataset
    return norm(gold_dataset) in names(pred.dataset, pred.dataset_key, surfaces, by_entity)


def score(docs: list[dict], extractions: list, by_entity: bool, show: bool = False) -> dict:
    tp = n_pred = n_gold = 0
    for doc, ex in zip(docs, extractions, strict=True):
        surfaces = surfaces_by_key(ex)
        gold = list(doc.get("tuples", []))
        preds = list(ex.results)
        n_pred += len(preds)
        n_gold += len(gold)
        spurious = []
        for p in preds:
            hit = next((g for g in gold if matches(p, g, surfaces, by_entity)), None)
            if hit is None:
                spurious.append(p)
            else:
                gold.remove(hit)
                tp += 1
        if show and (gold or spurious):
            print(f"  {doc['id']}:")
            for g in gold:
                print(f"    missed   {g['metric']} = {g['value']} on {g.get('dataset')}")
            for p in spurious:
                print(f"    spurious {p.metric} = {p.value}{p.unit} ({p.kind}) on {p.dataset}  [{p.value_text}]")
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"tp": tp, "pred": n_pred, "gold": n_gold, "precision": prec, "recall": rec, "f1": f1}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path, help="Annotated JSONL files (default: the bundled fixtures)")
    ap.add_argument("--show-errors", action="store_true", help="List missed and spurious tuples")
    args = ap.parse_args(argv)
    try:
        from extract.pipeline import Extractor
    except ImportError as exc:
        print(f"extract.pipeline.Extractor is not available yet ({exc}); nothing measured.")
        return 0
    t0 = time.time()
    extractor = Extractor()
    print(f"pipeline loaded in {time.time() - t0:.1f}s (extractor {getattr(extractor, 'version', '?')})\n")
    print("| file | abstracts | gold | predicted | match | P | R | F1 |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    details = []
    for path in args.files or DEFAULT_FILES:
        if not path.exists():
            print(f"| {path.name} | missing | | | | | | |")
            continue
        docs = load(path)
        t1 = time.time()
        extractions = list(extractor.pipe([(d.get("title") or "", d["text"]) for d in docs]))
        seconds = time.time() - t1
        for label, by_entity in (("name", False), ("entity", True)):
            s = score(docs, extractions, by_entity)
            print(f"| {path.name} | {len(docs)} | {s['gold']} | {s['pred']} | {label} | {s['precision']:.2f} | "
                  f"{s['recall']:.2f} | {s['f1']:.2f} |")
        details.append((path, docs, extractions, seconds))
    print()
    for path, docs, _ex, seconds in details:
        print(f"{path.name}: {len(docs)} abstracts extracted in {seconds:.2f}s")
    if args.show_errors:
        for path, docs, extractions, _s in details:
            print(f"\n{path.name} (entity matching):")
            score(docs, extractions, True, show=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
