"""Labels from keyword rules: a programme's policy domains and target groups
(`rules/tags.toml`), and departments named in running text (`rules/orgs.toml`
on top of the suffix rules of `normalizers/departments.py`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from normalizers import rules
from normalizers.departments import is_department

_HANGUL_RUN = re.compile(r"[가-힣]+(?:[·･ㆍ][가-힣]+)*")


@dataclass(frozen=True)
class OrgSpan:
    """A department or office named in text: `text[start:end]` is `name`."""

    start: int
    end: int
    name: str


def _has(text: str, tag: rules.Tag) -> bool:
    """True when a keyword of `tag` occurs in `text` outside its exclude words."""
    for word in tag.exclude:
        text = text.replace(word, " ")
    return any(k in text for k in tag.keywords)


def program_tags(name: str, description: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(policy domains, target groups) of a programme from its name and description, in tags.toml order.

    Keywords match with or without spaces ('1인 가구' finds '1인가구').
    """
    text = f"{name} {description or ''}"
    spaced = text.replace(" ", "")
    table = rules.tags()
    pick = lambda tags: tuple(t.name for t in tags if _has(text, t) or _has(spaced, t))  # noqa: E731
    return pick(table.domain), pick(table.target)


def _final_consonant(syllable: str) -> bool:
    """True when a Hangul syllable ends in a consonant (받침): '인' yes, '지' no."""
    return "가" <= syllable <= "힣" and (ord(syllable) - 0xAC00) % 28 != 0


@cache
def _endings() -> tuple[str, ...]:
    return tuple(sorted(rules.orgs().trailing.endings, key=len, reverse=True))


@cache
def _tails() -> tuple[str, ...]:
    """Every way a department word can end: a text suffix, alone or with a particle."""
    suffixes = rules.orgs().text_suffixes.words
    return suffixes + tuple(s + e for s in suffixes for e in _endings())


def _could_be_particle(word: str) -> bool:
    """'노인과' may be 노인 + the particle 과 ('and'); long stems ('건강증진과') are departments."""
    guard = rules.orgs().and_particle
    stem = word[: -len(guard.word)]
    return word.endswith(guard.word) and bool(stem) and _final_consonant(stem[-1]) and len(stem) < guard.min_stem


def department_in(word: str) -> str | None:
    """The department a word of running text names: '지역복지과장' -> '지역복지과', '노인과' -> None."""
    candidates = [word] + [word[: -len(e)] for e in _endings() if word.endswith(e) and len(word) > len(e)]
    suffixes = rules.orgs().text_suffixes.words
    for candidate in candidates:
        if candidate.endswith(suffixes) and is_department(candidate) and not _could_be_particle(candidate):
            return candidate
    return None


def find_departments(text: str) -> list[OrgSpan]:
    """Every department named in `text`, one Hangul word each, particles and titles stripped."""
    out, tails = [], _tails()
    for match in _HANGUL_RUN.finditer(text):
        name = department_in(match.group()) if match.group().endswith(tails) else None
        if name:
            out.append(OrgSpan(match.start(), match.start() + len(name), name))
    return out
