"""Opening litkg databases: schema creation, versioning, read-only access.

>>> db = open_db(":memory:")
>>> sorted(t for t in db.table_names() if not t.endswith(("_data", "_idx", "_docsize", "_config", "_content")))[:3]
['aliases', 'code_links', 'entities']
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


# Migrations from version N to N + 1, run in order inside one transaction.
MIGRATIONS: dict[int, str] = {}


def ensure_schema(db: sqlite_utils.Database, path: str | Path = "") -> None:
    """Create the schema in an empty file, migrate an older one, refuse a newer or foreign one."""
    tables = set(db.table_names())
    version = schema_version(db)
    if version is None and tables - {"meta"}:
        raise DatabaseError(f"{path}: not a litkg database (it has tables {sorted(tables)[:5]} but no litkg meta)")
    if version is not None and version > schema.SCHEMA_VERSION:
        check_version(db, path)
    conn = db.conn
    with conn:
        if version is not None:
            for v in range(version, schema.SCHEMA_VERSION):
                conn.executescript(MIGRATIONS[v])
        conn.executescript(schema.TABLES + schema.INDEXES + schema.FTS + schema.VIEWS)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(schema.SCHEMA_VERSION),),
        )


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
