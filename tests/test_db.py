import sqlite3

import pytest

from graph import schema
from graph.db import DatabaseError, get_meta, open_db, schema_version, state_token


def test_new_database_has_schema_views_and_wal(tmp_path):
    path = tmp_path / "g.db"
    db = open_db(path)
    names = set(db.table_names())
    assert set(schema.TABLE_NAMES) <= names
    assert {"papers_fts", "entities_fts"} <= names
    assert set(schema.VIEW_NAMES) <= set(db.view_names())
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema_version(db) == schema.SCHEMA_VERSION
    # indexes for both directions of the paper-entity edges
    idx = {r[1] for r in db.execute("PRAGMA index_list(paper_entity)")}
    assert "idx_paper_entity_rank" in idx and "idx_paper_entity_entity" not in idx
    # mentions are keyed by paper (an entity's mentions are reached through paper_entity's entity index)
    assert [r[2] for r in db.execute("PRAGMA index_info(sqlite_autoindex_mentions_1)")][:1] == ["paper_id"] or \
        db.execute("SELECT sql FROM sqlite_master WHERE name = 'mentions'").fetchone()[0].count("WITHOUT ROWID")
    db.conn.close()


def test_reopen_is_idempotent(tmp_path):
    path = tmp_path / "g.db"
    open_db(path).conn.close()
    db = open_db(path)
    assert get_meta(db, "schema_version") == str(schema.SCHEMA_VERSION)
    db.conn.close()


def test_readonly_refuses_writes(tiny_db):
    db = open_db(tiny_db, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM papers")
    db.conn.close()


def test_missing_file_readonly_is_clear_error(tmp_path):
    with pytest.raises(DatabaseError, match="no such database"):
        open_db(tmp_path / "nope.db", readonly=True)


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE stuff (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not a litkg database"):
        open_db(path)
    with pytest.raises(DatabaseError, match="not a litkg database"):
        open_db(path, readonly=True)


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "g.db"
    db = open_db(path)
    db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    db.conn.commit()
    db.conn.close()
    with pytest.raises(DatabaseError, match="newer litkg"):
        open_db(path)


def test_not_sqlite_at_all(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseError, match="not a usable SQLite database"):
        open_db(path)


def test_state_token_changes_on_write(tmp_path):
    path = tmp_path / "g.db"
    db = open_db(path)
    before = state_token(path)
    db.execute("INSERT INTO meta(key, value) VALUES ('x', 'y')")
    db.conn.commit()
    after = state_token(path)
    db.conn.close()
    assert before != after
