"""`planextract.open(path)`: a plan database as pandas DataFrames, primary copies only by default."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.reading import open_db

if TYPE_CHECKING:
    import pandas as pd

INT_COLUMNS = {"year", "amount_krw", "period_start", "period_end", "issued_year", "plan_term", "page", "row", "col",
               "is_total", "is_priority", "is_baseline", "is_primary", "ok", "budget_krw", "executed_krw", "pages",
               "n_rows", "n_cols", "line", "seq", "level", "n_copies", "is_new", "is_non_budget"}


class Database:
    """Read-only view of a plan database. Every method returns a DataFrame; filters:
    `region` (today's code such as '41830', or part of the name), `year`, `doc_type`,
    `primary_only` (default True: one copy of each work, so sums count each fact once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = open_db(path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"planextract.Database({str(self.path)!r})"

    def sql(self, query: str, params: dict[str, Any] | tuple = ()) -> pd.DataFrame:
        """Any read-only SQL as a DataFrame (integer columns as nullable Int64)."""
        cursor = self._conn.execute(query, params)
        return _frame([d[0] for d in cursor.description or []], cursor.fetchall())

    def documents(self, region: str | None = None, year: int | None = None, doc_type: str | None = None,
                  primary_only: bool = False) -> pd.DataFrame:
        where, params = _filters(region, year, doc_type, primary_only, year_column=None)
        return self.sql(f"SELECT d.* FROM documents d WHERE {where} ORDER BY d.path", params)

    def budgets(self, region: str | None = None, year: int | None = None, doc_type: str | None = None,
                primary_only: bool = True, fund_source: str | bool | None = False,
                leaves_only: bool = True) -> pd.DataFrame:
        """Budget lines with government, program and strategy, safe to sum by default.

        `leaves_only=True` (default) keeps the rows no other row is a breakdown of, so a sum
        counts no subtotal twice; False keeps every line (`is_total`, `parent_budget_id` say how
        they nest). `fund_source=False` (default) keeps lines with and without a source; None only
        whole amounts (no 국비/시비 shares: with `leaves_only`, the lowest whole amount, such as a
        program's total over its sources); a string keeps that source's shares."""
        where, params = _filters(region, year, doc_type, primary_only, year_column="b.year")
        if fund_source is None:
            where += " AND b.fund_source IS NULL"
            if leaves_only:
                where += (" AND NOT EXISTS (SELECT 1 FROM budgets c WHERE c.doc_id = b.doc_id AND c.parent_budget_id = b.budget_id"
                          " AND c.fund_source IS NULL)")
        elif isinstance(fund_source, str):
            where += " AND b.fund_source = :fund_source"
            params["fund_source"] = fund_source
        if leaves_only and fund_source is not None:
            where += " AND b.is_total = 0"
        return self.sql(f"""
            SELECT d.region_code, d.region_name, d.doc_type, d.period_start, d.period_end, d.path,
                   s.number AS strategy_number, s.title AS strategy_title, p.code AS program_code,
                   p.name AS program_name, COALESCE(p.department, b.department) AS department, b.item, b.year,
                   b.kind, b.amount_krw, b.amount_text, b.unit_text, b.fund_source, b.fund_name, b.share_pct,
                   b.is_total, b.parent_budget_id, b.page, b.table_id, b.row, b.col, b.budget_id, b.doc_id, d.is_primary
            FROM budgets b JOIN documents d ON d.doc_id = b.doc_id
            LEFT JOIN programs p ON p.program_id = b.program_id
            LEFT JOIN strategies s ON s.strategy_id = COALESCE(b.strategy_id, p.strategy_id)
            WHERE {where} ORDER BY d.region_name, d.path, b.table_id, b.row, b.col""", params)

    def programs(self, region: str | None = None, year: int | None = None, doc_type: str | None = None,
                 primary_only: bool = True) -> pd.DataFrame:
        """Programs with strategy, department, priority, domains and target groups (`year`: plan period)."""
        where, params = _filters(region, year, doc_type, primary_only, year_column=None)
        return self.sql(f"""
            SELECT d.region_code, d.region_name, d.doc_type, d.period_start, d.period_end, d.path,
                   s.number AS strategy_number, s.title AS strategy_title, p.subgroup, p.subgroup_name, p.code,
                   p.code_raw, p.name, p.department, p.team, p.is_priority, p.is_new, p.is_non_budget,
                   p.basic_plan_link, p.domains, p.target_groups, p.description, p.page, p.parent_id,
                   p.program_id, p.doc_id
            FROM programs p JOIN documents d ON d.doc_id = p.doc_id
            LEFT JOIN strategies s ON s.strategy_id = p.strategy_id
            WHERE {where} ORDER BY d.region_name, d.path, p.code""", params)

    def indicators(self, region: str | None = None, year: int | None = None, doc_type: str | None = None,
                   primary_only: bool = True) -> pd.DataFrame:
        """One row per indicator target (year, baseline flag, value) with its owner: a program, or a
        strategy / 대표과업 (`strategy_number`, `subgroup`) for the template's higher-level indicators."""
        where, params = _filters(region, year, doc_type, primary_only, year_column="t.year")
        return self.sql(f"""
            SELECT d.region_code, d.region_name, d.doc_type, d.path,
                   COALESCE(s.number, ps.number) AS strategy_number, i.subgroup, p.code AS program_code,
                   p.name AS program_name, i.name AS indicator, i.unit, t.year, t.is_baseline, t.value,
                   t.value_text, i.basis, i.data_source, i.page, i.indicator_id, i.doc_id
            FROM indicators i JOIN documents d ON d.doc_id = i.doc_id
            JOIN indicator_targets t ON t.indicator_id = i.indicator_id
            LEFT JOIN programs p ON p.program_id = i.program_id
            LEFT JOIN strategies s ON s.strategy_id = i.strategy_id
            LEFT JOIN strategies ps ON ps.strategy_id = p.strategy_id
            WHERE {where} ORDER BY d.region_name, d.path, strategy_number, p.code, i.name, t.year""", params)

    def checks(self, failed: bool | None = None, region: str | None = None, year: int | None = None,
               doc_type: str | None = None, primary_only: bool = True) -> pd.DataFrame:
        """Consistency checks with the program / strategy and year they concern; `failed=True` only failing
        ones, False only passing ones; `year` the checked figures' year."""
        where, params = _filters(region, year, doc_type, primary_only, year_column="c.year")
        if failed is not None:
            where += " AND c.ok = :ok"
            params["ok"] = 0 if failed else 1
        return self.sql(f"""
            SELECT d.region_code, d.region_name, d.path, c.kind, COALESCE(s.number, ps.number) AS strategy_number,
                   p.code AS program_code, p.name AS program_name, c.year, c.table_id, c.row, c.col, c.expected,
                   c.actual, c.expected - c.actual AS diff, c.ok, c.note, c.program_id, c.strategy_id, c.check_id,
                   c.doc_id
            FROM checks c JOIN documents d ON d.doc_id = c.doc_id
            LEFT JOIN programs p ON p.program_id = c.program_id
            LEFT JOIN strategies s ON s.strategy_id = c.strategy_id
            LEFT JOIN strategies ps ON ps.strategy_id = p.strategy_id
            WHERE {where} ORDER BY d.path, c.check_id""", params)

    def works(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM works ORDER BY region_name, title")


def _filters(region: str | None, year: int | None, doc_type: str | None, primary_only: bool,
             year_column: str | None) -> tuple[str, dict[str, Any]]:
    where: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if region:
        if str(region).isdigit():
            where.append("d.region_code = :region")
        else:
            where.append("d.region_name LIKE '%' || :region || '%'")
        params["region"] = str(region)
    if year is not None:
        params["year"] = int(year)
        where.append(f"{year_column} = :year" if year_column else
                     "(:year BETWEEN d.period_start AND COALESCE(d.period_end, d.period_start) OR d.issued_year = :year)")
    if doc_type:
        where.append("d.doc_type = :doc_type")
        params["doc_type"] = doc_type
    if primary_only:
        where.append("d.is_primary = 1")
    return " AND ".join(where), params


def _frame(columns: list[str], rows: list[sqlite3.Row | tuple]) -> pd.DataFrame:
    import pandas as pd

    data = {}
    for i, name in enumerate(columns):
        values = [r[i] for r in rows]
        if name in INT_COLUMNS or (values and all(v is None or (isinstance(v, int) and not isinstance(v, bool))
                                                  for v in values) and any(v is not None for v in values)):
            data[name] = pd.array(values, dtype="Int64")
        elif name.endswith(("_code", "_id")) or name in {"code", "path"}:
            data[name] = pd.array([None if v is None else str(v) for v in values], dtype="string")
        else:
            data[name] = values
    return pd.DataFrame(data, columns=columns)
