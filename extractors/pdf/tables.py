"""PDF tables across pages: page grids → `PageTable`, stitching of continued tables, → `Table`.

A table continued on the next page arrives as two grids with the same
column widths. The continuation's repeated header is dropped, a row broken
by the page boundary is joined back (its tail carries no values of its own),
and the result keeps the first page as `page` and the last as `page_end`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from extractors.document import Cell, Source, Table
from extractors.grid import infer_header_rows, is_caption_line, is_number_text, is_unit_line, trailing_unit
from extractors.pdf.lines import lines_to_text
from extractors.pdf.rulings import Grid
from extractors.pdf.words import WordStats

WIDTH_TOLERANCE = 3.0    # column widths of a continued table agree within this (points)
# An item number opening a row: "Ⅱ-4-1-2.", "3-4-1", "I-3-6.", "1.", "가)", "①" (a new row, never a row's tail).
_ITEM_NUMBER = re.compile(r"^\s*((?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[IVX]+|\d{1,2})(?:\s*-\s*\d{1,2})+\.?|"
                          r"(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|\d{1,2}|[가-하])[.)])(?=\s|$)|^\s*[①-⑳]")


@dataclass(frozen=True)
class PageCell:
    """A cell with the page it was printed on."""

    row: int
    col: int
    row_span: int
    col_span: int
    text: str
    page: int
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class PageTable:
    """A ruled table, possibly stitched over pages `page`..`page_end`; `widths` are its column widths."""

    cells: tuple[PageCell, ...]
    n_rows: int
    widths: tuple[float, ...]
    page: int
    page_end: int
    bbox: tuple[float, float, float, float]

    @property
    def n_cols(self) -> int:
        return len(self.widths)


def grid_to_page_table(grid: Grid, page: int, stats: WordStats | None = None) -> PageTable:
    """A one-page `PageTable` from a filled grid, each cell's lines joined into its text (a line is full
    when it reaches about as far as the longest line of any cell ending at the same column rule)."""
    rights: dict[int, float] = {}
    for c in grid.cells:
        if c.lines:
            key = round(c.bbox[2])
            rights[key] = max(rights.get(key, 0.0), max(ln.x1 for ln in c.lines))
    cells = tuple(PageCell(c.row, c.col, c.row_span, c.col_span,
                           lines_to_text(list(c.lines), stats, rights.get(round(c.bbox[2]), 0.0)), page, c.bbox)
                  for c in grid.cells)
    widths = tuple(b - a for a, b in zip(grid.xs, grid.xs[1:]))
    return PageTable(cells, len(grid.ys) - 1, widths, page, page, grid.bbox)


def rows_text(table: PageTable) -> list[list[str]]:
    """Row texts with a spanned cell's text at its anchor only ("" elsewhere)."""
    out = [[""] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        out[cell.row][cell.col] = cell.text
    return out


def header_rows(table: PageTable) -> int:
    """Header rows: `grid.infer_header_rows` on the texts, extended to cover its cells' row spans."""
    n = infer_header_rows(rows_text(table))
    if n:
        n = max([n] + [c.row + c.row_span for c in table.cells if c.row < n and c.row + c.row_span < table.n_rows])
    return n


def same_columns(a: PageTable, b: PageTable) -> bool:
    """Whether b has a's column structure (same count, widths within `WIDTH_TOLERANCE`)."""
    return a.n_cols == b.n_cols and all(abs(x - y) <= WIDTH_TOLERANCE for x, y in zip(a.widths, b.widths))


def stitch(first: PageTable, continued: PageTable) -> PageTable:
    """`continued` (next page, same columns) appended to `first`: repeated header dropped, broken row joined."""
    n_header = header_rows(first)
    rest = continued
    if n_header and repeats_header(rows_text(first)[:n_header], rows_text(continued)[:n_header]):
        rest = _drop_top_rows(continued, n_header)
    if rest.n_rows and _is_row_tail(first, rest):
        first, rest = _join_row_tail(first, rest), _drop_top_rows(rest, 1)
    shifted = tuple(replace(c, row=c.row + first.n_rows) for c in rest.cells)
    return PageTable(first.cells + shifted, first.n_rows + rest.n_rows, first.widths, first.page,
                     continued.page_end, first.bbox)


def repeats_header(header: list[list[str]], top: list[list[str]]) -> bool:
    """Whether a continuation's top rows repeat `header`, cell by cell, whitespace ignored.

    A repeated copy may be drawn lower than the original and lose the last
    lines of a tall cell (LibreOffice clips "중점 추진 사업 여부 (○,×)" to
    "중점 추진 사업 여부"), so each cell may be a cut-short start of the
    original; at least half of the labels must repeat in full.
    """
    pairs = [("".join(a.split()), "".join(b.split())) for hr, tr in zip(header, top) for a, b in zip(hr, tr)]
    labels = [(a, b) for a, b in pairs if a]
    return (len(top) == len(header) and all(a.startswith(b) for a, b in pairs)
            and 2 * sum(a == b for a, b in labels) >= len(labels) > 0)


def _drop_top_rows(table: PageTable, n: int) -> PageTable:
    """The table without its first n rows (cells starting there are dropped, spans into the rest cut)."""
    cells = []
    for cell in table.cells:
        end = cell.row + cell.row_span
        if end <= n:
            continue
        start = max(cell.row, n)
        cells.append(replace(cell, row=start - n, row_span=end - start))
    return replace(table, cells=tuple(cells), n_rows=table.n_rows - n)


def _covering(table: PageTable, row: int) -> dict[int, PageCell]:
    """Column → the anchor cell covering (row, column)."""
    out = {}
    for cell in table.cells:
        if cell.row <= row < cell.row + cell.row_span:
            for col in range(cell.col, cell.col + cell.col_span):
                out[col] = cell
    return out


def _is_row_tail(first: PageTable, rest: PageTable) -> bool:
    """Whether rest's first row is the tail of first's last row, cut by the page boundary.

    The tail holds text but no data value (a new row carries its own
    numbers), every text sits under a non-empty cell of the last row (a cut
    cell continues text printed above), no tail cell spans further rows, its
    first text does not open a numbered item ("Ⅱ-4-1-2. …" starts a row), and
    it continues only part of the last row: a cell of the last row's own (not
    spanned down from above) ended before the page did. A row whose every
    own text cell goes on is a complete new row of a text-only table.
    """
    tail = [c for c in rest.cells if c.row == 0]
    texts = sorted((c for c in tail if c.text.strip()), key=lambda c: c.col)
    if (not texts or any(c.row_span > 1 for c in tail) or any(is_number_text(c.text) for c in texts)
            or _ITEM_NUMBER.match(texts[0].text)):
        return False
    last = first.n_rows - 1
    above = _covering(first, last)
    if not all(above.get(c.col) is not None and above[c.col].text.strip() for c in texts):
        return False
    continued = {above[c.col] for c in texts}
    return any(c not in continued for c in first.cells if c.row == last and c.text.strip())


def _join_row_tail(first: PageTable, rest: PageTable) -> PageTable:
    """first with the texts of rest's first row appended to the cells above them."""
    above = _covering(first, first.n_rows - 1)
    extra: dict[PageCell, list[str]] = {}
    for cell in sorted((c for c in rest.cells if c.row == 0 and c.text.strip()), key=lambda c: c.col):
        extra.setdefault(above[cell.col], []).append(cell.text)
    cells = tuple(replace(c, text=" ".join([c.text, *extra[c]])) if c in extra else c for c in first.cells)
    return replace(first, cells=cells)


def lead_title_rows(table: PageTable) -> tuple[PageTable, str | None, str | None]:
    """The table without the rows printed inside its frame above the header that only name it, and what
    they said: (table, caption, unit_hint).

    A top row whose one cell spans every column and holds a unit line
    ("(단위: 백만원)"), a caption ("<표 3> …"), or both, is the table's title
    row, not its header; at most two such rows are taken.
    """
    caption: str | None = None
    unit: str | None = None
    for _ in range(2):
        top = [c for c in table.cells if c.row == 0]
        if table.n_rows < 3 or len(top) != 1 or top[0].col_span != table.n_cols or top[0].row_span != 1:
            break
        text = top[0].text.strip()
        if unit is None and is_unit_line(text):
            unit = text
        elif caption is None and (is_caption_line(text) or trailing_unit(text)):
            caption, unit = text, unit or trailing_unit(text)
        else:
            break
        table = _drop_top_rows(table, 1)
    return table, caption, unit


def page_table_to_table(table: PageTable, caption: str | None, unit_hint: str | None) -> Table:
    """The document model's `Table`: anchor cells with spans, header rows flagged, sources per cell."""
    n_header = header_rows(table)
    cells = tuple(Cell(row=c.row, col=c.col, text=c.text, row_span=c.row_span, col_span=c.col_span,
                       is_header=c.row < n_header, source=Source(page=c.page, bbox=_rounded(c.bbox)))
                  for c in sorted(table.cells, key=lambda c: (c.row, c.col)))
    return Table(cells=cells, n_rows=table.n_rows, n_cols=table.n_cols, header_rows=n_header,
                 caption=caption, unit_hint=unit_hint, source=Source(page=table.page, bbox=_rounded(table.bbox)),
                 page_end=table.page_end if table.page_end != table.page else None)


def _rounded(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A bbox rounded to 0.1 pt (stable snapshots)."""
    return tuple(round(v, 1) for v in box)  # type: ignore[return-value]
