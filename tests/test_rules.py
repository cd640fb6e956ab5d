"""Every rule entry of normalizers/rules/*.toml: its `example` gives its `expected` value (one test).

`EVALUATE` says, for each kind of entry (`file.table`), what its example
gives when run through the code that uses the rule; `test_rule_example`
compares that with the entry's `expected`. A new table in a rule file needs
a line here, or `test_every_rule_table_is_evaluated` fails.

Examples are our own text: each is found (whitespace ignored, NFC) in the
extracted text of a sample in samples/ or in its file's `test_strings`, and
none is text of ../shared/seeds.
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

import pytest
from conftest import sample_files, shared_path

from extractors import extract
from extractors.document import Heading, Table
from normalizers import rules
from normalizers.departments import is_department, split_department
from normalizers.meta import doc_type_of, is_date_line, issued_year_of, plan_term_of
from normalizers.money import (
    find_counts,
    find_money,
    find_percents,
    is_no_budget,
    parse_krw,
    parse_number,
    unit_from_text,
)
from normalizers.regions import find_regions, resolve
from normalizers.sections import is_title_like, kind_of, split_marker
from normalizers.tables.cards import key_of
from normalizers.tables.columns import class_category, is_total, path_to_role, priority_of
from normalizers.tables.forms import cell_to_form_cell
from normalizers.tables.hierarchy import formula_parts, line_marker, part_marker
from normalizers.tables.rows import SubgroupRow, SystemRow, sixth_term_row, strip_priority_mark, system_strategy
from normalizers.tables.template import term_baselines
from normalizers.tables.values import is_no_value, is_non_budget_mark
from normalizers.text import search_form
from normalizers.textfacts.executions import (
    case_starts,
    clean_title,
    find_execution_blocks,
    header_roles,
    is_anchor,
    part_line,
    rate_agrees,
    title_line,
)
from normalizers.textfacts.tags import department_in, find_departments, program_tags
from normalizers.years import find_dates, parse_period, two_digit_year, year_header


def _marker(e: Any) -> Any:
    split = split_marker(e.example, marked_up=e.role == "marked")
    return split.number or "" if split is not None and split.marker == e.name else f"shadowed by {split}"


def _groups(e: Any, *names: str) -> list[str]:
    m = e.pattern.search(e.example)
    return [(m.group(n) or "").strip() for n in names] if m else []


def _execution(e: Any) -> Any:
    (block,) = find_execution_blocks(rules.executions().header_parts.example + "\n" + e.example)
    return block


def _rate(e: Any) -> bool:
    block = _execution(e)
    budget, executed = parse_krw(block.budget_text), parse_krw(block.executed_text)
    assert budget and executed is not None
    return rate_agrees(block.rate_text, parse_number(block.rate_text) or 0.0, executed / budget * 100)


def _date(e: Any) -> list[int]:
    match = e.pattern.search(e.example)
    span = next(d for d in find_dates(e.example) if match and d.start == match.start())
    return [span.year or 0, span.month or 0, span.day or 0] if span.kind == e.kind else []


def _region(e: Any) -> Any:
    region = resolve(e.example, e.as_of)
    if region is None or (e.issued and region.code_issued != e.issued):
        return None
    return region.code_today


def _case_anchor(e: Any) -> bool:
    return is_anchor(e.example) and case_starts(["우수한 사례 제목", e.example]) == [(0, "우수한 사례 제목")]


def _case_skip(e: Any) -> bool:
    return bool(e.pattern.match(e.example)) and case_starts(["진짜 제목", e.example, "사업 목적"]) == [(1, "진짜 제목")]


def _region_list(e: Any) -> int:
    spans = find_regions(e.example)
    gaps = [e.example[a.end:b.start] for a, b in itertools.pairwise(spans)]
    assert all(e.separators.match(g) for g in gaps) and len(spans) >= e.min_regions
    return len(spans)


def _system_strategy(e: Any) -> list[Any]:
    row = system_strategy(e.example)
    return [row.number, row.title] if row is not None and row.system == e.system else []


def _sixth_row(e: Any, kind: type) -> Any:
    row = sixth_term_row(e.example)
    if isinstance(row, SystemRow) and kind is SystemRow:
        return row.system
    return [row.number, row.name] if isinstance(row, SubgroupRow) and kind is SubgroupRow else None


def _heading(e: Any) -> str | None:
    m = e.pattern.search(e.example)
    return m.group("inner") if m and system_strategy(m.group("inner")) is not None else None


def _card_fund(e: Any) -> list[str]:
    cell = cell_to_form_cell(e.example, 0)
    return [cell.source or "", cell.fund_name or ""] if cell.key == "fund" else []


def _magnitudes(e: Any) -> int | None:
    return parse_krw(e.example)


EVALUATE: dict[str, Callable[[Any], Any]] = {
    "fragments.fragment": lambda e: bool(rules._compile(e.pattern, e.name).fullmatch(e.example)),
    # units.toml
    "units.money_unit": lambda e: find_money(e.example)[0].amount_krw if parse_krw(f"1{e.unit}") == e.multiplier
    and find_money(e.example)[0].unit == e.unit else None,
    "units.compound": lambda e: next((q.amount_krw for q in find_money(e.example) if q.amount_krw == e.expected),
                                     [q.amount_krw for q in find_money(e.example)]),
    "units.bare_money": lambda e: next(q.amount_krw for q in find_money(e.example)),
    "units.money_not_followed_by": lambda e: [q.amount_krw for q in find_money(e.example)],
    "units.sign": lambda e: parse_number(e.example),
    "units.no_budget": lambda e: is_no_budget(e.example) and parse_krw(e.example, "백만원") is None,
    "units.unit_line": lambda e: unit_from_text(e.example) if e.pattern.search(e.example) else None,
    "units.count_unit": lambda e: find_counts(e.example)[0].value if find_counts(e.example)[0].unit == e.unit else None,
    "units.counts": lambda e: [q.value for q in find_counts(e.example)],
    "units.percent_unit": lambda e: find_percents(e.example)[0].value,
    "units.fund_source": lambda e: e.name if e.name in {q.fund_source for q in find_money(e.example)} else None,
    "units.magnitudes": _magnitudes,
    "units.currency": lambda e: next(([q.currency, q.currency_amount] for q in find_money(e.example)
                                      if q.currency == e.code), None),
    # years.toml
    "years.two_digit": lambda e: year_header(e.example)[0] if two_digit_year(e.pivot - 1) == 2000 + e.pivot - 1
    and two_digit_year(e.pivot) == 1900 + e.pivot else None,
    "years.baseline": lambda e: year_header(e.example)[0] if year_header(e.example)[1] else None,
    "years.year_header": lambda e: list(year_header(e.example) or ()) if e.pattern.match(e.example) else [],
    "years.period_limits": lambda e: list(parse_period(e.example) or ()),
    "years.period": lambda e: list(parse_period(e.example) or ()) if e.pattern.search(e.example) else [],
    "years.date": _date,
    "years.weekdays": lambda e: e.names.index(find_dates(e.example)[0].weekday),
    # headings.toml
    "headings.title": lambda e: is_title_like(e.example),
    "headings.toc_title": lambda e: bool(e.pattern.match(e.example)),
    "headings.marker": _marker,
    "headings.kind": lambda e: kind_of(e.example),
    # columns.toml
    "columns.role": lambda e: path_to_role(e.example.split(" / "), None).role,
    "columns.total": lambda e: is_total(e.example),
    "columns.strategy": lambda e: _groups(e, "num", "title"),
    "columns.numbered": lambda e: _groups(e, "num", "title"),
    "columns.program": lambda e: [(_groups(e, "code", "name") or ["", ""])[0],
                                  (_groups(e, "code", "name") or ["", ""])[1]],
    "columns.program_prefix": lambda e: bool(e.pattern.match(e.example)),
    "columns.priority": lambda e: priority_of(e.example),
    "columns.card": lambda e: bool(e.indicator_name.search(e.example)),
    "columns.card_key": lambda e: key_of(e.example),
    "columns.subtotal_formula": lambda e: sorted(formula_parts(e.example)),
    "columns.part_marker": lambda e: part_marker(e.example),
    "columns.line_marker": lambda e: line_marker(e.example),
    # doc_types.toml
    "doc_types.type": lambda e: doc_type_of(e.example, ""),
    "doc_types.terms": lambda e: plan_term_of(e.example),
    "doc_types.issued": lambda e: issued_year_of([e.example]),
    "doc_types.notice_number": lambda e: issued_year_of([e.example]),
    "doc_types.date_line": lambda e: issued_year_of([e.example]) if is_date_line(e.example) else None,
    "doc_types.release_date": lambda e: bool(rules.doc_types().release_date.pattern.match(e.example)),
    # departments.toml
    "departments.names": lambda e: is_department(e.example),
    "departments.recognise": lambda e: is_department(e.example),
    "departments.split": lambda e: [split_department(e.example)[0], split_department(e.example)[1] or ""],
    # cases.toml
    "cases.part": lambda e: (part_line(e.example).region_text or "") if part_line(e.example).kind == e.kind else None,
    "cases.title": lambda e: title_line(e.example),
    "cases.anchor": _case_anchor,
    "cases.skip": _case_skip,
    "cases.title_cleanup": lambda e: clean_title(e.example),
    "cases.region_list": _region_list,
    # executions.toml
    "executions.column": lambda e: next(iter(header_roles([e.example])), None),
    "executions.header_parts": lambda e: find_execution_blocks(e.example + "\n95 95 100%")[0].year,
    "executions.values": lambda e: [parse_krw(_execution(e).budget_text), parse_krw(_execution(e).executed_text),
                                    parse_number(_execution(e).rate_text)],
    "executions.rate_check": _rate,
    # tags.toml and orgs.toml
    "tags.domain": lambda e: e.name if e.name in program_tags(e.example)[0] else None,
    "tags.target": lambda e: e.name if e.name in program_tags(e.example)[1] else None,
    "orgs.text_suffixes": lambda e: next((o.name for o in find_departments(e.example) if o.name == e.expected), None),
    "orgs.trailing": lambda e: department_in(e.example),
    "orgs.and_particle": lambda e: [o.name for o in find_departments(e.example)],
    # sixth_term.toml
    "sixth_term.system_header": lambda e: _sixth_row(e, SystemRow),
    "sixth_term.strategy": _system_strategy,
    "sixth_term.heading": _heading,
    "sixth_term.subgroup": lambda e: _sixth_row(e, SubgroupRow),
    "sixth_term.priority_mark": lambda e: strip_priority_mark(e.example)[0],
    "sixth_term.term": lambda e: sorted(term_baselines([y for t in re.findall(r"[‘’']\d{2}년", e.example)
                                                        if (y := (year_header(t) or (0,))[0])])),
    "sixth_term.no_value": lambda e: is_no_value(e.example),
    "sixth_term.non_budget": lambda e: is_non_budget_mark(e.example),
    "sixth_term.skip_table": lambda e: bool(e.pattern.fullmatch(e.example)),
    "sixth_term.classification": lambda e: class_category(e.example),
    "sixth_term.card_fund": _card_fund,
    "sixth_term.card_label": lambda e: cell_to_form_cell(e.example, 0).key,
    # regions.toml
    "regions.sido": _region,
    "regions.alias": _region,
    "regions.sido_change": _region,
    "regions.code_change": _region,
    "regions.ambiguous_alone": lambda e: [s.text for s in find_regions(e.example) if s.text in e.words]
    + [w for w in e.words if resolve(w) is not None],
    "regions.short_sido_followers": lambda e: find_regions(e.example)[0].region.code_today,
    # search.toml
    "search.same": lambda e: search_form(e.example),
    "search.numbered": lambda e: search_form(e.example),
    "search.drop": lambda e: search_form(e.example),
    "search.letter_spacing": lambda e: search_form(e.example),
}


def rule_entries() -> list[tuple[str, Any]]:
    """(`file.table #n`, entry) for every entry of every rule file."""
    out = []
    for name, load in rules.ALL.items():
        loaded = load()
        for f in fields(loaded):
            value = getattr(loaded, f.name)
            entries = value if isinstance(value, tuple) else (value,)
            out += [(f"{name}.{f.name} #{i + 1}", e) for i, e in enumerate(entries) if is_dataclass(e)]
    return out


ENTRIES = rule_entries()


@pytest.mark.parametrize("key,entry", ENTRIES, ids=[k for k, _ in ENTRIES])
def test_rule_example(key, entry):
    evaluate = EVALUATE[key.split(" #")[0]]
    expected = list(entry.expected) if isinstance(entry.expected, tuple) else entry.expected
    assert evaluate(entry) == expected, f"{key}: example {entry.example!r}"


def test_every_rule_table_is_evaluated():
    assert {k.split(" #")[0] for k, _ in ENTRIES} == set(EVALUATE)


def test_negative_examples():
    """What rules must not match (kept here, not as rule entries: they are not sample text)."""
    assert find_money("제43조에 따라") == []
    assert parse_period("2019~2035") is None
    assert find_regions("경기침체와 부산물") == []
    assert plan_term_of("민선 8기 공약사업과 연계한 돌봄 정책") is None
    assert plan_term_of("제2기 사회보장 특별지원구역 6개 시군구 선정") is None


# --- examples are our own text --------------------------------------------------------------------

def _norm(text: str) -> str:
    """NFC text without whitespace: how examples are looked up."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _labels(example: str) -> list[str]:
    """The pieces of an example to look up: each label of a header path ('목표수준 / 2023'), else the whole."""
    return [label for label in example.split(" / ") if label.strip()] or [example]


def _test_strings(key: str) -> tuple[str, ...]:
    """The `test_strings` of the rule file an entry key (`file.table #n`) belongs to."""
    return rules.ALL[key.split(".")[0]]().test_strings


@pytest.fixture(scope="module")
def sample_text() -> str:
    """Every sample extracted once: headings, paragraphs, list items, table cells and rows (cells joined)."""
    pieces: list[str] = []
    for path in sample_files():
        for block in extract(path).blocks:
            if isinstance(block, Table):
                pieces += [c.text for c in block.cells] + ["".join(row) for row in block.rows_text()]
            else:
                pieces.append(block.title if isinstance(block, Heading) else block.text)
    return "\n".join(_norm(p) for p in pieces)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return "\n".join(_norm(p.read_text(encoding="utf-8")) for p in sorted(shared_path("seeds").glob("*.txt")))


def test_rule_examples_are_sample_text_or_test_strings(sample_text):
    missing = [f"{key}: {entry.example!r}" for key, entry in ENTRIES
               if not all(_norm(label) in sample_text or any(_norm(label) in _norm(s) for s in _test_strings(key))
                          for label in _labels(entry.example))]
    assert not missing, ("rule examples found neither in the extracted text of samples/ nor in their file's "
                         "test_strings (use a sample's text, or write a sample or test string):\n" + "\n".join(missing))


def test_every_test_string_hosts_an_example():
    idle = [f"{name}.toml: {s!r}" for name, load in rules.ALL.items() for s in load().test_strings
            if not any(all(_norm(label) in _norm(s) for label in _labels(e.example))
                       for key, e in ENTRIES if key.startswith(f"{name}.") and _norm(e.example))]
    assert not idle, "test strings that host no example of their file:\n" + "\n".join(idle)


SEED_WINDOW = 8
"""A test string may share no run of this many characters (whitespace ignored) with a seed,
unless our samples print that run too (a generic term such as '지역사회보장계획')."""


def _seed_run(text: str, seed_text: str, sample_text: str) -> str | None:
    """The first run of SEED_WINDOW characters of `text` (all of it, when shorter) only the seeds contain."""
    t = _norm(text)
    runs = (t[i:i + SEED_WINDOW] for i in range(max(1, len(t) - SEED_WINDOW + 1)))
    return next((run for run in runs if run in seed_text and run not in sample_text), None)


def test_no_example_or_test_string_is_seed_text(sample_text, seed_text):
    """Examples may share short generic words with the seeds only when our samples print them too."""
    found = [f"{key}: example {entry.example!r}" for key, entry in ENTRIES
             if any(_norm(label) in seed_text and _norm(label) not in sample_text for label in _labels(entry.example))]
    found += [f"{name}.toml test_strings: {s!r} shares {run!r}" for name, load in rules.ALL.items()
              for s in load().test_strings if (run := _seed_run(s, seed_text, sample_text))]
    assert not found, "seed text (../shared/seeds) in rule files; write our own:\n" + "\n".join(found)


# --- loading and validation ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(rules.ALL))
def test_rule_file_loads_once(name):
    assert rules.ALL[name]() is rules.ALL[name]()  # loaded once, cached


def test_unknown_key_is_an_error_naming_the_allowed_keys():
    with pytest.raises(rules.RuleError, match=r"unknown key\(s\) \['keyword'\]; allowed"):
        rules._build(rules.Tag, {"name": "x", "keyword": ["a"], "example": "a", "expected": "x"},
                     "tags.toml [[domain]] #1")


def test_missing_example_or_expected_is_an_error():
    with pytest.raises(rules.RuleError, match="needs an `example`"):
        rules._build(rules.Tag, {"name": "x", "keywords": ["a"], "expected": "x"}, "tags.toml [[domain]] #1")
    with pytest.raises(rules.RuleError, match="needs the `expected`"):
        rules._build(rules.Tag, {"name": "x", "keywords": ["a"], "example": "a"}, "tags.toml [[domain]] #1")


def test_bad_regex_and_unknown_fragment_are_errors():
    with pytest.raises(rules.RuleError, match="bad regex"):
        rules._build(rules.PatternRule, {"pattern": "(", "example": "x", "expected": True}, "cases.toml [[anchor]] #1")
    with pytest.raises(rules.RuleError, match=r"unknown fragment \{\{nope\}\}"):
        rules._build(rules.PatternRule, {"pattern": "{{nope}}", "example": "x", "expected": True}, "x.toml [a]")


def test_fragments_are_expanded_where_used():
    money = next(f.pattern for f in rules.fragments().fragment if f.name == "money_unit")
    assert money in rules.units().unit_line[0].pattern.pattern
    assert money in rules.executions().values.amount


def test_test_strings_must_be_a_list_of_strings():
    assert rules._test_strings(["인천 중구"], "regions.toml") == ("인천 중구",)
    for bad in ("인천 중구", ["인천 중구", 3], [" "]):
        with pytest.raises(rules.RuleError, match=r"regions.toml: `test_strings` must be an array"):
            rules._test_strings(bad, "regions.toml")
