"""PDF → `Document`: text lines and paragraphs, headings by font size, tables stitched across pages.

Pipeline, one page at a time (pages are closed as soon as they are read):
PDFium glyphs and ruling segments (`_pdf_page`) → ruled grids filled with
their glyphs (`_pdf_grid`) → the remaining glyphs as lines (`_pdf_text`).
Then, over the whole document: running headers/footers and bare page
numbers are dropped, runs of lines aligned in columns become unruled tables
(`_pdf_unruled`), the other lines become paragraphs, larger fonts become headings
(levels by size rank), a unit line or caption just above a table becomes its
`unit_hint`/`caption`, and tables continued on the next page are stitched
(`_pdf_tables`). Pages whose text layer is unreadable (glyphs without a
Unicode mapping) or missing (image only) are reported as issues; there is
no OCR.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from extractors.document import Block, Document, Heading, Issue, Paragraph, Source
from extractors.grid import caption_unit_step
from extractors.pdf.lines import (
    TextBlock,
    TextLine,
    body_size,
    drop_running_lines,
    glyphs_to_lines,
    heading_levels,
    lines_to_blocks,
    running_line_keys,
    with_level,
)
from extractors.pdf.page import PageScan, open_pdf, scan_page
from extractors.pdf.rulings import drop_empty_lines, fill_grid, segments_to_grids
from extractors.pdf.tables import PageTable, grid_to_page_table, page_table_to_table, same_columns, stitch
from extractors.pdf.unruled import lines_to_unruled_tables

BROKEN_SHARE = 0.5       # a page with at least this share of unmapped glyphs has a broken text layer
SCAN_COVER = 0.3         # a page without text whose images cover this much of it is a scan
CAPTION_GAP_EM = 2.5     # a caption or unit line ends at most this many em above its table

_PLACEHOLDER_TITLE = re.compile(r"^(무제|제목\s*없음|untitled|microsoft word - .*|.*\.(hwpx?|docx?|pdf))$", re.I)
_CAPTION = re.compile(r"^\s*([<〈\[［【]\s*(표|그림)?|표\s*[\dⅠ-Ⅹ]+[.:\s])")


@dataclass(frozen=True)
class PageLayout:
    """One page after reading: its free text lines, its ruled tables, and what is wrong with its text layer."""

    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]
    tables: tuple[PageTable, ...]
    problem: tuple[str, str] | None = None


Item = TextBlock | PageTable


def extract(path: Path) -> Document:
    """Read a PDF with a text layer into a `Document` (see the module docstring)."""
    path = Path(path)
    pdf = open_pdf(path)
    try:
        layouts = [scan_to_layout(scan_page(pdf, i)) for i in range(len(pdf))]
        metadata = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    items = stitch_items(layouts_to_items(layouts))
    blocks = items_to_blocks(items)
    title = _title(metadata.get("Title"), blocks)
    meta = tuple((k.lower(), v) for k, v in metadata.items() if k in ("Producer", "Creator"))
    return Document(path=str(path), format="pdf", blocks=tuple(blocks), title=title, pages=len(layouts),
                    issues=layout_issues(layouts), meta=meta)


def _title(printed: str | None, blocks: list[Block]) -> str | None:
    """The metadata title unless it is a placeholder ("무제", "Untitled", a file name), else the first heading."""
    if printed and not _PLACEHOLDER_TITLE.match(printed.strip()):
        return printed.strip()
    return next((b.title for b in blocks if isinstance(b, Heading)), None)


def page_problem(scan: PageScan) -> tuple[str, str] | None:
    """('broken-text-layer' | 'no-text-layer', reason) for an unreadable page, else None."""
    total = len(scan.glyphs)
    if total >= 5 and scan.unmapped >= BROKEN_SHARE * total:
        return ("broken-text-layer", f"{scan.unmapped} of {total} glyphs have no Unicode mapping")
    if total == 0 and scan.image_cover >= SCAN_COVER:
        return ("no-text-layer", f"no text, images cover {scan.image_cover:.0%} of the page")
    return None


def scan_to_layout(scan: PageScan) -> PageLayout:
    """Ruled tables filled with their glyphs, the other glyphs as lines; nothing for unreadable pages."""
    problem = page_problem(scan)
    if problem:
        return PageLayout(scan.number, scan.width, scan.height, (), (), problem)
    glyphs = list(scan.glyphs)
    tables: list[PageTable] = []
    for grid in segments_to_grids(scan.segments):
        filled, glyphs = fill_grid(grid, glyphs)
        if any(cell.text for cell in filled.cells):
            tables.append(grid_to_page_table(drop_empty_lines(filled), scan.number))
    return PageLayout(scan.number, scan.width, scan.height, tuple(glyphs_to_lines(glyphs)), tuple(tables))


def layout_issues(layouts: list[PageLayout]) -> tuple[Issue, ...]:
    """One issue per kind of unreadable page, listing the pages and the reason for each."""
    issues = []
    for code, what in (("broken-text-layer", "unreadable text layer"), ("no-text-layer", "no text layer")):
        bad = [(p.number, p.problem[1]) for p in layouts if p.problem and p.problem[0] == code]
        if bad:
            pages = ", ".join(str(n) for n, _ in bad)
            reasons = "; ".join(f"page {n}: {why}" for n, why in bad[:5])
            message = f"{what} on page(s) {pages} ({reasons}); their text is left out, OCR is not supported"
            issues.append(Issue(code, message, Source(page=bad[0][0])))
    return tuple(issues)


def layouts_to_items(layouts: list[PageLayout]) -> list[tuple[int, list[Item]]]:
    """Per page, text blocks and tables (ruled, then unruled ones found among the lines) in reading order (top
    to bottom), running lines dropped."""
    running = running_line_keys([(p.height, list(p.lines)) for p in layouts])
    edges = _right_edges(layouts)
    pages = []
    for layout in layouts:
        lines = drop_running_lines(list(layout.lines), layout.height, running)
        unruled, lines = lines_to_unruled_tables(lines, layout.number, [t.bbox for t in layout.tables])
        tables = [*layout.tables, *unruled]
        pages.append((layout.number, _page_items(lines, layout.number, tables, edges[round(layout.width)])))
    body = body_size([b for _, items in pages for b in items if isinstance(b, TextBlock)])
    levels = heading_levels([b for _, items in pages for b in items if isinstance(b, TextBlock)], body)
    return [(n, [with_level(i, levels, body) if isinstance(i, TextBlock) else i for i in items]) for n, items in pages]


def _right_edges(layouts: list[PageLayout]) -> dict[int, float]:
    """Page width → the right edge of the text column (95th percentile of line ends on such pages)."""
    ends: dict[int, list[float]] = {}
    for layout in layouts:
        ends.setdefault(round(layout.width), []).extend(line.x1 for line in layout.lines)
    return {w: (statistics.quantiles(xs, n=20)[-1] if len(xs) >= 2 else (xs[0] if xs else float(w)))
            for w, xs in ends.items()}


def _page_items(lines: list[TextLine], page: int, tables: list[PageTable], right_edge: float) -> list[Item]:
    """Lines grouped into blocks between tables, interleaved with the tables by vertical position."""
    items: list[Item] = []
    run: list[TextLine] = []
    line_no = 1
    tables = sorted(tables, key=lambda t: t.bbox[1])
    for line in lines:
        while tables and tables[0].bbox[1] < line.top:
            items.extend(lines_to_blocks(run, page, line_no - len(run), right_edge))
            items.append(tables.pop(0))
            run = []
        run.append(line)
        line_no += 1
    items.extend(lines_to_blocks(run, page, line_no - len(run), right_edge))
    return items + tables


def stitch_items(pages: list[tuple[int, list[Item]]]) -> list[Item]:
    """Flatten pages, joining a table that opens a page to a same-columns table that closed the previous one."""
    out: list[Item] = []
    previous_page_last: Item | None = None
    for number, items in pages:
        for index, item in enumerate(items):
            last = out[-1] if out else None
            if (index == 0 and isinstance(item, PageTable) and isinstance(last, PageTable)
                    and last is previous_page_last and last.page_end == number - 1 and same_columns(last, item)):
                out[-1] = stitch(last, item)
            else:
                out.append(item)
        previous_page_last = out[-1] if items else None
    return out


def items_to_blocks(items: list[Item]) -> list[Block]:
    """Document blocks; a unit line or caption right above a table goes into the table."""
    blocks: list[Block] = []
    pending: list[TextBlock] = []
    for item in items:
        if isinstance(item, TextBlock):
            pending.append(item)
            continue
        caption, unit, used = _caption_and_unit(pending, item)
        blocks.extend(_text_block(b) for b in pending[:len(pending) - used])
        blocks.append(page_table_to_table(item, caption, unit))
        pending = []
    blocks.extend(_text_block(b) for b in pending)
    return blocks


def _caption_and_unit(before: list[TextBlock], table: PageTable) -> tuple[str | None, str | None, int]:
    """(caption, unit_hint, blocks used) from the one or two blocks just above the table on its page.

    The nearest block may be a unit line ("(단위 : 백만원)"); the block above
    that, or the nearest one, may be a caption ("<표 3> ...", or any line
    ending in a unit part, whose unit part then becomes the hint).
    """
    caption = unit = None
    used = 0
    top = table.bbox[1]
    for block in reversed(before[-2:]):
        if block.level or block.page != table.page or top - block.bbox[3] > CAPTION_GAP_EM * block.size:
            break
        step = caption_unit_step(block.text, caption, unit, bool(_CAPTION.match(block.text)))
        if step is None:
            break
        caption, unit = step
        used += 1
        top = block.bbox[1]
    return caption, unit, used


def _text_block(block: TextBlock) -> Block:
    """A heading or paragraph with its page, first line number and bbox."""
    source = Source(page=block.page, line=block.line_no, bbox=(round(block.bbox[0], 1), round(block.bbox[1], 1), round(block.bbox[2], 1),
                                                                 round(block.bbox[3], 1)))
    if block.level:
        return Heading(level=block.level, title=block.text, source=source)
    return Paragraph(text=block.text, source=source)
