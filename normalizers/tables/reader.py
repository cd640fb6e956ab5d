"""Plan tables -> strategies, programs, indicators with yearly targets, budgets in KRW.

Rows are read top to bottom across all tables of a document, carrying the
current strategy and program: a row's label cell says what it is (추진전략
row, program code row, 계 row, line item), a row with an empty label adds
indicators or budgets to the owner above, and column roles (rules in
columns.toml) say which cells are targets or budgets for which year. Nothing
is invented: a cell naming two indicators for one set of values, or holding
two numbers, is left out and noted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.document import Table
from normalizers.departments import is_department, split_department
from normalizers.money import fund_source, is_no_budget, parse_krw, parse_number
from normalizers.record import Budget, Indicator, IndicatorTarget
from normalizers.tables.builder import Owner, PlanBuilder
from normalizers.tables.cards import budget_block, card_code, indicator_block, is_card, rows_to_card
from normalizers.tables.columns import ColumnRole, has_values, priority_of, row_rules, table_to_roles
from normalizers.text import ascii_code, clean, is_roman, split_bulleted, split_trailing_paren, strip_bullet

_NUMBERS = re.compile(r"[△▲\-]?\d[\d,]*(?:\.\d+)?")
_VALUE_ROLES = ("budget", "target", "executed", "rate")  # a table starting with these has no row labels
_LABEL_ROLES = ("label", "unknown", "note", "fund", "strategy", "program")


@dataclass(frozen=True)
class RowView:
    """One table row as texts with its column roles and provenance."""

    texts: list[str]
    roles: list[ColumnRole]
    row: int
    table_id: str
    page: int | None


def tables_to_plan(tables: list[tuple[Table, str, str | None, list[str]]]) -> PlanBuilder:
    """Read every (table, table_id, unit, text lines just before it) in order into one `PlanBuilder`."""
    builder = PlanBuilder()
    for table, table_id, unit, context in tables:
        rows = table.rows_text()
        if is_card(rows):
            card_to_plan(builder, table, rows, table_id, unit, context)
        else:
            table_to_plan(builder, table, table_id, unit, rows)
    return builder


def card_to_plan(b: PlanBuilder, table: Table, rows: list[list[str]], table_id: str, unit: str | None,
                 context: list[str]) -> None:
    """One program card; a '추진전략 N …' line just before it sets the strategy."""
    rules = row_rules()
    for line in context:
        m = rules.strategy.match(line)
        if m:
            _start_strategy(b, m, RowView([], [], 0, table_id, table.source.page))
    card = rows_to_card([[clean(t) for t in r] for r in rows])
    code, raw, name = card_code(card, context, rules.program)
    p = b.program(code, raw or code, name, description=card.fields.get("description"),
                  department=card.fields.get("department"), is_priority=priority_of(card.fields.get("priority", "")),
                  page=table.source.page, table_id=table_id, row=0)
    b.owner = Owner("program", strategy_id=p.strategy_id, program_id=p.program_id)
    b.indicators += indicator_block(card.indicator_rows, p.program_id, len(b.indicators) + 1, table.source.page,
                                    table_id, card.starts.get("indicator", 0))
    b.add_budgets(budget_block(card.budget_rows, card.budget_key, unit, p.program_id, table.source.page,
                               table_id, card.starts.get("budget", 0)))


def table_to_plan(b: PlanBuilder, table: Table, table_id: str, unit: str | None,
                  rows: list[list[str]] | None = None) -> None:
    """Read one table's rows (header rows only for strategy labels).

    A table whose first row already holds a program code has no header of its
    own: it continues the previous plan table (split by a page or a blank
    line) and reads with that table's column roles.
    """
    rows = table.rows_text() if rows is None else rows
    codes = any(_find_code(r) for r in rows)
    header_rows = table.header_rows
    if header_rows and any(_find_code(r) for r in rows[:header_rows]):
        header_rows = 0
    if header_rows:
        roles = table_to_roles(table, unit)
    elif b.roles and len(b.roles) >= table.n_cols - 1:
        roles = b.roles
    else:
        roles = [ColumnRole("unknown")] * table.n_cols
    if (not codes and not has_values(roles)) or (roles and roles[0].role in _VALUE_ROLES):
        return
    if header_rows:
        b.owner = None
    b.roles = roles
    pages = _row_pages(table)
    for r, texts in enumerate(rows):
        view = RowView([clean(t) for t in texts], roles, r, table_id, pages.get(r, table.source.page))
        if r < header_rows:
            _header_row_strategy(b, view, codes)
            continue
        row_to_facts(b, view, codes)


def _row_pages(table: Table) -> dict[int, int | None]:
    return {c.row: c.source.page for c in table.cells if c.source.page is not None}


def _label_end(roles: list[ColumnRole]) -> int:
    """Columns before the first value/description column hold the row label."""
    for i, role in enumerate(roles):
        if role.role not in _LABEL_ROLES:
            return max(i, 1)
    return max(1, min(2, len(roles)))


def _find_code(texts: list[str], limit: int = 3):
    """(column, match) of the first program code among the first cells."""
    rules = row_rules()
    for c, text in enumerate(texts[:limit]):
        m = rules.program.search(text)
        if m:
            return c, m
    return None


def _header_row_strategy(b: PlanBuilder, view: RowView, codes: bool) -> None:
    label = view.texts[0] if view.texts else ""
    m = row_rules().strategy.match(label) or (row_rules().numbered.match(label) if codes else None)
    if m:
        _start_strategy(b, m, view)


def row_to_facts(b: PlanBuilder, view: RowView, table_has_codes: bool) -> None:
    """Classify one body row and add what it says."""
    rules = row_rules()
    end = _label_end(view.roles)
    label_cells = [t for t in view.texts[:end] if t]
    label = " ".join(label_cells)
    found = _find_code(view.texts, limit=max(end, 2) + 1)
    if label_cells and not found and _breakdown_row(b, view, label_cells):
        return
    if any(rules.total.match(t.replace(" ", "")) for t in label_cells) and not found:
        b.owner = Owner("total", item=label_cells[0])
        _add_values(b, view, view.roles)
        return
    _strategy_column(b, view, found)
    if found:
        _program_row(b, view, found, end)
        return
    m = rules.strategy.match(label) or (rules.numbered.match(label) if table_has_codes and label
                                        and not _has_numbers(view, end) else None)
    if m:
        _start_strategy(b, m, view)
        _add_values(b, view, view.roles)
        return
    if _uncoded_program_row(b, view, end):
        return
    if not label:
        if b.owner is not None:
            _add_values(b, view, view.roles)
        return
    if b.pending_title and b.strategy is not None:
        b.set_strategy_title(_strip_tags(label))
        b.pending_title = False
        b.owner = Owner("strategy", strategy_id=b.strategy.strategy_id)
        _add_values(b, view, view.roles)
        return
    if has_values(view.roles):
        name, dept = split_department(_item_label(view.texts[:end]))
        b.owner = Owner("item", item=name, department=dept)
        _add_values(b, view, view.roles)


def _strategy_column(b: PlanBuilder, view: RowView, found) -> None:
    """A cell under a 추진전략 column starts that strategy ('1. 돌봄', '추진전략 2 …', or a bare title).

    A bare title takes its number from the row's program code ('1-2' -> '1'),
    else the next number.
    """
    rules = row_rules()
    for text, role in zip(view.texts, view.roles):
        if role.role != "strategy" or not text:
            continue
        m = rules.strategy.match(text) or rules.numbered.match(text)
        if m:
            _start_strategy(b, m, view)
        else:
            code = ascii_code(found[1].group("code")).split("-") if found else []
            number = code[1] if len(code) > 2 and is_roman(code[0]) else (code[0] if code else
                                                                                     str(len(b.strategies) + 1))
            b.add_strategy(number, _strip_tags(text), text, view.page, view.table_id, view.row)
            b.pending_title = False
        return


def _uncoded_program_row(b: PlanBuilder, view: RowView, end: int) -> bool:
    """A program named under a 세부사업 column without a printed code."""
    name = next((t for t, r in zip(view.texts[:end], view.roles) if r.role == "program" and t), None)
    if name is None or row_rules().total.match(name.replace(" ", "")):
        return False
    dept = _cell_of(view.texts, view.roles, "department")
    if dept is None and has_values(view.roles):
        name, dept = split_department(name)
    p = b.program(None, None, _strip_tags(name), description=_cell_of(view.texts, view.roles, "description"),
                  department=dept, is_priority=_priority(view.texts, view.roles), page=view.page,
                  table_id=view.table_id, row=view.row)
    b.owner = Owner("program", strategy_id=p.strategy_id, program_id=p.program_id)
    _add_values(b, view, view.roles)
    return True


def _breakdown_row(b: PlanBuilder, view: RowView, label_cells: list[str]) -> bool:
    """Rows of a 재원 (fund source) breakdown: '사업 | 계 | …' then ' | 국비 | …' under it.

    A name followed by 계 is that line's own total; a fund-source word alone
    adds that source's share to the line above. Returns True when handled.
    """
    last = label_cells[-1]
    source = fund_source(last)
    is_sum = bool(row_rules().total.match(last.replace(" ", "")))
    if len(label_cells) >= 2 and is_sum and has_values(view.roles):
        name, dept = split_department(_item_label(label_cells[:-1]))
        b.owner = Owner("item", item=name, department=dept)
        _add_values(b, view, view.roles)
        return True
    if source and len(label_cells) == 1 and b.owner is not None and b.owner.kind != "total":
        _add_budgets(b, view, view.roles, b.owner, fund=source)
        return True
    return False


def _has_numbers(view: RowView, end: int) -> bool:
    return any(_NUMBERS.fullmatch(t.replace(" ", "")) for t in view.texts[end:] if t)


def _strip_tags(text: str) -> str:
    return clean(re.sub(r"<[^>]+>", "", text))


def _item_label(cells: list[str]) -> str:
    """The line name among label cells: the last one that is not a bare sequence number."""
    names = [t for t in cells if t and not re.fullmatch(r"\d{1,3}\.?", t)]
    return names[-1] if names else ""


def _start_strategy(b: PlanBuilder, m: re.Match, view: RowView) -> None:
    num = ascii_code(m.group("num"))
    title = _strip_tags(m.group("title") or "")
    strategy = b.add_strategy(num, title or None, m.group("num"), view.page, view.table_id, view.row)
    b.pending_title = not title
    b.owner = Owner("strategy", strategy_id=strategy.strategy_id)
    b.subgroup = (None, None)


def _program_row(b: PlanBuilder, view: RowView, found, end: int) -> None:
    col, m = found
    raw = m.group("code")
    code = ascii_code(raw)
    parts = code.split("-")
    b.qualify_strategy(parts)
    if b.pending_title:
        b.pending_title = False
    prefix = _strip_tags(view.texts[col][:m.start()])
    prefix = re.sub(r"^(세부\s*사업|단위\s*사업|사업|과제)$", "", prefix).strip()
    if prefix and len(parts) >= 3 and "-".join(parts[:-1]) not in b.by_code:
        parent = "-".join(parts[:-1])
        b.program(parent, parent, prefix, page=view.page, table_id=view.table_id, row=view.row)
    _subgroup(b, view, col, parts)
    shift = max(0, col - end + 1)
    roles = [ColumnRole("label")] * (col + 1) + view.roles[col + 1 - shift:] if shift else view.roles
    name = clean(m.group("name")).rstrip(".").strip() or _next_label(view.texts, col, end)
    priority = _priority(view.texts, roles)
    desc = _cell_of(view.texts, roles, "description")
    dept = _cell_of(view.texts, roles, "department")
    if dept is None and has_values(roles) and not any(r.role == "department" for r in roles):
        name, dept = split_department(name)
    if desc is None and dept is None and not has_values(roles):
        desc, dept = _description_and_department(view.texts[col + 1:])
    p = b.program(code, raw.rstrip(". "), name, description=desc, department=dept, is_priority=priority,
                  page=view.page, table_id=view.table_id, row=view.row, subgroup=b.subgroup[0])
    b.owner = Owner("program", strategy_id=p.strategy_id, program_id=p.program_id)
    _add_values(b, view, roles)


def _next_label(texts: list[str], col: int, end: int) -> str:
    """A code alone in its cell: the name is the next label cell ('1-1 | 방문형 통합건강관리')."""
    return next((_strip_tags(t) for t in texts[col + 1:end] if t), "")


def _description_and_department(cells: list[str]) -> tuple[str | None, str | None]:
    """Headerless program listing: '… | description | 복지정책과' read by content."""
    rest = [t for t in cells if t]
    dept = rest.pop() if rest and is_department(rest[-1]) else None
    return (rest[0] if len(rest) == 1 else None), dept


def _subgroup(b: PlanBuilder, view: RowView, col: int, parts: list[str]) -> None:
    """A label left of the code cell ('1. 위기가구 발굴') names the group between strategy and program."""
    left = [t for t, r in zip(view.texts[:col], view.roles) if t and r.role != "strategy"]
    if left:
        b.subgroup = ("-".join(parts[:-1]) if len(parts) >= 4 else None, left[-1])
    elif col == 0:
        b.subgroup = (None, None)


def _priority(texts: list[str], roles: list[ColumnRole]) -> bool | None:
    return priority_of(_cell_of(texts, roles, "priority") or "")


def _cell_of(texts: list[str], roles: list[ColumnRole], role: str) -> str | None:
    for text, r in zip(texts, roles):
        if r.role == role and text:
            return text
    return None


def _add_values(b: PlanBuilder, view: RowView, roles: list[ColumnRole]) -> None:
    """Indicators with targets and budgets on this row, for the current owner."""
    owner = b.owner
    if owner is None:
        return
    if owner.kind in ("strategy", "program"):
        _add_indicator(b, view, roles, owner)
    _add_budgets(b, view, roles, owner)


def _add_indicator(b: PlanBuilder, view: RowView, roles: list[ColumnRole], owner: Owner) -> None:
    cell = _cell_of(view.texts, roles, "indicator")
    if not cell:
        return
    names = split_bulleted(cell)
    target_cells = [(t, r, c) for c, (t, r) in enumerate(zip(view.texts, roles))
                    if r.role == "target" and r.year is not None and t]
    if len(names) != 1:
        if target_cells:
            b.notes.append(f"table {view.table_id} row {view.row}: {len(names)} indicators share one "
                           f"set of targets; left out ({cell})")
        return
    if any(len(_NUMBERS.findall(t)) > 1 for t, _, _ in target_cells):
        b.notes.append(f"table {view.table_id} row {view.row}: cells hold two numbers each; "
                       f"indicator left out ({cell})")
        return
    name, unit = split_trailing_paren(names[0])
    unit = unit or _cell_of(view.texts, roles, "unit")
    targets = tuple(IndicatorTarget(year=r.year, is_baseline=r.is_baseline, value=_target_value(t),
                                    value_text=t, col=c)
                    for t, r, c in target_cells if r.year is not None and not is_no_budget(t))
    b.indicators.append(Indicator(indicator_id=f"i{len(b.indicators) + 1}", program_id=owner.program_id,
                                  strategy_id=owner.strategy_id if owner.program_id is None else None,
                                  name=name, unit=unit, targets=targets, name_text=strip_bullet(cell),
                                  page=view.page, table_id=view.table_id, row=view.row))


def _target_value(text: str) -> float | None:
    if len(_NUMBERS.findall(text)) != 1 or re.search(r"[가-힣]{2,}", text):
        return None
    return parse_number(text)


def _add_budgets(b: PlanBuilder, view: RowView, roles: list[ColumnRole], owner: Owner,
                 fund: str | None = None) -> None:
    new: list[Budget] = []
    for c, (text, role) in enumerate(zip(view.texts, roles)):
        if role.role != "budget" or not text or is_no_budget(text) or (role.year is None and not role.is_total):
            continue
        amount = parse_krw(text, role.unit, on_error="none") if role.unit else None
        if amount is None:
            if role.unit is None and _NUMBERS.fullmatch(text.replace(" ", "")):
                b.notes.append(f"table {view.table_id} row {view.row} col {c}: budget '{text}' has no unit")
            continue
        new.append(Budget(budget_id="", program_id=owner.program_id,
                          strategy_id=owner.strategy_id if owner.program_id is None else None,
                          item=_budget_item(b, owner), year=role.year, amount_krw=amount, amount_text=text,
                          unit_text=role.unit, kind="baseline" if role.is_baseline else "planned",
                          fund_source=fund, is_total=owner.kind == "total", department=owner.department, page=view.page,
                          table_id=view.table_id, row=view.row, col=c))
    if new and _already_recorded(b, new):
        b.notes.append(f"table {view.table_id} row {view.row}: the same budget repeated for one owner; "
                       "recorded once")
        return
    b.add_budgets(new)


def _budget_item(b: PlanBuilder, owner: Owner) -> str | None:
    if owner.kind == "strategy" and b.strategy is not None:
        return b.strategy.title
    return owner.item if owner.kind in ("item", "total") else None


def _already_recorded(b: PlanBuilder, new: list[Budget]) -> bool:
    """True when this owner already has exactly these (year, amount) values (a merged cell repeated)."""
    key = lambda x: (x.program_id, x.strategy_id, x.item, x.is_total, x.fund_source)  # noqa: E731
    same = {(x.year, x.amount_krw, x.kind) for x in b.budgets if key(x) == key(new[0])}
    return bool(same) and {(x.year, x.amount_krw, x.kind) for x in new} <= same
