"""Ruled PDF regions: ruling segments → grids of (possibly merged) cells → the text lines of each cell.

Instead of running a table finder on every page, the grid is built straight
from the ruling lines PDFium reports: collinear pieces are merged (dotted
borders arrive as thousands of dots), touching horizontal and vertical lines
form one component, and each component's distinct x/y positions give atomic
cells. Two neighbouring atomic cells belong to one merged cell when no ruling
line separates them, which yields row and column spans directly from the
geometry. Shading drawn as stacks of thin strips (Hancom's gradient title
boxes) is not ruling (`drop_hatching`). Every component becomes a grid,
one-cell boxes included; `regions` decides which grids are tables. Pages
without ruling lines cost nothing.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from operator import itemgetter

from extractors.pdf.lines import TextLine, glyphs_to_lines
from extractors.pdf.page import Glyph, Segment

SNAP = 3.0        # ruling positions closer than this are one line (double borders, line widths)
JOIN = 3.0        # collinear pieces with gaps up to this are one line (dotted and dashed borders)
MIN_RULE = 6.0    # merged lines shorter than this are not rulings (dots, ticks)
MAX_SEGMENTS = 20000  # pages with more rulings than this (vector drawings) get no ruled tables
MAX_CROSSINGS = 2_000_000  # more horizontal × vertical rulings than this (after merging) is a drawing
MAX_CELLS = 20000     # a component with more atomic cells than this is a drawing, not a grid
HATCH_GAP = 4.0       # parallel strips this close (and as long as each other) are shading ...
HATCH_MIN = 4         # ... when at least this many lie one above the other

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class GridCell:
    """One cell of a ruled grid with its text lines; `row`/`col` index atomic rows/columns."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: Box
    lines: tuple[TextLine, ...] = ()


@dataclass(frozen=True)
class Grid:
    """A ruled component on one page: atomic column bounds `xs`, row bounds `ys`, anchor cells; `frame` is
    the larger share of its width that a rule covers along its top or its bottom edge."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[GridCell, ...]
    frame: float = 1.0

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])


def segments_to_grids(segments: tuple[Segment, ...] | list[Segment], width: float, height: float,
                      dots: tuple[Box, ...] | list[Box] = ()) -> list[Grid]:
    """Every ruled component of a page (inside its `width` × `height` box) as a grid, top to bottom; `dots`
    are the pieces of dotted borders (`dots_to_segments`)."""
    segments = [*segments, *dots_to_segments(dots)]
    if not segments or len(segments) > MAX_SEGMENTS:
        return []
    segments = drop_hatching(clip_segments(segments, width, height))
    horizontal = merge_collinear([s for s in segments if not s.vertical])
    vertical = merge_collinear([s for s in segments if s.vertical])
    if len(horizontal) * len(vertical) > MAX_CROSSINGS:
        return []
    grids = [grid for hs, vs in _components(horizontal, vertical) if (grid := component_to_grid(hs, vs))]
    return sorted(grids, key=lambda g: (g.ys[0], g.xs[0]))


def dots_to_segments(dots: tuple[Box, ...] | list[Box]) -> list[Segment]:
    """The dotted and dashed lines among dots (boxes x0, top, x1, bottom): dots in one row (same top) or
    column (same x0), each within `JOIN` of the next, make one horizontal or vertical segment through
    their middle; lines shorter than `MIN_RULE` and lone dots are left out."""
    out: list[Segment] = []
    for vertical, order, (along, across, lo, hi) in ((False, itemgetter(1, 0), (1, 3, 0, 2)),
                                                     (True, itemgetter(0, 1), (0, 2, 1, 3))):
        row = start = end = middle = -1e9
        for dot in sorted(dots, key=order):
            if abs(dot[along] - row) < 0.5 and dot[lo] <= end + JOIN:
                if dot[hi] > end:
                    end = dot[hi]
                continue
            if end - start >= MIN_RULE:
                out.append(Segment(vertical, middle, start, end))
            row, start, end, middle = dot[along], dot[lo], dot[hi], (dot[along] + dot[across]) / 2
        if end - start >= MIN_RULE:
            out.append(Segment(vertical, middle, start, end))
    return out


def clip_segments(segments: tuple[Segment, ...] | list[Segment], width: float, height: float) -> list[Segment]:
    """Segments cut to the page box; those wholly outside it dropped (shading runs off the page)."""
    out = []
    for s in segments:
        lo, hi, across = (0.0, height, width) if s.vertical else (0.0, width, height)
        if lo <= s.start and s.end <= hi and 0.0 <= s.pos <= across:
            out.append(s)
        elif -SNAP <= s.pos <= across + SNAP and s.end >= lo and s.start <= hi:
            out.append(Segment(s.vertical, s.pos, max(s.start, lo), min(s.end, hi)))
    return out


def drop_hatching(segments: list[Segment]) -> list[Segment]:
    """Segments without the stacks of parallel strips that draw shading and gradients.

    A stack is `HATCH_MIN` or more segments of the same extent (within one
    point) at distinct positions, each within `HATCH_GAP` of the next,
    spread over more than two `SNAP`s: no text fits between them, so they
    rule nothing. Short pieces (dots of dotted borders) are kept.
    """
    groups: dict[tuple[bool, int, int], list[Segment]] = {}
    for s in segments:
        if s.end - s.start >= MIN_RULE:
            groups.setdefault((s.vertical, round(s.start), round(s.end)), []).append(s)
    hatch: set[Segment] = set()
    for group in groups.values():
        if len(group) < HATCH_MIN:
            continue
        group.sort(key=lambda s: s.pos)
        run = [group[0]]
        for s in group[1:]:
            if s.pos - run[-1].pos > HATCH_GAP:
                hatch.update(run if _is_stack(run) else ())
                run = []
            run.append(s)
        hatch.update(run if _is_stack(run) else ())
    return [s for s in segments if s not in hatch] if hatch else segments


def _is_stack(run: list[Segment]) -> bool:
    """Whether a sorted run of parallel segments is shading: `HATCH_MIN` distinct positions (a rule drawn
    twice counts once) spread over more than two `SNAP`s (a thick rule drawn as a few strokes is one)."""
    return len({round(s.pos, 1) for s in run}) >= HATCH_MIN and run[-1].pos - run[0].pos > 2 * SNAP


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


def _lines_near(lines: list[Segment], positions: list[float]) -> list[list[Segment]]:
    """For each position, the lines lying within `SNAP` of it."""
    ordered = sorted(lines, key=lambda s: s.pos)
    keys = [s.pos for s in ordered]
    return [ordered[bisect.bisect_left(keys, p - SNAP):bisect.bisect_right(keys, p + SNAP)] for p in positions]


def _covers(near: list[Segment], start: float, end: float) -> bool:
    """Whether one of the lines `near` a position runs from `start` to `end` (within `SNAP`)."""
    return any(s.start <= start + SNAP and s.end >= end - SNAP for s in near)


def component_to_grid(horizontal: list[Segment], vertical: list[Segment]) -> Grid | None:
    """The grid of one component (a one-cell box included), or None when it has no cell or more than
    `MAX_CELLS` atomic cells.

    Atomic cells lie between consecutive distinct x (vertical lines, ends of
    horizontal lines) and y positions; neighbours without a ruling line
    between them merge. A merged region that is not a rectangle is split
    into per-row runs so that no text is lost or repeated.
    """
    xs = _cluster([s.pos for s in vertical] + [s.start for s in horizontal] + [s.end for s in horizontal])
    ys = _cluster([s.pos for s in horizontal] + [s.start for s in vertical] + [s.end for s in vertical])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1 or n_rows * n_cols > MAX_CELLS:
        return None
    near_x, near_y = _lines_near(vertical, xs), _lines_near(horizontal, ys)
    owner = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covers(near_x[c + 1], ys[r], ys[r + 1]):
                owner[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and not _covers(near_y[r + 1], xs[c], xs[c + 1]):
                owner[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    cells = _regions_to_cells([find(i) for i in range(n_rows * n_cols)], n_rows, n_cols, xs, ys)
    frame = max(_coverage(near_y[0], xs[0], xs[-1]), _coverage(near_y[-1], xs[0], xs[-1]))
    return Grid(tuple(xs), tuple(ys), tuple(cells), frame)


def _coverage(lines: list[Segment], start: float, end: float) -> float:
    """The share of [start, end] that the lines cover."""
    covered, reach = 0.0, start
    for s in sorted(lines, key=lambda s: s.start):
        lo, hi = max(s.start, reach), min(s.end, end)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return covered / (end - start) if end > start else 0.0


def is_grid_table(grid: Grid) -> bool:
    """Whether a grid's shape can be a table: two or more cells, not one row or one column of them."""
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    cells = grid.cells
    return len(cells) >= 2 and not all(c.col_span == n_cols for c in cells) \
        and not all(c.row_span == n_rows for c in cells)


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


def anchor_point(glyph: Glyph) -> tuple[float, float]:
    """The point that says which cell a glyph is in: a quarter em into it from its origin, at mid height
    (a glyph whose font overstates its width would otherwise spill into the next cell)."""
    width = glyph.x1 - glyph.x0
    return glyph.x0 + 0.25 * (width if width < glyph.size else glyph.size), (glyph.top + glyph.bottom) / 2


def fill_grid(grid: Grid, glyphs: list[Glyph]) -> tuple[Grid, list[Glyph]]:
    """Put each glyph whose `anchor_point` lies inside the grid into its cell; return the filled grid (each
    cell with its text lines) and the rest."""
    x0, top, x1, bottom = grid.bbox
    xs, ys = grid.xs, grid.ys
    n_cols = len(xs) - 1
    last_col, last_row = n_cols - 1, len(ys) - 2
    anchor_of = [0] * (n_cols * (last_row + 1))   # atomic cell (row-major) → index of the cell covering it
    for index, cell in enumerate(grid.cells):
        for r in range(cell.row, cell.row + cell.row_span):
            anchor_of[r * n_cols + cell.col:r * n_cols + cell.col + cell.col_span] = [index] * cell.col_span
    inside: list[list[Glyph]] = [[] for _ in grid.cells]
    rest: list[Glyph] = []
    right = bisect.bisect_right
    for glyph in glyphs:
        width = glyph.x1 - glyph.x0
        cx = glyph.x0 + 0.25 * (width if width < glyph.size else glyph.size)
        cy = (glyph.top + glyph.bottom) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            rest.append(glyph)
            continue
        c = right(xs, cx) - 1
        r = right(ys, cy) - 1
        c = last_col if c > last_col else c if c > 0 else 0
        r = last_row if r > last_row else r if r > 0 else 0
        inside[anchor_of[r * n_cols + c]].append(glyph)
    cells = tuple(_with_lines(c, g) for c, g in zip(grid.cells, inside))
    return Grid(grid.xs, grid.ys, cells, grid.frame), rest


def _with_lines(cell: GridCell, glyphs: list[Glyph]) -> GridCell:
    """The cell holding `glyphs` as text lines (the cell itself when it stays empty)."""
    if not glyphs and not cell.lines:
        return cell
    return GridCell(cell.row, cell.col, cell.row_span, cell.col_span, cell.bbox,
                    tuple(glyphs_to_lines(glyphs)) if glyphs else ())


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
    cells = tuple(GridCell(new_r[c.row], new_c[c.col], c.row_span, c.col_span, c.bbox, c.lines)
                  for c in grid.cells if c.row in new_r and c.col in new_c)
    return Grid(_kept_bounds(grid.xs, keep_c), _kept_bounds(grid.ys, keep_r), cells, grid.frame)


def _kept_bounds(bounds: tuple[float, ...], keep: list[int]) -> tuple[float, ...]:
    """Bounds of the kept intervals: each kept interval's start, then the last one's end."""
    return tuple(bounds[i] for i in keep) + (bounds[keep[-1] + 1],) if keep else bounds


def _empty_lines(grid: Grid, axis, count: int) -> set[int]:
    """Indices on one axis where every cell touching it is empty and spans only it."""
    empty = set(range(count))
    for cell in grid.cells:
        start, span = axis(cell)
        if cell.lines or span > 1:
            empty.difference_update(range(start, start + span))
    return empty
