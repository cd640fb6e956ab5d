"""Write the 6th-term (제6기 2027~2030) plan samples and their answer keys, deterministically.

    .venv/bin/python samples/make_sixth_term.py             # every format (PDF needs LibreOffice)
    .venv/bin/python samples/make_sixth_term.py --no-pdf    # HWPX, DOCX, HTML and the answer keys only

Two invented plans on the Ministry's 「제6기(2027~2030) 지역사회보장계획 수립 안내 [시·군·구]」
template (../shared/SIXTH_TERM.md, data/sixth_term_forms.json), held as data in
samples/sixth_term_plans.py and printed form by form: 제1절 (linkage table, the master table with
its two header rows), 제2절 (per 사회보장 전략: indicator card, program table with the six
classification codes), 제3절 (per 대표과업: 현황 tables, prose, 세부과업 table), 제4절 (관리체계
with the 실 | 국 | 과 | 세부사업(과업) 명 list), 제5절 [첨부 2] (one card per 세부사업/세부과업 with
the budget block year × source). `gangseo-2027-sixth-term-plan` prints the template as issued
(Ⅰ/Ⅱ codes, ‘26 labels, portrait); `hongseong-2027-sixth-term-plan-latin` a second style (Latin
codes with and without dots, ’26년 / 2026년 / 27년 labels, a (단위: 백만원) line above the master
table, ･ and ㆍ, 균형발전 and 시·군·구 wording, landscape). Formats: HWPX through
samples/make_hwpx.py's OWPML writer, DOCX through tools/render_twins.py (python-docx, real merges,
rows kept whole), HTML as Hangul's classic export, PDF from the DOCX by LibreOffice headless.
Before writing, every template rule is checked on the printed cells: the failing set must be
exactly the planted one.

Answer key `samples/<stem>.expected.json` (written from the same data; money in KRW won):
  plan:        {stem, title, region, region_code, term: 6, period: [2027, 2030]}
  files:       the sample files of this plan
  strategies:  [{number: 'I-1' | 'II-1', system: 'I' | 'II', title, printed}]
  subgroups:   [{code: 'II-1-2', strategy, name, printed}]                       (대표과업)
  programs:    [{code: 'II-1-2-1', code_printed (master table), card_code_printed, name (without
                 '(중점추진)'), strategy, subgroup, department (담당과), team, is_priority, is_new
                 (6기 ○), is_non_budget, basic_plan_link (as printed), classes: {사업대상: {code: '②',
                 label}, 사업형태, 생애주기, 가구유형, 세부사업영역, 선정기준}}]
  indicators:  [{level: 'strategy' | 'subgroup' | 'program', owner (code), name, unit, definition,
                 basis, source, targets: [{year, kind: 'baseline' (2026) | 'planned', value (number,
                 null when relative), relative (text or null), printed: {form: text}}]}]
               forms: master (제1절 나.), strategy_card (제2절 1)), table (program/세부과업 table),
               card ([첨부 2]); the value is the card's (program), the strategy card's (strategy) or
               the master table's (2026 and 대표과업).
  budgets:     [{program, year, total_krw (card 계 as printed), subtotal_krw (소계 as printed),
                 printed: {card, master}, sources: [{source: '시도비' | '시군구비' | '기타', name
                 (재원명 of 기타, else null), krw, printed, share_printed, share_pct}]}]
               one row per program and year with a value: '/' years and 비예산 programs have none;
               sources printed as 0 are left out.
  strategy_budgets: [{strategy, year, printed_krw, printed, programs_krw}] (master-table strategy
               rows, only where the plan prints them)
  inconsistencies: [{kind, code, year, printed, computed, printed_text, note}]: kind one of
               card_total (계 ≠ ①+②+③), card_subtotal (소계 ≠ ①+②), card_shares (①+②+③ shares ≠
               100; printed/computed in %), master_card_budget (master ≠ card 계), strategy_total
               (strategy row ≠ sum of its programs in the master table), indicator_cross_form
               (master-table target ≠ card target); money in won, targets as numbers.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import docx  # noqa: E402
import make_hwpx  # noqa: E402
from docx.oxml import OxmlElement  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.text.paragraph import Paragraph as DocxParagraph  # noqa: E402
from sixth_term_plans import (  # noqa: E402
    CLASS_LABELS,
    CLASS_NAMES,
    LEGEND,
    PLANS,
    YEARS,
    Indicator,
    Plan,
    Program,
    Strategy,
    Subgroup,
)

from tools.render_twins import (  # noqa: E402
    Layout,
    Para,
    Spec,
    TableSpec,
    docx_to_pdf,
    span_rows_to_grid,
    spec_to_docx,
    spec_to_hancom_html,
)

Row = tuple[tuple[str, int, int], ...]
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬"
BASIC_PLAN = {"①": "사회보장\n기본계획\n전략1", "②": "사회보장\n기본계획\n전략2", "③": "사회보장\n기본계획\n전략3"}
MARGIN_MM = 15.0
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
CARD_FIRST = "구  분"
KEEP_TOGETHER_ROWS = 12   # DOCX/PDF: smaller tables (not cards) are kept on one page


@dataclass(frozen=True)
class Grid:
    """A table as rows of (text, rowspan, colspan), relative column widths and its font."""

    rows: tuple[Row, ...]
    header_rows: int
    widths: tuple[float, ...]
    font_pt: float = 8.0


Item = Para | Grid


def _cells(*texts: str) -> Row:
    return tuple((t, 1, 1) for t in texts)


# --- printed values ------------------------------------------------------------------------

def code_text(code: str, roman: bool, dot: bool = False) -> str:
    """'II-1-2-1' as printed: Roman numerals (Ⅰ/Ⅱ) or Latin, with or without a trailing dot."""
    system, rest = code.split("-", 1)
    head = {"I": "Ⅰ", "II": "Ⅱ"}[system] if roman else system
    return f"{head}-{rest}{'.' if dot else ''}"


def amount(value: Decimal, one_decimal: bool) -> str:
    """백만원 as printed: thousands commas, one decimal where needed (always, in `one_decimal` plans)."""
    if one_decimal or value != value.to_integral_value():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def number(text: str) -> Decimal:
    """A printed amount, share or target as a number: '1,390' -> 1390, '(95%)' -> 95."""
    return Decimal(text.strip("()% ").replace(",", ""))


def is_priority(program: Program) -> bool:
    """The first two 세부사업 of each 사회보장 전략 are printed '(중점추진)'."""
    return program.code.startswith("I-") and int(program.code.split("-")[-1]) <= 2


class Printer:
    """Every printed cell of a plan that a rule reads, with the planted overrides applied."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.style = plan.style
        self.overrides = {(key, plant.code, year): text for plant in plan.plants for key, year, text in plant.cells}

    def _get(self, key: str, code: str, year: int, default: str) -> str:
        return self.overrides.get((key, code, year), default)

    def parts(self, program: Program, year: int) -> tuple[Decimal, Decimal, Decimal] | None:
        """(①, ②, ③) in 백만원 for a year with a value, else None (비예산 or '/')."""
        if program.budget is None or program.budget[YEARS.index(year)] == "/":
            return None
        total = number(program.budget[YEARS.index(year)])
        parts = tuple(total * share / 100 for share in program.split)
        assert all(p == p.quantize(Decimal("0.1")) for p in parts), (program.code, year, parts)
        return parts  # type: ignore[return-value]

    def money(self, value: Decimal) -> str:
        return amount(value, self.style.one_decimal)

    def master_budget(self, program: Program, year: int) -> str:
        parts = self.parts(program, year)
        default = "0" if program.budget is None else "/" if parts is None else self.money(sum(parts, Decimal(0)))
        return self._get("master.budget", program.code, year, default)

    def strategy_budget(self, strategy: Strategy, year: int) -> str:
        texts = [self.master_budget(p, year) for p in programs_of(strategy)]
        values = [number(t) for t in texts if t != "/"]
        return self._get("strategy.budget", strategy.code, year, self.money(sum(values, Decimal(0))) if values else "/")

    def card_budget(self, program: Program, year: int) -> tuple[tuple[str, str], ...]:
        """(amount, share) for 계, 소계, ①, ②, ③ of one card year."""
        parts = self.parts(program, year)
        if parts is None:
            mark = "0" if program.budget is None else "/"
            return ((mark, "-"),) * 5
        sido, sigungu, other = parts
        a, b, c = program.split
        get = self._get
        code = program.code
        return ((get("card.total", code, year, self.money(sido + sigungu + other)), "(100%)"),
                (get("card.subtotal", code, year, self.money(sido + sigungu)),
                 get("card.share.subtotal", code, year, f"({a + b}%)")),
                (self.money(sido), get("card.share.sido", code, year, f"({a}%)")),
                (self.money(sigungu), get("card.share.sigungu", code, year, f"({b}%)")),
                (self.money(other), get("card.share.other", code, year, f"({c}%)")))

    def master_target(self, code: str, indicator: Indicator, year: int) -> str:
        return self._get("master.target", code, year, indicator.targets[YEARS.index(year)])

    def with_unit(self, text: str, unit: str) -> str:
        """A target as program tables and strategy cards print it: value and unit ('연 ' for counts in style 2)."""
        if text in ("/", "") or not text[0].isdigit():
            return text
        prefix = self.style.target_prefix if unit not in ("%", "점") else ""
        return f"{prefix}{text}{unit}"


def programs_of(strategy: Strategy) -> tuple[Program, ...]:
    return strategy.programs + tuple(p for g in strategy.subgroups for p in g.programs)


def all_programs(plan: Plan) -> Iterator[tuple[Strategy, Subgroup | None, Program]]:
    for strategy in plan.strategies:
        yield from ((strategy, None, p) for p in strategy.programs)
        yield from ((strategy, g, p) for g in strategy.subgroups for p in g.programs)


def strategy_label(plan: Plan, strategy: Strategy) -> str:
    system, n = strategy.code.split("-")
    word = "사회보장" if system == "I" else plan.style.system2_word
    return f"{word} 전략 {n}. {strategy.name}"


def subgroup_label(plan: Plan, group: Subgroup) -> str:
    k = group.code.split("-")[-1]
    return f"대표과업{k}. {group.name}" if plan.style.roman else f"대표과업 {k}. {group.name}"


def system_label(plan: Plan, system: str) -> str:
    head = code_text(f"{system}-x", plan.style.roman).split("-")[0]
    return f"{head}. 지역사회보장사업 전략체계" if system == "I" else f"{head}. {plan.style.system2}"


# --- chapters --------------------------------------------------------------------------------

def front(plan: Plan) -> list[Item]:
    return [Para(title(plan), "Title"), Para(plan.issued, align="right"), Para(plan.region, align="right")]


def title(plan: Plan) -> str:
    return f"제6기(2027~2030) {plan.region} 지역사회보장계획"


def chapter1(plan: Plan, printer: Printer) -> list[Item]:
    systems = {s: [x for x in plan.strategies if x.code.split("-")[0] == s] for s in ("I", "II")}
    n_programs = sum(len(s.programs) for s in systems["I"])
    n_priority = sum(is_priority(p) for s in systems["I"] for p in s.programs)
    n_groups = sum(len(s.subgroups) for s in systems["II"])
    n_tasks = sum(len(g.programs) for s in systems["II"] for g in s.subgroups)
    items: list[Item] = [
        Para("제1절 제6기 지역사회보장계획 정책 방향 및 체계", "Heading 1"),
        Para("가. 목표 및 추진전략", "Heading 2"), Para("1) 목표 및 추진전략별 세부사업", "Heading 3"),
        Para(f"○ 목표: {plan.goal}"),
        Para(f"○ {system_label(plan, 'I')}: 사회보장 전략 {len(systems['I'])}개, 세부사업 {n_programs}개"
             f"(중점추진 {n_priority}개)"),
        Para(f"○ {system_label(plan, 'II')}: {plan.style.system2_word} 전략 {len(systems['II'])}개, "
             f"대표과업 {n_groups}개, 세부과업 {n_tasks}개"),
        Para("2) 사회보장기본계획 및 기타 중장기 계획과의 연계성", "Heading 3"),
        Para("(1) 제3차 사회보장기본계획과의 연계성", "Heading 4"), linkage_table(plan),
        Para("나. 목표, 추진전략별 4년 추진계획", "Heading 2"),
        Para(f"○ 총괄현황: {len(systems['I'])}대 추진전략, {n_programs}개 세부사업({n_priority}개 중점추진사업)"),
    ]
    if plan.style.unit_line:
        items.append(Para("(단위: 백만원)", align="right"))
    items += [master_table(plan, printer), Para("다. 복지 수요·공급·지역자원 현황 및 핵심과제", "Heading 2"),
              Para(plan.analysis)]
    items += [Para(f"○ {strategy_label(plan, s)}: {s.demand}", indent_mm=4.0) for s in plan.strategies]
    return items


def linkage_table(plan: Plan) -> Grid:
    rows: list[Row] = [_cells("3차 사회보장 기본계획", "제6기 지역사회보장계획", "연계성")]
    for mark, label in BASIC_PLAN.items():
        linked = [p for _, _, p in all_programs(plan) if mark in p.link]
        for i, p in enumerate(linked):
            head = ((label, len(linked), 1),) if i == 0 else ()
            rows.append(head + _cells(f"{code_text(p.code, plan.style.roman, True)} {p.name}", p.link_text))
    return Grid(tuple(rows), 1, (13.0, 36.0, 51.0), 8.0)


def master_table(plan: Plan, printer: Printer) -> Grid:
    """제1절 나.: two header rows, system / strategy / 대표과업 group rows, one row per program."""
    s = plan.style
    budget_head = "예산" if s.unit_line else "예산(백만원)"
    years = [(str(y), str(y)[2:]) for y in YEARS]
    budget_labels = [s.budget_label.format(yyyy=y, yy=yy) for y, yy in years[:-1]] + [s.last_budget_label]
    rows: list[Row] = [
        (("사업\n번호", 2, 1), ("사업명", 2, 1), ("6기\n(○,×)", 2, 1), ("제3차\n사회보장기본계획과의 연계성", 2, 1),
         ("성과지표", 1, 6), (budget_head, 1, 5)),
        _cells("성과지표명\n(단위)", *(s.target_label.format(yy=yy) for _, yy in years), *budget_labels),
    ]

    def indicator_cells(code: str, ind: Indicator | None) -> Row:
        if ind is None:
            return _cells(*[""] * 6)
        return _cells(f"{ind.name}({ind.unit})", *(printer.master_target(code, ind, y) for y in YEARS))

    for system in ("I", "II"):
        rows.append(((system_label(plan, system), 1, 15),))
        for strategy in (x for x in plan.strategies if x.code.startswith(system + "-")):
            totals = [printer.strategy_budget(strategy, y) if s.strategy_totals else "" for y in YEARS]
            rows.append(((strategy_label(plan, strategy), 1, 4),) + indicator_cells(strategy.code, strategy.indicator)
                        + _cells(*totals))
            for group in (None, *strategy.subgroups):
                if group is not None:
                    rows.append(((subgroup_label(plan, group), 1, 4),)
                                + indicator_cells(group.code, group.indicator) + _cells(*[""] * 5))
                for p in strategy.programs if group is None else group.programs:
                    name = f"(중점추진){chr(10) if s.priority_break else ' '}{p.name}" if is_priority(p) else p.name
                    rows.append(_cells(code_text(p.code, s.roman, s.master_dot), name, "○" if p.is_new else "×", p.link)
                                + indicator_cells(p.code, p.indicator)
                                + _cells(*(printer.master_budget(p, y) for y in YEARS)))
    widths = (12.0, 26.0, 6.5, 10.0, 24.0) + (10.4,) * 5 + (10.6,) * 5
    return Grid(tuple(rows), 2, widths, 8.0 if s.landscape else 7.0)


def program_table(plan: Plan, printer: Printer, programs: tuple[Program, ...], group: Subgroup | None) -> Grid:
    """제2절 2) / 제3절 (4): six classification codes, indicator and targets ‘27–‘30; a 대표과업 row first."""
    word = "사업" if group is None else "과업"
    labels = [f"{word}\n번호", f"{word}명", f"{word}\n대상\n(①~④)", f"{word}\n형태\n(①~⑥)", "생애\n주기\n(①~⑧)",
              "가구\n유형\n(①~⑫)", f"세부 {word}\n영역\n(①~⑬)", "선정\n기준\n(①~⑤)", "성과지표"]
    years = YEARS[1:]
    rows: list[Row] = [tuple((t, 2, 1) for t in labels) + (("성과목표", 1, 4),),
                       _cells(*(plan.style.table_label.format(yy=str(y)[2:]) for y in years))]
    if group is not None:
        ind = group.indicator
        rows.append(((subgroup_label(plan, group), 1, 8),) + _cells(
            f"{ind.name}({ind.unit})" if ind else "",
            *(printer.with_unit(ind.targets[YEARS.index(y)], ind.unit) if ind else "" for y in years)))
    for p in programs:
        ind = p.indicator
        rows.append(_cells(code_text(p.code, plan.style.roman), p.name, *p.classes, f"{ind.name}({ind.unit})",
                           *(printer.with_unit(ind.targets[YEARS.index(y)], ind.unit) for y in years)))
    if plan.style.legend:
        rows.append(((LEGEND, 1, 13),))
    return Grid(tuple(rows), 2, (13.0, 34.0) + (9.0,) * 6 + (32.0,) + (11.0,) * 4, 8.0)


def strategy_card(plan: Plan, printer: Printer, ind: Indicator) -> Grid:
    """제2절 1) 목표설정: the vertical indicator card with targets 2027–2030."""
    targets = [printer.with_unit(ind.targets[YEARS.index(y)], ind.unit) for y in YEARS[1:]]
    rows = ((("성과지표 명\n(단위)", 1, 1), (f"{ind.name}({ind.unit})", 1, 4)),
            (("지표정의", 1, 1), (ind.definition, 1, 4)),
            (("연도별 목표", 2, 1),) + _cells(*(f"{y}년" for y in YEARS[1:])),
            _cells(*targets),
            (("목표설정 근거", 1, 1), (ind.basis, 1, 4)),
            (("자료출처", 1, 1), (ind.source, 1, 4)))
    return Grid(rows, 0, (30.0, 37.5, 37.5, 37.5, 37.5), 9.0)


def chapter2(plan: Plan, printer: Printer) -> list[Item]:
    items: list[Item] = [Para("제2절 지역사회보장사업 전략체계", "Heading 1"), Para("가. 전략체계", "Heading 2"),
                         Para(f"○ 목표: {plan.goal}")]
    system1 = [s for s in plan.strategies if s.code.startswith("I-")]
    for strategy in system1:
        items.append(Para(f"□ {strategy_label(plan, strategy)}"))
        items += [Para(f"- {'(중점추진) ' if is_priority(p) else ''}{code_text(p.code, plan.style.roman, True)} "
                       f"{p.name}", indent_mm=4.0) for p in strategy.programs]
    for letter, strategy in zip("나다라마바", system1):
        n = strategy.code.split("-")[1]
        items += [Para(f"{letter}. [사회보장 전략 {n}_{strategy.name}] 목표와 전략", "Heading 2"),
                  Para("1) 목표설정", "Heading 3")]
        if strategy.indicator:
            items.append(strategy_card(plan, printer, strategy.indicator))
        items += [Para("2) 세부사업 목표설정", "Heading 3"), program_table(plan, printer, strategy.programs, None)]
    return items


def status_grid(status) -> list[Item]:
    items: list[Item] = [Para(status.unit, align="right"), Grid(status.rows, status.header_rows, status.widths, 8.0)]
    return items + ([Para(status.note)] if status.note else [])


def chapter3(plan: Plan, printer: Printer) -> list[Item]:
    word = plan.style.system2_word
    items: list[Item] = [Para(f"제3절 {plan.style.system2}", "Heading 1"), Para("가. 전략체계", "Heading 2")]
    system2 = [s for s in plan.strategies if s.code.startswith("II-")]
    for strategy in system2:
        items.append(Para(f"□ {strategy_label(plan, strategy)}"))
        for group in strategy.subgroups:
            items.append(Para(f"- {subgroup_label(plan, group)}", indent_mm=4.0))
            items += [Para(f"· {code_text(p.code, plan.style.roman, True)} {p.name}", indent_mm=8.0)
                      for p in group.programs]
    for letter, strategy in zip("나다라마바", system2):
        n = strategy.code.split("-")[1]
        items.append(Para(f"{letter}. [{word} 전략 {n}_ {strategy.name}] 목표와 전략", "Heading 2"))
        for group in strategy.subgroups:
            k = group.code.split("-")[-1]
            items.append(Para(f"{k}) 대표과업 {k}_{group.name}", "Heading 3"))
            items.append(Para("(1) 현황", "Heading 4"))
            for status in group.status:
                items += status_grid(status)
            items += [Para("(2) 문제점 및 원인", "Heading 4"), Para(f"○ {group.problems}"),
                      Para("(3) 개선방향", "Heading 4"), Para(f"○ {group.direction}"),
                      Para("(4) 세부과업 목표설정", "Heading 4"), program_table(plan, printer, group.programs, group)]
    return items


def chapter4(plan: Plan) -> list[Item]:
    """제4절 가.: the 관리체계 table ending in the 실 | 국 | 과 | 세부사업(과업) 명 list (merged 국/과 runs)."""
    head, staff, method = plan.managers
    rows: list[Row] = [
        (("구분", 1, 4), ("제6기 지역사회보장계획 관리체계", 1, 4)),
        (("관리 주체", 4, 2), ("책임자", 1, 2), (head, 1, 4)),
        (("공공\n실무책임자", 1, 2), (staff, 1, 4)),
        (("민간\n참여자", 2, 2),) + _cells("학계", "현장", "위원회", "기타"),
        _cells(*plan.participants),
        (("관리 방안", 1, 4), (method, 1, 4)),
        (("실", 1, 1), ("국", 1, 2), ("과", 1, 1), ("세부사업(과업) 명", 1, 3), ("비고", 1, 1)),
    ]
    listed = [(office, bureau, dept, p) for office, bureau, dept in plan.org
              for _, _, p in all_programs(plan) if p.dept == dept]
    for i, (office, bureau, dept, p) in enumerate(listed):
        bureau_run = sum(1 for x in listed if x[1] == bureau)
        dept_run = sum(1 for x in listed if x[2] == dept)
        cells: list[tuple[str, int, int]] = [(office, 1, 1)]
        if i == 0 or listed[i - 1][1] != bureau:
            cells.append((bureau, bureau_run, 2))
        if i == 0 or listed[i - 1][2] != dept:
            cells.append((dept, dept_run, 1))
        cells += [(f"{code_text(p.code, plan.style.roman, plan.style.list_dot)} {p.name}", 1, 3),
                  ("비예산" if p.budget is None else "", 1, 1)]
        rows.append(tuple(cells))
    return [Para("제4절 제6기 지역사회보장계획 관리체계", "Heading 1"), Para("가. 관리체계", "Heading 2"),
            Grid(tuple(rows), 1, (14.0, 14.0, 12.0, 24.0, 30.0, 30.0, 30.0, 26.0), 8.0)]


def card(plan: Plan, printer: Printer, program: Program) -> Grid:
    """[첨부 2]: one program card on a 13-column grid (labels c0–c2, ten value cells, two per year)."""
    s, p, ind = plan.style, program, program.indicator
    word = "사업" if p.code.startswith("I-") else "과업"
    classes = (p.classes[0], 2), (p.classes[1], 2), (p.classes[2], 2), (p.classes[3], 2), (p.classes[4], 1), \
        (p.classes[5], 1)
    class_labels = ("사업(과업) 대상\n(①~④)", "사업(과업) 형태\n(①~⑥)", "생애주기\n(①~⑧)", "가구유형\n(①~⑫)",
                    "세부사업(과업)\n(①~⑬)", "선정기준\n(①~⑤)")
    budget = [printer.card_budget(p, y) for y in YEARS]
    other = f"③기타 ({p.other})" if p.other else "③기타 (  재원명   )"

    def money_row(label: tuple[tuple[str, int, int], ...], line: int) -> Row:
        return label + tuple(cell for year in budget for cell in ((year[line][0], 1, 1), (year[line][1], 1, 1)))

    rows: list[Row] = [
        ((CARD_FIRST, 1, 3), ("주요 내용", 1, 10)),
        (("사업(과업)명", 2, 3), ("사업(과업)번호", 1, 2), ("세부사업(과업)명", 1, 6), ("6기 신규 사업 여부", 1, 2)),
        ((code_text(p.code, s.roman), 1, 2), (p.name, 1, 6), ("○" if p.is_new else "×", 1, 2)),
        (("사업(과업) 소관", 2, 3), ("담당과", 1, 2), ("담당팀", 1, 3), ("담당자", 1, 3), ("연락처", 1, 2)),
        ((p.dept, 1, 2), (p.team, 1, 3), (p.person, 1, 3), (p.phone, 1, 2)),
        (("사업(과업) 분류", 2, 3),) + tuple((label, 1, w) for label, (_, w) in zip(class_labels, classes)),
        tuple((code, 1, w) for code, w in classes),
        ((f"{word} 배경", 1, 3), (p.background, 1, 10)),
        ((f"{word} 목적", 1, 3), (p.purpose, 1, 10)),
        (("추진근거(관련규정)", 1, 3), (p.law, 1, 10)),
        (("사회보장기본계획과의 연계성", 2, 3), ("연계 전략 번호", 1, 2),
         ("연계 내용( 목적, 추진전략, 성과지표 등 구체적 연계 내용 제시)", 1, 8)),
        ((p.link, 1, 2), (p.link_text, 1, 8)),
        (("지원\n대상", 2, 1), ("선정 기준", 1, 2), (p.who, 1, 10)),
        (("대상 규모", 1, 2), (p.size, 1, 10)),
        (("사업 (과업)\n내용", 2, 1), ("사업(과업) 유형", 1, 2), (p.kind, 1, 10)),
        (("세부 내용", 1, 2), (p.content, 1, 10)),
        (("전달\n체계", 2, 1), ("지원 절차", 1, 2), (p.procedure, 1, 10)),
        (("수행 기관", 1, 2), (p.agency, 1, 10)),
        (("사업비\n(단위: 백만원)", 7, 1), ("재원구성(비중)", 1, 2)) + tuple((f"{y}년", 1, 2) for y in YEARS),
        money_row((("계(①+②+③)", 1, 2),), 0),
        money_row((("지\n방\n비", 3, 1), ("소계(①+②)", 1, 1)), 1),
        money_row(((s.sido, 1, 1),), 2),
        money_row(((s.sigungu, 1, 1),), 3),
        money_row(((other, 1, 2),), 4),
        (("비고", 1, 2), (p.remark, 1, 10)),
        (("성과 지표", 6, 1), ("성과지표명", 1, 2), (f"{ind.name}({ind.unit})", 1, 10)),
        (("지표정의", 1, 2), (ind.definition, 1, 10)),
        (("연도별 목표", 2, 2),) + tuple((f"{y}년", 1, 2) for y in YEARS),
        tuple((t, 1, 2) for t in ind.targets),
        (("목표수준\n산출근거", 1, 2), (ind.basis, 1, 10)),
        (("자료출처", 1, 2), (ind.source, 1, 10)),
        (("추진\n체계", 4, 1), ("참여기관", 1, 2), ("기관별 역할", 1, 5), ("민관협력 및 주민참여 방법", 1, 5)),
        (("지역", 1, 2), (p.roles[0], 1, 5), (p.method, 3, 5)),
        (("공공기관", 1, 2), (p.roles[1], 1, 5)),
        (("민간기관", 1, 2), (p.roles[2], 1, 5)),
    ]
    return Grid(tuple(rows), 1, (14.0, 7.0, 21.0) + (13.8,) * 10, 8.0)


def chapter5(plan: Plan, printer: Printer) -> list[Item]:
    items: list[Item] = [Para("제5절 별첨자료", "Heading 1"), Para("[첨부 2] 세부 사업(과업) 목록", "Heading 2")]
    for _, _, p in all_programs(plan):
        if plan.style.card_titles:
            items.append(Para(f"【{code_text(p.code, plan.style.roman)}】 {p.name}", space_before_pt=8.0))
        elif items and isinstance(items[-1], Grid):
            items.append(Para(""))
        items.append(card(plan, printer, p))
    return items


def plan_items(plan: Plan) -> list[Item]:
    printer = Printer(plan)
    return (front(plan) + chapter1(plan, printer) + chapter2(plan, printer) + chapter3(plan, printer)
            + chapter4(plan) + chapter5(plan, printer))


# --- the template's rules on the printed cells -----------------------------------------------

def failing_rules(printer: Printer) -> set[tuple[str, str, int]]:
    """(rule, code, year) of every template rule the printed plan breaks; must equal the planted set."""
    plan, bad = printer.plan, set()
    for _, _, p in all_programs(plan):
        for y in YEARS:
            (total, _), (sub, _), (a, a_share), (b, b_share), (c, c_share) = printer.card_budget(p, y)
            master = printer.master_budget(p, y)
            if printer.parts(p, y) is None:
                if master != total:
                    bad.add(("master_card_budget", p.code, y))
            else:
                if number(total) != number(a) + number(b) + number(c):
                    bad.add(("card_total", p.code, y))
                if number(sub) != number(a) + number(b):
                    bad.add(("card_subtotal", p.code, y))
                if number(a_share) + number(b_share) + number(c_share) != 100:
                    bad.add(("card_shares", p.code, y))
                if number(master) != number(total):
                    bad.add(("master_card_budget", p.code, y))
            if printer.master_target(p.code, p.indicator, y) != p.indicator.targets[YEARS.index(y)]:
                bad.add(("indicator_cross_form", p.code, y))
    for s in plan.strategies:
        owners: list[tuple[str, Indicator | None]] = [(s.code, s.indicator)] + [(g.code, g.indicator) for g in s.subgroups]
        for y in YEARS:
            for code, ind in owners:
                if ind and printer.master_target(code, ind, y) != ind.targets[YEARS.index(y)]:
                    bad.add(("indicator_cross_form", code, y))
            if plan.style.strategy_totals and printer.strategy_budget(s, y) != "/":
                programs = [printer.master_budget(p, y) for p in programs_of(s)]
                if number(printer.strategy_budget(s, y)) != sum((number(t) for t in programs if t != "/"), Decimal(0)):
                    bad.add(("strategy_total", s.code, y))
    return bad


def check_plants(plan: Plan) -> None:
    """Refuse to write a plan whose failing rules are not exactly its planted inconsistencies."""
    failing = failing_rules(Printer(plan))
    planted = {(p.kind, p.code, p.year) for p in plan.plants}
    if failing != planted:
        raise SystemExit(f"{plan.stem}: unplanned {sorted(failing - planted)}, not failing {sorted(planted - failing)}")


# --- answer key ------------------------------------------------------------------------------

def won(value: Decimal) -> int:
    return int(value * 1_000_000)


def json_number(text: str) -> int | float:
    value = number(text)
    return int(value) if value == value.to_integral_value() else float(value)


def target_rows(printer: Printer, owner: str, ind: Indicator, forms: tuple[str, ...]) -> list[dict]:
    rows = []
    for i, y in enumerate(YEARS):
        text = ind.targets[i]
        printed = {"master": printer.master_target(owner, ind, y), "card": text}
        if y > YEARS[0]:
            printed |= {"table": printer.with_unit(text, ind.unit), "strategy_card": printer.with_unit(text, ind.unit)}
        if text in ("/", ""):
            continue
        relative = not text[0].isdigit()
        rows.append({"year": y, "kind": "baseline" if y == YEARS[0] else "planned",
                     "value": None if relative else json_number(text), "relative": text if relative else None,
                     "printed": {f: printed[f] for f in forms if f in printed}})
    return rows


def indicator_entry(printer: Printer, level: str, owner: str, ind: Indicator, forms: tuple[str, ...]) -> dict:
    return {"level": level, "owner": owner, "name": ind.name, "unit": ind.unit, "definition": ind.definition,
            "basis": ind.basis, "source": ind.source, "targets": target_rows(printer, owner, ind, forms)}


def budget_rows(printer: Printer, p: Program) -> list[dict]:
    rows = []
    for y in YEARS:
        if printer.parts(p, y) is None:
            continue
        (total, _), (sub, _), *sources = printer.card_budget(p, y)
        named = (("시도비", None), ("시군구비", None), ("기타", p.other or None))
        rows.append({"program": p.code, "year": y, "total_krw": won(number(total)), "subtotal_krw": won(number(sub)),
                     "printed": {"card": total, "master": printer.master_budget(p, y)},
                     "sources": [{"source": kind, "name": name, "krw": won(number(text)), "printed": text,
                                  "share_printed": share, "share_pct": json_number(share)}
                                 for (kind, name), (text, share) in zip(named, sources) if number(text) != 0]})
    return rows


def inconsistency_values(printer: Printer, kind: str, code: str, year: int) -> tuple[int | float, int | float]:
    """(printed, computed) of one planted inconsistency: won for money, % for shares, numbers for targets."""
    plan = printer.plan
    if kind == "strategy_total":
        strategy = next(s for s in plan.strategies if s.code == code)
        texts = [printer.master_budget(p, year) for p in programs_of(strategy)]
        return won(number(printer.strategy_budget(strategy, year))), won(sum((number(t) for t in texts if t != "/"),
                                                                               Decimal(0)))
    p = next(p for _, _, p in all_programs(plan) if p.code == code)
    (total, _), (sub, _), (a, a_share), (b, b_share), (c, c_share) = printer.card_budget(p, year)
    if kind == "card_total":
        return won(number(total)), won(number(a) + number(b) + number(c))
    if kind == "card_subtotal":
        return won(number(sub)), won(number(a) + number(b))
    if kind == "card_shares":
        return json_number(str(number(a_share) + number(b_share) + number(c_share))), 100
    if kind == "master_card_budget":
        return won(number(printer.master_budget(p, year))), won(number(total))
    if kind == "indicator_cross_form":
        return (json_number(printer.master_target(code, p.indicator, year)),
                json_number(p.indicator.targets[YEARS.index(year)]))
    raise ValueError(f"unknown inconsistency kind {kind!r}")


def expected(plan: Plan) -> dict:
    """The answer key of `plan` (shape in the module docstring)."""
    printer, s = Printer(plan), plan.style
    strategies, groups, programs, indicators, budgets, totals = [], [], [], [], [], []
    for strategy in plan.strategies:
        system = strategy.code.split("-")[0]
        strategies.append({"number": strategy.code, "system": system, "title": strategy.name,
                           "printed": strategy_label(plan, strategy)})
        if strategy.indicator:
            forms = ("master", "strategy_card") if system == "I" else ("master",)
            indicators.append(indicator_entry(printer, "strategy", strategy.code, strategy.indicator, forms))
        for g in strategy.subgroups:
            groups.append({"code": g.code, "strategy": strategy.code, "name": g.name, "printed": subgroup_label(plan, g)})
            if g.indicator:
                indicators.append(indicator_entry(printer, "subgroup", g.code, g.indicator, ("master", "table")))
        if s.strategy_totals:
            for y in YEARS:
                text = printer.strategy_budget(strategy, y)
                sums = [number(printer.master_budget(p, y)) for p in programs_of(strategy)
                        if printer.master_budget(p, y) != "/"]
                if text != "/":
                    totals.append({"strategy": strategy.code, "year": y, "printed_krw": won(number(text)),
                                   "printed": text, "programs_krw": won(sum(sums, Decimal(0)))})
    for strategy, group, p in all_programs(plan):
        programs.append({
            "code": p.code, "code_printed": code_text(p.code, s.roman, s.master_dot),
            "card_code_printed": code_text(p.code, s.roman), "name": p.name, "strategy": strategy.code,
            "subgroup": group.code if group else None, "department": p.dept, "team": p.team,
            "is_priority": is_priority(p), "is_new": p.is_new, "is_non_budget": p.budget is None,
            "basic_plan_link": p.link,
            "classes": {name: {"code": code, "label": CLASS_LABELS[name][CIRCLED.index(code)]}
                        for name, code in zip(CLASS_NAMES, p.classes)}})
        indicators.append(indicator_entry(printer, "program", p.code, p.indicator, ("master", "table", "card")))
        budgets += budget_rows(printer, p)
    inconsistencies = []
    for plant in plan.plants:
        printed, computed = inconsistency_values(printer, plant.kind, plant.code, plant.year)
        inconsistencies.append({"kind": plant.kind, "code": plant.code, "year": plant.year, "printed": printed,
                                "computed": computed, "printed_text": plant.cells[0][2], "note": plant.note})
    return {"plan": {"stem": plan.stem, "title": title(plan), "region": plan.region, "region_code": plan.region_code,
                     "term": 6, "period": [2027, 2030]},
            "files": [f"{plan.stem}.{fmt}" for fmt in plan.formats],
            "strategies": strategies, "subgroups": groups, "programs": programs, "indicators": indicators,
            "budgets": budgets, "strategy_budgets": totals, "inconsistencies": inconsistencies}


# --- writers ---------------------------------------------------------------------------------

def page_width(plan: Plan) -> float:
    return (297.0 if plan.style.landscape else 210.0) - 2 * MARGIN_MM


def grid_to_tablespec(grid: Grid, width_mm: float, newline: str = "\n") -> TableSpec:
    """A render_twins table: full grid, merges, widths scaled to `width_mm`; line breaks as `newline`."""
    cells, merges = span_rows_to_grid([[(t.replace("\n", newline), rs, cs) for t, rs, cs in row] for row in grid.rows])
    scale = width_mm / sum(grid.widths)
    return TableSpec(tuple(map(tuple, cells)), grid.header_rows, tuple(round(w * scale, 1) for w in grid.widths),
                     tuple(merges), font_pt=grid.font_pt)


def items_to_spec(plan: Plan, items: list[Item], newline: str = "\n") -> Spec:
    layout = Layout(landscape=plan.style.landscape, margin_mm=MARGIN_MM, running_header=title(plan), page_numbers=True)
    width = page_width(plan)
    return Spec([grid_to_tablespec(i, width, newline) if isinstance(i, Grid) else i for i in items], layout)


def fixed_zip(data: bytes) -> bytes:
    """The zip rewritten with fixed entry times (same input, same bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def plan_to_docx(plan: Plan, items: list[Item]) -> bytes:
    """DOCX: rows never split across pages, small tables kept whole and with their unit line or card title,
    each 제N절 on a new page, card headers repeated or not by style."""
    document = docx.Document(io.BytesIO(spec_to_docx(items_to_spec(plan, items), title(plan))))
    for table in document.tables:
        is_card = table.cell(0, 0).text == CARD_FIRST
        drop_header = is_card and not plan.style.card_header_repeats
        for r, row in enumerate(table.rows):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.insert(0, OxmlElement("w:cantSplit"))
            for mark in tr_pr.findall(qn("w:tblHeader")) if drop_header else ():
                tr_pr.remove(mark)
            if not is_card and len(table.rows) <= KEEP_TOGETHER_ROWS and r < len(table.rows) - 1:
                for paragraph in row._tr.iter(qn("w:p")):
                    DocxParagraph(paragraph, None).paragraph_format.keep_with_next = True
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(("(단위", "【")):
            paragraph.paragraph_format.keep_with_next = True
    chapters = [p for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    for paragraph in chapters[1:]:
        paragraph.paragraph_format.page_break_before = True
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue())


def plan_to_html(plan: Plan, items: list[Item]) -> bytes:
    """Hangul's classic HTML export (CP949); in-cell line breaks as <BR>."""
    data = spec_to_hancom_html(items_to_spec(plan, items, newline="\x0b"), title(plan))
    return data.replace(b"\x0b", b"<BR>")


HWPX_KIND = {"Title": "title", "Heading 1": "h2", "Heading 2": "h3", "Caption": "caption"}


def item_to_hwpx(item: Item) -> tuple[str, str | make_hwpx.TableSpec]:
    """One CONTENT entry of make_hwpx: a paragraph kind and text, or a table with widths in HWPUNIT."""
    if isinstance(item, Para):
        kind = HWPX_KIND.get(item.style) or ("right" if item.align == "right" else "indent" if item.indent_mm else "body")
        return kind, item.text
    widths = [round(w * make_hwpx.TEXT_WIDTH / sum(item.widths)) for w in item.widths]
    widths[-1] += make_hwpx.TEXT_WIDTH - sum(widths)
    return "table", make_hwpx.TableSpec(tuple(widths), item.rows, item.header_rows)


def plan_to_hwpx(plan: Plan, items: list[Item]) -> bytes:
    """HWPX by make_hwpx's writer (this plan as its content); in-cell line breaks as hp:lineBreak."""
    members = make_hwpx.package_members(tuple(item_to_hwpx(i) for i in items))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            if name == "Contents/section0.xml":
                data = data.replace(b"\n", b"<hp:lineBreak/>")
            elif name == "Preview/PrvText.txt":
                data = data.replace(b"\r\n", b"\0").replace(b"\n", b" ").replace(b"\0", b"\r\n")
            info = zipfile.ZipInfo(name, date_time=make_hwpx.ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compresslevel=None if name == "mimetype" else 9)
    return out.getvalue()


WRITERS = {"hwpx": plan_to_hwpx, "docx": plan_to_docx, "html": plan_to_html}


def cards_over_pages(plan: Plan, pdf_path: Path) -> list[tuple[str, int, int]]:
    """(code, first page, last page) of every card in the PDF, found by its phone number and its 민간기관 row."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    page = next(i for i, t in enumerate(texts) if "[첨부 2]" in t)
    offset = texts[page].index("[첨부 2]")
    found = []
    for _, _, p in all_programs(plan):
        spans = []
        for needle in (p.phone, "민간기관"):
            while texts[page].find(needle, offset) < 0:
                page, offset = page + 1, 0
            offset = texts[page].index(needle, offset) + len(needle)
            spans.append(page + 1)
        found.append((p.code, spans[0], spans[1]))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice PDF conversion")
    args = parser.parse_args(argv)
    docx_paths = []
    for plan in PLANS:
        check_plants(plan)
        items = plan_items(plan)
        for fmt in plan.formats:
            if fmt in WRITERS:
                HERE.joinpath(f"{plan.stem}.{fmt}").write_bytes(WRITERS[fmt](plan, items))
                print(f"{plan.stem}.{fmt}")
        docx_paths.append(HERE / f"{plan.stem}.docx")
        key = json.dumps(expected(plan), ensure_ascii=False, indent=1) + "\n"
        HERE.joinpath(f"{plan.stem}.expected.json").write_text(key, encoding="utf-8")
        print(f"{plan.stem}.expected.json")
    if not args.no_pdf:
        for plan, pdf in zip(PLANS, docx_to_pdf(docx_paths, HERE)):
            crossing = [f"{code} (pp. {a}-{b})" for code, a, b in cards_over_pages(plan, pdf) if a != b]
            print(f"{pdf.name}: cards crossing a page break: {', '.join(crossing) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
