"""Exporting graph views: one self-contained HTML file, GraphML and GEXF (Gephi), CSV node/edge lists.

The HTML is a pyvis page (vis-network 9.1.2 inlined, ``cdn_resources="in_line"``) with pyvis's
Bootstrap CDN tags removed and a Content-Security-Policy that forbids every network request, so
it opens offline and never contacts another host. It adds a legend, a note of what the view left
out, tooltips and a click-to-pin details panel.

Security: titles, abstracts, names and URLs are untrusted. Python never puts them into markup:
the page text (title, legend, note) is HTML-escaped, and the node data travels as JSON made safe
for a ``<script>`` element (:func:`script_json`). Tooltips are DOM elements built in JavaScript
with ``textContent``; links get an ``href`` only when the URL is http(s) (:func:`safe_url`), checked
in Python and again in JavaScript. The pyvis nodes carry no ``title`` at all (pyvis switches to an
``innerHTML`` popup when a title contains "href", and vis-network renders string titles itself).

>>> from graph.views import ViewGraph
>>> import networkx as nx
>>> html = to_html(ViewGraph(graph=nx.Graph(), center=None, left_out={}, title="<empty>"))
>>> "&lt;empty&gt;" in html and "<empty>" not in html
True
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import math
import random
import re
from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx

from extract.errors import LitkgError
from graph.output import csv_cell
from graph.views import ViewGraph, connected_core, view_graph

# node type -> (colour, vis-network shape, legend glyph); Okabe-Ito colours (colour-blind safe)
NODE_STYLES: dict[str, tuple[str, str, str]] = {
    "paper": ("#8c9aab", "dot", "●"),
    "method": ("#e69f00", "diamond", "◆"),
    "dataset": ("#0072b2", "square", "■"),
    "metric": ("#009e73", "triangle", "▲"),
    "task": ("#cc79a7", "star", "★"),
}
OTHER_STYLE = ("#56b4e9", "hexagon", "⬢")
EDGE_STYLES: dict[str, dict] = {
    "proposes": {"color": "#d55e00", "width": 2.5},
    "uses": {"color": "#b7c0ca", "width": 1},
    "variant_of": {"color": "#6b7785", "width": 1.5, "dashes": True},
}
# Up to this many nodes vis-network's physics lays the view out (then stops); above it the layout
# is computed in Python and physics is off.
PHYSICS_MAX_NODES = 300
FORMATS = ("html", "graphml", "gexf", "csv")

CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
    "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


class ExportError(LitkgError):
    """An export cannot be written (unknown format, bad output path)."""


# ---- escaping ---------------------------------------------------------------------------------------

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data) -> str:
    """JSON that is safe to paste inside an HTML ``<script>`` element (and is a JavaScript literal).

    ``<``, ``>``, ``&`` and the JavaScript line separators U+2028/U+2029 become ``\\uXXXX``
    escapes, so no string can close the script element or open a comment.

    >>> script_json({"t": "</script><script>alert(1)</script>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    >>> json.loads(script_json({"t": "a\\u2028b & <c>"})) == {"t": "a\\u2028b & <c>"}
    True
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group(0)], text)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else ``None`` (never clickable).

    >>> safe_url("https://github.com/a/b"), safe_url("javascript:alert(1)"), safe_url(" JAVASCRIPT:x")
    ('https://github.com/a/b', None, None)
    """
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _esc(text) -> str:
    return html_lib.escape(str(text), quote=True)


# ---- layout -----------------------------------------------------------------------------------------

def layout_positions(g: nx.Graph, *, seed: int = 7, core_size: int = 400) -> dict[str, tuple[float, float]]:
    """Pixel positions for a large view, computed in Python (no physics needed in the browser).

    Each connected component is laid out on its own (:func:`_component_layout`); the largest sits
    in the middle and the others are packed in rings around it, so small islands neither drift
    far away nor squeeze the main component into a dot. Deterministic for a given ``seed``.

    >>> pos = layout_positions(nx.path_graph(["a", "b", "c"]))
    >>> sorted(pos) == ["a", "b", "c"] and all(isinstance(x, float) for p in pos.values() for x in p)
    True
    """
    n = g.number_of_nodes()
    if n == 0:
        return {}
    rng = random.Random(seed)
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    main = len(comps[0])
    pos = _component_layout(g.subgraph(comps[0]), rng, seed, core_size, 1.0)
    ring, angle, ring_r = 0, 0.0, 0.0
    for comp in comps[1:]:
        r = min(0.35, max(0.04, math.sqrt(len(comp) / main)))
        if ring == 0 or angle + (2 * r + 0.05) / ring_r > 2 * math.pi:
            ring_r = (1.15 + r) if ring == 0 else ring_r + 2 * r + 0.08
            ring, angle = ring + 1, 0.0
        angle += (r + 0.025) / ring_r
        cx, cy = ring_r * math.cos(angle), ring_r * math.sin(angle)
        angle += (r + 0.025) / ring_r
        for k, (x, y) in _component_layout(g.subgraph(comp), rng, seed, core_size, r).items():
            pos[k] = (cx + x, cy + y)
    scale = 35 * math.sqrt(n) + 150
    return {k: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for k, (x, y) in pos.items()}


def _component_layout(g: nx.Graph, rng: random.Random, seed: int, core_size: int,
                      radius: float) -> dict[str, tuple[float, float]]:
    """One connected component inside a circle of ``radius`` around (0, 0).

    Up to ``core_size`` nodes: a seeded Fruchterman-Reingold spring layout. Beyond, the
    ``core_size`` best connected nodes get the spring layout and every other node is put near its
    already placed neighbours (breadth-first): papers land around their entities, in milliseconds.
    """
    n = g.number_of_nodes()
    if n == 1:
        return {next(iter(g)): (0.0, 0.0)}
    if n <= core_size:
        pos = {k: (float(v[0]), float(v[1])) for k, v in nx.spring_layout(g, seed=seed, iterations=80).items()}
    else:
        core = sorted(connected_core(g, core_size))
        pos = {k: (float(v[0]), float(v[1]))
               for k, v in nx.spring_layout(g.subgraph(core), seed=seed, iterations=80).items()}
        step = 1.2 / math.sqrt(core_size)
        frontier = list(core)
        while frontier:
            nxt = []
            for u in frontier:
                for v in sorted(g.neighbors(u)):
                    if v in pos:
                        continue
                    placed = [pos[w] for w in g.neighbors(v) if w in pos]
                    cx = sum(p[0] for p in placed) / len(placed)
                    cy = sum(p[1] for p in placed) / len(placed)
                    angle, r = rng.uniform(0, 2 * math.pi), step * rng.uniform(0.35, 1.0)
                    pos[v] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
                    nxt.append(v)
            frontier = nxt
    mx = sum(p[0] for p in pos.values()) / n
    my = sum(p[1] for p in pos.values()) / n
    dists = sorted(math.hypot(x - mx, y - my) for x, y in pos.values())
    far = dists[int(0.95 * (n - 1))] or dists[-1] or 1.0  # a few stragglers may stick out
    return {k: ((x - mx) * radius / far, (y - my) * radius / far) for k, (x, y) in pos.items()}


# ---- HTML -------------------------------------------------------------------------------------------

def node_size(kind: str | None, degree: int) -> tuple[float, float]:
    """``(node size, label font size)`` in pixels, growing with the degree (absolute, not relative to the view).

    Entities are the landmarks and grow faster; papers stay small.

    >>> node_size("entity", 1), node_size("entity", 100), node_size("paper", 9)
    ((7.0, 11.0), (40.0, 26.0), (9.5, 13.2))
    """
    degree = max(1, degree)
    if kind == "paper":
        return round(min(18.0, 5 + 1.5 * math.sqrt(degree)), 1), round(min(15.0, 10 + math.log2(degree)), 1)
    return (round(min(40.0, 7 + 4.5 * math.sqrt(degree - 1)), 1),
            round(min(26.0, 11 + 3 * math.log2(degree)), 1))


def _style(type_: str) -> tuple[str, str, str]:
    return NODE_STYLES.get(type_, OTHER_STYLE)


def _vis_options(n: int, physics: bool) -> dict:
    opts = {
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 14, "face": "system-ui, -apple-system, Segoe UI, sans-serif", "color": "#1f2933",
                     "strokeWidth": 4, "strokeColor": "#ffffff"},
            # labels smaller than drawThreshold pixels on screen are hidden: zoomed out only hubs are named
            "scaling": {"label": {"enabled": False, "drawThreshold": 7, "maxVisible": 30}},
        },
        "edges": {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2, "hoverWidth": 0.5},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n > 500, "hideEdgesOnZoom": n > 1000,
                        "keyboard": False, "navigationButtons": False},
        "layout": {"improvedLayout": n <= 100, "randomSeed": 7},
    }
    if physics:
        opts["physics"] = {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -70, "centralGravity": 0.012, "springLength": 110,
                                 "springConstant": 0.08, "damping": 0.7, "avoidOverlap": 0.6},
            "maxVelocity": 60, "minVelocity": 1.0, "timestep": 0.45,
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
        }
    else:
        opts["physics"] = {"enabled": False}
    return opts


def _page_data(view: ViewGraph, edge_ids: dict) -> dict:
    nodes = {}
    for n, d in view.graph.nodes(data=True):
        nodes[n] = {
            "kind": d.get("kind"), "type": d.get("type"), "title": d.get("title") or d.get("label") or n,
            "label": d.get("label") or "", "year": d.get("year"), "url": safe_url(d.get("url")),
            "code": safe_url(d.get("code")), "codeText": d.get("code"), "snippet": d.get("snippet") or "",
            "aliases": list(d.get("aliases") or []), "papers": d.get("papers"), "degree": view.graph.degree(n),
        }
    edges = {}
    for (u, v), eid in edge_ids.items():
        d = view.graph.edges[u, v]
        edges[eid] = {"from": u, "to": v, "type": d.get("type"), "role": d.get("role"),
                      "evidence": d.get("evidence") or ""}
    return {"nodes": nodes, "edges": edges, "center": view.center}


def _legend(view: ViewGraph) -> str:
    counts: dict[str, int] = {}
    for _n, t in view.graph.nodes(data="type"):
        counts[t or "?"] = counts.get(t or "?", 0) + 1
    order = [t for t in NODE_STYLES if t in counts] + sorted(t for t in counts if t not in NODE_STYLES)
    rows = []
    for t in order:
        colour, _shape, glyph = _style(t)
        rows.append(f'<div class="lk-row"><span class="lk-glyph" style="color:{colour}">{glyph}</span>'
                    f'{_esc(t)} <span class="lk-n">{counts[t]:,}</span></div>')
    edge_types = {t for *_e, t in view.graph.edges(data="type")}
    for t in ("proposes", "uses", "variant_of"):
        if t in edge_types:
            s = EDGE_STYLES[t]
            border = "dashed" if s.get("dashes") else "solid"
            rows.append(f'<div class="lk-row"><span class="lk-line" style="border-top:{max(2, s["width"])}px '
                        f'{border} {s["color"]}"></span>{t.replace("_", " ")}</div>')
    rows.append('<div class="lk-hint">size = links in view · hover for details · click to pin</div>')
    return '<div id="lk-legend">' + "".join(rows) + "</div>"


_CSS = """
html, body { margin: 0; padding: 0; background: #fff; font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: #1f2933; }
#lk-header { padding: 8px 14px; border-bottom: 1px solid #e4e7eb; }
#lk-header h1 { font-size: 17px; margin: 0 0 2px 0; font-weight: 600; }
#lk-header .lk-sub { font-size: 13px; color: #52606d; }
#lk-header .lk-left-out { font-size: 13px; color: #8d2b0b; margin-top: 2px; }
.card { position: relative; }
#loadingBar { display: none !important; }
#lk-status { position: absolute; top: 12px; left: 50%; transform: translateX(-50%); z-index: 5; font-size: 13px;
  color: #52606d; background: rgba(255,255,255,0.9); padding: 3px 10px; border-radius: 4px; }
#mynetwork { width: 100% !important; border: none !important; float: none !important; }
#lk-legend { position: absolute; top: 10px; left: 10px; z-index: 5; background: rgba(255,255,255,0.93);
  border: 1px solid #d9dee3; border-radius: 6px; padding: 7px 10px; font-size: 13px; line-height: 1.55;
  box-shadow: 0 1px 4px rgba(0,0,0,0.08); max-width: 230px; }
#lk-legend .lk-glyph { display: inline-block; width: 18px; text-align: center; font-size: 15px; margin-right: 4px; }
#lk-legend .lk-line { display: inline-block; width: 18px; height: 0; vertical-align: middle; margin-right: 4px; }
#lk-legend .lk-n { color: #7b8794; font-size: 12px; }
#lk-legend .lk-hint { color: #7b8794; font-size: 11px; margin-top: 3px; }
div.vis-tooltip { max-width: 420px; white-space: normal !important; font-family: inherit !important;
  font-size: 13px !important; background: #fff !important; border: 1px solid #c5ccd3 !important;
  border-radius: 6px !important; padding: 8px 10px !important; box-shadow: 0 2px 8px rgba(0,0,0,0.15) !important;
  color: #1f2933 !important; }
.lk-card .lk-kind { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: #7b8794; }
.lk-card .lk-title { font-weight: 600; font-size: 14px; margin: 2px 0 4px 0; overflow-wrap: anywhere; }
.lk-card .lk-text { color: #3e4c59; margin: 4px 0; overflow-wrap: anywhere; }
.lk-card .lk-meta { color: #52606d; margin: 2px 0; overflow-wrap: anywhere; }
.lk-card a { color: #0b5cad; }
#lk-panel { display: none; position: absolute; top: 10px; right: 10px; z-index: 6; width: 340px; max-height: 80%;
  overflow: auto; background: #fff; border: 1px solid #c5ccd3; border-radius: 6px; padding: 10px 12px;
  font-size: 13px; box-shadow: 0 2px 10px rgba(0,0,0,0.15); }
#lk-panel button { float: right; border: none; background: none; font-size: 18px; cursor: pointer; color: #52606d; }
"""

# Builds tooltips and the details panel as DOM elements (textContent only) from LITKG_DATA.
_JS = """
(function () {
  var D = window.LITKG_DATA;
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeHref(u) { return (typeof u === "string" && /^https?:\\/\\/[^\\s]+$/i.test(u)) ? u : null; }
  function linkLine(label, url, text) {
    var line = el("div", "lk-meta", label + ": "), href = safeHref(url);
    if (href) {
      var a = el("a", null, text || href);
      a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer nofollow";
      line.appendChild(a);
    } else if (text) { line.appendChild(document.createTextNode(text)); }
    return line;
  }
  function nodeCard(id) {
    var d = D.nodes[id], box = el("div", "lk-card");
    if (!d) return box;
    box.appendChild(el("div", "lk-kind", (d.type || d.kind) + (d.year ? " \\u00b7 " + d.year : "")));
    box.appendChild(el("div", "lk-title", d.title));
    if (d.kind === "paper") {
      if (d.snippet) box.appendChild(el("div", "lk-text", d.snippet));
      if (d.url) box.appendChild(linkLine("paper", d.url));
      if (d.codeText) box.appendChild(linkLine("code", d.code, d.codeText));
    } else {
      if (d.papers !== null && d.papers !== undefined)
        box.appendChild(el("div", "lk-meta", d.papers + (d.papers === 1 ? " paper" : " papers") + " in the database"));
      if (d.aliases && d.aliases.length) box.appendChild(el("div", "lk-meta", "also: " + d.aliases.join(", ")));
    }
    box.appendChild(el("div", "lk-meta", d.degree + (d.degree === 1 ? " link" : " links") + " in this view"));
    return box;
  }
  function edgeCard(id) {
    var d = D.edges[id], box = el("div", "lk-card");
    if (!d) return box;
    var a = D.nodes[d.from] || {}, b = D.nodes[d.to] || {};
    box.appendChild(el("div", "lk-kind", String(d.type || "").replace("_", " ")));
    box.appendChild(el("div", "lk-title", (a.label || d.from) + " \\u2192 " + (b.label || d.to)));
    if (d.evidence) box.appendChild(el("div", "lk-text", "\\u201c" + d.evidence + "\\u201d"));
    return box;
  }
  window.litkgNodeCard = nodeCard;
  window.litkgEdgeCard = edgeCard;
  nodes.update(Object.keys(D.nodes).map(function (id) { return {id: id, title: nodeCard(id)}; }));
  edges.update(Object.keys(D.edges).map(function (id) { return {id: id, title: edgeCard(id)}; }));

  var panel = document.getElementById("lk-panel"), body = document.getElementById("lk-panel-body");
  function showPanel(card) {
    while (body.firstChild) body.removeChild(body.firstChild);
    body.appendChild(card); panel.style.display = "block";
  }
  document.getElementById("lk-panel-close").addEventListener("click", function () { panel.style.display = "none"; });
  network.on("click", function (p) {
    if (p.nodes.length) showPanel(nodeCard(p.nodes[0]));
    else if (p.edges.length) showPanel(edgeCard(p.edges[0]));
    else panel.style.display = "none";
  });

  window.litkgSettled = false;
  function settle() {
    if (window.litkgSettled) return;
    network.setOptions({physics: {enabled: false}});
    window.litkgSettled = true;
    var status = document.getElementById("lk-status");
    if (status) status.parentNode.removeChild(status);
  }
  if (D.physics) {
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
    setTimeout(settle, 15000);  // never keep moving, whatever happens
  } else {
    window.litkgSettled = true;
  }
})();
"""


def to_html(view: ViewGraph, *, height: str = "750px") -> str:
    """The view as one self-contained HTML page (no request to any host when opened).

    Parameters
    ----------
    view : ViewGraph
        From :func:`graph.views.view_graph`.
    height : str
        CSS height of the graph canvas.

    Returns
    -------
    str
        The page. ``window.network`` is the vis Network, ``window.nodes`` / ``window.edges`` its
        DataSets, ``window.litkgSettled`` becomes true once the layout stopped moving.

    Examples
    --------
    >>> html = to_html(view_graph("data/litkg.db", center="HorNet"))  # doctest: +SKIP
    """
    from pyvis.network import Network

    g = view.graph
    n = g.number_of_nodes()
    physics = n <= PHYSICS_MAX_NODES
    if not re.fullmatch(r"\d+(\.\d+)?(px|vh|%|em|rem)", str(height)):
        raise ExportError(f"height must be a CSS length such as 750px, not {height!r}")
    positions = {} if physics else layout_positions(g)
    net = Network(height=str(height), width="100%", cdn_resources="in_line", bgcolor="#ffffff")
    for node, d in g.nodes(data=True):
        colour, shape, _glyph = _style(d.get("type"))
        is_center = node == view.center
        deg = g.degree(node)
        size, font = node_size(d.get("kind"), deg)
        opts = {
            "size": size,
            "font": {"size": font, **({"color": "#52606d"} if d.get("kind") == "paper" else {})},
            "color": {"background": colour, "border": "#1f2933" if is_center else colour,
                      "highlight": {"background": colour, "border": "#1f2933"},
                      "hover": {"background": colour, "border": "#1f2933"}},
            "borderWidth": 4 if is_center else 1,
        }
        if node in positions:
            opts["x"], opts["y"] = positions[node]
        # no "title": tooltips are DOM elements built from LITKG_DATA (see _JS)
        net.add_node(node, label=str(d.get("label") or ""), shape=shape, **opts)
    edge_ids = {}
    for i, (u, v, d) in enumerate(g.edges(data=True)):
        eid = f"x{i}"
        edge_ids[(u, v)] = eid
        style = EDGE_STYLES.get(d.get("type"), EDGE_STYLES["uses"])
        net.edges.append({"id": eid, "from": u, "to": v, "color": style["color"], "width": style["width"],
                          "dashes": style.get("dashes", False)})
    net.options = _vis_options(n, physics)
    page = net.generate_html()

    # pyvis links Bootstrap from a CDN even with in_line resources; remove every external tag.
    page = re.sub(r"<link\b[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", "", page)
    page = re.sub(r"<script\b[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", "", page)
    page = re.sub(r"<center>\s*<h1>\s*</h1>\s*</center>", "", page)

    data = _page_data(view, edge_ids)
    data["physics"] = physics
    left = (view.left_out or {}).get("reason") or ""
    papers = sum(1 for _n, k in g.nodes(data="kind") if k == "paper")
    sub = (f"{papers:,} papers · {n - papers:,} entities · {g.number_of_edges():,} links"
           + (" · layout computed in Python (physics off)" if not physics and n else ""))
    head = (
        f'<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(view.title or 'litkg graph view')}</title>\n<style>{_CSS}</style>"
    )
    header = (
        f'<div id="lk-header"><h1>{_esc(view.title or "litkg graph view")}</h1>'
        f'<div class="lk-sub">{_esc(sub)}</div>'
        + (f'<div class="lk-left-out">Left out: {_esc(left)}</div>' if left else "")
        + "</div>"
    )
    overlay = (
        _legend(view)
        + ('<div id="lk-status">laying out…</div>' if physics and n else "")
        + '<div id="lk-panel"><button id="lk-panel-close" title="close">×</button><div id="lk-panel-body"></div></div>'
    )
    script = (
        f'<script type="text/javascript">window.LITKG_DATA = {script_json(data)};</script>\n'
        f'<script type="text/javascript">{_JS}</script>\n'
    )
    if '<meta charset="utf-8">' not in page or '<div class="card" style="width: 100%">' not in page:
        raise ExportError("unexpected pyvis template (pyvis 0.3.2 expected)")
    page = page.replace('<meta charset="utf-8">', head, 1)
    page = page.replace("<body>", "<body>\n" + header, 1)
    page = page.replace('<div class="card" style="width: 100%">', '<div class="card" style="width: 100%">' + overlay, 1)
    before, tag, after = page.rpartition("</body>")
    page = before + script + tag + after
    return "<!DOCTYPE html>\n" + page


def export_html(db: str | Path, out_path: str | Path, *, height: str = "750px", **view_args) -> ViewGraph:
    """Build a view of ``db`` (arguments of :func:`graph.views.view_graph`) and write it as HTML."""
    view = view_graph(db, **view_args)
    _write_text(out_path, to_html(view, height=height))
    return view


# ---- other tools ------------------------------------------------------------------------------------

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value):
    if isinstance(value, str):
        return _XML_BAD.sub("", value)
    return value


def _flat(view: ViewGraph, *, gexf: bool = False) -> nx.Graph:
    """A copy with only str/int/float attributes (lists joined with " | ", ``None`` dropped)."""
    g = nx.Graph()
    g.graph["title"] = _clean(view.title or "")
    if view.center:
        g.graph["center"] = view.center
    g.graph["left_out"] = json.dumps(view.left_out or {}, ensure_ascii=False)
    for n, d in view.graph.nodes(data=True):
        attrs = {}
        for k, v in d.items():
            if v is None:
                continue
            if isinstance(v, (list, tuple)):
                v = " | ".join(str(x) for x in v)
            attrs[k] = _clean(v)
        g.add_node(n, **attrs)
    for u, v, d in view.graph.edges(data=True):
        attrs = {k: _clean(x) for k, x in d.items() if x is not None}
        if gexf:  # GEXF's edge "type" means directed/undirected
            attrs["relation"] = attrs.pop("type", "")
            attrs["label"] = attrs["relation"]
        g.add_edge(u, v, **attrs)
    return g


def to_graphml(view: ViewGraph) -> str:
    """The view as GraphML (read it back with ``networkx.read_graphml``; Gephi, yEd, Cytoscape)."""
    buf = io.BytesIO()
    nx.write_graphml(_flat(view), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


def to_gexf(view: ViewGraph) -> str:
    """The view as GEXF 1.2 for Gephi. The edge type is the ``relation`` attribute (and the edge label)."""
    buf = io.BytesIO()
    nx.write_gexf(_flat(view, gexf=True), buf, encoding="utf-8")
    return buf.getvalue().decode("utf-8")


NODE_COLUMNS = ("id", "kind", "type", "label", "title", "year", "url", "code", "papers", "degree", "aliases", "snippet")
EDGE_COLUMNS = ("source", "target", "type", "role", "evidence")


def to_csv(view: ViewGraph) -> tuple[str, str]:
    """``(nodes_csv, edges_csv)``: node and edge lists with a header row (Gephi's spreadsheet import).

    Aliases are joined with " | ". Text that a spreadsheet would run as a formula gets a leading
    ``'`` (:func:`graph.output.csv_cell`).
    """
    nodes, edges = io.StringIO(), io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(NODE_COLUMNS)
    for n, d in view.graph.nodes(data=True):
        row = {"id": n, **d, "degree": view.graph.degree(n), "aliases": " | ".join(d.get("aliases") or [])}
        w.writerow([csv_cell(row.get(c)) for c in NODE_COLUMNS])
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(EDGE_COLUMNS)
    for u, v, d in view.graph.edges(data=True):
        if u.startswith("e:") and v.startswith("p:"):
            u, v = v, u  # papers first
        w.writerow([csv_cell(x) for x in (u, v, d.get("type"), d.get("role"), d.get("evidence"))])
    return nodes.getvalue(), edges.getvalue()


def csv_paths(out_path: str | Path) -> tuple[Path, Path]:
    """Where a CSV export goes: ``OUT-nodes.csv`` and ``OUT-edges.csv`` (a trailing ``.csv`` on OUT is
    dropped), or ``nodes.csv`` and ``edges.csv`` inside OUT when OUT is an existing folder.

    >>> csv_paths("out/graph.csv")
    (PosixPath('out/graph-nodes.csv'), PosixPath('out/graph-edges.csv'))
    """
    out = Path(out_path)
    if out.is_dir():
        return out / "nodes.csv", out / "edges.csv"
    stem = out.with_suffix("") if out.suffix.lower() == ".csv" else out
    return stem.with_name(stem.name + "-nodes.csv"), stem.with_name(stem.name + "-edges.csv")


def _write_text(path: str | Path, text: str) -> None:
    p = Path(path)
    if not p.parent.exists():
        raise ExportError(f"{p}: folder {p.parent} does not exist")
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{p}: cannot write ({exc.strerror or exc})") from None


def export(db: str | Path, out_path: str | Path, fmt: str = "html", **view_args) -> ViewGraph:
    """Write a view of ``db`` in ``fmt`` ("html", "graphml", "gexf" or "csv"; see :func:`csv_paths`).

    ``view_args`` go to :func:`graph.views.view_graph`; for the non-HTML formats ``max_nodes``
    defaults to no limit (tools like Gephi want the whole graph).
    """
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    if fmt == "html":
        return export_html(db, out_path, **view_args)
    view_args.setdefault("max_nodes", None)
    view = view_graph(db, **view_args)
    if fmt == "graphml":
        _write_text(out_path, to_graphml(view))
    elif fmt == "gexf":
        _write_text(out_path, to_gexf(view))
    else:
        nodes_path, edges_path = csv_paths(out_path)
        nodes_csv, edges_csv = to_csv(view)
        _write_text(nodes_path, nodes_csv)
        _write_text(edges_path, edges_csv)
    return view
