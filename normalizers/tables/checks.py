"""Consistency checks a plan's own numbers allow: row totals, column totals, strategy totals.

A failing check is a fact about the source document; it never changes data.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from normalizers.record import Budget, Check, Program


def budgets_to_checks(budgets: list[Budget], programs: list[Program]) -> list[Check]:
    """Every check the printed budgets allow, numbered c1, c2, …"""
    checks = (row_total_checks(budgets) + column_total_checks(budgets) + strategy_total_checks(budgets, programs)
              + fund_total_checks(budgets))
    return [replace(c, check_id=f"c{i}") for i, c in enumerate(checks, start=1)]


def _check(kind: str, table_id, row, col, expected: int, actual: int, note: str) -> Check:
    return Check(check_id="", kind=kind, table_id=table_id, row=row, col=col, expected=expected,
                 actual=actual, ok=expected == actual, note=note)


def _table_groups(budgets: list[Budget], key) -> dict[tuple, list[Budget]]:
    """Printed (non-executed, non-breakdown) table budgets grouped by `key(budget)`."""
    groups: dict[tuple, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.table_id is not None and b.kind != "executed" and b.fund_source is None:
            groups[key(b)].append(b)
    return groups


def row_total_checks(budgets: list[Budget]) -> list[Check]:
    """계 column = sum of the planned years on the same row."""
    out = []
    for (table_id, row), items in _table_groups(budgets, lambda b: (b.table_id, b.row)).items():
        totals = [b for b in items if b.year is None]
        years = [b for b in items if b.year is not None and b.kind == "planned"]
        if len(totals) == 1 and years:
            out.append(_check("row_total", table_id, row, totals[0].col, totals[0].amount_krw,
                              sum(b.amount_krw for b in years), f"계 = sum of {len(years)} year columns"))
    return out


def column_total_checks(budgets: list[Budget]) -> list[Check]:
    """계 row = sum of the other rows of the same table, per column."""
    out = []
    for (table_id, col), items in _table_groups(budgets, lambda b: (b.table_id, b.col)).items():
        totals = [b for b in items if b.is_total]
        rows = [b for b in items if not b.is_total]
        if len(totals) == 1 and rows:
            out.append(_check("column_total", table_id, totals[0].row, col, totals[0].amount_krw,
                              sum(b.amount_krw for b in rows), f"계 row = sum of {len(rows)} rows"))
    return out


def strategy_total_checks(budgets: list[Budget], programs: list[Program]) -> list[Check]:
    """A strategy's budget = sum of its top-level programs' budgets, per year, where both are printed."""
    top = {p.program_id: p.strategy_id for p in programs if p.parent_id is None}
    strategy_rows = {(b.strategy_id, b.year, b.kind): b for b in budgets
                     if b.program_id is None and b.strategy_id is not None and b.fund_source is None}
    sums: dict[tuple, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.program_id in top and b.fund_source is None:
            sums[(top[b.program_id], b.year, b.kind)].append(b)
    out = []
    for key, s in strategy_rows.items():
        if key in sums:
            out.append(_check("strategy_total", s.table_id, s.row, s.col, s.amount_krw,
                                sum(b.amount_krw for b in sums[key]),
                                f"strategy = sum of {len(sums[key])} programs ({s.year or '계'})"))
    return out


def fund_total_checks(budgets: list[Budget]) -> list[Check]:
    """A line's total = the sum of its fund-source shares (국비 + 도비 + 군비 …), per year."""
    groups: dict[tuple, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.table_id is not None:
            groups[(b.table_id, b.program_id, b.strategy_id, b.item, b.year, b.kind)].append(b)
    out = []
    for items in groups.values():
        totals = [b for b in items if b.fund_source is None]
        parts = [b for b in items if b.fund_source is not None]
        if len(totals) == 1 and parts:
            out.append(_check("fund_total", totals[0].table_id, totals[0].row, totals[0].col, totals[0].amount_krw,
                              sum(b.amount_krw for b in parts),
                              "total = " + " + ".join(b.fund_source or "" for b in parts)))
    return out
