"""normalizers.money: exact KRW, the error policy, units, numbers and the quantity finders."""
from __future__ import annotations

import pytest

from normalizers.money import (
    find_counts,
    find_money,
    find_percents,
    fund_source,
    is_no_budget,
    normalize_unit,
    parse_krw,
    parse_number,
    unit_from_text,
)


@pytest.mark.parametrize("text, unit, krw", [
    ("998백만원", None, 998_000_000),
    ("35.9억원", None, 3_590_000_000),
    ("2억4천1백만원", None, 241_000_000),
    ("28,800백만 원", None, 28_800_000_000),
    ("1,234", "백만원", 1_234_000_000),
    ("1.9", "백만원", 1_900_000),
    ("1천만원", None, 10_000_000),
    ("3조 2,000억원", None, 3_200_000_000_000),
    ("85.6억 원", None, 8_560_000_000),
    ("10.7억 원", None, 1_070_000_000),
    ("150,000원", None, 150_000),
    ("601,243천원", None, 601_243_000),
    ("998백만", None, 998_000_000),
    ("5억원", "백만원", 500_000_000),        # a printed unit wins over the given one
    ("△3", "억원", -300_000_000),
    ("12", "백만 원", 12_000_000),
    ("7", "(천원)", 7_000),
])
def test_parse_krw(text, unit, krw):
    assert parse_krw(text, unit) == krw


def test_exact_arithmetic():
    assert parse_krw("35.9억원") == 3590000000 and isinstance(parse_krw("35.9억원"), int)
    assert parse_krw("0.1", "억원") == 10_000_000


@pytest.mark.parametrize("marker", ["비예산", "-", "－", "―", "", "  ", "해당없음", "해당 없음", None])
def test_no_budget_is_none_never_zero(marker):
    assert is_no_budget(marker)
    assert parse_krw(marker, "백만원") is None


@pytest.mark.parametrize("garbage", ["abc", "백만원", "1,234", "1.5원", "5만억원", "12%", "1 2"])
def test_garbage_raises_unless_asked_for_none(garbage):
    with pytest.raises(ValueError):
        parse_krw(garbage)
    assert parse_krw(garbage, on_error="none") is None


def test_bad_error_policy_and_unit_are_reported():
    with pytest.raises(ValueError, match="on_error"):
        parse_krw("1", "원", on_error="zero")
    with pytest.raises(ValueError, match="known: 원 천원"):
        normalize_unit("달러")


@pytest.mark.parametrize("text, unit", [
    ("예산(백만원)", "백만원"), ("(단위 : 천원)", "천원"), ("[단위: 억원]", "억원"),
    ("소요예산(백만 원)", "백만원"), ("(단위: 백만원, %)", "백만원"), ("예산", None), ("(단위: 명)", None),
    ("연 120만원(분기별 30만원)", None), (None, None),
])
def test_unit_from_text(text, unit):
    assert unit_from_text(text) == unit


@pytest.mark.parametrize("text, value", [
    ("1,234.5", 1234.5), ("△3", -3.0), ("12%", 12.0), ("18명", 18.0), ("-", None), ("계", None), ("", None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_fund_source_names():
    assert fund_source("군･구비") == fund_source("군구비") == "군·구비"
    assert fund_source("시") is None and fund_source("시", short=True) == "시비"


def test_breakdown_parts_in_the_parents_unit():
    found = find_money("사 업 비: 26,873백만원(국비 19,544, 시비 2,443, 군･구비 2,443)")
    assert [(q.text, q.amount_krw, q.fund_source) for q in found] == [
        ("26,873백만원", 26_873_000_000, None),
        ("국비 19,544", 19_544_000_000, "국비"),
        ("시비 2,443", 2_443_000_000, "시비"),
        ("군･구비 2,443", 2_443_000_000, "군·구비"),
    ]
    assert {q.parent_start for q in found[1:]} == {found[0].start}


def test_short_labels_only_inside_a_breakdown():
    found = find_money("소요예산 : 998백만원(시 503, 군구 495) ※ 인건비")
    assert [(q.text, q.unit, q.fund_source) for q in found] == [
        ("998백만원", "백만원", None), ("시 503", "백만원", "시비"), ("군구 495", "백만원", "군·구비")]


def test_parts_with_their_own_unit_span_the_amount():
    found = find_money("총 96억 원(국비 48억 원, 지방비 48억 원)")
    assert [(q.text, q.amount_krw, q.fund_source) for q in found] == [
        ("96억 원", 9_600_000_000, None), ("48억 원", 4_800_000_000, "국비"), ("48억 원", 4_800_000_000, "지방비")]


def test_not_a_breakdown():
    found = find_money("총 85.6억 원(4년간 지역당 10.7억 원, 시도비 포함)")
    assert [(q.text, q.amount_krw, q.value, q.unit) for q in found] == [
        ("85.6억 원", 8_560_000_000, 85.6, "억원"), ("10.7억 원", 1_070_000_000, 10.7, "억원")]


def test_label_before_an_amount():
    (q,) = find_money("강화(구비 601,243천원 편성)")
    assert (q.text, q.fund_source) == ("601,243천원", "구비")


def test_money_offsets_and_false_friends():
    text = "제43조에 따라 5원칙을 지키고 1,017억을 48,000가구에 쓴다"
    found = find_money(text)
    assert [text[q.start:q.end] for q in found] == ["1,017억"]


def test_percents_and_counts():
    text = "총 13명(시 자체지원 5명) 3개월간 3개 분야 81천명, 집행률 94.4%, 2.5%p 상승, 제3회 포럼"
    assert [(q.text, q.value, q.unit) for q in find_counts(text)] == [
        ("13명", 13.0, "명"), ("5명", 5.0, "명"), ("3개", 3.0, "개"), ("81천명", 81_000.0, "명")]
    assert [(q.text, q.value, q.unit) for q in find_percents(text)] == [("94.4%", 94.4, "%"), ("2.5%p", 2.5, "%p")]


@pytest.mark.parametrize("text, printed, currency, amount", [
    ("해외 투자 141.5억$ 기록", "141.5억$", "USD", 14_150_000_000),
    ("해외직접투자는 141.5억\n달러로 감소", "141.5억\n달러", "USD", 14_150_000_000),   # a wrapped line
    ("3억 엔화 차입", "3억 엔", "JPY", 300_000_000),
    ("홍콩 2억 홍콩달러", "2억 홍콩달러", "HKD", 200_000_000),                       # not USD
])
def test_foreign_money_is_never_won(text, printed, currency, amount):
    (q,) = find_money(text)
    assert (q.text, q.currency, q.currency_amount, q.amount_krw) == (printed, currency, amount, None)


@pytest.mark.parametrize("text", ["20억 불법 투기 적발", "20억 엔진 교체"])
def test_a_syllable_after_an_amount_is_no_currency_when_a_word_goes_on(text):
    assert not [q for q in find_money(text) if q.currency not in (None, "KRW")]
