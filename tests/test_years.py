"""normalizers.years: year headers, plan periods, two-digit years, dates, the document year."""
from __future__ import annotations

import pytest

from normalizers.years import find_dates, parse_period, text_year, two_digit_year, year_header


@pytest.mark.parametrize("text, expected", [
    ("2018 현재", (2018, True)), ("2018년 기준", (2018, True)), ("'22년", (2022, False)),
    ("’22년", (2022, False)), ("2023", (2023, False)), ("19년", (2019, False)), ("'19", (2019, False)),
    ("2023년도", (2023, False)), ("2022년(목표)", (2022, False)), ("계", None), ("합계", None),
    ("", None), (None, None), ("예산", None), ("1,234", None),
])
def test_year_header(text, expected):
    assert year_header(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("제4기 지역사회보장계획(2019~2022)", (2019, 2022)), ("2023년~2026년", (2023, 2026)),
    ("'20~'23", (2020, 2023)), ("2023-2026", (2023, 2026)), ("1기, '20~23년, 총", (2020, 2023)),
    ("(사업기간) '20. ~ '23. (4년)", (2020, 2023)), ("2023~'26", (2023, 2026)),
    ("2022. 1. ~ 2022. 12.", None), ("2019~2035", None), ("2022~2019", None), ("044-202-3120", None),
    ("4기(’22.8.~’24.07)", None), ("", None),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("yy, year", [(0, 2000), ("07", 2007), (19, 2019), (69, 2069), (70, 1970), (98, 1998)])
def test_two_digit_year(yy, year):
    assert two_digit_year(yy) == year


def test_two_digit_year_rejects_other_numbers():
    with pytest.raises(ValueError):
        two_digit_year(123)


def test_find_dates_kinds_and_offsets():
    text = "6월 23일(금) 2020년부터, '20~23년, 2022. 10. 17.~ 10. 19. ’22년도 예산"
    found = [(d.kind, d.text, d.year, d.month, d.day) for d in find_dates(text)]
    assert found == [("date", "6월 23일(금)", None, 6, 23), ("year", "2020년", 2020, None, None),
                     ("period", "'20~23년", 2020, None, None), ("date", "2022. 10. 17.", 2022, 10, 17),
                     ("year", "’22년도", 2022, None, None)]
    assert all(text[d.start:d.end] == d.text for d in find_dates(text))


def test_text_year_uses_a_printed_weekday():
    # 23 June is a Friday in 2023, not in 2020 (gold/004's reasoning)
    assert text_year(["보건복지부는 6월 23일(금) 성과공유회", "2020년부터 제1기", "(예산) 1기, '20~23년"]) == 2023


def test_text_year_falls_back_to_the_first_date():
    assert text_year(["2023년도 지역복지 사업평가 우수사례집", "2022. 3. ~ 2022. 12."]) == 2023
    assert text_year(["연도 없음"]) is None
