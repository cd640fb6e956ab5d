"""Consistency checks a plan's own numbers allow, following the budget hierarchy.

- `row_total`: a 계 column = the sum of the planned years on its row;
- `column_total`, `subtotal`, `strategy_total`, `fund_total`: every budget row
  with parts (`hierarchy`) = the sum of its parts — a table's grand total, a
  subtotal (사업비, □ 사업, a program over its 세세부사업), a strategy over its
  programs, a line over its fund-source shares;
- `strategy_total` also across tables: a strategy's budget printed in one
  table = the sum of its top-level programs' budgets printed in others.

The 6th-term template's own rules (`fund_total`, `subtotal`, `fund_share`
on a card's budget block; `cross_form` where two forms print one figure) are
made while its forms are read (`template`); `facts_to_checks` adds them.

Printed figures are rounded: a check passes within what rounding can explain,
half a unit of the last printed digit for the total and for each non-zero part
(`hierarchy.rounding_bound`). The template's card sums and the same figure in
two forms at one precision must agree exactly; shares within half a printed
unit each. A failing check is a fact
about the source document; it never changes data.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from normalizers.record import Budget, Check, Program
from normalizers.tables.builder import PlanFacts
from normalizers.tables.hierarchy import rounding_bound


def facts_to_checks(facts: PlanFacts) -> list[Check]:
    """Every check of a document's tables: on the budgets as printed (before forms are merged) and the forms'."""
    checks = budgets_to_checks(facts.printed_budgets or facts.budgets, facts.programs, frozenset(facts.forms)) \
        + facts.checks
    return [replace(c, check_id=f"c{i}") for i, c in enumerate(checks, start=1)]


def budgets_to_checks(budgets: list[Budget], programs: list[Program],
                      exact_tables: frozenset[str] = frozenset()) -> list[Check]:
    """Every check the printed budgets allow, numbered c1, c2, …; totals printed in `exact_tables` (the
    6th-term template's forms, whose figures are written as the parts they add up) must agree exactly."""
    checks = row_total_checks(budgets) + hierarchy_checks(budgets, exact_tables) \
        + strategy_total_checks(budgets, programs, exact_tables)
    return [replace(c, check_id=f"c{i}") for i, c in enumerate(checks, start=1)]


def _check(kind: str, total: Budget, parts: list[Budget], note: str,
           exact_tables: frozenset[str] = frozenset()) -> Check:
    actual = sum(b.amount_krw for b in parts)
    tol = 0 if total.table_id in exact_tables else rounding_bound(total, parts)
    note = note + (f" (±{tol:,.0f} KRW rounding)" if tol > 1 and total.amount_krw != actual else "")
    return Check(check_id="", kind=kind, table_id=total.table_id, row=total.row, col=total.col,
                 expected=total.amount_krw, actual=actual, ok=abs(total.amount_krw - actual) <= tol, note=note,
                 program_id=total.program_id, year=total.year,
                 strategy_id=total.strategy_id if total.program_id is None else None)


def _groups(budgets: list[Budget], key: Callable[[Budget], tuple]) -> dict[tuple, list[Budget]]:
    """Printed (non-executed, non-breakdown) table budgets grouped by `key(budget)`."""
    groups: dict[tuple, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.table_id is not None and b.kind != "executed" and b.fund_source is None:
            groups[key(b)].append(b)
    return groups


def row_total_checks(budgets: list[Budget]) -> list[Check]:
    """계 column = sum of the planned years on the same row."""
    out = []
    for items in _groups(budgets, lambda b: (b.table_id, b.row)).values():
        totals = [b for b in items if b.year is None]
        years = [b for b in items if b.year is not None and b.kind == "planned"]
        if len(totals) == 1 and years:
            out.append(_check("row_total", totals[0], years, f"계 = sum of {len(years)} year columns"))
    return out


def _kind_of(total: Budget, parts: list[Budget]) -> str:
    if all(b.fund_source is not None for b in parts) and total.fund_source is None:
        return "fund_total"
    if total.program_id is None and total.strategy_id is not None:
        return "strategy_total"
    if total.parent_budget_id is None and total.program_id is None and total.is_total:
        return "column_total"
    return "subtotal"


def hierarchy_checks(budgets: list[Budget], exact_tables: frozenset[str] = frozenset()) -> list[Check]:
    """Each budget row with parts = the sum of its parts (per printed column)."""
    parts: dict[str, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.parent_budget_id is not None:
            parts[b.parent_budget_id].append(b)
    out = []
    for total in budgets:
        if total.budget_id in parts:
            group = parts[total.budget_id]
            kind = _kind_of(total, group)
            names = " + ".join(b.fund_source for b in group if b.fund_source) if kind == "fund_total" else \
                f"{len(group)} rows"
            out.append(_check(kind, total, group, f"total = {names} ({total.year or '계'})", exact_tables))
    return out


def strategy_total_checks(budgets: list[Budget], programs: list[Program],
                          exact_tables: frozenset[str] = frozenset()) -> list[Check]:
    """A strategy's budget = sum of its top-level programs' budgets printed in other tables, per year."""
    top = {p.program_id: p.strategy_id for p in programs if p.parent_id is None}
    with_parts = {b.parent_budget_id for b in budgets if b.parent_budget_id}
    strategy_rows = {(b.strategy_id, b.year, b.kind): b for b in budgets
                     if b.program_id is None and b.strategy_id is not None and b.fund_source is None
                     and b.budget_id not in with_parts}
    sums: dict[tuple, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.program_id in top and b.fund_source is None and b.parent_budget_id is None:
            sums[(top[b.program_id], b.year, b.kind)].append(b)
    out = []
    for key, s in strategy_rows.items():
        group = [b for b in sums.get(key, []) if b.table_id != s.table_id]
        if group:
            out.append(_check("strategy_total", s, group,
                              f"strategy = sum of {len(group)} programs ({s.year or '계'})", exact_tables))
    return out
