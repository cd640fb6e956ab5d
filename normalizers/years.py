"""Years, plan periods and dates as printed; patterns live in `rules/years.toml`.

Two-digit years follow one documented policy (`two_digit_year`): 00-69 are
2000-2069 and 70-99 are 1970-1999.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from normalizers import rules


@dataclass(frozen=True)
class DateSpan:
    """A date, year or period printed in text: `text[start:end]`.

    `kind` is 'period' (`year`..`end_year`), 'date' (year and month at least,
    or month and day without a year) or 'year'. Parts not printed are None.
    """

    kind: str
    start: int
    end: int
    text: str
    year: int | None
    month: int | None = None
    day: int | None = None
    end_year: int | None = None
    weekday: str | None = None


def two_digit_year(yy: int | str) -> int:
    """A printed two-digit year as a calendar year: 19 -> 2019, '07' -> 2007, 98 -> 1998 (pivot 70)."""
    value = int(yy)
    if not 0 <= value <= 99:
        raise ValueError(f"not a two-digit year: {yy!r}")
    return (1900 if value >= rules.years().two_digit.pivot else 2000) + value


def _year_of(match: re.Match, four: str, two: str) -> int | None:
    """The year from a match's 4-digit group `four` or two-digit group `two`, if present."""
    groups = match.re.groupindex
    if four in groups and match.group(four):
        return int(match.group(four))
    if two in groups and match.group(two):
        return two_digit_year(match.group(two))
    return None


def year_header(text: str | None) -> tuple[int, bool] | None:
    """A table header cell as (year, is_baseline): '2018 현재' -> (2018, True), "'22년" -> (2022, False).

    Totals ('계', '합계') and anything else that is not a year give None.
    """
    if not text:
        return None
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    settings = rules.years()
    for rule in settings.year_header:
        match = rule.pattern.match(cleaned)
        if match:
            note = match.group("note") or ""
            year = _year_of(match, "year", "yy")
            return None if year is None else (year, note in settings.baseline.words)
    return None


def _period_match(match: re.Match) -> tuple[int, int] | None:
    """(start, end) years of a period match when it runs forwards within the limit."""
    start, end = _year_of(match, "start", "ys"), _year_of(match, "end", "ye")
    if start is None or end is None:
        return None
    return (start, end) if 0 <= end - start <= rules.years().period_limits.max_years else None


def _periods(text: str) -> list[DateSpan]:
    """Every plan-period range in `text`, in order, without overlaps."""
    spans = []
    for rule in rules.years().period:
        for match in rule.pattern.finditer(text):
            years = _period_match(match)
            if years:
                spans.append(DateSpan("period", match.start(), match.end(), match.group(),
                                      years[0], end_year=years[1]))
    return _without_overlaps(spans)


def parse_period(text: str | None) -> tuple[int, int] | None:
    """The first plan period in text: '(2019~2022)', '2023년~2026년', "'20~'23", '2023-2026' -> (start, end)."""
    if not text:
        return None
    first = next(iter(_periods(text)), None)
    if first is None or first.year is None or first.end_year is None:
        return None
    return first.year, first.end_year


def _without_overlaps(spans: list[DateSpan]) -> list[DateSpan]:
    """Keep spans in given priority order, dropping any that overlaps a kept one; sort by start."""
    taken = bytearray(max((s.end for s in spans), default=0))
    kept: list[DateSpan] = []
    for span in spans:
        if not any(taken[span.start:span.end]):
            kept.append(span)
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    return sorted(kept, key=lambda s: s.start)


def _date_span(rule: rules.NamedPattern, match: re.Match) -> DateSpan:
    groups = match.groupdict()
    month = int(groups["month"]) if groups.get("month") else None
    day = int(groups["day"]) if groups.get("day") else None
    return DateSpan(rule.kind, match.start(), match.end(), match.group(),
                    _year_of(match, "year", "yy"), month, day, weekday=groups.get("weekday"))


def find_dates(text: str) -> list[DateSpan]:
    """Periods, dates and years printed in `text`, in order; a period wins over the dates inside it."""
    spans = _periods(text)
    for rule in rules.years().date:
        spans.extend(_date_span(rule, m) for m in rule.pattern.finditer(text))
    return _without_overlaps(spans)


def _weekday_years(spans: Iterable[DateSpan], candidates: set[int]) -> set[int]:
    """Candidate years in which every printed 'M월 D일(요일)' falls on its printed weekday."""
    names = rules.years().weekdays.names
    fits = set(candidates)
    for span in spans:
        if span.year is None and span.month and span.day and span.weekday:
            fits &= {y for y in candidates if _weekday(y, span.month, span.day) == names.index(span.weekday)}
    return fits


def _weekday(year: int, month: int, day: int) -> int | None:
    try:
        return datetime.date(year, month, day).weekday()
    except ValueError:
        return None


def text_year(texts: Iterable[str]) -> int | None:
    """The year a document was issued, from its text alone.

    Weekdays printed with month-day dates ('6월 23일(금)') that single out
    one of the years mentioned win; otherwise the year of the first date or
    year printed (pass the opening blocks first). None when no year is printed.
    """
    spans = [s for t in texts for s in find_dates(t)]
    years = {s.year for s in spans if s.year} | {s.end_year for s in spans if s.end_year}
    by_weekday = _weekday_years(spans, years)
    if len(by_weekday) == 1 and any(s.weekday for s in spans):
        return by_weekday.pop()
    dated = [s.year for s in spans if s.kind in ("date", "year") and s.year]
    return dated[0] if dated else None
