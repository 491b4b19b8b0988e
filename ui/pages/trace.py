"""Trace: how two papers or entities are linked (the shortest evidence chain, the shared entities),
or which papers use both a technique and a benchmark.

Deep link: ``?a=<paper or entity>&b=<paper or entity>``.
"""

from __future__ import annotations

import streamlit as st

from extract.errors import LitkgError
from ui import common, data, theme

db = common.current_db()

ss = st.session_state
ss.setdefault("trace_a", common.query_param("a"))
ss.setdefault("trace_b", common.query_param("b"))

st.title("Trace a link")
st.caption("Two papers or entities in: the shortest chain of evidence between them and what they share. "
           "A technique and a benchmark in: the papers that use both.")

with st.form("trace"):
    cols = st.columns(2)
    cols[0].text_input("From (paper title, paper id or entity)", key="trace_a", placeholder="HorNet")
    cols[1].text_input("To (paper title, paper id or entity)", key="trace_b", placeholder="ADE20K")
    st.form_submit_button("Trace", icon=":material/route:", type="primary")

a_text, b_text = ss["trace_a"].strip(), ss["trace_b"].strip()
for key, value in (("a", a_text), ("b", b_text)):
    if value and st.query_params.get(key) != value:
        st.query_params[key] = value
    elif not value and key in st.query_params:
        del st.query_params[key]


def _resolve(text: str, which: str) -> dict | None:
    try:
        return data.resolve_node(db, text)
    except LitkgError as exc:
        st.warning(common.md_escape(f"{which}: {exc}"), icon=":material/search_off:")
        for cand in (getattr(exc, "candidates", None) or [])[:5]:
            _node_link(cand)
        return None


def _node_link(node: dict) -> None:
    if node.get("kind") == "paper":
        common.paper_link(node["id"], node.get("name"), node.get("year"))
    else:
        common.entity_link(node.get("name"), node.get("type"), str(node.get("type") or ""))


if not (a_text and b_text):
    st.info("Name two papers or entities above, for example **HorNet** and **ADE20K**, or two paper titles.",
            icon=":material/info:")
    st.stop()

a, b = _resolve(a_text, "From"), _resolve(b_text, "To")
if a is None or b is None:
    st.stop()
if a["node"] == b["node"]:
    st.warning("Both names mean the same node: name two different papers or entities.")
    st.stop()

# ---- the evidence chain
st.subheader("Shortest evidence chain")
try:
    with st.spinner("Searching the graph…", show_time=True):
        chain = data.path(db, a["node"], b["node"])
except LitkgError as exc:
    st.warning(common.md_escape(str(exc)), icon=":material/link_off:")
    chain = None
if chain:
    st.caption(f"{chain['length']} links; each passes through a paper and cites the sentence it was read from. "
               "Rare entities are preferred to generic ones.")
    steps = chain["steps"]
    with st.container(border=True):
        _node_link(steps[0]["from"] if steps else a)
        for step in steps:
            role = step.get("role") or "mentions"
            verb = {"proposed": "proposes", "used": "uses"}.get(role, role)
            frm, to = step["from"], step["to"]
            paper_first = frm.get("kind") == "paper"
            arrow = f"↓ {verb}" if paper_first else f"↓ {'proposed' if role == 'proposed' else 'used'} by"
            evidence = step.get("evidence") or ""
            st.caption(f"{arrow}: “{common.md_escape(evidence)}”" if evidence else arrow)
            _node_link(to)

# ---- what they share, or the papers that use both
if a["kind"] == "paper" and b["kind"] == "paper":
    st.subheader("Shared entities")
    try:
        both = data.shared(db, a["node"], b["node"])
    except LitkgError as exc:
        common.show_error(exc)
        both = None
    if both is not None:
        if not both["count"]:
            st.caption("The two papers mention no entity in common.")
        for type_, rows in both["shared"].items():
            st.markdown(f"**{theme.TYPE_PLURALS.get(type_, type_)}**")
            for r in rows:
                with st.expander(f"{common.md_escape(r['entity'])} · specificity {r['idf']:.2f}",
                                 icon=theme.icon(type_)):
                    st.markdown("**From:** " + common.md_escape(r.get("evidence_a") or ""))
                    st.markdown("**To:** " + common.md_escape(r.get("evidence_b") or ""))
                    common.entity_link(r["entity"], type_, "entity page")
        for r in both.get("related") or []:
            st.caption(common.md_escape(
                f"Related: {r['entity_a']} and {r['entity_b']} are both of the {r['family']} family"))
elif a["kind"] == "entity" and b["kind"] == "entity":
    st.subheader(f"Papers that mention both {common.md_escape(a['name'])} and {common.md_escape(b['name'])}")
    try:
        rows = data.together(db, [a["node"], b["node"]])
    except LitkgError as exc:
        common.show_error(exc)
        rows = []
    if not rows:
        st.caption("No paper mentions both.")
    for r in rows:
        common.paper_link(r["paper_id"], r["title"], r.get("year"))
        for name, sentence in (r.get("evidence") or {}).items():
            st.caption(f"{common.md_escape(name)}: “{common.md_escape(sentence or '')}”")
else:
    paper, entity = (a, b) if a["kind"] == "paper" else (b, a)
    if chain and chain["length"] == 1:
        st.success(f"The paper mentions {common.md_escape(entity['name'])} directly.", icon=":material/check:")
