"""Rule files under `normalizers/rules/`, loaded once, validated and typed.

Each `*.toml` file becomes one frozen dataclass of frozen rule entries
(lists become tuples or frozensets, regexes are compiled, dates parsed).
Every entry carries an `example` string and the `expected` value its rule
gives for it; unknown or missing keys are errors, so a typo in a rule file
fails at load time with the file, entry and allowed keys in the message.
`tests/test_rules.py` checks every example against its own rule in one test,
and that every example is text of our own samples (`samples/`) or of the
file's own `test_strings`: a top-level array of sentences we wrote for
examples no sample document can hold (abolished names, negative cases).
No example and no test string may be text of `../shared/seeds`.

Patterns may name a fragment of `fragments.toml` as `{{name}}` (the money
unit, the total-row words, the program-code prefix), so each is written once.
Fields typed `SpacedPattern` match with a space allowed between any two
Hangul letters (narrow PDF and HWP cells break words anywhere).

`regions.csv` is data, not rules: `normalizers/regions.py` reads it.
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


SpacedPattern = re.Pattern
"""A compiled label pattern in which a space may fall between any two Hangul letters."""


def spaced(pattern: str) -> re.Pattern:
    """Compile a label pattern so that a space may fall between any two Hangul letters.

    Narrow PDF and HWP cells break words anywhere ("성과지 표", "추진전 략 5"),
    so '성과지표' in a rule also matches '성과지 표'.
    """
    return re.compile(re.sub(r"([가-힣])(?=[가-힣])", r"\1\\s*", pattern))


# --- fragments.toml ------------------------------------------------------------------

@dataclass(frozen=True)
class Fragment:
    name: str
    pattern: str
    example: str
    expected: Any


@dataclass(frozen=True)
class FragmentFile:
    fragment: tuple[Fragment, ...]
    test_strings: tuple[str, ...] = ()


# --- headings.toml -------------------------------------------------------------------

@dataclass(frozen=True)
class TitleRules:
    """When a numbered line is a heading: a short title that is no sentence and no contents line."""

    max_chars: int
    sentence_endings: tuple[re.Pattern, ...]
    toc_pattern: re.Pattern
    example: str
    expected: Any


@dataclass(frozen=True)
class HeadingMarker:
    name: str
    pattern: re.Pattern
    role: str
    example: str
    expected: Any


@dataclass(frozen=True)
class HeadingKind:
    kind: str
    pattern: re.Pattern
    example: str
    expected: Any


@dataclass(frozen=True)
class Headings:
    title: TitleRules
    toc_title: PlainRule
    marker: tuple[HeadingMarker, ...]
    kind: tuple[HeadingKind, ...]
    test_strings: tuple[str, ...] = ()


# --- columns.toml --------------------------------------------------------------------

@dataclass(frozen=True)
class ColumnRoleRule:
    role: str
    pattern: SpacedPattern
    example: str
    expected: Any


@dataclass(frozen=True)
class SpacedRule:
    pattern: SpacedPattern
    example: str
    expected: Any


@dataclass(frozen=True)
class PlainRule:
    pattern: re.Pattern
    example: str
    expected: Any


@dataclass(frozen=True)
class Priority:
    yes: frozenset[str]
    no: frozenset[str]
    example: str
    expected: Any


@dataclass(frozen=True)
class CardSettings:
    min_keys: int
    indicator_name: re.Pattern
    unit: re.Pattern
    example: str
    expected: Any


@dataclass(frozen=True)
class CardKey:
    key: str
    pattern: re.Pattern
    example: str
    expected: Any


@dataclass(frozen=True)
class Columns:
    role: tuple[ColumnRoleRule, ...]
    total: SpacedRule
    strategy: SpacedRule
    numbered: PlainRule
    program: SpacedRule
    program_prefix: SpacedRule
    priority: Priority
    card: CardSettings
    card_key: tuple[CardKey, ...]
    subtotal_formula: PlainRule
    part_marker: PlainRule
    line_marker: PlainRule
    test_strings: tuple[str, ...] = ()


# --- doc_types.toml ------------------------------------------------------------------

@dataclass(frozen=True)
class DocType:
    doc_type: str
    title: re.Pattern
    example: str
    expected: Any
    body: re.Pattern | None = None


@dataclass(frozen=True)
class Terms:
    pattern: re.Pattern
    periods: dict[int, tuple[int, int]]
    example: str
    expected: Any


@dataclass(frozen=True)
class DocTypes:
    type: tuple[DocType, ...]
    terms: Terms
    issued: PlainRule
    notice_number: PlainRule
    date_line: PlainRule
    release_date: PlainRule
    test_strings: tuple[str, ...] = ()


# --- search.toml -----------------------------------------------------------------------

@dataclass(frozen=True)
class SearchSame:
    """Characters printed for one another: each of `chars` is searched as `into`."""

    name: str
    chars: str
    into: str
    example: str
    expected: Any


@dataclass(frozen=True)
class SearchNumbered:
    """`count` private-use code points from `first` searched as as many characters from `first_as`."""

    name: str
    first: int
    count: int
    first_as: str
    example: str
    expected: Any


@dataclass(frozen=True)
class SearchDrop:
    """Code points `first`..`last` searched as a space (bullets, boxes)."""

    name: str
    first: int
    last: int
    example: str
    expected: Any


@dataclass(frozen=True)
class LetterSpacing:
    """Runs of at least `min_letters` single syllables separated by single spaces, searched unspaced."""

    min_letters: int
    example: str
    expected: Any


@dataclass(frozen=True)
class Search:
    same: tuple[SearchSame, ...]
    numbered: tuple[SearchNumbered, ...]
    drop: tuple[SearchDrop, ...]
    letter_spacing: LetterSpacing
    test_strings: tuple[str, ...] = ()


# --- departments.toml ----------------------------------------------------------------

@dataclass(frozen=True)
class DepartmentNames:
    suffixes: tuple[str, ...]
    standalone: frozenset[str]
    not_departments: frozenset[str]
    example: str
    expected: Any


@dataclass(frozen=True)
class Departments:
    names: DepartmentNames
    recognise: tuple[Example, ...]
    split: tuple[Example, ...]
    test_strings: tuple[str, ...] = ()


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
    expected: Any


@dataclass(frozen=True)
class Magnitudes:
    small: tuple[tuple[str, int], ...]
    large: tuple[tuple[str, int], ...]
    example: str
    expected: Any


@dataclass(frozen=True)
class WordList:
    """A list of words with one example (and its expected value, if any)."""

    example: str
    expected: Any
    words: tuple[str, ...] = ()
    endings: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()


@dataclass(frozen=True)
class BareMoney:
    """When an amount without 원 ('1,017억') is money: its ending, the words around it."""

    endings: tuple[str, ...]
    not_after: tuple[str, ...]
    not_before: tuple[str, ...]
    context: tuple[str, ...]
    window: int
    example: str
    expected: Any


@dataclass(frozen=True)
class Currency:
    """A foreign currency: ISO `code`, words printed after an amount, signs printed before it."""

    code: str
    words: tuple[str, ...]
    example: str
    expected: Any
    signs: tuple[str, ...] = ()


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
    expected: Any


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
    expected: Any
    short_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Units:
    money_unit: tuple[MoneyUnit, ...]
    magnitudes: Magnitudes
    compound: tuple[Example, ...]
    bare_money: BareMoney
    money_not_followed_by: WordList
    sign: tuple[Sign, ...]
    no_budget: tuple[Marker, ...]
    unit_line: tuple[UnitLine, ...]
    count_unit: tuple[QuantityUnit, ...]
    counts: WordList
    percent_unit: tuple[QuantityUnit, ...]
    fund_source: tuple[FundSource, ...]
    currency: tuple[Currency, ...]
    test_strings: tuple[str, ...] = ()


# --- years.toml -------------------------------------------------------------------

@dataclass(frozen=True)
class Setting:
    """A single number setting with its example."""

    example: str
    expected: Any
    pivot: int = 0
    max_years: int = 0
    words: tuple[str, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class NamedPattern:
    name: str
    pattern: re.Pattern
    example: str
    expected: Any
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
    test_strings: tuple[str, ...] = ()


# --- cases.toml -------------------------------------------------------------------

@dataclass(frozen=True)
class PatternRule:
    pattern: re.Pattern
    example: str
    expected: Any
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
    test_strings: tuple[str, ...] = ()


# --- executions.toml ----------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """One execution column; `label` and `mark` are regex fragments."""

    role: str
    label: str
    mark: str
    example: str
    expected: Any


@dataclass(frozen=True)
class Fragments:
    """Regex fragments assembled by `normalizers/executions.py`."""

    example: str
    expected: Any
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
    test_strings: tuple[str, ...] = ()


# --- tags.toml and orgs.toml -----------------------------------------------------------

@dataclass(frozen=True)
class Tag:
    name: str
    keywords: tuple[str, ...]
    example: str
    expected: Any
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tags:
    domain: tuple[Tag, ...]
    target: tuple[Tag, ...]
    test_strings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AndParticle:
    word: str
    min_stem: int
    example: str
    expected: Any


@dataclass(frozen=True)
class Orgs:
    text_suffixes: WordList
    trailing: WordList
    and_particle: AndParticle
    test_strings: tuple[str, ...] = ()


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
    test_strings: tuple[str, ...] = ()


# --- loading -------------------------------------------------------------------------------

# --- sixth_term.toml ----------------------------------------------------------------

@dataclass(frozen=True)
class SystemStrategy:
    """A strategy label naming its system by its word (사회보장 전략 N -> I, 지역발전 전략 N -> II)."""

    system: str
    pattern: SpacedPattern
    example: str
    expected: Any


@dataclass(frozen=True)
class TermYears:
    term: int
    example: str
    expected: Any


@dataclass(frozen=True)
class Marks:
    marks: frozenset[str]
    example: str
    expected: Any


@dataclass(frozen=True)
class Classification:
    """One classification category: its header label and the template's labels of codes ①, ②, …."""

    category: str
    pattern: SpacedPattern
    labels: tuple[str, ...]
    example: str
    expected: Any


@dataclass(frozen=True)
class CardFund:
    source: str
    pattern: SpacedPattern
    example: str
    expected: Any
    placeholders: tuple[str, ...] = ()


@dataclass(frozen=True)
class CardLabel:
    key: str
    pattern: re.Pattern
    example: str
    expected: Any
    group: bool = False
    start: bool = False


@dataclass(frozen=True)
class SixthTerm:
    system_header: SpacedRule
    strategy: tuple[SystemStrategy, ...]
    heading: PlainRule
    subgroup: SpacedRule
    priority_mark: SpacedRule
    term: TermYears
    no_value: Marks
    non_budget: Marks
    skip_table: SpacedRule
    classification: tuple[Classification, ...]
    card_fund: tuple[CardFund, ...]
    card_label: tuple[CardLabel, ...]
    test_strings: tuple[str, ...] = ()


_FRAGMENT = re.compile(r"\{\{(\w+)\}\}")


def expand_fragments(text: str, where: str) -> str:
    """`{{name}}` replaced by the named pattern of fragments.toml (as a non-capturing group)."""
    if "{{" not in text:
        return text
    known = {f.name: f.pattern for f in fragments().fragment}

    def one(m: re.Match[str]) -> str:
        if m.group(1) not in known:
            raise RuleError(f"{where}: unknown fragment {{{{{m.group(1)}}}}}; known: {sorted(known)}")
        return f"(?:{known[m.group(1)]})"
    return _FRAGMENT.sub(one, text)


def _compile(value: Any, where: str, spaced_labels: bool = False) -> re.Pattern:
    if not isinstance(value, str):
        raise RuleError(f"{where}: expected a regex string, got {value!r}")
    text = expand_fragments(value, where)
    try:
        return spaced(text) if spaced_labels else re.compile(text)
    except re.error as exc:
        raise RuleError(f"{where}: bad regex {value!r}: {exc}") from None


def _convert(value: Any, type_text: str, where: str) -> Any:
    """A TOML value as the field's type: tuples/frozensets for lists, compiled regex, date, int-keyed dict."""
    if type_text == "SpacedPattern":
        return _compile(value, where, spaced_labels=True)
    if type_text.startswith("tuple[re.Pattern"):
        return tuple(_compile(v, f"{where}[{i}]") for i, v in enumerate(value))
    if "re.Pattern" in type_text:
        return _compile(value, where)
    if type_text == "date":
        try:
            return date.fromisoformat(value)
        except (ValueError, TypeError):
            raise RuleError(f"{where}: expected a YYYY-MM-DD date, got {value!r}") from None
    if type_text.startswith("frozenset["):
        return frozenset(value)
    if type_text.startswith("dict[int"):
        try:
            return {int(k): _convert(v, "", where) for k, v in value.items()}
        except (ValueError, AttributeError):
            raise RuleError(f"{where}: expected a table with integer keys, got {value!r}") from None
    if isinstance(value, dict):
        return tuple((k, _convert(v, "", where)) for k, v in value.items())
    if isinstance(value, list):
        return tuple(_convert(v, "", where) for v in value)
    if isinstance(value, str) and "{{" in value:
        return expand_fragments(value, where)
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
    if "expected" in known and "expected" not in raw:
        raise RuleError(f"{where}: every rule needs the `expected` value its example gives")
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


def _test_strings(raw: Any, where: str) -> tuple[str, ...]:
    """The file's `test_strings`: sentences we wrote to host examples no sample can (old names, negatives)."""
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise RuleError(f"{where}: `test_strings` must be an array of non-empty strings")
    return tuple(raw)


def _load(stem: str, cls: type) -> Any:
    """Load `rules/<stem>.toml` into `cls`, whose fields name the file's tables."""
    path = RULES_DIR / f"{stem}.toml"
    data = dict(read_toml(stem))
    kwargs: dict[str, Any] = {"test_strings": _test_strings(data.pop("test_strings", []), path.name)}
    for f in fields(cls):
        if f.name == "test_strings":
            continue
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
def fragment(name: str) -> re.Pattern[str]:
    """One named fragment of fragments.toml as a compiled pattern (for code that matches it alone)."""
    found = next((f.pattern for f in fragments().fragment if f.name == name), None)
    if found is None:
        raise RuleError(f"fragments.toml: no fragment named {name!r}")
    return re.compile(found)


@cache
def fragments() -> FragmentFile:
    """Named regex fragments (`{{money_unit}}`, `{{total_word}}`, `{{program_prefix}}`) other rules use."""
    return _load("fragments", FragmentFile)


@cache
def units() -> Units:
    """Money units, magnitudes, signs, no-budget markers, count/percent units, fund sources."""
    return _load("units", Units)


@cache
def years() -> Years:
    """Year headers, plan-period and date patterns, the two-digit-year pivot."""
    return _load("years", Years)


@cache
def headings() -> Headings:
    """Printed heading markers (Ⅰ. 1. 가. (1) ① □ …), when a line is a title, heading keys."""
    return _load("headings", Headings)


@cache
def columns() -> Columns:
    """Plan-table column roles, row labels (total, strategy, program code), priority marks, card keys."""
    return _load("columns", Columns)


@cache
def doc_types() -> DocTypes:
    """Document types from title words, 제N기 plan terms and their years, printed issue dates, date lines,
    press-release date labels."""
    return _load("doc_types", DocTypes)


@cache
def search() -> Search:
    """What full-text search sees in place of what is printed: glyphs, private-use bullets, letter spacing."""
    return _load("search", Search)


@cache
def departments() -> Departments:
    """What a department name ends with, units that stand alone, words that only look like one."""
    return _load("departments", Departments)


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
def sixth_term() -> SixthTerm:
    """The 6th-term template's row labels, card labels, classification codes and fund rows."""
    return _load("sixth_term", SixthTerm)


@cache
def regions() -> RegionRules:
    """시도 short names, extra aliases, dated code changes, short-name followers."""
    return _load("regions", RegionRules)


ALL = {"fragments": fragments, "units": units, "years": years, "headings": headings, "columns": columns,
       "doc_types": doc_types, "departments": departments, "cases": cases, "executions": executions,
       "tags": tags, "orgs": orgs, "regions": regions, "sixth_term": sixth_term, "search": search}
