"""litkg's Streamlit app: the entry point given to ``streamlit run`` (see ``litkg app``).

The database is chosen inside the run: a database built in this session, else
``--db PATH`` after ``--``, else ``$LITKG_DB``, else ``data/litkg.db``.

Deep links: ``/?paper=<id or title>``, ``/?entity=<name>``, ``/?a=<x>&b=<y>`` (Trace)
and ``/?node=<name or p:/e: id>`` (Explore) open the matching view.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # `streamlit run ui/app.py` from a source checkout
    sys.path.insert(0, str(HERE.parent))

import streamlit as st  # noqa: E402

from ui import common, data  # noqa: E402

st.set_option("client.toolbarMode", "viewer")  # no Deploy / developer menu for readers
st.set_page_config(page_title="litkg", page_icon="🕸️", layout="wide")

db = data.resolve_db_path()
problem = common.db_problem(db)

build = st.Page("pages/build.py", title="Build a corpus", icon=":material/upload_file:", url_path="build")
if problem:
    welcome = st.Page("pages/welcome.py", title="Get started", icon=":material/rocket_launch:", default=True)
    pg = st.navigation([welcome, build])
else:
    data.warm_up(db)
    explore = st.Page("pages/explore.py", title="Explore", icon=":material/hub:", default=True)
    paper = st.Page("pages/paper.py", title="Paper", icon=":material/article:", url_path="paper")
    entity = st.Page("pages/entity.py", title="Entity", icon=":material/label:", url_path="entity")
    trace = st.Page("pages/trace.py", title="Trace", icon=":material/route:", url_path="trace")
    overview = st.Page("pages/overview.py", title="Overview", icon=":material/bar_chart:", url_path="overview")
    corpus = [overview]
    # The Leaderboards page (results issue) takes its place here once ui/pages/leaderboards.py exists.
    if (HERE / "pages" / "leaderboards.py").exists():
        corpus.append(st.Page("pages/leaderboards.py", title="Leaderboards", icon=":material/leaderboard:",
                              url_path="leaderboards"))
    sql = st.Page("pages/sql.py", title="SQL", icon=":material/terminal:", url_path="sql")
    export = st.Page("pages/export.py", title="Export", icon=":material/download:", url_path="export")
    corpus += [sql, export, build]
    pg = st.navigation({"Explore": [explore, paper, entity, trace], "Corpus": corpus})

    # Deep links on the landing URL (/?paper=..., /?entity=..., /?a=..&b=..) open their view.
    if pg.url_path == explore.url_path:
        params = st.query_params.to_dict()
        if params.get("paper"):
            st.switch_page(paper, query_params=params)
        elif params.get("entity"):
            st.switch_page(entity, query_params=params)
        elif params.get("a") or params.get("b"):
            st.switch_page(trace, query_params=params)

with st.sidebar:
    name = Path(db).name
    if problem:
        st.caption(f"Database: {common.md_escape(name)} (not usable yet)")
    else:
        s = data.stats(db)
        st.caption(
            f"Database **{common.md_escape(name)}**: {s['papers']:,} papers, {s['entities']:,} entities, "
            f"{s['code_links']:,} code links"
        )
    if st.session_state.get(data.SESSION_DB_KEY):
        st.button("Back to the original database", icon=":material/undo:",
                  on_click=lambda: st.session_state.pop(data.SESSION_DB_KEY, None))

pg.run()
