"""The litkg database schema: tables, indexes, views and full-text search.

The schema is versioned in the ``meta`` table (key ``schema_version``). An older
file is migrated by :func:`graph.db.ensure_schema` (``graph.db.MIGRATIONS``); a newer
one is refused.

Version 2 (for million-paper corpora): the evidence sentence of a mention is no longer
stored in ``mentions`` (its offsets locate it in the title or abstract; the
``mention_evidence`` view yields it); communities are computed by the build into
``communities`` / ``community_entities`` / ``community_papers``; the paper full-text
index is kept up to date as papers are written, and finalize refreshes paper counts and
search rows only for the entities listed in ``entities_todo`` (so a small update to a
large database costs little).

Version 3: the index of ``paper_entity`` by entity holds the rank columns
(``idx_paper_entity_rank``: entity, role, mentions descending) and two indexes cover
papers' year (``idx_papers_year_id``, ``idx_papers_id_year``), so an entity's best
papers are read from indexes instead of sorting all of its papers by year.
"""

from __future__ import annotations

SCHEMA_VERSION = 3

TABLES = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS papers (
    id                TEXT PRIMARY KEY,      -- arXiv id, DOI or 't-' + hash of the normalised title
    title             TEXT NOT NULL,
    abstract          TEXT NOT NULL DEFAULT '',
    year              INTEGER,
    url               TEXT,
    doi               TEXT,
    arxiv_id          TEXT,
    authors           TEXT,                  -- JSON array of names
    title_key         TEXT NOT NULL,         -- normalised title used for deduplication
    content_hash      TEXT NOT NULL,         -- hash of title + abstract
    extractor_version TEXT,                  -- version that produced this paper's mentions
    empty_abstract    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS paper_sources (
    paper_id TEXT NOT NULL REFERENCES papers(id),
    path     TEXT NOT NULL,
    line     INTEGER NOT NULL,
    format   TEXT,
    PRIMARY KEY (paper_id, path, line)
);
CREATE TABLE IF NOT EXISTS entities (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,        -- normalised canonical key
    name        TEXT NOT NULL,               -- display name
    type        TEXT NOT NULL,               -- method | dataset | metric | task
    family_id   INTEGER REFERENCES entities(id),  -- variant_of: ResNet-50 -> ResNet
    paper_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS aliases (
    alias_key TEXT NOT NULL,
    alias     TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    source    TEXT NOT NULL DEFAULT 'extracted',   -- extracted | abbreviation | user
    PRIMARY KEY (alias_key, entity_id)
);
CREATE TABLE IF NOT EXISTS mentions (
    paper_id   TEXT NOT NULL REFERENCES papers(id),
    entity_id  INTEGER NOT NULL REFERENCES entities(id),
    surface    TEXT NOT NULL,
    field      TEXT NOT NULL,                -- title | abstract
    start      INTEGER NOT NULL,             -- character offsets into the field, end-exclusive
    end        INTEGER NOT NULL,
    sent_start INTEGER NOT NULL,             -- the evidence sentence, same offsets (text: view mention_evidence)
    sent_end   INTEGER NOT NULL,
    role       TEXT NOT NULL DEFAULT 'used', -- proposed | used
    rule       TEXT,
    PRIMARY KEY (paper_id, field, start, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paper_entity (
    paper_id  TEXT NOT NULL REFERENCES papers(id),
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    role      TEXT NOT NULL,                 -- proposed if any mention proposes it, else used
    mentions  INTEGER NOT NULL,
    sentence  TEXT NOT NULL,                 -- the first evidence sentence
    PRIMARY KEY (paper_id, entity_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS code_links (
    paper_id TEXT NOT NULL REFERENCES papers(id),
    url      TEXT NOT NULL,
    host     TEXT NOT NULL,
    owner    TEXT,
    repo     TEXT,
    kind     TEXT NOT NULL DEFAULT 'code',
    sentence TEXT,
    PRIMARY KEY (paper_id, url)
);
CREATE TABLE IF NOT EXISTS results (
    id          INTEGER PRIMARY KEY,
    paper_id    TEXT NOT NULL REFERENCES papers(id),
    method_id   INTEGER REFERENCES entities(id),
    dataset_id  INTEGER REFERENCES entities(id),
    metric_id   INTEGER REFERENCES entities(id),
    baseline_id INTEGER REFERENCES entities(id),
    method      TEXT,
    dataset     TEXT,
    metric      TEXT NOT NULL,
    baseline    TEXT,
    value       REAL NOT NULL,
    unit        TEXT,
    kind        TEXT NOT NULL,               -- absolute | improvement | ratio
    value_text  TEXT,
    sentence    TEXT
);
-- Louvain communities of the paper projection, computed by the build (graph/communities.py).
-- Valid when meta 'communities_stale' is '0' (and the build is not 'dirty').
CREATE TABLE IF NOT EXISTS communities (
    id    INTEGER PRIMARY KEY,               -- 0 = the largest
    size  INTEGER NOT NULL,                  -- number of papers
    label TEXT NOT NULL                      -- the top characteristic entities, ' / '-separated
);
CREATE TABLE IF NOT EXISTS community_entities (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    rank         INTEGER NOT NULL,           -- 0 = the most characteristic
    entity_id    INTEGER NOT NULL REFERENCES entities(id),
    count        INTEGER NOT NULL,           -- member papers mentioning it
    score        REAL NOT NULL,              -- count * log(lift)
    PRIMARY KEY (community_id, rank)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS community_papers (
    community_id INTEGER NOT NULL REFERENCES communities(id),
    rank         INTEGER NOT NULL,           -- 0 = the most connected member
    paper_id     TEXT NOT NULL REFERENCES papers(id),
    PRIMARY KEY (community_id, rank)
) WITHOUT ROWID;
-- Entities whose paper_count and entities_fts row the next finalize must refresh: filled by triggers
-- (entity created, renamed or deleted; alias added, moved or removed) and by the writer (edges written,
-- deleted or merged).
CREATE TABLE IF NOT EXISTS entities_todo (
    entity_id INTEGER PRIMARY KEY
);
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS idx_papers_title_key ON papers(title_key);
CREATE INDEX IF NOT EXISTS idx_papers_doi ON papers(doi);
CREATE INDEX IF NOT EXISTS idx_papers_arxiv ON papers(arxiv_id);
-- papers by year, and each paper's year by id: an entity's newest papers are read from them (graph/queries.py)
CREATE INDEX IF NOT EXISTS idx_papers_year_id ON papers(year DESC, id);
CREATE INDEX IF NOT EXISTS idx_papers_id_year ON papers(id, year);
-- (no index of mentions by entity: 0.7 KB per paper for lookups that go through paper_entity instead)
-- an entity's papers in rank order (proposed before used, more mentions first; paper_id follows, as the key)
CREATE INDEX IF NOT EXISTS idx_paper_entity_rank ON paper_entity(entity_id, role, mentions DESC);
CREATE INDEX IF NOT EXISTS idx_entities_type ON entities(type, paper_count);
CREATE INDEX IF NOT EXISTS idx_entities_family ON entities(family_id);
CREATE INDEX IF NOT EXISTS idx_aliases_entity ON aliases(entity_id);
CREATE INDEX IF NOT EXISTS idx_code_links_repo ON code_links(owner, repo);
CREATE INDEX IF NOT EXISTS idx_results_dataset ON results(dataset_id, metric_id);
CREATE INDEX IF NOT EXISTS idx_results_paper ON results(paper_id);
CREATE INDEX IF NOT EXISTS idx_community_papers_paper ON community_papers(paper_id);
"""

# Indexes that only queries and finalize read: a fresh build ("bulk load", meta 'bulk_load' = '1') drops them
# before its first batch and finalize creates them again (graph/store.py). Random inserts into them (above all
# idx_paper_entity_rank: ~12 edges per paper spread over every entity) would dirty thousands of pages per
# batch. The planner's indexes (papers' doi, arxiv_id, title_key) and the keys the writer looks up (entities.key,
# aliases' primary key) stay. idx_entities_type is created after finalize has set the paper counts.
BULK_DROPPED_INDEXES = (
    "idx_papers_year_id", "idx_papers_id_year", "idx_paper_entity_rank", "idx_entities_family", "idx_aliases_entity",
    "idx_code_links_repo", "idx_results_dataset", "idx_entities_type",
)


def index_statements() -> dict[str, str]:
    """``{index name: its CREATE INDEX IF NOT EXISTS statement}`` of :data:`INDEXES`."""
    out = {}
    for line in INDEXES.splitlines():
        if line.startswith("CREATE INDEX"):
            out[line.split()[5]] = line.rstrip(";")
    return out


# Full-text search. papers_fts is an external-content FTS5 table over papers, kept in step incrementally:
# the writer indexes each batch's new papers in one INSERT ... SELECT (five times cheaper than a per-row
# trigger), triggers 'delete' a changed or deleted paper's old text and index the new one, and finalize
# indexes any rows appended without the writer (rowid above the index's largest). A small update to a
# large database does not rewrite the index. entities_fts (name, ' | '-joined aliases) is rewritten by
# finalize for the entities listed in entities_todo.
FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(
    title, abstract, content='papers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS entities_fts USING fts5(
    name, aliases, tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
END;
CREATE TRIGGER IF NOT EXISTS papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract) VALUES ('delete', old.rowid, old.title, old.abstract);
    INSERT INTO papers_fts(rowid, title, abstract) VALUES (new.rowid, new.title, new.abstract);
END;
CREATE TRIGGER IF NOT EXISTS entities_todo_on_insert AFTER INSERT ON entities BEGIN
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS entities_todo_on_delete AFTER DELETE ON entities BEGIN
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (old.id);
END;
CREATE TRIGGER IF NOT EXISTS entities_todo_on_rename AFTER UPDATE OF name ON entities BEGIN
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (new.id);
END;
CREATE TRIGGER IF NOT EXISTS entities_todo_on_alias_insert AFTER INSERT ON aliases BEGIN
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (new.entity_id);
END;
CREATE TRIGGER IF NOT EXISTS entities_todo_on_alias_delete AFTER DELETE ON aliases BEGIN
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (old.entity_id);
END;
CREATE TRIGGER IF NOT EXISTS entities_todo_on_alias_update AFTER UPDATE OF entity_id, alias ON aliases BEGIN
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (old.entity_id);
    INSERT OR IGNORE INTO entities_todo(entity_id) VALUES (new.entity_id);
END;
"""

# Views that make the common questions one short query (documented in README.md).
VIEWS = """
CREATE VIEW IF NOT EXISTS paper_entities AS
    SELECT pe.paper_id, p.title, p.year, e.id AS entity_id, e.name AS entity, e.type, pe.role,
           pe.mentions, pe.sentence AS evidence
    FROM paper_entity pe JOIN papers p ON p.id = pe.paper_id JOIN entities e ON e.id = pe.entity_id;
CREATE VIEW IF NOT EXISTS entity_papers AS
    SELECT e.id AS entity_id, e.name AS entity, e.type, p.id AS paper_id, p.title, p.year, pe.role,
           pe.sentence AS evidence
    FROM entities e JOIN paper_entity pe ON pe.entity_id = e.id JOIN papers p ON p.id = pe.paper_id;
CREATE VIEW IF NOT EXISTS shared_entities AS
    SELECT a.paper_id AS paper_a, b.paper_id AS paper_b, e.name AS entity, e.type, e.id AS entity_id,
           a.sentence AS evidence_a, b.sentence AS evidence_b
    FROM paper_entity a JOIN paper_entity b ON a.entity_id = b.entity_id AND a.paper_id <> b.paper_id
    JOIN entities e ON e.id = a.entity_id;
CREATE VIEW IF NOT EXISTS entity_code_links AS
    SELECT e.id AS entity_id, e.name AS entity, e.type, c.paper_id, c.url, c.host, c.owner, c.repo, pe.role
    FROM entities e JOIN paper_entity pe ON pe.entity_id = e.id JOIN code_links c ON c.paper_id = pe.paper_id;
CREATE VIEW IF NOT EXISTS mention_evidence AS
    SELECT m.paper_id, m.entity_id, m.surface, m.field, m.start, m.end, m.sent_start, m.sent_end, m.role, m.rule,
           substr(CASE m.field WHEN 'title' THEN p.title ELSE p.abstract END, m.sent_start + 1,
                  m.sent_end - m.sent_start) AS sentence
    FROM mentions m JOIN papers p ON p.id = m.paper_id;
CREATE VIEW IF NOT EXISTS entity_families AS
    SELECT v.id AS variant_id, v.name AS variant, f.id AS family_id, f.name AS family, v.type
    FROM entities v JOIN entities f ON f.id = v.family_id;
CREATE VIEW IF NOT EXISTS leaderboard AS
    SELECT COALESCE(d.name, r.dataset) AS dataset, COALESCE(m.name, r.metric) AS metric, r.value, r.unit, r.kind,
           COALESCE(me.name, r.method) AS method, r.baseline, r.paper_id, p.title, p.year, r.sentence AS evidence
    FROM results r JOIN papers p ON p.id = r.paper_id
    LEFT JOIN entities d ON d.id = r.dataset_id LEFT JOIN entities m ON m.id = r.metric_id
    LEFT JOIN entities me ON me.id = r.method_id;
"""

# The views' names, for documentation and tests.
VIEW_NAMES = ("paper_entities", "entity_papers", "shared_entities", "mention_evidence", "entity_code_links",
              "entity_families", "leaderboard")
TABLE_NAMES = ("meta", "papers", "paper_sources", "entities", "aliases", "mentions", "paper_entity", "code_links", "results",
               "communities", "community_entities", "community_papers", "entities_todo")
TRIGGER_NAMES = ("papers_fts_delete", "papers_fts_update", "entities_todo_on_insert",
                 "entities_todo_on_delete", "entities_todo_on_rename", "entities_todo_on_alias_insert",
                 "entities_todo_on_alias_delete", "entities_todo_on_alias_update")

# SQL for a mention's evidence sentence, given the mention ``m`` and its paper ``p`` (as in mention_evidence).
MENTION_SENTENCE_SQL = (
    "substr(CASE m.field WHEN 'title' THEN p.title ELSE p.abstract END, m.sent_start + 1, m.sent_end - m.sent_start)"
)
