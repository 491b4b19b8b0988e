"""Throughput of entity extraction against bare tokenization (a script that prints figures, not a test).

    python bench/speed_extract.py                     # data/*.txt repeated to 15,000 abstracts
    python bench/speed_extract.py -n 5000 --corpus ../shared/corpora/arxiv_cs_30k.jsonl
    python bench/speed_extract.py --profile           # cProfile of the extractor run
    python bench/speed_extract.py --write-readme README.md

Prints abstracts/s for ``spacy.blank("en")`` tokenization (default tokenizer
settings and with the large cache), for ``Extractor.pipe`` and for
``extract_jsonl`` (JSON in and out included), and the ratios to both bare
tokenization figures. The issue's budget: extraction costs at most 4x bare
tokenization (goal 2x). Each figure is the best of ``--repeat`` runs, in CPU
time (``time.process_time``) and wall-clock time: the machine is shared, so
CPU time is the steadier figure. Every run starts with a fresh tokenizer /
extractor (a cold tokenizer cache, as in a real ``litkg extract``). ``--write-readme README.md`` writes the table
between ``<!-- speed:start -->`` and ``<!-- speed:end -->``.
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


def best_of(make, repeats: int) -> tuple[float, float]:
    """Best wall-clock and best CPU (``time.process_time``) seconds of ``repeats`` runs.

    ``make()`` builds a fresh runner (untimed) for every run, so that no run starts with the
    tokenizer cache that an earlier run filled (a real ``litkg extract`` starts cold).
    """
    wall, cpu = float("inf"), float("inf")
    for _ in range(repeats):
        fn = make()
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu = min(cpu, time.process_time() - c)
        wall = min(wall, time.perf_counter() - w)
    return wall, cpu


def rate(n: int, t: tuple[float, float]) -> str:
    wall, cpu = t
    return f"{n / cpu:8.0f} abstracts/s CPU ({cpu:.2f} s), {n / wall:8.0f}/s wall ({wall:.2f} s)"


START, END = "<!-- speed:start -->", "<!-- speed:end -->"


def readme_block(n: int, label: str, figures: dict[str, tuple[float, float]], repeats: int = 3) -> str:
    """The markdown table written between the speed markers of the README."""
    bare, big = figures["bare"][1], figures["bare_big"][1]
    lines = [
        START,
        f"Extraction speed (`python bench/speed_extract.py`, {n:,} abstracts of {label}, one process, "
        f"best of {repeats} cold-cache runs, CPU time; the ratios are extraction time over bare tokenization time):",
        "",
        "| run | abstracts/s | x bare (default cache) | x bare (2M cache) |",
        "|---|---:|---:|---:|",
    ]
    names = {"bare": '`spacy.blank("en")` tokenizer, default cache', "bare_big": "same, 2M-entry cache",
             "pipe": "`Extractor.pipe`", "entities": "`Extractor.pipe`, entities only (no links/results)",
             "jsonl": "`litkg extract` (`extract_jsonl`, JSON in and out)"}
    for k, name in names.items():
        if k in figures:
            cpu = figures[k][1]
            lines.append(f"| {name} | {n / cpu:,.0f} | {cpu / bare:.2f} | {cpu / big:.2f} |")
    ratio = figures["jsonl"][1] / bare if "jsonl" in figures else float("nan")
    status = "met" if ratio <= 4 else "not met yet"
    lines += ["", f"The budget (issue 3) is 4x bare tokenization (default cache), the goal 2x: "
              f"`litkg extract` is at {ratio:.1f}x, so the budget is {status}.", END]
    return "\n".join(lines)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    if START in text and END in text:
        pre, rest = text.split(START, 1)
        text = pre + block + rest.split(END, 1)[1]
    elif "<!-- eval:end -->" in text:
        text = text.replace("<!-- eval:end -->", "<!-- eval:end -->\n\n" + block, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=15000, help="number of abstracts (default 15000)")
    ap.add_argument("--corpus", type=Path, default=None, help="a JSON Lines corpus with title/abstract (else data/*.txt)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is reported (default 3)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--write-readme", type=Path, default=None, metavar="README",
                    help="replace the block between the speed markers of this file with the figures")
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
    print(f"{n} abstracts from {label}; best of {a.repeat} runs (CPU = time.process_time)")
    figures: dict[str, tuple[float, float]] = {}

    def tokenize(cache_size: int | None):
        nlp = spacy.blank("en")
        if cache_size:
            nlp.tokenizer.max_cache_size = cache_size

        def run():
            for _ in nlp.tokenizer.pipe(texts, batch_size=256):
                pass
        return run

    figures["bare"] = best_of(lambda: tokenize(None), a.repeat)
    print(f"bare tokenizer (default cache)     {rate(n, figures['bare'])}")
    figures["bare_big"] = best_of(lambda: tokenize(2_000_000), a.repeat)
    print(f"bare tokenizer (2M cache)          {rate(n, figures['bare_big'])}")

    t = time.perf_counter()
    ex = Extractor()
    print(f"Extractor() construction           {time.perf_counter() - t:.2f} s")
    if a.profile:
        import cProfile
        import pstats

        cProfile.runctx("for _ in ex.pipe(items): pass", globals(), locals(), "/tmp/litkg-extract.prof")
        pstats.Stats("/tmp/litkg-extract.prof").sort_stats("tottime").print_stats(25)
        return 0

    def extraction(entities_only: bool = False):
        x = Extractor()
        if entities_only:  # the entity pipeline alone (code links and results are other modules)
            x._codelinks, x._results = None, None

        def run():
            for _ in x.pipe(items):
                pass
        return run

    figures["pipe"] = best_of(extraction, a.repeat)
    print(f"Extractor.pipe                     {rate(n, figures['pipe'])}")
    figures["entities"] = best_of(lambda: extraction(True), a.repeat)
    print(f"  entities only (no links/results) {rate(n, figures['entities'])}")

    with tempfile.TemporaryDirectory() as tmp:
        inp, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with inp.open("w", encoding="utf-8") as f:
            for i, (title, ab) in enumerate(items):
                f.write(json.dumps({"id": i, "title": title, "text": ab}) + "\n")

        def jsonl():
            x = Extractor()
            return lambda: extract_jsonl(inp, out, x)

        figures["jsonl"] = best_of(jsonl, a.repeat)
    print(f"litkg extract (extract_jsonl)      {rate(n, figures['jsonl'])}")
    bare, big = figures["bare"][1], figures["bare_big"][1]
    for k, name in (("pipe", "Extractor.pipe"), ("jsonl", "extract_jsonl")):
        cpu = figures[k][1]
        print(f"ratio {name} / bare tokenization (CPU): {cpu / bare:.2f}x (default cache), "
              f"{cpu / big:.2f}x (2M cache); budget 4x, goal 2x")
    if a.write_readme:
        write_readme(a.write_readme, readme_block(n, label, figures, a.repeat))
        print(f"wrote the speed table into {a.write_readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
