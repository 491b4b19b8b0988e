"""SQL: a read-only console over the documented schema, with the README's recipes as one-click examples.

The text typed here goes as it is to ``graph.sql.run_sql``, which opens the file
read-only, refuses writes and stops a query after the time limit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from extract.errors import LitkgError
from ui import common, data

db = common.current_db()
TIMEOUT = 5.0
MAX_ROWS = 5000

ss = st.session_state
ss.setdefault("sql_text", "")
ss.setdefault("sql_ran", "")
def _use(recipe: dict) -> None:
    ss["sql_text"] = recipe["sql"]
    ss["sql_ran"] = recipe["sql"]
    for name, value in recipe["params"].items():
        ss[f"sql_param_{name}"] = value


def _run() -> None:
    ss["sql_ran"] = ss["sql_text"]


st.title("SQL console")
st.caption(f"Read-only: SELECT and WITH statements only; writes are refused and a query stops after "
           f"{TIMEOUT:g} s. At most {MAX_ROWS:,} rows are shown.")

try:
    recipes = data.recipes()
except LitkgError as exc:
    recipes = []
    st.caption(f"No recipes available ({exc}).")
if recipes:
    with st.expander("Recipes: click one to run it", expanded=not ss["sql_ran"], icon=":material/menu_book:"):
        cols = st.columns(2)
        for i, r in enumerate(recipes):
            with cols[i % 2]:
                label = (r["description"] or r["name"]).split("? ")[0].split(". ")[0].rstrip(".")
                st.button(common.md_escape(label), key=f"recipe-{i}", on_click=_use, args=(r,),
                          help=common.md_escape(f"{r['name']}: {r['description']}"), icon=":material/play_arrow:",
                          type="tertiary")

st.text_area("SQL", key="sql_text", height=160,
             placeholder="A read-only query over the tables and views below, or click a recipe above")
names = common.sql_param_names(ss["sql_text"])
if names:
    st.caption("Parameters (bound by SQLite, never pasted into the statement)")
    cols = st.columns(min(len(names), 4))
    for i, name in enumerate(names):
        cols[i % len(cols)].text_input(f":{name}", key=f"sql_param_{name}")
st.button("Run", type="primary", icon=":material/play_arrow:", on_click=_run)

sql = ss["sql_ran"].strip()
if sql:
    params = {name: ss.get(f"sql_param_{name}", "") for name in common.sql_param_names(sql)}
    try:
        columns, rows = data.run_sql(db, sql, params, limit=MAX_ROWS, timeout=TIMEOUT)
    except LitkgError as exc:
        common.show_error(exc)
    else:
        frame = pd.DataFrame(rows, columns=columns)
        more = " (the first rows only)" if len(rows) >= MAX_ROWS else ""
        st.caption(f"{len(rows):,} rows × {len(columns)} columns{more}")
        st.dataframe(frame, hide_index=True)
        st.download_button("Download CSV", data.rows_csv(columns, rows), file_name="litkg-query.csv",
                           mime="text/csv", icon=":material/download:", on_click="ignore")

with st.expander("Schema: tables and views", icon=":material/schema:"):
    from graph import schema

    st.code(schema.TABLES.strip() + "\n" + schema.VIEWS.strip(), language="sql")
