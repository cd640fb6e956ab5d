"""The values on one plan-table row -> an indicator with yearly targets, and budgets in KRW.

Pure functions of the row, its column roles and its `Owner` (who the values
belong to). Nothing is invented: a cell naming two indicators for one set of
targets, or target cells holding two numbers, give no indicator but an
`Issue`; a budget cell without a unit gives no budget but an `Issue`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import Issue, Source
from normalizers.money import is_no_budget, parse_krw, parse_number
from normalizers.record import Budget, Indicator, IndicatorTarget
from normalizers.tables.columns import ColumnRole
from normalizers.tables.rows import RowView, cell_of
from normalizers.text import split_bulleted, split_trailing_paren, strip_bullet

_NUMBERS = re.compile(r"[△▲\-]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Owner:
    """Who the values on a row belong to: a strategy, a program, a line item or a total row."""

    kind: str                      # strategy | program | item | total
    strategy_id: str | None = None
    program_id: str | None = None
    item: str | None = None
    department: str | None = None


def _issue(view: RowView, code: str, what: str) -> Issue:
    return Issue(code, f"table {view.table_id} row {view.row}: {what}", Source(page=view.page))


def row_to_indicator(view: RowView, roles: tuple[ColumnRole, ...], owner: Owner) -> Indicator | Issue | None:
    """The row's indicator (name, unit, targets by year) for a strategy or program owner."""
    cell = cell_of(view.texts, roles, "indicator")
    if not cell or owner.kind not in ("strategy", "program"):
        return None
    names = split_bulleted(cell)
    target_cells = [(t, r, c) for c, (t, r) in enumerate(zip(view.texts, roles))
                    if r.role == "target" and r.year is not None and t]
    if len(names) != 1:
        if target_cells:
            return _issue(view, "indicators-share-targets",
                          f"{len(names)} indicators share one set of targets; left out ({cell})")
        return None
    if any(len(_NUMBERS.findall(t)) > 1 for t, _, _ in target_cells):
        return _issue(view, "target-two-numbers", f"cells hold two numbers each; indicator left out ({cell})")
    name, unit = split_trailing_paren(names[0])
    unit = unit or cell_of(view.texts, roles, "unit")
    targets = tuple(IndicatorTarget(year=r.year, is_baseline=r.is_baseline, value=_target_value(t),
                                    value_text=t, col=c)
                    for t, r, c in target_cells if r.year is not None and not is_no_budget(t))
    return Indicator(indicator_id="", program_id=owner.program_id,
                     strategy_id=owner.strategy_id if owner.program_id is None else None,
                     name=name, unit=unit, targets=targets, name_text=strip_bullet(cell),
                     page=view.page, table_id=view.table_id, row=view.row)


def _target_value(text: str) -> float | None:
    if len(_NUMBERS.findall(text)) != 1 or re.search(r"[가-힣]{2,}", text):
        return None
    return parse_number(text)


def row_to_budgets(view: RowView, roles: tuple[ColumnRole, ...], owner: Owner, item: str | None,
                   fund: str | None = None) -> tuple[list[Budget], list[Issue]]:
    """Budgets in the row's budget columns (a year each, or the period total), in integer KRW."""
    out: list[Budget] = []
    issues: list[Issue] = []
    for c, (text, role) in enumerate(zip(view.texts, roles)):
        if role.role != "budget" or not text or is_no_budget(text) or (role.year is None and not role.is_total):
            continue
        amount = parse_krw(text, role.unit, on_error="none") if role.unit else None
        if amount is None:
            if role.unit is None and _NUMBERS.fullmatch(text.replace(" ", "")):
                issues.append(_issue(view, "budget-unit-missing", f"col {c}: budget '{text}' has no unit"))
            continue
        out.append(Budget(budget_id="", program_id=owner.program_id,
                          strategy_id=owner.strategy_id if owner.program_id is None else None,
                          item=item, year=role.year, amount_krw=amount, amount_text=text,
                          unit_text=role.unit, kind="baseline" if role.is_baseline else "planned",
                          fund_source=fund, is_total=owner.kind == "total", department=owner.department,
                          page=view.page, table_id=view.table_id, row=view.row, col=c))
    return out, issues
