"""normalizers.regions: the gazetteer, name resolution, code changes, finding names in text."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from conftest import ROOT, shared_path

from normalizers import rules
from normalizers.regions import find_regions, gazetteer_rows, planning_body, resolve


@pytest.mark.parametrize("name, as_of, today, issued", [
    ("서울특별시 마포구", None, "11440", None),
    ("마포구", 2022, "11440", "11440"),
    ("부산 북구", 2023, "26320", "26320"),
    ("부산북구", None, "26320", None),
    ("강원원주", 2023, "51130", "51130"),
    ("강원 원주시", 2022, "51130", "42130"),
    ("인천 남동구", None, "28200", None),
    ("경북 울진군", None, "47930", None),
    ("광주 서구", 2023, "12240", "29140"),
    ("광주서구", 2025, "12240", "29140"),
    ("광주 서구", 2026, "12240", "12240"),
    ("전북전주", 2023, "52110", "45110"),
    ("전북 전주시", 2024, "52110", "52110"),
    ("군위군", 2022, "27720", "47720"),
    ("대구 군위군", 2024, "27720", "27720"),
    ("인천 중구", 2024, "28125", "28110"),
    ("서울 강서구", None, "11500", None),
    ("경남 고성군", None, "48820", None),
    ("세종시", None, "36110", None),
    ("경기도", None, "41", None),
    ("강원", 2022, "51", "42"),
])
def test_resolve(name, as_of, today, issued):
    region = resolve(name, as_of)
    assert (region.code_today, region.code_issued) == (today, issued)
    assert region.name_printed == name


@pytest.mark.parametrize("name, code", [  # ../shared/data/README.md spot checks
    ("서울특별시 마포구", "11440"), ("서울특별시 영등포구", "11560"), ("부산광역시 수영구", "26500"),
    ("경기도 성남시", "41130"), ("충청남도 예산군", "44810"), ("인천광역시", "28"), ("경기도", "41"),
    ("경상북도 울진군", "47930"), ("마포구", "11440"), ("영등포구", "11560"), ("수영구", "26500"),
    ("성남시", "41130"), ("예산군", "44810"), ("울진군", "47930"), ("군위군", "27720"),
])
def test_spot_checks(name, code):
    assert resolve(name).code_today == code


@pytest.mark.parametrize("name", ["북구", "동구", "서구", "중구", "남구", "강서구", "고성군", "광주", "광주시", "없는구"])
def test_ambiguous_or_unknown_names_need_context(name):
    assert resolve(name) is None


@pytest.mark.parametrize("name, context, code", [
    ("북구", "부산광역시", "26320"), ("북구", "26", "26320"), ("서구", "광주광역시", "12240"),
    ("고성군", "강원", "51820"), ("고성군", "경상남도", "48820"), ("중구", "서울", "11140"),
])
def test_context_settles_bare_names(name, context, code):
    assert resolve(name, context=context).code_today == code


def test_official_name_level_and_parent():
    region = resolve("광주 서구", 2023)
    assert (region.official_name_today, region.level, region.parent_code) == ("전남광주통합특별시 서구", "sigungu", "12")


def test_general_gu_plans_with_its_city():
    gu = resolve("부천시 원미구", 2023)
    assert (gu.code_today, gu.level, gu.parent_code) == ("41192", "gu", "41190")
    assert planning_body(gu).code_today == "41190" and planning_body(gu).name_printed == "부천시 원미구"
    assert planning_body(resolve("전라북도 전주시 완산구", 2023)).code_issued == "45110"
    assert planning_body(resolve("마포구")) == resolve("마포구")


CROSSWALK = {  # ../shared/data/README.md, crosswalk table
    "강원도 춘천시": "51110", "강원도 원주시": "51130", "강원도 강릉시": "51150", "강원도 고성군": "51820",
    "강원도 양양군": "51830", "전라북도 전주시": "52110", "전라북도 군산시": "52130", "전라북도 부안군": "52800",
    "경상북도 군위군": "27720", "광주광역시 동구": "12210", "광주광역시 서구": "12240", "광주광역시 남구": "12270",
    "광주광역시 북구": "12300", "광주광역시 광산구": "12330", "전라남도 목포시": "12110", "전라남도 광양시": "12190",
    "전라남도 담양군": "12710", "전라남도 고흥군": "12740", "전라남도 신안군": "12870", "부산직할시 강서구": "26440",
    "인천직할시 남동구": "28200", "제주도 제주시": "50110", "제주도 서귀포시": "50130", "경기도 평택시": "41220",
    "경상남도 창원시": "48120", "인천광역시 남구": "28177", "인천광역시 북구": "28237", "고양시 일산구": "41285",
}


@pytest.mark.parametrize("old, new", sorted(CROSSWALK.items()))
def test_crosswalk_to_todays_code(old, new):
    assert resolve(old).code_today == new


def test_find_regions_in_a_participant_list():
    text = " - 부산 북구, 인천 남동구, 광주 서구, 광주 동구, 강원 춘천시, 강원 원주시, 전북 전주시, 경북 울진군"
    spans = find_regions(text, as_of=2023)
    assert [s.region.code_today for s in spans] == ["26320", "28200", "12240", "12210", "51110", "51130",
                                                     "52110", "47930"]
    assert [s.region.code_issued for s in spans][2:4] == ["29140", "29110"]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_find_regions_respects_word_boundaries():
    text = "인천형 협의체, 서울의 복지, 경기침체, 부산물, 집중구역, 마포구청, 부산광역시수영구"
    assert [(s.text, s.region.code_today) for s in find_regions(text)] == [
        ("인천", "28"), ("서울", "11"), ("마포구", "11440"), ("부산광역시수영구", "26500")]


def test_gazetteer_rows_are_todays_codes():
    rows = gazetteer_rows()
    assert set(rows[0]) == {"code", "name", "short_name", "level", "parent_code"}
    by_code = {r["code"]: r for r in rows}
    assert len(by_code) == len(rows) == 284   # 존재 rows of regions_bjd.tsv
    assert by_code["11440"] == {"code": "11440", "name": "서울특별시 마포구", "short_name": "마포구",
                                "level": "sigungu", "parent_code": "11"}
    assert by_code["11"]["short_name"] == "서울" and by_code["41192"]["parent_code"] == "41190"
    assert "29140" not in by_code


def test_committed_csv_is_built_from_the_shared_table(tmp_path):
    tsv = shared_path("data", "regions_bjd.tsv")
    out = tmp_path / "regions.csv"
    subprocess.run([sys.executable, str(ROOT / "tools" / "build_regions.py"), "--tsv", str(tsv), "--out", str(out)],
                   check=True, capture_output=True)
    assert out.read_text(encoding="utf-8") == rules.REGIONS_CSV.read_text(encoding="utf-8"), (
        "normalizers/rules/regions.csv is stale: run tools/build_regions.py and commit it")


def test_every_current_code_has_a_row_and_every_abolished_one_known_successor_is_current():
    with rules.REGIONS_CSV.open(encoding="utf-8") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}
    for row in rows.values():
        if row["code_today"]:
            assert rows[row["code_today"]]["status"] == "존재", row
