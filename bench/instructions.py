"""Instructions per abstract under valgrind's callgrind (a script that prints figures, not a test).

    python bench/instructions.py              # every distinct abstract of data/*.txt, after a warm-up pass
    python bench/instructions.py -n 200 --top 25

Wall-clock and CPU times on a shared machine move by 10-15% from run to run; instruction counts do
not (``PYTHONHASHSEED=0``), so they show what a change does to the work done. The script runs itself
twice under ``valgrind --tool=callgrind`` with instrumentation off, warms up (every distinct abstract
once: the benchmark repeats them), switches instrumentation on with ``callgrind_control`` and then
counts:

* bare ``spacy.blank("en")`` tokenization of the abstracts (the issue's yardstick), and
* ``Extractor.pipe`` over the same abstracts,

and prints instructions per abstract, their ratio and the C functions with the most inclusive
instructions in the extraction run (spaCy's attribute reads, the regex engine, ...). Time per
instruction is not the same for both runs (the extractor runs far more distinct code, so it misses
the caches more), so the ratio of instructions is a floor for the ratio of times, not a measure of it.
Skips cleanly where valgrind is not installed.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _items(n: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from bench.speed_extract import seed_items

    base = seed_items(sorted(glob.glob(str(ROOT / "data" / "*.txt"))))
    n = n or len(base)
    return base, (base * (n // max(1, len(base)) + 2))[len(base):len(base) + n]


def _child(kind: str, n: int, flag: str) -> None:
    """Run under valgrind: warm up, signal readiness through ``flag``, wait, then do the counted work."""
    base, items = _items(n)
    if kind == "bare":
        import spacy

        nlp = spacy.blank("en")
        texts = [f"{t}\n\n{a}" if t else a for t, a in items]
        for _ in nlp.tokenizer.pipe([f"{t}\n\n{a}" if t else a for t, a in base]):
            pass

        def work() -> None:
            for _ in nlp.tokenizer.pipe(texts):
                pass
    else:
        from extract.pipeline import Extractor

        ex = Extractor()
        for _ in ex.pipe(base):
            pass

        def work() -> None:
            for _ in ex.pipe(items):
                pass
    Path(flag).write_text(str(os.getpid()))
    while os.path.exists(flag):
        time.sleep(0.05)
    time.sleep(0.3)
    work()
    os._exit(0)  # (no interpreter teardown in the count)


def _count(kind: str, n: int, tmp: Path) -> Path:
    """The callgrind output file of one counted run."""
    flag, out = tmp / f"{kind}.ready", tmp / f"{kind}.cg"
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, __file__, "--child", kind, "-n", str(n), "--flag", str(flag)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not flag.exists():
        if proc.poll() is not None:
            raise SystemExit(f"the {kind} run under valgrind stopped early (exit {proc.returncode})")
        time.sleep(0.5)
    subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    flag.unlink()
    proc.wait()
    return out


def _total(cg: Path) -> int:
    for line in cg.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {cg}")


def _top(cg: Path, k: int, n: int) -> list[str]:
    """The ``k`` compiled functions outside the interpreter loop (spaCy, preshed, numpy, the regex engine)
    with the most inclusive instructions, per abstract (``n`` abstracts), from ``callgrind_annotate``."""
    res = subprocess.run(["callgrind_annotate", "--inclusive=yes", str(cg)], capture_output=True, text=True)
    rows, seen = [], set()
    for line in res.stdout.splitlines():
        parts = line.split(None, 1)
        if len(parts) != 2 or not parts[0].replace(",", "").isdigit() or "PROGRAM TOTALS" in line:
            continue
        where = parts[1].split(") ", 1)[-1].strip()
        name = where.split(" [", 1)[0]
        lib = where.split(" [", 1)[1] if " [" in where else ""
        if "'" in name or not any(x in name + lib for x in ("spacy", "preshed", "numpy", "_sre")):
            continue  # (recursion levels, and the interpreter's own frames: they hold everything)
        short = name.split("(", 1)[0].rsplit(":", 1)[-1]
        if short in seen:
            continue
        seen.add(short)
        rows.append(f"{int(parts[0].replace(',', '')) / n:16,.0f}  {short}")
    return rows[:k]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=0, help="abstracts counted (default: every distinct one once)")
    ap.add_argument("--top", type=int, default=0, help="also list this many C functions of the extraction run")
    ap.add_argument("--child", choices=("bare", "extract"), help=argparse.SUPPRESS)
    ap.add_argument("--flag", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        _child(a.child, a.n, a.flag)
        return 0
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        print("valgrind is not installed: nothing counted")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        n = len(_items(a.n)[1])
        bare = _count("bare", a.n, Path(tmp))
        ext = _count("extract", a.n, Path(tmp))
        b, e = _total(bare) / n, _total(ext) / n
        print(f"{n} abstracts of data/*.txt (after a warm-up pass over every distinct one)")
        print(f"bare tokenization   {b:12,.0f} instructions per abstract")
        print(f"Extractor.pipe      {e:12,.0f} instructions per abstract   ({e / b:.2f}x bare)")
        if a.top:
            print("instructions per abstract in (and under) compiled functions of the extraction run:")
        for row in _top(ext, a.top, n):
            print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
