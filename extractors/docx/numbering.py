"""Word list numbering (`w:numPr`) rendered as the markers Word would print: '1.', '가.', '(1)', '①', '•'.

`numbering.xml` maps a paragraph's numId to an abstract definition whose
levels give a format (`decimal`, `ganada`, `upperRoman`...), a text pattern
such as "%1." or "%1-%2" and a start value. `Numbering` keeps one counter per
list and level while the document is read in order, the way Word does.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

_GANADA = "가나다라마바사아자차카타파하"
_CHOSUNG = "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
# Bullet characters of symbol fonts (Symbol, Wingdings) as Word stores them, and what they print.
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0a8": "□", "\uf06c": "●", "\uf06e": "■", "\uf071": "❑",
                   "\uf076": "❖", "\uf0d8": "➢", "\uf0fc": "✓", "\uf0e0": "→", "\uf09f": "•", "\uf0a1": "○"}


@dataclass(frozen=True)
class Level:
    """One list level: number format, text pattern with %1..%9, start value."""

    fmt: str
    text: str
    start: int


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """The counter value n printed in Word format `fmt` (unknown formats print as decimal)."""
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("ganada", "chosung"):
        letters = _GANADA if fmt == "ganada" else _CHOSUNG
        return letters[(n - 1) % len(letters)]
    if fmt == "decimalEnclosedCircle" and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    return str(n)


def _levels_of(abstract) -> dict[int, Level]:
    """Levels of one `w:abstractNum` (or a `w:lvlOverride`) element."""
    levels = {}
    for lvl in abstract.findall(qn("w:lvl")):
        fmt = lvl.find(qn("w:numFmt"))
        text = lvl.find(qn("w:lvlText"))
        start = lvl.find(qn("w:start"))
        levels[int(lvl.get(qn("w:ilvl"), "0"))] = Level(
            fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
            text.get(qn("w:val"), "") if text is not None else "",
            int(start.get(qn("w:val"), "1")) if start is not None else 1)
    return levels


class Numbering:
    """The list definitions of one document and the running counters (mutable, one per extraction)."""

    def __init__(self, numbering_element) -> None:
        self._levels: dict[str, dict[int, Level]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        if numbering_element is None:
            return
        abstracts = {a.get(qn("w:abstractNumId")): _levels_of(a)
                     for a in numbering_element.findall(qn("w:abstractNum"))}
        for num in numbering_element.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstracts.get(ref.get(qn("w:val")) if ref is not None else None, {}))
            for override in num.findall(qn("w:lvlOverride")):
                levels.update(_levels_of(override))
            self._levels[num.get(qn("w:numId"))] = levels

    def marker(self, num_id: str, ilvl: int) -> tuple[str, bool] | None:
        """Advance the counter of (list, level) and return (printed marker, is_bullet); None if no list."""
        levels = self._levels.get(num_id)
        if not levels or ilvl not in levels:
            return None
        level = levels[ilvl]
        if level.fmt == "bullet":
            return (_SYMBOL_BULLETS.get(level.text, level.text or "•"), True)
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = level.text
        for k in range(ilvl + 1):
            value = counters.get(k, levels[k].start if k in levels else 1)
            fmt = levels[k].fmt if k in levels else "decimal"
            text = text.replace(f"%{k + 1}", format_number(value, fmt))
        return (text, False)
