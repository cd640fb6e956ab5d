"""6th-term template forms -> facts, the template's own rules as checks, and one row per fact across forms.

- `card_form_to_facts`: a program card ([첨부 2]) -> its program (department =
  담당과 only, team, 6기 flag, 기본계획 link, the six classification codes), its
  indicator (targets 2026–2030, 지표정의, 산출근거, 자료출처), its budgets (one
  total per year, one row per funding source with its printed share; `0` and
  `/` are no budget) and the template's rules on its budget block: 계 = ①+②+③
  (`fund_total`), 소계 = ①+② (`subtotal`), ①+②+③ shares = 100 % (`fund_share`).
- `strategy_card_to_facts`: a strategy's indicator card (targets 2027–2030).
- `merge_forms`: an indicator (owner and name) or a budget (program, year,
  source) printed in several forms is stored once — the program card's (then
  the strategy card's, the master table's, the program table's) — and each
  other form's figure becomes a `cross_form` check against it. A card's
  sources become parts of its total, the total a part of its strategy's row in
  the master table.

2026 is the baseline year: a form's years before the term's first are baselines. Printed figures are rounded: sums pass within one unit of the
last printed digit per part.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from extractors.document import Issue, Source
from normalizers import rules as R
from normalizers.money import parse_krw, parse_number, printed_precision
from normalizers.record import Budget, Check, Indicator, IndicatorTarget, ProgramClass
from normalizers.tables.builder import PlanFacts
from normalizers.tables.columns import is_term_baseline, priority_of
from normalizers.tables.forms import BudgetLine, CardForm, Value
from normalizers.tables.hierarchy import formula_parts, part_marker
from normalizers.tables.rows import strip_priority_mark
from normalizers.tables.values import is_no_value, is_non_budget_mark, target_value
from normalizers.text import ascii_code, clean, is_roman, split_trailing_paren

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
FORM_ORDER = ("card", "strategy_card", "master", "table")   # whose figure is kept when forms print the same fact
_LOCAL = ("시도비", "시군구비")                              # 지방비 = ①시·도비 + ②시·군·구비


def term_baselines(years: list[int] | tuple[int, ...]) -> set[int]:
    """Years a form prints before the term's first year: {2026} of 2026–2030."""
    return {y for y in years if is_term_baseline(y)}


def program_class(category: str, code: str, page: int | None, table_id: str | None, row: int | None,
                  col: int | None) -> ProgramClass:
    """A classification code with the template's label: ('생애주기', '⑦') -> 노년."""
    code = clean(code)
    labels = next((c.labels for c in R.sixth_term().classification if c.category == category), ())
    index = CIRCLED.find(code) if len(code) == 1 else -1
    label = labels[index] if 0 <= index < len(labels) else None
    return ProgramClass(category, code, label, page, table_id, row, col)


def _text(card: CardForm, key: str) -> str | None:
    value = card.fields.get(key)
    return clean(value.text) or None if value else None


# --- program cards ----------------------------------------------------------------------------------

def card_form_to_facts(facts: PlanFacts, strategy_id: str | None, card: CardForm, unit: str | None) -> str | None:
    """One program card into facts; returns the program id (None for a card without a code)."""
    code_cell = card.fields.get("code")
    m = R.columns().program.pattern.search(code_cell.text) if code_cell else None
    first = code_cell or card.fields.get("name")
    if m is None or first is None:
        where = f"table {first.table_id} row {first.row}" if first else "a card"
        facts.issues.append(Issue("card-without-code", f"{where}: a 6th-term program card without a program code; "
                                                       "left out", Source(page=first.page if first else None)))
        return None
    code, raw = ascii_code(m.group("code")), m.group("code").rstrip(". ")
    parts = code.split("-")
    name, _ = strip_priority_mark(_text(card, "name") or clean(m.group("name")))
    strategy = facts.strategy_by_number("-".join(parts[:2])) if len(parts) >= 3 and is_roman(parts[0]) else None
    amounts = [a.text for line in card.budget if line.key == "total" for _, a, _ in line.years
               if a and not is_no_value(a.text)]
    p = facts.program(code, raw, name, strategy.strategy_id if strategy else strategy_id,
                      department=_text(card, "department"), team=_text(card, "team"),
                      is_new=priority_of(_text(card, "is_new") or ""), basic_plan_link=_text(card, "basic_plan"),
                      classes=tuple(program_class(cat, v.text, v.page, v.table_id, v.row, v.col)
                                    for cat, v in card.classes),
                      subgroup="-".join(parts[:3]) if len(parts) >= 4 and is_roman(parts[0]) else None,
                      is_non_budget=(all(is_non_budget_mark(t) for t in amounts) if amounts else None),
                      page=first.page, table_id=first.table_id, row=first.row)
    facts.issues += [Issue("card-form", f"{problem} (program {code})") for problem in card.problems]
    indicator = card_indicator(card, p.program_id, None)
    if indicator is not None:
        facts.add_indicator(indicator)
    unit = card.budget_unit or unit
    if card.budget and unit is None:
        facts.issues.append(Issue("budget-unit-missing", f"program {code}: the card's budget block has no unit"))
        return p.program_id
    if unit is not None:
        card_budgets(facts, card.budget, unit, p.program_id)
        facts.checks += card_checks(card.budget, unit, p.program_id)
    return p.program_id


def card_indicator(card: CardForm, program_id: str | None, strategy_id: str | None) -> Indicator | None:
    """The card's indicator: name (unit), its targets by year, 지표정의, 산출근거, 자료출처."""
    name_cell = card.fields.get("indicator_name")
    if name_cell is None or not clean(name_cell.text):
        return None
    name, unit = split_trailing_paren(name_cell.text)
    baselines = term_baselines(card.target_years)
    targets = tuple(IndicatorTarget(year=y, is_baseline=y in baselines, value=target_value(v.text, unit),
                                    value_text=clean(v.text), col=v.col, table_id=v.table_id, row=v.row)
                    for y, v in card.targets if clean(v.text) and not is_no_value(v.text))
    return Indicator(indicator_id="", program_id=program_id, strategy_id=strategy_id, name=name, unit=unit,
                     targets=targets, name_text=clean(name_cell.text), page=name_cell.page,
                     table_id=name_cell.table_id, row=name_cell.row, definition=_text(card, "definition"),
                     basis=_text(card, "basis"), data_source=_text(card, "data_source"))


def strategy_card_to_facts(facts: PlanFacts, strategy_id: str | None, card: CardForm) -> None:
    """A strategy's indicator card (제2절 1) 목표설정) for the strategy its heading names."""
    indicator = card_indicator(card, None, strategy_id)
    if indicator is not None and strategy_id is None:
        facts.issues.append(Issue("strategy-card-owner", f"table {indicator.table_id}: a strategy indicator card "
                                                         "under no strategy; left out", Source(page=indicator.page)))
    elif indicator is not None:
        facts.add_indicator(indicator)


def _krw(cell: Value | None, unit: str) -> int | None:
    """A budget cell in KRW; '/' and blanks are None, '0' is 0."""
    if cell is None or not clean(cell.text) or is_no_value(cell.text):
        return None
    return parse_krw(cell.text, unit, on_error="none")


def _share(cell: Value | None) -> float | None:
    return parse_number(cell.text.strip("()（） %")) if cell and re.search(r"\d", cell.text) else None


def card_budgets(facts: PlanFacts, lines: tuple[BudgetLine, ...], unit: str, program_id: str) -> None:
    """One budget per year for the card's 계 and one per funding source (sources printed 0 left out)."""
    years = [y for line in lines for y, _, _ in line.years]
    baselines = term_baselines(years)
    for line in lines:
        if line.key not in ("total", "fund"):
            continue   # 소계 is a check, not a fact: it repeats ①+②
        for year, amount, share in line.years:
            krw = _krw(amount, unit)
            if not krw or amount is None:
                continue
            facts.add_budget(Budget(budget_id="", program_id=program_id, strategy_id=None, item=None, year=year,
                                    amount_krw=krw, amount_text=clean(amount.text), unit_text=unit,
                                    kind="baseline" if year in baselines else "planned",
                                    fund_source=line.source if line.key == "fund" else None,
                                    page=amount.page, table_id=amount.table_id, row=amount.row, col=amount.col,
                                    fund_name=line.fund_name, share_pct=_share(share),
                                    share_text=clean(share.text) if share else None))


def _at(line: BudgetLine | None, year: int) -> tuple[Value | None, Value | None]:
    for y, amount, share in line.years if line else ():
        if y == year:
            return amount, share
    return None, None


def _sum_check(kind: str, cell: Value, unit: str, parts: list[Value], program_id: str, year: int,
               note: str) -> Check | None:
    """A card's printed total against the sum of its printed parts: the template's figures are one unit
    in one table, written as the parts they add up, so they must agree exactly."""
    total = _krw(cell, unit)
    values = [v for p in parts if (v := _krw(p, unit)) is not None]
    if total is None or not values or (total == 0 and not any(values)):
        return None
    actual = sum(values)
    return Check("", kind, cell.table_id, cell.row, cell.col, float(total), float(actual), total == actual, note,
                 program_id, year)


def card_checks(lines: tuple[BudgetLine, ...], unit: str, program_id: str) -> list[Check]:
    """계 = ①+②+③, 소계 = ①+② and ①+②+③ shares = 100 % for each year of a card's budget block."""
    total = next((line for line in lines if line.key == "total"), None)
    subtotal = next((line for line in lines if line.key == "subtotal"), None)
    funds = [line for line in lines if line.key == "fund"]
    marked = formula_parts(subtotal.label) if subtotal else frozenset()
    local = [f for f in funds if (part_marker(f.label) in marked if marked else f.source in _LOCAL)]
    out: list[Check | None] = []
    for year in [y for y, _, _ in total.years] if total else []:
        amount, share = _at(total, year)
        parts = [a for f in funds if (a := _at(f, year)[0]) is not None]
        if amount is not None:
            out.append(_sum_check("fund_total", amount, unit, parts, program_id, year,
                                  f"계 = {' + '.join(f.label for f in funds)} ({year})"))
        sub = _at(subtotal, year)[0]
        if sub is not None:
            out.append(_sum_check("subtotal", sub, unit, [a for f in local if (a := _at(f, year)[0]) is not None],
                                  program_id, year, f"소계 = {' + '.join(f.label for f in local)} ({year})"))
        out.append(_share_check(amount, share, [_at(f, year)[1] for f in funds], unit, program_id, year))
    return [c for c in out if c is not None]


def _share_check(amount: Value | None, share: Value | None, shares: list[Value | None], unit: str,
                 program_id: str, year: int) -> Check | None:
    """The sources' printed shares add up to the total's (100 %), within half a printed unit per non-zero share
    (the most rounding each share can explain)."""
    values = [(v, s) for s in shares if (v := _share(s)) is not None and s is not None]
    if not _krw(amount, unit) or not values:
        return None
    expected = _share(share) or 100.0
    decimals = max(len(t.split(".")[1]) if "." in t else 0 for t in (re.sub(r"[^\d.]", "", s.text) for _, s in values))
    tol = sum(1 for v, _ in values if v) * 10 ** -decimals / 2
    actual = sum(v for v, _ in values)
    cell = share or amount
    assert cell is not None
    return Check("", "fund_share", cell.table_id, cell.row, cell.col, expected, actual,
                 abs(expected - actual) <= tol + 1e-9, f"shares of the sources = {expected:g}% ({year})",
                 program_id, year)


# --- one fact, one row ------------------------------------------------------------------------------

def merge_forms(facts: PlanFacts) -> None:
    """Merge what several 6th-term forms print of one fact, keeping every printed budget for the checks."""
    facts.printed_budgets = list(facts.budgets)
    facts.budgets, budget_checks = merge_budgets(facts.budgets, facts.forms)
    facts.indicators, target_checks = merge_indicators(facts.indicators, facts.forms)
    facts.checks += budget_checks + target_checks


def merge_budgets(budgets: list[Budget], forms: dict[str, str]) -> tuple[list[Budget], list[Check]]:
    """A program's total printed in the master table and its card is the card's row (parented as the master's)."""
    def key(b: Budget) -> tuple:
        return b.program_id, b.year, b.kind

    cards = {key(b): b for b in budgets if forms.get(b.table_id or "") == "card" and b.fund_source is None
             and b.program_id}
    drop: set[str] = set()
    parent: dict[str, str | None] = {}
    checks = []
    for b in budgets:
        card = cards.get(key(b)) if b.program_id and b.fund_source is None else None
        if card is None or forms.get(b.table_id or "") != "master":
            continue
        precisions = {printed_precision(x.amount_text, x.unit_text or "원") for x in (b, card)}
        tol = 0 if len(precisions) == 1 else max(precisions) / 2   # one figure: equal at one precision
        checks.append(Check("", "cross_form", b.table_id, b.row, b.col, float(card.amount_krw), float(b.amount_krw),
                            abs(card.amount_krw - b.amount_krw) <= tol,
                            f"master table {b.amount_text} = card 계 {card.amount_text} ({b.year})", b.program_id,
                            b.year))
        drop.add(b.budget_id)
        parent[card.budget_id] = b.parent_budget_id
    checks += _unmatched_years(budgets, forms, cards)
    for b in budgets:
        total = cards.get(key(b)) if b.fund_source is not None and forms.get(b.table_id or "") == "card" else None
        if total is not None:
            parent[b.budget_id] = total.budget_id
    with_parts = set(parent.values())
    kept = [replace(b, parent_budget_id=parent.get(b.budget_id, b.parent_budget_id),
                    is_total=b.is_total or b.budget_id in with_parts) for b in budgets if b.budget_id not in drop]
    ids = {b.budget_id: f"b{i}" for i, b in enumerate(kept, start=1)}
    return [replace(b, budget_id=ids[b.budget_id], parent_budget_id=ids.get(b.parent_budget_id or "")) for b in kept], \
        checks


def _unmatched_years(budgets: list[Budget], forms: dict[str, str], cards: dict[tuple, Budget]) -> list[Check]:
    """A year one form budgets and the other does not ('/', 0 or blank) for a program both print: a failing check."""
    masters = {(b.program_id, b.year, b.kind): b for b in budgets if forms.get(b.table_id or "") == "master"
               and b.program_id and b.fund_source is None}
    both = {k[0] for k in masters} & {k[0] for k in cards}
    out = []
    for k, b in sorted(masters.items(), key=lambda x: str(x[0])):
        if k[0] in both and k not in cards:
            out.append(Check("", "cross_form", b.table_id, b.row, b.col, None, float(b.amount_krw), False,
                             f"master table {b.amount_text} but no 계 on the card ({b.year})", b.program_id, b.year))
    for k, b in sorted(cards.items(), key=lambda x: str(x[0])):
        if k[0] in both and k not in masters:
            out.append(Check("", "cross_form", b.table_id, b.row, b.col, float(b.amount_krw), None, False,
                             f"card 계 {b.amount_text} but no budget in the master table ({b.year})", b.program_id,
                             b.year))
    return out


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def merge_indicators(indicators: list[Indicator], forms: dict[str, str]) -> tuple[list[Indicator], list[Check]]:
    """One indicator per owner over the forms (per name where a form prints several for one owner).

    The template prints one indicator per program, 대표과업 and strategy, the same in every form: a
    name that differs is a failing `cross_form` check; each other form's target is checked against
    the kept one.
    """
    def owner(i: Indicator) -> tuple:
        return i.program_id, None if i.program_id else i.strategy_id, i.subgroup

    by_owner: dict[tuple, list[Indicator]] = {}
    for i in indicators:
        if forms.get(i.table_id or "") in FORM_ORDER:
            by_owner.setdefault(owner(i), []).append(i)
    one_each = {k for k, group in by_owner.items()
                if max(Counter(forms[i.table_id or ""] for i in group).values()) == 1}
    groups: dict[tuple, list[Indicator]] = {}
    out: list[Indicator | tuple] = []
    for i in indicators:
        if forms.get(i.table_id or "") not in FORM_ORDER:
            out.append(i)
            continue
        key = owner(i) if owner(i) in one_each else (*owner(i), _squash(i.name))
        if key not in groups:
            groups[key] = []
            out.append(key)
        groups[key].append(i)
    checks: list[Check] = []
    merged = []
    for item in out:
        if isinstance(item, Indicator):
            merged.append(item)
            continue
        group = sorted(groups[item], key=lambda i: FORM_ORDER.index(forms[i.table_id or ""]))
        checks += [_name_check(group[0], other, forms) for other in group[1:]
                   if _squash(other.name) != _squash(group[0].name)]
        merged.append(_merge_group(group, forms, checks))
    return [replace(i, indicator_id=f"i{n}") for n, i in enumerate(merged, start=1)], checks


def _name_check(kept: Indicator, other: Indicator, forms: dict[str, str]) -> Check:
    return Check("", "cross_form", other.table_id, other.row, None, None, None, False,
                 f"indicator name: {forms[other.table_id or '']} '{other.name}' ≠ {forms[kept.table_id or '']} "
                 f"'{kept.name}'", other.program_id, None, None if other.program_id else other.strategy_id)


def _merge_group(group: list[Indicator], forms: dict[str, str], checks: list[Check]) -> Indicator:
    """The first form's indicator with, per year, the first form's target; the others checked against it."""
    chosen: dict[int, tuple[IndicatorTarget, str]] = {}
    for ind in group:
        form = forms[ind.table_id or ""]
        for t in ind.targets:
            t = replace(t, table_id=t.table_id or ind.table_id, row=t.row if t.row is not None else ind.row)
            if t.year not in chosen:
                chosen[t.year] = (t, form)
                continue
            first, first_form = chosen[t.year]
            same = (first.value is not None and t.value is not None and abs(first.value - t.value) < 1e-9) or \
                (first.value is None and t.value is None and _squash(first.value_text) == _squash(t.value_text))
            checks.append(Check("", "cross_form", t.table_id, t.row, t.col, first.value, t.value, same,
                                f"indicator '{ind.name}' {t.year}: {form} {t.value_text} = {first_form} "
                                f"{first.value_text}", ind.program_id, t.year,
                                None if ind.program_id else ind.strategy_id))
    primary = group[0]
    return replace(primary, targets=tuple(chosen[y][0] for y in sorted(chosen)),
                   definition=next((i.definition for i in group if i.definition), None),
                   basis=next((i.basis for i in group if i.basis), None),
                   data_source=next((i.data_source for i in group if i.data_source), None))
