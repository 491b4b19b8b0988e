"""Entity: type, aliases, family, the papers that propose or use it, what it is used with, code, years.

Deep link: ``?entity=<name or alias>``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from extract.errors import LitkgError
from ui import common, data, theme

db = common.current_db()
text = common.query_param("entity").strip()
LISTED = 25


def _pick_entity(message: str | None = None) -> None:
    st.title("Entity")
    if message:
        st.warning(message, icon=":material/search_off:")
    q = st.text_input("Find a method, dataset, metric or task", key="entity_q", icon=":material/search:")
    if q.strip():
        hits = common.guarded(data.search, db, q, limit=20, kind="entity") or []
        if not hits:
            st.info("No entity matches.")
        for h in hits:
            common.entity_link(h["name"], h["type"], f"{h['type']}, {h.get('papers') or 0} papers")
        return
    rows = common.guarded(data.top, db, limit=15) or []
    if rows:
        st.caption("The most mentioned entities")
        for r in rows:
            common.entity_link(r["entity"], r["type"], f"{r['type']}, {r['papers']} papers")


def _papers(title: str, rows: list[dict], empty: str) -> None:
    st.markdown(f"**{title}** ({len(rows)})")
    if not rows:
        st.caption(empty)
        return
    for p in rows[:LISTED]:
        common.paper_link(p["paper_id"], p.get("title"), p.get("year"))
    if len(rows) > LISTED:
        with st.expander(f"All {len(rows)} papers"):
            cols = [c for c in ("title", "year", "paper_id", "evidence") if c in rows[0]]
            st.dataframe(common.table_frame({c: [r.get(c) for r in rows] for c in cols}), hide_index=True)


if not text:
    _pick_entity()
    st.stop()

try:
    entity = data.entity_detail(db, text)
except LitkgError as exc:
    _pick_entity(common.md_escape(f"No entity matches {text!r} ({exc})"))
    st.stop()

type_ = str(entity.get("type") or "")
st.title(common.md_escape(entity["name"]))
st.html(common.type_badge(type_))
facts = []
aliases = [a for a in (entity.get("aliases") or []) if a != entity["name"]]
if aliases:
    facts.append("also written " + ", ".join(aliases[:12]) + (" …" if len(aliases) > 12 else ""))
used_by = entity.get("used_by") or []
proposed_by = entity.get("proposed_by") or []
total = entity.get("papers")
facts.append(f"{total if total is not None else len(proposed_by) + len(used_by)} papers")
st.caption(common.md_escape(" · ".join(facts)))

family = entity.get("family")
variants = entity.get("variants") or []
if family or variants:
    cols = st.columns([1, 3])
    if family:
        with cols[0]:
            st.markdown("**Variant of**")
            fam = family if isinstance(family, dict) else {"name": family}
            common.entity_link(fam.get("name") or fam.get("entity"), fam.get("type") or type_)
    if variants:
        with cols[1]:
            st.markdown("**Variants**")
            for v in variants[:20]:
                vv = v if isinstance(v, dict) else {"name": v}
                common.entity_link(vv.get("name") or vv.get("entity"), vv.get("type") or type_)

with st.container(horizontal=True):
    common.explore_link(f"e:{entity['id']}", "Show in the graph")
    st.page_link(common.TRACE_PAGE, label="Trace from here", icon=":material/route:",
                 query_params={"a": str(entity["name"])})

left, right = st.columns([3, 2])
with left:
    st.subheader("Papers")
    _papers("Propose it", proposed_by, "No paper in the corpus introduces it.")
    _papers("Use it", used_by, "No paper in the corpus uses it.")

with right:
    cooc = entity.get("cooccurring") or {}
    st.subheader("Used with")
    labels = {
        "dataset": "Evaluated on" if type_ in ("method", "task") else "Datasets used with it",
        "method": "Methods used with it" if type_ != "method" else "Methods used alongside",
        "metric": "Measured by",
        "task": "Tasks",
    }
    any_cooc = False
    for t in theme.ENTITY_TYPES:
        rows = cooc.get(t) or []
        if not rows:
            continue
        any_cooc = True
        st.markdown(f"**{labels[t]}**")
        for r in rows[:10]:
            name = r.get("entity") or r.get("name")
            n = r.get("count") or r.get("papers")
            common.entity_link(name, t, f"{n} paper{'s' if n != 1 else ''} together" if n else "")
    if not any_cooc:
        st.caption("Nothing co-occurs with it.")

    code = entity.get("code_links") or []
    if code:
        st.subheader("Repositories")
        for c in code[:15]:
            name = "/".join(x for x in (c.get("owner"), c.get("repo")) if x) or c.get("url")
            if url := common.safe_url(c.get("url")):
                label = common.md_escape(name) + (" · proposing paper" if c.get("role") == "proposed" else "")
                st.link_button(label, url, icon=":material/code:", type="tertiary")
            else:
                st.text(str(c.get("url")))

    per_year = {int(y): int(n) for y, n in (entity.get("per_year") or {}).items()
                if str(y).lstrip("-").isdigit()}
    if per_year:
        st.subheader("Papers per year")
        years = range(min(per_year), max(per_year) + 1)
        frame = pd.DataFrame({"year": [str(y) for y in years], "papers": [per_year.get(y, 0) for y in years]})
        st.bar_chart(frame, x="year", y="papers", color=theme.color(type_), height=220)
