"""Overview: corpus counts, the most mentioned methods, datasets, metrics and tasks, and communities."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from extract.errors import LitkgError
from ui import common, data, theme

db = common.current_db()
s = data.stats(db)

st.title("Corpus overview")
built = s.get("built_at")
st.caption(common.md_escape(
    f"{s.get('sources', 0)} source files · schema {s.get('schema_version')} · extractor {s.get('extractor_version')}"
    + (f" · built {built}" if built else "")
))

row = st.columns(6)
row[0].metric("Papers", f"{s['papers']:,}")
by_type = s.get("entities_by_type") or {}
for col, t in zip(row[1:5], theme.ENTITY_TYPES, strict=True):
    col.metric(theme.TYPE_PLURALS[t], f"{by_type.get(t, 0):,}")
row[5].metric("Code links", f"{s['code_links']:,}")
st.caption(f"{s['paper_entity_edges']:,} paper-entity links from {s['mentions']:,} mentions; "
           f"{s['results']:,} reported results; {s['papers_with_empty_abstract']:,} papers without an abstract.")

st.subheader("Most mentioned")
cols = st.columns(2)
for i, t in enumerate(theme.ENTITY_TYPES):
    with cols[i % 2]:
        st.markdown(f"**{theme.TYPE_PLURALS[t]}**")
        try:
            rows = data.top(db, type=t, limit=12)
        except LitkgError as exc:
            common.show_error(exc)
            continue
        if not rows:
            st.caption(f"No {t} in this corpus.")
            continue
        frame = pd.DataFrame({"entity": [r["entity"] for r in rows], "papers": [r["papers"] for r in rows]})
        st.bar_chart(frame, x="entity", y="papers", horizontal=True, color=theme.color(t),
                     sort="-papers", height=40 + 26 * len(rows), x_label="", y_label="papers")

st.subheader("Communities")
st.caption("Groups of papers that share specific entities, labelled by the entities most typical of each group.")
try:
    with st.spinner("Finding communities (the first time on a large corpus takes a while)…", show_time=True):
        groups = data.communities(db, min_size=2, limit=20)
except LitkgError as exc:
    common.show_error(exc)
    groups = []
if not groups:
    st.caption("No community of two or more papers yet.")
for g in groups:
    with st.expander(f"{common.md_escape(g['label'])} · {g['size']} papers", icon=":material/groups:"):
        ents = g.get("entities") or []
        if ents:
            cols = st.columns(min(len(ents), 5))
            for col, e in zip(cols, ents[:5], strict=False):
                with col:
                    common.entity_link(e["entity"], e["type"])
        for p in (g.get("papers") or [])[:12]:
            common.paper_link(p["paper_id"], p["title"])
        if g["size"] > 12:
            st.caption(f"…and {g['size'] - 12} more papers")
