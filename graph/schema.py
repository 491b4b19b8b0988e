"""The litkg database schema: tables, indexes, views and full-text search.

The schema is versioned in the ``meta`` table (key ``schema_version``). An older
file is migrated by :func:`graph.db.ensure_schema`; a newer one is refused.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

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
    sent_start INTEGER NOT NULL,             -- the evidence sentence, same offsets
    sent_end   INTEGER NOT NULL,
    sentence   TEXT NOT NULL,
    role       TEXT NOT NULL DEFAULT 'used', -- proposed | used
    rule       TEXT,
    PRIMARY KEY (paper_id, field, start, entity_id)
);
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
"""

INDEXES = """
CREATE INDEX IF NOT EXISTS idx_papers_title_key ON papers(title_key);
CREATE INDEX IF NOT EXISTS idx_papers_doi ON papers(doi);
CREATE INDEX IF NOT EXISTS idx_papers_arxiv ON papers(arxiv_id);
CREATE INDEX IF NOT EXISTS idx_papers_year ON papers(year);
CREATE INDEX IF NOT EXISTS idx_mentions_entity ON mentions(entity_id, paper_id);
CREATE INDEX IF NOT EXISTS idx_paper_entity_entity ON paper_entity(entity_id, paper_id);
CREATE INDEX IF NOT EXISTS idx_entities_type ON entities(type, paper_count);
CREATE INDEX IF NOT EXISTS idx_entities_family ON entities(family_id);
CREATE INDEX IF NOT EXISTS idx_aliases_entity ON aliases(entity_id);
CREATE INDEX IF NOT EXISTS idx_code_links_repo ON code_links(owner, repo);
CREATE INDEX IF NOT EXISTS idx_results_dataset ON results(dataset_id, metric_id);
CREATE INDEX IF NOT EXISTS idx_results_paper ON results(paper_id);
"""

# Full-text search: external-content FTS5 tables, rebuilt at the end of every build.
FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5(
    title, abstract, content='papers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS entities_fts USING fts5(
    name, aliases, tokenize='unicode61 remove_diacritics 2'
);
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
VIEW_NAMES = ("paper_entities", "entity_papers", "shared_entities", "entity_code_links", "entity_families", "leaderboard")
TABLE_NAMES = ("meta", "papers", "paper_sources", "entities", "aliases", "mentions", "paper_entity", "code_links", "results")
