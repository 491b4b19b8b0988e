"""Schema migrations: a version-1 file (tests/fixtures/schema_v1.py, a copy of graph/schema.py at version 1) and a
version-2 file are migrated when opened for writing, refused read-only until then, and then build on incrementally."""

import importlib.util
import sqlite3
from pathlib import Path

import pytest

from graph import communities as comm
from graph import schema
from graph.db import DatabaseError, get_meta, open_db, schema_version
from graph.queries import communities, paper_detail
from graph.sql import search

V1_PATH = Path(__file__).parent / "fixtures" / "schema_v1.py"


def v1_schema():
    spec = importlib.util.spec_from_file_location("schema_v1", V1_PATH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.SCHEMA_VERSION == 1
    return mod


TITLE = "Überraschend schnelle Netze: a ConvNet für 2020s"
ABSTRACT = "Wir präsentieren ConvNeXt — schnell. We evaluate on ADE20K (naïve baseline) 🚀. ConvNeXt beats ResNet."


def make_v1(path: Path, *, dirty: bool = False) -> Path:
    """A schema-1 file with two papers, written with the v1 DDL and the v1 row shapes (FTS rebuilt as v1 did)."""
    v1 = v1_schema()
    conn = sqlite3.connect(path)
    conn.executescript(v1.TABLES + v1.INDEXES + v1.FTS + v1.VIEWS)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO meta VALUES ('dirty', ?)", ["1" if dirty else "0"])
    papers = [("p1", TITLE, ABSTRACT), ("p2", "Plain ADE20K paper", "We use ADE20K. And ResNet."),
              ("p3", "Protein folding", "Nothing in common.")]
    for pid, t, a in papers:
        conn.execute("INSERT INTO papers(id, title, abstract, title_key, content_hash, extractor_version) "
                     "VALUES (?, ?, ?, ?, 'h', 'v1')", (pid, t, a, t.lower()))
    ents = {"ConvNeXt": 1, "ADE20K": 2, "ResNet": 3}
    for name, eid in ents.items():
        conn.execute("INSERT INTO entities(id, key, name, type, paper_count) VALUES (?, ?, ?, 'method', 0)",
                     (eid, name.lower(), name))
        conn.execute("INSERT INTO aliases VALUES (?, ?, ?, 'extracted')", (name.lower(), name, eid))
    sentences = {}
    for pid, t, a in papers:
        for field, text in (("title", t), ("abstract", a)):
            starts = [0] + [i + 2 for i, ch in enumerate(text) if ch == "." and i + 2 < len(text)]
            for name, eid in ents.items():
                at = text.find(name)
                if at < 0:
                    continue
                ss = max(s for s in starts if s <= at)
                se = text.find(".", at)
                se = len(text) if se < 0 else se + 1
                sentence = text[ss:se]
                conn.execute("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'used', 'gazetteer')",
                             (pid, eid, name, field, at, at + len(name), ss, se, sentence))
                sentences[pid, field, at] = sentence
                conn.execute("INSERT OR IGNORE INTO paper_entity VALUES (?, ?, 'used', 1, ?)", (pid, eid, sentence))
    conn.execute("UPDATE entities SET paper_count = (SELECT count(*) FROM paper_entity WHERE entity_id = entities.id)")
    if not dirty:
        conn.execute("INSERT INTO entities_fts(rowid, name, aliases) SELECT id, name, name FROM entities")
        conn.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
    conn.commit()
    conn.close()
    return sentences


def test_v1_file_is_migrated_on_write_and_keeps_its_data(tmp_path):
    path = tmp_path / "v1.db"
    sentences = make_v1(path)
    with pytest.raises(DatabaseError, match="older"):
        open_db(path, readonly=True)
    db = open_db(path)
    assert schema_version(db) == schema.SCHEMA_VERSION
    assert "sentence" not in {c.name for c in db["mentions"].columns}
    assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] == len(sentences)
    assert {"communities", "community_entities", "community_papers", "entities_todo"} <= set(db.table_names())
    assert set(schema.VIEW_NAMES) <= set(db.view_names())
    assert get_meta(db, "communities_stale") == "1"
    assert get_meta(db, "fts_rebuild") is None  # the v1 build had finished: its indexes are complete
    # the view yields exactly the sentences v1 stored, non-ASCII text included (substr counts characters)
    got = {(pid, f, s): sent for pid, f, s, sent in
           db.execute("SELECT paper_id, field, start, sentence FROM mention_evidence")}
    assert got == sentences
    assert any("ü" in s or "🚀" in s or "—" in s for s in got.values())
    db.conn.close()
    # read-only now works; stale communities are computed in-process
    assert paper_detail(path, "p1")["mentions"][0]["sentence"] in (TITLE, *sentences.values())
    assert communities(path, min_size=1)
    assert [r["id"] for r in search(path, "überraschend", kind="paper")] == ["p1"]
    # reopening does not migrate twice
    db = open_db(path)
    assert schema_version(db) == schema.SCHEMA_VERSION
    db.conn.close()


def test_interrupted_v1_build_gets_its_indexes_rebuilt(tmp_path, seed_files):
    from graph.build import build

    path = tmp_path / "v1.db"
    make_v1(path, dirty=True)
    db = open_db(path)
    assert get_meta(db, "fts_rebuild") == "1"
    db.conn.close()
    build(path, seed_files[:1])  # finishes the interrupted build: finalize rebuilds both indexes once
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key = 'fts_rebuild'").fetchone() is None
    assert conn.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'überraschend'").fetchall() == \
        conn.execute("SELECT rowid FROM papers WHERE id = 'p1'").fetchall()
    assert conn.execute("SELECT count(*) FROM entities_fts").fetchone() == \
        conn.execute("SELECT count(*) FROM entities").fetchone()
    assert conn.execute("SELECT count(*) FROM entities_fts WHERE entities_fts MATCH 'convnext'").fetchone()[0] >= 1
    conn.close()
    c = open_db(path, readonly=True).conn
    assert comm.stored_are_fresh(c)
    c.close()


def test_mention_evidence_counts_characters_like_python(tmp_path):
    db = open_db(tmp_path / "g.db")
    text = "Ça va? Ünïcödé 🚀 text — ConvNeXt wins. Next sentence."
    db.execute("INSERT INTO papers(id, title, abstract, title_key, content_hash) VALUES ('p', 't', ?, 't', 'h')",
               [text])
    db.execute("INSERT INTO entities(id, key, name, type) VALUES (1, 'convnext', 'ConvNeXt', 'method')")
    start = text.index("ConvNeXt")
    ss, se = text.index("Ünïcödé"), text.index("wins.") + 5
    db.execute("INSERT INTO mentions VALUES ('p', 1, 'ConvNeXt', 'abstract', ?, ?, ?, ?, 'used', 'x')",
               [start, start + 8, ss, se])
    (sentence,) = db.execute("SELECT sentence FROM mention_evidence").fetchone()
    assert sentence == text[ss:se]
    (surface,) = db.execute("SELECT substr(abstract, ? + 1, 8) FROM papers", [start]).fetchone()
    assert surface == "ConvNeXt"
    db.conn.close()


def test_v2_file_gets_the_rank_index(tiny_db):
    # a version-2 file differs from version 3 only by the entity index of paper_entity and papers' year indexes
    conn = sqlite3.connect(tiny_db)
    conn.executescript(
        "DROP INDEX idx_paper_entity_rank; DROP INDEX idx_papers_year_id; DROP INDEX idx_papers_id_year;"
        "CREATE INDEX idx_paper_entity_entity ON paper_entity(entity_id, paper_id);"
        "CREATE INDEX idx_papers_year ON papers(year);"
        "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
    )
    before = conn.execute("SELECT * FROM paper_entity ORDER BY paper_id, entity_id").fetchall()
    conn.close()
    with pytest.raises(DatabaseError, match="older"):
        open_db(tiny_db, readonly=True)
    db = open_db(tiny_db)
    assert schema_version(db) == 3
    idx = {r[1] for r in db.execute("PRAGMA index_list(paper_entity)")} | \
        {r[1] for r in db.execute("PRAGMA index_list(papers)")}
    assert {"idx_paper_entity_rank", "idx_papers_year_id", "idx_papers_id_year"} <= idx
    assert not {"idx_paper_entity_entity", "idx_papers_year"} & idx
    assert db.execute("SELECT * FROM paper_entity ORDER BY paper_id, entity_id").fetchall() == before
    db.conn.close()
