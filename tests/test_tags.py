"""normalizers.textfacts.tags: programme domains and target groups, departments in running text."""
from __future__ import annotations

import pytest

from normalizers.textfacts.tags import department_in, find_departments, program_tags


@pytest.mark.parametrize("name, description, domains, targets", [
    ("마을이 돌보는 지역공동체 아동돌봄 사업", None, ("돌봄", "민관협력·거버넌스"), ("아동", "주민·지역사회")),
    ("일하는 청년 복지포인트", None, ("소득·기초생활",), ("청년",)),
    ("경기도 1인 가구 지원사업", None, (), ("1인가구",)),
    ("예산형 독거노인 통합돌봄사업", None, ("돌봄",), ("노인·어르신", "1인가구")),
    ("온기 나눔 집수리", "저소득 장애인 가구 주택 개조", ("주거", "소득·기초생활"), ("장애인", "저소득")),
    ("한부모가족 자녀양육비 지원", None, (), ("가족·한부모",)),
    ("복지안전망 강화", None, (), ()),
])
def test_program_tags(name, description, domains, targets):
    assert program_tags(name, description) == (domains, targets)


@pytest.mark.parametrize("word, name", [
    ("지역복지과", "지역복지과"), ("지역복지과장", "지역복지과"), ("복지정책과에서", "복지정책과"),
    ("희망복지지원단", "희망복지지원단"), ("건강증진과", "건강증진과"), ("행정복지센터", "행정복지센터"),
    ("노인과", None), ("장애인과", None), ("평가결과", None), ("신청", None), ("백만원", None), ("위원", None),
])
def test_department_in(word, name):
    assert department_in(word) == name


def test_find_departments():
    text = "담당 부서 보건복지부 지역복지과 과장, 도(청소년과 포함) 노인과 장애인, 경기복지재단에서 지원"
    assert [(o.name, text[o.start:o.end]) for o in find_departments(text)] == [
        ("지역복지과", "지역복지과"), ("경기복지재단", "경기복지재단")]
