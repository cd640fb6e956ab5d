"""The 6th-term template's vertical forms, read as labelled rows: the program card and the strategy card.

The program card ([첨부 2], one per 세부사업/세부과업) and the strategy
indicator card (제2절 1) 목표설정) print labels beside or above their values:

    사업(과업)명 | 사업(과업)번호 | 세부사업(과업)명 | 6기 신규 사업 여부     (a label row …)
                 | Ⅰ-1-1          | 강서형 통합돌봄 …  | ○                     (… its value row)
    사업비       | 재원구성(비중) | 2026년 | 2027년 …                          (the budget years)
                 | 계(①+②+③)    | 320 | (100%) | 340 | (100%) …              (amount, share per year)
    성과 지표    | 연도별 목표    | 2026년 | 2027년 …  then a row of targets

A form is read as rows of labelled cells (labels: rules/sixth_term.toml), not as
a grid, so a card split over pages into tables of different grids (the PDF
repeats the card's header row or not) reads as one: its rows are joined in
order (`read_form`). A value row under a label row maps its cells to the
labels by column where both are in one table, else by order; a budget row's
cells pair an amount with the share after it, year by year in the order of
the year labels.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.document import Table
from normalizers import rules
from normalizers.money import unit_from_text
from normalizers.text import clean
from normalizers.years import year_header

_DOTS = re.compile(r"[·･ㆍ‧・∙ᆞ]")
_SHARE = re.compile(r"^[(（]\s*[\d.,]*\s*%?\s*[)）]$")
_LONGEST_LABEL = 60   # longer cells are values (the longest label: 연계 내용( 목적, 추진전략, 성과지표 등 …))
COLUMN_KEYS = ("code", "name", "is_new", "department", "team", "person", "basic_plan", "text", "class")
CARD_ONLY = {"code", "name", "is_new", "department", "team", "person", "basic_plan", "class", "budget_header",
             "total", "subtotal", "fund", "note"}
TEMPLATE_ONLY = {"is_new", "team", "person", "basic_plan", "class", "budget_header", "fund"}   # not in older cards


@dataclass(frozen=True)
class FormCell:
    """A printed cell of a form: its text, column, and label key (None for a value)."""

    text: str
    col: int
    key: str | None = None
    group: bool = False
    start: bool = False
    category: str | None = None    # key 'class': the classification category
    source: str | None = None      # key 'fund': the funding source
    fund_name: str | None = None   # key 'fund': the source's own name (③기타 (재원명))


@dataclass(frozen=True)
class FormRow:
    """One printed row of a form with its provenance."""

    cells: tuple[FormCell, ...]
    table_id: str
    row: int
    page: int | None

    @property
    def labels(self) -> tuple[FormCell, ...]:
        return tuple(c for c in self.cells if c.key is not None and not c.group)

    @property
    def values(self) -> tuple[FormCell, ...]:
        return tuple(c for c in self.cells if c.key is None)


@dataclass(frozen=True)
class Value:
    """A value cell of a form as printed, with where it is printed."""

    text: str
    table_id: str
    row: int
    col: int
    page: int | None


@dataclass(frozen=True)
class BudgetLine:
    """One row of a card's budget block: 계, 소계 or a funding source, with (year, amount, share) cells."""

    key: str                  # total | subtotal | fund
    label: str
    source: str | None
    fund_name: str | None
    years: tuple[tuple[int, Value | None, Value | None], ...]


@dataclass(frozen=True)
class CardForm:
    """What one program card (or strategy card) prints, before it becomes facts."""

    fields: dict[str, Value] = field(default_factory=dict)   # code, name, is_new, department, team, …
    classes: tuple[tuple[str, Value], ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    budget_unit: str | None = None
    targets: tuple[tuple[int, Value], ...] = ()
    target_years: tuple[int, ...] = ()
    problems: tuple[str, ...] = ()


# --- labels -----------------------------------------------------------------------------------------

def cell_to_form_cell(text: str, col: int) -> FormCell:
    """A cell as a label of the forms (a classification, a funding source, a card label) or a value."""
    label = _label(clean(text))
    return FormCell(label.text, col, label.key, label.group, label.start, label.category, label.source,
                    label.fund_name)


@lru_cache(maxsize=8192)
def _label(text: str) -> FormCell:
    if len(text) > _LONGEST_LABEL:
        return FormCell(text, 0)
    six = rules.sixth_term()
    for c in six.classification:
        if c.pattern.search(text):
            return FormCell(text, 0, "class", category=c.category)
    undotted = clean(_DOTS.sub("", text))
    for f in six.card_fund:
        m = f.pattern.match(undotted)
        if m:
            name = clean(m.groupdict().get("name") or "") or None
            return FormCell(text, 0, "fund", source=f.source,
                            fund_name=None if name in f.placeholders else name)
    squashed = re.sub(r"\s+", "", undotted)
    for label in six.card_label:
        if label.pattern.search(squashed):
            return FormCell(text, 0, label.key, label.group, label.start)
    return FormCell(text, 0)


def table_to_form_rows(table: Table, table_id: str) -> tuple[FormRow, ...]:
    """A table's rows as form rows: non-empty anchor cells in column order, each labelled or a value."""
    by_row: dict[int, list[tuple[int, str, int | None]]] = {}
    for c in table.cells:
        text = clean(c.text)
        if text:
            by_row.setdefault(c.row, []).append((c.col, text, c.source.page))
    out = []
    for r in sorted(by_row):
        cells = sorted(by_row[r])
        page = next((p for _, _, p in cells if p is not None), table.source.page)
        out.append(FormRow(tuple(cell_to_form_cell(t, c) for c, t, _ in cells), table_id, r, page))
    return tuple(out)


def table_form(rows: tuple[FormRow, ...], open_card: bool) -> str | None:
    """'card' (a card starts here), 'card_part' (continues an open card), 'strategy_card', or None."""
    keys = {c.key for r in rows for c in r.labels}
    if any(c.start for r in rows for c in r.labels) and len(keys) >= 3 and keys & TEMPLATE_ONLY:
        return "card"
    if open_card and keys:
        return "card_part"
    if {"indicator_name", "years"} <= keys and not keys & CARD_ONLY:
        return "strategy_card"
    return None


def split_cards(rows: tuple[FormRow, ...]) -> list[tuple[FormRow, ...]]:
    """A table's rows cut before each row that opens a card; the first piece may continue an open card."""
    pieces: list[list[FormRow]] = [[]]
    for row in rows:
        if any(c.start for c in row.labels) and any(c.start for r in pieces[-1] for c in r.labels):
            pieces.append([])
        pieces[-1].append(row)
    return [tuple(p) for p in pieces if p]


def opens_card(rows: tuple[FormRow, ...]) -> bool:
    return any(c.start for r in rows for c in r.labels)


# --- reading a card ---------------------------------------------------------------------------------

def _value(row: FormRow, cell: FormCell) -> Value:
    return Value(cell.text, row.table_id, row.row, cell.col, row.page)


def _by_column(labels: list[tuple[FormCell, FormRow]], row: FormRow) -> list[tuple[FormCell, FormCell]]:
    """Value cells under label cells: by column within one table (nearest label at or left), else by order."""
    values = row.values
    if labels and all(r.table_id == row.table_id for _, r in labels):
        out = []
        for v in values:
            left = [lab for lab, _ in labels if lab.col <= v.col]
            if left:
                out.append((max(left, key=lambda lab: lab.col), v))
        return out
    return [(lab, v) for (lab, _), v in zip(labels, values)] if len(labels) == len(values) else []


def _years(row: FormRow) -> list[tuple[int, FormCell]]:
    return [(yh[0], c) for c in row.values if (yh := year_header(c.text))]


def _pairs(values: tuple[FormCell, ...]) -> list[tuple[FormCell | None, FormCell | None]]:
    """A budget row's cells as (amount, share) pairs: a share '(30%)' (or '-') closes the amount before it."""
    out: list[tuple[FormCell | None, FormCell | None]] = []
    open_amount = False
    for v in values:
        share = bool(_SHARE.match(v.text.replace(" ", ""))) or (v.text.strip() in "-－–" and open_amount)
        if share and open_amount:
            out[-1] = (out[-1][0], v)
            open_amount = False
        elif share:
            out.append((None, v))
        else:
            out.append((v, None))
            open_amount = True
    return out


def read_form(rows: tuple[FormRow, ...]) -> CardForm:
    """Read a card's (or strategy card's) rows, joined over the tables it was printed in."""
    fields: dict[str, Value] = {}
    classes: list[tuple[str, Value]] = []
    budget: list[BudgetLine] = []
    targets: list[tuple[int, Value]] = []
    problems: list[str] = []
    unit: str | None = None
    pending: list[tuple[FormCell, FormRow]] = []
    budget_years: list[int] = []
    target_years: list[tuple[int, FormCell]] = []
    target_row: FormRow | None = None
    awaiting_targets = False
    for row in rows:
        unit = unit or next((u for c in row.cells if c.group and (u := unit_from_text(c.text))), None)
        labels, values = row.labels, row.values
        if (labels and not values and all(c.key in COLUMN_KEYS for c in labels) and len(labels) >= 2) \
                or (labels and not values and labels[-1].key == "class"):
            pending = [(c, row) for c in labels]
            continue
        if not labels and values and pending:
            for lab, v in _by_column(pending, row):
                _put(lab, _value(row, v), fields, classes)
            pending = []
            continue
        if not labels and values and awaiting_targets:
            targets += _targets(target_years, target_row, row, problems)
            awaiting_targets = False
            continue
        if not labels:
            continue
        pending, key = [], labels[-1].key
        if key == "budget_header":
            budget_years = [y for y, _ in _years(row)]
        elif key == "years":
            target_years, target_row, awaiting_targets = _years(row), row, True
        elif key in ("total", "subtotal", "fund"):
            budget.append(_budget_line(labels[-1], row, budget_years, problems))
        elif key in ("indicator_name", "definition", "basis", "data_source", "note") and values:
            fields.setdefault(key, _value(row, values[0]))
        elif key in COLUMN_KEYS and values:   # label and value on one row
            for lab, v in zip(labels, values):
                _put(lab, _value(row, v), fields, classes)
    return CardForm(fields, tuple(classes), tuple(budget), unit, tuple(targets),
                    tuple(y for y, _ in target_years), tuple(problems))


def _put(label: FormCell, value: Value, fields: dict[str, Value], classes: list[tuple[str, Value]]) -> None:
    if label.key == "class" and label.category:
        classes.append((label.category, value))
    elif label.key in ("code", "name", "is_new", "department", "team", "basic_plan"):
        fields.setdefault(label.key, value)    # 담당자 / 연락처 (person) are never kept


def _targets(years: list[tuple[int, FormCell]], header: FormRow | None, row: FormRow,
             problems: list[str]) -> list[tuple[int, Value]]:
    """Target values under the year labels: by order when the counts agree, else by column in one table."""
    values = row.values
    if len(values) == len(years):
        return [(y, _value(row, v)) for (y, _), v in zip(years, values)]
    if header is not None and header.table_id == row.table_id:
        out = []
        for v in values:
            left = [(y, c) for y, c in years if c.col <= v.col]
            if left:
                out.append((max(left, key=lambda x: x[1].col)[0], _value(row, v)))
        return out
    problems.append(f"table {row.table_id} row {row.row}: {len(values)} targets for {len(years)} years")
    return []


def _budget_line(label: FormCell, row: FormRow, years: list[int], problems: list[str]) -> BudgetLine:
    pairs = _pairs(row.values)
    if len(pairs) != len(years):
        problems.append(f"table {row.table_id} row {row.row}: {len(pairs)} amounts for {len(years)} years "
                        f"({label.text}); row left out")
        pairs = []
    cells = tuple((y, _value(row, a) if a else None, _value(row, s) if s else None)
                  for y, (a, s) in zip(years, pairs))
    return BudgetLine(label.key or "", label.text, label.source, label.fund_name, cells)
