"""`PlanFacts`: the facts read so far from a document's tables, numbered in reading order.

It only collects: strategies (one per number), programs (one per code, or
per name when uncoded; a later row fills what an earlier one left empty),
indicators and budgets (ids i1, b1, … in reading order) and issues. Who a row
belongs to is the reader's `ReadingContext`, not kept here. `forms` names the
6th-term form each template table is (master, table, card, strategy_card):
the same fact printed in two forms is merged once reading is done
(`normalizers.tables.template.merge_forms`), with `checks` that they agree.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from extractors.document import Issue, Source
from normalizers.record import Budget, Check, Indicator, Program, Strategy
from normalizers.tables.hierarchy import RowLabel
from normalizers.text import is_roman


@dataclass
class PlanFacts:
    """Accumulates facts over a document's tables (mutable while reading, frozen on output)."""

    strategies: list[Strategy] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    by_code: dict[str, int] = field(default_factory=dict)
    row_labels: dict[tuple[str, int], RowLabel] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)      # table_id -> 6th-term form
    checks: list[Check] = field(default_factory=list)        # the template's rules and cross-form agreement
    printed_budgets: list[Budget] = field(default_factory=list)   # every budget as printed, before merging forms
    _recorded: dict[tuple, set[tuple]] = field(default_factory=dict, repr=False)   # owner -> (year, amount, kind)
    _indexed: int = field(default=0, repr=False)                                   # budgets in `_recorded`

    def strategy(self, strategy_id: str | None) -> Strategy | None:
        return next((s for s in self.strategies if s.strategy_id == strategy_id), None)

    def add_strategy(self, number: str, title: str | None, raw: str, page: int | None, table_id: str | None,
                     row: int | None, system: str | None = None) -> Strategy:
        """The strategy numbered `number` (a title fills an untitled one), added when new."""
        for i, s in enumerate(self.strategies):
            if s.number == number:
                if title and not s.title:
                    self.strategies[i] = replace(s, title=title)
                return self.strategies[i]
        s = Strategy(strategy_id=f"st{len(self.strategies) + 1}", number=number, title=title or None,
                     number_raw=raw, page=page, table_id=table_id, row=row, system=system)
        self.strategies.append(s)
        return s

    def strategy_by_number(self, number: str) -> Strategy | None:
        return next((s for s in self.strategies if s.number == number), None)

    def set_strategy_title(self, strategy_id: str, title: str) -> None:
        self._replace_strategy(strategy_id, title=title)

    def qualify_strategy(self, strategy_id: str | None, code_parts: list[str]) -> None:
        """Give a strategy its system prefix from a program code: '1' + 'I-1-1' -> 'I-1'."""
        s = self.strategy(strategy_id)
        if s is None or "-" in s.number or not code_parts or not is_roman(code_parts[0]):
            return
        if len(code_parts) > 1 and code_parts[1] == s.number:
            self._replace_strategy(s.strategy_id, number=f"{code_parts[0]}-{s.number}", system=code_parts[0])

    def _replace_strategy(self, strategy_id: str, **changes: Any) -> None:
        for i, s in enumerate(self.strategies):
            if s.strategy_id == strategy_id:
                self.strategies[i] = replace(s, **changes)

    def program_by_id(self, program_id: str | None) -> Program | None:
        return next((p for p in self.programs if p.program_id == program_id), None) if program_id else None

    def has_program(self, code: str) -> bool:
        return code in self.by_code

    def program(self, code: str | None, raw: str | None, name: str, strategy_id: str | None,
                **kw: Any) -> Program:
        """Add a program or merge into the one already read under the same code (or, uncoded, name)."""
        key = code if code is not None else f"name:{name}"
        if key in self.by_code:
            i = self.by_code[key]
            old = self.programs[i]
            merged = replace(old, **{k: v for k, v in kw.items()
                                     if v not in (None, ()) and getattr(old, k) in (None, "", ())})
            if name and not old.name:
                merged = replace(merged, name=name)
            self.programs[i] = merged
            return merged
        parent = self._parent_of(code) if code else None
        p = Program(program_id=f"p{len(self.programs) + 1}", code=code, code_raw=raw, name=name,
                    strategy_id=strategy_id, parent_id=parent.program_id if parent else None, **kw)
        self.by_code[key] = len(self.programs)
        self.programs.append(p)
        return p

    def add_indicator(self, indicator: Indicator) -> None:
        self.indicators.append(replace(indicator, indicator_id=f"i{len(self.indicators) + 1}"))

    def add_budget(self, budget: Budget) -> Budget:
        """Append one budget of a 6th-term form (duplicates across forms are merged later); returns it numbered."""
        numbered = replace(budget, budget_id=f"b{len(self.budgets) + 1}")
        self.budgets.append(numbered)
        return numbered

    def add_budgets(self, budgets: list[Budget]) -> None:
        """Append budgets, numbering them b1, b2, … in reading order; a repeated set is recorded once.

        Budgets of a 6th-term form are merged across forms later, not here.
        """
        if budgets and budgets[0].table_id not in self.forms and self._already_recorded(budgets):
            first = budgets[0]
            self.issues.append(Issue("budget-repeated", f"table {first.table_id} row {first.row}: the same "
                                     "budget repeated for one owner; recorded once", Source(page=first.page)))
            return
        for budget in budgets:
            self.budgets.append(replace(budget, budget_id=f"b{len(self.budgets) + 1}"))

    def _already_recorded(self, new: list[Budget]) -> bool:
        """True when this owner already has exactly these (year, amount) values (a merged cell repeated).

        Owners' values are indexed as budgets are added (one look-up per row, not a scan of every budget
        so far: a 4,000-row table stays linear)."""
        if self._indexed > len(self.budgets):   # the list was replaced: index it again
            self._recorded, self._indexed = {}, 0
        for x in self.budgets[self._indexed:]:
            self._recorded.setdefault(_owner_key(x), set()).add((x.year, x.amount_krw, x.kind))
        self._indexed = len(self.budgets)
        same = self._recorded.get(_owner_key(new[0]), set())
        return bool(same) and {(x.year, x.amount_krw, x.kind) for x in new} <= same

    def _parent_of(self, code: str) -> Program | None:
        parts = code.split("-")
        if len(parts) < 3:
            return None
        parent = "-".join(parts[:-1])
        return self.programs[self.by_code[parent]] if parent in self.by_code else None


def _owner_key(b: Budget) -> tuple:
    """Whose figure a budget is: program, strategy, line, total or not, funding source."""
    return b.program_id, b.strategy_id, b.item, b.is_total, b.fund_source
