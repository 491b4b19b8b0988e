"""Opening litkg databases: schema creation, versioning, read-only access.

>>> db = open_db(":memory:")
>>> sorted(t for t in db.table_names() if not t.endswith(("_data", "_idx", "_docsize", "_config", "_content")))[:4]
['aliases', 'code_links', 'communities', 'community_entities']
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from extract.errors import LitkgError
from graph import schema


class DatabaseError(LitkgError):
    """The database file is missing, not a litkg database, or of an unsupported version."""


def _connect(path: str | Path, readonly: bool) -> sqlite3.Connection:
    if str(path) == ":memory:":
        return sqlite3.connect(":memory:", check_same_thread=False)
    p = Path(path)
    if readonly:
        if not p.exists():
            raise DatabaseError(f"{p}: no such database (build one with: litkg build {p} SOURCE...)")
        uri = f"file:{p.resolve().as_posix()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        if p.parent and not p.parent.exists():
            raise DatabaseError(f"{p}: folder {p.parent} does not exist")
        conn = sqlite3.connect(str(p), check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    return conn


def open_db(path: str | Path, *, readonly: bool = False, create: bool = True) -> sqlite_utils.Database:
    """Open (and, when writable, create or migrate) a litkg database.

    Parameters
    ----------
    path : str or Path
        The SQLite file, or ``":memory:"``.
    readonly : bool
        Open with ``mode=ro``: every write statement fails.
    create : bool
        When false, a missing file is an error instead of being created.

    Raises
    ------
    DatabaseError
        The file is missing (read-only or ``create=False``), not SQLite, not a litkg
        database, or written by a newer litkg.
    """
    if not create and str(path) != ":memory:" and not Path(path).exists():
        raise DatabaseError(f"{path}: no such database (build one with: litkg build {path} SOURCE...)")
    try:
        conn = _connect(path, readonly)
        db = sqlite_utils.Database(conn)
        if readonly:
            check_version(db, path)
        else:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA foreign_keys = OFF")
            ensure_schema(db, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: not a usable SQLite database ({exc})") from None
    return db


@contextmanager
def read_connection(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one query, closed afterwards (never shared across threads)."""
    conn = open_db(path, readonly=True).conn
    try:
        yield conn
    finally:
        conn.close()


def schema_version(db: sqlite_utils.Database) -> int | None:
    """The file's schema version, or ``None`` for a file without a ``meta`` table."""
    if "meta" not in db.table_names():
        return None
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def check_version(db: sqlite_utils.Database, path: str | Path) -> None:
    """Refuse files that are not litkg databases of a version this code reads."""
    version = schema_version(db)
    if version is None:
        raise DatabaseError(f"{path}: not a litkg database (no meta table; build one with: litkg build {path} SOURCE...)")
    if version > schema.SCHEMA_VERSION:
        raise DatabaseError(
            f"{path}: written by a newer litkg (schema version {version}; this litkg reads up to {schema.SCHEMA_VERSION})"
        )
    if version < schema.SCHEMA_VERSION:
        raise DatabaseError(
            f"{path}: schema version {version} is older than {schema.SCHEMA_VERSION}; run `litkg build` on it to migrate"
        )


# Migrations from version N to N + 1, run in order, in one transaction with the creation of whatever the
# current schema adds (tables, indexes, views, triggers: graph/schema.py, all "IF NOT EXISTS").
MIGRATIONS: dict[int, str] = {
    # v1 -> v2: the evidence sentence of a mention is located by its offsets (view mention_evidence) instead
    # of being stored in every row, and mentions is a WITHOUT ROWID table (its key is not stored twice);
    # communities move into tables (stale until the next build computes them);
    # the full-text indexes are kept up to date incrementally, so a file left 'dirty' by an interrupted v1
    # build (whose index was to be rebuilt at its end) has them rebuilt once by the next finalize.
    # The new mentions table is spelled out (not taken from graph/schema.py) so that this step stays what it
    # was when later versions change the schema. The old table's pages are reused by later writes; VACUUM
    # returns them to the file system.
    1: """
    CREATE TABLE mentions_v2 (
        paper_id   TEXT NOT NULL REFERENCES papers(id),
        entity_id  INTEGER NOT NULL REFERENCES entities(id),
        surface    TEXT NOT NULL,
        field      TEXT NOT NULL,
        start      INTEGER NOT NULL,
        end        INTEGER NOT NULL,
        sent_start INTEGER NOT NULL,
        sent_end   INTEGER NOT NULL,
        role       TEXT NOT NULL DEFAULT 'used',
        rule       TEXT,
        PRIMARY KEY (paper_id, field, start, entity_id)
    ) WITHOUT ROWID;
    INSERT INTO mentions_v2 SELECT paper_id, entity_id, surface, field, start, end, sent_start, sent_end, role, rule
        FROM mentions;
    DROP TABLE mentions;
    ALTER TABLE mentions_v2 RENAME TO mentions;
    INSERT INTO meta(key, value) VALUES ('communities_stale', '1')
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
    INSERT INTO meta(key, value) SELECT 'fts_rebuild', '1' WHERE EXISTS
        (SELECT 1 FROM meta WHERE key = 'dirty' AND value = '1')
        ON CONFLICT(key) DO UPDATE SET value = excluded.value;
    """,
    # v2 -> v3: the entity index of paper_entity becomes the rank index, and the year index of papers
    # holds the id (graph/schema.py creates idx_paper_entity_rank, idx_papers_year_id and idx_papers_id_year
    # after this step).
    2: """
    DROP INDEX IF EXISTS idx_paper_entity_entity;
    DROP INDEX IF EXISTS idx_papers_year;
    """,
}


def ensure_schema(db: sqlite_utils.Database, path: str | Path = "") -> None:
    """Create the schema in an empty file, migrate an older one, refuse a newer or foreign one."""
    tables = set(db.table_names())
    version = schema_version(db)
    if version is None and tables - {"meta"}:
        raise DatabaseError(f"{path}: not a litkg database (it has tables {sorted(tables)[:5]} but no litkg meta)")
    if version is not None and version > schema.SCHEMA_VERSION:
        check_version(db, path)
    if version == schema.SCHEMA_VERSION and _complete(db):
        return
    steps = [MIGRATIONS[v] for v in range(version, schema.SCHEMA_VERSION)] if version is not None else []
    script = "\n".join([
        "BEGIN IMMEDIATE;",
        *steps,
        schema.TABLES + schema.INDEXES + schema.FTS + schema.VIEWS,
        f"INSERT INTO meta(key, value) VALUES ('schema_version', '{schema.SCHEMA_VERSION:d}') "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value;",
        "COMMIT;",
    ])
    conn = db.conn
    try:
        conn.executescript(script)
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _complete(db: sqlite_utils.Database) -> bool:
    """Every table, view and trigger of the current schema exists (the common case of reopening a file)."""
    have = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')")}
    return set(schema.TABLE_NAMES) | set(schema.VIEW_NAMES) | set(schema.TRIGGER_NAMES) | {"papers_fts"} <= have


def get_meta(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    """One value of the ``meta`` table."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def state_token(path: str | Path) -> str:
    """A string that changes whenever the database changes (for caching query results).

    Uses the file's and its WAL's size and modification time, so it costs no query.
    """
    p = Path(path)
    parts = []
    for f in (p, Path(str(p) + "-wal")):
        try:
            st = f.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        # an empty WAL (created by the first reader) is the same state as none
        parts.append(f"{st.st_size}:{st.st_mtime_ns}" if st.st_size else "-")
    return "|".join(parts)
