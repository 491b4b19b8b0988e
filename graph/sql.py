"""Read-only SQL over a litkg database, and full-text search.

Used by ``litkg sql``, ``litkg search`` and the app's SQL console.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from extract.errors import LitkgError
from graph import communities
from graph.db import DatabaseError, open_db


class QueryError(LitkgError):
    """A user's SQL statement was refused or failed."""


_WRITE = re.compile(
    r"^\s*(insert|update|delete|replace|create|drop|alter|attach|detach|vacuum|reindex|pragma|begin|commit|"
    r"rollback|savepoint|release|analyze)\b",
    re.I,
)


def run_sql(
    path: str | Path,
    sql: str,
    params: dict | list | None = None,
    *,
    limit: int | None = None,
    timeout: float = 10.0,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Run one read-only statement and return (column names, rows as dicts).

    The file is opened with ``mode=ro`` and ``PRAGMA query_only``, so a write
    statement fails even if it slips past the first check; a statement running
    longer than ``timeout`` seconds is interrupted.

    Raises
    ------
    QueryError
        For a write statement, a syntax error or a time-out, with a one-line message.
    """
    stripped = sql.strip().rstrip(";").strip()
    if not stripped:
        raise QueryError("empty SQL statement")
    if _WRITE.match(stripped):
        verb = stripped.split()[0].upper()
        raise QueryError(f"refused: {verb} would write to the database; litkg sql is read-only (SELECT and WITH only)")
    db = open_db(path, readonly=True)
    conn = db.conn
    conn.execute("PRAGMA query_only = ON")
    deadline = time.monotonic() + timeout
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        try:
            cur = conn.execute(stripped, params or [])
        except sqlite3.Warning as exc:
            raise QueryError(f"only one statement at a time: {exc}") from None
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchmany(limit) if limit else cur.fetchall()
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if "interrupted" in msg:
            raise QueryError(f"query took longer than {timeout:g} s and was stopped") from None
        if "readonly" in msg or "read-only" in msg or "attempt to write" in msg:
            raise QueryError("refused: the statement would write to the database; litkg sql is read-only") from None
        raise QueryError(f"SQL error: {msg}") from None
    except sqlite3.DatabaseError as exc:
        raise QueryError(f"SQL error: {exc}") from None
    finally:
        conn.set_progress_handler(None, 0)
        conn.close()
    return columns, [dict(zip(columns, r, strict=True)) for r in rows]


def fts_query(text: str) -> str:
    """Turn user text into a safe FTS5 query: every word quoted, the last one a prefix.

    >>> fts_query("bob's ConvNeXt")
    '"bob\\'s" "convnext"*'
    """
    words = [w for w in re.findall(r"[\w'@.+-]+", text.lower()) if w.strip("'.-+")]
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(path: str | Path, query: str, *, limit: int = 20, kind: str = "all") -> list[dict[str, Any]]:
    """Full-text search over paper titles/abstracts and entity names/aliases.

    Returns rows ``{"kind": "paper"|"entity", "id", "name", "type", "year", "snippet", "score"}``,
    entities first when they match by name, then papers by FTS5 rank.
    """
    q = fts_query(query)
    if not q:
        return []
    db = open_db(path, readonly=True)
    out: list[dict[str, Any]] = []
    try:
        if kind in ("all", "entity"):
            for row in db.execute(
                "SELECT e.id, e.name, e.type, e.paper_count, bm25(entities_fts) AS score "
                "FROM entities_fts JOIN entities e ON e.id = entities_fts.rowid "
                "WHERE entities_fts MATCH ? ORDER BY e.paper_count DESC, score LIMIT ?",
                [q, limit],
            ):
                out.append({"kind": "entity", "id": row[0], "name": row[1], "type": row[2], "papers": row[3],
                            "year": None, "snippet": None, "score": row[4]})
        if kind in ("all", "paper"):
            for row in db.execute(
                "SELECT p.id, p.title, p.year, snippet(papers_fts, 1, '[', ']', ' … ', 12), bm25(papers_fts, 5.0, 1.0) "
                "FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid "
                "WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, 5.0, 1.0) LIMIT ?",
                [q, limit],
            ):
                out.append({"kind": "paper", "id": row[0], "name": row[1], "type": "paper", "papers": None,
                            "year": row[2], "snippet": row[3], "score": row[4]})
    except sqlite3.OperationalError as exc:
        raise QueryError(f"search failed: {exc}") from None
    finally:
        db.conn.close()
    return out


def stats(path: str | Path) -> dict[str, Any]:
    """Counts of papers, entities by type, mentions, code links, results and stored communities, plus build metadata.

    ``communities_fresh`` says whether the stored communities describe the last finished build (see
    :func:`graph.communities.stored_are_fresh`); when not, the app computes them on first use.
    """
    db = open_db(path, readonly=True)
    try:
        one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        by_type = {t: n for t, n in db.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY type")}
        meta = {k: v for k, v in db.execute("SELECT key, value FROM meta")}
        return {
            "papers": one("SELECT count(*) FROM papers"),
            "papers_with_empty_abstract": one("SELECT count(*) FROM papers WHERE empty_abstract = 1"),
            "entities": one("SELECT count(*) FROM entities"),
            "entities_by_type": by_type,
            "mentions": one("SELECT count(*) FROM mentions"),
            "paper_entity_edges": one("SELECT count(*) FROM paper_entity"),
            "code_links": one("SELECT count(*) FROM code_links"),
            "results": one("SELECT count(*) FROM results"),
            "communities": one("SELECT count(*) FROM communities"),
            "communities_fresh": communities.stored_are_fresh(db.conn),
            "sources": one("SELECT count(DISTINCT path) FROM paper_sources"),
            "schema_version": int(meta.get("schema_version", 0)),
            "extractor_version": meta.get("extractor_version"),
            "built_at": meta.get("built_at"),
        }
    finally:
        db.conn.close()


__all__ = ["QueryError", "DatabaseError", "run_sql", "search", "stats", "fts_query"]
