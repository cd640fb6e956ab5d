"""What the HWP 5 and HWPX readers share: paragraph marks, numbering, and raw items to `Document` blocks.

Both formats describe the same Hangul document model, so each reader only
walks its own container (OLE records or OWPML XML) and produces the same raw
items in reading order: `RawPara` (a paragraph's text with its `ParaFormat`
and the paragraph-head marker Hangul prints before it) and finished `Table`
blocks. `items_to_blocks` then decides what is a `Heading`, a `ListItem` or a
`Paragraph` and attaches unit lines to tables, so HWP and HWPX twins come out
alike.

Pages: Hangul caches its layout in the file (HWP PARA_LINE_SEG records,
OWPML `hp:linesegarray`): each line's vertical position on its page. `Pager`
walks a section's top-level body paragraphs (never those inside table cells
or text boxes, whose positions are relative to their box): a section start,
an explicit page break, or a line whose position is not below the previous
line (and not in a column to its right) starts a page. A table that flows
over pages leaves no such trace, so its height counts too (`Flow`): from
where its paragraph starts, a table taller than the rest of the page body
(the section's paper height less its margins) fills further pages, and the
paragraphs after it are on its last page. Its height is what its rows need
(solved from its cells' heights), not the size it declares, which Hangul
leaves at the first page's share. Everything a paragraph holds (tables,
text boxes, notes) gets that paragraph's page; a table that flows on
records the page it ends on (`page_end`) and its cells their rows' pages. Without cached layout only
explicit breaks count, and without those either no page is given
(`blocks_without_pages`).

Numbering follows 한글 문서 파일 형식 5.0 표 38-41 (문단 번호, 문단 머리) and
OWPML `hh:numbering`/`hh:paraHead`: a level's template such as "^1." or
"(^5)" is filled with that level's counter in its number format.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TypeGuard

from extractors.document import Block, Cell, Heading, Issue, ListItem, Paragraph, Source, Table
from extractors.grid import (
    MAX_TABLE_POSITIONS,
    UNIT_PART,
    check_table_size,
    header_rows_with_spans,
    infer_header_rows,
    is_unit_line,
    lift_title_row,
)

HEAD_KINDS = ("none", "outline", "number", "bullet")
"""Paragraph-head kinds in file order: 표 44 bits 23-24 values 0-3; OWPML NONE/OUTLINE/NUMBER/BULLET."""

NUMBER_FORMATS = (
    "DIGIT", "CIRCLED_DIGIT", "ROMAN_CAPITAL", "ROMAN_SMALL", "LATIN_CAPITAL", "LATIN_SMALL",
    "CIRCLED_LATIN_CAPITAL", "CIRCLED_LATIN_SMALL", "HANGUL_SYLLABLE", "CIRCLED_HANGUL_SYLLABLE",
    "HANGUL_JAMO", "CIRCLED_HANGUL_JAMO", "HANGUL_PHONETIC", "IDEOGRAPH", "CIRCLED_IDEOGRAPH",
)
"""Number formats by HWP code (표 41 문단 번호 형식); the names are the OWPML `numFormat` values."""

_SEQUENCES = {
    "CIRCLED_DIGIT": "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳",
    "LATIN_CAPITAL": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "LATIN_SMALL": "abcdefghijklmnopqrstuvwxyz",
    "CIRCLED_LATIN_CAPITAL": "ⒶⒷⒸⒹⒺⒻⒼⒽⒾⒿⓀⓁⓂⓃⓄⓅⓆⓇⓈⓉⓊⓋⓌⓍⓎⓏ",
    "CIRCLED_LATIN_SMALL": "ⓐⓑⓒⓓⓔⓕⓖⓗⓘⓙⓚⓛⓜⓝⓞⓟⓠⓡⓢⓣⓤⓥⓦⓧⓨⓩ",
    "HANGUL_SYLLABLE": "가나다라마바사아자차카타파하",
    "CIRCLED_HANGUL_SYLLABLE": "㉮㉯㉰㉱㉲㉳㉴㉵㉶㉷㉸㉹㉺㉻",
    "HANGUL_JAMO": "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ",
    "CIRCLED_HANGUL_JAMO": "㉠㉡㉢㉣㉤㉥㉦㉧㉨㉩㉪㉫㉬㉭",
    "HANGUL_PHONETIC": "일이삼사오육칠팔구십",
    "IDEOGRAPH": "一二三四五六七八九十",
    "CIRCLED_IDEOGRAPH": "㊀㊁㊂㊃㊄㊅㊆㊇㊈㊉",
}
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_TEMPLATE_CODE = re.compile(r"\^(10|[1-9]|n|N)")
_OUTLINE_STYLE = re.compile(r"^(?:개요|outline)\s*(\d{1,2})$", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x1f]")
TITLE_MAX_CHARS = 80
"""A paragraph longer than this is body text, not a title candidate."""
_DATE_ONLY = re.compile(r"^\(?\s*(?:19|20)\d{2}\s*[.년][\d\s.월일()월화수목금토]*$")


@dataclass(frozen=True)
class ParaFormat:
    """How the file marks one paragraph: style name, paragraph-head kind, 0-based level, numbering/bullet id."""

    style: str | None = None
    head: str = "none"
    level: int = 0
    ref: int = 0


@dataclass(frozen=True)
class LevelFormat:
    """One numbering level: template ("^1."), number format name and start value."""

    template: str
    num_format: str = "DIGIT"
    start: int = 1


@dataclass(frozen=True)
class HeadDefs:
    """Numbering definitions (id -> levels) and bullet characters (id -> char) of one document."""

    numberings: Mapping[int, tuple[LevelFormat, ...]]
    bullets: Mapping[int, str]


@dataclass(frozen=True)
class RawPara:
    """A paragraph's printed text (never empty) before classification.

    `marker` is the auto number or bullet Hangul prints before it; `note` is
    True for footnote/endnote paragraphs, which Hangul prints away from
    their anchor (so they never join a table cell's text).
    """

    text: str
    fmt: ParaFormat
    line: int
    marker: str | None = None
    note: bool = False
    page: int | None = None

    def display_text(self) -> str:
        """The text as printed, marker included (used inside table cells)."""
        return f"{self.marker} {self.text}" if self.marker else self.text


RawItem = RawPara | Table


def as_notes(items: list[RawItem]) -> list[RawItem]:
    """Items of a footnote or endnote body, their paragraphs marked as notes."""
    return [replace(i, note=True) if isinstance(i, RawPara) else i for i in items]


def split_cell_items(items: list[RawItem]) -> tuple[str, list[RawItem]]:
    """A cell's (or caption's) text, its paragraphs joined by one space, and the items printed outside it.

    Paragraph texts keep their printed numbering or bullet; nested tables
    and note paragraphs are returned to be emitted after the table.
    """
    text = " ".join(i.display_text() for i in items if isinstance(i, RawPara) and not i.note)
    outside = [i for i in items if isinstance(i, Table) or i.note]
    return text, outside


def number_format_name(code: int) -> str:
    """The OWPML name of an HWP number-format code (표 41); unknown codes read as DIGIT."""
    return NUMBER_FORMATS[code] if 0 <= code < len(NUMBER_FORMATS) else "DIGIT"


def format_number(value: int, num_format: str) -> str:
    """`value` written in `num_format` (DIGIT, HANGUL_SYLLABLE, ROMAN_CAPITAL...); digits when out of range."""
    if num_format in ("ROMAN_CAPITAL", "ROMAN_SMALL") and 0 < value < 4000:
        out, rest = "", value
        for amount, letters in _ROMAN:
            count, rest = divmod(rest, amount)
            out += letters * count
        return out if num_format == "ROMAN_CAPITAL" else out.lower()
    sequence = _SEQUENCES.get(num_format)
    if sequence and value > 0:
        return sequence[(value - 1) % len(sequence)]
    return str(value)


def fill_template(levels: tuple[LevelFormat, ...], counters: list[int], level: int) -> str:
    """A numbering template with ^1..^10 replaced by counters and ^n/^N by the dotted level path."""
    def value(index: int) -> str:
        fmt = levels[index] if index < len(levels) else LevelFormat("")
        count = counters[index] if counters[index] else fmt.start
        return format_number(count, fmt.num_format)

    def substitute(match: re.Match) -> str:
        code = match.group(1)
        if code in ("n", "N"):
            path = ".".join(value(i) for i in range(level + 1))
            return path + ("." if code == "N" else "")
        return value(int(code) - 1)

    return _TEMPLATE_CODE.sub(substitute, levels[level].template if level < len(levels) else "")


class Numberer:
    """Counts numbered and outline paragraphs in reading order and returns the marker each one prints.

    Counters run per numbering id through the whole document; a paragraph at
    level L advances level L and resets the deeper levels. Hangul's "start a
    new list" overrides are not read, so a restarted list keeps counting.
    """

    def __init__(self, defs: HeadDefs) -> None:
        self._defs = defs
        self._counters: dict[int, list[int]] = {}

    def marker(self, fmt: ParaFormat) -> str | None:
        """The bullet character or filled number template for `fmt`, or None for plain paragraphs."""
        if fmt.head == "bullet":
            return self._defs.bullets.get(fmt.ref) or None
        if fmt.head not in ("number", "outline"):
            return None
        levels = self._defs.numberings.get(fmt.ref)
        if not levels or not 0 <= fmt.level < 10:
            return None
        counters = self._counters.setdefault(fmt.ref, [0] * 10)
        start = levels[fmt.level].start if fmt.level < len(levels) else 1
        counters[fmt.level] = counters[fmt.level] + 1 if counters[fmt.level] else start
        counters[fmt.level + 1:] = [0] * (9 - fmt.level)
        return fill_template(levels, counters, fmt.level).strip() or None


def clean_text(text: str) -> str:
    """Paragraph text as printed: tabs, line breaks and stray control characters become single spaces."""
    return _CONTROL_CHARS.sub(" ", text).strip()


def outline_level(fmt: ParaFormat) -> int | None:
    """1-based heading level when the file marks a heading (outline paragraph head or style "개요 N"), else None."""
    if fmt.head == "outline":
        return fmt.level + 1
    if fmt.head == "none" and fmt.style:
        match = _OUTLINE_STYLE.match(fmt.style.strip())
        if match:
            return int(match.group(1))
    return None


def para_to_block(para: RawPara) -> Heading | ListItem | Paragraph:
    """A `Heading` for marked headings, a `ListItem` for numbered/bulleted paragraphs, else a `Paragraph`."""
    source = Source(line=para.line, page=para.page)
    level = outline_level(para.fmt)
    if level is not None:
        return Heading(level=level, title=para.text, number=para.marker, source=source)
    if para.fmt.head in ("number", "bullet"):
        return ListItem(text=para.text, marker=para.marker or "-", depth=para.fmt.level, source=source)
    return Paragraph(text=para.text, source=source, style=para.fmt.style)


def cells_to_table(cells: list[Cell], n_rows: int, n_cols: int, caption: str | None,
                   line: int, page: int | None = None) -> tuple[Table, list[Issue]]:
    """A `Table` from anchor cells as stored, with header rows from the header-cell flags or inferred.

    Requires cell positions from the file. Declared counts and spans are not
    trusted (`_grid_extent`: 65535 x 65535 declared over four cells gives the
    four cells' grid); a grid past `grid.MAX_TABLE_POSITIONS` fails the
    document. Cells reaching past the
    grid are clipped to it (issue "table-cell-clipped"); two anchors covering
    the same position give issue "table-cell-overlap". A first row holding
    only a unit line or caption becomes the table's unit/caption
    (`grid.lift_title_row`). When no cell carries the file's header flag,
    `infer_header_rows` decides (extended over header cells' row spans) and
    header-row anchors get `is_header`.
    """
    issues: list[Issue] = []
    source = Source(line=line, page=page)
    n_rows = _grid_extent([c.row for c in cells], [c.row_span for c in cells], n_rows)
    n_cols = _grid_extent([c.col for c in cells], [c.col_span for c in cells], n_cols)
    check_table_size(n_rows * n_cols)
    clipped = [_clip_cell(c, n_rows, n_cols) for c in cells]
    if clipped != cells:
        issues.append(Issue("table-cell-clipped", "a cell span reaches past the table grid; clipped", source))
    if _has_overlap(clipped):
        issues.append(Issue("table-cell-overlap", "two cells cover the same grid position", source))
    table = Table(cells=tuple(sorted(clipped, key=lambda c: (c.row, c.col))), n_rows=n_rows,
                  n_cols=n_cols, caption=caption or None, source=source)
    table = lift_title_row(table)
    if any(c.is_header for c in table.cells):
        return replace(table, header_rows=flagged_header_rows(table)), issues
    return _with_inferred_header(table), issues


def _grid_extent(starts: list[int], spans: list[int], declared: int) -> int:
    """Rows (or columns) of a grid: as far as the anchors reach, further only where both the declared count and
    a span say so (a last row covered by spans from above, a column of full-width rows); a declared count alone
    never adds rows."""
    anchored = max((s + 1 for s in starts), default=0)
    spanned = max((s + n for s, n in zip(starts, spans)), default=0)
    return max(anchored, min(declared, spanned))


def flagged_header_rows(table: Table) -> int:
    """Leading rows whose every covered position belongs to a header-flagged cell."""
    count = 0
    for row in table.grid():
        if not row or not all(cell is not None and cell.is_header for cell in row):
            break
        count += 1
    return count


def _with_inferred_header(table: Table) -> Table:
    """`table` with `header_rows` from `infer_header_rows` and its header anchors flagged."""
    rows = header_rows_with_spans(table, infer_header_rows(table.rows_text()))
    cells = tuple(c if c.is_header == (c.row < rows) else replace(c, is_header=c.row < rows) for c in table.cells)
    return replace(table, cells=cells, header_rows=rows)


def _clip_cell(cell: Cell, n_rows: int, n_cols: int) -> Cell:
    """`cell` with spans at least 1 and not past the grid edge."""
    row_span = max(1, min(cell.row_span, n_rows - cell.row))
    col_span = max(1, min(cell.col_span, n_cols - cell.col))
    if (row_span, col_span) == (cell.row_span, cell.col_span):
        return cell
    return replace(cell, row_span=row_span, col_span=col_span)


def _has_overlap(cells: list[Cell]) -> bool:
    """True when two anchor cells claim the same grid position."""
    seen: set[tuple[int, int]] = set()
    for cell in cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                if (r, c) in seen:
                    return True
                seen.add((r, c))
    return False


def caption_unit(caption: str | None) -> str | None:
    """The "(단위 : …)" part of a caption such as "사이버범죄 발생 통계(단위 : %)", if any."""
    match = UNIT_PART.search(caption or "")
    return match.group(0) if match else None


def attach_units(blocks: list[Block]) -> list[Block]:
    """Give each table the unit printed in its caption or in a unit-line paragraph right before or after it.

    The caption wins, then the paragraph before; a unit line after a table is
    used only when no table follows it (it would otherwise be the next
    table's). The unit-line paragraphs stay in the blocks.
    """
    out = list(blocks)
    for i, block in enumerate(out):
        if not isinstance(block, Table) or block.unit_hint:
            continue
        before = out[i - 1] if i > 0 else None
        after = out[i + 1] if i + 1 < len(out) else None
        after_next = out[i + 2] if i + 2 < len(out) else None
        unit = caption_unit(block.caption)
        if unit is None and _is_unit_paragraph(before):
            unit = before.text
        if unit is None and _is_unit_paragraph(after) and not isinstance(after_next, Table):
            unit = after.text
        if unit:
            out[i] = replace(block, unit_hint=unit)
    return out


def _is_unit_paragraph(block: Block | None) -> TypeGuard[Paragraph]:
    return isinstance(block, Paragraph) and is_unit_line(block.text)


def items_to_blocks(items: list[RawItem]) -> tuple[Block, ...]:
    """Raw items in reading order to `Document` blocks with units attached to tables."""
    return tuple(attach_units([para_to_block(i) if isinstance(i, RawPara) else i for i in items]))


def blocks_to_title(blocks: tuple[Block, ...], fallback: str | None = None) -> str | None:
    """The first heading, short paragraph or title box (a table with one filled cell) that is not a date line.

    Else `fallback` (the stored metadata title). Hangul covers put the title
    in a box and the date ("2022. 1.") on its own line below it.
    """
    for block in blocks:
        if isinstance(block, Heading):
            text = block.title
        elif isinstance(block, Paragraph):
            text = block.text
        elif isinstance(block, Table) and len(filled := [c for c in block.cells if c.text.strip()]) == 1:
            text = filled[0].text.strip()
        else:
            continue
        if len(text) <= TITLE_MAX_CHARS and not _DATE_ONLY.match(text):
            return text
    return fallback.strip() if fallback and fallback.strip() else None


@dataclass(frozen=True)
class LineSeg:
    """One cached line segment: vertical and horizontal position (HWPUNIT), whether it starts a line, and
    its height (an inline table's line is as tall as the table)."""

    vert: int
    horz: int = 0
    starts_line: bool = True
    height: int = 0


@dataclass(frozen=True)
class Flow:
    """A table in a paragraph's flow of text: inline (treated as a character), or placed below its paragraph's
    top with text above and below it (`offset`: its declared distance from there); `height` is the larger of
    its declared height and its rows' (HWPUNIT; Hangul declares a table flowing over pages at its first
    page's share). Tables floating beside text or over the page do not move the text and are left out."""

    inline: bool
    height: int
    offset: int = 0
    rows: tuple[int, ...] = ()   # row heights, top to bottom (what `row_heights` solves from the cells)
    header: int = 0              # height of the header rows repeated at the top of each page it runs on to
    splits: bool = True          # may break between rows at a page end (else it moves whole to the next page)


def row_heights(cells: Sequence[tuple[int, int, int]], n_rows: int) -> tuple[int, ...]:
    """Row heights from (row, row_span, height) cells: a row is as tall as its tallest one-row cell; rows that
    only spanning cells cover share what those cells need beyond the rows already known."""
    n_rows = max(0, min(n_rows, 65536))
    rows = [0] * n_rows
    for row, span, height in cells:
        if span == 1 and 0 <= row < n_rows:
            rows[row] = max(rows[row], height)
    spanning = sorted((c for c in cells if c[1] > 1), key=lambda c: c[1])
    if all(rows) or sum(min(c[1], n_rows) for c in spanning) > MAX_TABLE_POSITIONS:   # a grid too big is refused
        return tuple(rows)
    for row, span, height in spanning:
        covered = range(max(0, row), min(n_rows, row + span))
        unknown = [r for r in covered if not rows[r]]
        if unknown:
            share = max(0, height - sum(rows[r] for r in covered)) // len(unknown)
            for r in unknown:
                rows[r] = share
    return tuple(rows)


def rows_to_pages(flow: Flow, start: int, body: int) -> tuple[list[int], int, int]:
    """Where a flowing table's rows land, starting at `start` on its first page: for each row, how many
    pages after that one it starts on; how many pages after it the table ends, and where on that page.
    Rows run on over a page end (Hangul splits a row's cells between their lines), the header rows
    repeated at the top of each further page (at most half a page of them); a table that may not split
    moves whole to the next page when it does not fit. Arithmetic, not a loop per page: heights come
    from the file and may be absurd."""
    header = min(max(0, flow.header), body // 2)
    if not flow.splits:
        total = sum(flow.rows) or flow.height
        moved = start + total > body and start > 0
        page, at = _run_on(1 if moved else 0, total if moved else start + total, body, 0, False)
        return [1 if moved else 0] * max(1, len(flow.rows)), page, at
    pages, page, at = [], 0, start
    for height in flow.rows or (flow.height,):
        page, at = _run_on(page, at, body, header, True)
        pages.append(page)
        at += max(0, height)
    page, at = _run_on(page, at, body, header, False)
    return pages, page, at


def _run_on(page: int, at: int, body: int, header: int, starting: bool) -> tuple[int, int]:
    """(page, position) once content reaching `at` on `page` has run on over the page ends past `body`,
    each further page opening with `header`; `starting`: something starts at `at`, so `at` = `body` is
    already the next page."""
    if at < body or (at == body and not starting):
        return page, at
    room = body - header
    pages = (at - body) // room + 1 if starting else -(-(at - body) // room)
    return page + pages, at - body - (pages - 1) * room + header


def header_height(rows: Sequence[int], header_rows: Iterable[int]) -> int:
    """The height of a table's header: its leading rows holding header cells."""
    marked, count = set(header_rows), 0
    while count in marked:
        count += 1
    return sum(rows[:count])


def paged_table(cells: list[Cell], n_rows: int, n_cols: int, caption: str | None, line: int, page: int | None,
                row_pages: Sequence[int] | None, end: int | None) -> tuple[Table, list[Issue]]:
    """`cells_to_table` for a table that may run over pages: each cell on its row's page (`row_pages`), the
    table's last page (`end`) as `page_end`."""
    if row_pages:
        cells = [replace(c, source=replace(c.source, page=row_pages[c.row])) if 0 <= c.row < len(row_pages) else c
                 for c in cells]
    table, issues = cells_to_table(cells, n_rows, n_cols, caption, line, page)
    return (replace(table, page_end=end) if end else table), issues


def in_flow(inline: bool, text_wrap: str, relative_to_paragraph: bool) -> bool:
    """Whether a table placed so moves the text after it: inline, or wrapped "TOP_AND_BOTTOM" and placed
    relative to its paragraph (readers measure no other table)."""
    return inline or (text_wrap == "TOP_AND_BOTTOM" and relative_to_paragraph)


def flow_of(inline: bool, text_wrap: str, relative_to_paragraph: bool, height: int, offset: int,
            rows: tuple[int, ...] = (), header: int = 0, splits: bool = True) -> Flow | None:
    """The `Flow` of a table from its placement when it is `in_flow`, else None."""
    if not in_flow(inline, text_wrap, relative_to_paragraph):
        return None
    return Flow(True, height) if inline else Flow(False, height, offset, rows, header, splits)


LINE_FIRST_SEGMENT = 1 << 17
"""Line-segment flag bit: the first segment of a line (a line wrapped around an object has several)."""


def flags_start_line(flags: int) -> bool:
    """Whether a segment with these flags starts a line; files that set no segment bits have one per line."""
    return bool(flags & LINE_FIRST_SEGMENT) or not flags & (LINE_FIRST_SEGMENT | LINE_FIRST_SEGMENT << 1)


MIN_BODY = 2835
"""The smallest page body height believed (HWPUNIT, 1 cm): a smaller one is a broken page definition."""


@dataclass
class Pager:
    """Counts pages over the top-level body paragraphs of a document, section by section.

    `body` is the current section's page body height (HWPUNIT; 0 when unknown: tables then add no pages).
    A reader calls `paragraph` for each top-level paragraph, then `place` for each table it holds (in
    order); the pages the tables fill count from the next paragraph on."""

    page: int = 0
    laid_out: bool = False
    explicit: bool = False
    body: int = 0
    _last: LineSeg | None = None
    _start: tuple[int, int] | None = None   # the paragraph's first page and its first line's top
    _stacked: int = 0                        # where the paragraph's tables placed so far end
    _spill: int = 0                          # pages its tables fill beyond its first

    def section(self, body: int = 0) -> None:
        """A new section (구역) begins with page body height `body`: its first paragraph starts a page (a body
        under `MIN_BODY` is taken for unknown)."""
        self._close()
        self._last = None
        self.body = body if body >= MIN_BODY else 0

    def paragraph(self, page_break: bool, lines: Sequence[LineSeg]) -> int:
        """The 1-based page of a paragraph's first line; its later lines may move the count on."""
        self._close()
        top = 0
        if self._last is None or page_break:
            self.explicit = self.explicit or self.page > 0
            self.page += 1
        elif lines and _starts_page(self._last, lines[0]):
            self.page += 1
        elif self._last.vert >= 0:
            top = self._last.vert + self._last.height
        first = self.page
        self._start = (first, lines[0].vert) if lines and self.body else None
        self._stacked = top
        for before, after in pairwise(lines):
            if _starts_page(before, after):
                self.page += 1
        if lines:
            self.laid_out = True
            self._last = lines[-1]
        elif self._last is None:
            self._last = LineSeg(-1)
        return first

    def place(self, flow: Flow | None) -> tuple[int | None, list[int] | None]:
        """A table of the current paragraph: the page it ends on and its rows' pages (when its rows are known)
        if it runs past the page it starts on, else (None, None). Tables below the paragraph's top stack from
        there (plus their offset), their rows laid out page by page (`rows_to_pages`); an inline table
        starts at its paragraph's first line."""
        if flow is None or self._start is None:
            return None, None
        first, line_top = self._start
        rows = None
        if flow.inline:
            last = (line_top + flow.height - 1) // self.body
        else:
            pages, last, self._stacked = rows_to_pages(flow, max(0, self._stacked + flow.offset), self.body)
            rows = [first + p for p in pages] if flow.rows else None
        self._spill = max(self._spill, last)
        return (first + last, rows) if last > 0 else (None, None)

    @property
    def measuring(self) -> bool:
        """Whether the current paragraph's tables can move pages (a laid-out line, a known page size): readers
        measure its tables only then."""
        return self._start is not None

    def _close(self) -> None:
        """The last paragraph's tables fill their pages."""
        self.page += self._spill
        self._spill, self._start = 0, None

    def count(self) -> int | None:
        """The document's page count when its layout is recorded, else None."""
        return self.page + self._spill if self.laid_out else None

    def known(self) -> bool:
        """Whether pages mean anything: cached layout or explicit breaks."""
        return self.laid_out or self.explicit


def _starts_page(before: LineSeg, after: LineSeg) -> bool:
    """A line back at or above the previous one, and not in a column to its right, is on the next page."""
    if after.vert > before.vert or (after.vert == before.vert and not after.starts_line):
        return False
    return after.horz <= before.horz


def blocks_without_pages(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """`blocks` with every page dropped (a file that records no layout and no page break)."""
    def unpaged(source: Source) -> Source:
        return replace(source, page=None) if source.page is not None else source
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table):
            cells = tuple(replace(c, source=unpaged(c.source)) for c in block.cells)
            out.append(replace(block, source=unpaged(block.source), cells=cells))
        else:
            out.append(replace(block, source=unpaged(block.source)))
    return tuple(out)


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLE_GLYPHS = "○◯◌"
_HANCOM_CIRCLE = 0xF02BA
_HANCOM_TEENS = 0xF02C3
"""Hancom private-use glyphs of composed circled numbers: the circle U+F02BA over U+F02C3 (10), U+F02C4 (11)...
(seen in Hangul files whose table of contents prints the same numbers as ➓ and up)."""


def compose_to_text(chars: str, circled: bool = False) -> str:
    """What a composed character (글자 겹치기: HWPX `hp:compose`, HWP 'tcps') prints as.

    A number drawn in a circle (a circle border, a circle glyph among the
    composed characters, or Hancom's circle glyph over its two-digit glyph)
    is its circled number ⑩; anything else is the composed characters.
    """
    codes = [ord(c) for c in chars]
    if len(codes) == 2 and codes[0] == _HANCOM_CIRCLE and 0 <= codes[1] - _HANCOM_TEENS <= 10:
        return _CIRCLED[codes[1] - _HANCOM_TEENS + 9]
    digits = "".join(c for c in chars if c not in _CIRCLE_GLYPHS and not c.isspace())
    if (circled or len(digits) < len(chars.strip())) and digits.isascii() and digits.isdigit() \
            and 1 <= int(digits) <= len(_CIRCLED):
        return _CIRCLED[int(digits) - 1]
    return chars
