"""Export every table of a plan database: CSV files (csv module), Parquet files (pyarrow), or one
XLSX workbook (XlsxWriter). Types are kept: integer columns stay integers (nullable in Parquet,
no `.0` in CSV), code and text columns stay text. No pandas.

Cells of text that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
are written spreadsheet-safe: CSV prefixes them with `'`, XLSX stores them as text with
Excel's quote prefix, so the printed text is kept and nothing is evaluated.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from pathlib import Path

TABLES = ("documents", "files", "works", "sections", "doc_tables", "table_cells", "strategies", "programs",
          "program_tags", "program_classes", "indicators", "indicator_targets", "budgets", "executions", "mentions",
          "checks", "doc_regions", "regions", "region_codes", "runs", "budget_lines", "domain_spending")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?|[+-]")
BATCH = 50_000
XLSX_MAX_ROWS = 1_048_576 - 2  # two header rows


class ExportError(Exception):
    """The export cannot be written where asked."""


def spreadsheet_safe(value: str) -> bool:
    """True when a spreadsheet would not read `value` as a formula (numbers such as '-1,200' are fine)."""
    return not value.startswith(FORMULA_START) or bool(_NUMBER.fullmatch(value))


def column_types(conn: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(column, 'int' | 'float' | 'text') from the declared types; untyped view columns by their values."""
    out = []
    for _, name, decl, *_ in conn.execute(f"PRAGMA table_info([{table}])"):
        decl = (decl or "").upper()
        if "INT" in decl:
            kind = "int"
        elif "REAL" in decl or "FLOA" in decl or "DOUB" in decl:
            kind = "float"
        elif decl:
            kind = "text"
        else:
            kind = _value_type(conn, table, name)
        out.append((name, kind))
    return out


def _value_type(conn: sqlite3.Connection, table: str, name: str) -> str:
    kinds = {r[0] for r in conn.execute(f"SELECT DISTINCT typeof([{name}]) FROM [{table}] WHERE [{name}] IS NOT NULL")}
    if kinds <= {"integer"}:
        return "int" if kinds else "text"
    if kinds <= {"integer", "real"}:
        return "float"
    return "text"


def rows_of(conn: sqlite3.Connection, table: str) -> Iterator[list[tuple]]:
    cursor = conn.execute(f"SELECT * FROM [{table}]")
    while batch := cursor.fetchmany(BATCH):
        yield batch


def _typed(value, kind: str):
    """A value in its column's type: codes stored as numbers by old databases become text again."""
    if value is None:
        return None
    if kind == "text" and not isinstance(value, str):
        return value.hex() if isinstance(value, bytes) else str(value)
    if kind == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def tables_to_export(conn: sqlite3.Connection) -> list[str]:
    """Every table and view of the database: the known ones in reading order, then any other (a newer
    schema's), never SQLite's own or the full-text index's internals."""
    present = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                                          "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name")]
    return [t for t in TABLES if t in present] + [t for t in present if t not in TABLES]


def export_tables(conn: sqlite3.Connection, out: Path, fmt: str = "csv", force: bool = False,
                  warnings: list[str] | None = None) -> list[tuple[Path, int]]:
    """Write every table and view; returns (path, rows) per table (for xlsx, per sheet). What a format
    cannot hold (Excel's row and cell limits) is said in `warnings`."""
    tables = tables_to_export(conn)
    if fmt == "xlsx":
        from pipeline.xlsx import write_workbook

        if out.is_dir():
            raise ExportError(f"{out} is a folder; give the .xlsx file to write (e.g. {out / 'plans.xlsx'})")
        if out.exists() and not force:
            raise ExportError(f"{out} already exists; pass --force to replace it")
        out.parent.mkdir(parents=True, exist_ok=True)
        return write_workbook(conn, out, tables, warnings)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is an existing file; {fmt} export writes one file per table into a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create folder {out}: {exc.strerror or exc}") from None
    write = _write_parquet if fmt == "parquet" else _write_csv
    return [(path, write(conn, table, path)) for table in tables
            for path in [out / f"{table}.{fmt}"]]


def _write_csv(conn: sqlite3.Connection, table: str, path: Path) -> int:
    """UTF-8 with BOM (Excel opens it as Unicode); integers without '.0'; formula-like text prefixed."""
    types = column_types(conn, table)
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([name for name, _ in types])
        for batch in rows_of(conn, table):
            for row in batch:
                writer.writerow([_csv_cell(v, kind) for v, (_, kind) in zip(row, types)])
            n += len(batch)
    return n


def _csv_cell(value, kind: str) -> str:
    value = _typed(value, kind)
    if value is None:
        return ""
    if isinstance(value, float) and kind == "int" and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value if spreadsheet_safe(value) else "'" + value
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _write_parquet(conn: sqlite3.Connection, table: str, path: Path) -> int:
    """Integer columns as nullable int64, REAL as float64, the rest as UTF-8 strings.

    Rows go to pyarrow as JSON lines read against an explicit schema: `pa.array` over Python
    lists would make pyarrow import pandas to look for DataFrames.
    """
    import pyarrow as pa
    import pyarrow.json as pa_json
    import pyarrow.parquet as pq

    types = column_types(conn, table)
    arrow = {"int": pa.int64(), "float": pa.float64(), "text": pa.string()}
    schema = pa.schema([(name, arrow[kind]) for name, kind in types])
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error")
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in rows_of(conn, table):
            lines = "".join(json.dumps({name: _typed(v, kind) for v, (name, kind) in zip(row, types)},
                                       ensure_ascii=False) + "\n" for row in batch)
            data = lines.encode("utf-8")
            block = pa_json.ReadOptions(block_size=min(2**31 - 1, max(1 << 20, len(data) + 1)))  # one block
            writer.write_table(pa_json.read_json(io.BytesIO(data), read_options=block, parse_options=options))
            n += len(batch)
        if not n:
            writer.write_table(schema.empty_table())
    return n


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (Korean) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
