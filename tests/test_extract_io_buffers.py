"""``litkg extract`` reads and writes its files in large chunks: every line in, every record out, in order,
and a line that is not UTF-8 is named by its own number wherever it is."""

from __future__ import annotations

import json

import pytest

from extract import extract_io
from extract.errors import IngestError
from extract.extract_io import _read, extract_jsonl


class _Echo:
    """A stand-in extractor: no mentions, the abstract's length as the one result's value."""

    def pipe(self, items):
        from extract.records import Extraction, Result

        for _title, text in items:
            yield Extraction(results=(Result("chars", float(len(text))),))


def test_a_file_larger_than_the_chunks_is_read_and_written_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(extract_io, "_CHUNK", 1 << 10)  # (many chunks in a small file)
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    texts = [("é" * (i % 7)) + "x" * (i * 37 % 500) for i in range(400)]
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=i % 2 == 0) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    assert extract_jsonl(src, dst, _Echo()) == 400
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [(d["id"], d["results"][0]["value"]) for d in out] == [(i, float(len(t))) for i, t in enumerate(texts)]


@pytest.mark.parametrize("bad", [1, 2, 700, 1999, 2000])
def test_the_line_that_is_not_utf8_is_named(tmp_path, monkeypatch, bad):
    monkeypatch.setattr(extract_io, "_CHUNK", 1 << 12)
    lines = [b'{"id": %d, "text": "abc"}\n' % i for i in range(2000)]
    lines[bad - 1] = b'{"id": 0, "text": "caf\xe9"}\n'
    lines[5] = b'{"id": 5, "text": "a"}\r'  # (a lone carriage return ends a line, as in text mode)
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join(lines))
    with pytest.raises(IngestError) as e:
        list(_read(path))
    assert str(e.value).startswith(f"{path}:{bad}: not UTF-8")
