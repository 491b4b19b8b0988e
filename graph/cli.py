"""The ``litkg`` command line: a thin click layer over the Python API.

Database path first, JSON output by default (``--table`` / ``--csv`` where
useful). Every domain error becomes one line on stderr and exit status 1.
"""

from __future__ import annotations

import atexit
import functools
import gc
import sys
from pathlib import Path

import click

from extract.errors import LitkgError
from extract.gc_pause import collector_paused
from graph.output import emit, output_options


def handle_errors(f):
    """Turn a :class:`LitkgError` into ``Error: <message>`` and exit code 1, with no traceback."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except LitkgError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("interrupted: everything committed so far is kept; run the same command again to finish",
                       err=True)
            sys.exit(130)

    return wrapper


class LazyGroup(click.Group):
    """A group whose subcommands living in other modules are imported on first use."""

    lazy: dict[str, str] = {}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is None and name in self.lazy:
            module_name, attr = self.lazy[name].split(":")
            import importlib

            cmd = getattr(importlib.import_module(module_name), attr)
        return cmd


@click.group(cls=LazyGroup)
@click.version_option(package_name="litkg")
def cli() -> None:
    """litkg: a literature knowledge graph of methods, datasets, metrics, tasks and code links.

    Build a graph from paper abstracts, then explore it with the commands
    below, the Streamlit app (litkg app DB), exported HTML views or plain SQL.
    """


# Commands defined in other modules: name -> "module:attribute".
LazyGroup.lazy.update({
    "neighbors": "graph.commands_query:neighbors",
    "shared": "graph.commands_query:shared",
    "similar": "graph.commands_query:similar",
    "path": "graph.commands_query:path",
    "together": "graph.commands_query:together",
    "top": "graph.commands_query:top",
    "communities": "graph.commands_query:communities",
    "paper": "graph.commands_query:paper",
    "entity": "graph.commands_query:entity",
    "leaderboard": "graph.commands_results:leaderboard",
    "results": "graph.commands_results:results",
    "benchmarks": "graph.commands_results:benchmarks",
    "export-html": "graph.commands_export:export_html_command",
    "export": "graph.commands_export:export_command",
})


def _progress(stats) -> None:
    click.echo(
        f"\r  read {stats.read:,}  new {stats.new:,}  updated {stats.updated:,}  unchanged {stats.unchanged:,}"
        f"  mentions {stats.mentions:,}",
        nl=False,
        err=True,
    )


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["hf-listing", "jsonl", "csv", "bibtex", "arxiv", "openalex"]),
              help="Read every source as this format instead of detecting it")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False),
              help="User aliases file (TOML): add aliases, split merges, retype or block entities")
@click.option("--skip-bad", is_flag=True, help="Skip bad records (reported at the end) instead of stopping")
@click.option("--batch-size", type=int, default=1000, show_default=True, help="Papers per transaction")
@click.option("--workers", default="auto", show_default=True,
              help="Extraction processes on this machine: a number, or auto (serial for small corpora or busy cores)")
@click.option("--scheduler", help="Address of a Dask scheduler (tcp://HOST:PORT) to extract on a cluster")
@click.option("--progress/--no-progress", default=None, help="Progress line (default: only on a terminal)")
@click.option("--no-communities", is_flag=True,
              help="Do not compute the paper communities at the end (the app then computes them on first use)")
@handle_errors
def build(db, sources, fmt, aliases, skip_bad, batch_size, workers, scheduler, progress, no_communities):
    """Ingest SOURCES, extract entities and store them in DB (incremental).

    A second run over the same sources changes nothing; changed abstracts, a new
    extractor version or a changed aliases file are re-extracted.

    Example: litkg build data/litkg.db data/*.txt
    """
    from graph.build import build as run_build

    show = sys.stderr.isatty() if progress is None else progress
    stats = run_build(
        db, sources, format=fmt, aliases=aliases, skip_bad=skip_bad, batch_size=batch_size,
        workers=workers, scheduler=scheduler, progress=_progress if show else None, communities=not no_communities,
    )
    if show:
        click.echo("", err=True)
    report = {
        "database": str(db), "read": stats.read, "new": stats.new, "updated": stats.updated,
        "unchanged": stats.unchanged, "duplicates": stats.duplicates, "skipped": stats.skipped,
        "empty_abstracts": stats.empty_abstracts, "mentions": stats.mentions, "code_links": stats.code_links,
        "results": stats.results, "seconds": round(stats.seconds, 2),
        "finalize_seconds": None if stats.finalize_seconds is None else round(stats.finalize_seconds, 2),
        "communities_seconds": None if stats.communities_seconds is None else round(stats.communities_seconds, 2),
    }
    if stats.skipped_records:
        report["skipped_records"] = stats.skipped_records[:50]
    emit(report)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@handle_errors
def stats(db):
    """Counts of papers, entities by type, mentions, code links and results."""
    from graph.sql import stats as get_stats

    emit(get_stats(db))


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("query")
@click.option("--limit", default=20, show_default=True)
@click.option("--kind", type=click.Choice(["all", "paper", "entity"]), default="all", show_default=True)
@output_options
@handle_errors
def search(db, query, limit, kind, fmt):
    """Full-text search over papers and entity names (any text is safe: bob's works)."""
    from graph.sql import search as run_search

    emit(run_search(db, query, limit=limit, kind=kind), fmt=fmt)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.argument("sql")
@click.option("-p", "--param", "params", multiple=True, type=(str, str), help="Named parameter: -p name value")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds before the query is stopped")
@output_options
@handle_errors
def sql(db, sql, params, timeout, fmt):
    """Run a read-only SQL query; print a JSON array of row objects.

    The file is opened read-only: INSERT, UPDATE, DELETE and other writes are refused.

    Example: litkg sql data/litkg.db "SELECT entity, count(*) n FROM entity_papers GROUP BY entity ORDER BY n DESC LIMIT 5"
    """
    from graph.sql import run_sql

    columns, rows = run_sql(db, sql, dict(params) if params else None, timeout=timeout)
    emit(rows, fmt=fmt, columns=columns)


@cli.command()
@click.argument("input", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True,
              help="Where to write the JSON Lines output")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), help="User aliases file (TOML)")
@handle_errors
def extract(input, output, aliases):
    """Extract entities, code links and results from INPUT.jsonl lines {"id", "text", "title"?}.

    Writes one line per input: {"id", "entities": [...], "code": [...], "results": [...]}.
    """
    extractor = _load_extractor(aliases)  # (with the heap frozen: see there)
    from extract.extract_io import extract_jsonl

    try:  # (Extractor.pipe collects young objects rarely while it runs: see extract.gc_pause.collector_relaxed)
        n = extract_jsonl(input, output, extractor=extractor)
    finally:
        gc.unfreeze()
    click.echo(f"extracted {n} documents", err=True)
    _skip_collection_at_exit()


def _load_extractor(aliases):
    """Import the pipeline and build the extractor (with the user's alias rules, if any), with the cyclic
    garbage collector paused: importing spaCy and building the pipeline make long-lived objects, not garbage.

    What they made (~230K objects) lives as long as the command, so it is frozen (``gc.freeze``) before
    the collector is on again: else the collector's first run walks all of it (~0.12 s), and later runs
    again. The caller unfreezes it when done.
    """
    with collector_paused():
        from extract.aliases import AliasRules
        from extract.pipeline import Extractor

        extractor = Extractor(aliases=AliasRules.from_file(aliases) if aliases else None)
        gc.freeze()
    return extractor


def _skip_collection_at_exit() -> None:
    """At interpreter exit, keep the garbage collector off the objects alive then (it would walk the
    whole heap, the pipeline's included, twice: ~0.25 s; the memory goes back to the system anyway).

    An exit handler, so that a process that goes on (tests, an embedding program) is not affected.
    """
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


@cli.command()
@click.argument("db", type=click.Path(dir_okay=False))
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@handle_errors
def app(db, port, host):
    """Start the Streamlit explorer on DB (headless, on 127.0.0.1, usage statistics off)."""
    import os

    from graph.db import open_db

    open_db(db, readonly=True).conn.close()  # a clear error now rather than in the browser
    script = Path(__file__).resolve().parent.parent / "ui" / "app.py"
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.address", host, "--server.port", str(port),
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--client.toolbarMode", "viewer",
        "--", "--db", str(Path(db).resolve()),
    ]
    click.echo(f"litkg app: http://{host}:{port}/  (database {db})", err=True)
    env = dict(os.environ, LITKG_DB=str(Path(db).resolve()))
    # Replace this process with Streamlit's, so signals (Ctrl-C, SIGTERM) reach the server directly.
    os.execve(sys.executable, cmd, env)


if __name__ == "__main__":  # pragma: no cover
    cli()
