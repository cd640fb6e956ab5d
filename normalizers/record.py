"""`PlanRecord`: what the normalisers make of one `Document`.

Each dataclass mirrors one table of `../shared/PLAN_SCHEMA.md` (same field
names), without `doc_id`, which the loader adds. Ids are positional strings
local to the record (`s3`, `p12`, `t2`); the loader prefixes them with the
document id so they stay stable when a document is re-run.

Every fact carries its provenance (page, table cell or text span) and the
printed text beside the normalised value.
"""
from __future__ import annotations

from dataclasses import dataclass

from extractors.document import Issue


@dataclass(frozen=True)
class Section:
    """One node of the heading tree; `text` is the body without subsections."""

    section_id: str
    parent_id: str | None
    seq: int
    level: int
    number: str | None
    title: str
    kind: str | None
    page: int | None
    text: str
    line: int | None = None


@dataclass(frozen=True)
class TableCellRow:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    is_header: bool


@dataclass(frozen=True)
class TableRecord:
    table_id: str
    section_id: str | None
    seq: int
    page: int | None
    caption: str | None
    unit_text: str | None
    n_rows: int
    n_cols: int
    header_rows: int
    cells: tuple[TableCellRow, ...]
    page_end: int | None = None


@dataclass(frozen=True)
class Strategy:
    strategy_id: str
    number: str
    title: str | None
    section_id: str | None = None
    number_raw: str | None = None
    system: str | None = None
    page: int | None = None
    table_id: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class Program:
    program_id: str
    strategy_id: str | None
    parent_id: str | None
    code: str | None
    code_raw: str | None
    name: str
    description: str | None = None
    department: str | None = None
    is_priority: bool | None = None
    page: int | None = None
    table_id: str | None = None
    row: int | None = None
    subgroup: str | None = None
    domains: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    subgroup_name: str | None = None      # the 대표과업's name (6th-term system Ⅱ), `subgroup` is its code
    team: str | None = None               # 담당팀 printed beside the department (never a person or phone)
    is_new: bool | None = None            # 6기 신규 사업 (○ True, × False)
    is_non_budget: bool | None = None     # 비예산: budget cells printed 0 in the 6th-term forms
    basic_plan_link: str | None = None    # 제3차 사회보장기본계획 strategies linked, as printed ('②, ③')
    classes: tuple[ProgramClass, ...] = ()


@dataclass(frozen=True)
class ProgramClass:
    """One of the six 6th-term classification codes of a program (사업대상 ② 개인 및 가구 …)."""

    category: str          # 사업대상 | 사업형태 | 생애주기 | 가구유형 | 세부사업영역 | 선정기준
    code: str              # as printed ('②')
    label: str | None      # the template's label of that code, None for a code the list lacks
    page: int | None = None
    table_id: str | None = None
    row: int | None = None
    col: int | None = None


@dataclass(frozen=True)
class IndicatorTarget:
    year: int
    is_baseline: bool
    value: float | None
    value_text: str
    col: int | None = None
    table_id: str | None = None   # where this year's value is printed (the indicator's own table when None)
    row: int | None = None


@dataclass(frozen=True)
class Indicator:
    indicator_id: str
    program_id: str | None
    strategy_id: str | None
    name: str
    unit: str | None
    targets: tuple[IndicatorTarget, ...] = ()
    name_text: str | None = None
    page: int | None = None
    table_id: str | None = None
    row: int | None = None
    subgroup: str | None = None       # a 대표과업's indicator: its code (II-1-2); strategy_id is its strategy
    definition: str | None = None     # 지표정의
    basis: str | None = None          # 목표수준 산출근거 / 목표설정 근거
    data_source: str | None = None    # 자료출처


@dataclass(frozen=True)
class Budget:
    budget_id: str
    program_id: str | None
    strategy_id: str | None
    item: str | None
    year: int | None
    amount_krw: int
    amount_text: str
    unit_text: str | None
    kind: str = "planned"
    fund_source: str | None = None
    is_total: bool = False
    department: str | None = None
    page: int | None = None
    table_id: str | None = None
    row: int | None = None
    col: int | None = None
    parent_budget_id: str | None = None   # the row this one is a part of (a total, a line over its sources)
    fund_name: str | None = None          # the source's own name where printed (③기타 (사회복지공동모금회))
    share_pct: float | None = None        # the printed share of the line's total (a card's (30%))
    share_text: str | None = None


@dataclass(frozen=True)
class Execution:
    execution_id: str
    region_code: str | None
    region_name: str | None
    program_id: str | None
    item: str | None
    year: int | None
    budget_krw: int | None
    executed_krw: int | None
    rate_pct: float | None
    page: int | None = None
    section_id: str | None = None
    budget_text: str | None = None
    executed_text: str | None = None
    rate_text: str | None = None
    unit_text: str | None = None
    unit_source: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Mention:
    mention_id: str
    section_id: str | None
    kind: str
    text: str
    value: float | None
    unit: str | None
    amount_krw: int | None
    char_start: int
    char_end: int
    fund_source: str | None = None
    page: int | None = None
    line: int | None = None
    currency: str | None = None          # money: ISO code ('KRW', 'USD' …); only KRW has amount_krw
    currency_amount: float | None = None  # money: the amount in `currency`, never converted


@dataclass(frozen=True)
class Check:
    check_id: str
    kind: str
    table_id: str | None
    row: int | None
    col: int | None
    expected: float | None
    actual: float | None
    ok: bool
    note: str = ""
    program_id: str | None = None   # the program (or None) and year the checked figure belongs to
    year: int | None = None
    strategy_id: str | None = None  # the strategy a strategy-level figure belongs to


@dataclass(frozen=True)
class DocRegion:
    region_code: str
    region_code_issued: str | None
    region_name: str
    role: str
    section_id: str | None = None
    official_name: str | None = None


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    doc_type: str = "other"
    region_code: str | None = None
    region_code_issued: str | None = None
    region_name: str | None = None
    plan_term: int | None = None
    period_start: int | None = None
    period_end: int | None = None
    issued_year: int | None = None


@dataclass(frozen=True)
class PlanRecord:
    """Everything normalised from one document; the loader writes it in one transaction."""

    meta: Meta
    sections: tuple[Section, ...] = ()
    tables: tuple[TableRecord, ...] = ()
    strategies: tuple[Strategy, ...] = ()
    programs: tuple[Program, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    budgets: tuple[Budget, ...] = ()
    executions: tuple[Execution, ...] = ()
    mentions: tuple[Mention, ...] = ()
    checks: tuple[Check, ...] = ()
    doc_regions: tuple[DocRegion, ...] = ()
    issues: tuple[Issue, ...] = ()   # recoverable problems (rows left out as ambiguous …); any makes it partial
