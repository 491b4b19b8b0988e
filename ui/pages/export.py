"""Export: download the current graph view as offline HTML, GraphML, GEXF or CSV.

The view is the one in the URL (``?node=&hops=&types=&min=&cap=``, as on the Explore page).
"""

from __future__ import annotations

import re

import streamlit as st

from extract.errors import LitkgError
from ui import common, data

db = common.current_db()
params = common.view_params()

st.title("Export a view")
try:
    node, hops, notes = common.plan_view(db, params["node"], params["hops"])
    settings = dict(center=node["node"] if node else None, hops=hops, types=params["types"],
                    max_nodes=params["cap"], min_weight=params["min_weight"])
    summary = data.view(db, **settings)
except LitkgError as exc:
    common.show_error(exc)
    st.stop()

center = summary["center"]
label = next((n["label"] for n in summary["nodes"] if n["node"] == center), None)
st.markdown(f"**{common.md_escape(summary['title'] or 'The graph')}**")
st.caption(
    f"{len(summary['nodes'])} nodes, {summary['edges']} links · {hops} hop(s) · types: "
    f"{', '.join(params['types'])} · entities in at least {params['min_weight']} paper(s) · at most {params['cap']} "
    "nodes"
)
for note in notes:
    st.caption(common.md_escape(note))
st.page_link(common.EXPLORE_PAGE, label="Change this view on the Explore page", icon=":material/hub:",
             query_params={k: v for k, v in st.query_params.to_dict().items()
                           if k in ("node", "hops", "types", "min", "cap")} | ({"node": center} if center else {}))

stem = "litkg-" + (re.sub(r"[^0-9A-Za-z]+", "-", label or "graph").strip("-")[:40] or "view")


def _part(fmt: str, part: str):
    """Build the export only when the button is clicked (download buttons accept a callable)."""
    return lambda: data.export(db, fmt, **settings)[part]


formats = [
    ("html", "html", "Offline HTML page", "text/html", ".html",
     "A self-contained interactive page: open it in any browser, no network needed."),
    ("graphml", "graphml", "GraphML", "application/graphml+xml", ".graphml", "For Gephi, Cytoscape, yEd, networkx."),
    ("gexf", "gexf", "GEXF", "application/gexf+xml", ".gexf", "For Gephi."),
    ("csv", "nodes", "Nodes CSV", "text/csv", "-nodes.csv", "One row per paper or entity, with its attributes."),
    ("csv", "edges", "Edges CSV", "text/csv", "-edges.csv", "One row per link, with its evidence sentence."),
]
with st.container(horizontal=True):
    for fmt, part, title, mime, suffix, help_ in formats:
        st.download_button(title, _part(fmt, part), file_name=stem + suffix, mime=mime, help=help_,
                           icon=":material/download:", on_click="ignore", key=f"export-{fmt}-{part}")

st.subheader("Preview")
if summary["nodes"]:
    st.iframe(summary["html"], height=data.CANVAS_HEIGHT + 110, alt="Preview of the exported graph")
