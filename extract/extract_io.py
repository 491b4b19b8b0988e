"""``litkg extract INPUT.jsonl -o OUTPUT.jsonl``: JSON Lines in, extractions out.

Input lines: ``{"id": ..., "text": "<abstract>", "title": "<optional title>"}``.
Output lines (same order)::

    {"id": ..., "entities": [{"text", "type", "start", "end", "field", "canonical", "proposed"}],
     "code": ["https://github.com/...", ...],
     "results": [{"method", "dataset", "metric", "value"}]}

``field`` is ``"title"`` or ``"text"`` (offsets are into that input field).
Blank lines are skipped; a bad line raises :class:`~extract.errors.IngestError`
with its path and line number, and no output file is left behind.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from functools import partial
from json.encoder import encode_basestring
from json.scanner import make_scanner
from pathlib import Path

from extract.errors import IngestError
from extract.records import Extraction, Mention, Result

#: Buffer size of the input and output files, and of the text layer's chunks: ``io``'s defaults (8 KiB)
#: read a few abstracts a time (~0.4 us a line more to read, ~1.2 us to write, in calls and system calls).
_BUFFER = 1 << 20
_CHUNK = 1 << 16


def _text_file(f):
    """The text file ``f``, set to decode / encode :data:`_CHUNK` characters or bytes at a time."""
    f._CHUNK_SIZE = _CHUNK
    return f


def _read(path: Path) -> Iterator[tuple[object, str, str]]:
    try:
        f = _text_file(path.open(encoding="utf-8", buffering=_BUFFER))
    except OSError as e:
        raise IngestError(str(path), None, f"cannot read: {e.strerror or e}") from e
    with f:
        n = 0
        try:
            for n, line in enumerate(f, 1):  # noqa: B007 - n is read after a decode error
                if line.isspace() or not line:  # (as ``not line.strip()``, without a copy of the line)
                    continue
                try:
                    d = _loads(line)
                except json.JSONDecodeError as e:
                    raise IngestError(str(path), n, f"not JSON: {e.msg}") from e
                if not isinstance(d, dict):
                    raise IngestError(str(path), n, "expected a JSON object")
                if "id" not in d:
                    raise IngestError(str(path), n, "missing 'id'")
                text = d.get("text", d.get("abstract"))
                if not isinstance(text, str):
                    raise IngestError(str(path), n, "missing or non-string 'text'")
                title = d.get("title") or ""
                if not isinstance(title, str):
                    raise IngestError(str(path), n, "'title' must be a string")
                yield d["id"], title, text
        except UnicodeDecodeError as e:
            raise IngestError(str(path), _undecodable_line(path, n + 1), f"not UTF-8: {e.reason}") from e


def _undecodable_line(path: Path, first: int) -> int:
    """The number of the first line of ``path`` that is not UTF-8, from line ``first`` on (the text layer
    decodes a chunk of lines at once: its error comes at the chunk's first line not read yet)."""
    # (read as the text layer reads, with the bytes that are not UTF-8 as lone surrogates, which UTF-8 text
    # cannot hold: the same lines, universal newlines included)
    with path.open(encoding="utf-8", errors="surrogateescape") as f:
        for n, line in enumerate(f, 1):
            if n >= first and _ESCAPED_BYTE.search(line):
                return n
    return first  # pragma: no cover - (the text layer found an error)


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


_SCAN = make_scanner(json.JSONDecoder())  # (the scanner ``json.loads`` parses with, called directly)
_JSON_SPACE = " \t\n\r"  # the white space JSON allows around a value


def _loads(line: str) -> object:
    """``json.loads(line)``, for a line of JSON Lines.

    ``json.loads`` goes through three Python-level calls and two regex matches around the C scanner
    (~3 us a line); a line that holds one value from its first character, then at most white space, is
    scanned directly. Anything else (leading white space, a byte order mark, extra data, bad JSON) is
    left to ``json.loads``, which returns the value or raises its error as always.
    """
    try:
        value, end = _SCAN(line, 0)
    except Exception:  # (StopIteration, JSONDecodeError, RecursionError ...: json.loads says what)
        return json.loads(line)
    if end != len(line) and line[end:].strip(_JSON_SPACE):
        return json.loads(line)
    return value


# ``json.dumps(obj, ensure_ascii=False)`` builds a new encoder on every call; one encoder, same output
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_QUOTE = encode_basestring  # a str as the JSON string _ENCODE writes for it ("..." with escapes)


def extraction_record(doc_id: object, x: Extraction) -> dict:
    """The output JSON object for one document."""
    return {
        "id": doc_id,
        "entities": [_entity(m) for m in x.mentions],
        "code": list(dict.fromkeys(c.url for c in x.code_links)),
        "results": [_result(r) for r in x.results],
    }


def _entity(m: Mention) -> dict:
    return {"text": m.text, "type": m.type, "start": m.start, "end": m.end,
            "field": "title" if m.field == "title" else "text",
            "canonical": m.canonical, "proposed": m.role == "proposed"}


def _result(r: Result) -> dict:
    return {"method": r.method, "dataset": r.dataset, "metric": r.metric, "value": r.value}


def encode_record(doc_id: object, x: Extraction) -> str:
    """``_ENCODE(extraction_record(doc_id, x))``, written out directly for speed.

    The general encoder builds a dict per entity and quotes its seven keys every time (~1.5 us an
    entity), and makes a new C encoder on every call (~1 us, for the id alone); here the constant parts
    are written once and only the values are quoted. A value of another type than the pipeline makes
    (an offset that is no ``int``, a name that is no ``str``) goes through the general encoder, so the
    text is the same for any extraction (``_QUOTE`` raises ``TypeError`` for a value that is not a
    ``str``, and quotes a ``str`` subclass as the general encoder does).

    (Remembering the written names of an entity by its names was tried: fewer instructions, but the
    look-ups in a large table cost more time than quoting the entity's own, freshly made strings.)
    """
    ents = []
    append = ents.append
    for m in x.mentions:
        start, end = m.start, m.end
        if type(start) is int and type(end) is int and type(m.role) is str:
            try:  # (_QUOTE raises TypeError for a value that is not a str: the general encoder then)
                append(f'{{"text": {_QUOTE(m.text)}, "type": {_QUOTE(m.type)}, "start": {start!r}, "end": {end!r}, '
                       f'"field": {_TITLE if m.field == "title" else _TEXT}, "canonical": {_QUOTE(m.canonical)}, '
                       f'"proposed": {"true" if m.role == "proposed" else "false"}}}')
                continue
            except TypeError:
                pass
        append(_ENCODE(_entity(m)))
    return (f'{{"id": {_id_json(doc_id)}, "entities": [{", ".join(ents)}], '
            f'"code": {_code_json(x.code_links) if x.code_links else "[]"}, '
            f'"results": {_results_json(x.results) if x.results else "[]"}}}')


def _id_json(doc_id: object) -> str:
    """``_ENCODE(doc_id)`` (an ``int`` or ``str`` id without the general encoder)."""
    if type(doc_id) is int:
        return int.__repr__(doc_id)
    if type(doc_id) is str:
        return _QUOTE(doc_id)
    return _ENCODE(doc_id)


def _code_json(links) -> str:
    """``_ENCODE`` of the distinct URLs of ``links`` (a non-empty sequence of code links)."""
    urls = list(dict.fromkeys(c.url for c in links))
    for u in urls:
        if type(u) is not str:
            return _ENCODE(urls)
    return f"[{', '.join(map(_QUOTE, urls))}]"


def _results_json(results) -> str:
    """``_ENCODE([_result(r) for r in results])`` (``results`` non-empty): written out for the results the
    pipeline makes (``str`` names or ``None``, a finite ``float`` value), else by the general encoder."""
    out = []
    for r in results:
        method, dataset, metric, value = r.method, r.dataset, r.metric, r.value
        if not (type(metric) is str and type(value) is float and (method is None or type(method) is str)
                and (dataset is None or type(dataset) is str) and -_INF < value < _INF):
            return _ENCODE([_result(r) for r in results])  # (NaN and infinities too: the encoder's words)
        out.append(f'{{"method": {"null" if method is None else _QUOTE(method)}, '
                   f'"dataset": {"null" if dataset is None else _QUOTE(dataset)}, '
                   f'"metric": {_QUOTE(metric)}, "value": {float.__repr__(value)}}}')
    return f"[{', '.join(out)}]"


_INF = float("inf")
_TITLE, _TEXT = _QUOTE("title"), _QUOTE("text")


def _records_pipe(extractor) -> Callable[[Iterator[tuple[str, str]]], Iterator[Extraction]]:
    """``extractor.pipe``; for an :class:`~extract.pipeline.Extractor`, without the evidence sentences and
    aliases of the mentions, which the output does not hold (see ``Extractor.pipe``)."""
    pipeline = sys.modules.get("extract.pipeline")  # (an Extractor's module is loaded: no import for others)
    if pipeline is not None and getattr(type(extractor), "pipe", None) is pipeline.Extractor.pipe:
        return partial(extractor.pipe, evidence=False)
    return extractor.pipe


def extract_jsonl(in_path: str | os.PathLike, out_path: str | os.PathLike, extractor=None) -> int:
    """Extract every line of ``in_path`` into ``out_path``; returns the number of documents written.

    ``out_path`` ``"-"`` writes to standard output (line by line, as documents are done).
    """
    src, dst = Path(in_path), Path(out_path)
    if extractor is None:
        from extract.pipeline import Extractor

        extractor = Extractor()
    ids: deque[object] = deque()

    def items() -> Iterator[tuple[str, str]]:
        for doc_id, title, text in _read(src):
            ids.append(doc_id)
            yield title, text

    pipe = _records_pipe(extractor)
    n = 0
    if str(out_path) == "-":
        for x in pipe(items()):
            sys.stdout.write(encode_record(ids.popleft(), x) + "\n")
            n += 1
        sys.stdout.flush()
        return n
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=str(dst.parent))
    try:
        with _text_file(os.fdopen(fd, "w", encoding="utf-8", buffering=_BUFFER)) as out:
            for x in pipe(items()):
                out.write(encode_record(ids.popleft(), x))
                out.write("\n")
                n += 1
        os.replace(tmp, dst)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return n
