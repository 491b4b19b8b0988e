"""The litkg CLI: JSON by default, clear one-line errors, read-only SQL."""

import json
import sqlite3

from click.testing import CliRunner

from graph.cli import cli


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


def test_stats_json(tiny_db):
    r = run("stats", tiny_db)
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["papers"] == 8 and data["entities_by_type"]["dataset"] >= 6 and data["code_links"] == 3
    assert data["schema_version"] == 3
    # the build stored its communities; a file marked stale (e.g. built with --no-communities) says so
    assert data["communities"] >= 2 and data["communities_fresh"] is True
    conn = sqlite3.connect(tiny_db)
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'communities_stale'")
    conn.commit()
    conn.close()
    assert json.loads(run("stats", tiny_db).output)["communities_fresh"] is False


def test_search_quotes_user_text_safely(tiny_db):
    for q in ["bob's", 'he said "hi"', "AND OR NOT (", "*", "ade20k"]:
        r = run("search", tiny_db, q)
        assert r.exit_code == 0, (q, r.output)
        json.loads(r.output)
    hits = json.loads(run("search", tiny_db, "ADE20K").output)
    assert hits[0]["kind"] == "entity" and hits[0]["name"] == "ADE20K"
    papers = json.loads(run("search", tiny_db, "mamba", "--kind", "paper").output)
    assert {p["name"].split(":")[0] for p in papers} == {"Mamba", "VideoMamba"}


def test_sql_prints_json_rows(tiny_db):
    r = run("sql", tiny_db, "SELECT entity, count(*) AS n FROM entity_papers GROUP BY entity ORDER BY n DESC, entity LIMIT 2")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [{"entity": "ADE20K", "n": 3}, {"entity": "COCO", "n": 3}]


def test_sql_named_params_and_table_output(tiny_db):
    r = run("sql", tiny_db, "SELECT name FROM entities WHERE name = :n", "-p", "n", "COCO", "--table")
    assert r.exit_code == 0
    assert r.output.splitlines() == ["name", "----", "COCO"]


def test_csv_output_neutralises_formulas(tiny_db):
    import csv
    import io

    r = run("sql", tiny_db, "SELECT '=HYPERLINK(1)' AS a, '@x' AS b, -2 AS c, 'plain' AS d", "--csv")
    assert r.exit_code == 0, r.output
    assert list(csv.reader(io.StringIO(r.output))) == [["a", "b", "c", "d"], ["'=HYPERLINK(1)", "'@x", "-2", "plain"]]


def test_sql_refuses_writes_and_keeps_data(tiny_db):
    for stmt in ["DELETE FROM papers", "  drop table papers", "UPDATE papers SET title = 'x'",
                 "WITH x AS (SELECT 1) DELETE FROM papers", "PRAGMA writable_schema = 1"]:
        r = run("sql", tiny_db, stmt)
        assert r.exit_code == 1, stmt
        assert r.output.startswith("Error: ") and "Traceback" not in r.output
        assert len(r.output.strip().splitlines()) == 1
    assert json.loads(run("sql", tiny_db, "SELECT count(*) AS n FROM papers").output) == [{"n": 8}]


def test_sql_syntax_error_is_one_line(tiny_db):
    r = run("sql", tiny_db, "SELEC nothing")
    assert r.exit_code == 1 and r.output.startswith("Error: SQL error")


def test_missing_database_is_clear(tmp_path):
    r = run("stats", tmp_path / "none.db")
    assert r.exit_code == 1 and "no such database" in r.output


def test_build_malformed_line_is_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "ok", "abstract": "fine"}\n{"title": \n')
    r = run("build", tmp_path / "g.db", bad)
    assert r.exit_code == 1
    assert r.output.startswith(f"Error: {bad}:2:") and "Traceback" not in r.output
    assert not (tmp_path / "g.db").exists()
