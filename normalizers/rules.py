"""Rule files under `normalizers/rules/`, loaded once, validated and typed.

Each `*.toml` file becomes one frozen dataclass of frozen rule entries
(lists become tuples, regexes are compiled, dates parsed). Every entry must
carry an `example` string; unknown keys are errors, so a typo in a rule file
fails at load time with the file, entry and allowed keys in the message.
`tests/test_rules.py` then checks each example against its own rule.

`regions.csv` is data, not rules: `normalizers/regions.py` reads it.
`headings.toml`, `columns.toml`, `doc_types.toml` and `departments.toml`
are typed by the modules that use them (sections, columns and cards, meta,
departments), which read them through `read_toml` like everything here.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import MISSING, dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent / "rules"
REGIONS_CSV = RULES_DIR / "regions.csv"


class RuleError(ValueError):
    """A rule file is malformed: missing example, unknown key, bad regex."""


# --- units.toml -------------------------------------------------------------------

@dataclass(frozen=True)
class MoneyUnit:
    unit: str
    multiplier: int
    example: str
    expected: int


@dataclass(frozen=True)
class Example:
    """A rule that is only an example with its expected value (e.g. compound numerals)."""

    example: str
    expected: Any = None


@dataclass(frozen=True)
class Magnitudes:
    small: tuple[tuple[str, int], ...]
    large: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class WordList:
    """A list of words with one example (and its expected value, if any)."""

    example: str
    words: tuple[str, ...] = ()
    endings: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    expected: Any = None


@dataclass(frozen=True)
class Sign:
    marker: str
    factor: int
    example: str
    expected: float
    in_text: bool = True


@dataclass(frozen=True)
class Marker:
    marker: str
    example: str


@dataclass(frozen=True)
class UnitLine:
    name: str
    pattern: re.Pattern
    example: str
    expected: str


@dataclass(frozen=True)
class QuantityUnit:
    unit: str
    example: str
    expected: float
    not_followed_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class FundSource:
    name: str
    aliases: tuple[str, ...]
    example: str
    short_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Units:
    money_unit: tuple[MoneyUnit, ...]
    magnitudes: Magnitudes
    compound: tuple[Example, ...]
    bare_money: WordList
    money_not_followed_by: WordList
    sign: tuple[Sign, ...]
    no_budget: tuple[Marker, ...]
    unit_line: tuple[UnitLine, ...]
    count_unit: tuple[QuantityUnit, ...]
    counts: WordList
    percent_unit: tuple[QuantityUnit, ...]
    fund_source: tuple[FundSource, ...]


# --- years.toml -------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """A single number setting with its example."""

    example: str
    expected: Any = None
    pivot: int = 0
    max_years: int = 0
    words: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedPattern:
    name: str
    pattern: re.Pattern
    example: str
    expected: Any = None
    kind: str = ""


@dataclass(frozen=True)
class Years:
    two_digit: Setting
    baseline: Setting
    year_header: tuple[NamedPattern, ...]
    period_limits: Setting
    period: tuple[NamedPattern, ...]
    date: tuple[NamedPattern, ...]
    weekdays: Setting


# --- cases.toml -------------------------------------------------------------------

@dataclass(frozen=True)
class PatternRule:
    pattern: re.Pattern
    example: str
    expected: Any = None
    kind: str = ""


@dataclass(frozen=True)
class TitleCleanup:
    numbering: re.Pattern
    circled: re.Pattern
    example: str
    expected: str


@dataclass(frozen=True)
class RegionList:
    min_regions: int
    separators: re.Pattern
    example: str
    expected: int


@dataclass(frozen=True)
class Cases:
    part: tuple[PatternRule, ...]
    title: tuple[PatternRule, ...]
    anchor: tuple[PatternRule, ...]
    skip: tuple[PatternRule, ...]
    title_cleanup: TitleCleanup
    region_list: RegionList


# --- executions.toml ----------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One execution column; `label` and `mark` are regex fragments."""

    role: str
    label: str
    mark: str
    example: str


@dataclass(frozen=True)
class Fragments:
    """Regex fragments assembled by `normalizers/executions.py`."""

    example: str
    expected: Any = None
    year: str = ""
    unit: str = ""
    separator: str = ""
    amount: str = ""
    rate: str = ""
    tolerance: float = 0.0


@dataclass(frozen=True)
class ExecutionRules:
    column: tuple[Column, ...]
    header_parts: Fragments
    values: Fragments
    rate_check: Fragments
    totals: WordList


# --- tags.toml and orgs.toml -----------------------------------------------------------

@dataclass(frozen=True)
class Tag:
    name: str
    keywords: tuple[str, ...]
    example: str
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tags:
    domain: tuple[Tag, ...]
    target: tuple[Tag, ...]


@dataclass(frozen=True)
class AndParticle:
    word: str
    min_stem: int
    example: str


@dataclass(frozen=True)
class Orgs:
    text_suffixes: WordList
    trailing: WordList
    and_particle: AndParticle


# --- regions.toml ------------------------------------------------------------------------

@dataclass(frozen=True)
class RegionAlias:
    """Aliases of a 시도 (`sido`) or of one 시군구 (`alias`), with a resolving example."""

    code: str
    aliases: tuple[str, ...]
    example: str
    expected: str
    issued: str | None = None
    as_of: int | None = None


@dataclass(frozen=True)
class CodeChange:
    """Codes `old` (a 시도 prefix or a 5-digit code) replaced by `new` on `effective`."""

    old: str
    new: str
    effective: date
    example: str
    expected: str
    note: str = ""
    issued: str | None = None
    as_of: int | None = None


@dataclass(frozen=True)
class RegionRules:
    sido: tuple[RegionAlias, ...]
    alias: tuple[RegionAlias, ...]
    sido_change: tuple[CodeChange, ...]
    code_change: tuple[CodeChange, ...]
    ambiguous_alone: WordList
    short_sido_followers: WordList


# --- loading -------------------------------------------------------------------------------

def _convert(value: Any, type_text: str, where: str) -> Any:
    """A TOML value as the field's type: tuples for lists/tables, compiled regex, date."""
    if "re.Pattern" in type_text:
        try:
            return re.compile(value)
        except (re.error, TypeError) as exc:
            raise RuleError(f"{where}: bad regex {value!r}: {exc}") from None
    if type_text == "date":
        try:
            return date.fromisoformat(value)
        except (ValueError, TypeError):
            raise RuleError(f"{where}: expected a YYYY-MM-DD date, got {value!r}") from None
    if isinstance(value, dict):
        return tuple((k, _convert(v, "", where)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_convert(v, "", where) for v in value)
    return value


def _build(cls: type, raw: Any, where: str) -> Any:
    """One dataclass from one TOML table; unknown or missing keys and a missing example are errors."""
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: expected a table, got {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(known)}")
    if "example" in known and not isinstance(raw.get("example"), str):
        raise RuleError(f"{where}: every rule needs an `example` string")
    kwargs = {}
    for name, f in known.items():
        if name in raw:
            kwargs[name] = _convert(raw[name], str(f.type), f"{where}.{name}")
        elif f.default is MISSING:
            raise RuleError(f"{where}: missing key {name!r}")
    return cls(**kwargs)


def _element_type(type_text: str) -> str:
    """'tuple[MoneyUnit, ...]' -> 'MoneyUnit'; 'Magnitudes' -> 'Magnitudes'."""
    match = re.fullmatch(r"tuple\[(\w+), \.\.\.\]", type_text)
    return match.group(1) if match else type_text


@cache
def read_toml(stem: str) -> dict[str, Any]:
    """`rules/<stem>.toml` parsed, read once per process (callers must not modify it)."""
    path = RULES_DIR / f"{stem}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path.name}: {exc}") from None


def _load(stem: str, cls: type) -> Any:
    """Load `rules/<stem>.toml` into `cls`, whose fields name the file's tables."""
    path = RULES_DIR / f"{stem}.toml"
    data = dict(read_toml(stem))
    kwargs = {}
    for f in fields(cls):
        if f.name not in data:
            raise RuleError(f"{path.name}: missing table [{f.name}] (or [[{f.name}]])")
        element = globals()[_element_type(str(f.type))]
        raw = data.pop(f.name)
        if str(f.type).startswith("tuple["):
            if not isinstance(raw, list) or not raw:
                raise RuleError(f"{path.name}: [[{f.name}]] must be a non-empty array of tables")
            kwargs[f.name] = tuple(_build(element, r, f"{path.name} [[{f.name}]] #{i + 1}")
                                   for i, r in enumerate(raw))
        else:
            kwargs[f.name] = _build(element, raw, f"{path.name} [{f.name}]")
    if data:
        raise RuleError(f"{path.name}: unknown table(s) {sorted(data)}; allowed: {[f.name for f in fields(cls)]}")
    return cls(**kwargs)


@cache
def units() -> Units:
    """Money units, magnitudes, signs, no-budget markers, count/percent units, fund sources."""
    return _load("units", Units)


@cache
def years() -> Years:
    """Year headers, plan-period and date patterns, the two-digit-year pivot."""
    return _load("years", Years)


@cache
def cases() -> Cases:
    """Casebook structure: PART lines, case titles and anchors, lists of governments."""
    return _load("cases", Cases)


@cache
def executions() -> ExecutionRules:
    """Execution block header columns and value fragments, rate-check tolerance."""
    return _load("executions", ExecutionRules)


@cache
def tags() -> Tags:
    """Policy domains and target groups with their keywords."""
    return _load("tags", Tags)


@cache
def orgs() -> Orgs:
    """Departments in running text: suffixes, particles stripped after names, the 과 ('and') guard."""
    return _load("orgs", Orgs)


@cache
def regions() -> RegionRules:
    """시도 short names, extra aliases, dated code changes, short-name followers."""
    return _load("regions", RegionRules)


ALL = {"units": units, "years": years, "cases": cases, "executions": executions,
       "tags": tags, "orgs": orgs, "regions": regions}
