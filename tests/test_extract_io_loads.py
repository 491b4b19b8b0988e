"""``extract_io._loads`` (the C scanner called directly) gives what ``json.loads`` gives on a line: the same
value, or the same error with the same message."""

from __future__ import annotations

import json

import pytest

from extract.extract_io import _loads

LINES = [
    '{"id": 1, "text": "a"}\n', '{"id": 1}', ' {"id": 1}\n', '\ufeff{"id": 1}\n', '{"id": 1} x\n', '{"id": 1}\r\n',
    '{"id": 1} \t\n', '[1, 2]\n', '"x"\n', '{"id": }\n', '{"id": 1}\x0b\n', '{"id": 1}\u2028\n', 'nul\n', 'NaN\n',
    '{"a": "\\ud800"}\n', '{"a": 1}{"b": 2}\n', '1e400\n', '{"a": 1, "a": 2}\n', '{"a": "x\\u0000"}\n', '\n', '',
    '{"a": "tab\there"}\n',
]  # (not a value nested past the recursion limit: where Python stops depends on the depth of the caller)


def _outcome(fn, line):
    try:
        return "ok", repr(fn(line))
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return "error", type(e), str(e)


@pytest.mark.parametrize("line", LINES)
def test_loads_is_json_loads(line):
    assert _outcome(_loads, line) == _outcome(json.loads, line)
