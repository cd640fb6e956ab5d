"""Region names to 법정동 codes: the gazetteer in `rules/regions.csv`.

`resolve` reads one printed name ('서울특별시 마포구', '마포구', '부산 북구',
'부산북구', '강원원주', '광주 서구'); `find_regions` finds every name in a text.
Both return today's code (`code_today`, the stable key across years) and,
given the year a document was issued, the code in force then
(`code_issued`: 29140 for a 2023 document naming 광주 서구, today 12240).

A bare name shared by several governments ('북구', '중구', '고성군') resolves
only with a `context` (a 시도 or 시군구 name or code). A year `as_of` means 1
July of that year. An 일반구 ('부천시 원미구') is not a planning body:
`planning_body` maps it to its 시 (first four digits + 0, see
../shared/data/README.md). Short names of 시도 and dated code changes live in
`rules/regions.toml`; `tools/build_regions.py` writes the CSV from them and
the ministry's table.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

from normalizers import rules

_SEP = "\x00"
_SEP_RE = r"[ \t]{0,2}"


@dataclass(frozen=True)
class Region:
    """A resolved government: today's code and official name, the code when issued, the name as printed."""

    code_today: str
    code_issued: str | None
    official_name_today: str
    name_printed: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class RegionSpan:
    """A region name printed in text: `text[start:end]`."""

    start: int
    end: int
    text: str
    region: Region


@dataclass(frozen=True)
class _Entry:
    """One row of `rules/regions.csv`; `code_today` is None when no successor is known."""

    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    status: str
    successor: str | None
    code_today: str | None
    valid_from: date | None
    valid_to: date | None
    note: str


def _row(raw: dict[str, str]) -> _Entry:
    day = lambda v: date.fromisoformat(v) if v else None  # noqa: E731
    return _Entry(raw["code"], raw["name"], raw["short_name"], raw["level"], raw["parent_code"] or None,
                        raw["status"], raw["successor"] or None, raw["code_today"] or None,
                        day(raw["valid_from"]), day(raw["valid_to"]), raw["note"])


@cache
def _rows() -> dict[str, _Entry]:
    with rules.REGIONS_CSV.open(encoding="utf-8", newline="") as f:
        return {r["code"]: _row(r) for r in csv.DictReader(f)}


REGION_COLUMNS = ("code", "name", "short_name", "level", "parent_code")


def gazetteer_rows() -> list[dict[str, str | None]]:
    """Rows of the `regions` table (PLAN_SCHEMA columns) for every code in force today.

    Levels are 'sido', 'sigungu' and 'gu' (일반구, parent_code = its 시).
    Abolished codes are not rows: documents store today's codes.
    """
    return [{c: getattr(e, c) for c in REGION_COLUMNS} for e in _rows().values() if e.status == "존재"]


def code_history_rows() -> list[dict[str, str | None]]:
    """Every code ever in the gazetteer, abolished ones included, with the code that replaced it.

    Rows of the `region_codes` table: code, name, level, status (존재/폐지),
    code_today (None when no successor is known), valid_from, valid_to.
    """
    return [{"code": e.code, "name": e.name, "level": e.level, "status": e.status, "code_today": e.code_today,
             "valid_from": e.valid_from.isoformat() if e.valid_from else None,
             "valid_to": e.valid_to.isoformat() if e.valid_to else None} for e in _rows().values()]


def _compact(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", name))


# --- aliases ------------------------------------------------------------------------------

def _sido_forms(code: str) -> list[str]:
    """Names a 시도 is printed as: official name, then short names ('부산광역시', '부산', '부산시')."""
    official = [_rows()[code].name] if code in _rows() else []
    extra = [a for s in rules.regions().sido if s.code == code for a in s.aliases]
    return official + extra


def _alias_parts(row: _Entry) -> list[tuple[str, ...]]:
    """Every printed form of `row` as name parts (spaces between parts are optional)."""
    tokens = row.name.split(" ")
    extra: list[tuple[str, ...]] = [(a,) for s in rules.regions().alias if s.code == row.code for a in s.aliases]
    if row.level == "sido":
        return [(row.name,)] + [(a,) for a in _sido_forms(row.code)[1:]] + extra
    if len(tokens) == 1:
        return [(row.name,)] + extra
    forms, rest = _sido_forms(row.code[:2]) or [tokens[0]], tuple(tokens[1:])
    parts = [(f, *rest) for f in forms] + [rest, rest[-1:]]
    if len(rest) == 1 and rest[0][-1] in "시군" and len(rest[0]) >= 3:
        parts += [(f, rest[0][:-1]) for f in forms]
    return parts + extra


@cache
def _index() -> tuple[dict[str, frozenset[str]], frozenset[str], str]:
    """(compact alias -> row codes, short bare 시도 aliases, trie regex source)."""
    index: dict[str, set[str]] = defaultdict(set)
    keys: set[tuple[str, ...]] = set()
    alone = {(w,) for w in rules.regions().ambiguous_alone.words}
    for row in _rows().values():
        if row.code_today:
            for parts in set(_alias_parts(row)) - alone:
                index["".join(parts)].add(row.code)
                keys.add(parts)
    short = frozenset(a for s in rules.regions().sido for a in s.aliases if len(a) <= 2)
    return {k: frozenset(v) for k, v in index.items()}, short, _trie_regex(keys)


def _trie_regex(keys: set[tuple[str, ...]]) -> str:
    """One regex matching every alias, longest first, with optional spaces between parts."""
    trie: dict = {}
    for parts in keys:
        node = trie
        for ch in _SEP.join(parts):
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: dict) -> str:
    alts = [(_SEP_RE if ch == _SEP else re.escape(ch)) + _node_regex(child)
            for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in node else body


@cache
def _regex() -> re.Pattern:
    return re.compile(_index()[2])


# --- resolving -----------------------------------------------------------------------------

def _reference_date(as_of: int | date | None) -> date | None:
    return date(as_of, 7, 1) if isinstance(as_of, int) else as_of


def _chain(code: str) -> list[str]:
    """`code` and its successors up to today's code."""
    out = [code]
    while (nxt := _rows()[out[-1]].successor) and nxt not in out:
        out.append(nxt)
    return out


def _in_force(row: _Entry, day: date) -> bool:
    started = row.valid_from is None or row.valid_from <= day
    return started and (row.valid_to > day if row.valid_to else row.status == "존재")


def _issued(codes: frozenset[str], code_today: str, day: date | None) -> str | None:
    """The code in force on `day` among the matched rows and their successors (latest start wins)."""
    if day is None:
        return None
    chain = {c for code in codes for c in _chain(code)}
    live = [_rows()[c] for c in chain if _in_force(_rows()[c], day)]
    if not live:
        return code_today
    return max(live, key=lambda r: (r.valid_from or date.min, r.code)).code


def _context_sido(context: str | None) -> str | None:
    """Today's 2-digit 시도 of a context given as a code or a name."""
    if not context:
        return None
    if context.isdigit():
        row = _rows().get(context)
        return (row.code_today or context)[:2] if row else context[:2]
    region = resolve(context)
    return region.code_today[:2] if region else None


def _region(codes: frozenset[str], printed: str, as_of: int | date | None, context: str | None) -> Region | None:
    """A Region when the matched rows lead to one code today (after the context filter)."""
    rows = _rows()
    today = {t for c in codes if (t := rows[c].code_today)}
    sido = _context_sido(context)
    if len(today) > 1 and sido:
        today = {t for t in today if t[:2] == sido}
    if len(today) != 1:
        return None
    code = today.pop()
    matched = frozenset(c for c in codes if rows[c].code_today == code)
    row = rows[code]
    return Region(code, _issued(matched, code, _reference_date(as_of)), row.name, printed, row.level,
                  row.parent_code)


def resolve(name: str, as_of: int | date | None = None, context: str | None = None) -> Region | None:
    """One printed region name to a Region, or None when unknown or ambiguous.

    `as_of` (a year or date) sets `code_issued`; `context` (a 시도 or 시군구
    name or code) settles bare names such as '북구'.
    """
    codes = _index()[0].get(_compact(name))
    return _region(codes, name.strip(), as_of, context) if codes else None


def planning_body(region: Region) -> Region:
    """The government that makes plans for `region`: an 일반구's 시 (41192 원미구 -> 41190 부천시), else itself."""
    if region.level != "gu":
        return region
    parent = _rows()[region.code_today[:4] + "0"]
    issued = region.code_issued[:4] + "0" if region.code_issued else None
    return Region(parent.code, issued, parent.name, region.name_printed, parent.level, parent.parent_code)


# --- finding in text ---------------------------------------------------------------------------

def _accepted(text: str, match: re.Match) -> bool:
    """Not inside a word; a short 시도 name alone must end at a non-Hangul char or allowed ending."""
    if match.start() and "가" <= text[match.start() - 1] <= "힣":
        return False
    if match.group() not in _index()[1]:
        return True
    rest = text[match.end():match.end() + 2]
    followers = rules.regions().short_sido_followers.endings
    return not rest or not "가" <= rest[0] <= "힣" or rest.startswith(followers)


def find_regions(text: str, as_of: int | date | None = None, context: str | None = None) -> list[RegionSpan]:
    """Every region name in `text`, leftmost-longest and without overlaps; unresolvable names are skipped."""
    index, out, pos = _index()[0], [], 0
    while (match := _regex().search(text, pos)) is not None:
        if not match.group() or not _accepted(text, match):
            pos = match.start() + 1
            continue
        region = _region(index[_compact(match.group())], match.group(), as_of, context)
        if region:
            out.append(RegionSpan(match.start(), match.end(), match.group(), region))
        pos = match.end()
    return out
