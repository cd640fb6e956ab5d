"""Export every table of a plan database as CSV or Parquet (pyarrow), one file per table."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

TABLES = ("documents", "sections", "doc_tables", "table_cells", "strategies", "programs",
          "program_tags", "indicators", "indicator_targets", "budgets", "executions", "mentions",
          "checks", "doc_regions", "regions", "region_codes", "runs", "budget_lines")


def export_tables(conn: sqlite3.Connection, out: Path, fmt: str = "csv") -> list[tuple[Path, int]]:
    """Write each table (and the budget_lines view) to `out/<table>.<fmt>`; returns (path, rows)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        frame = pd.read_sql_query(f"SELECT * FROM {table}", conn)
        path = out / f"{table}.{fmt}"
        if fmt == "parquet":
            frame.to_parquet(path, engine="pyarrow", index=False)
        else:
            frame.to_csv(path, index=False, encoding="utf-8-sig")
        written.append((path, len(frame)))
    return written
