"""Small text normalisers: whitespace, bullets, "name(unit)" splits, codes."""
from __future__ import annotations

import re
import unicodedata

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
