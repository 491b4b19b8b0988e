"""Exported HTML in a real browser (Debian chromium + playwright), with every non-local request blocked.

Skipped when /usr/bin/chromium is missing, unless LITKG_REQUIRE_BROWSER=1 (then it fails).
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graph.export import export_html, to_html

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
MALICIOUS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("LITKG_REQUIRE_BROWSER") == "1":
            pytest.fail("LITKG_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("Debian chromium not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """A page that records dialogs, page errors and every non-local request (all aborted)."""

    def __init__(self, browser, width=1300, height=900):
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("file://", "data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path, timeout: float = 60.0) -> float:
        """Open ``path``, wait for the canvas and for the layout to stop; seconds taken."""
        t0 = time.monotonic()
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_selector("#mynetwork canvas", timeout=timeout * 1000)
        # the page's CSP forbids eval, so poll from Python instead of wait_for_function
        while not self.page.evaluate("window.litkgSettled === true"):
            assert time.monotonic() - t0 < timeout, "the layout never settled"
            self.page.wait_for_timeout(100)
        return time.monotonic() - t0

    def dom_position(self, node_id: str) -> tuple[float, float]:
        box = self.page.locator("#mynetwork canvas").bounding_box()
        p = self.page.evaluate(
            "(id) => network.canvasToDOM(network.getPositions([id])[id])", node_id
        )
        return box["x"] + p["x"], box["y"] + p["y"]


def test_tiny_export_is_offline_and_malicious_title_stays_text(browser, tiny_db, tmp_path):
    out = tmp_path / "tiny.html"
    view = export_html(tiny_db, out)
    evil = next(n for n, d in view.graph.nodes(data=True) if d["title"] == MALICIOUS)
    page = Page(browser)
    page.open(out)
    pg = page.page
    assert pg.evaluate("network.body.data.nodes.length") == view.graph.number_of_nodes()
    assert pg.evaluate("network.body.data.edges.length") == view.graph.number_of_edges()
    assert pg.evaluate("network.physics.options.enabled") is False  # stopped after stabilizing
    # nothing was injected into the document by the malicious strings
    assert pg.locator("img").count() == 0
    # utils, vis-network, pyvis's drawGraph, our data and our code; none injected
    assert pg.evaluate("document.scripts.length") == 5

    # hover the malicious paper: its tooltip shows the title as literal text
    x, y = page.dom_position(evil)
    pg.mouse.move(x - 40, y - 40)
    pg.mouse.move(x, y, steps=5)
    tooltip = pg.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    text = tooltip.inner_text()
    assert MALICIOUS in text
    assert "A crafted record: <b>bold</b>" in text
    assert tooltip.locator("img, script, b").count() == 0

    # click it: the pinned panel has the same text and only an http(s) link
    pg.mouse.click(x, y)
    panel = pg.locator("#lk-panel")
    panel.wait_for(state="visible", timeout=5000)
    assert MALICIOUS in panel.inner_text()
    hrefs = panel.locator("a").evaluate_all("as => as.map(a => a.href)")
    assert hrefs == ["https://github.com/evil/%3Cscript%3E"]

    # hover its edge (to ADE20K): type and evidence sentence, as text
    ade = next(n for n in view.graph.neighbors(evil))
    (x2, y2) = page.dom_position(ade)
    pg.mouse.move(5, 5, steps=3)  # away: the node tooltip hides
    pg.wait_for_timeout(300)
    pg.mouse.move(x + 0.6 * (x2 - x), y + 0.6 * (y2 - y), steps=5)
    edge_tip = pg.locator("div.vis-tooltip")
    edge_tip.wait_for(state="visible", timeout=5000)
    assert "uses" in edge_tip.inner_text() and "It uses ADE20K." in edge_tip.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    pg.mouse.move(x, y, steps=3)
    pg.wait_for_timeout(400)
    pg.screenshot(path=str(ARTIFACTS / "export-tiny.png"))
    assert page.dialogs == []
    assert page.external == []
    assert page.errors == []


def test_neighbourhood_view_screenshot(browser, tiny_db, tmp_path):
    out = tmp_path / "hood.html"
    view = export_html(tiny_db, out, center="ADE20K", hops=2)
    page = Page(browser, 1100, 800)
    page.open(out)
    assert page.page.evaluate("network.body.data.nodes.length") == view.graph.number_of_nodes()
    assert page.page.locator("#lk-legend").inner_text().count("\n") >= 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "export-neighbourhood.png"))
    assert page.external == [] and page.dialogs == [] and page.errors == []


def test_large_synthetic_view_draws_with_physics_off(browser, tmp_path):
    from tests.test_export import synthetic_view

    view = synthetic_view(1400, 600)
    assert view.graph.number_of_nodes() > 1500
    out = tmp_path / "big.html"
    out.write_text(to_html(view), encoding="utf-8")
    page = Page(browser)
    seconds = page.open(out)
    print(f"{view.graph.number_of_nodes()} nodes drawn and still after {seconds:.1f} s")
    assert page.page.evaluate("network.body.data.nodes.length") == view.graph.number_of_nodes()
    assert page.page.evaluate("network.physics.options.enabled") is False
    # still: positions do not change
    before = page.page.evaluate("JSON.stringify(network.getPositions())")
    page.page.wait_for_timeout(500)
    assert page.page.evaluate("JSON.stringify(network.getPositions())") == before
    assert page.external == [] and page.dialogs == [] and page.errors == []


def test_demo_corpus_whole_graph(browser, demo_db, tmp_path):
    out = tmp_path / "demo.html"
    view = export_html(demo_db, out, max_nodes=None)
    page = Page(browser)
    seconds = page.open(out)
    print(f"demo corpus: {view.graph.number_of_nodes()} nodes settled after {seconds:.1f} s")
    assert page.page.evaluate("network.body.data.nodes.length") == view.graph.number_of_nodes()
    assert page.page.evaluate("network.physics.options.enabled") is False
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "export-demo-whole.png"))
    trimmed = tmp_path / "demo300.html"
    export_html(demo_db, trimmed, max_nodes=300)
    page2 = Page(browser)
    page2.open(trimmed)
    page2.page.screenshot(path=str(ARTIFACTS / "export-demo-300.png"))
    assert page.external == [] and page2.external == [] and page.errors == [] and page2.errors == []
