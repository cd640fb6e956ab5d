"""Program cards: one table per 세부사업 whose first column names its parts.

    사업명   | 찾아가는 마을 돌봄
    추진부서 | 주민복지과
    성과지표 | 지표명 | 단위 | 2023 | 2024 …      (a block: header row, then one row per indicator)
             | 이용 어르신 수 | 명 | 300 | 420 …
    소요예산 | 구분 | 2023 | 2024 …               (a block: 계 row = the program's budget,
    (백만원) | 계   | 510  | 640 …                 other rows a breakdown by fund source)
             | 도비 | 153  | 192 …

Keys are rules (`[cards]` in rules/columns.toml). The card's code comes from
its name cell ("1-1. …") or from the text just before the table ("세부사업 1-1").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from normalizers import rules
from normalizers.money import fund_source, is_no_budget, parse_krw, unit_from_text
from normalizers.record import Budget, Indicator, IndicatorTarget
from normalizers.tables.columns import is_total
from normalizers.tables.hierarchy import RowLabel
from normalizers.text import ascii_code, clean, split_trailing_paren
from normalizers.years import year_header

SCALAR_KEYS = ("name", "code", "department", "description", "priority")
_NUMBER_CELL = re.compile(r"[△▲\-]?\d[\d,]*(?:\.\d+)?")


@dataclass(frozen=True)
class Card:
    """What one card says, before it is attached to a program."""

    fields: dict[str, str]
    indicator_rows: list[list[str]]
    budget_rows: list[list[str]]
    budget_key: str
    starts: dict[str, int]


def key_of(text: str) -> str | None:
    """Which card part a label names ('추 진 부 서' -> 'department'), or None."""
    squashed = re.sub(r"\s+", "", text)
    if not squashed:
        return None
    for rule in rules.columns().card_key:
        if rule.pattern.search(squashed):
            return rule.key
    return None


def is_card(rows: list[list[str]]) -> bool:
    """True when the first column names enough card parts, one of them the name or the budget."""
    keys = {key_of(r[0]) for r in rows if r and r[0].strip()} - {None}
    return len(keys) >= rules.columns().card.min_keys and bool(keys & {"name", "budget"})


def rows_to_card(rows: list[list[str]]) -> Card:
    """Split a card's rows into scalar fields and the indicator and budget blocks."""
    fields: dict[str, str] = {}
    starts: dict[str, int] = {}
    blocks: dict[str, list[list[str]]] = {"indicator": [], "budget": []}
    budget_key, current = "", None
    for r, row in enumerate(rows):
        label = row[0].strip() if row else ""
        current = key_of(label) or (current if not label else None)
        if current in blocks:
            starts.setdefault(current, r)
            blocks[current].append(row[1:])
            budget_key = label if current == "budget" and label else budget_key
            continue
        for i, cell in enumerate(row):
            key = key_of(cell)
            if key in SCALAR_KEYS and key not in fields:
                value = next((v for v in row[i + 1:] if v.strip()), "")
                if value and key_of(value) is None:
                    fields[key] = clean(value)
    return Card(fields, blocks["indicator"], blocks["budget"], budget_key, starts)


def card_code(card: Card, context: list[str], program_pattern: re.Pattern) -> tuple[str | None, str | None, str]:
    """(code, code as printed, name) from the name cell, a code row, or the text before the table."""
    name = card.fields.get("name", "")
    m = program_pattern.match(name)
    if m and m.group("name"):
        return ascii_code(m.group("code")), m.group("code"), clean(m.group("name")).rstrip(".")
    for text in [card.fields.get("code", ""), *reversed(context)]:
        m = program_pattern.search(text)
        if m:
            return ascii_code(m.group("code")), m.group("code"), name
    return None, None, name


def indicator_block(rows: list[list[str]], owner_id: str, first_id: int, page, table_id: str,
                    first_row: int) -> list[Indicator]:
    """Indicators of a card: a header row (지표명, 단위, years), then one row per indicator."""
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    card = rules.columns().card
    name_col = next((i for i, h in enumerate(header) if card.indicator_name.search(re.sub(r"\s+", "", h))), 0)
    unit_col = next((i for i, h in enumerate(header) if card.unit.search(re.sub(r"\s+", "", h))), None)
    years = {i: yh for i, h in enumerate(header) if (yh := year_header(h))}
    out: list[Indicator] = []
    for k, row in enumerate(body):
        text = clean(row[name_col]) if name_col < len(row) else ""
        if not text:
            continue
        name, unit = split_trailing_paren(text)
        if unit_col is not None and unit_col < len(row) and row[unit_col].strip():
            name, unit = text, clean(row[unit_col])
        targets = tuple(IndicatorTarget(year=y, is_baseline=base, value=_value(row[i]), value_text=clean(row[i]), col=i + 1)
                        for i, (y, base) in years.items() if i < len(row) and row[i].strip() and not is_no_budget(row[i]))
        out.append(Indicator(indicator_id=f"i{first_id + len(out)}", program_id=owner_id, strategy_id=None,
                             name=name, unit=unit, targets=targets, name_text=text, page=page,
                             table_id=table_id, row=first_row + 1 + k))
    return out


def _value(text: str) -> float | None:
    numbers = _NUMBER_CELL.findall(text)
    if len(numbers) != 1:
        return None
    try:
        return float(numbers[0].replace(",", "").replace("△", "-").replace("▲", "-"))
    except ValueError:
        return None


def budget_block(rows: list[list[str]], unit_label: str, table_unit: str | None, owner_id: str,
                 page, table_id: str, first_row: int) -> tuple[list[Budget], dict[tuple[str, int], RowLabel]]:
    """Budgets of a card (the 계 row is the program's budget, other rows fund sources), and each row's label."""
    if not rows:
        return [], {}
    header, body = rows[0], rows[1:]
    unit = unit_from_text(unit_label) or next((u for h in header if (u := unit_from_text(h))), None) or table_unit
    columns: dict[int, tuple[int | None, bool]] = {}
    for i, h in enumerate(header):
        yh = year_header(h)
        if yh:
            columns[i] = yh
        elif is_total(h):
            columns[i] = (None, False)
    out = []
    labels: dict[tuple[str, int], RowLabel] = {}
    for k, row in enumerate(body):
        label = next((clean(c) for c in row[:min(columns, default=1)] if c.strip()), "")
        total = not label or is_total(label)
        source = None if total else fund_source(label)
        if (not total and source is None) or unit is None:
            continue
        labels[(table_id, first_row + 1 + k)] = RowLabel("total" if total else "fund", label)
        for i, (year, baseline) in columns.items():
            text = row[i] if i < len(row) else ""
            amount = parse_krw(text, unit, on_error="none") if text.strip() else None
            if amount is None:
                continue
            out.append(Budget(budget_id="", program_id=owner_id, strategy_id=None, item=None, year=year,
                              amount_krw=amount, amount_text=clean(text), unit_text=unit,
                              kind="baseline" if baseline else "planned", fund_source=source,
                              page=page, table_id=table_id, row=first_row + 1 + k, col=i + 1))
    return out, labels
