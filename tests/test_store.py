import json

from conftest import TINY_CORPUS, make_extraction

from extract.records import Extraction, Paper, SourceRef
from graph.db import open_db
from graph.store import GraphWriter, WriteStats, content_hash, new_paper_id


def rows(db, sql, params=()):
    return [tuple(r) for r in db.execute(sql, params).fetchall()]


def test_tiny_db_contents(tiny_db):
    db = open_db(tiny_db, readonly=True)
    assert rows(db, "SELECT count(*) FROM papers") == [(len(TINY_CORPUS),)]
    # ADE20K is used by HorNet, the ConvNet paper and the crafted paper
    titles = {r[0] for r in rows(db, "SELECT title FROM entity_papers WHERE entity = 'ADE20K'")}
    assert len(titles) == 3 and any(t.startswith("HorNet") for t in titles)
    (count,) = rows(db, "SELECT paper_count FROM entities WHERE name = 'ADE20K'")[0]
    assert count == 3
    # variant_of: ResNet-50 -> ResNet
    assert rows(db, "SELECT variant, family FROM entity_families WHERE variant = 'ResNet-50'") == [("ResNet-50", "ResNet")]
    # a family entity no paper mentions directly is kept for its variants (ImageNet-1K -> ImageNet is mentioned;
    # check the link exists)
    assert rows(db, "SELECT family FROM entity_families WHERE variant = 'ImageNet-1K'") == [("ImageNet",)]
    # role: HorNet proposed by its paper
    assert rows(db, "SELECT role FROM paper_entities WHERE entity = 'HorNet'") == [("proposed",)]
    # evidence sentence of an edge is the sentence holding the first abstract mention
    (ev,) = rows(db, "SELECT evidence FROM paper_entities WHERE entity = 'ADE20K' AND title LIKE 'HorNet%'")[0]
    assert ev.startswith("HorNet also shows") and "ADE20K" in ev
    # empty abstract flagged, paper kept
    assert rows(db, "SELECT empty_abstract FROM papers WHERE title LIKE 'An Unconnected%'") == [(1,)]
    # code links and results
    assert rows(db, "SELECT owner, repo FROM code_links WHERE url LIKE '%HorNet'") == [("raoyongming", "HorNet")]
    lb = rows(db, "SELECT method, value FROM leaderboard WHERE dataset = 'ImageNet-1K' ORDER BY value DESC")
    assert lb == [("ConvNeXt", 87.8), ("HorNet", 84.3)]
    # FTS over papers and entities
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'mamba'")[0][0] == 2
    assert rows(db, "SELECT name FROM entities_fts WHERE entities_fts MATCH 'ade20k'") == [("ADE20K",)]
    db.conn.close()


def test_paper_ids_are_stable_and_prefer_identifiers():
    p = Paper(title="A ConvNet for the 2020s")
    assert new_paper_id(p) == new_paper_id(Paper(title="a convnet for the 2020s."))
    assert new_paper_id(Paper(title="x", arxiv_id="arXiv:2201.03545v1")) == "2201.03545"
    assert new_paper_id(Paper(title="x", doi="https://doi.org/10.1/ABC")) == "doi:10.1/abc"
    assert content_hash(p) != content_hash(Paper(title="A ConvNet for the 2020s", abstract="changed"))


def _write(path, papers_with_ex, version="v1"):
    db = open_db(path)
    w = GraphWriter(db, version)
    plans = w.plan([p for p, _ in papers_with_ex])
    stats = WriteStats()
    w.write_batch(plans, {pl.paper_id: ex for pl, (_, ex) in zip(plans, papers_with_ex, strict=True)
                          if pl.action in ("new", "update")}, stats)
    w.finalize()
    db.conn.close()
    return plans, stats


def test_rewrite_replaces_a_papers_mentions_and_counts(tmp_path):
    path = tmp_path / "g.db"
    t, a = "Paper One", "We use ADE20K and COCO."
    ex1 = make_extraction(t, a, [("ADE20K", "dataset", "used", None, None), ("COCO", "dataset", "used", None, None)])
    _write(path, [(Paper(title=t, abstract=a), ex1)])
    a2 = "We use COCO only."
    ex2 = make_extraction(t, a2, [("COCO", "dataset", "used", None, None)])
    plans, stats = _write(path, [(Paper(title=t, abstract=a2), ex2)])
    assert plans[0].action == "update" and stats.updated == 1
    db = open_db(path, readonly=True)
    assert rows(db, "SELECT name, paper_count FROM entities ORDER BY name") == [("COCO", 1)]  # ADE20K dropped
    assert rows(db, "SELECT count(*) FROM mentions") == [(1,)]
    db.conn.close()


def test_unchanged_and_duplicate_plans(tmp_path):
    path = tmp_path / "g.db"
    p = Paper(title="Same", abstract="text", sources=(SourceRef("a.jsonl", 1),))
    _write(path, [(p, Extraction())])
    db = open_db(path)
    w = GraphWriter(db, "v1")
    dup = Paper(title="same.", abstract="other text", year=2020, sources=(SourceRef("b.jsonl", 7),))
    plans = w.plan([p, dup])
    assert [pl.action for pl in plans] == ["unchanged", "duplicate"]
    w.write_batch(plans, {}, WriteStats())
    assert rows(db, "SELECT path, line FROM paper_sources ORDER BY path") == [("a.jsonl", 1), ("b.jsonl", 7)]
    assert rows(db, "SELECT year, abstract FROM papers") == [(2020, "text")]  # filled, not overwritten
    # a new extractor version re-extracts
    assert GraphWriter(db, "v2").plan([p])[0].action == "update"
    db.conn.close()


def test_abbreviation_in_another_paper_merges_into_long_form(tmp_path):
    path = tmp_path / "g.db"
    # paper 1 only says "MIM"; paper 2 defines "masked image modeling (MIM)"
    t1, a1 = "Bare", "We study MIM for convnets."
    ex1 = make_extraction(t1, a1, [("MIM", "method", "used", None, None)])
    t2, a2 = "Defines", "We revisit masked image modeling (MIM) at scale."
    ex2 = make_extraction(t2, a2, [("masked image modeling", "method", "used", None, None)])
    ex2 = Extraction(mentions=tuple(m.__class__(**{**_asdict(m), "aliases": ("MIM",)}) for m in ex2.mentions))
    _write(path, [(Paper(title=t1, abstract=a1), ex1), (Paper(title=t2, abstract=a2), ex2)])
    db = open_db(path, readonly=True)
    assert rows(db, "SELECT name, paper_count FROM entities") == [("masked image modeling", 2)]
    aliases = {r[0] for r in rows(db, "SELECT alias FROM aliases")}
    assert "MIM" in aliases
    # the bare paper's mention moved with its edge
    assert rows(db, "SELECT p.title, e.name, m.surface FROM mentions m JOIN papers p ON p.id = m.paper_id "
                    "JOIN entities e ON e.id = m.entity_id ORDER BY p.title") == [
        ("Bare", "masked image modeling", "MIM"), ("Defines", "masked image modeling", "masked image modeling")]
    db.conn.close()


def _asdict(m):
    from dataclasses import asdict

    return asdict(m)


def test_authors_stored_as_json(tmp_path):
    path = tmp_path / "g.db"
    _write(path, [(Paper(title="T", abstract="x", authors=("Ada Lovelace", "Alan Turing")), Extraction())])
    db = open_db(path, readonly=True)
    assert json.loads(rows(db, "SELECT authors FROM papers")[0][0]) == ["Ada Lovelace", "Alan Turing"]
    db.conn.close()


def test_full_text_indexes_follow_updates_without_a_rebuild(tmp_path):
    path = tmp_path / "g.db"
    t = "Paper One"
    ex1 = make_extraction(t, "We use ADE20K.", [("ADE20K", "dataset", "used", None, None)])
    _write(path, [(Paper(title=t, abstract="We use ADE20K."), ex1),
                  (Paper(title="Other", abstract="Zebras."), Extraction())])
    db = open_db(path)
    statements = []
    db.conn.set_trace_callback(statements.append)
    w = GraphWriter(db, "v1")
    ex2 = make_extraction(t, "We use COCO instead.", [("COCO", "dataset", "used", None, None)])
    plans = w.plan([Paper(title=t, abstract="We use COCO instead.")])
    w.write_batch(plans, {plans[0].paper_id: ex2}, WriteStats())
    w.finalize()
    db.conn.set_trace_callback(None)
    assert not [s for s in statements if "VALUES ('rebuild')" in s]
    # the index matches the table (FTS5's own check), old words are gone, new ones found
    db.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
    db.execute("INSERT INTO entities_fts(entities_fts) VALUES ('integrity-check')")
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'ade20k'") == [(0,)]
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'coco'") == [(1,)]
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'zebras'") == [(1,)]
    # entities: ADE20K dropped (no paper), COCO added; only those rows were rewritten
    assert rows(db, "SELECT name FROM entities_fts ORDER BY name") == [("COCO",)]
    assert rows(db, "SELECT count(*) FROM entities_todo") == [(0,)]
    # a paper appended by something else than the writer is indexed by the next finalize
    db.execute("INSERT INTO papers(id, title, abstract, title_key, content_hash) VALUES ('x', 'Giraffes', '', 'g', 'h')")
    db.execute("INSERT INTO meta(key, value) VALUES ('dirty', '1') ON CONFLICT(key) DO UPDATE SET value = '1'")
    db.conn.commit()
    w.finalize()
    assert rows(db, "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'giraffes'") == [(1,)]
    db.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
    db.conn.close()


def test_result_names_are_linked_to_entities_created_later(tmp_path):
    path = tmp_path / "g.db"
    # paper 1 reports a result of "FlexNet" on "ToyBench" before any paper mentions them; paper 2 does
    ex1 = make_extraction("First", "FlexNet gets 50.1 mIoU on ToyBench.", [],
                          results=[("FlexNet", "ToyBench", "mIoU", 50.1, None, "absolute", "s"),
                                   ("NoSuchNet", None, "mIoU", 1.0, None, "absolute", "s")])
    ex2 = make_extraction("Second", "We use FlexNet on ToyBench.",
                          [("FlexNet", "method", "used", None, None), ("ToyBench", "dataset", "used", None, None)])
    _write(path, [(Paper(title="First", abstract="FlexNet gets 50.1 mIoU on ToyBench."), ex1),
                  (Paper(title="Second", abstract="We use FlexNet on ToyBench."), ex2)])
    db = open_db(path, readonly=True)
    got = rows(db, "SELECT r.method, m.name, d.name FROM results r LEFT JOIN entities m ON m.id = r.method_id "
                   "LEFT JOIN entities d ON d.id = r.dataset_id ORDER BY r.id")
    assert got == [("FlexNet", "FlexNet", "ToyBench"), ("NoSuchNet", None, None)]
    db.conn.close()
