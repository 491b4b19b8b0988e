"""Explore (the landing page): search, then the chosen node's neighbourhood as an interactive graph.

Deep link: ``?node=<name, title, p:<paper id> or e:<entity id>>&hops=2&types=method,dataset&min=5&cap=200``.
"""

from __future__ import annotations

import streamlit as st

from extract.errors import LitkgError
from ui import common, data, theme

db = common.current_db()

HOPS = common.HOPS
DEFAULTS = common.VIEW_DEFAULTS
MIN_WEIGHTS = common.MIN_WEIGHTS
MAX_LISTED = 60


def _init_state() -> None:
    """Widget state from the URL the first time the page is drawn in this session."""
    ss = st.session_state
    params = common.view_params()
    ss.setdefault("explore_q", common.query_param("q"))
    ss.setdefault("explore_hops", params["hops"])
    ss.setdefault("explore_types", params["types"])
    ss.setdefault("explore_min", params["min_weight"])
    ss.setdefault("explore_cap", params["cap"])


def _recentre(node: str) -> None:
    st.query_params["node"] = node
    st.session_state["explore_q"] = ""


def _sync_url(node: str | None, hops: int, types: list[str], min_weight: int, cap: int) -> None:
    """Keep the URL equal to what is on screen, so the view can be bookmarked and shared."""
    wanted = {
        "node": node or None,
        "q": st.session_state["explore_q"].strip() or None,
        "hops": str(hops) if hops != DEFAULTS["hops"] else None,
        "types": ",".join(types) if set(types) != set(theme.ENTITY_TYPES) else None,
        "min": str(min_weight) if min_weight != DEFAULTS["min"] else None,
        "cap": str(cap) if cap != DEFAULTS["cap"] else None,
    }
    for key, value in wanted.items():
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


_init_state()
st.title("Explore the graph")

st.text_input(
    "Search papers and entities",
    key="explore_q",
    placeholder="A method, dataset, metric, task or paper title: ConvNeXt, ImageNet, state space model…",
    icon=":material/search:",
)
query = st.session_state["explore_q"].strip()
if query:
    try:
        hits = data.search(db, query, limit=8)
    except LitkgError as exc:
        common.show_error(exc)
        hits = []
    if not hits:
        st.info(f"Nothing matches {query!r}. Try a shorter word or another spelling.", icon=":material/search_off:")
    else:
        st.caption("Choose a result to centre the graph on it")
        cols = st.columns(2)
        entities = [h for h in hits if h["kind"] == "entity"]
        papers = [h for h in hits if h["kind"] == "paper"]
        with cols[0]:
            for h in entities:
                st.button(
                    f"{common.md_escape(h['name'])} · {h['type']} · {h.get('papers') or 0} papers",
                    key=f"hit-e:{h['id']}", icon=theme.icon(h["type"]), type="tertiary",
                    on_click=_recentre, args=(f"e:{h['id']}",),
                )
            if not entities:
                st.caption("No entity matches.")
        with cols[1]:
            for h in papers:
                st.button(
                    common.paper_label(h["name"], h.get("year")), key=f"hit-p:{h['id']}", icon=theme.icon("paper"),
                    type="tertiary", on_click=_recentre, args=(f"p:{h['id']}",),
                )
            if not papers:
                st.caption("No paper matches.")

controls = st.columns([1.2, 3, 2, 2])
controls[0].segmented_control("Hops", HOPS, key="explore_hops", help="How far from the centre to go")
controls[1].pills(
    "Entity types", theme.ENTITY_TYPES, key="explore_types", selection_mode="multi",
    format_func=lambda t: theme.TYPE_PLURALS[t].lower(), help="Which kinds of entities to draw (papers are always drawn)",
)
controls[2].select_slider(
    "Minimum shared weight", MIN_WEIGHTS, key="explore_min",
    help="Draw only entities shared by at least this many papers in the whole corpus (the centre is always drawn)",
)
controls[3].slider("Node cap", *common.CAP_RANGE, step=10, key="explore_cap",
                   help="Draw at most this many nodes, the most connected first")

hops = st.session_state["explore_hops"] or DEFAULTS["hops"]
types = st.session_state["explore_types"] or list(theme.ENTITY_TYPES)
min_weight = int(st.session_state["explore_min"])
cap = int(st.session_state["explore_cap"])

chosen = common.query_param("node").strip()
try:
    node, drawn_hops, notes = common.plan_view(db, chosen, hops)
    if not chosen:
        notes[0] += " Search above or click a node on the right to re-centre."
    center = node["node"] if node else None
    view = data.view(db, center=center, hops=drawn_hops, types=types, max_nodes=cap, min_weight=min_weight)
except LitkgError as exc:
    common.show_error(exc)
    for cand in (getattr(exc, "candidates", None) or [])[:5]:
        label = common.paper_label(cand.get("name")) if cand.get("kind") == "paper" else common.md_escape(cand.get("name"))
        st.button(label, key=f"cand-{cand['node']}", icon=theme.icon(cand.get("type")), type="tertiary",
                  on_click=_recentre, args=(cand["node"],))
    if chosen:
        st.button("Back to the default view", on_click=lambda: st.query_params.pop("node", None))
    _sync_url(chosen, hops, types, min_weight, cap)
    st.stop()

_sync_url(chosen, hops, types, min_weight, cap)
by_id = {n["node"]: n for n in view["nodes"]}
center = view["center"] or center
center_node = by_id.get(center) if center else None

for note in notes:
    st.info(common.md_escape(note), icon=":material/info:")

left, right = st.columns([3, 1])
with left:
    if center_node:
        head = f"Neighbourhood of **{common.md_escape(center_node['label'])}**"
        if center_node["type"] and center_node["type"] != "paper":
            head += f" ({center_node['type']})"
    else:
        head = common.md_escape(view["title"] or "The graph")
    st.markdown(head)  # the counts, and what was left out, head the graph itself
    if view["nodes"]:
        st.iframe(view["html"], height=data.CANVAS_HEIGHT + 110, alt="Interactive graph of the neighbourhood")
    else:
        st.info("No node passes these filters. Allow more entity types or lower the minimum weight.")

with right:
    if center_node:
        if center_node["kind"] == "paper":
            common.paper_link(center[2:], center_node["label"], center_node["year"])
        else:
            common.entity_link(center_node["label"], center_node["type"], "details")
        st.page_link(common.EXPORT_PAGE, label="Export this view", icon=":material/download:",
                     query_params={k: v for k, v in st.query_params.to_dict().items() if k != "q"}
                     | {"node": center})
    st.markdown(f"**In view** ({len(view['nodes'])})")
    with st.container(height=560, border=False):
        for n in view["nodes"][:MAX_LISTED]:
            extra = f" · {n['year']}" if n["kind"] == "paper" and n.get("year") else ""
            st.button(
                common.md_escape(n["short"]) + extra, key=f"node-{n['node']}",
                icon=theme.icon(n["type"] or n["kind"]), type="primary" if n["node"] == center else "tertiary",
                on_click=_recentre, args=(n["node"],),
                help=common.md_escape(n["label"]) + f" ({n['type'] or n['kind']}, {n['degree']} links in view): "
                "click to re-centre the graph on it",
            )
        if len(view["nodes"]) > MAX_LISTED:
            st.caption(f"…and {len(view['nodes']) - MAX_LISTED} more in the graph")
