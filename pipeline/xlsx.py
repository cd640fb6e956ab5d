"""One XLSX workbook of the plan database (XlsxWriter): a sheet per table, a Korean header row
and the English column name under it, integers as numbers, codes as text, frozen headers,
auto-filter, column widths that fit Korean text. Excel opens it without a repair prompt."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from pipeline.catalog import column, table_info
from pipeline.export import XLSX_MAX_ROWS, _typed, column_types, display_width, rows_of, spreadsheet_safe

MAX_WIDTH, MIN_WIDTH = 60, 6
CELL_LIMIT = 32_767  # Excel's longest cell text


def write_workbook(conn: sqlite3.Connection, out: Path, tables: list[str],
                   warnings: list[str] | None = None) -> list[tuple[Path, int]]:
    """One sheet per table; rows beyond Excel's limit and text beyond its cell limit are left out / cut,
    and said on the README sheet and in `warnings` (CSV and Parquet keep everything)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False,
                                          "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True})
    english = book.add_format({"italic": True, "font_color": "#555555", "bg_color": "#F2F2F2", "border": 1})
    quoted = book.add_format({"quote_prefix": True})
    readme = book.add_worksheet("README")
    readme.set_column(0, 0, 22)
    readme.set_column(1, 1, 90)
    readme.write_row(0, 0, ["sheet", "표 · table"], header)
    written = []
    for i, table in enumerate(tables, start=1):
        types = column_types(conn, table)
        info = table_info(table)
        sheet, n, total, cut = book.add_worksheet(table[:31]), 0, 0, 0
        widths = [max(display_width(column(table, name).ko), len(name)) + 2 for name, _ in types]
        for c, (name, _) in enumerate(types):  # constant_memory: whole rows in order
            sheet.write_string(0, c, column(table, name).ko, header)
            sheet.write_comment(0, c, column(table, name).en, {"x_scale": 2})
        for c, (name, _) in enumerate(types):
            sheet.write_string(1, c, name, english)
        for batch in rows_of(conn, table):
            total += len(batch)
            for row in batch:
                if n >= XLSX_MAX_ROWS:
                    break
                for c, (value, (_, kind)) in enumerate(zip(row, types)):
                    value = _typed(value, kind)
                    if value is None:
                        continue
                    if isinstance(value, str):
                        text = value[:CELL_LIMIT]
                        cut += len(value) > CELL_LIMIT
                        sheet.write_string(n + 2, c, text, None if spreadsheet_safe(text) else quoted)
                        if n < 2000:
                            widths[c] = max(widths[c], min(MAX_WIDTH, display_width(text.split("\n")[0]) + 2))
                    elif isinstance(value, bytes):
                        sheet.write_string(n + 2, c, value.hex()[:CELL_LIMIT])
                    else:
                        sheet.write_number(n + 2, c, value)
                        if n < 2000:
                            widths[c] = max(widths[c], len(f"{value}") + 2)
                n += 1
        for c, w in enumerate(widths):
            sheet.set_column(c, c, max(MIN_WIDTH, min(MAX_WIDTH, w)))
        lost = ([f"only the first {n:,} of {total:,} rows (Excel's limit)"] if total > n else []) + \
            ([f"{cut:,} texts cut at {CELL_LIMIT:,} characters (Excel's cell limit)"] if cut else [])
        description = f"{info['ko']} · {info['en']}: {info['description_en']}"
        readme.write_row(i, 0, [table, description + ("" if not lost else
                                                       f" NOT COMPLETE: {'; '.join(lost)}; export CSV or Parquet for all of it.")])
        if warnings is not None:
            warnings += [f"{table}: {text}; export CSV or Parquet for all of it" for text in lost]
        sheet.freeze_panes(2, 0)
        sheet.autofilter(1, 0, max(1, n + 1), max(0, len(types) - 1))
        written.append((out, n))
    book.close()
    return [(Path(f"{out}#{t}"), n) for t, (_, n) in zip(tables, written)]
