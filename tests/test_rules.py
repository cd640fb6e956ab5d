"""Every rule in normalizers/rules/*.toml (mine: not headings/columns/doc_types/departments) matches its own example."""
from __future__ import annotations

import itertools

import pytest

from extractors.document import table_from_rows
from normalizers import rules
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
from normalizers.textfacts.executions import (
    case_starts,
    clean_title,
    find_execution_blocks,
    header_roles,
    is_anchor,
    part_line,
    rate_agrees,
    table_to_execution_values,
    title_line,
)
from normalizers.textfacts.tags import department_in, find_departments, program_tags
from normalizers.years import find_dates, parse_period, two_digit_year, year_header


def ids(entries, attr="example"):
    return [str(getattr(e, attr)) for e in entries]


# --- loading and validation ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(rules.ALL))
def test_rule_file_loads(name):
    assert rules.ALL[name]() is rules.ALL[name]()  # loaded once, cached


def test_unknown_key_is_an_error_naming_the_allowed_keys():
    with pytest.raises(rules.RuleError, match=r"unknown key\(s\) \['keyword'\]; allowed"):
        rules._build(rules.Tag, {"name": "x", "keyword": ["a"], "example": "a"}, "tags.toml [[domain]] #1")


def test_missing_example_is_an_error():
    with pytest.raises(rules.RuleError, match="needs an `example`"):
        rules._build(rules.Tag, {"name": "x", "keywords": ["a"]}, "tags.toml [[domain]] #1")


def test_bad_regex_is_an_error():
    with pytest.raises(rules.RuleError, match="bad regex"):
        rules._build(rules.PatternRule, {"pattern": "(", "example": "x"}, "cases.toml [[anchor]] #1")


# --- units.toml -----------------------------------------------------------------------------------

U = rules.units()


@pytest.mark.parametrize("rule", U.money_unit, ids=ids(U.money_unit))
def test_money_unit(rule):
    first = find_money(rule.example)[0]
    assert (first.unit, first.amount_krw) == (rule.unit, rule.expected)
    assert parse_krw(f"1{rule.unit}") == rule.multiplier  # multiplier agrees with the magnitudes


@pytest.mark.parametrize("rule", U.compound, ids=ids(U.compound))
def test_compound(rule):
    assert rule.expected in [q.amount_krw for q in find_money(rule.example)]


def test_bare_money():
    assert [q.amount_krw for q in find_money(U.bare_money.example)] == [U.bare_money.expected]
    assert find_money("제43조에 따라") == []


def test_money_not_followed_by():
    assert find_money(U.money_not_followed_by.example) == []


@pytest.mark.parametrize("rule", U.sign, ids=ids(U.sign))
def test_sign(rule):
    assert parse_number(rule.example) == rule.expected


@pytest.mark.parametrize("rule", U.no_budget, ids=ids(U.no_budget))
def test_no_budget(rule):
    assert is_no_budget(rule.example)
    assert parse_krw(rule.example, "백만원") is None


@pytest.mark.parametrize("rule", U.unit_line, ids=ids(U.unit_line))
def test_unit_line(rule):
    assert rule.pattern.search(rule.example)
    assert unit_from_text(rule.example) == rule.expected


@pytest.mark.parametrize("rule", U.count_unit, ids=ids(U.count_unit))
def test_count_unit(rule):
    first = find_counts(rule.example)[0]
    assert (first.unit, first.value) == (rule.unit, rule.expected)


def test_counts_not_after():
    assert find_counts(U.counts.example) == []


@pytest.mark.parametrize("rule", U.percent_unit, ids=ids(U.percent_unit))
def test_percent_unit(rule):
    assert find_percents(rule.example)[0].value == rule.expected


@pytest.mark.parametrize("rule", U.fund_source, ids=ids(U.fund_source))
def test_fund_source(rule):
    assert rule.name in {q.fund_source for q in find_money(rule.example)}


# --- years.toml -----------------------------------------------------------------------------------

Y = rules.years()


def test_two_digit_pivot():
    assert year_header(Y.two_digit.example) == (Y.two_digit.expected, False)
    assert two_digit_year(Y.two_digit.pivot - 1) == 2000 + Y.two_digit.pivot - 1
    assert two_digit_year(Y.two_digit.pivot) == 1900 + Y.two_digit.pivot


def test_baseline():
    assert year_header(Y.baseline.example) == (Y.baseline.expected, True)


@pytest.mark.parametrize("rule", Y.year_header, ids=ids(Y.year_header, "name"))
def test_year_header(rule):
    assert rule.pattern.match(rule.example)
    assert year_header(rule.example) == tuple(rule.expected)


def test_period_limits():
    assert parse_period(Y.period_limits.example) == tuple(Y.period_limits.expected)
    assert parse_period("2019~2035") is None


@pytest.mark.parametrize("rule", Y.period, ids=ids(Y.period, "name"))
def test_period(rule):
    assert rule.pattern.search(rule.example)
    assert parse_period(rule.example) == tuple(rule.expected)


@pytest.mark.parametrize("rule", Y.date, ids=ids(Y.date, "name"))
def test_date(rule):
    match = rule.pattern.search(rule.example)
    assert match and match.group() == match.group().strip()
    span = next(d for d in find_dates(rule.example) if d.start == match.start())
    assert (span.year or 0, span.month or 0, span.day or 0) == rule.expected
    assert span.kind == rule.kind


def test_weekdays():
    (span,) = find_dates(Y.weekdays.example)
    assert Y.weekdays.names.index(span.weekday) == Y.weekdays.expected


# --- cases.toml and executions.toml --------------------------------------------------------------

C = rules.cases()
E = rules.executions()


@pytest.mark.parametrize("rule", C.part, ids=ids(C.part))
def test_part(rule):
    part = part_line(rule.example)
    assert part.kind == rule.kind and (part.region_text or "") == rule.expected


@pytest.mark.parametrize("rule", C.title, ids=ids(C.title))
def test_title(rule):
    assert title_line(rule.example) == rule.expected


@pytest.mark.parametrize("rule", C.anchor, ids=ids(C.anchor))
def test_anchor(rule):
    assert is_anchor(rule.example)
    assert case_starts(["우수한 사례 제목", rule.example]) == [(0, "우수한 사례 제목")]


@pytest.mark.parametrize("rule", C.skip, ids=ids(C.skip))
def test_skip(rule):
    assert rule.pattern.match(rule.example)
    assert case_starts(["진짜 제목", rule.example, "사업 목적"]) == [(1, "진짜 제목")]


def test_title_cleanup():
    assert clean_title(C.title_cleanup.example) == C.title_cleanup.expected


def test_region_list():
    spans = find_regions(C.region_list.example)
    gaps = [C.region_list.example[a.end:b.start] for a, b in itertools.pairwise(spans)]
    assert len(spans) == C.region_list.expected >= C.region_list.min_regions
    assert all(C.region_list.separators.match(g) for g in gaps)


@pytest.mark.parametrize("rule", E.column, ids=ids(E.column))
def test_column(rule):
    assert header_roles([rule.example]) == {rule.role: 0}


def test_header_parts():
    (block,) = find_execution_blocks(E.header_parts.example + "\n1 1 100%")
    assert block.year == E.header_parts.expected


def test_values():
    (block,) = find_execution_blocks(E.header_parts.example + "\n" + E.values.example)
    budget, executed, rate = E.values.expected
    assert (parse_krw(block.budget_text), parse_krw(block.executed_text), parse_number(block.rate_text)) == (
        budget, executed, rate)


def test_totals():
    table = table_from_rows([["구분", "예산(A)", "집행(B)", "집행률(B/A)"], ["가 사업", "10", "9", "90%"],
                             [E.totals.example, "10", "9", "90%"]])
    assert [v.item for v in table_to_execution_values(table)] == ["가 사업"]


def test_rate_check():
    (block,) = find_execution_blocks(E.header_parts.example + "\n" + E.rate_check.example)
    budget, executed = parse_krw(block.budget_text), parse_krw(block.executed_text)
    printed = parse_number(block.rate_text)
    assert rate_agrees(block.rate_text, printed, executed / budget * 100) is E.rate_check.expected


# --- tags.toml and orgs.toml ------------------------------------------------------------------------

T = rules.tags()


@pytest.mark.parametrize("rule", T.domain, ids=ids(T.domain, "name"))
def test_domain(rule):
    assert rule.name in program_tags(rule.example)[0]


@pytest.mark.parametrize("rule", T.target, ids=ids(T.target, "name"))
def test_target(rule):
    assert rule.name in program_tags(rule.example)[1]


def test_orgs():
    orgs = rules.orgs()
    assert orgs.text_suffixes.expected in [o.name for o in find_departments(orgs.text_suffixes.example)]
    assert department_in(orgs.trailing.example) == orgs.trailing.expected
    assert find_departments(orgs.and_particle.example) == []


# --- regions.toml -----------------------------------------------------------------------------------

R = rules.regions()
REGION_RULES = R.sido + R.alias + R.sido_change + R.code_change


@pytest.mark.parametrize("rule", REGION_RULES, ids=ids(REGION_RULES))
def test_region_rule(rule):
    region = resolve(rule.example, rule.as_of)
    assert region is not None and region.code_today == rule.expected
    if rule.issued:
        assert region.code_issued == rule.issued


def test_ambiguous_alone():
    assert resolve(R.ambiguous_alone.example) is None
    assert find_regions(f"안산, 평택, {R.ambiguous_alone.example}, 하남") == []


def test_short_sido_followers():
    (span,) = find_regions(R.short_sido_followers.example)
    assert span.region.code_today == R.short_sido_followers.expected
    assert find_regions("경기침체와 부산물") == []
