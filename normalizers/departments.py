"""Department (부서) names: recognise them and split "사업명(담당과)" (rules/departments.toml)."""
from __future__ import annotations

import re
from functools import cache

from normalizers import rules
from normalizers.text import clean, split_trailing_paren

_NAME = re.compile(r"^[가-힣0-9·･ ]{2,20}$")


@cache
def _suffixes() -> tuple[str, ...]:
    """Department suffixes, longest first."""
    return tuple(sorted(rules.departments().names.suffixes, key=len, reverse=True))


def is_department(text: str) -> bool:
    """True for a department name, or a comma-separated list of them ('여성정책담당관, 아이돌봄담당관')."""
    parts = [clean(p) for p in re.split(r"[,，·]\s*", clean(text)) if clean(p)]
    return bool(parts) and all(_is_one(p) for p in parts)


def _is_one(name: str) -> bool:
    names = rules.departments().names
    if name in names.standalone:
        return True
    if not _NAME.match(name) or any(name.endswith(w) for w in names.not_departments):
        return False
    return any(name.endswith(s) and len(name) > len(s) for s in _suffixes())


def split_department(text: str) -> tuple[str, str | None]:
    """'사업명(담당과)' -> ('사업명', '담당과'); text without a department in trailing parentheses is kept."""
    name, inner = split_trailing_paren(text)
    if inner and is_department(inner):
        return name, inner
    return clean(text), None
