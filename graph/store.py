"""Writing papers and their extractions into the litkg database.

:class:`GraphWriter` is the only writer. It works in batches, each one
transaction, so an interrupted build leaves a consistent file that a re-run
completes. Corpus-wide derived data (entity paper counts, abbreviation merges,
the entity search index) is brought up to date by :meth:`GraphWriter.finalize`,
which is also re-run after an interrupted build (the ``dirty`` meta flag).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlite_utils

from extract.normalize import normalize_arxiv_id, normalize_doi, normalize_title
from extract.records import Extraction, Paper
from graph import schema


@dataclass(frozen=True, slots=True)
class _Keys:
    """A paper's normalised identifiers, computed once per record."""

    title: str
    doi: str | None
    arxiv: str | None

    @classmethod
    def of(cls, paper: Paper) -> _Keys:
        return cls(normalize_title(paper.title), normalize_doi(paper.doi), normalize_arxiv_id(paper.arxiv_id))

    def identity(self) -> list[tuple[str, str]]:
        keys = [("title", self.title)]
        if self.doi:
            keys.append(("doi", self.doi))
        if self.arxiv:
            keys.append(("arxiv", self.arxiv))
        return keys


def content_hash(paper: Paper, keys: _Keys | None = None) -> str:
    """Hash of everything about a paper that the database stores (not its sources)."""
    doi, ax = (keys.doi, keys.arxiv) if keys else (normalize_doi(paper.doi), normalize_arxiv_id(paper.arxiv_id))
    payload = json.dumps(
        [paper.title, paper.abstract, paper.year, paper.url, doi, ax, list(paper.authors)],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def new_paper_id(paper: Paper, keys: _Keys | None = None) -> str:
    """A stable id: the arXiv id, else ``doi:<doi>``, else ``t`` + a hash of the normalised title.

    >>> new_paper_id(Paper(title="A ConvNet for the 2020s", arxiv_id="2201.03545v2"))
    '2201.03545'
    >>> new_paper_id(Paper(title="A ConvNet for the 2020s"))
    't731c177e0fc0'
    """
    k = keys or _Keys.of(paper)
    if k.arxiv:
        return k.arxiv
    if k.doi:
        return f"doi:{k.doi}"
    return "t" + hashlib.sha1(k.title.encode("utf-8")).hexdigest()[:12]


@dataclass
class WriteStats:
    """What a build did: counts of papers by outcome, entities, mentions, seconds."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: int = 0
    empty_abstracts: int = 0
    mentions: int = 0
    code_links: int = 0
    results: int = 0
    seconds: float = 0.0
    finalize_seconds: float | None = None  # None: nothing to finalize
    communities_seconds: float | None = None  # None: not computed (unchanged graph, or --no-communities)
    skipped_records: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated)


@dataclass
class PaperPlan:
    """What to do with one paper record of a batch."""

    paper: Paper
    paper_id: str
    action: str  # new | update | unchanged | duplicate
    hash: str
    title_key: str = ""  # normalize_title(paper.title), computed once by plan()


@dataclass
class _BatchRows:
    """Rows of one batch, per table, inserted together by :meth:`flush` (one ``executemany`` each)."""

    sources: list[tuple] = field(default_factory=list)
    mentions: list[tuple] = field(default_factory=list)
    edges: list[tuple] = field(default_factory=list)
    code_links: list[tuple] = field(default_factory=list)
    results: list[tuple] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)  # entities whose paper count changes
    track_todo: bool = True  # False in bulk-load mode: every entity is in entities_todo already

    def flush(self, conn) -> None:
        conn.executemany(
            "INSERT OR IGNORE INTO paper_sources(paper_id, path, line, format) VALUES (?, ?, ?, ?)", self.sources
        )
        conn.executemany(
            "INSERT OR IGNORE INTO mentions(paper_id, entity_id, surface, field, start, end, sent_start, sent_end, "
            "role, rule) VALUES (?,?,?,?,?,?,?,?,?,?)",
            self.mentions,
        )
        conn.executemany(
            "INSERT INTO paper_entity(paper_id, entity_id, role, mentions, sentence) VALUES (?,?,?,?,?)", self.edges
        )
        conn.executemany(
            "INSERT OR IGNORE INTO code_links(paper_id, url, host, owner, repo, kind, sentence) VALUES (?,?,?,?,?,?,?)",
            self.code_links,
        )
        conn.executemany(
            "INSERT INTO results(paper_id, method_id, dataset_id, metric_id, baseline_id, method, dataset, metric, "
            "baseline, value, unit, kind, value_text, sentence) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            self.results,
        )
        if self.track_todo:
            conn.executemany("INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (?)", [(e,) for e in self.touched])
        for rows in (self.sources, self.mentions, self.edges, self.code_links, self.results, self.touched):
            rows.clear()


class GraphWriter:
    """Batch writer of papers, entities, mentions, code links and results.

    Parameters
    ----------
    db : sqlite_utils.Database
        An open, writable litkg database (see :func:`graph.db.open_db`).
    version : str
        The extractor version; papers extracted by another version are re-extracted.
    bulk : bool
        Allow bulk-load mode: when the first batch with something to write finds no paper in the
        database, the indexes only queries need (:data:`graph.schema.BULK_DROPPED_INDEXES`) are dropped
        and :meth:`finalize` creates them again (meta ``bulk_load`` = ``'1'`` meanwhile, so that an
        interrupted build resumes in the same mode, whatever ``bulk`` says then).
    """

    def __init__(self, db: sqlite_utils.Database, version: str, *, bulk: bool = False) -> None:
        self.db = db
        self.conn = db.conn
        self.version = version
        self.bulk_allowed = bulk
        self.bulk = self._meta("bulk_load") == "1"  # a bulk load under way (maybe interrupted)
        self._bulk_ready = False  # this writer has checked (and if needed dropped) the bulk indexes
        self.seen_ids: set[str] = set()  # papers written or confirmed during this run
        self._entity_ids: dict[str, int] = {}
        self._absent: set[str] = set()  # keys known (this batch) to have no entity yet

    # ---- planning -----------------------------------------------------------------------------
    def _find_existing(self, paper: Paper) -> tuple[str, str, str | None] | None:
        """(id, content_hash, extractor_version) of the stored paper this record is, if any."""
        return self._find_existing_many([_Keys.of(paper)])[0]

    def _find_existing_many(self, keys: Sequence[_Keys]) -> list[tuple[str, str, str | None] | None]:
        """:meth:`_find_existing` for a batch, in three indexed queries (DOI, arXiv id, title key).

        Precedence as for one record: a DOI match, else an arXiv-id match, else the first (by rowid)
        stored paper of the same title whose DOI and arXiv id do not conflict.
        """
        cur = self.conn.cursor()
        cols = "rowid, id, content_hash, extractor_version, doi, arxiv_id"

        def lookup(column: str, values: set[str]) -> dict[str, list[tuple]]:
            found: dict[str, list[tuple]] = {}
            vals = sorted(values)
            for i in range(0, len(vals), 900):
                chunk = vals[i:i + 900]
                sql = f"SELECT {cols}, {column} FROM papers WHERE {column} IN ({','.join('?' * len(chunk))})"
                for row in cur.execute(sql, chunk):
                    found.setdefault(row[6], []).append(row)
            for rows in found.values():
                rows.sort()  # by rowid: the row a single indexed lookup meets first
            return found

        by_doi = lookup("doi", {k.doi for k in keys if k.doi})
        by_ax = lookup("arxiv_id", {k.arxiv for k in keys if k.arxiv})
        by_title = lookup("title_key", {k.title for k in keys})
        out: list[tuple[str, str, str | None] | None] = []
        for k in keys:
            hit = None
            if k.doi and k.doi in by_doi:
                hit = by_doi[k.doi][0]
            elif k.arxiv and k.arxiv in by_ax:
                hit = by_ax[k.arxiv][0]
            else:
                for row in by_title.get(k.title, ()):
                    # same title, and no conflicting identifier
                    if (k.doi and row[4] and row[4] != k.doi) or (k.arxiv and row[5] and row[5] != k.arxiv):
                        continue
                    hit = row
                    break
            out.append((hit[1], hit[2], hit[3]) if hit else None)
        return out

    def plan(self, papers: Sequence[Paper]) -> list[PaperPlan]:
        """Decide for each paper of a batch: new, update (changed text/metadata/extractor), unchanged, duplicate."""
        plans: list[PaperPlan] = []
        batch_ids: dict[str, int] = {}
        batch_keys: dict[tuple[str, str], str] = {}  # (doi|arxiv, value) -> paper id planned in this batch
        batch_titles: dict[str, list[tuple[str, _Keys]]] = {}  # title key -> [(paper id, its keys)]
        all_keys = [_Keys.of(paper) for paper in papers]
        found = self._find_existing_many(all_keys)
        for paper, k, existing in zip(papers, all_keys, found, strict=True):
            h = content_hash(paper, k)
            keys = k.identity()[1:]
            # Same rules as against the database: a DOI or arXiv id match, else the same title with no
            # conflicting identifier (so the outcome does not depend on where batches happen to split).
            in_batch = next((batch_keys[key] for key in keys if key in batch_keys), None)
            if in_batch is None:
                in_batch = next(
                    (pid for pid, o in batch_titles.get(k.title, ())
                     if not ((k.doi and o.doi and o.doi != k.doi) or (k.arxiv and o.arxiv and o.arxiv != k.arxiv))),
                    None,
                )
            if in_batch is not None:
                plans.append(PaperPlan(paper, in_batch, "duplicate", h, k.title))
                continue
            if existing:
                pid, old_hash, old_version = existing
                if pid in self.seen_ids or pid in batch_ids:
                    action = "duplicate"
                elif old_hash == h and old_version == self.version:
                    action = "unchanged"
                else:
                    action = "update"
            else:
                pid = new_paper_id(paper, k)
                if pid in self.seen_ids or pid in batch_ids:
                    action = "duplicate"
                else:
                    action = "new"
            if action in ("new", "update", "unchanged"):
                batch_ids[pid] = len(plans)
                for key in keys:
                    batch_keys.setdefault(key, pid)
                batch_titles.setdefault(k.title, []).append((pid, k))
            plans.append(PaperPlan(paper, pid, action, h, k.title))
        return plans

    # ---- writing ------------------------------------------------------------------------------
    def write_batch(
        self, plans: Sequence[PaperPlan], extractions: dict[str, Extraction], stats: WriteStats
    ) -> None:
        """Write one planned batch in one transaction.

        ``extractions`` maps paper id to its extraction for every plan whose action is
        ``new`` or ``update``. Rows are collected per table and inserted with one
        ``executemany`` each, in the batch's order.
        """
        with self.conn:
            changed = [p for p in plans if p.action in ("new", "update")]
            if changed:
                self.conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('dirty', '1') "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                )
                if not self._bulk_ready:
                    self._prepare_bulk()
            rows = _BatchRows(track_todo=not self.bulk)
            self._absent.clear()
            self._prefetch_entities(
                k for p in changed for m in extractions[p.paper_id].mentions for k in (m.key, m.family_key)
            )
            # New papers first, in order (a duplicate later in the batch may fill in their missing fields).
            self._insert_papers([p for p in plans if p.action == "new"])
            for plan in plans:
                rows.sources.extend((plan.paper_id, s.path, s.line, s.format) for s in plan.paper.sources)
                if plan.action == "duplicate":
                    stats.duplicates += 1
                    self._fill_missing(plan)
                    continue
                self.seen_ids.add(plan.paper_id)
                if plan.action == "unchanged":
                    stats.unchanged += 1
                    continue
                if plan.action == "update":
                    self._write_paper(plan)
                self._write_extraction(plan.paper_id, extractions[plan.paper_id], stats, rows)
                if plan.action == "new":
                    stats.new += 1
                else:
                    stats.updated += 1
                if not plan.paper.abstract.strip():
                    stats.empty_abstracts += 1
            rows.flush(self.conn)

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _prepare_bulk(self) -> None:
        """Enter bulk-load mode (first write of a build on a database without papers) or stay in it.

        Called inside the first writing batch's transaction, so entering the mode commits with that batch.
        Every entity existing now is listed in ``entities_todo`` (those created later are listed by the
        insert trigger), which is what lets bulk mode skip the per-batch ``entities_todo`` rows.
        """
        self._bulk_ready = True
        if not self.bulk:
            if not self.bulk_allowed or self.conn.execute("SELECT 1 FROM papers LIMIT 1").fetchone():
                return
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES ('bulk_load', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            )
            self.conn.execute("INSERT OR IGNORE INTO entities_todo(entity_id) SELECT id FROM entities")
            self.bulk = True
        # (again on resuming: something may have created them meanwhile)
        for name in schema.BULK_DROPPED_INDEXES:
            self.conn.execute(f"DROP INDEX IF EXISTS {name}")

    def _fill_missing(self, plan: PaperPlan) -> None:
        """A duplicate record may know what the stored one lacks (year, url, doi, arXiv id)."""
        p = plan.paper
        for column, value in (
            ("year", p.year), ("url", p.url), ("doi", normalize_doi(p.doi)), ("arxiv_id", normalize_arxiv_id(p.arxiv_id))
        ):
            if value:
                self.conn.execute(
                    f"UPDATE papers SET {column} = ? WHERE id = ? AND {column} IS NULL", (value, plan.paper_id)
                )

    def _paper_row(self, plan: PaperPlan) -> tuple:
        p = plan.paper
        return (
            p.title, p.abstract, p.year, p.url, normalize_doi(p.doi), normalize_arxiv_id(p.arxiv_id),
            json.dumps(list(p.authors), ensure_ascii=False), plan.title_key or normalize_title(p.title), plan.hash,
            self.version, 0 if p.abstract.strip() else 1, plan.paper_id,
        )

    def _insert_papers(self, plans: Sequence[PaperPlan]) -> None:
        if not plans:
            return
        (last,) = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM papers").fetchone()
        self.conn.executemany(
            "INSERT INTO papers(title, abstract, year, url, doi, arxiv_id, authors, title_key, content_hash, "
            "extractor_version, empty_abstract, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [self._paper_row(plan) for plan in plans],
        )
        # the new rows have the rowids above the previous largest: index them in one statement
        self.conn.execute(
            "INSERT INTO papers_fts(rowid, title, abstract) SELECT rowid, title, abstract FROM papers WHERE rowid > ?",
            (last,),
        )

    def _write_paper(self, plan: PaperPlan) -> None:
        if plan.action != "update":
            self._insert_papers([plan])
            return
        self.conn.execute(
            "UPDATE papers SET title=?, abstract=?, year=?, url=?, doi=?, arxiv_id=?, authors=?, title_key=?, "
            "content_hash=?, extractor_version=?, empty_abstract=? WHERE id=?",
            self._paper_row(plan),
        )
        self.conn.execute(
            "INSERT OR IGNORE INTO entities_todo(entity_id) SELECT entity_id FROM paper_entity WHERE paper_id = ?",
            (plan.paper_id,),
        )
        for table in ("mentions", "paper_entity", "code_links", "results"):
            self.conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (plan.paper_id,))

    def entity_id(self, key: str, name: str, type_: str, family_key: str | None = None,
                  family_name: str | None = None) -> int:
        """The id of the entity with this key (or an alias key), created if new."""
        cached = self._entity_ids.get(key)
        if cached is not None:
            return cached
        cur = self.conn.cursor()
        if key in self._absent:  # looked up by _prefetch_entities: neither an entity nor a user alias
            row = None
        else:
            row = cur.execute("SELECT id FROM entities WHERE key = ?", (key,)).fetchone()
            if row is None:
                row = cur.execute(
                    "SELECT entity_id FROM aliases WHERE alias_key = ? AND source = 'user' LIMIT 1", (key,)
                ).fetchone()
        if row is None:
            family_id = None
            if family_key and family_key != key:
                family_id = self.entity_id(family_key, family_name or family_key, type_)
            cur.execute(
                "INSERT INTO entities(key, name, type, family_id) VALUES (?, ?, ?, ?)", (key, name, type_, family_id)
            )
            eid = cur.lastrowid
            cur.execute(
                "INSERT OR IGNORE INTO aliases(alias_key, alias, entity_id, source) VALUES (?, ?, ?, 'extracted')",
                (key, name, eid),
            )
        else:
            eid = row[0]
        self._absent.discard(key)
        self._entity_ids[key] = eid
        return eid

    def _prefetch_entities(self, keys: Iterable[str]) -> None:
        """Resolve a batch's entity keys in a few ``IN`` queries instead of two lookups per new key."""
        todo = sorted({k for k in keys if k and k not in self._entity_ids})
        cur = self.conn.cursor()
        for i in range(0, len(todo), 900):
            chunk = todo[i:i + 900]
            marks = ",".join("?" * len(chunk))
            found = dict(cur.execute(f"SELECT key, id FROM entities WHERE key IN ({marks})", chunk).fetchall())
            rest = [k for k in chunk if k not in found]
            if rest:
                # as the single lookup: the first user alias in (alias_key, entity_id) order
                found.update(cur.execute(
                    f"SELECT alias_key, min(entity_id) FROM aliases WHERE alias_key IN ({','.join('?' * len(rest))}) "
                    "AND source = 'user' GROUP BY alias_key",
                    rest,
                ).fetchall())
            self._entity_ids.update(found)
            self._absent.update(k for k in chunk if k not in found)

    def _write_extraction(
        self, paper_id: str, ex: Extraction, stats: WriteStats, rows: _BatchRows | None = None
    ) -> None:
        from extract.canonical import entity_key

        own = rows is None
        if rows is None:
            rows = _BatchRows()

        mention_rows = []
        edges: dict[int, list] = {}
        alias_rows = set()
        for m in ex.mentions:
            eid = self.entity_id(m.key, m.canonical, m.type, m.family_key, m.family)
            mention_rows.append(
                (paper_id, eid, m.text, m.field, m.start, m.end, m.sent_start, m.sent_end, m.role, m.rule)
            )
            if m.text != m.canonical:
                alias_rows.add((entity_key(m.text), m.text, eid, "extracted"))
            for alias in m.aliases:
                alias_rows.add((entity_key(alias), alias, eid, "abbreviation"))
            edge = edges.get(eid)
            if edge is None:
                edges[eid] = [paper_id, eid, m.role, 1, m.sentence, (m.field == "title", m.start)]
            else:
                edge[3] += 1
                if m.role == "proposed":
                    edge[2] = "proposed"
                # the evidence is the first abstract sentence naming it (more telling than the title)
                if (m.field == "title", m.start) < edge[5]:
                    edge[4], edge[5] = m.sentence, (m.field == "title", m.start)
        rows.mentions.extend(mention_rows)
        rows.edges.extend(e[:5] for e in edges.values())
        rows.touched.update(edges)
        # Aliases now: a later paper's result may be resolved through them.
        self.conn.executemany(
            "INSERT OR IGNORE INTO aliases(alias_key, alias, entity_id, source) VALUES (?,?,?,?)",
            # sorted: which spelling of an alias key is kept must not depend on the process's string hashing
            sorted(a for a in alias_rows if a[0]),
        )
        rows.code_links.extend(
            (paper_id, c.url, c.host, c.owner, c.repo, c.kind, c.sentence) for c in ex.code_links
        )
        n_results = 0
        for r in ex.results:
            ids = [
                self._lookup_entity(k) for k in (r.method_key, r.dataset_key, r.metric_key, r.baseline_key)
            ]
            rows.results.append(
                (paper_id, *ids, r.method, r.dataset, r.metric, r.baseline, r.value, r.unit, r.kind, r.value_text,
                 r.sentence)
            )
            n_results += 1
        stats.mentions += len(mention_rows)
        stats.code_links += len(ex.code_links)
        stats.results += n_results
        if own:
            rows.flush(self.conn)

    def _lookup_entity(self, key: str | None) -> int | None:
        if not key:
            return None
        if key in self._entity_ids:
            return self._entity_ids[key]
        row = self.conn.execute(
            "SELECT id FROM entities WHERE key = ? UNION ALL SELECT entity_id FROM aliases WHERE alias_key = ? LIMIT 1",
            (key, key),
        ).fetchone()
        return row[0] if row else None

    # ---- corpus-wide upkeep -------------------------------------------------------------------
    def needs_finalize(self) -> bool:
        return self._meta("dirty") == "1" or self._meta("bulk_load") == "1"

    def finalize(self, *, aliases_applied: Iterable[tuple[str, str, str]] = (), communities: bool = True) -> None:
        """Bring corpus-wide derived data up to date, in one transaction.

        1. merge an entity into another when its key is an abbreviation (or user alias) of
           exactly one other entity ("MIM" -> "masked image modeling");
        2. for the entities listed in ``entities_todo`` (those whose edges, aliases or names
           changed): recompute ``paper_count``, drop those no paper mentions and no variant
           needs, rewrite their full-text rows (the paper index is kept up to date as papers
           are written; rows appended by another writer are indexed here);
        3. compute the communities into their tables (``communities=False`` marks them stale:
           queries then compute them in-process); record build time and clear ``dirty``.

        ``finalize_seconds`` and ``communities_seconds`` (``None`` when skipped) say how long it took.
        """
        from graph import communities as comm

        t0 = time.time()
        self.communities_seconds: float | None = None
        with self.conn:
            c = self.conn
            if not c.in_transaction:
                c.execute("BEGIN IMMEDIATE")  # one transaction, the index creation included (DDL opens none)
            bulk = self._meta("bulk_load") == "1"
            if bulk:
                # the indexes a bulk load dropped, before the merges and counts below read them
                # (the type index, keyed on paper_count, once the counts are set)
                made = schema.index_statements()
                for name in schema.BULK_DROPPED_INDEXES:
                    if name != "idx_entities_type":
                        c.execute(made[name])
            rebuild = c.execute("SELECT 1 FROM meta WHERE key = 'fts_rebuild' AND value = '1'").fetchone()
            if rebuild:
                # a file migrated from schema 1 in the middle of a build: its indexes and counts were never finished
                c.execute("INSERT OR IGNORE INTO entities_todo(entity_id) SELECT id FROM entities")
            self._merge_abbreviations()
            self._link_results()
            # Paper counts, unused entities and search rows: only for the entities that changed.
            todo = "SELECT entity_id FROM entities_todo"
            c.execute(
                "UPDATE entities SET paper_count = (SELECT count(*) FROM paper_entity pe WHERE pe.entity_id = entities.id) "
                f"WHERE id IN ({todo})"
            )
            if bulk:
                c.execute(made["idx_entities_type"])
            c.execute(
                f"DELETE FROM entities WHERE id IN ({todo}) AND paper_count = 0 "
                "AND NOT EXISTS (SELECT 1 FROM entities v WHERE v.family_id = entities.id) "
                "AND id NOT IN (SELECT entity_id FROM aliases WHERE source = 'user')"
            )
            c.execute(f"DELETE FROM aliases WHERE entity_id IN ({todo}) AND entity_id NOT IN (SELECT id FROM entities)")
            if rebuild:
                c.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
                c.execute("DELETE FROM entities_fts")
                c.execute("DELETE FROM meta WHERE key = 'fts_rebuild'")
            else:
                # papers appended by something else than this writer (rowids above the index's largest)
                c.execute(
                    "INSERT INTO papers_fts(rowid, title, abstract) SELECT rowid, title, abstract FROM papers "
                    "WHERE rowid > (SELECT coalesce(max(id), 0) FROM papers_fts_docsize)"
                )
                c.execute(f"DELETE FROM entities_fts WHERE rowid IN ({todo})")
            c.execute(
                "INSERT INTO entities_fts(rowid, name, aliases) SELECT e.id, e.name, "
                "(SELECT group_concat(alias, ' | ') FROM aliases a WHERE a.entity_id = e.id) "
                "FROM entities_todo t JOIN entities e ON e.id = t.entity_id"
            )
            c.execute("DELETE FROM entities_todo")
            if communities:
                self.communities_seconds = comm.write_communities(c)
            else:
                comm.mark_stale(c)
            c.execute("DELETE FROM meta WHERE key = 'bulk_load'")
            for key, value in (("dirty", "0"), ("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                               ("extractor_version", self.version)):
                c.execute(
                    "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
        self._entity_ids.clear()
        self._absent.clear()
        self.bulk = self._bulk_ready = False
        self.finalize_seconds = time.time() - t0

    def communities_stale(self) -> bool:
        """The stored communities do not describe the graph (a build with ``--no-communities``, a migrated file)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'communities_stale'").fetchone()
        return not (row and row[0] == "0")  # never computed (a file filled by something else) counts as stale

    def update_communities(self) -> float:
        """Compute the communities into their tables (one transaction); returns seconds."""
        from graph import communities as comm

        with self.conn:
            self.communities_seconds = comm.write_communities(self.conn)
        return self.communities_seconds

    def _link_results(self) -> None:
        """Link result names to entities created after the result was written (later in the same batch).

        One query per column (the name's key computed by a SQL function), so a corpus with many names
        that never become entities costs a scan, not a Python round trip per row, at every finalize.
        """
        from extract.canonical import entity_key

        self.conn.create_function("litkg_entity_key", 1, entity_key, deterministic=True)
        for col, name_col in (("method_id", "method"), ("dataset_id", "dataset"), ("metric_id", "metric"),
                              ("baseline_id", "baseline")):
            # the entity with that key, else one with that alias (as _lookup_entity)
            found = self.conn.execute(
                "SELECT eid, id FROM (SELECT id, (SELECT x FROM (SELECT e.id AS x FROM entities e WHERE e.key = k "
                "UNION ALL SELECT a.entity_id FROM aliases a WHERE a.alias_key = k) LIMIT 1) AS eid "
                f"FROM (SELECT id, litkg_entity_key({name_col}) AS k FROM results "
                f"WHERE {col} IS NULL AND {name_col} IS NOT NULL)) WHERE eid IS NOT NULL"
            ).fetchall()
            self.conn.executemany(f"UPDATE results SET {col} = ? WHERE id = ?", found)

    def _merge_abbreviations(self) -> None:
        c = self.conn
        pairs = c.execute(
            """
            SELECT e.id AS src, min(a.entity_id) AS dst
            FROM entities e JOIN aliases a ON a.alias_key = e.key AND a.entity_id <> e.id
            WHERE a.source IN ('abbreviation', 'user')
            GROUP BY e.id HAVING count(DISTINCT a.entity_id) = 1
            """
        ).fetchall()
        for src, dst in pairs:
            self.merge_entity(src, dst, results=False)
        self._remap_results(pairs)

    def _remap_results(self, pairs: Sequence[tuple[int, int]]) -> None:
        """The ``results`` part of :meth:`merge_entity` for many merges, applied in order, in one pass per column.

        (``results`` has no index on its method/metric/baseline columns: one UPDATE per merge would scan
        the table once per merged entity.)
        """
        final: dict[int, int] = {}  # entity id -> where its results end up after the merges so far
        holders: dict[int, set[int]] = {}  # current target -> original ids now pointing at it
        for src, dst in pairs:
            if src == dst:
                continue
            group = holders.pop(src, set())
            if src not in final:
                group.add(src)
            for x in group:
                final[x] = dst
            holders.setdefault(dst, set()).update(group)
        if not final:
            return
        c = self.conn
        c.execute("CREATE TEMP TABLE IF NOT EXISTS _merge_map(src INTEGER PRIMARY KEY, dst INTEGER NOT NULL)")
        c.execute("DELETE FROM _merge_map")
        c.executemany("INSERT INTO _merge_map(src, dst) VALUES (?, ?)", final.items())
        for col in ("method_id", "dataset_id", "metric_id", "baseline_id"):
            c.execute(f"UPDATE results SET {col} = m.dst FROM _merge_map m WHERE results.{col} = m.src")
        c.execute("DELETE FROM _merge_map")

    def merge_entity(self, src: int, dst: int, *, results: bool = True) -> None:
        """Move every mention, edge, alias and result of entity ``src`` to ``dst`` and drop ``src``.

        ``results=False`` leaves the ``results`` table to the caller (see :meth:`_remap_results`).
        """
        c = self.conn
        if src == dst:
            return
        # mentions are keyed by paper: reach src's through its edges (every mention has its paper's edge)
        of_src = "paper_id IN (SELECT paper_id FROM paper_entity WHERE entity_id = ?) AND entity_id = ?"
        c.execute(f"UPDATE OR IGNORE mentions SET entity_id = ? WHERE {of_src}", (dst, src, src))
        c.execute(f"DELETE FROM mentions WHERE {of_src}", (src, src))
        for row in c.execute(
            "SELECT paper_id, role, mentions, sentence FROM paper_entity WHERE entity_id = ?", (src,)
        ).fetchall():
            c.execute(
                "INSERT INTO paper_entity(paper_id, entity_id, role, mentions, sentence) VALUES (?,?,?,?,?) "
                "ON CONFLICT(paper_id, entity_id) DO UPDATE SET mentions = mentions + excluded.mentions, "
                "role = CASE WHEN excluded.role = 'proposed' THEN 'proposed' ELSE role END",
                (row[0], dst, row[1], row[2], row[3]),
            )
        c.execute("DELETE FROM paper_entity WHERE entity_id = ?", (src,))
        c.execute("INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (?), (?)", (src, dst))
        c.execute("UPDATE OR IGNORE aliases SET entity_id = ? WHERE entity_id = ?", (dst, src))
        c.execute("DELETE FROM aliases WHERE entity_id = ?", (src,))
        if results:
            for col in ("method_id", "dataset_id", "metric_id", "baseline_id"):
                c.execute(f"UPDATE results SET {col} = ? WHERE {col} = ?", (dst, src))
        c.execute("UPDATE entities SET family_id = ? WHERE family_id = ?", (dst, src))
        c.execute("DELETE FROM entities WHERE id = ?", (src,))


