"""The Streamlit app, page by page, through ``streamlit.testing.v1.AppTest`` on the tiny graph.

Each test runs the real entry point (ui/app.py) with ``LITKG_DB`` pointing at a copy of
``tiny_db``, opens a page by a deep link or by switching to it, and checks what a user
would see: titles, entity names, links, table shapes and the graph's HTML.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from graph.db import open_db

APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"
UI = APP.parent
TIMEOUT = 60

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest  # noqa: E402

HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
MALICIOUS = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


# ---------------------------------------------------------------------------------------------- helpers


def run_app(db: Path | str, monkeypatch, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("LITKG_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def links(at: AppTest) -> list[tuple[str, str, dict[str, str]]]:
    """Every st.page_link as (label without Markdown escapes, page url path, query params)."""
    out = []
    for el in at.get("page_link"):
        qs = {k: v[0] for k, v in parse_qs(el.proto.query_string).items()}
        out.append((unescape(el.proto.label), el.proto.page, qs))
    return out


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def texts(at: AppTest, *kinds: str) -> str:
    parts = []
    for kind in kinds or ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning",
                          "error", "success"):
        parts += [unescape(str(e.value)) for e in getattr(at, kind)]
    return "\n".join(parts)


def iframe_html(at: AppTest) -> str:
    frames = at.get("iframe")
    assert len(frames) == 1
    return frames[0].proto.srcdoc


def paper_id(db: Path, title: str) -> str:
    from graph.queries import resolve_node

    return resolve_node(db, title, "paper")["id"]


def entity_id(db: Path, name: str) -> int:
    from graph.queries import resolve_node

    return resolve_node(db, name, "entity")["id"]


def buttons(at: AppTest) -> dict[str, object]:
    return {b.key: b for b in at.button if b.key}


# ---------------------------------------------------------------------------------------------- explore


def test_explore_default_shows_the_most_connected_benchmark(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch)
    assert at.title[0].value == "Explore the graph"
    # ADE20K and COCO are both in 3 papers; the default is the top dataset, never an empty page
    from graph.queries import top

    best = top(tiny_db, "dataset", limit=1)[0]
    assert f"showing the most connected benchmark, {best['entity']}" in texts(at, "info")
    html = iframe_html(at)
    assert f'"e:{best["entity_id"]}"' in html
    assert best["entity"] in ("ADE20K", "COCO")
    # every node drawn is listed on the side as a re-centre button
    node_buttons = [k for k in buttons(at) if k.startswith("node-")]
    assert f"node-e:{best['entity_id']}" in node_buttons
    for key in node_buttons:
        assert f'"{key[5:]}"' in html


def test_explore_deep_link_centres_on_a_node(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, node="HorNet", hops="1")
    hornet_paper = paper_id(tiny_db, HORNET)
    hornet = entity_id(tiny_db, "HorNet")
    assert "Neighbourhood of **HorNet** (method)" in at.markdown[0].value
    html = iframe_html(at)
    assert f'"e:{hornet}"' in html and f'"p:{hornet_paper}"' in html
    # one hop from the method: its one paper, and no other paper
    assert f'"p:{paper_id(tiny_db, "A ConvNet for the 2020s")}"' not in html
    assert at.segmented_control[0].value == 1
    assert at.query_params["node"] == "HorNet"


def test_explore_two_hops_and_type_filter(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, node="HorNet", hops="2", types="dataset")
    html = iframe_html(at)
    assert f'"e:{entity_id(tiny_db, "ADE20K")}"' in html
    assert f'"e:{entity_id(tiny_db, "ConvNeXt")}"' not in html  # methods filtered out
    assert at.pills[0].value == ["dataset"]


def test_explore_search_then_recentre(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch)
    at.text_input(key="explore_q").input("mamba").run()
    assert not at.exception
    mamba = entity_id(tiny_db, "Mamba")
    hit = buttons(at)[f"hit-e:{mamba}"]
    assert "Mamba" in hit.label
    assert any(k.startswith("hit-p:") for k in buttons(at))  # the Mamba and VideoMamba papers
    hit.click().run()
    assert not at.exception
    assert at.query_params["node"] == f"e:{mamba}"
    assert f'"e:{mamba}"' in iframe_html(at)
    assert "Neighbourhood of **Mamba**" in at.markdown[0].value
    # click a node in the side list: the graph re-centres on it
    video = paper_id(tiny_db, "VideoMamba: State Space Model for Efficient Video Understanding")
    buttons(at)[f"node-p:{video}"].click().run()
    assert not at.exception
    assert at.query_params["node"] == f"p:{video}"
    assert "Neighbourhood of **VideoMamba" in at.markdown[0].value


def test_explore_unknown_node_is_a_message_not_a_traceback(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, node="no such thing zzz")
    assert at.error and "zzz" in unescape(at.error[0].value)
    assert not at.get("iframe")


def test_explore_search_with_quotes_and_operators(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, q="bob's \"NEAR\" OR *")
    assert not at.exception and not at.error


# ---------------------------------------------------------------------------------------------- paper


def test_paper_deep_link_by_title_shows_highlighted_abstract(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, paper=HORNET)
    assert unescape(at.header[0].value) == HORNET
    abstract = next(h.value for h in at.html if "litkg-abstract" in h.value)
    # HorNet is proposed (bold), ConvNeXt used, ADE20K a dataset; the text between stays escaped
    assert re.search(r'<mark class="litkg-m litkg-method" title="method, proposed: HorNet"[^>]*font-weight:700[^>]*>'
                     r"HorNet</mark>", abstract)
    assert re.search(r'<mark class="litkg-m litkg-method" title="method, used: ConvNeXt"[^>]*>ConvNeXt</mark>',
                     abstract)
    assert re.search(r'<mark class="litkg-m litkg-dataset"[^>]*>ADE20K</mark>', abstract)
    from graph.queries import paper_detail

    spans = {(m["start"], m["end"]) for m in paper_detail(tiny_db, HORNET)["mentions"] if m["field"] == "abstract"}
    assert abstract.count("<mark") == len(spans) == 11
    entity_links = {label: qs["entity"] for label, page, qs in links(at) if page == "entity"}
    assert entity_links["HorNet · *proposed here*"] == "HorNet"
    assert {"ConvNeXt", "ADE20K", "COCO", "ImageNet-1K", "object detection"} <= set(entity_links.values())
    # code, results and similar papers with their reasons
    assert [b.proto.url for b in at.get("link_button")] == ["https://github.com/raoyongming/HorNet"]
    results = at.dataframe[0].value
    assert list(results["value"]) == [84.3]
    similar = [label for label, page, qs in links(at) if page == "paper"]
    assert similar[0] == "A ConvNet for the 2020s (2022)"
    assert any("shares ConvNeXt (method)" in unescape(c.value) for c in at.caption)


def test_paper_deep_link_on_the_root_url_and_by_id(tiny_db, monkeypatch):
    pid = paper_id(tiny_db, "Deep Residual Learning for Image Recognition")
    at = run_app(tiny_db, monkeypatch, paper=pid)
    assert unescape(at.header[0].value) == "Deep Residual Learning for Image Recognition"
    assert f"id {pid}" in texts(at, "caption")


def test_paper_with_html_title_is_shown_as_text(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, paper=paper_id(tiny_db, MALICIOUS))
    assert unescape(at.header[0].value) == MALICIOUS
    for h in at.html:  # the only raw HTML the app writes: escaped text inside it
        assert "<img" not in h.value and "<script" not in h.value
    abstract = next(h.value for h in at.html if "litkg-abstract" in h.value)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quotes&quot;" in abstract
    # the code link is not an http(s) URL a browser should follow: shown as text, not a button
    assert not at.get("link_button")
    assert "https://github.com/evil/<script>" in [t.value for t in at.text]


def test_paper_without_abstract(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, paper="An Unconnected Paper About Protein Folding")
    assert "no abstract" in texts(at, "info")
    assert "No other paper shares an entity with this one." in texts(at, "caption")


def test_paper_unknown_offers_search(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, paper="A paper that is not there")
    assert at.title[0].value == "Paper"
    assert "No paper matches" in texts(at, "warning")
    at.text_input(key="paper_q").input("ConvNet").run()
    assert ("A ConvNet for the 2020s (2022)", "paper") in [(label, page) for label, page, _ in links(at)]


# ---------------------------------------------------------------------------------------------- entity


def test_entity_deep_link_lists_its_papers_and_context(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, entity="ADE20K")
    assert at.title[0].value == "ADE20K"
    assert "dataset" in at.html[0].value
    paper_links = [label for label, page, _ in links(at) if page == "paper"]
    assert f"{HORNET} (2022)" in paper_links
    assert "A ConvNet for the 2020s (2022)" in paper_links
    assert f"{MALICIOUS} (2020)" in paper_links
    assert "**Use it** (3)" in texts(at, "markdown") and "**Propose it** (0)" in texts(at, "markdown")
    cooc = {qs["entity"]: label for label, page, qs in links(at) if page == "entity"}
    assert cooc["ConvNeXt"] == "ConvNeXt · 2 papers together"
    assert "Methods used with it" in texts(at, "markdown")
    chart = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert chart, "the per-year chart"


def test_entity_family_and_variants(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, entity="ResNet-50")
    assert ("ResNet", "entity") in [(label, page) for label, page, _ in links(at)]
    assert "Variant of" in texts(at, "markdown")
    at = run_app(tiny_db, monkeypatch, entity="ResNet")
    assert "Variants" in texts(at, "markdown")
    assert "ResNet-50" in [qs.get("entity") for _, _, qs in links(at)]


def test_entity_proposed_by_and_repositories(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, entity="Mamba")
    assert "**Propose it** (1)" in texts(at, "markdown")
    assert "https://github.com/state-spaces/mamba" in [b.proto.url for b in at.get("link_button")]


def test_entity_unknown_and_empty(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, entity="Nonexistent-Net")
    assert "No entity matches" in texts(at, "warning")
    at = run_app(tiny_db, monkeypatch, page="pages/entity.py")
    assert at.title[0].value == "Entity"
    assert "The most mentioned entities" in texts(at, "caption")


# ---------------------------------------------------------------------------------------------- trace


def test_trace_two_papers_chain_and_shared(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, a=HORNET, b="Deep Residual Learning for Image Recognition")
    assert at.title[0].value == "Trace a link"
    chain = [(label, page) for label, page, _ in links(at)]
    assert chain[0][1] == "paper" and chain[0][0].startswith("HorNet")
    assert chain[-3][0].startswith("Deep Residual Learning")
    assert any(page == "entity" for _, page in chain[:3])  # the shared entity in the middle
    assert "Shared entities" in [s.value for s in at.subheader]
    shared = [e.label for e in at.expander]
    assert any(label.startswith("COCO") for label in shared)
    assert any(label.startswith("object detection") for label in shared)


def test_trace_technique_and_benchmark(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, a="ConvNeXt", b="ADE20K")
    heads = [unescape(s.value) for s in at.subheader]
    assert "Papers that mention both ConvNeXt and ADE20K" in heads
    papers = [label for label, page, _ in links(at) if page == "paper"]
    assert "A ConvNet for the 2020s (2022)" in papers
    assert any(p.startswith("HorNet") for p in papers)
    assert not any(p.startswith("Deep Residual") for p in papers)


def test_trace_no_path_and_unknown(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, a="An Unconnected Paper About Protein Folding", b=HORNET)
    assert "mentions no entity" in texts(at, "warning")
    at = run_app(tiny_db, monkeypatch, a="HorNet", b="zzzz-not-here")
    assert "To:" in texts(at, "warning")


def test_trace_form_updates_the_url(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, page="pages/trace.py")
    assert "Name two papers or entities" in texts(at, "info")
    at.text_input(key="trace_a").input("Mamba")
    at.text_input(key="trace_b").input("MSR-VTT")
    at.button[0].click().run()
    assert not at.exception
    assert at.query_params["a"] == "Mamba" and at.query_params["b"] == "MSR-VTT"
    papers = [label for label, page, _ in links(at) if page == "paper"]
    assert any(p.startswith("VideoMamba") for p in papers)


# ---------------------------------------------------------------------------------------------- overview


def test_overview_counts_charts_and_communities(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, page="pages/overview.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Papers"] == "8"
    assert metrics["Code links"] == "3"
    from graph.sql import stats

    by_type = stats(tiny_db)["entities_by_type"]
    assert metrics["Datasets"] == str(by_type["dataset"]) and metrics["Methods"] == str(by_type["method"])
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) == 4
    assert at.expander, "communities"
    assert all(" papers" in e.label for e in at.expander)


# ---------------------------------------------------------------------------------------------- sql


def test_sql_recipe_runs_with_bound_parameters(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, page="pages/sql.py")
    recipe_buttons = [b for b in at.button if b.key and b.key.startswith("recipe-")]
    from graph.recipes import RECIPES

    assert len(recipe_buttons) == len(RECIPES)
    recipe_buttons[0].click().run()  # papers_using, :entity = ADE20K
    assert not at.exception and not at.error
    assert at.text_input(key="sql_param_entity").value == "ADE20K"
    frame = at.dataframe[0].value
    assert frame.shape == (3, 5)
    assert set(frame["title"]) >= {"A ConvNet for the 2020s", HORNET}
    assert at.get("download_button")
    # the same statement with another value: bound, not pasted into the SQL
    at.text_input(key="sql_param_entity").input("MSR-VTT'; DROP TABLE papers; --")
    next(b for b in at.button if b.label == "Run").click().run()
    assert at.dataframe[0].value.shape[0] == 0
    assert "DROP" not in at.text_area[0].value


def test_sql_refuses_writes_and_reports_errors(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, page="pages/sql.py")
    at.text_area(key="sql_text").input("DELETE FROM papers")
    next(b for b in at.button if b.label == "Run").click().run()
    assert "refused" in unescape(at.error[0].value)
    at.text_area(key="sql_text").input("SELEC nonsense")
    next(b for b in at.button if b.label == "Run").click().run()
    assert "SQL error" in unescape(at.error[0].value)
    from graph.sql import stats

    assert stats(tiny_db)["papers"] == 8


def test_sql_free_query_table_shape(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, page="pages/sql.py")
    at.text_area(key="sql_text").input("SELECT type, count(*) AS n FROM entities GROUP BY type ORDER BY type")
    next(b for b in at.button if b.label == "Run").click().run()
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["type", "n"]
    assert list(frame["type"]) == ["dataset", "method", "metric", "task"]
    assert "4 rows × 2 columns" in texts(at, "caption")


def test_sql_csv_download_keeps_repeated_columns_and_defuses_formulas():
    from ui.data import rows_csv

    out = rows_csv(["title", "title", "year"], [("=HYPERLINK(1)", "plain", 2024), ("+x", None, None)])
    assert out.decode("utf-8").splitlines() == ["title,title,year", "'=HYPERLINK(1),plain,2024", "'+x,,"]


def test_sql_param_names_ignore_quoted_text():
    from ui.common import sql_param_names

    assert sql_param_names("SELECT ':no', \"x:y\", a::int FROM t WHERE a = :a AND b = :b_2 OR c = :a") == ["a", "b_2"]


# ---------------------------------------------------------------------------------------------- export


def test_export_page_downloads_the_current_view(tiny_db, monkeypatch):
    at = run_app(tiny_db, monkeypatch, page="pages/export.py")
    at.query_params.update({"node": "ConvNeXt", "hops": "1"})
    at.run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == [
        "Offline HTML page", "GraphML", "GEXF", "Nodes CSV", "Edges CSV"]
    assert "Neighbourhood of ConvNeXt" in unescape(at.markdown[0].value)
    html = iframe_html(at)
    assert f'"e:{entity_id(tiny_db, "ConvNeXt")}"' in html


def test_export_formats_through_the_data_layer(tiny_db):
    from ui import data

    graphml = data.export(str(tiny_db), "graphml", center="ConvNeXt", hops=1)["graphml"]
    assert b"<graphml" in graphml and f"e:{entity_id(tiny_db, 'ConvNeXt')}".encode() in graphml
    csv = data.export(str(tiny_db), "csv", center="ConvNeXt", hops=1)
    assert csv["nodes"].count(b"\n") >= 3 and b"A ConvNet for the 2020s" in csv["nodes"]
    html = data.export(str(tiny_db), "html", center="ConvNeXt", hops=1)["html"]
    assert b"Content-Security-Policy" in html


# ---------------------------------------------------------------------------------------------- no database


def test_missing_database_shows_how_to_build(tmp_path, monkeypatch):
    missing = tmp_path / "nothing.db"
    at = run_app(missing, monkeypatch)
    assert at.title[0].value == "litkg: a literature knowledge graph"
    assert "no such database" in unescape(at.warning[0].value)
    assert f"litkg build {missing} data/*.txt" in at.code[0].value
    assert ("Build a corpus from a file", "build") in [(label, page) for label, page, _ in links(at)]
    assert not missing.exists()  # looking did not create it


def test_empty_database_shows_how_to_build(tmp_path, monkeypatch):
    empty = tmp_path / "empty.db"
    open_db(empty).conn.close()
    at = run_app(empty, monkeypatch, entity="ADE20K")
    assert "holds no papers" in unescape(at.warning[0].value)


def test_not_a_litkg_database(tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not sqlite")
    at = run_app(bad, monkeypatch)
    assert at.warning and "litkg build" in at.code[0].value


# ---------------------------------------------------------------------------------------------- build


def needs_pipeline() -> None:
    """Skip while the extraction pipeline is not importable (it is written in parallel)."""
    try:
        from graph.build import extractor_version

        extractor_version()
    except ImportError as exc:
        pytest.skip(f"extraction pipeline not available: {exc}")


class TaggingExtractor:
    """Tags ResNet-50 and COCO wherever they occur (a stand-in for the spaCy pipeline)."""

    version = "app-test-1"

    def pipe(self, items, batch_size=256):
        from conftest import make_extraction

        for title, abstract in items:
            yield make_extraction(title, abstract, [("ResNet-50", "method", "used", None, None),
                                                    ("COCO", "dataset", "used", None, None)])


UPLOAD = ('{"title": "Panoptic FPN on Cityscapes", "abstract": "We train a ResNet-50 backbone with Mask R-CNN '
          'and evaluate on the Cityscapes and COCO benchmarks.", "year": 2019}\n'
          '{"title": "Another COCO detector", "abstract": "A detector evaluated on COCO.", "year": 2020}\n')


def test_build_page_with_a_stand_in_extractor(tiny_db, monkeypatch):
    import graph.build

    monkeypatch.setattr(graph.build, "extractor_version", lambda aliases=None: ("app-test-1", TaggingExtractor))
    at = run_app(tiny_db, monkeypatch, page="pages/build.py")
    assert at.title[0].value == "Build a corpus"
    build_button = next(b for b in at.button if b.label == "Build")
    assert build_button.disabled  # nothing uploaded yet
    at.file_uploader[0].upload("mine.jsonl", UPLOAD.encode(), "application/json")
    at.run()
    next(b for b in at.button if b.label == "Build").click().run(timeout=120)
    assert not at.exception and not at.error, [e.value for e in at.error]
    target = tiny_db.parent / "uploaded.db"
    assert at.session_state["litkg_db"] == str(target)
    at.run()  # AppTest keeps a partial tree after st.rerun(): draw the page once more
    assert "Built uploaded.db: 2 papers read, 2 new" in unescape(at.success[0].value)
    at.switch_page("pages/overview.py").run()
    assert {m.label: m.value for m in at.metric}["Papers"] == "2"  # this session reads the new database
    # a second upload under the same name never overwrites the first database
    at.switch_page("pages/build.py").run()
    at.file_uploader[0].upload("again.jsonl", UPLOAD.encode(), "application/json")
    at.run()
    next(b for b in at.button if b.label == "Build").click().run(timeout=120)
    assert at.session_state["litkg_db"] == str(tiny_db.parent / "uploaded-2.db")
    # the sidebar names the session's database and leads back to the one the app was started with
    # (a fresh AppTest: it drops the sidebar of the entry script after switch_page)
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["litkg_db"] = str(target)
    at.run()
    assert "Database uploaded.db: 2 papers, 2 entities" in texts(at, "caption").replace("**", "")
    next(b for b in at.button if b.label == "Back to the original database").click().run()
    assert "litkg_db" not in at.session_state
    assert "the most connected benchmark, ADE20K" in texts(at, "info")  # the tiny graph again


def test_build_page_builds_an_upload_and_switches_to_it(tiny_db, monkeypatch):
    needs_pipeline()
    at = run_app(tiny_db, monkeypatch, page="pages/build.py")
    record = ('{"title": "Panoptic FPN on Cityscapes", "abstract": "We train a ResNet-50 backbone with Mask R-CNN '
              'and evaluate on the Cityscapes and COCO benchmarks.", "year": 2019}\n')
    at.file_uploader[0].upload("mine.jsonl", record.encode(), "application/json")
    at.text_input(key="build_name").input("my corpus")
    at.run()
    next(b for b in at.button if b.label == "Build").click().run(timeout=180)
    assert not at.exception and not at.error, [e.value for e in at.error]
    target = tiny_db.parent / "my-corpus.db"
    assert target.exists()
    assert at.session_state["litkg_db"] == str(target)
    assert "Built my-corpus.db" in unescape(at.success[0].value)
    # the session now reads the new database (checked on a fresh AppTest: it drops the sidebar of the entry
    # script after switch_page); the original is untouched
    fresh = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    fresh.session_state["litkg_db"] = str(target)
    fresh.run()
    assert "Database my-corpus.db: 1 papers" in texts(fresh, "caption").replace("**", "")
    at.switch_page("pages/paper.py")
    at.query_params["paper"] = "Panoptic FPN on Cityscapes"
    at.run()
    assert unescape(at.header[0].value) == "Panoptic FPN on Cityscapes"
    from graph.sql import stats

    assert stats(tiny_db)["papers"] == 8


def test_build_page_reports_a_bad_file(tiny_db, monkeypatch):
    needs_pipeline()
    at = run_app(tiny_db, monkeypatch, page="pages/build.py")
    at.checkbox(key="build_skip").uncheck()
    at.file_uploader[0].upload("bad.jsonl", b'{"title": "x", "abstract": "y"}\n{not json\n', "application/json")
    at.run()
    next(b for b in at.button if b.label == "Build").click().run(timeout=180)
    assert not at.exception
    assert at.error and "bad.jsonl" in unescape(at.error[0].value)
    assert "litkg_db" not in at.session_state
    assert not list(tiny_db.parent.glob("uploaded*.db"))


# ---------------------------------------------------------------------------------------------- data layer


def test_cache_follows_the_database_state(tiny_db, tmp_path):
    from ui import data

    assert data.stats(str(tiny_db))["papers"] == 8
    empty = tmp_path / "empty.db"
    open_db(empty).conn.close()
    shutil.copy(empty, tiny_db)
    assert data.stats(str(tiny_db))["papers"] == 0


def test_db_path_resolution(monkeypatch):
    from ui import data

    assert data.db_from_argv(["app.py", "--db", "/x/y.db"]) == "/x/y.db"
    assert data.db_from_argv(["app.py", "--db=/x/z.db"]) == "/x/z.db"
    assert data.db_from_argv(["app.py"]) is None
    monkeypatch.setattr("sys.argv", ["app.py"])
    monkeypatch.setenv("LITKG_DB", "/somewhere/else.db")
    assert data.resolve_db_path() == str(Path("/somewhere/else.db").resolve())
    monkeypatch.setattr("sys.argv", ["app.py", "--db", "/from/argv.db"])
    assert data.resolve_db_path() == "/from/argv.db"
    monkeypatch.delenv("LITKG_DB")
    monkeypatch.setattr("sys.argv", ["app.py"])
    assert data.resolve_db_path() == str((Path("data") / "litkg.db").resolve())


def test_tables_show_unknown_values_as_blank_cells():
    from ui.common import table_frame

    frame = table_frame({"Year": [2021, None, float("nan")], "Method": ["ResNet", None, "ViT"], "Rank": [1, 2, 3],
                         "Value": [84.3, float("nan"), 1.0]})
    assert frame.to_dict("list") == {"Year": ["2021", "", ""], "Method": ["ResNet", "", "ViT"], "Rank": [1, 2, 3],
                                     "Value": ["84.3", "", "1.0"]}
    assert table_frame({"Year": [2020, 2021]}).to_dict("list") == {"Year": ["2020", "2021"]}


def test_paper_results_table_has_no_none_cells(tmp_path, monkeypatch):
    from conftest import make_extraction

    from extract.records import Paper, SourceRef
    from graph.store import GraphWriter, WriteStats

    abstract = "FooNet reaches 91.2% accuracy on CIFAR-10."
    db = open_db(tmp_path / "x.db")
    writer = GraphWriter(db, "test")
    plans = writer.plan([Paper(title="FooNet", abstract=abstract, year=None, sources=(SourceRef("x.jsonl", 1, "jsonl"),))])
    extraction = make_extraction("FooNet", abstract, [("CIFAR-10", "dataset", "used", None, None)], (),
                                 [(None, "CIFAR-10", "accuracy", 91.2, None, "absolute", abstract)])
    writer.write_batch(plans, {plans[0].paper_id: extraction}, WriteStats())
    writer.finalize()
    db.conn.close()
    at = run_app(tmp_path / "x.db", monkeypatch, paper="FooNet")
    frame = at.dataframe[0].value
    assert list(frame["dataset"]) == ["CIFAR-10"] and list(frame["method"]) == [""] and list(frame["unit"]) == [""]
    assert not frame.isna().any().any()


def test_a_view_of_every_entity_type_is_asked_without_a_type_filter(tiny_db):
    from graph.views import view_graph
    from ui import data

    assert data._types_key(["task", "metric", "dataset", "method"]) is None
    assert data._types_key(["method", "dataset"]) == ("dataset", "method") and data._types_key([]) is None
    every = view_graph(tiny_db, center="HorNet", hops=2, types=["method", "dataset", "metric", "task"])
    unfiltered = view_graph(tiny_db, center="HorNet", hops=2, types=None)
    assert sorted(every.graph.nodes) == sorted(unfiltered.graph.nodes)
    assert sorted(map(sorted, every.graph.edges)) == sorted(map(sorted, unfiltered.graph.edges))


def test_highlight_escapes_every_piece():
    from ui.common import highlight

    text = "<b>x</b> Mamba & <i>y</i>"
    out = highlight(text, [{"start": 9, "end": 14, "type": "method", "role": "used", "entity": "Mam\"ba<"}])
    assert out.startswith("&lt;b&gt;x&lt;/b&gt; <mark")
    assert 'title="method, used: Mam&quot;ba&lt;"' in out
    assert out.endswith("</mark> &amp; &lt;i&gt;y&lt;/i&gt;")
    # overlapping and out-of-range spans are skipped, never duplicated
    out = highlight("ResNet-50", [{"start": 0, "end": 9, "type": "method"}, {"start": 0, "end": 6, "type": "method"},
                                  {"start": 3, "end": 99, "type": "task"}])
    assert out.count("<mark") == 1


def test_theme_matches_the_exported_graph():
    from graph.export import NODE_STYLES
    from ui import theme

    assert {t: c for t, (c, _shape, _glyph) in NODE_STYLES.items()} == theme.TYPE_COLORS


def test_ui_reads_the_graph_only_through_its_api():
    """ui/ never opens sqlite itself nor builds SQL: it calls graph's query/export API."""
    sql_words = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP)\s+(\*|\w+\s*(,|FROM|INTO|TABLE|SET))", re.I)
    for path in UI.rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+(sqlite3|sqlite_utils)\b", source, re.M), path
        for line in source.splitlines():
            assert not sql_words.search(line), f"{path}: {line.strip()}"


def test_explore_hub_is_drawn_with_its_papers_only(tiny_db, monkeypatch):
    import ui.common

    monkeypatch.setattr(ui.common, "HUB_PAPERS", 2)  # ADE20K (3 papers) counts as a hub
    at = run_app(tiny_db, monkeypatch, node="ADE20K", hops="2")
    assert "ADE20K is in 3 papers, so the graph shows its papers only (1 hop)" in texts(at, "info")
    html = iframe_html(at)
    assert f'"p:{paper_id(tiny_db, "A ConvNet for the 2020s")}"' in html
    assert f'"e:{entity_id(tiny_db, "ConvNeXt")}"' not in html  # a second-hop entity
    assert at.segmented_control[0].value == 2  # the setting is kept for the next centre
