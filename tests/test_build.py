"""litkg build: incremental, transactional, clear about bad input."""

import json
import sqlite3

import pytest
from conftest import make_extraction

from extract.errors import IngestError
from graph.build import build
from graph.db import open_db


class CountingExtractor:
    """A small deterministic extractor: tags the words ADE20K and COCO, counts what it was asked to do."""

    def __init__(self, version="fake-1", fail_after=None):
        self.version = version
        self.calls = 0
        self.fail_after = fail_after

    def pipe(self, items, batch_size=256):
        for title, abstract in items:
            if self.fail_after is not None and self.calls >= self.fail_after:
                raise KeyboardInterrupt
            self.calls += 1
            yield make_extraction(title, abstract, [("ADE20K", "dataset", "used", None, None),
                                                    ("COCO", "dataset", "used", None, None)])


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def corpus(n, prefix="Paper"):
    return [{"title": f"{prefix} number {i}", "abstract": f"We evaluate model {i} on {'ADE20K' if i % 2 else 'COCO'}."}
            for i in range(n)]


def dump(path):
    conn = sqlite3.connect(path)
    lines = [line for line in conn.iterdump() if "built_at" not in line]
    conn.close()
    return lines


def test_second_build_changes_nothing_and_skips_extraction(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", corpus(30))
    db = tmp_path / "g.db"
    ex = CountingExtractor()
    first = build(db, [src], extractor=ex, batch_size=7)
    assert (first.new, first.unchanged, ex.calls) == (30, 0, 30)
    before = dump(db)
    second = build(db, [src], extractor=ex, batch_size=7)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 30)
    assert ex.calls == 30  # nothing re-extracted
    assert dump(db) == before


def test_changed_abstract_and_new_version_are_reextracted(tmp_path):
    records = corpus(10)
    src = write_jsonl(tmp_path / "a.jsonl", records)
    db = tmp_path / "g.db"
    build(db, [src], extractor=CountingExtractor())
    records[3]["abstract"] = "Now only COCO is used, and ADE20K is gone? No: ADE20K stays."
    write_jsonl(src, records)
    ex = CountingExtractor()
    stats = build(db, [src], extractor=ex)
    assert (stats.updated, stats.unchanged, ex.calls) == (1, 9, 1)
    ex2 = CountingExtractor(version="fake-2")
    stats = build(db, [src], extractor=ex2)
    assert (stats.updated, ex2.calls) == (10, 10)


def test_malformed_json_line_names_file_and_line_and_leaves_db_untouched(tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", corpus(5))
    db = tmp_path / "g.db"
    build(db, [good], extractor=CountingExtractor())
    before = dump(db)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(corpus(1, "Other")[0]) + "\n" + '{"title": "x", "abstract": "y"}\n{"title": oops\n')
    with pytest.raises(IngestError) as err:
        build(db, [good, bad], extractor=CountingExtractor())
    assert str(err.value).startswith(f"{bad}:3:")
    assert dump(db) == before


def test_skip_bad_carries_on_and_reports(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A", "abstract": "uses COCO"}\n{nope\n{"abstract": "no title"}\n{"title": "B"}\n')
    db = tmp_path / "g.db"
    stats = build(db, [bad], extractor=CountingExtractor(), skip_bad=True)
    assert stats.new == 2 and stats.skipped == 2
    assert any(":2:" in s for s in stats.skipped_records) and any(":3:" in s for s in stats.skipped_records)


def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(IngestError, match="nope.jsonl"):
        build(tmp_path / "g.db", [tmp_path / "nope.jsonl"], extractor=CountingExtractor())
    assert not (tmp_path / "g.db").exists()


def test_interrupted_build_is_consistent_and_rerun_completes(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", corpus(40))
    reference = tmp_path / "ref.db"
    build(reference, [src], extractor=CountingExtractor(), batch_size=10)

    db = tmp_path / "g.db"
    with pytest.raises(KeyboardInterrupt):
        build(db, [src], extractor=CountingExtractor(fail_after=25), batch_size=10)
    conn = open_db(db, readonly=True)
    n_papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    # whole batches only: 20 papers committed, each with its edges
    assert n_papers == 20
    assert conn.execute(
        "SELECT count(*) FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_entity pe WHERE pe.paper_id = p.id)"
    ).fetchone()[0] == 0
    assert conn.execute("SELECT value FROM meta WHERE key = 'dirty'").fetchone()[0] == "1"
    conn.conn.close()

    ex = CountingExtractor()
    stats = build(db, [src], extractor=ex, batch_size=10)
    assert (stats.unchanged, stats.new, ex.calls) == (20, 20, 20)
    assert dump(db) == dump(reference)


def test_duplicates_across_files_keep_every_source(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [{"title": "Shared Paper", "abstract": "COCO.", "arxiv_id": "2101.00001"}])
    b = write_jsonl(tmp_path / "b.jsonl", [{"title": "Shared paper", "abstract": "COCO."}])
    db = tmp_path / "g.db"
    stats = build(db, [a, b], extractor=CountingExtractor())
    assert stats.new == 1
    conn = open_db(db, readonly=True)
    assert conn.execute("SELECT id FROM papers").fetchall() == [("2101.00001",)]
    assert sorted(r[0].rsplit("/", 1)[-1] for r in conn.execute("SELECT path FROM paper_sources")) == [
        "a.jsonl", "b.jsonl"]
    conn.conn.close()


def index_names(path):
    conn = sqlite3.connect(path)
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    conn.close()
    return names


def test_fresh_build_drops_query_indexes_until_finalize_and_resumes_in_bulk_mode(tmp_path):
    from graph.schema import BULK_DROPPED_INDEXES, index_statements

    src = write_jsonl(tmp_path / "a.jsonl", corpus(40))
    reference = tmp_path / "ref.db"
    build(reference, [src], extractor=CountingExtractor(), batch_size=10)
    assert index_names(reference) == set(index_statements())  # finalize made them all again

    db = tmp_path / "g.db"
    with pytest.raises(KeyboardInterrupt):
        build(db, [src], extractor=CountingExtractor(fail_after=25), batch_size=10)
    assert not index_names(db) & set(BULK_DROPPED_INDEXES)
    # reopening the file (schema check) does not make them again, and queries answer without them
    conn = open_db(db)
    assert conn.execute("SELECT value FROM meta WHERE key = 'bulk_load'").fetchone() == ("1",)
    assert conn.execute("SELECT count(DISTINCT paper_id) FROM entity_papers WHERE entity = 'COCO'").fetchone() == (10,)
    conn.conn.close()
    assert not index_names(db) & set(BULK_DROPPED_INDEXES)

    # an index made meanwhile (by hand) is dropped again while the build resumes, and made by its finalize
    side = sqlite3.connect(db)
    side.execute(index_statements()["idx_paper_entity_rank"])
    side.close()
    seen = []

    def progress(stats):
        seen.append(index_names(db) & set(BULK_DROPPED_INDEXES))

    stats = build(db, [src], extractor=CountingExtractor(), batch_size=10, progress=progress)
    assert stats.new == 20 and seen[0] and not any(seen[2:])  # the two committed batches are re-read first
    assert index_names(db) == set(index_statements())
    assert dump(db) == dump(reference)


def test_build_onto_existing_papers_keeps_every_index(tmp_path):
    from graph.schema import index_statements

    db = tmp_path / "g.db"
    build(db, [write_jsonl(tmp_path / "a.jsonl", corpus(5))], extractor=CountingExtractor())
    seen = []

    def progress(stats):
        seen.append(index_names(db))

    stats = build(db, [write_jsonl(tmp_path / "b.jsonl", corpus(20, "Other"))], extractor=CountingExtractor(),
                  batch_size=10, progress=progress)
    assert stats.new == 20 and seen == [set(index_statements())] * 2
    conn = open_db(db, readonly=True)
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'bulk_load'").fetchone() == (0,)
    conn.conn.close()


def test_bulk_load_writes_the_same_rows_as_the_indexed_path(tmp_path):
    from graph.store import GraphWriter, WriteStats

    records = corpus(30) + [{"title": "Masked image modeling (MIM) on COCO", "abstract": "We use MIM on ADE20K."}]
    src = write_jsonl(tmp_path / "a.jsonl", records)
    bulk = tmp_path / "bulk.db"
    build(bulk, [src], extractor=CountingExtractor(), batch_size=7)

    from extract.ingest import read_sources

    plain = tmp_path / "plain.db"
    db = open_db(plain)
    writer = GraphWriter(db, "fake-1", bulk=False)
    ex = CountingExtractor()
    papers = list(read_sources([str(src)]))
    for i in range(0, len(papers), 7):
        plans = writer.plan(papers[i:i + 7])
        todo = [p for p in plans if p.action in ("new", "update")]
        exs = dict(zip((p.paper_id for p in todo), ex.pipe([(p.paper.title, p.paper.abstract) for p in todo]), strict=True))
        writer.write_batch(plans, exs, WriteStats())
    writer.finalize()
    db.conn.close()

    def rows(path):
        conn = sqlite3.connect(path)
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        out = {t: sorted(map(repr, conn.execute(f"SELECT * FROM [{t}]"))) for t in tables}
        conn.close()
        out["meta"] = [r for r in out["meta"] if "built_at" not in r]
        return out

    assert rows(bulk) == rows(plain)
    assert index_names(bulk) == index_names(plain)
