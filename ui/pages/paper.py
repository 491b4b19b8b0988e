"""Paper: title, links, the highlighted abstract, its entities and code, and papers sharing techniques or benchmarks.

Deep link: ``?paper=<paper id or title>``.
"""

from __future__ import annotations

import json

import streamlit as st

from extract.errors import LitkgError
from ui import common, data, theme

db = common.current_db()
text = common.query_param("paper").strip()


def _pick_paper(message: str | None = None) -> None:
    st.title("Paper")
    if message:
        st.warning(message, icon=":material/search_off:")
    q = st.text_input("Find a paper by its title or words of its abstract", key="paper_q",
                      icon=":material/search:")
    if q.strip():
        hits = common.guarded(data.search, db, q, limit=20, kind="paper") or []
        if not hits:
            st.info("No paper matches.")
        for h in hits:
            common.paper_link(h["id"], h["name"], h.get("year"))


def _authors(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, list):
        names = [str(a) for a in value]
        return ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return str(value)


if not text:
    _pick_paper()
    st.stop()

try:
    paper = data.paper_detail(db, text)
except LitkgError as exc:
    _pick_paper(common.md_escape(f"No paper matches {text!r} ({exc})"))
    st.stop()

paper_id = str(paper["id"])
st.header(common.md_escape(paper["title"] or "(untitled)"))
meta = [str(paper["year"])] if paper.get("year") else []
if authors := _authors(paper.get("authors")):
    meta.append(authors)
meta.append(f"id {paper_id}")
sources = paper.get("sources") or []
if sources:
    s0 = sources[0]
    meta.append(f"from {s0.get('path', '?')}" + (f" line {s0['line']}" if s0.get("line") else ""))
st.caption(common.md_escape(" · ".join(meta)))

with st.container(horizontal=True):
    if url := common.safe_url(paper.get("url")):
        st.link_button("Open the paper", url, icon=":material/open_in_new:")
    common.explore_link(f"p:{paper_id}", "Show in the graph")
    st.page_link(common.TRACE_PAGE, label="Trace from here", icon=":material/route:", query_params={"a": paper_id})

mentions = paper.get("mentions") or []
st.subheader("Abstract")
abstract = paper.get("abstract") or ""
if abstract.strip():
    in_abstract = [m for m in mentions if m.get("field") == "abstract"]
    st.html(common.legend_html())
    st.html(
        '<div class="litkg-abstract" style="font-size:1.02rem;line-height:1.75;max-width:62rem">'
        + common.highlight(abstract, in_abstract) + "</div>"
    )
else:
    st.info("This record has no abstract: only its title was read.", icon=":material/info:")

# ---- entities, grouped by type
entities: dict[str, dict] = {}
for m in mentions:
    e = entities.setdefault(str(m["entity_id"]), {**m, "count": 0})
    e["count"] += 1
    if m.get("role") == "proposed":
        e["role"] = "proposed"
st.subheader("Methods, datasets, metrics and tasks")
if not entities:
    st.caption("No entity was found in this paper.")
else:
    cols = st.columns(len(theme.ENTITY_TYPES))
    for col, type_ in zip(cols, theme.ENTITY_TYPES, strict=True):
        with col:
            st.markdown(f"**{theme.TYPE_PLURALS[type_]}**")
            found = sorted((e for e in entities.values() if e.get("type") == type_),
                           key=lambda e: (e.get("role") != "proposed", str(e["entity"]).lower()))
            for e in found:
                extra = "proposed here" if e.get("role") == "proposed" else ""
                st.page_link(common.ENTITY_PAGE, label=common.md_escape(e["entity"]) + (f" · *{extra}*" if extra else ""),
                             icon=theme.icon(type_), query_params={"entity": str(e["entity"])},
                             help=str(e.get("sentence") or "")[:300] or None)
            if not found:
                st.caption("none")
    others = [e for e in entities.values() if e.get("type") not in theme.ENTITY_TYPES]
    for e in others:
        common.entity_link(e["entity"], e.get("type"))

# ---- code links and results
code_links = paper.get("code_links") or []
results = paper.get("results") or []
if code_links or results:
    left, right = st.columns(2)
    with left:
        st.subheader("Code")
        if not code_links:
            st.caption("No code link in the abstract.")
        for c in code_links:
            name = "/".join(x for x in (c.get("owner"), c.get("repo")) if x) or c.get("url")
            label = f"{c.get('host', '')}: {name}" if c.get("host") else str(name)
            if url := common.safe_url(c.get("url")):
                st.link_button(common.md_escape(label), url, icon=":material/code:")
            else:
                st.text(str(c.get("url")))
    with right:
        st.subheader("Reported results")
        if not results:
            st.caption("No result was read from the abstract.")
        else:
            cols = [c for c in ("method", "dataset", "metric", "value", "unit", "kind", "sentence")
                    if any(c in r for r in results)]
            st.dataframe(common.table_frame({c: [r.get(c) for r in results] for c in cols}), hide_index=True)

# ---- similar papers
st.subheader("Papers sharing techniques or benchmarks")
try:
    similar = data.similar(db, paper_id, limit=10)
except LitkgError as exc:
    common.show_error(exc)
    similar = []
if not similar:
    st.caption("No other paper shares an entity with this one.")
for s in similar:
    common.paper_link(s["paper_id"], s["title"], s.get("year"))
    reasons = s.get("reasons") or []
    why = ", ".join(f"{r['entity']} ({r['type']})" for r in reasons[:8])
    if len(reasons) > 8:
        why += f" and {len(reasons) - 8} more"
    st.caption("shares " + common.md_escape(why))
