"""``litkg extract``: output, alias rules, and the garbage collector relaxed while it extracts, then left as it was."""

from __future__ import annotations

import gc
import json

from click.testing import CliRunner

import graph.cli
from graph.cli import cli


class _Exits:
    """Stands in for ``atexit`` in graph.cli: records the exit handlers."""

    def __init__(self):
        self.handlers = []

    def register(self, f):
        self.handlers.append(f)

    def unregister(self, f):
        self.handlers = [h for h in self.handlers if h is not f]


def _run(tmp_path, monkeypatch, *extra):
    exits = _Exits()
    monkeypatch.setattr(graph.cli, "atexit", exits)
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(json.dumps({"id": "p1", "title": "SparK", "text": "We train ResNet-50 and Qzx-Net on ImageNet."})
                   + "\n",
                   encoding="utf-8")
    r = CliRunner().invoke(cli, ["extract", str(inp), "-o", str(out), *map(str, extra)])
    assert r.exit_code == 0, r.output
    assert "extracted 1 documents" in r.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], exits


def test_extract_writes_records_and_leaves_the_collector_on(tmp_path, monkeypatch):
    assert gc.isenabled()
    recs, exits = _run(tmp_path, monkeypatch)
    assert [r["id"] for r in recs] == ["p1"]
    assert {"ResNet-50", "ImageNet"} <= {e["text"] for e in recs[0]["entities"]}
    assert gc.isenabled()
    # (the objects alive at exit are frozen then, once, not now)
    assert exits.handlers == [gc.freeze]
    assert gc.get_freeze_count() == 0


def test_extract_runs_with_the_heap_frozen_and_the_collector_relaxed(tmp_path, monkeypatch):
    import extract.extract_io
    from extract.gc_pause import RELAXED_THRESHOLD

    seen = {}
    real = extract.extract_io.encode_record

    def spy(*a, **k):  # (called for each record, while the extraction runs)
        seen["threshold"], seen["frozen"] = gc.get_threshold(), gc.get_freeze_count()
        return real(*a, **k)

    monkeypatch.setattr(extract.extract_io, "encode_record", spy)
    before = gc.get_threshold()
    recs, _ = _run(tmp_path, monkeypatch)
    assert [r["id"] for r in recs] == ["p1"]
    assert seen["threshold"][0] == RELAXED_THRESHOLD and seen["threshold"][1:] == before[1:]
    assert seen["frozen"] > 10_000  # (spaCy and the pipeline)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_extract_with_alias_rules(tmp_path, monkeypatch):
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('[[alias]]\nname = "Quixotic Network"\ntype = "method"\naliases = ["Qzx-Net"]\n',
                       encoding="utf-8")
    recs, _ = _run(tmp_path, monkeypatch, "--aliases", aliases)
    ents = {e["text"]: e for e in recs[0]["entities"]}
    assert ents["Qzx-Net"]["canonical"] == "Quixotic Network"
    assert gc.isenabled()
