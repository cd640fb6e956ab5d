"""Plan tables -> strategies, programs, indicators with yearly targets, budgets in KRW.

Each table is classified first (`rows.classify_table`: card, plan table or
not a plan table, with its column roles), then each body row
(`rows.classify_row`: strategy, program, total, fund share, line item …).
The classified rows are read in order: a row's kind and the
`ReadingContext` say who its values belong to, and `values` turns the cells
into an indicator and budgets. The context is the only state that crosses a
table boundary, and its fields say what may: the current strategy (a program
table continues under it), a strategy whose title is on the next row, the
owner of the last row (a headerless continuation's first rows extend it),
the program group, and the column roles a headerless continuation reuses.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from extractors.document import Issue, Table
from normalizers import rules as R
from normalizers.tables.builder import PlanFacts
from normalizers.tables.cards import budget_block, card_code, indicator_block, rows_to_card
from normalizers.tables.columns import ColumnRole, has_values, priority_of
from normalizers.tables.hierarchy import RowLabel, budgets_to_hierarchy
from normalizers.tables.rows import (
    ClassifiedRow,
    FundRow,
    LabelRow,
    LineTotalRow,
    ProgramRow,
    RowKind,
    RowView,
    StrategyCell,
    StrategyRow,
    TableView,
    TotalRow,
    UncodedProgramRow,
    ValuesRow,
    classify_row,
    classify_table,
    header_strategy,
    label_end,
    strip_tags,
)
from normalizers.tables.values import Owner, row_to_budgets, row_to_indicator
from normalizers.text import ascii_code, clean

_NO_GROUP: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class ReadingContext:
    """What may cross from one table (or row) to the next."""

    strategy_id: str | None = None
    pending_title: bool = False                        # '추진전략 N' read, its title is the next label row
    owner: Owner | None = None                         # who a row without a label adds values to
    subgroup: tuple[str | None, str | None] = _NO_GROUP  # (group code II-1-1, group label) between strategy and program
    roles: tuple[ColumnRole, ...] = ()                 # the last plan table's column roles


@dataclass(frozen=True)
class TableInput:
    """A table to read, with its id, money unit and the text lines printed just before it."""

    table: Table
    table_id: str
    unit: str | None
    context: tuple[str, ...] = ()


def tables_to_plan(tables: list[TableInput]) -> PlanFacts:
    """Read every table in document order into one `PlanFacts`."""
    facts = PlanFacts()
    ctx = ReadingContext()
    for item in tables:
        view = classify_table(item.table, item.table_id, item.unit, ctx.roles)
        if view.kind == "card":
            ctx = card_to_facts(facts, ctx, item, view)
        elif view.kind == "plan":
            ctx = plan_table_to_facts(facts, ctx, view)
    facts.budgets = budgets_to_hierarchy(facts.budgets, facts.row_labels)
    return facts


# --- program cards ----------------------------------------------------------------------------------

def card_to_facts(facts: PlanFacts, ctx: ReadingContext, item: TableInput, view: TableView) -> ReadingContext:
    """One program card; a '추진전략 N …' line just before it sets the strategy."""
    rules = R.columns()
    page = item.table.source.page
    for line in item.context:
        m = rules.strategy.pattern.match(line)
        if m:
            title = strip_tags(m.group("title") or "")
            ctx = start_strategy(facts, ctx, StrategyRow(ascii_code(m.group("num")), title or None, m.group("num")),
                                 RowView((), (), 0, item.table_id, page))
    card = rows_to_card([[clean(t) for t in r] for r in view.rows])
    code, raw, name = card_code(card, list(item.context), rules.program.pattern)
    p = facts.program(code, raw or code, name, ctx.strategy_id, description=card.fields.get("description"),
                      department=card.fields.get("department"),
                      is_priority=priority_of(card.fields.get("priority", "")),
                      page=page, table_id=item.table_id, row=0)
    for indicator in indicator_block(card.indicator_rows, p.program_id, 1, page, item.table_id,
                                     card.starts.get("indicator", 0)):
        facts.add_indicator(indicator)
    budgets, labels = budget_block(card.budget_rows, card.budget_key, item.unit, p.program_id, page,
                                   item.table_id, card.starts.get("budget", 0))
    facts.add_budgets(budgets)
    facts.row_labels.update(labels)
    return replace(ctx, owner=Owner("program", strategy_id=p.strategy_id, program_id=p.program_id))


# --- plan tables ------------------------------------------------------------------------------------

def plan_table_to_facts(facts: PlanFacts, ctx: ReadingContext, view: TableView) -> ReadingContext:
    """Read one plan table's rows (header rows only for strategy labels)."""
    ctx = replace(ctx, roles=view.roles, owner=None if view.header_rows else ctx.owner)
    for r in range(len(view.rows)):
        row = view.row_view(r)
        if r < view.header_rows:
            strategy = header_strategy(row, view.has_codes)
            if strategy is not None:
                ctx = start_strategy(facts, ctx, strategy, row)
            continue
        ctx = row_to_facts(facts, ctx, classify_row(row, view.has_codes))
    return ctx


def row_to_facts(facts: PlanFacts, ctx: ReadingContext, row: ClassifiedRow) -> ReadingContext:
    """Interpret one classified body row: who its values belong to, and what they are."""
    kind, view = row.kind, row.view
    if isinstance(kind, LineTotalRow):
        return add_values(facts, ctx, view, Owner("item", item=kind.name, department=kind.department))
    if isinstance(kind, FundRow):
        if ctx.owner is not None and ctx.owner.kind != "total":
            _add_budgets(facts, ctx.owner, view, view.roles, fund=kind.source)
            facts.row_labels[(view.table_id, view.row)] = RowLabel("fund", _label_text(view))
            return ctx
        kind = kind.otherwise
    if isinstance(kind, TotalRow):
        return add_values(facts, ctx, view, Owner("total", item=kind.label))
    if row.strategy is not None:
        ctx = strategy_cell_to_facts(facts, ctx, row.strategy, view)
    return _kind_to_facts(facts, ctx, kind, view)


def _kind_to_facts(facts: PlanFacts, ctx: ReadingContext, kind: RowKind, view: RowView) -> ReadingContext:
    if isinstance(kind, ProgramRow):
        return program_row_to_facts(facts, ctx, kind, view)
    if isinstance(kind, StrategyRow):
        ctx = start_strategy(facts, ctx, kind, view)
        return add_values(facts, ctx, view, ctx.owner)
    if isinstance(kind, UncodedProgramRow):
        p = facts.program(None, None, kind.name, ctx.strategy_id, description=kind.description,
                          department=kind.department, is_priority=kind.priority, page=view.page,
                          table_id=view.table_id, row=view.row)
        return add_values(facts, ctx, view, Owner("program", strategy_id=p.strategy_id, program_id=p.program_id))
    if isinstance(kind, ValuesRow):
        return add_values(facts, ctx, view, ctx.owner)
    if isinstance(kind, LabelRow):
        if ctx.pending_title and ctx.strategy_id is not None:
            facts.set_strategy_title(ctx.strategy_id, kind.label)
            ctx = replace(ctx, pending_title=False)
            return add_values(facts, ctx, view, Owner("strategy", strategy_id=ctx.strategy_id))
        if has_values(list(view.roles)):
            return add_values(facts, ctx, view, Owner("item", item=kind.item, department=kind.department))
    return ctx


def start_strategy(facts: PlanFacts, ctx: ReadingContext, row: StrategyRow, view: RowView) -> ReadingContext:
    """A strategy row: it becomes the current strategy and the owner; its title may follow on the next row."""
    s = facts.add_strategy(row.number, row.title, row.raw, view.page, view.table_id, view.row)
    return replace(ctx, strategy_id=s.strategy_id, pending_title=not row.title,
                   owner=Owner("strategy", strategy_id=s.strategy_id), subgroup=_NO_GROUP)


def strategy_cell_to_facts(facts: PlanFacts, ctx: ReadingContext, cell: StrategyCell,
                           view: RowView) -> ReadingContext:
    """A 추진전략 column cell: a numbered one starts a strategy; a bare title names the current one."""
    if cell.numbered:
        return start_strategy(facts, ctx, StrategyRow(cell.number, cell.title, cell.raw), view)
    number = cell.number or str(len(facts.strategies) + 1)
    s = facts.add_strategy(number, cell.title, cell.raw, view.page, view.table_id, view.row)
    return replace(ctx, strategy_id=s.strategy_id, pending_title=False)


def program_row_to_facts(facts: PlanFacts, ctx: ReadingContext, row: ProgramRow, view: RowView) -> ReadingContext:
    """A coded program (its parent named before the code, its group label to the left)."""
    parts = row.code.split("-")
    facts.qualify_strategy(ctx.strategy_id, parts)
    ctx = replace(ctx, pending_title=False)
    parent = "-".join(parts[:-1])
    if row.parent_name and not facts.has_program(parent):
        facts.program(parent, parent, row.parent_name, ctx.strategy_id, page=view.page, table_id=view.table_id,
                      row=view.row)
    if row.group_label is not None:
        group = (parent if row.group_label and len(parts) >= 4 else None, row.group_label or None)
        ctx = replace(ctx, subgroup=group)
    p = facts.program(row.code, row.raw, row.name, ctx.strategy_id, description=row.description,
                      department=row.department, is_priority=row.priority, page=view.page,
                      table_id=view.table_id, row=view.row, subgroup=ctx.subgroup[0])
    owner = Owner("program", strategy_id=p.strategy_id, program_id=p.program_id)
    return add_values(facts, ctx, view, owner, row.roles)


def add_values(facts: PlanFacts, ctx: ReadingContext, view: RowView, owner: Owner | None,
               roles: tuple[ColumnRole, ...] | None = None) -> ReadingContext:
    """The row's indicator and budgets for `owner`, who becomes the context's owner."""
    ctx = replace(ctx, owner=owner)
    if owner is None:
        return ctx
    roles = view.roles if roles is None else roles
    program = facts.program_by_id(owner.program_id)
    facts.row_labels.setdefault((view.table_id, view.row), RowLabel(
        "program" if program else owner.kind, _label_text(view), program.code if program else None,
        program.strategy_id if program else owner.strategy_id))
    indicator = row_to_indicator(view, roles, owner)
    if isinstance(indicator, Issue):
        facts.issues.append(indicator)
    elif indicator is not None:
        facts.add_indicator(indicator)
    _add_budgets(facts, owner, view, roles)
    return ctx


def _add_budgets(facts: PlanFacts, owner: Owner, view: RowView, roles: tuple[ColumnRole, ...],
                 fund: str | None = None) -> None:
    budgets, issues = row_to_budgets(view, roles, owner, _budget_item(facts, owner), fund)
    facts.issues += issues
    facts.add_budgets(budgets)


def _label_text(view: RowView) -> str:
    """The row's label cells as printed (markers kept), for the budget hierarchy."""
    return " ".join(t for t in view.texts[:label_end(view.roles)] if t)


def _budget_item(facts: PlanFacts, owner: Owner) -> str | None:
    if owner.kind == "strategy":
        strategy = facts.strategy(owner.strategy_id)
        return strategy.title if strategy else None
    return owner.item if owner.kind in ("item", "total") else None
