"""Budget execution records (예산 A / 집행 B / 집행률 B/A) and the casebook context around them.

Text: a header "’22년도 예산(A) ’22년도 집행(B) 집행률(B/A)" followed, on the
same or the next lines, by three values ('213백만원 201백만원 94.4%').
Tables: a header row with those columns and value rows under it. Column
labels and value shapes are in `rules/executions.toml`.

Casebooks say whose case a page is about with PART lines and open each case
with a title line (`rules/cases.toml`): `part_regions` gives the government
in force at each line and the PART subjects, `case_starts` the case titles,
so each execution gets its item and government.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from extractors.document import Table
from normalizers import rules
from normalizers.money import normalize_unit, parse_krw, parse_number, unit_from_text
from normalizers.regions import Region, planning_body, resolve
from normalizers.tables.columns import is_total
from normalizers.years import two_digit_year

ROLES = ("budget", "executed", "rate")


@dataclass(frozen=True)
class ExecutionValues:
    """One execution as printed: budget (A), executed (B) and rate texts, with unit and year as printed.

    `printed_unit` is a unit printed on the values, `header_unit` one printed
    in the header. From text, `start`/`end` are offsets of header..values;
    from a table, `row` is the value row and `item` a row label if any.
    """

    budget_text: str
    executed_text: str
    rate_text: str | None
    year: int | None
    printed_unit: str | None = None
    header_unit: str | None = None
    item: str | None = None
    start: int | None = None
    end: int | None = None
    row: int | None = None


@dataclass(frozen=True)
class PartLine:
    """A casebook PART line: `kind` entry/marker/header, `part` ('Ⅰ'), `key` (part, number) when
    numbered, the government as printed, and `toc` for a table-of-contents line."""

    kind: str
    part: str
    key: tuple[str, str] | None
    region_text: str | None
    toc: bool


def _prefixed(fragment: str, prefix: str) -> str:
    """A regex fragment with its named groups renamed `<prefix>_<name>`, so fragments can repeat."""
    return fragment.replace("(?P<", f"(?P<{prefix}_")


def _column_regex(role: str) -> str:
    table = rules.executions()
    column = next(c for c in table.column if c.role == role)
    parts = table.header_parts
    return (rf"(?:{_prefixed(parts.year, role)})?(?:{column.label})[ \t]*(?:{column.mark})?"
            rf"[ \t]*(?:{_prefixed(parts.unit, role)})?")


@cache
def _block_regex() -> re.Pattern:
    """Header of three columns, then the three values (whitespace, line breaks included, between)."""
    table = rules.executions()
    sep = table.header_parts.separator
    values = table.values
    header = sep.join(_column_regex(r) for r in ROLES)
    body = (rf"\s*{_prefixed(values.amount, 'vb')}\s+{_prefixed(values.amount, 've')}"
            rf"\s+{_prefixed(values.rate, 'vr')}(?![\d.])")
    return re.compile(header + body)


@cache
def _cell_regexes() -> dict[str, re.Pattern]:
    """One regex per role for a single header cell."""
    return {role: re.compile(_column_regex(role)) for role in ROLES}


def _header_year(match: re.Match) -> int | None:
    """The year printed before the budget or executed label ('’22년도 예산(A)' -> 2022), if any."""
    groups = match.groupdict()
    for role in ("budget", "executed"):
        if groups.get(f"{role}_yyyy"):
            return int(groups[f"{role}_yyyy"])
        if groups.get(f"{role}_yy"):
            return two_digit_year(groups[f"{role}_yy"])
    return None


def _unit(text: str | None) -> str | None:
    return normalize_unit(text) if text else None


def find_execution_blocks(text: str) -> list[ExecutionValues]:
    """Every header-and-values execution block in `text`, with offsets into it."""
    out = []
    for m in _block_regex().finditer(text):
        header_unit = next((_unit(m.group(f"{r}_unit")) for r in ROLES[:2] if m.group(f"{r}_unit")), None)
        printed = _unit(m.group("vb_unit") or m.group("ve_unit"))
        budget = m.group("vb_num") + (m.group("vb_unit") or "")
        executed = m.group("ve_num") + (m.group("ve_unit") or "")
        rate = text[m.start("vr_num"):m.end()].strip()
        out.append(ExecutionValues(budget, executed, rate, _header_year(m), printed, header_unit,
                                   start=m.start(), end=m.end()))
    return out


def header_roles(cells: list[str]) -> dict[str, int]:
    """Column of each role named in one header row (rate tested first: '집행률' contains '집행')."""
    found: dict[str, int] = {}
    for col, cell in enumerate(cells):
        for role in ("rate", "executed", "budget"):
            if role not in found and _cell_regexes()[role].search(cell):
                found[role] = col
                break
    return found


def _year_in(cells: list[str]) -> int | None:
    for cell in cells:
        m = _cell_regexes()["budget"].search(cell) or _cell_regexes()["executed"].search(cell)
        if m:
            return _header_year(m)
    return None


def table_to_execution_values(table: Table) -> list[ExecutionValues]:
    """Executions in a table: value rows under a header row naming 예산(A) and 집행(B).

    A table whose cells do not split the columns (one cell holding the whole
    header) is read like text.
    """
    rows = table.rows_text()
    for r, cells in enumerate(rows[:4]):
        roles = header_roles(cells)
        if "budget" in roles and "executed" in roles:
            return _value_rows(table, rows, r, roles)
    return find_execution_blocks("\n".join(" ".join(c for c in row if c) for row in rows))


@cache
def _amount_regex() -> re.Pattern:
    return re.compile(rules.executions().values.amount)


def _printed_unit(cell: str) -> str | None:
    """The money unit printed on a value cell ('213백만원' -> '백만원'), or None."""
    m = _amount_regex().fullmatch(cell.strip())
    return _unit(m.group("unit")) if m and m.group("unit") else None


def _row_label(cells: list[str], label_cols: list[int]) -> str | None:
    """The first non-numeric cell outside the value columns (the row's item), or None."""
    return next((cells[c].strip() for c in label_cols
                 if cells[c].strip() and parse_number(cells[c]) is None), None)


def _value_rows(table: Table, rows: list[list[str]], header: int,
                roles: dict[str, int]) -> list[ExecutionValues]:
    """One ExecutionValues per row under the header whose budget and executed cells are amounts (not totals)."""
    head = rows[header]
    header_unit = (unit_from_text(head[roles["budget"]]) or unit_from_text(table.unit_hint)
                   or unit_from_text(table.caption))
    label_cols = [c for c in range(len(head)) if c not in roles.values()]
    out = []
    for r in range(header + 1, len(rows)):
        cells = rows[r]
        budget, executed = cells[roles["budget"]].strip(), cells[roles["executed"]].strip()
        if not (_amount_regex().fullmatch(budget) and _amount_regex().fullmatch(executed)):
            continue
        label = _row_label(cells, label_cols)
        if label is not None and is_total(label):
            continue
        rate = cells[roles["rate"]].strip() if "rate" in roles else None
        out.append(ExecutionValues(budget, executed, rate or None, _year_in(head), _printed_unit(budget),
                                   header_unit, label, row=r))
    return out


def amounts(values: ExecutionValues, unit: str | None) -> tuple[int | None, int | None]:
    """(budget_krw, executed_krw): printed units win, else `unit`; None where unreadable or no unit."""
    return (parse_krw(values.budget_text, unit, on_error="none"),
            parse_krw(values.executed_text, unit, on_error="none"))


def rate_of(values: ExecutionValues) -> float | None:
    """The printed rate as a number ('94.4%' -> 94.4), or None."""
    return parse_number(values.rate_text) if values.rate_text else None


def rate_agrees(printed_text: str, printed: float, actual: float) -> bool:
    """True when the printed rate is executed/budget×100 within the tolerance, or that value
    rounded or truncated to the printed decimals ('91%' for 90.9…)."""
    decimals = len(printed_text.split(".")[1].rstrip("%").strip()) if "." in printed_text else 0
    scale = 10 ** decimals
    return (abs(printed - actual) < rules.executions().rate_check.tolerance
            or round(actual, decimals) == printed
            or math.floor(actual * scale + 1e-9) / scale == printed)


# --- casebook lines ---------------------------------------------------------------------------

def part_line(text: str) -> PartLine | None:
    """A PART line ('PART Ⅰ- 3  부산광역시 수영구 ···· 27', 'PARTⅠ- 1', 'PART Ⅰ 경기도'), or None."""
    for rule in rules.cases().part:
        m = rule.pattern.match(text)
        if m:
            groups = m.groupdict()
            part = groups.get("part") or ""
            key = (part, groups["no"]) if groups.get("no") else None
            return PartLine(rule.kind, part, key, groups.get("region"), bool(groups.get("leader")))
    return None


def title_line(text: str) -> str | None:
    """The title of a numbered case title line (' 우수사업 1. 일하는 청년 복지포인트'), or None."""
    for rule in rules.cases().title:
        m = rule.pattern.match(text)
        if m:
            return clean_title(m.group("title"))
    return None


def is_anchor(text: str) -> bool:
    """True for a line that opens a case body ('사업 목적 및 추진근거')."""
    return any(rule.pattern.match(text) for rule in rules.cases().anchor)


def _skippable(text: str) -> bool:
    return not text.strip() or any(rule.pattern.match(text) for rule in rules.cases().skip)


def clean_title(text: str) -> str:
    """A case title without numbering and bullets, keeping what follows the last circled marker."""
    cleanup = rules.cases().title_cleanup
    parts = cleanup.circled.split(text)
    tail = parts[-1].strip() or text
    return " ".join(cleanup.numbering.sub("", tail).split())


def case_title(texts: Sequence[str], anchor: int) -> str | None:
    """The title of the case whose body opens at `texts[anchor]`: the nearest usable line above it."""
    for i in range(anchor - 1, max(-1, anchor - 6), -1):
        if not _skippable(texts[i]):
            return clean_title(texts[i]) or None
    return None


# --- casebook context: whose case a line belongs to ------------------------------------------

@dataclass(frozen=True)
class Subject:
    """A government a casebook PART is about, as printed, and the line it is first seen on
    (a body line wins over a table-of-contents line)."""

    region: Region
    printed: str
    line: int
    toc: bool


def _neighbour_region(texts: Sequence[str], i: int, year: int | None) -> Region | None:
    """A region named alone on a line next to line `i` (the government above or below 'PARTⅠ- 3')."""
    for j in (i - 1, i + 1, i - 2, i + 2):
        if 0 <= j < len(texts) and (region := resolve(texts[j], year)):
            return region
    return None


def _part_region(part: PartLine, texts: Sequence[str], i: int, year: int | None,
                 by_key: dict[tuple[str, str], Region]) -> Region | None:
    """The government a PART line names: printed on it, else by its number's entry, else (for a
    bare marker) on a neighbouring line."""
    region = resolve(part.region_text, year) if part.region_text else None
    if region is None and part.key:
        region = by_key.get(part.key)
    if region is None and part.kind == "marker":
        region = _neighbour_region(texts, i, year)
    return planning_body(region) if region else None


def _subject_key(part: PartLine, region: Region, subjects: dict[tuple, Subject]) -> tuple:
    """A PART's number; for an unnumbered header, the PART with the same government (same part first)."""
    if part.key:
        return part.key
    same = sorted((k[0] != part.part, n) for n, (k, s) in enumerate(subjects.items())
                  if s.region.code_today == region.code_today)
    return list(subjects)[same[0][1]] if same else (part.part, "", region.code_today)


def part_regions(texts: Sequence[str], year: int | None) -> tuple[list[Region | None], list[Subject]]:
    """The casebook government in force at each line of `texts`, and every PART subject in order."""
    by_key: dict[tuple[str, str], Region] = {}
    subjects: dict[tuple, Subject] = {}
    current: Region | None = None
    at: list[Region | None] = []
    for i, text in enumerate(texts):
        part = part_line(text)
        region = _part_region(part, texts, i, year, by_key) if part else None
        if part and region:
            if part.key:
                by_key.setdefault(part.key, region)
            key = _subject_key(part, region, subjects)
            if key not in subjects or (subjects[key].toc and not part.toc):
                subjects[key] = Subject(region, region.name_printed, i, part.toc)
            current = current if part.toc else region
        at.append(current)
    return at, list(subjects.values())


def case_starts(texts: Sequence[str]) -> list[tuple[int, str]]:
    """(line index, title) of every case: numbered title lines, and the line above each case anchor."""
    out = set()
    for i, text in enumerate(texts):
        if title := title_line(text):
            out.add((i, title))
        elif is_anchor(text) and (title := case_title(texts, i)):
            out.add((max(0, i - 1), title))
    return sorted(out)


def latest(marks: Sequence[tuple[int, str]], line: int) -> tuple[int, str] | None:
    """The last (index, value) mark at or before `line`."""
    i = bisect_right(marks, (line, "\uffff")) - 1
    return marks[i] if i >= 0 else None
