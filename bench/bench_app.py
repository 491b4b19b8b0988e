"""Time every page of the Streamlit app with AppTest (a script that prints figures, not a test).

    python bench/bench_app.py                         # the bundled corpus (data/*.txt), built into a temp file
    python bench/bench_app.py --db data/litkg.db      # any litkg database
    python bench/bench_app.py --synth 100000          # the synthetic 100,000-paper benchmark database
                                                      # (bench/synth_graph.py, written to /tmp if missing)

For each page (reached by its deep link, as a user following a link would) it prints the
script time of a visit with every cache empty ("cold"), of the first visit once the app's
background warm-up (ui.data.warm_up: the in-process graph and its communities) is done
("started"), and the median of repeated visits from new sessions ("repeat": st.cache_data
hits). The browser's drawing time is not included. The target is 1 s on the bundled corpus
and 2 s on the 100,000-paper database, for a started app.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

APP = ROOT / "ui" / "app.py"


def bundled_db() -> Path:
    from graph.build import build

    path = Path(tempfile.mkdtemp(prefix="litkg-bench-app-")) / "bundled.db"
    t0 = time.perf_counter()
    build(path, sorted((ROOT / "data").glob("*.txt")))
    print(f"built the bundled corpus in {time.perf_counter() - t0:.1f} s: {path}")
    return path


def synth_db(papers: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from synth_graph import generate

    path = Path(tempfile.gettempdir()) / f"litkg-bench-{papers // 1000}k.db"
    if not path.exists():
        print(f"generating {path} ({papers:,} papers)…")
        print(generate(path, papers=papers))
    return path


def cases(db: Path) -> list[tuple[str, str | None, dict[str, str], str | None]]:
    """(name, page file or None, query params, text expected on the page) for every view."""
    from graph.queries import top
    from graph.sql import run_sql

    _, rows = run_sql(db, "SELECT paper_id, count(*) AS n FROM paper_entity GROUP BY paper_id "
                          "ORDER BY n DESC, paper_id LIMIT 2")
    paper_a, paper_b = (r["paper_id"] for r in rows[:2])
    dataset = top(db, "dataset", limit=1)[0]["entity"]
    method = top(db, "method", limit=1)[0]["entity"]
    _, mid = run_sql(db, "SELECT name FROM entities WHERE paper_count BETWEEN 3 AND 50 ORDER BY paper_count DESC, "
                         "id LIMIT 1")
    mid_entity = mid[0]["name"] if mid else method
    out = [
        ("explore (default view)", None, {}, "Explore the graph"),
        ("explore ?node=<top method>, 2 hops", None, {"node": method}, "Neighbourhood of"),
        ("explore ?node=<paper>, 1 hop", None, {"node": f"p:{paper_a}", "hops": "1"}, "Neighbourhood of"),
        ("explore ?node=<mid-size entity>, 2 hops", None, {"node": mid_entity}, "Neighbourhood of"),
        ("paper ?paper=<id>", None, {"paper": paper_a}, "Abstract"),
        ("entity ?entity=<top dataset>", None, {"entity": dataset}, dataset),
        ("entity ?entity=<mid-size entity>", None, {"entity": mid_entity}, mid_entity),
        ("trace ?a=<paper>&b=<paper>", None, {"a": f"p:{paper_a}", "b": f"p:{paper_b}"}, "Shortest evidence chain"),
        ("trace ?a=<method>&b=<dataset>", None, {"a": method, "b": dataset}, "Papers that mention both"),
        ("overview", "pages/overview.py", {}, "Corpus overview"),
        ("sql", "pages/sql.py", {}, "SQL console"),
        ("export", "pages/export.py", {}, "Export a view"),
        ("build", "pages/build.py", {}, "Build a corpus"),
    ]
    if (APP.parent / "pages" / "leaderboards.py").exists():
        out.append(("leaderboards", "pages/leaderboards.py", {}, "Leaderboards"))
    return out


def visit(page: str | None, params: dict[str, str], expected: str | None) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(params)
    if page:
        at.switch_page(page)
    t0 = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{page or params}: {at.exception[0].value}")
    shown = " ".join(str(getattr(e, "value", "")) for kind in ("title", "header", "subheader", "markdown")
                     for e in getattr(at, kind))
    if expected and expected not in shown.replace("\\", ""):
        raise SystemExit(f"{page or params}: expected {expected!r} on the page")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a litkg database (default: build the bundled corpus)")
    ap.add_argument("--synth", type=int, metavar="PAPERS", help="use the synthetic benchmark database of this size")
    ap.add_argument("--runs", type=int, default=3, help="warm visits per page")
    ap.add_argument("--budget", type=float, help="seconds per page (default 1 s, 2 s for --synth)")
    args = ap.parse_args()
    db = Path(args.db) if args.db else synth_db(args.synth) if args.synth else bundled_db()
    budget = args.budget or (2.0 if args.synth else 1.0)
    os.environ["LITKG_DB"] = str(db.resolve())

    import streamlit as st

    from graph import model, queries
    from graph.sql import stats

    s = stats(db)
    print(f"database {db}: {s['papers']:,} papers, {s['entities']:,} entities, {s['paper_entity_edges']:,} links")
    import ui.data

    ui.data.warm_up = lambda db: None  # measured on its own below, not in a thread racing the pages
    visit("pages/build.py", {}, None)  # imports (streamlit, pandas, networkx, pyvis) outside the figures
    pages = cases(db)

    cold = {}
    for name, page, params, expected in pages:  # nothing cached: the app has just started, no warm-up
        st.cache_data.clear()
        model.clear_cache()
        cold[name] = visit(page, params, expected)

    model.clear_cache()
    t0 = time.perf_counter()
    queries.communities(db, min_size=2, limit=20)  # what ui.data.warm_up runs in the background at start
    warm_up = time.perf_counter() - t0

    print(f"{'page':40s} {'cold':>8s} {'started':>8s} {'repeat':>8s}   (seconds; budget {budget:g} s)")
    worst = 0.0
    for name, page, params, expected in pages:
        st.cache_data.clear()  # a new question on a started app: graph caches warm, query cache empty
        first = visit(page, params, expected)
        repeat = statistics.median(visit(page, params, expected) for _ in range(args.runs))
        worst = max(worst, first)
        flag = "" if first <= budget else "  OVER"
        print(f"{name:40s} {cold[name]:8.3f} {first:8.3f} {repeat:8.3f}{flag}")
    print(f"background warm-up after start (graph load + communities): {warm_up:.1f} s")
    print(f"slowest page on a started app: {worst:.3f} s; slowest with nothing cached: {max(cold.values()):.3f} s")
    print("cold = first visit with every cache empty; started = first visit of that question once the "
          "warm-up is done; repeat = the same page again (query cache)")

if __name__ == "__main__":
    main()
