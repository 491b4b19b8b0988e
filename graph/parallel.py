"""Parallel extraction on Dask: ``litkg build --workers N`` and ``--scheduler tcp://HOST:PORT``.

Extraction is a pure function of ``(title, abstract)``, so it is farmed out in chunks to Dask workers
while the database stays written by the one process that runs :func:`graph.build.build`.

* ``--workers N`` starts a :class:`dask.distributed.LocalCluster` of ``N`` single-threaded worker
  processes for the duration of the build;
* ``--scheduler tcp://HOST:PORT`` connects to a running cluster (every worker needs litkg installed,
  at the same version: the workers' extractor version is checked against the one recorded in the
  database, and a mismatch is an error before anything is written).

Each worker builds the spaCy extractor once and keeps it in a module-level cache (keyed by the
extractor version), so a chunk costs only its own documents. Results come back in input order.

When does it pay? Process start-up, the extractor build in every worker and pickling results back
cost a fixed few seconds plus a per-document transfer; on 2 cores with cheap per-document work the
parent (reading, planning, writing SQLite) competes with the workers for the same cores. See
``bench/bench_build.py --compare-workers`` and the README's scale section for the measurements behind
:func:`resolve_workers`.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from extract.errors import LitkgError

# Below this many papers (estimated from the sources' size) a cluster cannot earn back its start-up.
MIN_PARALLEL_PAPERS = 20_000
BYTES_PER_PAPER = 1_300  # an arXiv-snapshot record of a ~180-word abstract
CONNECT_TIMEOUT = "10s"  # for --scheduler


class ParallelError(LitkgError):
    """The Dask cluster could not be used (bad address, version mismatch on a worker, ...)."""


# ---- worker side -------------------------------------------------------------------------------
_EXTRACTORS: dict[str, Any] = {}
_SERVED: dict[str, int] = {}  # documents each cached extractor has processed
_LOCK = threading.Lock()


def _get_extractor(version: str, factory: Callable[[], Any], docs: int = 0) -> Any:
    """The worker's cached extractor for ``version``, built by ``factory`` on first use.

    Rebuilt after :data:`graph.build.RECYCLE_DOCS` documents (spaCy's vocabulary only grows).
    """
    from graph.build import RECYCLE_DOCS

    ex = _EXTRACTORS.get(version)
    if ex is not None and _SERVED.get(version, 0) >= RECYCLE_DOCS:
        ex = None
    if ex is None:
        ex = factory()
        if ex.version != version:
            raise ParallelError(
                f"a worker's extractor is version {ex.version!r} but the build expects {version!r} "
                "(install the same litkg and aliases on every worker)"
            )
        _EXTRACTORS.clear()  # one live extractor per worker: a long-lived cluster does not accumulate them
        _SERVED.clear()
        _EXTRACTORS[version] = ex
    _SERVED[version] = _SERVED.get(version, 0) + docs
    return ex


def _warm(version: str, factory: Callable[[], Any]) -> str:
    with _LOCK:
        return _get_extractor(version, factory).version


def _extract_chunk(version: str, factory: Callable[[], Any], items: list[tuple[str, str]], batch_size: int):
    # One lock per worker process: a multi-threaded worker must not run two pipes of one spaCy pipeline
    # at once (the tokenizer cache is shared); the GIL makes that no loss.
    with _LOCK:
        ex = _get_extractor(version, factory, len(items))
        return list(ex.pipe(items, batch_size=batch_size))


class RealExtractorFactory:
    """Builds :class:`extract.pipeline.Extractor` on a worker (picklable: holds only the parsed aliases)."""

    def __init__(self, rules: Any = None) -> None:
        self.rules = rules

    def __call__(self) -> Any:
        from extract.pipeline import Extractor

        return Extractor(aliases=self.rules)


class FixedExtractorFactory:
    """Ships one picklable extractor object to the workers (custom or stand-in extractors)."""

    def __init__(self, extractor: Any) -> None:
        self.extractor = extractor

    def __call__(self) -> Any:
        return self.extractor


# ---- choosing the number of workers ------------------------------------------------------------
def estimate_papers(sources: Sequence[str | Path]) -> int:
    """A rough paper count from the sources' sizes (no file is read)."""
    total = 0
    for s in sources:
        p = Path(s)
        try:
            if p.is_dir():
                total += sum(c.stat().st_size for c in p.iterdir() if c.is_file())
            else:
                total += p.stat().st_size
        except OSError:
            continue
    return total // BYTES_PER_PAPER


def available_cpus() -> int:
    """Cores this process may run on (its CPU affinity, which containers narrow), else ``os.cpu_count()``."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def resolve_workers(
    workers: int | str, *, papers: int | None = None, cpus: int | None = None, load: float | None = None
) -> int:
    """The number of extraction processes for ``--workers`` (``1`` means serial, no cluster).

    ``"auto"`` (measurements in the README's scale section): extraction costs about 3 ms of CPU per
    abstract and the writer about 0.3 ms, so extra processes pay on a large corpus *when there are idle
    cores*; a cluster's start-up (processes, imports, one extractor per worker: several seconds) does not
    pay on a small one. So: serial for fewer than :data:`MIN_PARALLEL_PAPERS` papers, on one core, or when
    the load average leaves less than one and a half cores idle (more processes would only time-share);
    otherwise 2 workers on 2 cores (the writer is light enough to share them) and ``cpus - 1`` above that.

    >>> resolve_workers("auto", papers=1_000_000, cpus=2, load=0.2)
    2
    >>> resolve_workers("auto", papers=1_000_000, cpus=2, load=1.5)
    1
    >>> resolve_workers("auto", papers=1_000_000, cpus=8, load=0.0)
    7
    >>> resolve_workers("auto", papers=1_000, cpus=8, load=0.0)
    1
    >>> resolve_workers("3")
    3
    """
    if isinstance(workers, str):
        if workers.strip().lower() == "auto":
            cpus = cpus or available_cpus()
            if load is None:
                try:
                    load = os.getloadavg()[0]
                except OSError:  # pragma: no cover
                    load = 0.0
            if cpus <= 1 or cpus - load < 1.5 or (papers is not None and papers < MIN_PARALLEL_PAPERS):
                return 1
            return 2 if cpus == 2 else cpus - 1
        try:
            workers = int(workers)
        except ValueError:
            raise ParallelError(f"--workers must be a number or 'auto', not {workers!r}") from None
    if workers < 1:
        raise ParallelError(f"--workers must be at least 1, not {workers}")
    return workers


# ---- client side -------------------------------------------------------------------------------
class PendingExtraction:
    """Extractions under way on the cluster: :meth:`result` waits for them (input order)."""

    def __init__(self, client: Any, items: list[tuple[str, str]], futures: list) -> None:
        self.client = client
        self.items = items
        self.futures = futures

    def result(self) -> list:
        out: list = []
        if self.futures:
            for part in self.client.gather(self.futures):
                out.extend(part)
        return out

    def by_item(self) -> dict[tuple[str, str], Any]:
        """``{(title, abstract): extraction}`` (extraction is a pure function of the text)."""
        return dict(zip(self.items, self.result(), strict=True))

    def cancel(self) -> None:
        if self.futures:
            self.client.cancel(self.futures)


class ParallelExtractor:
    """Extract on a Dask cluster: a local one of ``workers`` processes, or the one at ``scheduler``.

    Parameters
    ----------
    workers : int or str
        Worker processes of a :class:`~dask.distributed.LocalCluster` (ignored with ``scheduler``).
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    aliases : str or Path, optional
        The user aliases file: parsed here and shipped to the workers (which need not see the file).
    factory : callable, optional
        A picklable zero-argument callable building the extractor on a worker (default: the real
        :class:`extract.pipeline.Extractor` with ``aliases``).
    version : str, optional
        The extractor version the build records (default: ``pipeline_version`` of ``aliases``);
        every worker's extractor must report it.
    chunk_size : int, optional
        Documents per task (default: a batch split in about four tasks per worker, 50-500 each).

    Examples
    --------
    >>> with ParallelExtractor(workers=2, scheduler=None, aliases=None) as px:   # doctest: +SKIP
    ...     extractions = px.extract_many([("Title", "Abstract text ...")])
    """

    def __init__(
        self,
        workers: int | str = 2,
        scheduler: str | None = None,
        aliases: str | Path | None = None,
        *,
        factory: Callable[[], Any] | None = None,
        version: str | None = None,
        chunk_size: int | None = None,
        batch_size: int = 256,
    ) -> None:
        from dask.distributed import Client, LocalCluster

        if factory is None or version is None:
            from extract.aliases import AliasRules
            from extract.pipeline import pipeline_version

            rules = AliasRules.from_file(aliases) if aliases else None
            factory = factory or RealExtractorFactory(rules)
            version = version or pipeline_version(aliases=rules)
        self.factory = factory
        self.version = version
        self.chunk_size = chunk_size
        self.batch_size = batch_size
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ParallelError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
        else:
            n = resolve_workers(workers)
            with warnings.catch_warnings():
                # the scheduler's (dashboard-less) HTTP endpoint moves to a free port when 8787 is taken
                warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")
                self.cluster = LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self.cluster)
        try:
            self.n_workers = max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))
        except TypeError:  # older distributed: no n_workers argument
            self.n_workers = max(1, len(self.client.scheduler_info()["workers"]))
        try:
            # Build the extractor on every worker now (in parallel): start-up is paid once, up front, and a
            # worker with another litkg version fails here, before anything is written.
            self.client.run(_warm, self.version, self.factory)
        except Exception:
            self.close()
            raise

    def _chunks(self, items: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
        size = self.chunk_size or max(50, min(500, -(-len(items) // (4 * self.n_workers))))
        return [items[i:i + size] for i in range(0, len(items), size)]

    def submit(self, items: Sequence[tuple[str, str]]) -> PendingExtraction:
        """Start extracting ``items`` on the cluster; returns at once (see :class:`PendingExtraction`)."""
        items = list(items)
        chunks = self._chunks(items) if items else []
        k = len(chunks)
        futures = self.client.map(
            _extract_chunk, [self.version] * k, [self.factory] * k, chunks, [self.batch_size] * k, pure=False
        ) if k else []
        return PendingExtraction(self.client, items, futures)

    def extract_many(self, items: Sequence[tuple[str, str]]) -> list:
        """Extractions of ``items`` (``(title, abstract)`` pairs), in the same order."""
        return self.submit(items).result()

    def close(self) -> None:
        """Disconnect; a local cluster is shut down (a remote one keeps running)."""
        client, cluster = getattr(self, "client", None), self.cluster
        self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __enter__(self) -> ParallelExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
