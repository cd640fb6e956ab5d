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
from normalizers import rules
from normalizers.money import is_no_budget, parse_krw, parse_number
from normalizers.record import Budget, Indicator, IndicatorTarget
from normalizers.tables.columns import ColumnRole
from normalizers.tables.rows import RowView, cell_of
from normalizers.text import clean, split_bulleted, split_trailing_paren, strip_bullet

_NUMBERS = re.compile(r"[△▲\-]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Owner:
    """Who the values on a row belong to: a strategy, a program, a line item or a total row."""

    kind: str                      # strategy | subgroup | program | item | total
    strategy_id: str | None = None
    program_id: str | None = None
    item: str | None = None
    department: str | None = None
    subgroup: str | None = None    # a 대표과업's code (kind 'subgroup')


def _issue(view: RowView, code: str, what: str) -> Issue:
    return Issue(code, f"table {view.table_id} row {view.row}: {what}", Source(page=view.page))


def row_to_indicator(view: RowView, roles: tuple[ColumnRole, ...], owner: Owner) -> Indicator | Issue | None:
    """The row's indicator (name, unit, targets by year) for a strategy or program owner."""
    cell = cell_of(view.texts, roles, "indicator")
    if not cell or owner.kind not in ("strategy", "subgroup", "program"):
        return None
    names = split_bulleted(cell)
    target_cells = _target_cells(view.texts, roles)
    if len(names) != 1:
        if target_cells:
            return _issue(view, "indicators-share-targets",
                          f"{len(names)} indicators share one set of targets; left out ({cell})")
        return None
    if any(len(_NUMBERS.findall(t)) > 1 for t, _, _ in target_cells):
        return _issue(view, "target-two-numbers", f"cells hold two numbers each; indicator left out ({cell})")
    name, unit = split_trailing_paren(names[0])
    unit = unit or cell_of(view.texts, roles, "unit")
    targets = tuple(IndicatorTarget(year=r.year, is_baseline=r.is_baseline, value=target_value(t, unit),
                                    value_text=t, col=c)
                    for t, r, c in target_cells if r.year is not None and not is_no_budget(t) and not is_no_value(t))
    return Indicator(indicator_id="", program_id=owner.program_id,
                     strategy_id=owner.strategy_id if owner.program_id is None else None,
                     name=name, unit=unit, targets=targets, name_text=strip_bullet(cell),
                     page=view.page, table_id=view.table_id, row=view.row, subgroup=owner.subgroup)


def _target_cells(texts: tuple[str, ...], roles: tuple[ColumnRole, ...]) -> list[tuple[str, ColumnRole, int]]:
    """(text, role, column) of the target cells with a year.

    Where targets are printed off their year labels' grid columns (the template's 세부사업 table
    merges ‘29 and ‘30 over two columns each) and as many cells as year labels stand under the
    target heading, they take the years in visual order.
    """
    cells = [(t, r, c) for c, (t, r) in enumerate(zip(texts, roles)) if r.role == "target" and t]
    dated = [x for x in cells if x[1].year is not None]
    years = sorted({(c, r) for c, r in enumerate(roles) if r.role == "target" and r.year is not None},
                   key=lambda x: x[0])
    distinct = [r for i, (_, r) in enumerate(years) if i == 0 or r.year != years[i - 1][1].year]
    if len(dated) < len(cells) == len(distinct):
        return [(t, year_role, c) for (t, _, c), year_role in zip(cells, distinct)]
    return dated


def is_no_value(text: str) -> bool:
    """'/': no value for this year (a 6th-term ‘26 cell of a new program)."""
    return clean(text) in rules.sixth_term().no_value.marks


def is_non_budget_mark(text: str) -> bool:
    """'0' in a 6th-term budget cell: a 비예산 program, not a zero budget."""
    return clean(text) in rules.sixth_term().non_budget.marks


_PER = re.compile(r"^(?:연|월|주|일|분기|누적)\s*(?=[\d△▲\-])")


def target_value(text: str, unit: str | None = None) -> float | None:
    """A target cell's number: '1,250', '연 1,150명', '2,600가구' (its indicator's unit), '38.0%'; else None.

    A relative target ('전년 대비 5% 증가') or a cell with two numbers has no value.
    """
    t = _PER.sub("", clean(text))
    if unit and t.endswith(unit) and len(t) > len(unit):
        t = t[:-len(unit)].strip()
    if len(_NUMBERS.findall(t)) != 1 or re.search(r"[가-힣]{2,}", t):
        return None
    return parse_number(t)


def row_to_budgets(view: RowView, roles: tuple[ColumnRole, ...], owner: Owner, item: str | None,
                   fund: str | None = None, template: bool = False) -> tuple[list[Budget], list[Issue]]:
    """Budgets in the row's budget columns (a year each, or the period total), in integer KRW.

    In a 6th-term form (`template`) a '0' cell is 비예산 and '/' no value: no budget either way.
    """
    out: list[Budget] = []
    issues: list[Issue] = []
    for c, (text, role) in enumerate(zip(view.texts, roles)):
        if role.role != "budget" or not text or is_no_budget(text) or (role.year is None and not role.is_total):
            continue
        if template and (is_non_budget_mark(text) or is_no_value(text)):
            continue
        amount = parse_krw(text, role.unit, on_error="none") if role.unit else None
        if amount is None:
            if role.unit is None and _NUMBERS.fullmatch(text.replace(" ", "")):
                issues.append(_issue(view, "budget-unit-missing", f"col {c}: budget '{text}' has no unit"))
            continue
        out.append(Budget(budget_id="", program_id=owner.program_id,
                          strategy_id=owner.strategy_id if owner.program_id is None and owner.kind != "subgroup"
                          else None,
                          item=item, year=role.year, amount_krw=amount, amount_text=text,
                          unit_text=role.unit, kind="baseline" if role.is_baseline else "planned",
                          fund_source=fund, is_total=owner.kind == "total", department=owner.department,
                          page=view.page, table_id=view.table_id, row=view.row, col=c))
    return out, issues
