"""``litkg build``: read sources, extract, store — streaming, in bounded batches.

The composition root of the pipeline: it is the one place that calls both
``extract`` (readers and the extractor) and the store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Protocol

from extract.errors import IngestError
from extract.records import Extraction, Paper
from graph.db import open_db
from graph.store import GraphWriter, WriteStats

BATCH_SIZE = 1000
CACHE_KIB = 256 * 1024  # the build's SQLite page cache
# A fresh extractor every this many documents: spaCy's vocabulary keeps every string it has seen (about
# 2 MB per 1,000 synthetic abstracts), which would otherwise grow without bound on a million papers.
# Extraction is a pure function of each document, so the output does not change.
RECYCLE_DOCS = 100_000


class ExtractorLike(Protocol):
    version: str

    def pipe(self, items: Iterable[tuple[str, str]], batch_size: int = ...) -> Iterator[Extraction]: ...


ProgressFn = Callable[[WriteStats], None]


def tune_writer(db) -> None:
    """Connection settings for the build's writer.

    A larger page cache (SQLite's default is 2 MB): the entity-ordered indexes of mentions and edges
    take inserts all over the file.
    """
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def batched(items: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def extractor_version(aliases_path: str | Path | None = None) -> tuple[str, Callable[[], ExtractorLike]]:
    """The current extractor version and a factory that builds the extractor lazily.

    Building the spaCy pipeline costs a second or two: a re-run over an unchanged
    corpus never pays it.
    """
    from extract.aliases import AliasRules
    from extract.pipeline import Extractor, pipeline_version

    rules = AliasRules.from_file(aliases_path) if aliases_path else None
    version = pipeline_version(aliases=rules)

    def make() -> ExtractorLike:
        return Extractor(aliases=rules)

    return version, make


def build(
    db_path: str | Path,
    sources: Sequence[str | Path],
    *,
    format: str | None = None,
    aliases: str | Path | None = None,
    skip_bad: bool = False,
    batch_size: int = BATCH_SIZE,
    workers: int | str = 1,
    scheduler: str | None = None,
    extractor: ExtractorLike | None = None,
    progress: ProgressFn | None = None,
    communities: bool = True,
) -> WriteStats:
    """Build or update the database at ``db_path`` from ``sources``.

    Incremental: papers whose content and extractor version are unchanged are not
    re-extracted; each batch is one transaction, so an interrupted build leaves a
    consistent database and a re-run completes it.

    When the graph changed, the end of the build (:meth:`GraphWriter.finalize`) also computes the
    paper communities into their tables (``communities=False`` skips that: the app then computes them
    on first use); an unchanged graph whose stored communities are stale gets them computed.
    ``stats.finalize_seconds`` and ``stats.communities_seconds`` say how long that took.

    Raises
    ------
    IngestError
        A bad record (unless ``skip_bad``), naming the file and line. Everything
        committed before it stays; the batch being read is not written.
    """
    from extract.ingest import read_sources

    t0 = time.time()
    for s in sources:
        if not Path(s).exists():
            raise IngestError(str(s), None, "no such file")
    if not skip_bad:
        # Validate every record before writing anything: a bad line leaves the database untouched.
        for _ in read_sources([str(s) for s in sources], format):
            pass
    if extractor is not None:
        version, make = extractor.version, (lambda: extractor)
    else:
        version, make = extractor_version(aliases)
    stats = WriteStats()

    def on_skip(err: IngestError) -> None:
        stats.skipped += 1
        stats.skipped_records.append(str(err))

    n_workers = 1
    if not scheduler:
        from graph.parallel import estimate_papers, resolve_workers

        n_workers = resolve_workers(
            workers, papers=estimate_papers(sources) if str(workers).strip().lower() == "auto" else None
        )
    db = open_db(db_path)
    tune_writer(db)
    parallel = None
    try:
        writer = GraphWriter(db, version, bulk=True)
        built: ExtractorLike | None = None
        papers = read_sources([str(s) for s in sources], format, skip_bad=skip_bad, on_skip=on_skip)

        def start_parallel():
            from graph.parallel import FixedExtractorFactory, ParallelExtractor

            return ParallelExtractor(
                workers=n_workers, scheduler=scheduler, aliases=aliases, version=version,
                factory=FixedExtractorFactory(extractor) if extractor is not None else None,
            )

        served = 0  # documents the current extractor has processed

        def write(batch: list[Paper], ahead=None) -> None:
            nonlocal built, parallel, served
            stats.read += len(batch)
            plans = writer.plan(batch)
            todo = [p for p in plans if p.action in ("new", "update")]
            extractions: dict[str, Extraction] = {}
            if todo:
                items = [(p.paper.title, p.paper.abstract) for p in todo]
                if use_parallel:
                    if parallel is None:
                        parallel = start_parallel()
                    done = ahead.by_item() if ahead is not None else {}
                    missing = list(dict.fromkeys(it for it in items if it not in done))
                    if missing:
                        done.update(zip(missing, parallel.extract_many(missing), strict=True))
                    results = [done[it] for it in items]
                else:
                    if built is None or served >= RECYCLE_DOCS:
                        built, served = None, 0
                        built = make()
                    results = list(built.pipe(items))
                    served += len(items)
                extractions = {p.paper_id: ex for p, ex in zip(todo, results, strict=True)}
            writer.write_batch(plans, extractions, stats)
            if progress:
                progress(stats)

        use_parallel = n_workers > 1 or bool(scheduler)
        if not use_parallel:
            for batch in batched(papers, batch_size):
                write(batch)
        else:
            # One batch ahead: the next batch's extraction is submitted (for the papers the database does not
            # hold yet) before this one is planned and written, so the workers never wait for the writer.
            # Extraction is a pure function of (title, abstract): whatever the final plan needs and the
            # look-ahead did not cover is extracted then, so the output is the serial path's.
            pending: tuple[list[Paper], object] | None = None
            for batch in batched(papers, batch_size):
                guess = [(p.paper.title, p.paper.abstract) for p in writer.plan(batch)
                         if p.action in ("new", "update")]
                ahead = None
                if guess:
                    if parallel is None:
                        parallel = start_parallel()
                    ahead = parallel.submit(dict.fromkeys(guess))
                if pending is not None:
                    write(*pending)
                pending = (batch, ahead)
            if pending is not None:
                write(*pending)
        if parallel is not None:
            parallel.close()
            parallel = None
        if writer.needs_finalize():
            writer.finalize(communities=communities)
            stats.finalize_seconds = writer.finalize_seconds
            stats.communities_seconds = writer.communities_seconds
        elif communities and writer.communities_stale():
            stats.communities_seconds = writer.update_communities()
    finally:
        if parallel is not None:
            parallel.close()
        db.conn.close()
    stats.seconds = time.time() - t0
    return stats
