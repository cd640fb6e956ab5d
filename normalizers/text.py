"""Small text normalisers: whitespace, bullets, "name(unit)" splits, codes."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from normalizers.rules import RuleError, read_toml

BULLETS = "■□▪▫○●◦◎◆◇▶▷►•·ŸØ※☞-－–—*"
_LEADING_BULLET = re.compile(rf"^[\s{re.escape(BULLETS)}]+")
_BULLET_SPLIT = re.compile(r"(?:^|\s)[■□▪▫○●◦◆◇•Ÿ](?=\s)")
_ROMAN = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "Ⅵ": "VI", "Ⅶ": "VII",
          "Ⅷ": "VIII", "Ⅸ": "IX", "Ⅹ": "X"}
_DASHES = re.compile(r"[‐‑‒–—―−－]")
_ASCII_ROMAN = re.compile(r"^[IVX]+$")


def clean(text: str | None) -> str:
    """NFC, inner whitespace collapsed to one space, trimmed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def strip_bullet(text: str) -> str:
    """'■ 예산집행율(%)' -> '예산집행율(%)'."""
    return _LEADING_BULLET.sub("", clean(text))


def split_bulleted(text: str) -> list[str]:
    """Items of a cell listing several bulleted entries: '■ a(명) ■ b(명)' -> ['a(명)', 'b(명)']."""
    text = clean(text)
    marks = list(_BULLET_SPLIT.finditer(text))
    if len(marks) < 2:
        return [strip_bullet(text)] if strip_bullet(text) else []
    parts = []
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        part = strip_bullet(text[m.start():end])
        if part:
            parts.append(part)
    return parts


def split_trailing_paren(text: str) -> tuple[str, str | None]:
    """'name(unit)' -> ('name', 'unit'); a unit nested last inside a trailing group is taken from there.

    '예산집행율(%)' -> ('예산집행율', '%');
    '현장면접행사(구인기업 참여 현장면접(횟수))' -> ('현장면접행사(구인기업 참여 현장면접)', '횟수');
    '선정운영건' -> ('선정운영건', None).
    """
    text = clean(text)
    if not text.endswith(")"):
        return text, None
    depth, start = 0, None
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                start = i
                break
    if start is None or start == 0:
        return text, None
    inner = text[start + 1:-1]
    if inner.endswith(")") and "(" in inner:
        name_inner, unit = split_trailing_paren(inner)
        if unit:
            return clean(f"{text[:start]}({name_inner})"), unit
    return clean(text[:start]), clean(inner) or None


def ascii_code(code: str) -> str:
    """Program code with Roman numerals and dashes in ASCII: 'Ⅱ-1-1-1.' -> 'II-1-1-1'."""
    code = clean(code)
    for k, v in _ROMAN.items():
        code = code.replace(k, v)
    code = _DASHES.sub("-", unicodedata.normalize("NFKC", code))
    return code.rstrip(". )").replace(" ", "")


def is_roman(part: str) -> bool:
    """True for an ASCII Roman numeral part of a code: 'II' in 'II-1-1'."""
    return bool(_ASCII_ROMAN.match(part))


# --- search forms (rules/search.toml) -------------------------------------------------------------

@dataclass(frozen=True)
class SearchRule:
    """One entry of rules/search.toml: a character mapping with the example it must turn into `expect`."""

    name: str
    table: dict[int, str]
    example: str
    expect: str


@dataclass(frozen=True)
class SearchRules:
    same: tuple[SearchRule, ...]
    numbered: tuple[SearchRule, ...]
    drop: re.Pattern[str]
    drop_rules: tuple[SearchRule, ...]
    min_letters: int
    spacing_example: tuple[str, str]


@cache
def search_rules() -> SearchRules:
    """rules/search.toml, typed and checked (a missing key is a RuleError naming it)."""
    data = read_toml("search")
    try:
        same = tuple(SearchRule(e["name"], {ord(c): e["as"] for c in e["chars"]}, e["example"], e["expect"])
                     for e in data["same"])
        numbered = tuple(SearchRule(e["name"], {e["first"] + i: chr(ord(e["as_first"]) + i) for i in range(e["count"])},
                                    e["example"], e["expect"]) for e in data["numbered"])
        drops = tuple(SearchRule(e["name"], {e["first"]: chr(e["last"])}, e["example"], e["expect"])
                      for e in data["drop"])
        spacing = data["letter_spacing"]
        spacing_example = (spacing["example"], spacing["expect"])
        min_letters = int(spacing["min_letters"])
    except (KeyError, TypeError) as exc:
        raise RuleError(f"search.toml: missing or bad key {exc}") from None
    ranges = "".join(f"{re.escape(chr(first))}-{re.escape(last)}" for r in drops for first, last in r.table.items())
    return SearchRules(same, numbered, re.compile(f"[{ranges}]"), drops, min_letters, spacing_example)


@cache
def _search_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for rule in (*search_rules().same, *search_rules().numbered):
        table.update(rule.table)
    return table


@cache
def _letter_spaced() -> re.Pattern[str]:
    n = search_rules().min_letters
    return re.compile(rf"(?<![가-힣])[가-힣](?: [가-힣]){{{n - 1},}}(?![가-힣])")


def search_form(text: str) -> str:
    """`text` as search sees it: glyphs of rules/search.toml mapped, private-use bullets dropped,
    letter-spaced words joined ('수어ᆞ점자' -> '수어·점자', '금 융 지 원' -> '금융지원')."""
    out = search_rules().drop.sub(" ", text.translate(_search_table()))
    out = _letter_spaced().sub(lambda m: m.group().replace(" ", ""), out)
    return re.sub(r"(?m)^ +| +$", "", re.sub(r" {2,}", " ", out))


def search_text_of(title: str | None, text: str | None) -> str | None:
    """The `sections.search_text` value: the search form of title + text, or None where search
    would see the printed text anyway (so most sections store their text once)."""
    printed = f"{title or ''}\n{text or ''}"
    form = search_form(printed)
    return None if form.split() == printed.split() else form
