"""Classify plan tables and their rows into typed values, before any fact is made.

A table is a program card, a plan table (rows of strategies, programs,
totals and line items under column roles), or not a plan table at all. A
plan table's body rows are each one `RowKind`: what the row looks like on
its own (its label cells, a program code, a total word, a fund source),
never what came before it. `normalizers.tables.reader` then interprets the
classified rows in order with the `ReadingContext` that crosses tables.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import Table
from normalizers import rules as R
from normalizers.departments import is_department, split_department
from normalizers.money import fund_source
from normalizers.tables.cards import is_card
from normalizers.tables.columns import (
    ColumnRole,
    has_values,
    is_total,
    priority_of,
    table_to_roles,
    term_baselines,
)
from normalizers.tables.forms import FormRow, table_form, table_to_form_rows
from normalizers.text import ascii_code, clean, is_roman

_NUMBERS = re.compile(r"[△▲\-]?\d[\d,]*(?:\.\d+)?")
_VALUE_ROLES = ("budget", "target", "executed", "rate")  # a table starting with these has no row labels
_LABEL_ROLES = ("label", "unknown", "note", "fund", "strategy", "program")


@dataclass(frozen=True)
class RowView:
    """One table row as cleaned texts with its column roles and provenance."""

    texts: tuple[str, ...]
    roles: tuple[ColumnRole, ...]
    row: int
    table_id: str
    page: int | None


@dataclass(frozen=True)
class TableView:
    """A table classified: `kind` is 'card', 'plan' or 'skip'.

    A plan table without header rows of its own `continues` the previous plan
    table (split by a page or a blank line) and reads with that table's roles.
    Kind 'form' is a piece of a 6th-term vertical form (`form` says which).
    """

    kind: str
    table_id: str
    unit: str | None
    rows: tuple[tuple[str, ...], ...]
    roles: tuple[ColumnRole, ...] = ()
    header_rows: int = 0
    has_codes: bool = False
    continues: bool = False
    page: int | None = None
    row_pages: tuple[tuple[int, int | None], ...] = ()
    form: str | None = None   # a 6th-term form: master | table (plan tables); card | card_part | strategy_card
    form_rows: tuple[FormRow, ...] = ()   # kind 'form': the table's rows as form rows

    def row_view(self, r: int) -> RowView:
        pages = dict(self.row_pages)
        return RowView(tuple(clean(t) for t in self.rows[r]), self.roles, r, self.table_id, pages.get(r, self.page))


# --- row kinds --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StrategyCell:
    """A cell under a 추진전략 column: a numbered strategy, or a bare title (number from the code)."""

    number: str
    title: str | None
    raw: str
    numbered: bool


@dataclass(frozen=True)
class StrategyRow:
    """'추진전략 2 …' (or a numbered group label in a coded table) with any values on the row.

    A 6th-term label names its system ('사회보장 전략 1' -> 'I-1', '지역발전 전략 1' -> 'II-1').
    """

    number: str
    title: str | None
    raw: str
    system: str | None = None


@dataclass(frozen=True)
class SystemRow:
    """'Ⅰ. 지역사회보장사업 전략체계': a strategy system's header row, no strategy."""

    system: str
    title: str


@dataclass(frozen=True)
class SubgroupRow:
    """'대표과업1. 전달체계 조직과 운영': the group of the 세부과업 below it, not a program."""

    number: str
    name: str
    raw: str


@dataclass(frozen=True)
class ClassCell:
    """A 6th-term classification code cell: its category, the code as printed, its column."""

    category: str
    code: str
    col: int


@dataclass(frozen=True)
class ProgramRow:
    """A row holding a program code: the code cell's column, its name, and the cells beside it."""

    code: str
    raw: str
    name: str
    col: int
    roles: tuple[ColumnRole, ...]
    parent_name: str | None
    group_label: str | None
    description: str | None
    department: str | None
    priority: bool | None
    is_new: bool | None = None
    basic_plan: str | None = None
    classes: tuple[ClassCell, ...] = ()


@dataclass(frozen=True)
class UncodedProgramRow:
    """A program named under a 세부사업 column without a printed code."""

    name: str
    description: str | None
    department: str | None
    priority: bool | None


@dataclass(frozen=True)
class TotalRow:
    """A 계 / 합계 / 소계 row: values of the table's (or group's) total."""

    label: str


@dataclass(frozen=True)
class LineTotalRow:
    """'사업 | 계 | …': a line's own total at the head of its fund-source breakdown."""

    name: str
    department: str | None


@dataclass(frozen=True)
class FundRow:
    """' | 국비 | …': one fund source's share of the line above; `otherwise` when there is no line above."""

    source: str
    otherwise: RowKind


@dataclass(frozen=True)
class ValuesRow:
    """No label: more values (a second indicator, more years) for the owner above."""


@dataclass(frozen=True)
class LabelRow:
    """A labelled row that is no strategy or program: a strategy's title on its own row, or a line item."""

    label: str
    item: str
    department: str | None


RowKind = (StrategyRow | SystemRow | SubgroupRow | ProgramRow | UncodedProgramRow | TotalRow | LineTotalRow | FundRow
           | ValuesRow | LabelRow)


@dataclass(frozen=True)
class ClassifiedRow:
    """A body row: its view, what it is, and a strategy cell it may open first."""

    view: RowView
    kind: RowKind
    strategy: StrategyCell | None = None


# --- tables -----------------------------------------------------------------------------------------

def find_code(texts: tuple[str, ...] | list[str], limit: int = 3) -> tuple[int, re.Match[str]] | None:
    """(column, match) of the first program code among the first `limit` cells."""
    rules = R.columns()
    for c, text in enumerate(texts[:limit]):
        m = rules.program.pattern.search(text)
        if m:
            return c, m
    return None


def classify_table(table: Table, table_id: str, unit: str | None,
                   previous_roles: tuple[ColumnRole, ...], open_card: bool = False) -> TableView:
    """What a table is, with the column roles its rows are read with.

    A piece of a 6th-term card without the card's opening rows is a form only
    while a card is open (`open_card`: it continues that card across a page).
    """
    rows = tuple(tuple(r) for r in table.rows_text())
    codes = any(find_code(r) for r in rows)
    if _lists_programs_only(rows[:max(table.header_rows, 1)]):
        return TableView("skip", table_id, unit, rows, page=table.source.page)
    form_rows = table_to_form_rows(table, table_id)
    form = table_form(form_rows, open_card and not codes)
    if form is not None:
        return TableView("form", table_id, unit, rows, page=table.source.page, form=form, form_rows=form_rows)
    if is_card([list(r) for r in rows]):
        return TableView("card", table_id, unit, rows, page=table.source.page)
    header_rows = table.header_rows
    if header_rows and any(find_code(r) for r in rows[:header_rows]):
        header_rows = 0
    continues = not header_rows and bool(previous_roles) and len(previous_roles) >= table.n_cols - 1
    if header_rows:
        roles = tuple(table_to_roles(table, unit))
    elif continues:
        roles = previous_roles
    else:
        roles = (ColumnRole("unknown"),) * table.n_cols
    skip = (not codes and not has_values(list(roles))) or (bool(roles) and roles[0].role in _VALUE_ROLES)
    pages = tuple(sorted({(c.row, c.source.page) for c in table.cells if c.source.page is not None}))
    plan_form = "master" if any(r.role in ("is_new", "basic_plan") for r in roles) else \
        "table" if any(r.role == "class" for r in roles) else None
    if plan_form:
        roles = tuple(term_baselines(list(roles)))
    return TableView("skip" if skip else "plan", table_id, unit, rows, roles, header_rows, codes,
                     continues and not skip, table.source.page, pages, plan_form)


def _lists_programs_only(header: tuple[tuple[str, ...], ...]) -> bool:
    """A 6th-term table that lists programs defined elsewhere: a header cell naming the plan itself."""
    pattern = R.sixth_term().skip_table.pattern
    return any(pattern.fullmatch(clean(t)) for row in header for t in row if t)


def header_strategy(view: RowView, has_codes: bool) -> StrategyRow | None:
    """A header row whose first cell names a strategy ('추진전략 1 …', or '1. …' in a coded table)."""
    label = view.texts[0] if view.texts else ""
    rules = R.columns()
    m = rules.strategy.pattern.match(label) or (rules.numbered.pattern.match(label) if has_codes else None)
    return _strategy_row(m) if m else None


# --- rows -------------------------------------------------------------------------------------------

def label_end(roles: tuple[ColumnRole, ...]) -> int:
    """Columns before the first value/description column hold the row label."""
    for i, role in enumerate(roles):
        if role.role not in _LABEL_ROLES:
            return max(i, 1)
    return max(1, min(2, len(roles)))


def classify_row(view: RowView, has_codes: bool, *, fund: bool = True) -> ClassifiedRow:
    """What one body row is, from its own cells and the table's roles."""
    rules = R.columns()
    end = label_end(view.roles)
    label_cells = [t for t in view.texts[:end] if t]
    label = " ".join(label_cells)
    found = find_code(view.texts, limit=max(end, 2) + 1)
    values = has_values(list(view.roles))
    sixth = sixth_term_row(label) if label_cells and not found else None
    if sixth is not None:
        return ClassifiedRow(view, sixth)
    if label_cells and not found:
        last = label_cells[-1]
        if len(label_cells) >= 2 and is_total(last) and values:
            name, dept = split_department(item_label(label_cells[:-1]))
            return ClassifiedRow(view, LineTotalRow(name, dept))
        source = fund_source(last) if fund else None
        if source and len(label_cells) == 1:
            otherwise = classify_row(view, has_codes, fund=False)
            return ClassifiedRow(view, FundRow(source, otherwise.kind), otherwise.strategy)
        if any(is_total(t) for t in label_cells):
            return ClassifiedRow(view, TotalRow(label_cells[0]))
    strategy = strategy_cell(view, found)
    if found:
        return ClassifiedRow(view, program_row(view, found, end), strategy)
    m = rules.strategy.pattern.match(label) or (rules.numbered.pattern.match(label) if has_codes and label
                                        and not _has_numbers(view, end) else None)
    if m:
        return ClassifiedRow(view, _strategy_row(m), strategy)
    uncoded = uncoded_program_row(view, end)
    if uncoded is not None:
        return ClassifiedRow(view, uncoded, strategy)
    if not label:
        return ClassifiedRow(view, ValuesRow(), strategy)
    name, dept = split_department(item_label(list(view.texts[:end])))
    return ClassifiedRow(view, LabelRow(strip_tags(label), name, dept), strategy)


def sixth_term_row(label: str) -> SystemRow | StrategyRow | SubgroupRow | None:
    """A 6th-term master or program table label: a system header, a strategy naming its system, a 대표과업."""
    rules = R.sixth_term()
    label = strip_tags(label)
    m = rules.system_header.pattern.match(label)
    if m:
        return SystemRow(ascii_code(m.group("num")), clean(m.group("title")))
    strategy = system_strategy(label)
    if strategy is not None:
        return strategy
    m = rules.subgroup.pattern.match(label)
    if m:
        return SubgroupRow(m.group("num"), clean(m.group("title")).rstrip(". "), label)
    return None


def system_strategy(label: str) -> StrategyRow | None:
    """'사회보장 전략 1. 돌봄' -> StrategyRow('I-1', '돌봄', system 'I'); '균형발전 전략 2 …' -> 'II-2'."""
    label = clean(label)
    for rule in R.sixth_term().strategy:
        m = rule.pattern.match(label)
        if m:
            title = clean(m.group("title")).strip(" ._") or None
            raw = clean(label[:m.start("title")]).rstrip(" ._:)") if m.group("title") else label
            return StrategyRow(f"{rule.system}-{m.group('num')}", title, raw, rule.system)
    return None


def strategy_cell(view: RowView, found: tuple[int, re.Match[str]] | None) -> StrategyCell | None:
    """A cell under a 추진전략 column ('1. 돌봄', '추진전략 2 …', or a bare title).

    A bare title takes its number from the row's program code ('1-2' -> '1',
    'I-1-2' -> '1'); without a code the number is left to the reader (next).
    """
    rules = R.columns()
    for text, role in zip(view.texts, view.roles):
        if role.role != "strategy" or not text:
            continue
        m = rules.strategy.pattern.match(text) or rules.numbered.pattern.match(text)
        if m:
            title = strip_tags(m.group("title") or "")
            return StrategyCell(ascii_code(m.group("num")), title or None, m.group("num"), True)
        code = ascii_code(found[1].group("code")).split("-") if found else []
        number = code[1] if len(code) > 2 and is_roman(code[0]) else (code[0] if code else "")
        return StrategyCell(number, strip_tags(text), text, False)
    return None


def program_row(view: RowView, found: tuple[int, re.Match[str]], end: int) -> ProgramRow:
    """A coded row: name after the code (or in the next label cell), cells by role beside it."""
    col, m = found
    raw = m.group("code")
    parts = ascii_code(raw).split("-")
    prefix = strip_tags(view.texts[col][:m.start()])
    prefix = R.columns().program_prefix.pattern.sub("", prefix).strip()
    shift = max(0, col - end + 1)
    roles = (ColumnRole("label"),) * (col + 1) + view.roles[col + 1 - shift:] if shift else view.roles
    name, marked = strip_priority_mark(clean(m.group("name")).rstrip(".").strip())
    if not name:
        name, marked_next = strip_priority_mark(_next_label(view.texts, col, end))
        marked = marked or marked_next
    desc = cell_of(view.texts, roles, "description")
    dept = cell_of(view.texts, roles, "department")
    if dept is None and has_values(list(roles)) and not any(r.role == "department" for r in roles):
        name, dept = split_department(name)
    if desc is None and dept is None and not has_values(list(roles)):
        desc, dept = _description_and_department(view.texts[col + 1:])
    left = [t for t, r in zip(view.texts[:col], view.roles) if t and r.role != "strategy"]
    group = left[-1] if left else ("" if col == 0 else None)
    classes = tuple(ClassCell(r.category, t, c) for c, (t, r) in enumerate(zip(view.texts, roles))
                    if r.role == "class" and r.category and t)
    return ProgramRow(ascii_code(raw), raw.rstrip(". "), name, col, roles,
                      prefix if prefix and len(parts) >= 3 else None, group, desc, dept,
                      True if marked else _priority(view.texts, roles),
                      priority_of(cell_of(view.texts, roles, "is_new") or ""),
                      cell_of(view.texts, roles, "basic_plan"), classes)


def strip_priority_mark(name: str) -> tuple[str, bool]:
    """'(중점추진) 강서형 통합돌봄' -> ('강서형 통합돌봄', True): the 6th-term priority mark is no part of a name."""
    m = R.sixth_term().priority_mark.pattern.match(name)
    return (clean(name[m.end():]), True) if m else (name, False)


def uncoded_program_row(view: RowView, end: int) -> UncodedProgramRow | None:
    name = next((t for t, r in zip(view.texts[:end], view.roles) if r.role == "program" and t), None)
    if name is None or is_total(name):
        return None
    dept = cell_of(view.texts, view.roles, "department")
    if dept is None and has_values(list(view.roles)):
        name, dept = split_department(name)
    return UncodedProgramRow(strip_tags(name), cell_of(view.texts, view.roles, "description"), dept,
                             _priority(view.texts, view.roles))


# --- small helpers ----------------------------------------------------------------------------------

def _strategy_row(m: re.Match[str]) -> StrategyRow:
    title = strip_tags(m.group("title") or "")
    return StrategyRow(ascii_code(m.group("num")), title or None, m.group("num"))


def _has_numbers(view: RowView, end: int) -> bool:
    return any(_NUMBERS.fullmatch(t.replace(" ", "")) for t in view.texts[end:] if t)


def strip_tags(text: str) -> str:
    return clean(re.sub(r"<[^>]+>", "", text))


def item_label(cells: list[str]) -> str:
    """The line name among label cells: the last one that is not a bare sequence number."""
    names = [t for t in cells if t and not re.fullmatch(r"\d{1,3}\.?", t)]
    return names[-1] if names else ""


def _next_label(texts: tuple[str, ...], col: int, end: int) -> str:
    """A code alone in its cell: the name is the next label cell ('1-1 | 방문형 통합건강관리')."""
    return next((strip_tags(t) for t in texts[col + 1:end] if t), "")


def _description_and_department(cells: tuple[str, ...]) -> tuple[str | None, str | None]:
    """Headerless program listing: '… | description | 복지정책과' read by content."""
    rest = [t for t in cells if t]
    dept = rest.pop() if rest and is_department(rest[-1]) else None
    return (rest[0] if len(rest) == 1 else None), dept


def _priority(texts: tuple[str, ...], roles: tuple[ColumnRole, ...]) -> bool | None:
    return priority_of(cell_of(texts, roles, "priority") or "")


def cell_of(texts: tuple[str, ...], roles: tuple[ColumnRole, ...], role: str) -> str | None:
    """The first non-empty cell under a column of `role`."""
    for text, r in zip(texts, roles):
        if r.role == role and text:
            return text
    return None
