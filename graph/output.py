"""Rendering CLI output: JSON (default), an aligned text table, or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import click


def _cell(value: Any, width: int = 60) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = ", ".join(_cell(v, width) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, width: int = 60) -> str:
    """Rows as a plain aligned text table for people.

    >>> print(table([{"a": 1, "b": "x"}, {"a": 22, "b": None}]))
    a   b
    --  -
    1   x
    22
    """
    if not rows:
        return "(no rows)"
    columns = list(columns or rows[0].keys())
    cells = [[_cell(r.get(c), width) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """``value`` made inert for spreadsheets: text that would start a formula gets a leading ``'``.

    Titles and abstracts are untrusted; a CSV cell such as ``=HYPERLINK(...)`` would run as a
    formula when the file is opened in a spreadsheet (CSV injection). Numbers pass unchanged.

    >>> spreadsheet_safe("=1+2"), spreadsheet_safe("-log p"), spreadsheet_safe(-3), spreadsheet_safe("ok")
    ("'=1+2", "'-log p", -3, 'ok')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_cell(value: Any) -> Any:
    """One CSV cell: ``None`` as empty, lists and dicts as JSON, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    return spreadsheet_safe(value)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV with a header row; cells go through :func:`csv_cell`.

    >>> to_csv([{"title": "=cmd()", "year": 2024}]).splitlines()
    ['title,year', "'=cmd(),2024"]
    """
    buf = io.StringIO()
    columns = list(columns or (rows[0].keys() if rows else []))
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow([csv_cell(r.get(c)) for c in columns])
    return buf.getvalue()


def rows_to_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Tuples under a header (a SQL result, where column names may repeat) as CSV; see :func:`csv_cell`.

    >>> rows_to_csv(["x", "x"], [(1, "@a")]).splitlines()
    ['x,x', "1,'@a"]
    """
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows([csv_cell(v) for v in r] for r in rows)
    return buf.getvalue()


def emit(data: Any, *, fmt: str = "json", columns: Sequence[str] | None = None) -> None:
    """Print ``data`` in the chosen format. ``data`` is a list of row dicts or any JSON value."""
    if fmt == "json" or not isinstance(data, list):
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif fmt == "csv":
        click.echo(to_csv(data, columns), nl=False)
    else:
        click.echo(table(data, columns))


def output_options(f):
    """``--table`` / ``--csv`` / ``--json`` switches, passed on as ``fmt``."""
    f = click.option("--csv", "fmt", flag_value="csv", help="Output CSV")(f)
    f = click.option("--table", "-t", "fmt", flag_value="table", help="Output an aligned text table")(f)
    f = click.option("--json", "fmt", flag_value="json", default=True, help="Output JSON (the default)")(f)
    return f
