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
import sys
import tempfile
from collections import deque
from collections.abc import Iterator
from json.encoder import encode_basestring
from pathlib import Path

from extract.errors import IngestError
from extract.records import Extraction, Mention, Result


def _read(path: Path) -> Iterator[tuple[object, str, str]]:
    try:
        f = path.open(encoding="utf-8")
    except OSError as e:
        raise IngestError(str(path), None, f"cannot read: {e.strerror or e}") from e
    with f:
        n = 0
        try:
            for n, line in enumerate(f, 1):  # noqa: B007 - n is read after a decode error
                if not line.strip():
                    continue
                try:
                    d = json.loads(line)
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
            raise IngestError(str(path), n + 1, f"not UTF-8: {e.reason}") from e


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
    entity); here the constant parts are written once and only the values are quoted. An entity with
    a value of another type than the pipeline makes (a ``str``, an ``int`` offset) goes through the
    general encoder, so the text is the same for any extraction (``_QUOTE`` raises ``TypeError`` for a
    value that is not a ``str``, and quotes a ``str`` subclass as the general encoder does).
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
    code = _ENCODE(list(dict.fromkeys(c.url for c in x.code_links))) if x.code_links else "[]"
    results = _ENCODE([_result(r) for r in x.results]) if x.results else "[]"
    return f'{{"id": {_ENCODE(doc_id)}, "entities": [{", ".join(ents)}], "code": {code}, "results": {results}}}'


_TITLE, _TEXT = _QUOTE("title"), _QUOTE("text")


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

    n = 0
    if str(out_path) == "-":
        for x in extractor.pipe(items()):
            sys.stdout.write(encode_record(ids.popleft(), x) + "\n")
            n += 1
        sys.stdout.flush()
        return n
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=str(dst.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for x in extractor.pipe(items()):
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
