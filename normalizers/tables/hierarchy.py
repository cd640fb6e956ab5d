"""Which budget rows of a table are parts of which: `parent_budget_id` and `is_total` from what is printed.

Budget tables are hierarchies: `합 계` > `사 업 비` > `□ 사업` > `- 세부사업`,
`총지출(a+b)` > `예산지출(a)` > `⋅일반회계`, a strategy over its programs, a
program `1-1` over `1-1-1`, a line over its fund-source shares, `계(①+②+③)` >
`소계(①+②)` > `①시·도비`. The parent of a row is read, per printed column,
from (in this order): a formula naming its marker (`(a+b)`, `(①+②)`), a
fund-source share under its line, a total row closing the rows above it
(`소계`, a `계` printed last), and otherwise the nearest row above it that is
printed shallower (total words, strategy rows, code depth, line markers ranked
by first appearance, unmarked lines). Where a total row could close the rows
above or open the rows below, the numbers decide. A row with parts is a total;
the leaves of a table sum to its grand total.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from normalizers import rules
from normalizers.money import printed_precision
from normalizers.record import Budget

GRAND, SUB, STRATEGY, LINE, MARKED = 0.0, 1.0, 1.0, 1.0, 2.0


@dataclass(frozen=True)
class RowLabel:
    """A budget row's label as printed and what the reader classified it as.

    `code` is a program row's code; `strategy_id` the strategy a program row is
    printed under, or a strategy row's own.
    """

    kind: str              # total | strategy | program | item | fund | values
    text: str
    code: str | None = None
    strategy_id: str | None = None


@dataclass(frozen=True)
class RowShape:
    """What a row's label says about its place in the table's sums."""

    depth: float
    total: bool = False
    formula: frozenset[str] = frozenset()
    part: str | None = None
    fund: bool = False
    code: str | None = None
    strategy_id: str | None = None
    strategy: bool = False


def formula_parts(text: str) -> frozenset[str]:
    """The part markers a label names: '총지출(a+b)' -> {'a', 'b'}; none -> empty."""
    m = rules.columns().subtotal_formula.pattern.search(text)
    return frozenset(re.split(r"\s*[+＋]\s*", m.group("parts"))) if m else frozenset()


def part_marker(text: str) -> str | None:
    """The marker a part row carries: '예산지출(a)' -> 'a', '①시·도비' -> '①'."""
    m = rules.columns().part_marker.pattern.search(text)
    return next((g for g in (m.group("lead"), m.group("open"), m.group("trail")) if g), None) if m else None


def line_marker(text: str) -> str | None:
    """The marker type opening a line: '□ 사업' -> '□', '1. 사업' -> '1.', '(가) 사업' -> '(가)'."""
    m = rules.columns().line_marker.pattern.match(text)
    if not m:
        return None
    marker = m.group("marker")
    return re.sub(r"\d+", "1", re.sub(r"[가-하]", "가", marker))


def _code_depth(code: str) -> float:
    return float(sum(1 for part in code.split("-") if part.isdigit()))


def labels_to_shapes(labels: list[RowLabel]) -> list[RowShape]:
    """Each row's shape; line markers rank by first appearance in the table."""
    ranks: dict[str, int] = {}
    out = []
    for label in labels:
        formula = formula_parts(label.text)
        part = part_marker(label.text) if not formula else None
        if label.kind == "fund":
            out.append(RowShape(MARKED, formula=formula, part=part, fund=True))
        elif label.kind == "total" or formula:
            sub = bool(rules.fragment("subtotal_word").search(label.text))
            out.append(RowShape(SUB if sub else GRAND, True, formula, part))
        elif label.kind == "strategy":
            out.append(RowShape(STRATEGY, part=part, strategy_id=label.strategy_id, strategy=True))
        elif label.kind == "program" and label.code:
            out.append(RowShape(_code_depth(label.code), part=part, code=label.code, strategy_id=label.strategy_id))
        else:
            marker = line_marker(label.text)
            if marker is not None and marker not in ranks:
                ranks[marker] = len(ranks)
            depth = LINE if marker is None else MARKED + ranks[marker]
            out.append(RowShape(depth, part=part))
    return out


def _last_digit(parent: Budget, parts: list[Budget]) -> int:
    """KRW of one unit of the last printed digit, the coarsest among a total and its parts."""
    return max(printed_precision(b.amount_text, b.unit_text or "원") for b in [parent, *parts])


def tolerance(parent: Budget, parts: list[Budget]) -> int:
    """How far a printed total may be from the sum of its printed parts by rounding: one unit per part."""
    return len(parts) * _last_digit(parent, parts)


def rounding_bound(parent: Budget, parts: list[Budget]) -> float:
    """The most rounding can explain between a printed total and the sum of its printed parts: half a unit
    of the last printed digit for the total and for each non-zero part (a printed 0 is not rounded)."""
    return _last_digit(parent, parts) * (1 + sum(1 for b in parts if b.amount_krw)) / 2


def _adds_up(parent: Budget, parts: list[Budget]) -> bool:
    return bool(parts) and abs(parent.amount_krw - sum(b.amount_krw for b in parts)) <= tolerance(parent, parts)


def _owner(b: Budget) -> tuple:
    return b.program_id, b.strategy_id, b.item


def _code_parent(column: list[Budget], i: int, shape: dict[str, RowShape]) -> Budget | None:
    """The nearest program row above whose code is the longest prefix of this row's code ('1-1' of '1-1-2')."""
    code = shape[column[i].budget_id].code
    if code is None:
        return None
    prefixes = {p: n for n, p in enumerate("-".join(code.split("-")[:k]) for k in range(1, code.count("-") + 1))}
    found = [(prefixes[c], a) for a in reversed(column[:i]) if (c := shape[a.budget_id].code) in prefixes]
    return max(found, key=lambda x: x[0])[1] if found else None


def code_parents(columns: list[list[Budget]], shape: dict[str, RowShape]) -> tuple[dict[str, str], set[str]]:
    """Program-over-sub-program parents that the numbers bear out, and the sub-programs they do not.

    A program row with sub-program rows under it is their total only where its
    figure adds up to theirs in at least one printed column of the table;
    otherwise the sub-programs are lines of their own (budgets beside it).
    """
    candidates: dict[str, Budget] = {}
    groups: dict[int, dict[str, tuple[Budget, list[Budget]]]] = defaultdict(dict)
    for column in columns:
        for i, b in enumerate(column):
            parent = _code_parent(column, i, shape)
            if parent is not None:
                candidates[b.budget_id] = parent
                groups[parent.row or 0].setdefault(parent.budget_id, (parent, []))[1].append(b)
    borne_out = {row for row, by_parent in groups.items() if any(_adds_up(p, kids) for p, kids in by_parent.values())}
    accepted = {child: p.budget_id for child, p in candidates.items() if (p.row or 0) in borne_out}
    alone_rows = {b.row for column in columns for b in column
                  if b.budget_id in candidates and b.budget_id not in accepted}
    return accepted, {b.budget_id for column in columns for b in column if b.row in alone_rows}


def column_to_parents(column: list[Budget], shape: dict[str, RowShape], coded: dict[str, str],
                      alone: set[str]) -> dict[str, str]:
    """child budget_id -> parent budget_id for the budgets of one printed column, in row order."""
    parent = {b.budget_id: coded[b.budget_id] for b in column if b.budget_id in coded}
    formulas = [b for b in column if shape[b.budget_id].formula]
    for b in column:   # formulas: the smallest formula naming this row's marker, or containing this formula
        s = shape[b.budget_id]
        holders = [f for f in formulas if f is not b and (s.part in shape[f.budget_id].formula if s.part else
                   s.formula and s.formula < shape[f.budget_id].formula)]
        if holders:
            parent[b.budget_id] = min(holders, key=lambda f: len(shape[f.budget_id].formula)).budget_id
    for i, b in enumerate(column):   # fund-source shares: the line above of the same owner
        if shape[b.budget_id].fund and b.budget_id not in parent:
            line = next((a for a in reversed(column[:i]) if not shape[a.budget_id].fund and _owner(a) == _owner(b)),
                        None)
            if line is not None:
                parent[b.budget_id] = line.budget_id
    _stack_to_parents([b for b in column if not shape[b.budget_id].fund], shape, parent, alone)
    return parent


def _stack_to_parents(rows: list[Budget], shape: dict[str, RowShape], parent: dict[str, str],
                      alone: set[str]) -> None:
    """Depth-based parents; a total row closes the open rows above it when it is printed after them.

    A program without a program over it belongs to the row of the strategy it
    is printed under, else to a total row above it (never to another
    strategy, program or line); a sub-program the numbers do not bear out
    belongs to nothing.
    """
    stack: list[Budget] = []
    open_rows: list[Budget] = []   # rows without a parent yet, in order
    strategies = {shape[b.budget_id].strategy_id: b for b in rows if shape[b.budget_id].strategy}
    for i, b in enumerate(rows):
        s = shape[b.budget_id]
        if s.total and not s.formula:
            below = _rows_below(rows, i, shape)
            above = [a for a in open_rows if shape[a.budget_id].depth >= s.depth and a.budget_id not in parent]
            above = _since_last_closing(above, rows[:i], shape, s.depth)
            if above and (not below or (_adds_up(b, above) and not _adds_up(b, below))):
                for a in above:
                    parent[a.budget_id] = b.budget_id
                open_rows = [a for a in open_rows if a.budget_id not in parent]
                stack = [x for x in stack if shape[x.budget_id].depth < s.depth]
                open_rows.append(b)
                continue
        while stack and shape[stack[-1].budget_id].depth >= s.depth:
            stack.pop()
        if b.budget_id not in parent and b.budget_id not in alone:
            above_b = _above(b, s, stack, strategies, shape)
            if above_b is not None:
                parent[b.budget_id] = above_b.budget_id
        if b.budget_id not in parent:
            open_rows.append(b)
        stack.append(b)


def _above(b: Budget, s: RowShape, stack: list[Budget], strategies: dict[str | None, Budget],
           shape: dict[str, RowShape]) -> Budget | None:
    if s.code is None:
        return stack[-1] if stack else None
    strategy = strategies.get(s.strategy_id) if s.strategy_id else None
    if strategy is not None and (strategy.row or 0) < (b.row or 0):
        return strategy
    return next((a for a in reversed(stack) if shape[a.budget_id].total), None)


def _rows_below(rows: list[Budget], i: int, shape: dict[str, RowShape]) -> list[Budget]:
    """The rows a total opens: those after it printed deeper, up to the next row as shallow."""
    depth = shape[rows[i].budget_id].depth
    out: list[Budget] = []
    for b in rows[i + 1:]:
        if shape[b.budget_id].depth <= depth:
            break
        out.append(b)
    top = min((shape[b.budget_id].depth for b in out), default=0)
    return [b for b in out if shape[b.budget_id].depth == top]


def _since_last_closing(above: list[Budget], before: list[Budget], shape: dict[str, RowShape],
                        depth: float) -> list[Budget]:
    """Open rows after the last total of the same or a shallower depth printed before."""
    last = max((k for k, b in enumerate(before) if shape[b.budget_id].total and shape[b.budget_id].depth <= depth),
               default=-1)
    after = {b.budget_id for b in before[last + 1:]}
    return [a for a in above if a.budget_id in after]


def _table_shapes(labels: dict[tuple[str, int], RowLabel]) -> dict[str, dict[int, RowShape]]:
    """Row shapes per table, markers ranked over all the table's labelled rows."""
    by_table: dict[str, list[tuple[int, RowLabel]]] = defaultdict(list)
    for (table_id, row), label in labels.items():
        by_table[table_id].append((row, label))
    out = {}
    for table_id, rows in by_table.items():
        rows.sort(key=lambda x: x[0])
        out[table_id] = dict(zip([r for r, _ in rows], labels_to_shapes([label for _, label in rows])))
    return out


def budgets_to_hierarchy(budgets: list[Budget], labels: dict[tuple[str, int], RowLabel],
                         skip_tables: set[str] | frozenset[str] = frozenset()) -> list[Budget]:
    """Budgets with `parent_budget_id` set and `is_total` for every row that has parts.

    Budgets of `skip_tables` (6th-term cards, whose block says its own parts) are left as they are.
    """
    by_column: dict[tuple, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.table_id is not None and b.kind != "executed" and b.table_id not in skip_tables:
            by_column[(b.table_id, b.col, b.year, b.kind)].append(b)
    shapes = _table_shapes(labels)
    by_table: dict[str, list[list[Budget]]] = defaultdict(list)
    for (table_id, *_), column in by_column.items():
        by_table[table_id].append(sorted(column, key=lambda b: b.row or 0))
    parent: dict[str, str] = {}
    for table_id, columns in by_table.items():
        rows = shapes.get(table_id, {})
        shape = {b.budget_id: rows.get(b.row or 0, RowShape(LINE)) for column in columns for b in column}
        coded, alone = code_parents(columns, shape)
        for column in columns:
            parent.update(column_to_parents(column, shape, coded, alone))
    parents = set(parent.values())
    return [b if b.table_id in skip_tables else
            replace(b, parent_budget_id=parent.get(b.budget_id), is_total=b.is_total or b.budget_id in parents)
            for b in budgets]
