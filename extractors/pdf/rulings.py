"""Ruled PDF tables: ruling segments → grids of (possibly merged) cells → cell texts.

Instead of running a table finder on every page, the grid is built straight
from the ruling lines PDFium reports: collinear pieces are merged (dotted
borders arrive as thousands of dots), touching horizontal and vertical lines
form one component, and each component's distinct x/y positions give atomic
cells. Two neighbouring atomic cells belong to one merged cell when no ruling
line separates them, which yields row and column spans directly from the
geometry. Pages without ruling lines cost nothing.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from extractors.pdf.lines import glyphs_to_lines, lines_to_text
from extractors.pdf.page import Glyph, Segment

SNAP = 3.0        # ruling positions closer than this are one line (double borders, line widths)
JOIN = 3.0        # collinear pieces with gaps up to this are one line (dotted and dashed borders)
MIN_RULE = 6.0    # merged lines shorter than this are not rulings (dots, ticks)
MAX_SEGMENTS = 20000  # pages with more rulings than this (vector drawings) get no ruled tables

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridCell:
    """One cell of a ruled grid with its text; `row`/`col` index atomic rows/columns."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: Box
    text: str = ""


@dataclass(frozen=True)
class Grid:
    """A ruled table on one page: atomic column bounds `xs`, row bounds `ys`, anchor cells."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridCell, ...]

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def segments_to_grids(segments: tuple[Segment, ...] | list[Segment]) -> list[Grid]:
    """Every ruled grid on a page with at least two rows and two columns of cells, top to bottom."""
    if not segments or len(segments) > MAX_SEGMENTS:
        return []
    horizontal = merge_collinear([s for s in segments if not s.vertical])
    vertical = merge_collinear([s for s in segments if s.vertical])
    grids = [grid for hs, vs in _components(horizontal, vertical) if (grid := component_to_grid(hs, vs))]
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


def merge_collinear(segments: list[Segment]) -> list[Segment]:
    """Snap positions within `SNAP`, join pieces with gaps up to `JOIN`, drop results under `MIN_RULE`."""
    out: list[Segment] = []
    for group in _position_groups(sorted(segments, key=lambda s: s.pos)):
        pos = sum(s.pos for s in group) / len(group)
        pieces = sorted(group, key=lambda s: s.start)
        start, end = pieces[0].start, pieces[0].end
        for piece in pieces[1:]:
            if piece.start <= end + JOIN:
                end = max(end, piece.end)
                continue
            out.append(Segment(group[0].vertical, pos, start, end))
            start, end = piece.start, piece.end
        out.append(Segment(group[0].vertical, pos, start, end))
    return [s for s in out if s.end - s.start >= MIN_RULE]


def _position_groups(ordered: list[Segment]) -> list[list[Segment]]:
    """Segments sorted by position, cut wherever the position jumps by more than `SNAP` from the group start."""
    groups: list[list[Segment]] = []
    for segment in ordered:
        if groups and segment.pos - groups[-1][0].pos <= SNAP:
            groups[-1].append(segment)
        else:
            groups.append([segment])
    return groups


def _components(horizontal: list[Segment], vertical: list[Segment]) -> list[tuple[list[Segment], list[Segment]]]:
    """Groups of horizontal and vertical lines that touch each other (union-find)."""
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_start = sorted(range(len(vertical)), key=lambda j: vertical[j].pos)
    positions = [vertical[j].pos for j in by_start]
    for i, h in enumerate(horizontal):
        lo = bisect.bisect_left(positions, h.start - SNAP)
        hi = bisect.bisect_right(positions, h.end + SNAP)
        for j in by_start[lo:hi]:
            v = vertical[j]
            if v.start - SNAP <= h.pos <= v.end + SNAP:
                parent[find(i)] = find(len(horizontal) + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        groups.setdefault(find(len(horizontal) + j), ([], []))[1].append(v)
    return [(hs, vs) for hs, vs in groups.values() if len(hs) >= 2 and len(vs) >= 1]


def _cluster(values: list[float]) -> list[float]:
    """Sorted distinct positions, values within `SNAP` of a cluster's first value averaged."""
    clusters: list[list[float]] = []
    for value in sorted(values):
        if clusters and value - clusters[-1][0] <= SNAP:
            clusters[-1].append(value)
        else:
            clusters.append([value])
    return [sum(c) / len(c) for c in clusters]


def _covers(lines: list[Segment], pos: float, start: float, end: float) -> bool:
    """Whether some line at `pos` runs from `start` to `end` (within `SNAP`)."""
    return any(abs(s.pos - pos) <= SNAP and s.start <= start + SNAP and s.end >= end - SNAP for s in lines)


def component_to_grid(horizontal: list[Segment], vertical: list[Segment]) -> Grid | None:
    """The grid of one component, or None when it is not a table (fewer than 2×2 cells).

    Atomic cells lie between consecutive distinct x (vertical lines, ends of
    horizontal lines) and y positions; neighbours without a ruling line
    between them merge. A merged region that is not a rectangle is split
    into per-row runs so that no text is lost or repeated.
    """
    xs = _cluster([s.pos for s in vertical] + [s.start for s in horizontal] + [s.end for s in horizontal])
    ys = _cluster([s.pos for s in horizontal] + [s.start for s in vertical] + [s.end for s in vertical])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1:
        return None
    owner = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covers(vertical, xs[c + 1], ys[r], ys[r + 1]):
                owner[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not _covers(horizontal, ys[r + 1], xs[c], xs[c + 1]):
                owner[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    cells = _regions_to_cells([find(i) for i in range(n_rows * n_cols)], n_rows, n_cols, xs, ys)
    if len(cells) < 2 or all(c.col_span == n_cols for c in cells) or all(c.row_span == n_rows for c in cells):
        return None
    return Grid(tuple(xs), tuple(ys), tuple(cells))


def _regions_to_cells(region: list[int], n_rows: int, n_cols: int,
                      xs: list[float], ys: list[float]) -> list[GridCell]:
    """Anchor cells for merged regions (rectangles), splitting non-rectangular ones into row runs."""
    members: dict[int, list[tuple[int, int]]] = {}
    for i, root in enumerate(region):
        members.setdefault(root, []).append(divmod(i, n_cols))
    cells: list[GridCell] = []
    for positions in members.values():
        rows = [p[0] for p in positions]
        cols = [p[1] for p in positions]
        r0, r1, c0, c1 = min(rows), max(rows), min(cols), max(cols)
        if len(positions) == (r1 - r0 + 1) * (c1 - c0 + 1):
            cells.append(_cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, xs, ys))
        else:
            cells.extend(_row_runs(sorted(positions), xs, ys))
    return sorted(cells, key=lambda c: (c.row, c.col))


def _row_runs(positions: list[tuple[int, int]], xs: list[float], ys: list[float]) -> list[GridCell]:
    """Contiguous runs of (row, col) positions within each row, as single-row cells."""
    cells: list[GridCell] = []
    start = positions[0]
    for previous, current in zip(positions, positions[1:] + [(-1, -1)]):
        if current != (previous[0], previous[1] + 1):
            cells.append(_cell(start[0], start[1], 1, previous[1] - start[1] + 1, xs, ys))
            start = current
    return cells


def _cell(row: int, col: int, row_span: int, col_span: int, xs: list[float], ys: list[float]) -> GridCell:
    return GridCell(row, col, row_span, col_span, (xs[col], ys[row], xs[col + col_span], ys[row + row_span]))


def fill_grid(grid: Grid, glyphs: list[Glyph]) -> tuple[Grid, list[Glyph]]:
    """Put each glyph whose centre lies inside the grid into its cell; return the filled grid and the rest.

    Cell text is the cell's lines top to bottom joined with a space.
    """
    x0, top, x1, bottom = grid.bbox
    n_cols = len(grid.xs) - 1
    anchor_of = {}
    for index, cell in enumerate(grid.cells):
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                anchor_of[(r, c)] = index
    inside: list[list[Glyph]] = [[] for _ in grid.cells]
    rest: list[Glyph] = []
    for glyph in glyphs:
        cx, cy = (glyph.x0 + glyph.x1) / 2, (glyph.top + glyph.bottom) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            rest.append(glyph)
            continue
        c = min(max(bisect.bisect_right(grid.xs, cx) - 1, 0), n_cols - 1)
        r = min(max(bisect.bisect_right(grid.ys, cy) - 1, 0), len(grid.ys) - 2)
        inside[anchor_of[(r, c)]].append(glyph)
    cells = tuple(GridCell(c.row, c.col, c.row_span, c.col_span, c.bbox, lines_to_text(glyphs_to_lines(g)))
                  for c, g in zip(grid.cells, inside))
    return Grid(grid.xs, grid.ys, cells), rest


def drop_empty_lines(grid: Grid) -> Grid:
    """Remove atomic rows and columns that hold only empty single-span cells (ruling artefacts)."""
    rows = _empty_lines(grid, lambda c: (c.row, c.row_span), len(grid.ys) - 1)
    cols = _empty_lines(grid, lambda c: (c.col, c.col_span), len(grid.xs) - 1)
    if not rows and not cols:
        return grid
    keep_r = [i for i in range(len(grid.ys) - 1) if i not in rows]
    keep_c = [i for i in range(len(grid.xs) - 1) if i not in cols]
    new_r = {old: new for new, old in enumerate(keep_r)}
    new_c = {old: new for new, old in enumerate(keep_c)}
    cells = tuple(GridCell(new_r[c.row], new_c[c.col], c.row_span, c.col_span, c.bbox, c.text)
                  for c in grid.cells if c.row in new_r and c.col in new_c)
    return Grid(_kept_bounds(grid.xs, keep_c), _kept_bounds(grid.ys, keep_r), cells)


def _kept_bounds(bounds: tuple[float, ...], keep: list[int]) -> tuple[float, ...]:
    """Bounds of the kept intervals: each kept interval's start, then the last one's end."""
    return tuple(bounds[i] for i in keep) + (bounds[keep[-1] + 1],) if keep else bounds


def _empty_lines(grid: Grid, axis, count: int) -> set[int]:
    """Indices on one axis where every cell touching it is empty and spans only it."""
    empty = set(range(count))
    for cell in grid.cells:
        start, span = axis(cell)
        if cell.text or span > 1:
            empty.difference_update(range(start, start + span))
    return empty
