"""Department (부서) names: recognise them and split "사업명(담당과)" (rules/departments.toml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from normalizers.rules import read_toml
from normalizers.text import clean, split_trailing_paren

_NAME = re.compile(r"^[가-힣0-9·･ ]{2,20}$")


@dataclass(frozen=True)
class DepartmentRules:
    suffixes: tuple[str, ...]
    standalone: frozenset[str]
    not_departments: frozenset[str]
    examples: tuple[tuple[str, bool], ...]
    splits: tuple[tuple[str, str, str | None], ...]


@lru_cache(maxsize=1)
def department_rules() -> DepartmentRules:
    data = read_toml("departments")
    return DepartmentRules(
        suffixes=tuple(sorted(data["suffixes"], key=len, reverse=True)),
        standalone=frozenset(data["standalone"]),
        not_departments=frozenset(data["not_departments"]),
        examples=tuple((e["text"], e["department"]) for e in data["example"]),
        splits=tuple((s["text"], s["name"], s.get("department")) for s in data["split"]))


def is_department(text: str) -> bool:
    """True for a department name, or a comma-separated list of them ('여성정책담당관, 아이돌봄담당관')."""
    parts = [clean(p) for p in re.split(r"[,，·]\s*", clean(text)) if clean(p)]
    return bool(parts) and all(_is_one(p) for p in parts)


def _is_one(name: str) -> bool:
    rules = department_rules()
    if name in rules.standalone:
        return True
    if not _NAME.match(name) or any(name.endswith(w) for w in rules.not_departments):
        return False
    return any(name.endswith(s) and len(name) > len(s) for s in rules.suffixes)


def split_department(text: str) -> tuple[str, str | None]:
    """'사업명(담당과)' -> ('사업명', '담당과'); text without a department in trailing parentheses is kept."""
    name, inner = split_trailing_paren(text)
    if inner and is_department(inner):
        return name, inner
    return clean(text), None
