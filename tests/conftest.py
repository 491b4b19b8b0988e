"""Shared fixtures.

``tiny_db`` is a small hand-made graph written through the real store (no spaCy):
query, export and app tests run on it independently of extraction quality.
``demo_db`` is the bundled corpus built with the real pipeline (session scoped).
``ctx`` is the context rules' compiled rule set (``_Ctx``) of the bundled rules, one per test module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest

from extract.records import CodeLink, Extraction, Mention, Paper, Result, SourceRef

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"


def pytest_configure(config):
    # the test run's own cache of the gazetteer's spelling tokens (extract.components.token_cache), filled by
    # the first pipeline built; never the user's cache. Subprocesses (CLI, app) inherit it.
    os.environ["LITKG_CACHE_DIR"] = config._litkg_cache = tempfile.mkdtemp(prefix="litkg-test-cache-")


def pytest_unconfigure(config):
    cache = getattr(config, "_litkg_cache", None)
    if cache:
        shutil.rmtree(cache, ignore_errors=True)


def _key(text: str) -> str:
    try:
        from extract.canonical import entity_key
    except ImportError:  # pragma: no cover - while the pipeline is being written
        return re.sub(r"[^0-9a-z]+", "", text.lower())
    return entity_key(text)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Naive sentence spans: a split after ., ! or ? followed by white space and a capital."""
    spans, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z])", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def make_extraction(title: str, abstract: str, specs, code=(), results=()) -> Extraction:
    """Mentions for ``specs`` = [(surface, type, role, canonical or None, family or None)], found by string search.

    Every occurrence of each surface in the title and abstract becomes a mention.
    """
    mentions = []
    for surface, type_, role, canonical, family in specs:
        canonical = canonical or surface
        for field, text in (("title", title), ("abstract", abstract)):
            for m in re.finditer(re.escape(surface), text):
                if field == "title":
                    s0, s1 = 0, len(text)
                else:
                    s0, s1 = next((a, b) for a, b in split_sentences(text) if a <= m.start() < b)
                mentions.append(
                    Mention(
                        text=surface, type=type_, start=m.start(), end=m.end(), field=field,
                        sentence=text[s0:s1], sent_start=s0, sent_end=s1, canonical=canonical, key=_key(canonical),
                        role=role, family=family, family_key=_key(family) if family else None, rule="test",
                    )
                )
    links = []
    for url in code:
        parts = url.split("/")
        links.append(CodeLink(url=url, host=parts[2], owner=parts[3] if len(parts) > 3 else None,
                              repo=parts[4] if len(parts) > 4 else None, sentence=abstract[-80:]))
    res = [
        Result(metric=m, value=v, unit=u, kind=k, method=me, dataset=d, metric_key=_key(m),
               method_key=_key(me) if me else None, dataset_key=_key(d) if d else None, sentence=s)
        for (me, d, m, v, u, k, s) in results
    ]
    return Extraction(mentions=tuple(mentions), code_links=tuple(links), results=tuple(res), version="test")


# (title, abstract, year, specs, code, results)
TINY_CORPUS = [
    (
        "HorNet: Efficient High-Order Spatial Interactions with Recursive Gated Convolutions",
        "We present the Recursive Gated Convolution (gnConv) and build HorNet on it. HorNet outperforms Swin "
        "Transformers and ConvNeXt by a significant margin on ImageNet-1K classification. HorNet also shows "
        "favorable results on COCO object detection and ADE20K semantic segmentation. Code is available at "
        "https://github.com/raoyongming/HorNet.",
        2022,
        [("HorNet", "method", "proposed", None, None), ("ConvNeXt", "method", "used", None, None),
         ("Swin Transformers", "method", "used", "Swin Transformer", None),
         ("ImageNet-1K", "dataset", "used", None, "ImageNet"), ("COCO", "dataset", "used", None, None),
         ("ADE20K", "dataset", "used", None, None), ("object detection", "task", "used", None, None),
         ("semantic segmentation", "task", "used", None, None)],
        ["https://github.com/raoyongming/HorNet"],
        [("HorNet", "ImageNet-1K", "top-1 accuracy", 84.3, "%", "absolute",
          "HorNet reaches 84.3% top-1 accuracy on ImageNet-1K.")],
    ),
    (
        "A ConvNet for the 2020s",
        "We gradually modernize a standard ResNet-50 toward the design of a vision Transformer and discover "
        "ConvNeXt. ConvNeXt achieves 87.8% ImageNet-1K top-1 accuracy and outperforms Swin Transformers on COCO "
        "detection and ADE20K segmentation.",
        2022,
        [("ConvNeXt", "method", "proposed", None, None), ("ResNet-50", "method", "used", None, "ResNet"),
         ("Swin Transformers", "method", "used", "Swin Transformer", None),
         ("ImageNet-1K", "dataset", "used", None, "ImageNet"), ("COCO", "dataset", "used", None, None),
         ("ADE20K", "dataset", "used", None, None), ("top-1 accuracy", "metric", "used", None, None)],
        [],
        [("ConvNeXt", "ImageNet-1K", "top-1 accuracy", 87.8, "%", "absolute",
          "ConvNeXt achieves 87.8% ImageNet-1K top-1 accuracy.")],
    ),
    (
        "Deep Residual Learning for Image Recognition",
        "We present a residual learning framework, ResNet. An ensemble of ResNet-50 and deeper nets achieves "
        "3.57% error on ImageNet. We also obtain a 28% relative improvement on COCO object detection.",
        2015,
        [("ResNet", "method", "proposed", None, None), ("ResNet-50", "method", "used", None, "ResNet"),
         ("ImageNet", "dataset", "used", None, None), ("COCO", "dataset", "used", None, None),
         ("object detection", "task", "used", None, None)],
        [],
        [],
    ),
    (
        "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
        "We introduce Mamba, a selective state space model. Mamba outperforms Transformers on language modeling "
        "and reaches state-of-the-art results on The Pile.",
        2023,
        [("Mamba", "method", "proposed", None, None), ("Transformers", "method", "used", "Transformer", None),
         ("language modeling", "task", "used", None, None), ("The Pile", "dataset", "used", None, None)],
        ["https://github.com/state-spaces/mamba"],
        [],
    ),
    (
        "VideoMamba: State Space Model for Efficient Video Understanding",
        "We adapt Mamba to video. VideoMamba is evaluated on Kinetics-400 and on text-video retrieval on MSR-VTT.",
        2024,
        [("VideoMamba", "method", "proposed", None, None), ("Mamba", "method", "used", None, None),
         ("Kinetics-400", "dataset", "used", None, None), ("MSR-VTT", "dataset", "used", None, None),
         ("text-video retrieval", "task", "used", None, None)],
        [],
        [],
    ),
    (
        "CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval",
        "We transfer CLIP to text-video retrieval and report Recall@1 on MSR-VTT.",
        2021,
        [("CLIP4Clip", "method", "proposed", None, None), ("CLIP", "method", "used", None, None),
         ("text-video retrieval", "task", "used", None, None), ("MSR-VTT", "dataset", "used", None, None),
         ("Recall@1", "metric", "used", None, None)],
        [],
        [("CLIP4Clip", "MSR-VTT", "Recall@1", 44.5, "", "absolute", "CLIP4Clip reaches 44.5 Recall@1 on MSR-VTT.")],
    ),
    (
        "<img src=x onerror=alert(1)> </script><script>alert(2)</script>",
        "A crafted record: <b>bold</b> & \"quotes\" and javascript:alert(3). It uses ADE20K.",
        2020,
        [("ADE20K", "dataset", "used", None, None)],
        ["https://github.com/evil/<script>"],
        [],
    ),
    (
        "An Unconnected Paper About Protein Folding",
        "",
        None,
        [],
        [],
        [],
    ),
]


def write_tiny_db(path: Path) -> Path:
    from graph.db import open_db
    from graph.store import GraphWriter, WriteStats

    db = open_db(path)
    writer = GraphWriter(db, "test")
    papers = [
        Paper(title=t, abstract=a, year=y, sources=(SourceRef("tiny.jsonl", i + 1, "jsonl"),))
        for i, (t, a, y, *_rest) in enumerate(TINY_CORPUS)
    ]
    plans = writer.plan(papers)
    extractions = {
        plan.paper_id: make_extraction(t, a, specs, code, results)
        for plan, (t, a, _y, specs, code, results) in zip(plans, TINY_CORPUS, strict=True)
    }
    writer.write_batch(plans, extractions, WriteStats())
    writer.finalize()
    db.conn.close()
    return path


@pytest.fixture(scope="session")
def tiny_db_master(tmp_path_factory) -> Path:
    return write_tiny_db(tmp_path_factory.mktemp("tiny") / "tiny.db")


@pytest.fixture
def tiny_db(tiny_db_master, tmp_path) -> Path:
    """A fresh copy of the tiny graph (tests may write to it)."""
    target = tmp_path / "tiny.db"
    shutil.copy(tiny_db_master, target)
    return target


@pytest.fixture
def run(tiny_db):
    """Invoke ``litkg COMMAND tiny_db ARGS...`` through click's CliRunner."""
    from click.testing import CliRunner

    from graph.cli import cli

    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [args[0], str(tiny_db), *args[1:]])

    return invoke


def ok_json(result):
    """The JSON a successful CLI invocation printed."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def seed_files() -> list[Path]:
    files = sorted(DATA.glob("*.txt"))
    assert len(files) == 5, "the bundled demo corpus (data/*.txt) is missing"
    return files


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, seed_files) -> Path:
    """The bundled corpus built with the real pipeline (built once per test session)."""
    from graph.build import build

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build(path, seed_files)
    return path


@pytest.fixture(scope="module")
def ctx():
    """The context rules' ``_Ctx`` of the bundled rules (one per module: its memos fill as tests run)."""
    from extract.components.context import _Ctx
    from extract.components.rules import Rules

    return _Ctx(Rules.load())
