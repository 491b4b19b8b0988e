"""Scale benchmark of ``litkg build`` (a script that prints figures, not a test).

    python bench/bench_build.py                                # 10k and 100k papers
    python bench/bench_build.py --sizes 10000,100000,1000000   # and 1M (about an hour on 2 cores)
    python bench/bench_build.py --sizes 10000 --compare-workers 1,2,3
    python bench/bench_build.py --write-readme README.md       # replace the block between
                                                               # <!-- scale:start --> and <!-- scale:end -->

For each size it generates (or reuses) a synthetic corpus with ``bench/gen_corpus.py`` in ``--out``, then
measures, each in a fresh process:

* extract alone: abstracts/s of ``Extractor.pipe`` on a sample of the corpus (one process);
* the whole build: ``litkg build DB CORPUS`` from an empty database — wall time, abstracts/s, CPU time
  (user + sys, the Dask workers included), peak RSS of the build process (``/usr/bin/time -v``; with
  ``--workers N`` each worker process is smaller than the writer), database size (and per paper), the
  seconds of finalize and of its community step (``litkg build``'s report);
* a re-run over the unchanged corpus;
* with ``graph/queries.py`` present: median latencies of neighbours / shared / similar / path (through
  ``bench/bench_queries.py``);
* with ``--app``: the Streamlit pages' times (``bench/bench_app.py``) on the 100k database.

``--compare-workers`` builds the first size with each worker count (1 = serial; N > 1 = a Dask
LocalCluster of N processes). The machine may be shared: abstracts per CPU-second are printed next to
abstracts per wall-second, and ``load`` is the 1-minute load average when the build started.
``--json`` keeps every figure; ``--from-json`` re-prints (and writes) tables of earlier runs together.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"

EXTRACT_SNIPPET = r"""
import json, sys, time
from extract.ingest import read_sources
from extract.pipeline import Extractor
n = int(sys.argv[2])
items = []
for p in read_sources([sys.argv[1]]):
    items.append((p.title, p.abstract))
    if len(items) >= n:
        break
t0 = time.perf_counter(); ex = Extractor(); startup = time.perf_counter() - t0
list(ex.pipe(items[:200]))  # warm-up
t0, c0 = time.perf_counter(), time.process_time()
mentions = sum(len(e.mentions) for e in ex.pipe(items[200:]))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
k = len(items) - 200
print(json.dumps({"docs": k, "per_s": k / wall, "cpu_per_doc_ms": 1000 * cpu / k, "startup_s": startup,
                  "mentions_per_doc": mentions / k}))
"""


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit in ("B", "KB") else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def timed_run(cmd: list[str], *, cwd: Path = ROOT, timeout: float | None = None) -> dict:
    """Run ``cmd`` under ``/usr/bin/time -v``: wall seconds, CPU seconds, peak RSS (MB), output."""
    load = os.getloadavg()[0]
    use_time = Path("/usr/bin/time").exists()
    full = ["/usr/bin/time", "-v", *cmd] if use_time else cmd
    t0 = time.perf_counter()
    proc = subprocess.run(full, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    out = {"wall_s": wall, "rc": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr, "load": load}
    if use_time:
        def grab(label: str) -> float | None:
            m = re.search(rf"{re.escape(label)}: ([\d.]+)", proc.stderr)
            return float(m.group(1)) if m else None

        out["cpu_s"] = (grab("User time (seconds)") or 0) + (grab("System time (seconds)") or 0)
        rss = grab("Maximum resident set size (kbytes)")
        out["peak_rss_mb"] = rss / 1024 if rss else None
    return out


def ensure_corpus(n: int, out_dir: Path, seed: int) -> Path:
    """``out_dir/corpus-<n>-s<seed>.jsonl``, cut from a bigger one of the same seed when there is one."""
    path = out_dir / f"corpus-{n}-s{seed}.jsonl"
    if path.exists():
        return path
    bigger = sorted(
        (p for p in out_dir.glob(f"corpus-*-s{seed}.jsonl") if int(p.name.split("-")[1]) > n),
        key=lambda p: int(p.name.split("-")[1]),
    )
    if bigger:  # the generator is prefix-stable: the first n records are the n-record corpus
        with bigger[0].open("rb") as src, path.open("wb") as dst:
            for i, line in enumerate(src):
                if i >= n:
                    break
                dst.write(line)
        return path
    r = subprocess.run([sys.executable, str(BENCH / "gen_corpus.py"), str(n), str(path), "--seed", str(seed)],
                       capture_output=True, text=True, check=True)
    print(r.stderr.strip(), file=sys.stderr)
    return path


def bench_extract(corpus: Path, sample: int) -> dict:
    r = subprocess.run([sys.executable, "-c", EXTRACT_SNIPPET, str(corpus), str(sample + 200)],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def db_size(db: Path) -> int:
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


def remove_db(db: Path) -> None:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)


def bench_build(cli: list[str], corpus: Path, db: Path, n: int, workers: str, rerun: bool = True) -> dict:
    remove_db(db)
    first = timed_run([*cli, "build", str(db), str(corpus), "--no-progress", "--workers", workers])
    if first["rc"]:
        return {"error": first["stderr"].strip().splitlines()[-1] if first["stderr"].strip() else "failed"}
    report = json.loads(first["stdout"])
    out = {
        "papers": n, "workers": workers, "wall_s": first["wall_s"], "cpu_s": first.get("cpu_s"),
        "per_s": report["read"] / first["wall_s"], "peak_rss_mb": first.get("peak_rss_mb"),
        "db_bytes": db_size(db), "load": first["load"], "report": report,
    }
    if rerun:
        again = timed_run([*cli, "build", str(db), str(corpus), "--no-progress", "--workers", workers])
        out["rerun_s"] = again["wall_s"]
        out["rerun_report"] = json.loads(again["stdout"]) if not again["rc"] else {"error": again["stderr"][-300:]}
        if out["rerun_report"].get("updated"):  # the extractor's code or patterns changed in between
            out["rerun_note"] = f"extractor version changed: {out['rerun_report']['updated']:,} re-extracted"
    return out


def bench_rerun(cli: list[str], corpus: Path, db: Path) -> dict:
    """Time a re-run over an unchanged corpus on an existing database.

    The database's papers are first marked as extracted by the current extractor version (the extractor's
    patterns may have changed since the database was built — in a live repository they do), and one
    re-run brings corpus-wide data up to date; the second re-run is the one timed.
    """
    import sqlite3

    from extract.pipeline import pipeline_version

    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE papers SET extractor_version = ?", (pipeline_version(),))
    conn.close()
    timed_run([*cli, "build", str(db), str(corpus), "--no-progress"])
    again = timed_run([*cli, "build", str(db), str(corpus), "--no-progress"])
    report = json.loads(again["stdout"]) if not again["rc"] else {"error": again["stderr"][-300:]}
    return {"rerun_s": again["wall_s"], "rerun_cpu_s": again.get("cpu_s"), "rerun_report": report,
            "rerun_peak_rss_mb": again.get("peak_rss_mb"), "load": again["load"]}


QUERIES_SNIPPET = r"""
import json, random, sqlite3, sys
sys.path.insert(0, sys.argv[3])
from bench_queries import timed   # the query benchmark's timer (median / p95 / max, NoPath counted)
from graph import queries
db, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
ids = [r[0] for r in conn.execute("SELECT id FROM papers")]
ents = conn.execute("SELECT id, paper_count FROM entities WHERE paper_count > 0").fetchall()
conn.close()
papers = [f"p:{x}" for x in rnd.sample(ids, n)]
pairs = [(f"p:{rnd.choice(ids)}", f"p:{rnd.choice(ids)}") for _ in range(n)]
popular = [f"e:{e}" for e in rnd.choices([e for e, _ in ents], weights=[c for _, c in ents], k=n)]
out = {"papers": len(ids), "entities": len(ents)}
out["neighbors_paper"] = timed(lambda x: queries.neighbors(db, x), [(x,) for x in papers])
out["neighbors_entity"] = timed(lambda x: queries.neighbors(db, x), [(x,) for x in popular])
out["shared"] = timed(lambda a, b: queries.shared(db, a, b), [(a, b) for a, b in pairs if a != b])
out["similar"] = timed(lambda x: queries.similar(db, x), [(x,) for x in papers])
out["path"] = timed(lambda a, b: queries.path(db, a, b), [(a, b) for a, b in pairs if a != b])
print(json.dumps(out))
"""


def bench_queries(db: Path, queries: int) -> dict | None:
    """Median latencies of neighbours / shared / similar / path over random papers and popular entities.

    (Timed with ``bench/bench_queries.py``'s timer, in a fresh process, on this database.)
    """
    if not (ROOT / "graph" / "queries.py").exists() or not (BENCH / "bench_queries.py").exists():
        return None
    r = subprocess.run([sys.executable, "-c", QUERIES_SNIPPET, str(db), str(queries), str(BENCH)],
                       cwd=ROOT, capture_output=True, text=True)
    if r.returncode:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench_app(db: Path) -> str | None:
    if not (BENCH / "bench_app.py").exists():
        return None
    r = subprocess.run([sys.executable, str(BENCH / "bench_app.py"), "--db", str(db), "--runs", "1",
                        "--budget", "2"], cwd=ROOT, capture_output=True, text=True)
    return (r.stdout if r.returncode == 0 else r.stdout + r.stderr[-500:]).strip()


def _ms(q: dict | None, key: str) -> str:
    if not q or key not in q:
        return "–"
    return f"{q[key]['median_ms']:.1f}"


def _rerun(b: dict) -> str:
    if "rerun_s" not in b or "error" in b.get("rerun_report", {}) or b.get("rerun_note"):
        return "–"
    return f"{b['rerun_s']:.1f} s"


def _finalize(report: dict) -> str:
    """``litkg build``'s finalize seconds and, in brackets, the community step's (schema 2 builds)."""
    fin, com = report.get("finalize_seconds"), report.get("communities_seconds")
    if fin is None:
        return "–"
    return f"{fin:.1f} s" + (f" ({com:.1f} s)" if com is not None else "")


def markdown(builds: list[dict], extracts: dict[int, dict], comparison: list[dict], apps: dict[int, str],
             note: str = "") -> str:
    lines = [
        "Measured by `python bench/bench_build.py` on synthetic arXiv-layout corpora (`bench/gen_corpus.py`: "
        "~180-word ML abstracts, long-tailed invented names, code links). Abstracts per CPU-second are given "
        "next to abstracts per second: the machine (2 cores) was shared with other jobs while measuring.",
        "",
    ]
    lines += [
        "| papers | workers | extract alone: abstracts/s (per CPU-s) | whole build: abstracts/s (per CPU-s) "
        "| build wall | peak RSS | database (per paper) | finalize (communities) | re-run (unchanged) "
        "| neighbours ms | shared ms | similar ms | path ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in builds:
        if "error" in b:
            lines.append(f"| {b.get('papers', '?'):,} | {b.get('workers', '?')} | error: {b['error']} |")
            continue
        ex = extracts.get(b["papers"], {})
        q = b.get("queries")
        ex_cpu = 1000 / ex["cpu_per_doc_ms"] if ex.get("cpu_per_doc_ms") else 0
        build_cpu = b["report"]["read"] / b["cpu_s"] if b.get("cpu_s") else 0
        lines.append(
            f"| {b['papers']:,} | {b['workers']} | {ex.get('per_s', 0):,.0f} ({ex_cpu:,.0f}) "
            f"| {b['per_s']:,.0f} ({build_cpu:,.0f}) "
            f"| {b['wall_s'] / 60:.1f} min | {b['peak_rss_mb'] or 0:,.0f} MB "
            f"| {human_bytes(b['db_bytes'])} ({b['db_bytes'] / max(b['papers'], 1) / 1000:.1f} KB) "
            f"| {_finalize(b['report'])} | {_rerun(b)} "
            f"| {_ms(q, 'neighbors_paper')} | {_ms(q, 'shared')} | {_ms(q, 'similar')} | {_ms(q, 'path')} |"
        )
    if comparison:
        lines += ["", "Workers at the same size (1 = serial in the writer process; N > 1 = Dask LocalCluster of N "
                  "single-threaded processes, started for the build):", "",
                  "| papers | workers | build wall | abstracts/s | CPU s (all processes) | load at start |",
                  "|---:|---:|---:|---:|---:|---:|"]
        for b in comparison:
            if "error" in b:
                lines.append(f"| {b.get('papers', '?')} | {b.get('workers', '?')} | error: {b['error']} |")
                continue
            lines.append(f"| {b['papers']:,} | {b['workers']} | {b['wall_s']:.1f} s | {b['per_s']:,.0f} "
                         f"| {b['cpu_s'] or 0:,.0f} s | {b['load']:.1f} |")
    if note:
        lines += ["", note]
    for n, text in apps.items():
        lines += ["", f"App pages on the {n:,}-paper database (seconds, `bench/bench_app.py --runs 1`):", "",
                  "```", text, "```"]
    return "\n".join(lines)


def write_readme(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    body = f"{START}\n{block}\n{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + "## Scale\n\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--workers", default="1", help="--workers of the builds in the main table")
    ap.add_argument("--compare-workers", default="", help="e.g. 1,2,3: build the first size with each")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="corpora and databases (kept for reuse)")
    ap.add_argument("--extract-sample", type=int, default=3000, help="abstracts timed for extract alone")
    ap.add_argument("--queries", type=int, default=100, help="random queries per kind (0: skip)")
    ap.add_argument("--app", action="store_true", help="time the app's pages on the 100,000-paper database")
    ap.add_argument("--no-rerun", action="store_true")
    ap.add_argument("--cli", default=f"{sys.executable} -m graph.cli", help="how to run litkg")
    ap.add_argument("--json", type=Path, help="also write every figure here")
    ap.add_argument("--write-readme", type=Path, metavar="README", help="replace the scale block of this file")
    ap.add_argument("--note", type=Path, help="a markdown file whose text goes under the tables")
    ap.add_argument("--from-json", type=Path, nargs="+", metavar="JSON",
                    help="print (and --write-readme) the table of earlier --json runs instead of measuring")
    ap.add_argument("--queries-only", action="store_true",
                    help="only time the queries on the databases of an earlier run")
    ap.add_argument("--rerun-only", action="store_true",
                    help="only time re-runs over the unchanged corpora on the databases of an earlier run")
    args = ap.parse_args(argv)
    if args.rerun_only or args.queries_only:
        cli = args.cli.split()
        reruns, queries = {}, {}
        for n in [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]:
            db = args.out / f"bench-{n}.db"
            if args.rerun_only:
                reruns[n] = bench_rerun(cli, ensure_corpus(n, args.out, args.seed), db)
                print(f"[{n:,}] re-run: {json.dumps(reruns[n])}", file=sys.stderr)
            if args.queries_only:
                queries[n] = bench_queries(db, args.queries)
                print(f"[{n:,}] queries: {json.dumps(queries[n])}", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps({"reruns": reruns, "queries": queries}, indent=2))
        return 0
    if args.from_json:
        merged: dict = {"builds": [], "extract": {}, "workers": [], "app": {}}
        for f in args.from_json:
            data = json.loads(f.read_text())
            merged["builds"] += data.get("builds", [])
            merged["extract"].update({int(k): v for k, v in data.get("extract", {}).items()})
            merged["workers"] += data.get("workers", [])
            merged["app"].update({int(k): v for k, v in data.get("app", {}).items()})
            merged.setdefault("reruns", {}).update({int(k): v for k, v in data.get("reruns", {}).items()})
            merged.setdefault("queries", {}).update({int(k): v for k, v in data.get("queries", {}).items()})
        for b in merged["builds"]:
            q = merged["queries"].get(b.get("papers"))
            if q and "error" not in q:
                b["queries"] = q
            r = merged.get("reruns", {}).get(b.get("papers"))
            if r and "error" not in r["rerun_report"]:
                b.update(rerun_s=r["rerun_s"], rerun_report=r["rerun_report"])
                b.pop("rerun_note", None)
        merged["builds"].sort(key=lambda b: b.get("papers", 0))
        table = markdown(merged["builds"], merged["extract"], merged["workers"], merged["app"],
                         args.note.read_text().strip() if args.note else "")
        print(table)
        if args.write_readme:
            write_readme(args.write_readme, table)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    cli = args.cli.split()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    builds: list[dict] = []
    extracts: dict[int, dict] = {}
    apps: dict[int, str] = {}
    comparison: list[dict] = []
    for n in sizes:
        corpus = ensure_corpus(n, args.out, args.seed)
        extracts[n] = bench_extract(corpus, min(args.extract_sample, n))
        print(f"[{n:,}] extract alone: {json.dumps(extracts[n])}", file=sys.stderr)
        db = args.out / f"bench-{n}.db"
        b = bench_build(cli, corpus, db, n, args.workers, rerun=not args.no_rerun)
        print(f"[{n:,}] build: {json.dumps({k: v for k, v in b.items() if k != 'report'})}", file=sys.stderr)
        if "error" not in b and args.queries:
            b["queries"] = bench_queries(db, args.queries)
        if args.app and n == 100_000 and "error" not in b:
            apps[n] = bench_app(db) or "bench/bench_app.py missing"
        builds.append(b)
    if args.compare_workers and sizes:
        n = sizes[0]
        corpus = ensure_corpus(n, args.out, args.seed)
        for w in [w.strip() for w in args.compare_workers.split(",") if w.strip()]:
            db = args.out / f"bench-{n}-w{w}.db"
            b = bench_build(cli, corpus, db, n, w, rerun=False)
            print(f"[{n:,}] workers {w}: {json.dumps({k: v for k, v in b.items() if k != 'report'})}",
                  file=sys.stderr)
            comparison.append(b)
            remove_db(db)
    table = markdown(builds, extracts, comparison, apps, args.note.read_text().strip() if args.note else "")
    print(table)
    if args.json:
        args.json.write_text(json.dumps({"builds": builds, "extract": extracts, "workers": comparison,
                                         "app": apps}, indent=2, default=str))
    if args.write_readme:
        write_readme(args.write_readme, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
