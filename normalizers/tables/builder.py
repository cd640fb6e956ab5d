"""`PlanBuilder`: the facts read so far from a document's tables, and who the current row belongs to."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from normalizers.record import Budget, Indicator, Program, Strategy
from normalizers.tables.columns import ColumnRole
from normalizers.text import is_roman


@dataclass
class Owner:
    """Who the values on a row belong to."""

    kind: str                      # strategy | program | item | total
    strategy_id: str | None = None
    program_id: str | None = None
    item: str | None = None
    department: str | None = None


@dataclass
class PlanBuilder:
    """Accumulates facts over a document's tables (mutable while reading, frozen on output)."""

    strategies: list[Strategy] = field(default_factory=list)
    programs: list[Program] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    strategy: Strategy | None = None
    pending_title: bool = False
    owner: Owner | None = None
    subgroup: tuple[str | None, str | None] = (None, None)
    by_code: dict[str, int] = field(default_factory=dict)
    roles: list[ColumnRole] = field(default_factory=list)

    def add_strategy(self, number: str, title: str | None, raw: str, page, table_id, row) -> Strategy:
        for i, s in enumerate(self.strategies):
            if s.number == number:
                if title and not s.title:
                    self.strategies[i] = replace(s, title=title)
                self.strategy = self.strategies[i]
                return self.strategy
        s = Strategy(strategy_id=f"st{len(self.strategies) + 1}", number=number, title=title or None,
                     number_raw=raw, page=page, table_id=table_id, row=row)
        self.strategies.append(s)
        self.strategy = s
        return s

    def set_strategy_title(self, title: str) -> None:
        s = self.strategy
        if s is not None:
            i = self.strategies.index(s)
            self.strategies[i] = self.strategy = replace(s, title=title)

    def qualify_strategy(self, code_parts: list[str]) -> None:
        """Give the current strategy its system prefix from a program code: '1' + 'I-1-1' -> 'I-1'."""
        s = self.strategy
        if s is None or "-" in s.number or not code_parts or not is_roman(code_parts[0]):
            return
        if len(code_parts) > 1 and code_parts[1] == s.number:
            number = f"{code_parts[0]}-{s.number}"
            i = self.strategies.index(s)
            self.strategies[i] = self.strategy = replace(s, number=number, system=code_parts[0])

    def program(self, code: str | None, raw: str | None, name: str, **kw) -> Program:
        """Add a program or merge into the one already read under the same code (or, uncoded, name)."""
        key = code if code is not None else f"name:{name}"
        if key in self.by_code:
            i = self.by_code[key]
            old = self.programs[i]
            merged = replace(old, **{k: v for k, v in kw.items()
                                     if v is not None and getattr(old, k) in (None, "")})
            if name and not old.name:
                merged = replace(merged, name=name)
            self.programs[i] = merged
            return merged
        parent = self._parent_of(code) if code else None
        p = Program(program_id=f"p{len(self.programs) + 1}", code=code, code_raw=raw, name=name,
                    strategy_id=self.strategy.strategy_id if self.strategy else None,
                    parent_id=parent.program_id if parent else None, **kw)
        self.by_code[key] = len(self.programs)
        self.programs.append(p)
        return p

    def add_budgets(self, budgets: list[Budget]) -> None:
        """Append budgets, numbering them b1, b2, … in reading order."""
        for budget in budgets:
            self.budgets.append(replace(budget, budget_id=f"b{len(self.budgets) + 1}"))

    def _parent_of(self, code: str) -> Program | None:
        parts = code.split("-")
        if len(parts) < 3:
            return None
        parent = "-".join(parts[:-1])
        return self.programs[self.by_code[parent]] if parent in self.by_code else None
