"""Build a corpus from the app: upload JSONL, CSV, BibTeX or listing files and build them into a new database.

The uploads are written to a temporary folder; the database is created next to the
current one (or in the temporary folder when that is not writable), and this session
switches to it. Other sessions keep their database.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import streamlit as st

from extract.errors import LitkgError
from ui import common, data

ss = st.session_state
current = common.current_db()
TYPES = ["jsonl", "json", "csv", "tsv", "bib", "bibtex", "txt"]

st.title("Build a corpus")

done = ss.get("build_done")
if done:
    st.success(
        f"Built {common.md_escape(Path(done['db']).name)}: {done['papers']:,} papers read, {done['new']:,} new, "
        f"{done['mentions']:,} mentions, {done['skipped']:,} skipped, in {done['seconds']:.1f} s. "
        "This session now explores it.",
        icon=":material/check_circle:",
    )
    for msg in done.get("skipped_records", [])[:20]:
        st.warning(msg, icon=":material/warning:")
    st.page_link(common.EXPLORE_PAGE, label="Explore the new corpus", icon=":material/hub:")

st.markdown(
    "Upload paper records and litkg extracts their methods, datasets, metrics, tasks and code links into a new "
    "database. Accepted: JSON Lines or CSV with `title` and `abstract` (and optionally `year`, `url`, `authors`, "
    "`doi`), BibTeX with abstracts, and Hugging Face paper listings saved as text."
)
files = st.file_uploader("Source files", type=TYPES, accept_multiple_files=True, key="build_files")
default_name = "uploaded"
cols = st.columns([2, 1])
name = cols[0].text_input("Name of the new database", value=default_name, key="build_name",
                          help="Letters, digits, - and _; the file is NAME.db")
skip_bad = cols[1].checkbox("Skip bad records", value=True, key="build_skip",
                            help="Report bad records at the end instead of stopping at the first one")


def _target(name: str) -> Path:
    """A new database file next to the current one (or in a temporary folder), never an existing file."""
    stem = re.sub(r"[^0-9A-Za-z_-]+", "-", name).strip("-") or default_name
    folder = Path(current).parent
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        folder = Path(tempfile.mkdtemp(prefix="litkg-db-"))
    target = folder / f"{stem}.db"
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}.db"
        n += 1
    return target


def _save_uploads(uploads) -> list[Path]:
    folder = Path(tempfile.mkdtemp(prefix="litkg-upload-"))
    paths = []
    for i, up in enumerate(uploads):
        safe = re.sub(r"[^0-9A-Za-z._-]+", "_", Path(up.name).name).lstrip(".") or f"upload-{i}"
        path = folder / f"{i:02d}-{safe}"
        path.write_bytes(up.getvalue())
        paths.append(path)
    return paths


def _estimate(paths: list[Path]) -> int:
    """A rough record count, only to scale the progress bar."""
    total = 0
    for p in paths:
        raw = p.read_bytes()
        suffix = p.suffix.lower()
        if suffix in (".bib", ".bibtex"):
            total += raw.count(b"\n@") + raw.startswith(b"@")
        elif suffix in (".txt",):
            total += max(1, raw.count(b"\n\n") // 4)
        else:
            total += raw.count(b"\n")
    return max(total, 1)


if st.button("Build", type="primary", icon=":material/construction:", disabled=not files):
    sources = _save_uploads(files)
    target = _target(name)
    expected = _estimate(sources)
    bar = st.progress(0.0, text="Loading the extractor…")

    def on_progress(stats) -> None:
        frac = min(0.99, stats.read / expected)
        bar.progress(frac, text=f"Read {stats.read:,} records: {stats.new:,} new papers, "
                                f"{stats.mentions:,} mentions")

    try:
        stats = data.build(str(target), sources, progress=on_progress, skip_bad=skip_bad)
    except LitkgError as exc:
        bar.empty()
        common.show_error(exc)
        for path in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            path.unlink(missing_ok=True)
    else:
        bar.progress(1.0, text="Done")
        if not stats.read:
            st.error("No paper record was found in the uploaded files.")
        else:
            ss[data.SESSION_DB_KEY] = str(target)
            ss["build_done"] = {"db": str(target), "papers": stats.read, "new": stats.new,
                                "mentions": stats.mentions, "skipped": stats.skipped, "seconds": stats.seconds,
                                "skipped_records": list(stats.skipped_records)}
            st.rerun()
