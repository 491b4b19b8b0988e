"""Iterating JSON records from JSON Lines (streamed) or JSON documents, with line numbers.

A JSON document may be an array of records, an object with a ``results`` array
(an OpenAlex API page), a single record, or several concatenated values.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator

from extract.errors import IngestError

from ._io import iter_lines, read_head, read_text, suffix

# One item: (first line, object) or (line, error) for a record that cannot be read.
JsonItem = tuple[int, object]

_LINES_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_DEC = json.JSONDecoder()


def _expand(obj: object) -> list[object]:
    """A page object or array on one line stands for its records."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("results"), list) and "title" not in obj:
        return obj["results"]
    return [obj]


def uses_lines(path: str) -> bool:
    """Whether ``path`` is read as JSON Lines (else as one JSON document)."""
    if suffix(path) in _LINES_SUFFIXES:
        return True
    head = read_head(path, 1 << 16).lstrip()
    if head.startswith("["):
        return False
    first = head.split("\n", 1)[0].strip()
    try:
        json.loads(first)
    except ValueError:
        return False
    return True


def iter_json_records(path: str) -> Iterator[JsonItem]:
    """Yield ``(line, record)`` pairs; bad records come as ``(line, IngestError)``.

    Raises :class:`IngestError` for file-level problems (missing file, a JSON
    document that does not parse).
    """
    if uses_lines(path):
        yield from _iter_lines(path)
    else:
        yield from _iter_document(path)


def _iter_lines(path: str) -> Iterator[JsonItem]:
    for lineno, text, err in iter_lines(path):
        if err is not None:
            yield lineno, err
            continue
        s = text.strip()
        if not s:
            continue
        try:
            obj = json.loads(s)
        except ValueError as e:
            msg = getattr(e, "msg", str(e))
            col = getattr(e, "colno", None)
            where = f" (column {col})" if col else ""
            yield lineno, IngestError(path, lineno, f"malformed JSON line: {msg}{where}")
            continue
        for rec in _expand(obj):
            yield lineno, rec


class _Doc:
    def __init__(self, path: str, text: str, bad: dict[int, IngestError]) -> None:
        self.path = path
        self.text = text
        self.bad = bad
        self._nl: list[int] = []
        k = text.find("\n")
        while k != -1:
            self._nl.append(k)
            k = text.find("\n", k + 1)

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._nl, offset) + 1

    def ws(self, i: int) -> int:
        t = self.text
        while i < len(t) and t[i] in " \t\r\n":
            i += 1
        return i

    def fail(self, offset: int, message: str) -> IngestError:
        return IngestError(self.path, self.line_of(offset), message)

    def decode(self, i: int) -> tuple[object, int]:
        try:
            return _DEC.raw_decode(self.text, i)
        except json.JSONDecodeError as e:
            raise IngestError(self.path, e.lineno, f"malformed JSON: {e.msg} (column {e.colno})") from None

    def item(self, start: int, end: int, obj: object) -> JsonItem:
        first, last = self.line_of(start), self.line_of(max(start, end - 1))
        for ln in range(first, last + 1):
            if ln in self.bad:
                return ln, self.bad[ln]
        return first, obj

    def array(self, i: int) -> Iterator[JsonItem]:
        """Records of the array starting at ``text[i] == '['``; returns the end offset."""
        t = self.text
        j = self.ws(i + 1)
        if j < len(t) and t[j] == "]":
            return j + 1
        while True:
            start = j
            obj, j = self.decode(j)
            yield self.item(start, j, obj)
            j = self.ws(j)
            if j < len(t) and t[j] == ",":
                j = self.ws(j + 1)
            elif j < len(t) and t[j] == "]":
                return j + 1
            else:
                raise self.fail(j, "malformed JSON: expected ',' or ']' in array")

    def page(self, i: int) -> Iterator[JsonItem]:
        """Records of an object at ``text[i] == '{'``: its ``results`` array, or itself."""
        t = self.text
        obj, end = self.decode(i)  # validates the whole object first
        if not (isinstance(obj, dict) and isinstance(obj.get("results"), list) and "title" not in obj):
            yield self.item(i, end, obj)
            return end
        # Walk the keys to find where ``results`` starts, for per-record line numbers.
        j = self.ws(i + 1)
        while j < len(t) and t[j] != "}":
            key, j = self.decode(j)
            j = self.ws(self.ws(j) + 1)  # skip ':'
            if key == "results":
                yield from self.array(j)
                break
            _, j = self.decode(j)
            j = self.ws(j)
            if j < len(t) and t[j] == ",":
                j = self.ws(j + 1)
        return end


def _iter_document(path: str) -> Iterator[JsonItem]:
    text, bad = read_text(path)
    doc = _Doc(path, text, bad)
    i = doc.ws(0)
    if i >= len(text):
        return
    while i < len(text):
        c = text[i]
        if c == "[":
            i = yield from doc.array(i)
        elif c == "{":
            i = yield from doc.page(i)
        else:
            raise doc.fail(i, "malformed JSON: expected an array or an object")
        i = doc.ws(i)
