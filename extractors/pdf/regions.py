"""What each ruled region of a page is: a table, a boxed title, a text box, or part of a drawing.

Hancom documents draw far more boxes than tables. `page_regions` sorts the
grids `rulings` found on a page:

- a grid of two or more rows and columns is a table unless it reads like a
  drawing (`is_drawing`: rules cutting through words, or most of its area
  empty and its outer frame open, as in an organisation chart);
- boxes of one column and several rows standing side by side with the same
  rows (a yearly schedule: year / tasks / budget per box) are the columns of
  one table (`columns_to_grid`);
- a box holding one line of text, or boxes side by side each holding one
  piece of one line, at least `BOXED_TITLE_WIDTH` of the page wide, is a
  boxed title ("1 | 성 과", "참고 1 | …", "1. 국어 정보자원 … (57억원)"):
  its line stays text and is marked `boxed`, so it reads as a heading;
- other boxes beside boxes, and grids that are drawings, are a drawing:
  their text is kept box by box (`drawing` lines per box); a boxed line
  right above a drawing belongs to it ("비전 | …" over the goal boxes);
- any other box (a framed paragraph) just holds text: its glyphs go back
  to the page's text.

Row splitting: a ruled row whose cells stack several lines that line up
across columns, one value per line (a staff table drawn without rules
between its rows), is split into one row per line (`split_stacked_rows`).
"""
from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from extractors.grid import is_number_text
from extractors.pdf.lines import TextLine, glyphs_to_lines
from extractors.pdf.page import Glyph
from extractors.pdf.rulings import SNAP, Box, Grid, GridCell, drop_empty_lines, fill_grid, is_grid_table
from extractors.pdf.words import is_full_width

BOXED_TITLE_WIDTH = 0.4   # a boxed title's box is at least this share of the page width
EMPTY_SHARE = 0.2         # a grid whose empty cells cover this share of its area ...
FRAME_SHARE = 0.7         # ... and whose top and bottom rules cover less than this share of its width is a drawing
STACK_MIN = 3             # a ruled cell stacking this many value lines may hold that many rows
TITLE_CLEARANCE = 4.0     # a boxed line with a drawing starting within this many line heights below is part of it
SIDE_OVERLAP = 0.5        # boxes overlapping vertically by this share of the lower one stand side by side


@dataclass(frozen=True)
class PageRegions:
    """A page's ruled regions by kind; `glyphs` are those left for the page's running text."""

    tables: tuple[Grid, ...]
    titles: tuple[Box, ...]
    drawings: tuple[tuple[Box, tuple[TextLine, ...]], ...]
    glyphs: tuple[Glyph, ...]


def page_regions(grids: list[Grid], glyphs: list[Glyph], page_width: float) -> PageRegions:
    """Sort a page's grids into tables, boxed titles and drawing boxes (see the module docstring); the
    glyphs of framed text and of everything outside the grids are returned for the text.

    Grids that can be tables take their glyphs first, the smallest first: a table drawn inside a
    frame keeps its text, and a box drawn inside a table cell leaves the text to the cell.
    """
    claim = glyph_claimer(glyphs)
    tables: list[Grid] = []
    columns: list[tuple[Grid, list[Glyph]]] = []
    boxes: list[tuple[Grid, list[Glyph]]] = []
    for grid in sorted(grids, key=lambda g: (not is_grid_table(g), _area(g.bbox))):
        inside = claim(grid.bbox)
        if not inside:
            continue
        if is_grid_table(grid):
            filled = drop_empty_lines(fill_grid(grid, inside)[0])
            if not is_drawing(filled):
                tables.append(split_stacked_rows(filled))
                continue
            boxes.append((filled, inside))
        elif len(grid.xs) == 2 and len(grid.ys) > 2:
            columns.append((fill_grid(grid, inside)[0], inside))
        else:
            boxes.append((grid, inside))
    rest = claim(None)
    merged, lone = columns_to_grids(columns)
    tables.extend(merged)
    boxes.extend(lone)
    titles: list[Box] = []
    drawings: list[tuple[Box, tuple[TextLine, ...]]] = []
    bands = boxes_to_bands(boxes)
    kinds = [band_kind(band, page_width, rest) for band in bands]
    for i, band in enumerate(bands):
        if kinds[i] == "title" and any(kinds[j] == "drawing" and _just_below(bands[j], band, rest)
                                       for j in range(len(bands))):
            kinds[i] = "drawing"
    for band, kind in zip(bands, kinds):
        if kind == "drawing":
            for grid, inside in band:
                filled = grid if any(c.lines for c in grid.cells) else fill_grid(grid, inside)[0]
                drawings.extend((cell.bbox, cell.lines) for cell in filled.cells if cell.lines)
            continue
        if kind == "title":
            titles.append(_union([grid.bbox for grid, _ in band]))
        rest.extend(g for _, inside in band for g in inside)
    return PageRegions(tuple(sorted(tables, key=lambda g: g.ys[0])), tuple(titles), tuple(drawings), tuple(rest))


def band_kind(band: list[tuple[Grid, list[Glyph]]], page_width: float, free: list[Glyph]) -> str:
    """"title" (one line across the band's boxes), "drawing" (several boxes, or a grid that is no table),
    or "text" (a framed paragraph, or boxes marking words of a line that runs on outside them: highlights)."""
    if any(_is_highlight(grid.bbox, inside, free) for grid, inside in band):
        return "text"
    box = _union([grid.bbox for grid, _ in band])
    if all(not is_grid_table(grid) for grid, _ in band) and \
            is_title_band([glyphs_to_lines(inside) for _, inside in band], box, page_width):
        return "title"
    return "drawing" if len(band) > 1 or is_grid_table(band[0][0]) else "text"


def _is_highlight(box: Box, inside: list[Glyph], free: list[Glyph]) -> bool:
    """Whether a box marks words of a line running on outside it: the box no taller than 1.6 times its
    glyphs, and a free glyph at the height of one of them within an em of the box's left or right edge
    (a highlighted or boxed word in running text, not a box of a diagram with an arrow beside it)."""
    if box[3] - box[1] > 1.6 * max((g.bottom - g.top for g in inside), default=0.0):
        return False
    for g in free:
        if g.x1 < box[0] - g.size or g.x0 > box[2] + g.size or box[0] <= g.x0 <= box[2]:
            continue
        middle = (g.top + g.bottom) / 2
        if any(abs(middle - (h.top + h.bottom) / 2) < 0.3 * (h.bottom - h.top) for h in inside):
            return True
    return False


def _just_below(lower: list[tuple[Grid, list[Glyph]]], upper: list[tuple[Grid, list[Glyph]]],
                free: list[Glyph]) -> bool:
    """Whether band `lower` starts within `TITLE_CLEARANCE` line heights under band `upper`, with no free
    text between them (a row of boxes leading into a drawing is part of it, not a title over it)."""
    up, low = _union([g.bbox for g, _ in upper]), _union([g.bbox for g, _ in lower])
    height = min((g.bottom - g.top for _, inside in upper for g in inside), default=0.0)
    left, right = max(up[0], low[0]), min(up[2], low[2])
    between = any(up[3] <= g.top and g.bottom <= low[1] and left <= g.x0 <= right for g in free)
    return 0 <= low[1] - up[3] <= TITLE_CLEARANCE * height and right > left and not between


def boxes_to_bands(boxes: list[tuple[Grid, list[Glyph]]]) -> list[list[tuple[Grid, list[Glyph]]]]:
    """Boxes grouped with those standing side by side with them (and theirs), each band left to right."""
    bands: list[list[tuple[Grid, list[Glyph]]]] = []
    for item in boxes:
        joined = [b for b in bands if any(side_by_side(item[0].bbox, other.bbox) for other, _ in b)]
        band = [item] + [x for b in joined for x in b]
        bands = [b for b in bands if not any(b is j for j in joined)] + [band]
    return [sorted(b, key=lambda x: x[0].bbox[0]) for b in bands]


def is_title_band(lines: list[list[TextLine]], box: Box, page_width: float) -> bool:
    """Whether boxes side by side (or one box) hold one title line: one line in each box, all at one
    height, the boxes together at least `BOXED_TITLE_WIDTH` of the page wide ("참고 1 | …", "1 | 성 과")."""
    if any(len(ls) != 1 for ls in lines) or box[2] - box[0] < BOXED_TITLE_WIDTH * page_width:
        return False
    middles = [(ls[0].top + ls[0].bottom) / 2 for ls in lines]
    return max(middles) - min(middles) <= 0.3 * min(ls[0].height for ls in lines)


def _area(box: Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def glyph_claimer(glyphs: list[Glyph]) -> Callable[[Box | None], list[Glyph]]:
    """A function handing out the glyphs whose anchor (`rulings.anchor_point`) lies in a box, each glyph
    once (later boxes get what earlier ones left); given None, the glyphs nobody claimed, in order.

    Glyphs are indexed by the height of their anchor once, so a page with many boxes costs a search
    per box, not a pass over the page's glyphs."""
    xs, ys = [], []
    for g in glyphs:
        width = g.x1 - g.x0
        xs.append(g.x0 + 0.25 * (width if width < g.size else g.size))
        ys.append((g.top + g.bottom) / 2)
    order = sorted(range(len(glyphs)), key=ys.__getitem__)
    keys = [ys[k] for k in order]
    taken = bytearray(len(glyphs))

    def claim(box: Box | None) -> list[Glyph]:
        if box is None:
            return [g for k, g in enumerate(glyphs) if not taken[k]]
        x0, top, x1, bottom = box
        out = []
        for k in sorted(order[bisect.bisect_left(keys, top):bisect.bisect_right(keys, bottom)]):
            if not taken[k] and x0 <= xs[k] <= x1:
                taken[k] = 1
                out.append(glyphs[k])
        return out

    return claim


def side_by_side(a: Box, b: Box) -> bool:
    """Whether two boxes stand beside each other: apart horizontally, overlapping vertically by
    `SIDE_OVERLAP` of the lower one."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    apart = a[2] <= b[0] + SNAP or b[2] <= a[0] + SNAP
    return apart and overlap >= SIDE_OVERLAP * min(a[3] - a[1], b[3] - b[1])


# --- tables or drawings ------------------------------------------------------------------------

def is_drawing(grid: Grid) -> bool:
    """Whether a grid with text is a drawing rather than a table: a rule runs through a word (the text
    was not laid out in these cells), or empty cells cover `EMPTY_SHARE` of its area while neither its
    top nor its bottom rule spans `FRAME_SHARE` of its width (boxes joined by connector lines, as in an
    organisation chart)."""
    return cuts_words(grid) or (grid.frame < FRAME_SHARE and empty_share(grid) >= EMPTY_SHARE)


def cuts_words(grid: Grid) -> bool:
    """Whether two cells side by side hold the two halves of one word: a line in one cell ending in a
    syllable and a line at the same height in the next cell starting with one, no wider apart than a fifth of an em."""
    ends: dict[int, list[TextLine]] = {}
    for cell in grid.cells:
        for line in cell.lines:
            if is_full_width(line.text[-1:]):
                ends.setdefault(cell.col + cell.col_span, []).append(line)
    for cell in grid.cells:
        for line in cell.lines:
            if not is_full_width(line.text[:1]):
                continue
            for left in ends.get(cell.col, ()):
                same_row = abs((left.top + left.bottom) / 2 - (line.top + line.bottom) / 2) < 0.3 * line.height
                if same_row and line.x0 - left.x1 < 0.2 * line.size:
                    return True
    return False


def empty_share(grid: Grid) -> float:
    """The share of the grid's area in cells without text."""
    def area(b: Box) -> float:
        return (b[2] - b[0]) * (b[3] - b[1])

    total = area(grid.bbox)
    return sum(area(c.bbox) for c in grid.cells if not c.lines) / total if total else 0.0


# --- boxes side by side as one table -----------------------------------------------------------

def columns_to_grids(columns: list[tuple[Grid, list[Glyph]]]) -> tuple[list[Grid], list[tuple[Grid, list[Glyph]]]]:
    """One-column boxes standing side by side with the same row bounds, joined into one grid per group
    (each box a column; a gap between boxes goes to the column on its left); and the boxes left alone."""
    groups: list[list[tuple[Grid, list[Glyph]]]] = []
    for item in sorted(columns, key=lambda c: (round(c[0].ys[0]), c[0].xs[0])):
        group = next((g for g in groups if same_rows(g[0][0], item[0])), None)
        if group is None:
            groups.append([item])
        else:
            group.append(item)
    merged, lone = [], []
    for group in groups:
        if len(group) < 2:
            lone.extend(group)
            continue
        boxes = sorted((g for g, _ in group), key=lambda g: g.xs[0])
        xs = tuple(b.xs[0] for b in boxes) + (boxes[-1].xs[-1],)
        cells = tuple(GridCell(c.row, col, c.row_span, 1, (xs[col], c.bbox[1], xs[col + 1], c.bbox[3]), c.lines)
                      for col, box in enumerate(boxes) for c in box.cells)
        merged.append(Grid(xs, boxes[0].ys, tuple(sorted(cells, key=lambda c: (c.row, c.col)))))
    return merged, lone


def same_rows(a: Grid, b: Grid) -> bool:
    """Whether two boxes have the same row bounds (within `SNAP`)."""
    return len(a.ys) == len(b.ys) and all(abs(x - y) <= SNAP for x, y in zip(a.ys, b.ys))


# --- rows drawn without rules --------------------------------------------------------------------

def split_stacked_rows(grid: Grid) -> Grid:
    """The grid with each ruled row that stacks rows without rules between them split into one row per
    text line (see `stack_bands`)."""
    r = 0
    while r < len(grid.ys) - 1:
        bands = stack_bands(grid, r)
        if bands:
            grid = _split_row(grid, r, bands)
            r += len(bands)
        else:
            r += 1
    return grid


def stack_bands(grid: Grid, row: int) -> list[tuple[float, float]] | None:
    """The line bands (top, bottom) of ruled row `row` when it stacks rows: every cell in it spans only
    this row, some cell holds `STACK_MIN` or more lines that are all values, and the lines of all its
    cells fall into as many bands as that cell has lines, one line per band in each cell."""
    cells = [c for c in grid.cells if c.row <= row < c.row + c.row_span]
    if any(c.row_span > 1 for c in cells):
        return None
    tall = [c for c in cells if len(c.lines) >= STACK_MIN and all(is_number_text(ln.text) or ln.text.strip() in
                                                                   ("-", "–", "—") for ln in c.lines)]
    if not tall:
        return None
    reference = max(tall, key=lambda c: len(c.lines))
    bands = [(ln.top, ln.bottom) for ln in reference.lines]
    for cell in cells:
        used = [_band_of(ln, bands) for ln in cell.lines]
        if any(u is None for u in used) or len(set(used)) != len(used):
            return None
    return bands


def _band_of(line: TextLine, bands: list[tuple[float, float]]) -> int | None:
    """The band whose vertical middle the line's middle is closest to, if within half a line height."""
    middle = (line.top + line.bottom) / 2
    best = min(range(len(bands)), key=lambda i: abs((bands[i][0] + bands[i][1]) / 2 - middle))
    return best if abs((bands[best][0] + bands[best][1]) / 2 - middle) <= 0.5 * line.height else None


def _split_row(grid: Grid, row: int, bands: list[tuple[float, float]]) -> Grid:
    """Grid row `row` cut between its line bands: each of its cells becomes one cell per band."""
    cuts = [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(bands)]
    ys = grid.ys[:row + 1] + tuple(cuts) + grid.ys[row + 1:]
    extra = len(cuts)
    cells: list[GridCell] = []
    for c in grid.cells:
        if c.row > row:
            cells.append(GridCell(c.row + extra, c.col, c.row_span, c.col_span, c.bbox, c.lines))
        elif c.row + c.row_span <= row:
            cells.append(c)
        else:
            for i in range(len(bands)):
                lines = tuple(ln for ln in c.lines if _band_of(ln, bands) == i)
                box = (c.bbox[0], ys[row + i], c.bbox[2], ys[row + i + 1])
                cells.append(GridCell(row + i, c.col, 1, c.col_span, box, lines))
    return Grid(grid.xs, ys, tuple(sorted(cells, key=lambda c: (c.row, c.col))))

