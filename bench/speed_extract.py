"""Throughput of entity extraction against bare tokenization (a script that prints figures, not a test).

    python bench/speed_extract.py                     # data/*.txt repeated to 15,000 abstracts
    python bench/speed_extract.py -n 5000 --corpus ../shared/corpora/arxiv_cs_30k.jsonl
    python bench/speed_extract.py --profile           # cProfile of the extractor run

Prints abstracts/s for ``spacy.blank("en")`` tokenization (default tokenizer
settings and with the large cache), for ``Extractor.pipe`` and for
``extract_jsonl`` (JSON in and out included), and the ratios. The issue's
budget: extraction costs at most 4x bare tokenization (goal 2x).
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def seed_items(paths: list[str]) -> list[tuple[str, str]]:
    """(title, abstract) pairs from source files, via extract.ingest when it is there."""
    try:
        from extract.ingest import read_sources

        return [(p.title, p.abstract) for p in read_sources(paths, skip_bad=True) if p.abstract]
    except ImportError:  # pragma: no cover - fallback parser for Hugging Face listing pages
        items = []
        for path in paths:
            prev = None
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                line = line.strip()
                if not line:
                    continue
                if len(line) > 250 and prev and len(prev) < 250:
                    items.append((prev.removeprefix("Subscribe"), line))
                prev = line
        return items


def corpus_items(path: Path, n: int) -> list[tuple[str, str]]:
    items = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = d.get("abstract") or d.get("text") or ""
            if text:
                items.append((d.get("title") or "", text))
            if len(items) >= n:
                break
    return items


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:8.0f} abstracts/s ({seconds:.2f} s)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=15000, help="number of abstracts (default 15000)")
    ap.add_argument("--corpus", type=Path, default=None, help="a JSON Lines corpus with title/abstract (else data/*.txt)")
    ap.add_argument("--profile", action="store_true")
    a = ap.parse_args(argv)

    import spacy

    from extract.extract_io import extract_jsonl
    from extract.pipeline import Extractor

    if a.corpus:
        if not a.corpus.is_file():
            print(f"corpus {a.corpus} not found")
            return 0
        base = corpus_items(a.corpus, a.n)
        label = f"{a.corpus.name} ({len(base)} distinct)"
    else:
        paths = sorted(glob.glob(str(ROOT / "data" / "*.txt")))
        base = seed_items(paths)
        label = f"data/*.txt ({len(base)} distinct, repeated)"
    if not base:
        print("no abstracts found")
        return 0
    items = (base * (a.n // len(base) + 1))[: a.n]
    texts = [f"{t}\n\n{ab}" if t else ab for t, ab in items]
    n = len(items)
    print(f"{n} abstracts from {label}")

    nlp = spacy.blank("en")
    t = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    bare = time.perf_counter() - t
    print(f"bare tokenizer (default cache)   {rate(n, bare)}")
    nlp = spacy.blank("en")
    nlp.tokenizer.max_cache_size = 2_000_000
    t = time.perf_counter()
    for _ in nlp.tokenizer.pipe(texts, batch_size=256):
        pass
    bare_big = time.perf_counter() - t
    print(f"bare tokenizer (2M cache)        {rate(n, bare_big)}")

    t = time.perf_counter()
    ex = Extractor()
    print(f"Extractor() construction         {time.perf_counter() - t:.2f} s")
    if a.profile:
        import cProfile
        import pstats

        cProfile.runctx("for _ in ex.pipe(items): pass", globals(), locals(), "/tmp/litkg-extract.prof")
        pstats.Stats("/tmp/litkg-extract.prof").sort_stats("tottime").print_stats(25)
        return 0
    t = time.perf_counter()
    for _ in ex.pipe(items):
        pass
    run = time.perf_counter() - t
    print(f"Extractor.pipe                   {rate(n, run)}")
    # the entity pipeline alone (code links and results are other modules, called per field)
    ex._codelinks, ex._results = None, None
    t = time.perf_counter()
    for _ in ex.pipe(items):
        pass
    ents = time.perf_counter() - t
    print(f"  entities only (no links/results) {rate(n, ents)}  = {ents / bare_big:.2f}x bare (2M cache)")

    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with inp.open("w", encoding="utf-8") as f:
            for i, (title, ab) in enumerate(items):
                f.write(json.dumps({"id": i, "title": title, "text": ab}) + "\n")
        ex2 = Extractor()
        t = time.perf_counter()
        extract_jsonl(inp, out, ex2)
        io_run = time.perf_counter() - t
    print(f"litkg extract (extract_jsonl)    {rate(n, io_run)}")
    print(f"ratio extract_jsonl / bare tokenization: {io_run / bare:.2f}x (default cache), "
          f"{io_run / bare_big:.2f}x (2M cache); budget 4x, goal 2x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
