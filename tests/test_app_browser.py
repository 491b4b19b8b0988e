"""The app in a real browser: Debian chromium driven by playwright against ``litkg app``.

Every request that does not go to the loopback address is blocked (and recorded). Three
sessions are open at once; each page is checked for Streamlit exceptions, the graph canvas
is checked for the expected number of nodes, and screenshots go to ``test-artifacts/``.

Skipped where /usr/bin/chromium is missing, unless ``LITKG_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Any URL that is not http(s)/ws(s) on 127.0.0.1 or localhost, nor an in-page data:/blob:/about: URL.
NOT_LOCAL = re.compile(r"^(?!(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?(/|$))(?!(data|blob|about):)")
GRAPH_FRAME = 'iframe[title="Interactive graph of the neighbourhood"]'

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _require_browser():
    if not CHROMIUM.exists():
        if os.environ.get("LITKG_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing and LITKG_REQUIRE_BROWSER=1 (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (set LITKG_REQUIRE_BROWSER=1 to make this a failure)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("LITKG_REQUIRE_BROWSER") == "1":
            raise
        pytest.skip("playwright is not installed")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_db(request, tmp_path_factory) -> Path:
    """The bundled corpus built by the real pipeline when it is available, else the tiny graph."""
    try:
        from graph.build import extractor_version

        extractor_version()
        return request.getfixturevalue("demo_db")
    except (ImportError, pytest.FixtureLookupError):
        from conftest import write_tiny_db

        return write_tiny_db(tmp_path_factory.mktemp("browser") / "tiny.db")


@pytest.fixture(scope="module")
def app_url(app_db, tmp_path_factory):
    """``litkg app DB --port N`` running for the module; yields its base URL."""
    _require_browser()
    port = _free_port()
    log = tmp_path_factory.mktemp("applog") / "app.log"
    with open(log, "w") as out:
        # its own process group: `litkg app` runs streamlit as a child, and both must stop at the end
        proc = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "app", str(app_db), "--port", str(port)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"litkg app did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop the app's process group (the CLI and its streamlit child), then reap the CLI."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            continue
        break
    proc.wait(timeout=5)


@pytest.fixture(scope="module")
def browser(app_url):
    sync_playwright = _require_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _session(browser, blocked: list[str]):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1300})

    def block(route):
        blocked.append(route.request.url)
        route.abort()

    ctx.route(NOT_LOCAL, block)
    return ctx


def _wait_ready(page, timeout: float = 60) -> None:
    """Wait until the script run finished and no element is a loading skeleton."""
    page.wait_for_selector("[data-testid=stMain]", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = page.locator("[data-testid=stStatusWidget]").count()
        skeletons = page.locator("[data-testid=stSkeleton]").count()
        if not running and not skeletons and page.locator("[data-testid=stMainBlockContainer] :is(h1, h2)").count():
            time.sleep(0.5)
            if not page.locator("[data-testid=stStatusWidget]").count():
                return
        time.sleep(0.25)
    raise AssertionError("the page never finished rendering")


def _graph_frame(page, timeout: float = 60):
    """The graph's frame once vis-network has drawn and settled.

    Polled from here: the page's Content-Security-Policy forbids eval, which frame.wait_for_function
    needs to poll in the page (it only gets away with it when the first check already succeeds).
    """
    deadline = time.monotonic() + timeout
    while True:
        handle = page.wait_for_selector(GRAPH_FRAME, timeout=timeout * 1000)
        frame = handle.content_frame()  # looked up again: a rerun may replace the iframe
        try:
            if frame is not None and frame.evaluate("!!window.network && window.litkgSettled === true"):
                return frame
        except Exception:  # noqa: BLE001 - the frame is being replaced or has not loaded its script yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the graph never settled in its frame")
        time.sleep(0.25)


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_three_sessions_in_chromium(browser, app_url, app_db):
    from graph.queries import top
    from graph.views import view_graph
    from ui.common import HUB_PAPERS, VIEW_DEFAULTS

    blocked: list[str] = []
    contexts = [_session(browser, blocked) for _ in range(3)]
    pages = [ctx.new_page() for ctx in contexts]
    # three sessions at once: the landing page, an entity deep link, a paper deep link
    pages[0].goto(f"{app_url}/")
    pages[1].goto(f"{app_url}/?entity=ADE20K")
    pages[2].goto(f"{app_url}/?paper=HorNet")
    try:
        for page in pages:
            _wait_ready(page)

        # 1. Explore: the default view's canvas holds the expected nodes
        explore = pages[0]
        best = top(app_db, "dataset", limit=1)[0]
        hops = 1 if best["papers"] > HUB_PAPERS else VIEW_DEFAULTS["hops"]
        expected = view_graph(app_db, center=f"e:{best['entity_id']}", hops=hops,
                              max_nodes=VIEW_DEFAULTS["cap"], min_weight=VIEW_DEFAULTS["min"])
        frame = _graph_frame(explore)
        drawn = frame.evaluate("window.network.body.data.nodes.getIds()")
        assert sorted(drawn) == sorted(expected.graph.nodes)
        assert f"e:{best['entity_id']}" in drawn
        box = frame.locator("canvas").first.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300
        # the canvas is not blank: some pixel differs from the white background
        painted = frame.evaluate(
            "(() => { const c = document.querySelector('canvas'); const g = c.getContext('2d');"
            " const d = g.getImageData(0, 0, c.width, c.height).data;"
            " let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i+1] < 240 || d[i+2] < 240) n++;"
            " return n; })()"
        )
        assert painted > 500
        assert f"In view ({len(drawn)})" in explore.inner_text("[data-testid=stMain]")
        _shot(explore, "explore-default")

        # 2. Entity deep link: ADE20K lists HorNet among its papers
        entity = pages[1]
        assert entity.locator("h1").first.inner_text().strip() == "ADE20K"
        paper_links = entity.locator("[data-testid=stPageLink]").all_inner_texts()
        assert any("HorNet" in t for t in paper_links), paper_links
        _shot(entity, "entity-ade20k")

        # 3. Paper deep link: the abstract is highlighted
        paper = pages[2]
        assert paper.locator("mark.litkg-method").count() >= 1
        assert "HorNet" in paper.locator("h2").first.inner_text()
        _shot(paper, "paper-hornet")

        # re-centre from the side list in session 1 on a paper in view: the graph follows, the URL can be shared
        target = next(n for n in sorted(drawn) if n.startswith("p:"))
        target_title = expected.graph.nodes[target]["title"]
        explore.locator(f".st-key-node-{target.replace(':', '-')} button").first.click()
        explore.wait_for_url(re.compile("node=" + re.escape(target).replace(":", "(:|%3A)")), timeout=30_000)
        _wait_ready(explore)
        assert f"Neighbourhood of {target_title[:40]}" in explore.inner_text("[data-testid=stMain]")
        frame = _graph_frame(explore)
        assert target in frame.evaluate("window.network.body.data.nodes.getIds()")
        _shot(explore, "explore-recentred")

        # the other pages of session 2 render without an exception
        for path, name in (("overview", "overview"), ("sql", "sql"), ("trace?a=HorNet&b=ADE20K", "trace"),
                           ("export", "export"), ("build", "build")):
            entity.goto(f"{app_url}/{path}")
            _wait_ready(entity)
            assert entity.locator("[data-testid=stException]").count() == 0, path
            _shot(entity, name)

        for page in pages:
            assert page.locator("[data-testid=stException]").count() == 0
        assert all(not u.startswith(("http://127.0.0.1", "http://localhost")) for u in blocked)
    finally:
        for ctx in contexts:
            ctx.close()
