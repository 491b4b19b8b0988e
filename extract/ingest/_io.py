"""Opening source files and iterating their lines with per-line UTF-8 decoding."""

from __future__ import annotations

import codecs
import gzip
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from extract.errors import IngestError


def base_name(path: str | os.PathLike) -> str:
    """Lower-cased file name without a trailing ``.gz``."""
    name = Path(path).name.lower()
    return name[:-3] if name.endswith(".gz") else name


def suffix(path: str | os.PathLike) -> str:
    """Lower-cased extension (``.jsonl``), ignoring a trailing ``.gz``."""
    return Path(base_name(path)).suffix


def open_binary(path: str | os.PathLike) -> BinaryIO:
    """Open ``path`` for binary reading (transparently gunzipping ``*.gz``).

    Raises :class:`IngestError` (no line) when the file cannot be opened.
    """
    p = str(path)
    try:
        if p.lower().endswith(".gz"):
            fh = gzip.open(p, "rb")
            fh.peek(1)  # fail early on a file that is not gzip
            return fh  # type: ignore[return-value]
        return open(p, "rb")
    except FileNotFoundError:
        raise IngestError(p, None, "no such file") from None
    except IsADirectoryError:
        raise IngestError(p, None, "is a directory, not a file") from None
    except PermissionError:
        raise IngestError(p, None, "permission denied") from None
    except (OSError, EOFError) as e:
        raise IngestError(p, None, f"cannot read file: {e}") from None


def decode_line(path: str, lineno: int, raw: bytes) -> tuple[str, IngestError | None]:
    """Decode one line as UTF-8; on failure return replacement text and the error."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as e:
        col = len(raw[: e.start].decode("utf-8", "replace")) + 1
        err = IngestError(path, lineno, f"invalid UTF-8 byte 0x{raw[e.start]:02x} at column {col}")
        return raw.decode("utf-8", "replace"), err


def iter_lines(path: str | os.PathLike) -> Iterator[tuple[int, str, IngestError | None]]:
    """Yield ``(lineno, text, decode_error)`` for each physical line, streaming.

    ``text`` keeps its line ending. A UTF-8 byte-order mark is dropped. Only one
    line is held in memory at a time.
    """
    p = str(path)
    with open_binary(p) as fh:
        lineno = 0
        try:
            for raw in fh:
                lineno += 1
                if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                text, err = decode_line(p, lineno, raw)
                yield lineno, text, err
        except (OSError, EOFError) as e:  # e.g. a truncated gzip stream
            raise IngestError(p, lineno + 1, f"cannot read file: {e}") from None


def read_text(path: str | os.PathLike) -> tuple[str, dict[int, IngestError]]:
    """The whole file as text, plus the decode error of each undecodable line."""
    parts: list[str] = []
    bad: dict[int, IngestError] = {}
    for lineno, text, err in iter_lines(path):
        parts.append(text)
        if err is not None:
            bad[lineno] = err
    return "".join(parts), bad


def read_head(path: str | os.PathLike, size: int = 1 << 18) -> str:
    """Up to ``size`` bytes from the start of the file, decoded leniently (for sniffing)."""
    with open_binary(path) as fh:
        try:
            data = fh.read(size)
        except (OSError, EOFError) as e:
            raise IngestError(str(path), None, f"cannot read file: {e}") from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    return data.decode("utf-8", "replace")
