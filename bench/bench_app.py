"""Time every page of the Streamlit app with AppTest (a script that prints figures, not a test).

    python bench/bench_app.py                         # the bundled corpus (data/*.txt), built into a temp file
    python bench/bench_app.py --db data/litkg.db      # any litkg database
    python bench/bench_app.py --synth 100000          # the synthetic 100,000-paper benchmark database
                                                      # (bench/synth_graph.py, written to /tmp if missing)

For each page (reached by its deep link, as a user following a link would) it prints the
script time of

* "cold": the first visit right after the app started: every cache empty (st.cache_data,
  st.cache_resource, graph's in-process caches), while the app's background warm-up
  (ui.data.warm_up), started by that first run as in a real start, runs alongside;
* "started": the first visit of that question once the warm-up is done (query cache empty);
* "repeat": the median of repeated visits from new sessions (st.cache_data hits).

Module imports are made once before measuring (a process start, not a cache), and the
operating system's file cache stays warm. The browser's drawing time is not included. The
budget is 1 s on the bundled corpus and 2 s on a 100,000-paper database, cold included.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import threading
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
    if page:
        # AppTest runs a page opened by switch_page without ui/app.py: do the app's own part of the run
        # (the database check and the sidebar's counts) as the app does before every page
        from ui import common, data

        common.db_problem(data.resolve_db_path())
    at.run()
    seconds = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"{page or params}: {at.exception[0].value}")
    shown = " ".join(str(getattr(e, "value", "")) for kind in ("title", "header", "subheader", "markdown")
                     for e in getattr(at, kind))
    if expected and expected not in shown.replace("\\", ""):
        raise SystemExit(f"{page or params}: expected {expected!r} on the page")
    return seconds


def warm_up_thread():
    """The app's background warm-up thread, if one is running."""
    return next((t for t in threading.enumerate() if t.name == "litkg-warm-up" and t.is_alive()), None)


def clear_caches(*, warm_up: bool) -> None:
    """Empty every query cache (st.cache_data and graph's in-process caches); with ``warm_up`` also
    st.cache_resource, so that the next run of the app starts its warm-up again."""
    import streamlit as st

    from graph import model

    st.cache_data.clear()
    model.clear_cache()
    if warm_up:
        st.cache_resource.clear()
    gc.collect()  # what the previous page left (a whole graph after Overview) is not collected during the next


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a litkg database (default: build the bundled corpus)")
    ap.add_argument("--synth", type=int, metavar="PAPERS", help="use the synthetic benchmark database of this size")
    ap.add_argument("--runs", type=int, default=3, help="warm visits per page")
    ap.add_argument("--budget", type=float, help="seconds per page (default 1 s, 2 s from 50,000 papers)")
    args = ap.parse_args()
    db = Path(args.db) if args.db else synth_db(args.synth) if args.synth else bundled_db()
    os.environ["LITKG_DB"] = str(db.resolve())

    import streamlit as st

    import ui.data
    from graph.sql import stats

    app_db = ui.data.resolve_db_path()  # the path as the app spells it (the caches' key)

    s = stats(db)
    budget = args.budget or (2.0 if s["papers"] >= 50_000 else 1.0)
    print(f"database {db}: {s['papers']:,} papers, {s['entities']:,} entities, {s['paper_entity_edges']:,} links")
    pages = cases(db)
    visit("pages/build.py", {}, None)  # imports (streamlit, pandas, ...) outside the figures

    cold = {}
    for name, page, params, expected in pages:
        # the app has just started: every cache empty, its warm-up running (started again once it is over;
        # a page opened by switch_page runs without ui/app.py, which starts it in the app)
        running = warm_up_thread() is not None
        clear_caches(warm_up=not running)
        if not running:
            ui.data.warm_up(app_db)
        cold[name] = visit(page, params, expected)
    thread = warm_up_thread()
    if thread is not None:
        thread.join()

    clear_caches(warm_up=True)
    t0 = time.perf_counter()
    ui.data.warm_up(app_db)  # what the app's first run starts in the background
    thread = warm_up_thread()
    if thread is not None:
        thread.join()
    warm_up = time.perf_counter() - t0

    print(f"{'page':40s} {'cold':>8s} {'started':>8s} {'repeat':>8s}   (seconds; budget {budget:g} s)")
    worst = 0.0
    for name, page, params, expected in pages:
        st.cache_data.clear()  # a new question on a started app: warm-up done, query cache empty
        first = visit(page, params, expected)
        repeat = statistics.median(visit(page, params, expected) for _ in range(args.runs))
        worst = max(worst, first)
        flag = "" if max(first, cold[name]) <= budget else "  OVER"
        print(f"{name:40s} {cold[name]:8.3f} {first:8.3f} {repeat:8.3f}{flag}")
    print(f"background warm-up after start: {warm_up:.1f} s")
    print(f"slowest page on a started app: {worst:.3f} s; slowest with nothing cached: {max(cold.values()):.3f} s")
    print("cold = first visit right after start (every cache empty, warm-up running); started = first visit of "
          "that question once the warm-up is done; repeat = the same page again (query cache)")


if __name__ == "__main__":
    main()
