"""What each column of a plan table holds, from its header labels (rules/columns.toml)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.document import Table
from normalizers import rules
from normalizers.money import unit_from_text
from normalizers.text import clean
from normalizers.years import year_header


@dataclass(frozen=True)
class ColumnRole:
    """A column's role; value columns carry their year (None = period total) and money unit."""

    role: str
    header: str = ""
    year: int | None = None
    is_baseline: bool = False
    is_total: bool = False
    unit: str | None = None
    category: str | None = None   # a 6th-term classification column: 사업대상, 사업형태, …


def class_category(label: str) -> str | None:
    """The classification category a 6th-term header or card label names: '생애 주기 (①~⑧)' -> '생애주기'."""
    label = clean(label)
    return next((c.category for c in rules.sixth_term().classification if c.pattern.search(label)), None)


def priority_of(mark: str) -> bool | None:
    """A 중점 mark: '○' -> True, '×' -> False, blank or anything else -> None."""
    priority, mark = rules.columns().priority, mark.strip()
    return True if mark in priority.yes else False if mark in priority.no else None


def is_total(text: str) -> bool:
    """True for a total label: '계', '합 계', '소계', '총사업비', '합계(①+②)'."""
    return bool(rules.columns().total.pattern.match(text.replace(" ", "")))


def role_of_label(label: str) -> str | None:
    """The role a single header label names, or None."""
    label = clean(label)
    for rule in rules.columns().role:
        if rule.pattern.search(label):
            return rule.role
    return None


def header_paths(table: Table) -> list[list[str]]:
    """For each column, the distinct header labels above it, top down."""
    grid = table.grid()
    paths: list[list[str]] = []
    for c in range(table.n_cols):
        path: list[str] = []
        for r in range(table.header_rows):
            cell = grid[r][c]
            text = clean(cell.text) if cell is not None else ""
            if text and (not path or path[-1] != text):
                path.append(text)
        paths.append(path)
    return paths


_YEAR_TOKEN = re.compile(r"(?:(?<!\d)(?:19|20)\d{2}|[’'‘]\d{2})(?!\d)\s*(?:년도|년)?\s*(?:현재|기준)?")


def label_year(label: str) -> tuple[int, bool] | None:
    """The year a header label names, also inside words: '목표 2019', '’22년도 예산(A)'."""
    found = year_header(label)
    token = _YEAR_TOKEN.search(label)
    if found or token is None or len(_YEAR_TOKEN.findall(label)) != 1:
        return found
    return year_header(token.group(0))


def path_to_role(path: list[str], table_unit: str | None) -> ColumnRole:
    """One column's role from its header path (years read from any label)."""
    header = " / ".join(path)
    year, baseline, total = None, False, False
    for label in path:
        yh = label_year(label)
        if yh:
            year, baseline = yh
        elif is_total(label):
            total = True
    role = None
    for label in path:
        role = role_of_label(label) or role
        if role in ("executed", "rate"):
            break
    if role is None and (year is not None or total):
        role = "budget" if table_unit else "year"
    unit = next((u for u in (unit_from_text(label) for label in reversed(path)) if u), None)
    if role == "budget":
        unit = unit or table_unit
    category = next((c for c in map(class_category, path) if c), None) if role == "class" else None
    if role == "class" and category is None:
        role = "unknown"
    return ColumnRole(role=role or "unknown", header=header, year=year, is_baseline=baseline,
                      is_total=total and year is None, unit=unit, category=category)


def table_to_roles(table: Table, table_unit: str | None) -> list[ColumnRole]:
    """Every column's role.

    Bare year columns are targets in a table with an indicator column; a lone
    budget column without a year takes the table's single target year.
    """
    roles = [path_to_role(p, table_unit) for p in header_paths(table)]
    if any(r.role == "indicator" for r in roles):
        roles = [replace(r, role="target") if r.role == "year" else r for r in roles]
    target_years = {r.year for r in roles if r.role == "target" and r.year is not None}
    budget_years = [r for r in roles if r.role == "budget" and (r.year is not None or r.is_total)]
    if len(target_years) == 1 and not budget_years:
        year = next(iter(target_years))
        roles = [ColumnRole(r.role, r.header, year, r.is_baseline, False, r.unit)
                 if r.role == "budget" and r.year is None else r for r in roles]
    return roles


def is_term_baseline(year: int | None) -> bool:
    """A year a 6th-term form prints before the term's first year: 2026, the last 5th-term year."""
    return year is not None and year < rules.doc_types().terms.periods[rules.sixth_term().term.term][0]


def term_baselines(roles: list[ColumnRole]) -> list[ColumnRole]:
    """A 6th-term form's year columns, those before the term's first year baselines ('26 of '26-'30)."""
    return [replace(r, is_baseline=True) if is_term_baseline(r.year) and r.role in ("target", "budget") else r
            for r in roles]


def has_values(roles: list[ColumnRole]) -> bool:
    """True when the table has target or budget columns."""
    return any(r.role in ("target", "budget") for r in roles)
