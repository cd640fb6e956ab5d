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
from normalizers.tables.forms import FormRow, opens_card, read_form, split_cards
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
    SubgroupRow,
    SystemRow,
    TableView,
    TotalRow,
    UncodedProgramRow,
    ValuesRow,
    classify_row,
    classify_table,
    header_strategy,
    label_end,
    strip_tags,
    system_strategy,
)
from normalizers.tables.template import card_form_to_facts, merge_forms, program_class, strategy_card_to_facts
from normalizers.tables.values import Owner, is_non_budget_mark, row_to_budgets, row_to_indicator
from normalizers.text import ascii_code, clean, is_roman

_NO_GROUP: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class ReadingContext:
    """What may cross from one table (or row) to the next."""

    strategy_id: str | None = None
    pending_title: bool = False                        # '추진전략 N' read, its title is the next label row
    owner: Owner | None = None                         # who a row without a label adds values to
    subgroup: tuple[str | None, str | None] = _NO_GROUP  # (group code II-1-1, group label) between strategy and program
    roles: tuple[ColumnRole, ...] = ()                 # the last plan table's column roles
    card: tuple[FormRow, ...] = ()                     # the rows of a 6th-term card read so far (it may go on)
    card_unit: str | None = None


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
        view = classify_table(item.table, item.table_id, item.unit, ctx.roles, open_card=bool(ctx.card))
        if view.kind == "form" and view.form == "card_part":
            ctx = form_to_facts(facts, ctx, item, view)
            continue
        ctx = heading_to_strategy(facts, close_card(facts, ctx), item)
        if view.kind == "form":
            ctx = form_to_facts(facts, ctx, item, view)
        elif view.kind == "card":
            ctx = card_to_facts(facts, ctx, item, view)
        elif view.kind == "plan":
            ctx = plan_table_to_facts(facts, ctx, view)
    close_card(facts, ctx)
    cards = {t for t, form in facts.forms.items() if form == "card"}
    facts.budgets = budgets_to_hierarchy(facts.budgets, facts.row_labels, cards)
    merge_forms(facts)
    return facts


# --- 6th-term vertical forms ------------------------------------------------------------------------

def heading_to_strategy(facts: PlanFacts, ctx: ReadingContext, item: TableInput) -> ReadingContext:
    """A heading naming a strategy in brackets just before a table ('나. [사회보장 전략 1_돌봄] 목표와 전략')."""
    for line in item.context:
        for m in R.sixth_term().heading.pattern.finditer(line):
            row = system_strategy(m.group("inner"))
            if row is not None:
                ctx = start_strategy(facts, ctx, row, RowView((), (), 0, item.table_id, item.table.source.page))
    return ctx


def form_to_facts(facts: PlanFacts, ctx: ReadingContext, item: TableInput, view: TableView) -> ReadingContext:
    """A strategy card is read at once; a program card's rows are kept until the card ends (it may cross pages)."""
    rows = view.form_rows
    if view.form == "strategy_card":
        facts.forms[item.table_id] = "strategy_card"
        strategy_card_to_facts(facts, ctx.strategy_id, read_form(rows))
        return ctx
    facts.forms[item.table_id] = "card"
    for piece in split_cards(rows):
        if opens_card(piece):
            ctx = replace(close_card(facts, ctx), card=piece, card_unit=item.unit)
        else:
            ctx = replace(ctx, card=ctx.card + piece)
    return ctx


def close_card(facts: PlanFacts, ctx: ReadingContext) -> ReadingContext:
    """The open card, if any, read into facts: it ends where a table that is no piece of it begins."""
    if not ctx.card:
        return ctx
    program_id = card_form_to_facts(facts, ctx.strategy_id, read_form(ctx.card), ctx.card_unit)
    owner = Owner("program", program_id=program_id) if program_id else ctx.owner
    return replace(ctx, card=(), card_unit=None, owner=owner)


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
    if view.form:
        facts.forms[view.table_id] = view.form
    for r in range(view.header_rows):
        header = view.row_view(r)
        strategy = header_strategy(header, view.has_codes)
        if strategy is not None:
            ctx = start_strategy(facts, ctx, strategy, header)
    body = [classify_row(view.row_view(r), view.has_codes) for r in range(view.header_rows, len(view.rows))]
    for i, row in enumerate(body):
        if isinstance(row.kind, SubgroupRow):
            ctx = subgroup_to_facts(facts, ctx, row.kind, row.view, body[i + 1:])
            continue
        ctx = row_to_facts(facts, ctx, row)
    return ctx


def subgroup_to_facts(facts: PlanFacts, ctx: ReadingContext, row: SubgroupRow, view: RowView,
                      below: list[ClassifiedRow]) -> ReadingContext:
    """A 대표과업 row: the group of the 세부과업 below it (its code is their parent's), owner of its indicator."""
    code = None
    for other in below:
        if isinstance(other.kind, (SubgroupRow, StrategyRow, SystemRow)):
            break
        if isinstance(other.kind, ProgramRow) and len(other.kind.code.split("-")) >= 4:
            code = "-".join(other.kind.code.split("-")[:3])
            break
    strategy = facts.strategy(ctx.strategy_id)
    if code is None and strategy is not None and "-" in strategy.number:
        code = f"{strategy.number}-{row.number}"
    named = facts.strategy_by_number("-".join(code.split("-")[:2])) if code else None
    if named is not None:
        ctx = replace(ctx, strategy_id=named.strategy_id)
    ctx = replace(ctx, subgroup=(code, row.name), pending_title=False)
    return add_values(facts, ctx, view, Owner("subgroup", strategy_id=ctx.strategy_id, subgroup=code,
                                              item=row.raw))


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
    if isinstance(kind, SystemRow):
        return replace(ctx, strategy_id=None, pending_title=False, owner=None, subgroup=_NO_GROUP)
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
    s = facts.add_strategy(row.number, row.title, row.raw, view.page, view.table_id, view.row, row.system)
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
    if row.group_label is not None and not (row.group_label == "" and ctx.subgroup[0] == parent):
        group = (parent if row.group_label and len(parts) >= 4 else None, row.group_label or None)
        ctx = replace(ctx, subgroup=group)
    form = facts.forms.get(view.table_id)
    p = facts.program(row.code, row.raw, row.name, _code_strategy(facts, parts) or ctx.strategy_id,
                      description=row.description, department=row.department,
                      is_priority=False if row.priority is None and form == "master" else row.priority,
                      page=view.page, table_id=view.table_id, row=view.row, **_sixth_term_fields(row, view, form, ctx))
    owner = Owner("program", strategy_id=p.strategy_id, program_id=p.program_id)
    return add_values(facts, ctx, view, owner, row.roles)


def _code_strategy(facts: PlanFacts, parts: list[str]) -> str | None:
    """The strategy a system-qualified code names ('II-1-2-1' -> strategy 'II-1'), if read."""
    s = facts.strategy_by_number("-".join(parts[:2])) if len(parts) >= 3 and is_roman(parts[0]) else None
    return s.strategy_id if s else None


def _sixth_term_fields(row: ProgramRow, view: RowView, form: str | None, ctx: ReadingContext) -> dict:
    """A 6th-term row's 대표과업, 6기 flag, 기본계획 link, classification codes and 비예산 flag."""
    parts = row.code.split("-")
    out: dict = {"subgroup": ctx.subgroup[0]}
    if len(parts) >= 4 and is_roman(parts[0]):
        group = "-".join(parts[:3])
        out["subgroup"] = group
        label = ctx.subgroup[1] if ctx.subgroup[0] == group else None
        numbered = R.columns().numbered.pattern.match(label or "")
        out["subgroup_name"] = clean(numbered.group("title")) if numbered else label
    if form is None:
        return out
    budgets = [t for t, r in zip(view.texts, row.roles) if r.role == "budget" and r.year is not None and t]
    non_budget = bool(budgets) and all(is_non_budget_mark(t) for t in budgets)
    out.update(is_new=row.is_new, basic_plan_link=row.basic_plan,
               classes=tuple(program_class(c.category, c.code, view.page, view.table_id, view.row, c.col)
                             for c in row.classes),
               is_non_budget=True if non_budget else (False if form == "master" and budgets else None))
    return out


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
    budgets, issues = row_to_budgets(view, roles, owner, _budget_item(facts, owner), fund,
                                     template=view.table_id in facts.forms)
    facts.issues += issues
    facts.add_budgets(budgets)


def _label_text(view: RowView) -> str:
    """The row's label cells as printed (markers kept), for the budget hierarchy."""
    return " ".join(t for t in view.texts[:label_end(view.roles)] if t)


def _budget_item(facts: PlanFacts, owner: Owner) -> str | None:
    if owner.kind == "strategy":
        strategy = facts.strategy(owner.strategy_id)
        return strategy.title if strategy else None
    return owner.item if owner.kind in ("item", "total", "subgroup") else None
