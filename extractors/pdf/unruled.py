"""Unruled PDF tables: runs of aligned multi-piece text lines → `PageTable` (the fallback when no rules are drawn).

Plan documents often print budget and indicator tables without vertical
rules, or without any: `_pdf_grid` finds no grid and the rows arrive as text
lines whose `pieces` were split at wide gaps (`_pdf_text.PIECE_GAP_EM`, in
em of the line's font). A run of such lines becomes a table only when it
clearly is one:

- at least `MIN_ROWS` rows, at least `MIN_DATA_ROWS` of them from *data
  lines*: two or more pieces, the first not a lone bullet, a later one a
  value (a number or '-');
- the data lines give the columns (their pieces' x-intervals, merged where
  they overlap), and every line of the table fits them: no two pieces of a
  line in one column;
- each column after the label column is aligned on its left edge, right
  edge or centre; one column holds values in most data lines and one holds
  labels (text that is not a value) in more than half of them;
- it is not a table of contents (leader dots; the only values ascending
  page numbers in the last column) nor a bulleted list (most rows open with
  a bullet).

Prose, lists and two-column page layouts have no value column and stay
text. The table's top rows are header rows as far as
`grid.infer_header_rows` says; a header label centred over two or more
columns of the row below spans them. A one-piece line under a row that
fits inside the label column and holds no number continues that row's
label (unless labels look vertically centred, see `has_centred_labels`).
Everything works on lines already extracted: a page costs one pass over
its lines.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace

from extractors.grid import infer_header_rows, is_caption_line, is_number_text, unit_hint_in
from extractors.pdf.lines import TextLine, joins_without_space
from extractors.pdf.tables import PageCell, PageTable
from extractors.pdf.words import WordStats

MIN_ROWS = 3             # a table has at least this many rows (header rows included)
MIN_DATA_ROWS = 2        # ... and at least this many rows with values
ROW_GAP_EM = 2.5         # consecutive lines of one table are at most this many em apart
WRAP_GAP_EM = 0.6        # a wrapped label line starts at most this many em below the line above
SIZE_RATIO = 0.2         # lines of one table differ in font size by at most this share
ALIGN_EM = 0.5           # edges within this many em are aligned
ALIGNED_SHARE = 0.75     # this share of a column's pieces must share one edge
VALUE_SHARE = 2 / 3      # a value column holds values in this share of the data rows
CENTRE_SHARE = 0.1       # a spanning header label sits within this share of its span's width of the centre

Box = tuple[float, float, float, float]
Interval = tuple[float, float]
Piece = tuple[float, float, str]

_DASHES = {"-", "–", "—", "―"}
_LEADER = re.compile(r"[·.…‧ㆍ・]{4,}|(?:[·.]\s){3,}")
_BULLET = re.compile(r"^([□■▣◆◇◈○●◦◎❍▪▫▶►▷➢❖☞⇒→※·ㆍ•Ÿ§*]|[-–—ㅇ](\s|$))")
_NUMBERING = re.compile(r"^(\(?\d{1,2}[.)]|\(?[가-하][.)]|[①-⑳]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.)$")
_NOTE = re.compile(r"^\s*(※|\*|주\s*\)|자료\s*:)")
_PAGE_NO = re.compile(r"^\d{1,3}$")


@dataclass(frozen=True)
class Row:
    """One table row: cells as (column, column span, text), one per piece of its first line, and the lines it
    was read from (that line, then the lines continuing its label)."""

    cells: tuple[tuple[int, int, str], ...]
    lines: tuple[TextLine, ...]

    def texts(self, n_cols: int) -> list[str]:
        """The row's texts by column, a spanning cell's text at its first column only."""
        out = [""] * n_cols
        for col, _, text in self.cells:
            out[col] = text
        return out


# --- telling lines apart ------------------------------------------------------------------------

def is_value(text: str) -> bool:
    """A data value of a table cell: a number ('1,234', '95.5%', '△3') or a dash for "none"."""
    return is_number_text(text) or text.strip() in _DASHES


def is_lone_marker(text: str) -> bool:
    """A piece that is only a bullet or item number ('○', '-', '1.', '가)', '①'): a list item, not a cell."""
    t = text.strip()
    return bool(_NUMBERING.match(t) or (len(t) <= 2 and _BULLET.match(t)))


def is_data_line(line: TextLine) -> bool:
    """Two or more pieces, the first not a lone marker, and a value among the others."""
    return (len(line.pieces) >= 2 and not is_lone_marker(line.pieces[0][2])
            and any(is_value(p[2]) for p in line.pieces[1:]))


def is_row_candidate(line: TextLine) -> bool:
    """A line that may be a table row: several pieces, no leader dots, not a caption or unit line."""
    return (len(line.pieces) >= 2 and not any(_LEADER.search(p[2]) for p in line.pieces)
            and not unit_hint_in(line.text) and not is_caption_line(line.text))


def has_number(text: str) -> bool:
    """Whether some word of the text is a number (a wrapped label never holds one)."""
    return any(is_number_text(word) for word in text.split())


def is_wrapped_label(row: TextLine, above: TextLine, line: TextLine) -> bool:
    """Whether one-piece `line` continues the label (first piece) of table row `row`, `above` being the line
    right above it: just below it, under the label and clear of the row's second piece, no number, no note."""
    em = row.size
    return (len(line.pieces) == 1 and -0.3 * em <= line.top - above.bottom <= WRAP_GAP_EM * em
            and line.x0 >= row.pieces[0][0] - ALIGN_EM * em and line.x1 <= row.pieces[1][0] - ALIGN_EM * em
            and not has_number(line.text) and not _NOTE.match(line.text))


# --- runs of candidate lines -------------------------------------------------------------------

def _close(a: TextLine, b: TextLine) -> bool:
    """Whether b follows a closely enough, in a similar font, to be the next line of one table."""
    return (b.top - a.bottom <= ROW_GAP_EM * a.size
            and abs(a.size - b.size) <= SIZE_RATIO * max(a.size, b.size))


def _crosses(a: TextLine, b: TextLine | None, ruled: list[Box]) -> bool:
    """Whether a ruled table lies beside line a, or between a and b."""
    bottom = b.top if b else a.bottom
    return any(box[1] <= bottom and box[3] >= a.top for box in ruled)


def lines_to_runs(lines: list[TextLine], ruled: list[Box]) -> list[list[TextLine]]:
    """Maximal runs of close row candidates and the wrapped label lines between or after them.

    Runs with fewer than `MIN_ROWS` row candidates are left out; no run
    reaches across or beside a ruled table.
    """
    runs: list[list[TextLine]] = []
    run: list[TextLine] = []
    row: TextLine | None = None
    for line in lines:
        row_like = is_row_candidate(line) and not _crosses(line, None, ruled)
        wrapped = row is not None and is_wrapped_label(row, run[-1], line)
        if run and (row_like or wrapped) and _close(run[-1], line) and not _crosses(run[-1], line, ruled):
            run.append(line)
            row = line if row_like else row
            continue
        runs.append(run)
        run, row = ([line], line) if row_like else ([], None)
    runs.append(run)
    return [r for r in runs if sum(len(ln.pieces) >= 2 for ln in r) >= MIN_ROWS]


# --- columns ---------------------------------------------------------------------------------

def data_columns(lines: list[TextLine]) -> list[Interval]:
    """Column intervals: the data lines' piece intervals, merged where they overlap, left to right."""
    merged: list[list[float]] = []
    for x0, x1, _ in sorted((p for ln in lines for p in ln.pieces), key=lambda p: p[0]):
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def column_bounds(columns: list[Interval]) -> list[float]:
    """Cell edges: the first column's left, midpoints of the gaps between columns, the last column's right."""
    middles = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(columns)]
    return [columns[0][0], *middles, columns[-1][1]]


def column_at(x: float, bounds: list[float]) -> int:
    """The column whose bounds hold x (the outer columns take everything beyond them)."""
    return min(max(bisect.bisect_right(bounds, x) - 1, 0), len(bounds) - 2)


def piece_columns(line: TextLine, bounds: list[float]) -> list[int] | None:
    """The column of each piece (by its centre), or None when two pieces fall into one column."""
    cols = [column_at((x0 + x1) / 2, bounds) for x0, x1, _ in line.pieces]
    return cols if len(set(cols)) == len(cols) else None


def is_aligned(pieces: list[Piece], em: float) -> bool:
    """Whether `ALIGNED_SHARE` of the pieces share a left edge, a right edge or a centre (within `ALIGN_EM`)."""
    for edge in (lambda p: p[0], lambda p: p[1], lambda p: (p[0] + p[1]) / 2):
        xs = sorted(edge(p) for p in pieces)
        middle = xs[len(xs) // 2]
        if sum(abs(x - middle) <= ALIGN_EM * em for x in xs) >= ALIGNED_SHARE * len(xs):
            return True
    return False


# --- rows ------------------------------------------------------------------------------------

def lines_to_rows(lines: list[TextLine], bounds: list[float], stats: WordStats | None = None) -> list[Row] | None:
    """One row per multi-piece line, each piece in its column; a one-piece line joins the label above.

    None when a line does not fit the columns: two pieces in one column, or
    a one-piece line reaching past the label column or under a row without
    a label.
    """
    rows: list[Row] = []
    for line in lines:
        if len(line.pieces) == 1:
            if not rows or line.x1 > bounds[1] or rows[-1].cells[0][0] != 0:
                return None
            rows[-1] = _with_wrapped_label(rows[-1], line, stats)
            continue
        cols = piece_columns(line, bounds)
        if cols is None:
            return None
        rows.append(Row(tuple((c, 1, p[2]) for c, p in zip(cols, line.pieces)), (line,)))
    return rows


def _with_wrapped_label(row: Row, line: TextLine, stats: WordStats | None = None) -> Row:
    """The row (whose first cell is its label) with `line` appended to the label, with a space unless the
    break fell at a bracket (`joins_without_space`, as in ruled cells)."""
    label = row.cells[0][2]
    joined = label + ("" if joins_without_space(replace(row.lines[-1], text=label), line, stats) else " ") + line.text
    return Row(((0, 1, joined), *row.cells[1:]), row.lines + (line,))


def has_centred_labels(rows: list[Row]) -> bool:
    """Whether a row with a wrapped label is followed by a row without a label: the sign of labels centred
    vertically in their cells (Hancom's default), whose first line prints above the row's values and would
    be joined to the row before. Such tables are left as text rather than given wrong labels."""
    return any(len(a.lines) > 1 and b.cells[0][0] != 0 for a, b in itertools.pairwise(rows))


def header_row(row: Row, bounds: list[float], below: Row) -> Row:
    """The row read as a header: each piece in its column, or spanning the columns it is centred over.

    A piece spans columns a..b (not reaching a neighbouring piece's column)
    when its centre lies within `CENTRE_SHARE` of their width from their
    centre and the row below fills at least two of them; the widest such
    span wins ("투자계획" over "계 2024 2025 2026 2027").
    """
    filled = {c for col, span, _ in below.cells for c in range(col, col + span)}
    cols = [col for col, _, _ in row.cells]
    cells: list[tuple[int, int, str]] = []
    for i, (piece, col) in enumerate(zip(row.lines[0].pieces, cols)):
        lo = cells[-1][0] + cells[-1][1] if cells else 0
        hi = cols[i + 1] - 1 if i + 1 < len(cols) else len(bounds) - 2
        first, last = _centred_span(piece, col, (lo, hi), bounds, filled)
        cells.append((first, last - first + 1, piece[2]))
    return Row(tuple(cells), row.lines)


def _centred_span(piece: Piece, col: int, limits: tuple[int, int], bounds: list[float],
                  filled: set[int]) -> tuple[int, int]:
    """The widest columns (a, b) around `col`, within `limits`, that the piece is centred over and of which
    the row below fills two or more; (col, col) when there are none."""
    centre = (piece[0] + piece[1]) / 2
    best = (col, col)
    for a in range(limits[0], col + 1):
        for b in range(col, limits[1] + 1):
            left, right = bounds[a], bounds[b + 1]
            if (b - a > best[1] - best[0] and len(filled & set(range(a, b + 1))) >= 2
                    and abs(centre - (left + right) / 2) <= CENTRE_SHARE * (right - left)):
                best = (a, b)
    return best


def split_header(rows: list[Row], n_top: int, bounds: list[float]) -> tuple[list[Row], list[Row]]:
    """(header rows, body rows): the top rows `grid.infer_header_rows` counts as header, at most the `n_top`
    rows above the first data row, each read by `header_row` against the row below it."""
    n = min(infer_header_rows([row.texts(len(bounds) - 1) for row in rows]), n_top)
    header: list[Row] = []
    for row in reversed(rows[:n]):
        header.insert(0, header_row(row, bounds, header[0] if header else rows[n]))
    return header, rows[n:]


# --- is it a table? ----------------------------------------------------------------------------

def value_columns(rows: list[list[str]]) -> list[int]:
    """Columns after the first holding values in `VALUE_SHARE` of the rows."""
    return [c for c in range(1, len(rows[0])) if sum(is_value(r[c]) for r in rows) >= VALUE_SHARE * len(rows)]


def has_label_column(rows: list[list[str]]) -> bool:
    """Whether some column holds a label (text that is not a value) in more than half of the rows; side by
    side chart axes ("1,500 | 1,500") have none."""
    return any(2 * sum(bool(r[c].strip()) and not is_value(r[c]) for r in rows) > len(rows)
               for c in range(len(rows[0])))


def looks_like_toc(rows: list[list[str]]) -> bool:
    """A table of contents: the only values are bare page numbers in the last column, never decreasing."""
    values = [(c, t.strip()) for r in rows for c, t in enumerate(r) if c and is_value(t)]
    pages = [int(t) for c, t in values if c == len(rows[0]) - 1 and _PAGE_NO.match(t)]
    return bool(pages) and len(pages) == len(values) and pages == sorted(pages)


def looks_like_list(rows: list[list[str]]) -> bool:
    """A bulleted list: more than half of the rows open with a bullet."""
    return 2 * sum(bool(_BULLET.match(r[0].strip())) for r in rows) > len(rows)


def is_clearly_tabular(body: list[Row], n_cols: int) -> bool:
    """Body columns aligned (the label column aside), a value and a label column in the data rows, and neither
    a contents page nor a list."""
    pieces: list[list[Piece]] = [[] for _ in range(n_cols)]
    for row in body:
        for piece, (col, _, _) in zip(row.lines[0].pieces, row.cells):
            pieces[col].append(piece)
    data = [row.texts(n_cols) for row in body if is_data_line(row.lines[0])]
    em = body[0].lines[0].size
    return (len(data) >= MIN_DATA_ROWS and all(is_aligned(p, em) for p in pieces[1:] if p)
            and bool(value_columns(data)) and has_label_column(data)
            and not looks_like_toc(data) and not looks_like_list(data))


# --- runs to tables ----------------------------------------------------------------------------

def run_to_table(run: list[TextLine], page: int,
                 stats: WordStats | None = None) -> tuple[PageTable, list[TextLine]] | None:
    """The table in a run of candidate lines and the lines it used, or None when it is not clearly one.

    The data lines give the columns. The table runs from the multi-piece
    lines right above the first data line to the last data line and the
    labels wrapped below it; every line in it must fit the columns.
    """
    data_at = [i for i, line in enumerate(run) if is_data_line(line)]
    if len(data_at) < MIN_DATA_ROWS:
        return None
    start, end = data_at[0], data_at[-1] + 1
    while start and len(run[start - 1].pieces) >= 2:
        start -= 1
    while end < len(run) and len(run[end].pieces) == 1:
        end += 1
    columns = data_columns([run[i] for i in data_at])
    if len(columns) < 2:
        return None
    bounds = column_bounds(columns)
    rows = lines_to_rows(run[start:end], bounds, stats)
    if rows is None or len(rows) < MIN_ROWS or has_centred_labels(rows):
        return None
    header, body = split_header(rows, data_at[0] - start, bounds)
    if not is_clearly_tabular(body, len(columns)):
        return None
    return rows_to_page_table(header, body, bounds, page), run[start:end]


def rows_to_page_table(header: list[Row], body: list[Row], bounds: list[float], page: int) -> PageTable:
    """A `PageTable` with a cell at every grid position: a header label with only blanks below it in the
    header spans down, blank positions get empty cells. Cell boxes run between column bounds and row lines."""
    rows = header + body
    n_cols = len(bounds) - 1
    cells: list[PageCell] = []
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        for col, span, text in [*row.cells, *((c, 1, "") for c in range(n_cols))]:
            if (r, col) in covered:
                continue
            down = _blank_header_rows_below(header, r, col, span)
            bottom = max(ln.bottom for ln in rows[r + down].lines)
            cells.append(PageCell(r, col, 1 + down, span, text, page,
                                  (bounds[col], row.lines[0].top, bounds[col + span], bottom)))
            covered.update((rr, cc) for rr in range(r, r + 1 + down) for cc in range(col, col + span))
    widths = tuple(b - a for a, b in itertools.pairwise(bounds))
    bbox = (bounds[0], rows[0].lines[0].top, bounds[-1], max(ln.bottom for ln in rows[-1].lines))
    return PageTable(tuple(cells), len(rows), widths, page, page, bbox)


def _blank_header_rows_below(header: list[Row], r: int, col: int, span: int) -> int:
    """How many header rows right below header row r are blank in columns col..col+span-1 (0 for body rows)."""
    wanted = set(range(col, col + span))
    down = 0
    while r + down + 1 < len(header) and not any(
            wanted & set(range(c, c + s)) for c, s, _ in header[r + down + 1].cells):
        down += 1
    return down


def lines_to_unruled_tables(lines: list[TextLine], page: int, ruled: list[Box],
                            stats: WordStats | None = None) -> tuple[list[PageTable], list[TextLine]]:
    """The unruled tables among a page's lines (in reading order), and the lines they leave as text.

    `ruled` holds the boxes of the page's ruled tables: no unruled table
    reaches across or beside one.
    """
    tables: list[PageTable] = []
    used: set[int] = set()
    for run in lines_to_runs(lines, ruled):
        found = run_to_table(run, page, stats)
        if found:
            tables.append(found[0])
            used.update(id(line) for line in found[1])
    return tables, [line for line in lines if id(line) not in used]
