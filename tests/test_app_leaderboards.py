"""The Leaderboards page (ui/pages/leaderboards.py) through streamlit's AppTest, inside the real app navigation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_extraction

from extract.records import Paper, SourceRef

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ui" / "app.py"
PAGE = ROOT / "ui" / "pages" / "leaderboards.py"
HORNET = "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions"
CONVNET = "A ConvNet for the 2020s"
EVIL = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


def open_page(db: Path, **params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["litkg_db"] = str(db)
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/leaderboards.py")
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest, i: int = 0):
    return at.dataframe[i].value


def page_links(at: AppTest) -> list[tuple[str, str, str]]:
    return [(p.proto.page, p.proto.label, p.proto.query_string) for p in at.get("page_link")]


def write_db(path: Path, corpus) -> Path:
    from graph.db import open_db
    from graph.store import GraphWriter, WriteStats

    db = open_db(path)
    writer = GraphWriter(db, "test")
    papers = [Paper(title=t, abstract=a, year=y, sources=(SourceRef("x.jsonl", i + 1, "jsonl"),))
              for i, (t, y, a, _s, _r) in enumerate(corpus)]
    plans = writer.plan(papers)
    extractions = {plan.paper_id: make_extraction(t, a, specs, (), res)
                   for plan, (t, _y, a, specs, res) in zip(plans, corpus, strict=True)}
    writer.write_batch(plans, extractions, WriteStats())
    writer.finalize()
    db.conn.close()
    return path


def test_deep_link_ranks_imagenet_1k_with_paper_links_evidence_and_chart(tiny_db):
    at = open_page(tiny_db, dataset="ImageNet-1K", metric="top-1 accuracy")
    assert [s.value for s in at.selectbox][:2] == ["ImageNet-1K", "top-1 accuracy"]
    assert any("claims extracted from abstracts" in w.value and "not verified" in w.value for w in at.warning)
    frame = table(at)
    assert list(frame["Rank"]) == [1, 2]
    assert list(frame["Method"]) == ["ConvNeXt", "HorNet"]
    assert list(frame["Value"]) == ["87.8%", "84.3%"]
    assert list(frame["Paper"]) == [CONVNET, HORNET]
    assert list(frame["Year"]) == ["2022", "2022"]
    assert list(frame["Evidence"]) == ["ConvNeXt achieves 87.8% ImageNet-1K top-1 accuracy.",
                                       "HorNet reaches 84.3% top-1 accuracy on ImageNet-1K."]
    from graph.results import leaderboard

    ids = [r["paper_id"] for r in leaderboard(tiny_db, "ImageNet-1K")["boards"][0]["rows"]]
    assert list(frame["Open"]) == [f"paper?paper={i}" for i in ids]
    links = [link for link in page_links(at) if link[0] == "paper"]
    assert [q for _p, _label, q in links] == [f"paper={i}" for i in ids]
    assert links[0][1].startswith("A ConvNet for the 2020s")
    evidence = " ".join(c.value for c in at.caption)
    assert "ConvNeXt achieves 87\\.8% ImageNet\\-1K top\\-1 accuracy" in evidence
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1 and "year" in charts[0].proto.spec
    assert at.query_params == {"dataset": "ImageNet-1K", "metric": "top-1 accuracy"}


def test_family_choice_covers_variants(tiny_db):
    at = open_page(tiny_db, dataset="imagenet")
    assert at.selectbox[0].value == "ImageNet"
    assert list(table(at)["Method"]) == ["ConvNeXt", "HorNet"]
    assert any("covers its variants" in c.value and "ImageNet\\-1K" in c.value for c in at.caption)
    every = open_page(tiny_db, dataset="ImageNet", metric="all")
    assert every.selectbox[1].value == "__all__" and "metric" not in every.query_params


def test_default_benchmark_and_switching_to_another(tiny_db):
    at = open_page(tiny_db)
    assert at.selectbox[0].value == "ImageNet-1K"  # the most claimed benchmark
    assert at.selectbox[0].options[:2] == ["ImageNet-1K · 2 claims", "ImageNet · 2 claims (with ImageNet-1K)"]
    at.selectbox(key="lb_dataset").select("MSR-VTT").run()
    assert not at.exception
    assert at.selectbox[1].value == "Recall@1"
    assert list(table(at)["Method"]) == ["CLIP4Clip"] and list(table(at)["Value"]) == ["44.5"]
    assert at.query_params["dataset"] == "MSR-VTT" and at.query_params["metric"] == "Recall@1"


def test_all_metrics_option_drops_the_metric_parameter(tiny_db):
    at = open_page(tiny_db, dataset="MSR-VTT", metric="Recall@1")
    at.selectbox(key="lb_metric:MSR-VTT").select("__all__").run()
    assert not at.exception
    assert "metric" not in at.query_params and len(at.dataframe) == 1


def test_unknown_benchmark_in_the_url_falls_back_with_a_note(tiny_db):
    at = open_page(tiny_db, dataset="CIFAR-100")
    assert any("No benchmark with claims matches" in c.value for c in at.caption)
    assert at.selectbox[0].value == "ImageNet-1K" and len(at.dataframe) == 1


def test_corpus_without_claims_explains_instead_of_failing(tmp_path):
    db = write_db(tmp_path / "noresults.db", [
        ("ResNet", 2015, "We present ResNet and evaluate it on ImageNet.",
         [("ResNet", "method", "proposed", None, None), ("ImageNet", "dataset", "used", None, None)], []),
    ])
    at = open_page(db)
    assert not at.dataframe and not at.selectbox
    assert any("No result claims in this database yet" in i.value for i in at.info)


def test_missing_database_is_an_error_message_not_a_traceback(tmp_path):
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.session_state["litkg_db"] = str(tmp_path / "missing.db")
    at.run()
    assert not at.exception
    assert at.error and "no such database" in at.error[0].value
    assert any("No result claims" in i.value for i in at.info)


def test_papers_without_years_get_no_chart(tmp_path):
    db = write_db(tmp_path / "noyear.db", [
        ("FooNet", None, "FooNet reaches 91.2% accuracy on CIFAR-10.",
         [("FooNet", "method", "proposed", None, None), ("CIFAR-10", "dataset", "used", None, None)],
         [("FooNet", "CIFAR-10", "accuracy", 91.2, "%", "absolute", "FooNet reaches 91.2% accuracy on CIFAR-10.")]),
    ])
    at = open_page(db)
    assert list(table(at)["Method"]) == ["FooNet"]
    assert list(table(at)["Year"]) == [""]  # a blank cell, not "None"
    assert not at.get("vega_lite_chart")
    assert any("No publication year" in c.value for c in at.caption)


def test_untrusted_titles_and_evidence_are_never_rendered_as_html(tmp_path):
    evidence = "<b>EvilNet</b> reaches 99.9% accuracy on CIFAR-10 <script>alert(3)</script>."
    db = write_db(tmp_path / "evil.db", [
        (EVIL, 2020, evidence,
         [("EvilNet", "method", "proposed", None, None), ("CIFAR-10", "dataset", "used", None, None)],
         [("EvilNet", "CIFAR-10", "accuracy", 99.9, "%", "absolute", evidence)]),
    ])
    at = open_page(db, dataset="CIFAR-10")
    assert list(table(at)["Paper"]) == [EVIL]  # a dataframe cell is plain text
    for kind in ("markdown", "caption", "warning", "info", "subheader", "title"):
        for el in at.get(kind):
            if getattr(el.proto, "allow_html", False):
                assert "<script" not in el.proto.body and "<img" not in el.proto.body
    for el in at.get("html"):
        assert "<script" not in json.dumps(el.proto.body) and "<img" not in el.proto.body
    label = next(label for page, label, _q in page_links(at) if page == "paper")
    assert "\\<img" in label and "\\<script\\>" in label
    assert any("\\<script\\>alert" in c.value for c in at.caption)
