"""Grid helpers shared by the extractors: header rows, spans inferred from blank header cells, unit lines.

Formats that mark headers and merges (HTML `<th>`/rowspan, HWPX `cellSpan`,
DOCX `gridSpan`) pass them on directly; plain-text and PDF tables only show
blank cells, so these helpers infer the same structure from the text.
"""
from __future__ import annotations

import re
from dataclasses import replace

from extractors.document import Cell, ExtractError, Source, Table


class TooLarge(ExtractError):
    """A declared or expanded size past a limit (table grid, zip member, record count): the document fails."""


MAX_TABLE_POSITIONS = 4_000_000
"""Most grid positions (rows x columns) one table may cover; past it the document fails.

A real table of 10,000 rows x 40 columns covers 400,000; declared sizes
beyond this are what hostile files use to take all memory.
"""

_NUMBER = re.compile(r"^[△▲\-+]?\d[\d,]*(\.\d+)?\s*(%|%p|원|천원|백만원|억원|명|개소|건|회|가구)?$")
_YEAR = re.compile(r"^[’'‘]?\d{2,4}\s*년?\s*(현재|목표|기준|예산|실적|\(.*\))?$")
_UNIT_LINE = re.compile(r"^[\[(<〈]?\s*단\s*위\s*[:：]\s*[^)\]>〉]{1,20}[)\]>〉]?$")


def is_number_text(text: str) -> bool:
    """True for data values such as '1,234', '95.5', '12%', '△3' (not for years like '2019')."""
    t = text.strip()
    return bool(_NUMBER.match(t)) and not is_year_text(t)


def is_year_text(text: str) -> bool:
    """True for year headers: '2019', '2018 현재', "'22년", '2023년'."""
    t = text.strip()
    if not _YEAR.match(t):
        return False
    digits = re.sub(r"\D", "", t.split("(")[0])
    if len(digits) == 4:
        return 1990 <= int(digits) <= 2100
    return len(digits) == 2 and (t[0] in "’'‘" or "년" in t)


def is_unit_line(text: str) -> bool:
    """True for a printed unit line such as '(단위 : 백만원)' or '[단위: 천원]'."""
    return bool(_UNIT_LINE.match(text.strip()))


def infer_header_rows(rows: list[list[str]]) -> int:
    """How many top rows are headers, for grids whose format does not say.

    Row 0 is a header when it holds no data values; each following row
    continues the header while it holds no data values, its first cell is
    blank (covered by a label above) and it has at least two labels.
    Requires at least one data row to remain.
    """
    if len(rows) < 2 or not any(t.strip() for t in rows[0]):
        return 0
    if any(is_number_text(t) for t in rows[0]):
        return 0
    n = 1
    while n < min(len(rows) - 1, 3):
        row = rows[n]
        filled = [t for t in row if t.strip()]
        if (row and row[0].strip()) or len(filled) < 2 or any(is_number_text(t) for t in row):
            break
        n += 1
    return n


def spans_from_blank_headers(rows: list[list[str]], header_rows: int,
                             sources: list[list[Source]] | None = None) -> Table:
    """A `Table` from text rows, turning blank header cells into spans.

    In a multi-row header a label followed by blank cells spans them
    (`목표수준` over `2018 현재 … 2022`); a label with only blanks below it
    spans down to the last header row (`구분`). Body rows keep one cell per
    position.
    """
    n_cols = max((len(r) for r in rows), default=0)
    grid = [list(r) + [""] * (n_cols - len(r)) for r in rows]
    covered: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = 1, 1
            if r < header_rows and text.strip():
                cs = _col_span(grid, r, c, header_rows)
                rs = _row_span(grid, r, c, cs, header_rows)
            elif r < header_rows:
                continue
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    covered.add((rr, cc))
            src = sources[r][c] if sources and c < len(sources[r]) else Source()
            cells.append(Cell(row=r, col=c, text=text, row_span=rs, col_span=cs,
                              is_header=r < header_rows, source=src))
    return Table(cells=tuple(cells), n_rows=len(grid), n_cols=n_cols, header_rows=header_rows)


def _col_span(grid: list[list[str]], r: int, c: int, header_rows: int) -> int:
    """A label in a multi-row header spans the blank cells to its right, up to the next label."""
    if r + 1 >= header_rows:
        return 1
    end = c + 1
    while end < len(grid[r]) and not grid[r][end].strip():
        end += 1
    return end - c


def _row_span(grid: list[list[str]], r: int, c: int, cs: int, header_rows: int) -> int:
    """Header rows below a label whose positions are all blank."""
    rs = 1
    while r + rs < header_rows and not any(t.strip() for t in grid[r + rs][c:c + cs]):
        rs += 1
    return rs


UNIT_PART = re.compile(r"[\[(<〈]\s*단\s*위\s*[:：][^)\]>〉]{1,20}[)\]>〉]")   # "(단위: 백만원)" in a caption or cell
_CAPTION = re.compile(r"^\s*[<\[〈【(]?\s*(표|그림|별표)\s*[\dⅠ-Ⅹ\-.]+\s*[>\]〉】)]?")


def unit_hint_in(text: str) -> str | None:
    """The printed unit part of a caption or line, e.g. '(단위 : 백만원)', or None."""
    if is_unit_line(text):
        return text.strip()
    m = UNIT_PART.search(text)
    return m.group(0) if m else None


def trailing_unit(text: str) -> str | None:
    """The unit part a caption ends with: '연계사업 투자계획 (단위 : 백만원)' -> '(단위 : 백만원)'."""
    m = UNIT_PART.search(text)
    return m.group(0).strip() if m and not text[m.end():].strip() else None


def caption_unit_step(text: str, caption: str | None, unit: str | None,
                      looks_like_caption: bool) -> tuple[str | None, str | None] | None:
    """Read one more line above a table (nearest first) into (caption, unit); None when it is neither.

    The nearest line may be a unit line ("(단위 : 백만원)"); it or the one
    above may be a caption (a line the format marks as one, or any line
    ending in a unit part, which then gives the unit).
    """
    if unit is None and caption is None and is_unit_line(text):
        return None, text
    if caption is None and (looks_like_caption or trailing_unit(text)):
        return text, unit or trailing_unit(text)
    return None


def is_caption_line(text: str) -> bool:
    """True for a table caption such as '<표 3> 연차별 투자계획' or '[표 2-1] 예산'."""
    return bool(_CAPTION.match(text)) and len(text) < 80


def check_table_size(positions: int, what: str = "a table") -> None:
    """`ExtractError` when a table would cover more than `MAX_TABLE_POSITIONS` grid positions."""
    if positions > MAX_TABLE_POSITIONS:
        raise TooLarge(f"{what} covers {positions:,} grid positions (limit {MAX_TABLE_POSITIONS:,}); "
                           "refused: the file declares a table far larger than its cells")


def header_rows_with_spans(table: Table, rows: int) -> int:
    """`rows` header rows extended down to the last row a header cell spans (a `구분` spanning two header rows)."""
    if not rows:
        return 0
    return max([rows] + [c.row + c.row_span for c in table.cells
                         if c.row < rows and c.row + c.row_span < table.n_rows])


def lift_title_row(table: Table) -> Table:
    """A table whose first row is only a unit line or a caption, with that row as its unit/caption instead.

    Hangul tables often carry "(단위: 백만원)" in a borderless first row
    (right-aligned in the last cell, the others blank) or a full-width
    "<표 3> …" title row; the real header rows are below it. The row is
    dropped from the grid (its text kept in `unit_hint`/`caption`), the
    rows below move up and keep their own header flags. Needs two rows
    below the lifted one and at least two columns.
    """
    if table.n_rows < 3 or table.n_cols < 2:
        return table
    first = [c for c in table.cells if c.row == 0]
    filled = [c for c in first if c.text.strip()]
    if len(filled) != 1 or any(c.row_span > 1 for c in first):
        return table
    text = filled[0].text.strip()
    caption, unit = None, None
    if is_unit_line(text):
        unit = text
    elif filled[0].col_span == table.n_cols and (is_caption_line(text) or trailing_unit(text)):
        caption, unit = text, trailing_unit(text)
    else:
        return table
    cells = tuple(replace(c, row=c.row - 1) for c in table.cells if c.row > 0)
    return replace(table, cells=cells, n_rows=table.n_rows - 1, header_rows=max(0, table.header_rows - 1),
                   caption=table.caption or caption, unit_hint=table.unit_hint or unit)
