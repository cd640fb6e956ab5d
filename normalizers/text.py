"""Small text normalisers: whitespace, bullets, "name(unit)" splits, codes."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from normalizers import rules

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
class SearchForms:
    """rules/search.toml turned into what `search_form` applies: one translation table, one pattern of
    characters searched as a space, the least run of letter-spaced syllables."""

    table: dict[int, str]
    drop: re.Pattern[str]
    min_letters: int


@cache
def search_forms() -> SearchForms:
    """The search forms of rules/search.toml (loaded and checked by the one rule loader)."""
    found = rules.search()
    table: dict[int, str] = {}
    for same in found.same:
        table.update({ord(c): same.into for c in same.chars})
    for numbered in found.numbered:
        table.update({numbered.first + i: chr(ord(numbered.first_as) + i) for i in range(numbered.count)})
    ranges = "".join(f"{re.escape(chr(d.first))}-{re.escape(chr(d.last))}" for d in found.drop)
    return SearchForms(table, re.compile(f"[{ranges}]"), found.letter_spacing.min_letters)


@cache
def _letter_spaced() -> re.Pattern[str]:
    n = search_forms().min_letters
    return re.compile(rf"(?<![가-힣])[가-힣](?: [가-힣]){{{n - 1},}}(?![가-힣])")


def search_form(text: str) -> str:
    """`text` as search sees it: glyphs of rules/search.toml mapped, private-use bullets dropped,
    letter-spaced words joined ('수어ᆞ점자' -> '수어·점자', '금 융 지 원' -> '금융지원')."""
    forms = search_forms()
    out = forms.drop.sub(" ", text.translate(forms.table))
    out = _letter_spaced().sub(lambda m: m.group().replace(" ", ""), out)
    return re.sub(r"(?m)^ +| +$", "", re.sub(r" {2,}", " ", out))


def search_text_of(title: str | None, text: str | None) -> str | None:
    """The `sections.search_text` value: the search forms of the lines of title + text that search sees
    otherwise than printed, or None where it sees them all as printed (so a text is stored once, and a
    long text with one 'ᆞ' adds one line, not a second copy).

    Search forms keep the line breaks and no search word spans one, so a word search finds lies on a
    changed line (here) or on a line as printed (in `title` or `text`).
    """
    printed = f"{title or ''}\n{text or ''}"
    form = search_form(printed)
    if form.split() == printed.split():
        return None
    printed_lines, form_lines = printed.split("\n"), form.split("\n")
    if len(printed_lines) != len(form_lines):   # a mapping made or removed a line break: keep the whole form
        return form
    return "\n".join(f for p, f in zip(printed_lines, form_lines) if p.split() != f.split())


def line_breaks(text: str) -> list[int]:
    """The offsets of the line breaks of `text`, in order (found once, so looking up many positions of a
    long text stays linear)."""
    return [m.start() for m in re.finditer("\n", text)]


def breaks_before(breaks: list[int], position: int) -> int:
    """How many of the line breaks `breaks` (from `line_breaks`) come before `position`."""
    return bisect.bisect_left(breaks, position)
