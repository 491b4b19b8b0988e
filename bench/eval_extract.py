"""Measure entity extraction on the shared evaluation sets (a script that prints figures, not a test).

    python bench/eval_extract.py                       # every ../shared/eval/*.jsonl
    python bench/eval_extract.py --only scierc_dev     # files whose name contains a string
    python bench/eval_extract.py --write-readme README.md

For each gold file: strips the gold entities (keeps id / text / title), runs
``extract_jsonl`` on it, scores the output with ``../shared/eval/score.py GOLD
PRED --json`` and prints a markdown table (file, type, strict P/R/F1, lenient
F1). ``--write-readme`` replaces the block between ``<!-- eval:start -->`` and
``<!-- eval:end -->`` in the given file. Exits 0 with a message when the
evaluation folder is absent. This measures; it is not for tuning patterns.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_EVAL = ROOT.parent / "shared" / "eval"
START, END = "<!-- eval:start -->", "<!-- eval:end -->"
TYPES = ("method", "dataset", "metric", "task")


def strip_gold(gold: Path, out: Path) -> int:
    """Copy ``gold`` to ``out`` keeping only id, text and title; returns the number of lines."""
    n = 0
    with gold.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            rec = {"id": d["id"], "text": d["text"]}
            if d.get("title"):
                rec["title"] = d["title"]
            g.write(json.dumps(rec) + "\n")
            n += 1
    return n


def score(score_py: Path, gold: Path, pred: Path) -> dict:
    out = subprocess.run([sys.executable, str(score_py), str(gold), str(pred), "--json"],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def gold_types(gold: Path) -> set[str]:
    types = set()
    with gold.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                types.update(e.get("type") for e in json.loads(line).get("entities", []))
    return types & set(TYPES)


def table(rows: list[dict]) -> str:
    lines = ["| file | docs | type | gold | pred | strict P | strict R | strict F1 | lenient F1 |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        s, le = r["strict"], r["lenient"]
        lines.append(f"| {r['file']} | {r['docs']} | {r['type']} | {s['gold']} | {s['predicted']} | "
                     f"{s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {le['f1']:.3f} |")
    return "\n".join(lines)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    new = f"{START}\n{block}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + new + tail
    else:
        text = (text.rstrip("\n") + "\n\n" if text else "") + new + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL)
    ap.add_argument("--only", action="append", default=[], help="only files whose name contains this (repeatable)")
    ap.add_argument("--write-readme", type=Path, default=None, metavar="README.md")
    ap.add_argument("--keep", type=Path, default=None, help="keep predictions in this folder")
    a = ap.parse_args(argv)
    score_py = a.eval_dir / "score.py"
    if not a.eval_dir.is_dir() or not score_py.is_file():
        print(f"evaluation data not found at {a.eval_dir}; nothing to measure")
        return 0
    from extract.extract_io import extract_jsonl
    from extract.pipeline import Extractor

    t0 = time.perf_counter()
    ex = Extractor()
    print(f"extractor {ex.version} built in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    rows = []
    files = sorted(p for p in a.eval_dir.glob("*.jsonl") if not a.only or any(o in p.name for o in a.only))
    with tempfile.TemporaryDirectory() as tmp:
        for gold in files:
            inp = Path(tmp) / f"{gold.stem}.in.jsonl"
            pred = (a.keep or Path(tmp)) / f"{gold.stem}.pred.jsonl"
            if a.keep:
                a.keep.mkdir(parents=True, exist_ok=True)
            docs = strip_gold(gold, inp)
            t = time.perf_counter()
            extract_jsonl(inp, pred, ex)
            dt = time.perf_counter() - t
            res = score(score_py, gold, pred)
            print(f"{gold.name}: {docs} docs in {dt:.1f}s", file=sys.stderr)
            for t_ in TYPES:
                if t_ in gold_types(gold):
                    rows.append({"file": gold.stem, "docs": docs, "type": t_,
                                 "strict": res["strict"][t_], "lenient": res["lenient"][t_]})
    out = table(rows)
    print(out)
    if a.write_readme:
        write_readme(a.write_readme, f"Extractor `{ex.version}`; document-level scores from `shared/eval/score.py`.\n\n{out}")
        print(f"wrote {a.write_readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
