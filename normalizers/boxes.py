"""Boxed titles: small tables that only frame one line of text become headings or paragraphs.

Korean plans print chapter and item titles in boxes: a one-cell table holding
`Ⅰ. 추진 배경`, `1. 국어 정보자원 확대(57억원)` or `□ 세출예산`, or a one-row
table whose first cell is the number and the second the title (`1 | 성 과`).
Every format carries such a box as a table (HWP/HWPX/DOCX/HTML tables, a
ruled PDF frame), so this is decided here, once, for all of them:

- a box whose text starts with a printed heading number (the heading
  markers of rules/headings.toml, or one Hancom private-use glyph such as
  the circled digits Hangul maps to U+F02B1…) and reads like a title becomes a
  `Heading`; boxes rank by their number style in order of first appearance
  (`Ⅰ.` boxes above `1.` boxes above `□` boxes), as printed numbering does
  in `normalizers.sections`, so the text under a box lands in its section;
- any other box with one filled cell (a cover title, a `[ 목 차 ]` label, a
  note frame) becomes a `Paragraph` with the cell's text;
- a one-column frame of two or three text rows (a headline over its
  subtitle) becomes one paragraph per row;
- other tables with two filled cells or more stay tables.

A box is a table of at most 3 x 3 positions with exactly one filled cell,
or one row whose only filled cells are a bare number and a title.
"""
from __future__ import annotations

import re
from dataclasses import replace

from extractors.document import Block, Document, Heading, Paragraph, Table
from normalizers.sections import is_title_like, split_marker

BOX_STYLE = "box"
"""`Paragraph.style` of a paragraph that was a one-line box (a cover title, a note frame)."""
BOX_MAX_SIDE = 3
"""A box has at most this many rows and columns (blank padding rows/columns around the text)."""
_PRIVATE_USE = "\ue000-\uf8ff\U000f0000-\U000ffffd"
_GLYPH_NUMBER = re.compile(f"^(?P<num>[{_PRIVATE_USE}])\\s*(?P<title>\\S.*)$")
_BARE_NUMBER = re.compile(f"^(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|\\d{{1,2}}|[①-⑳]|[가나다라마바사아자차카타파하]|[{_PRIVATE_USE}])[.．)]?$")
_NUMBER_ONLY = re.compile(r"^[\d,.%△▲\-+\s]+$")
_HANCOM_CIRCLED = range(0xF02B1, 0xF02C5)
"""Hancom private-use circled numbers ①-⑳: the same number style as Unicode ①-⑳ (a composed ⑩ after ⑨)."""
_FAMILY = {"roman_bare": "roman", "arabic_bare": "arabic"}
"""Marker names that print the same number style (`Ⅲ.` and `Ⅲ추진`, `1.` and a bare `1`)."""


def document_to_unboxed(doc: Document) -> Document:
    """`doc` with its boxed titles as headings and its other one-line boxes as paragraphs."""
    kinds: list[str] = []
    blocks: list[Block] = []
    for block in doc.blocks:
        if not isinstance(block, Table):
            blocks.append(block)
            continue
        box = table_to_box(block)
        if box is None:
            lines = table_to_stacked_lines(block) or []
            blocks.extend([Paragraph(text=line, source=block.source, style=BOX_STYLE) for line in lines] or [block])
            continue
        number, title, kind = box
        if kind is None:
            blocks.append(Paragraph(text=title, source=block.source, style=BOX_STYLE))
            continue
        if kind in kinds:
            del kinds[kinds.index(kind) + 1:]
        else:
            kinds.append(kind)
        blocks.append(Heading(level=kinds.index(kind) + 1, title=title, number=number, source=block.source))
    return replace(doc, blocks=tuple(blocks))


def table_to_box(table: Table) -> tuple[str | None, str, str | None] | None:
    """(number, title, number style) of a boxed title, (None, text, None) of a plain box, None for a real table."""
    filled = [c for c in table.cells if c.text.strip()]
    if len(filled) == 2 and table.n_rows == 1 and _BARE_NUMBER.match(filled[0].text.strip()):
        number, title = filled[0].text.strip().rstrip(".．)"), " ".join(filled[1].text.split())
        return (number, title, _number_style(number)) if is_title_like(title) else None
    if len(filled) != 1 or table.n_rows > BOX_MAX_SIDE or table.n_cols > BOX_MAX_SIDE:
        return None
    text = " ".join(filled[0].text.split())
    numbered = text_to_numbered_title(text)
    return numbered if numbered is not None else (None, text, None)


def table_to_stacked_lines(table: Table) -> list[str] | None:
    """The lines of a one-column frame of two or three text rows (a headline over its subtitle), else None."""
    filled = [" ".join(c.text.split()) for c in sorted(table.cells, key=lambda c: c.row) if c.text.strip()]
    if table.n_cols != 1 or not 2 <= len(filled) <= BOX_MAX_SIDE or table.n_rows > BOX_MAX_SIDE:
        return None
    if any(_NUMBER_ONLY.match(line) for line in filled):
        return None
    return filled


def text_to_numbered_title(text: str) -> tuple[str | None, str, str] | None:
    """(number, title, number style) when a box's text is a numbered title, else None."""
    glyph = _GLYPH_NUMBER.match(text)
    if glyph and is_title_like(glyph.group("title")):
        num = glyph.group("num")
        return num, glyph.group("title"), "circled" if ord(num) in _HANCOM_CIRCLED else "glyph"
    split = split_marker(text, marked_up=True)
    if split is None or split.role == "bullet" or not is_title_like(split.title):
        return None
    return split.number, split.title, _FAMILY.get(split.marker, split.marker)


def _number_style(number: str) -> str:
    """The number style of a bare number cell: the same families as numbered box titles."""
    split = split_marker(f"{number} 제목", marked_up=True)
    if split is not None:
        return _FAMILY.get(split.marker, split.marker)
    if _GLYPH_NUMBER.match(f"{number} 제목"):
        return "circled" if ord(number[0]) in _HANCOM_CIRCLED else "glyph"
    return "other"
