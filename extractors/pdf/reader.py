"""PDF → `Document`: text lines and paragraphs, headings by font size, tables stitched across pages.

Pipeline, one page at a time (pages are closed as soon as they are read):
PDFium glyphs and ruling segments (`page`) → ruled grids (`rulings`) sorted
into tables, boxed titles and drawings, each table cell holding its glyphs
as lines (`regions`) → the remaining glyphs as lines (`lines`). Then, over
the whole document: word statistics tell which line wraps fall inside a
word (`words`), cells and paragraphs are joined with them, running
headers/footers and bare page numbers are dropped, runs of lines aligned in
columns become unruled tables (`unruled`), the other lines become
paragraphs, larger fonts and boxed titles become headings (levels by size
rank), a drawing's text is kept box by box (numbered and bulleted lines as
list items, so a diagram opens no section), a unit line or caption just
above a table or in its top row becomes its `unit_hint`/`caption`, and
tables continued on the next page are stitched (`tables`). Pages whose text
layer is unreadable (glyphs without a Unicode mapping) or missing (image
only), and pages PDFium cannot load, are reported as issues; there is no
OCR.
"""
from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from extractors.document import (
    FONTS_NOT_EMBEDDED,
    Block,
    Document,
    ExtractError,
    Heading,
    Issue,
    ListItem,
    Paragraph,
    Source,
)
from extractors.grid import caption_unit_step
from extractors.pdf.lines import (
    TextBlock,
    TextLine,
    body_size,
    drop_running_lines,
    glyphs_to_lines,
    heading_levels,
    lines_to_blocks,
    lines_to_text,
    running_line_keys,
    with_level,
)
from extractors.pdf.page import PageScan, PageUnreadable, open_pdf, scan_page
from extractors.pdf.regions import page_regions
from extractors.pdf.rulings import Box, Grid, segments_to_grids
from extractors.pdf.tables import (
    PageTable,
    grid_to_page_table,
    lead_title_rows,
    page_table_to_table,
    same_columns,
    stitch,
)
from extractors.pdf.unruled import lines_to_unruled_tables
from extractors.pdf.words import WordStats, texts_to_word_stats, wrap_habit

BROKEN_SHARE = 0.5       # a page with at least this share of unmapped glyphs has a broken text layer
SCAN_COVER = 0.3         # a page without text whose images cover this much of it is a scan
CAPTION_GAP_EM = 2.5     # a caption or unit line ends at most this many em above its table

_PLACEHOLDER_TITLE = re.compile(r"^(무제|제목\s*없음|untitled|microsoft word - .*|.*\.(hwpx?|docx?|pdf))$", re.I)
_CAPTION = re.compile(r"^\s*([<〈\[［【]\s*(표|그림)?|표\s*[\dⅠ-Ⅹ]+[.:\s])")
_LIST_MARKER = re.compile(r"^\s*([□■▣◆◇◈○●◦◎❍▪▫▶►▷➢❖☞⇒→※\-–—·ㆍ•Ÿ§*▲△▴]|ㅇ(?=\s)|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ][.)]|"
                          r"\d{1,2}[.)](?=\s|$)|[가-하][.)](?=\s)|\(\d{1,2}\)|\([가-하]\)|[①-⑳])\s*")
_ISSUES = (("broken-text-layer", "unreadable text layer", "their text is left out, OCR is not supported"),
           ("no-text-layer", "no text layer", "their text is left out, OCR is not supported"),
           ("page-unreadable", "pages PDFium cannot load", "they are left out"))


@dataclass(frozen=True)
class PageLayout:
    """One page after reading: its free text lines, its ruled tables (cells holding their lines), the
    boxes of its boxed titles, its drawing boxes with their lines, and what is wrong with it."""

    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]
    tables: tuple[Grid, ...] = ()
    titles: tuple[Box, ...] = ()
    drawings: tuple[tuple[Box, tuple[TextLine, ...]], ...] = ()
    problem: tuple[str, str] | None = None
    substituted_fonts: tuple[str, ...] = ()


Item = TextBlock | PageTable


def extract(path: Path) -> Document:
    """Read a PDF with a text layer into a `Document` (see the module docstring)."""
    path = Path(path)
    pdf = open_pdf(path)
    try:
        layouts = [page_to_layout(pdf, i) for i in range(len(pdf))]
        metadata = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    unreadable = [p for p in layouts if p.problem and p.problem[0] == "page-unreadable"]
    if len(unreadable) == len(layouts):
        raise ExtractError(f"{path.name}: PDFium cannot load any of its {len(layouts)} page(s) "
                           f"({unreadable[0].problem[1] if unreadable[0].problem else ''})")
    stats = wrap_habit(texts_to_word_stats(layout_texts(layouts)), layout_wraps(layouts))
    items = stitch_items(layouts_to_items(layouts, stats))
    blocks = items_to_blocks(items)
    title = _title(metadata.get("Title"), blocks)
    meta = tuple((k.lower(), v) for k, v in metadata.items() if k in ("Producer", "Creator"))
    return Document(path=str(path), format="pdf", blocks=tuple(blocks), title=title, pages=len(layouts),
                    issues=layout_issues(layouts), meta=meta)


def _title(printed: str | None, blocks: list[Block]) -> str | None:
    """The metadata title unless it is a placeholder ("무제", "Untitled", a file name), else the first heading
    of the top level (the largest font)."""
    if printed and not _PLACEHOLDER_TITLE.match(printed.strip()):
        return printed.strip()
    headings = [b for b in blocks if isinstance(b, Heading)]
    top = min((h.level for h in headings), default=0)
    return next((h.title for h in headings if h.level == top), None)


def page_problem(scan: PageScan) -> tuple[str, str] | None:
    """('broken-text-layer' | 'no-text-layer', reason) for an unreadable page, else None."""
    total = len(scan.glyphs)
    if total >= 5 and scan.unmapped >= BROKEN_SHARE * total:
        return ("broken-text-layer", f"{scan.unmapped} of {total} glyphs have no Unicode mapping")
    if total == 0 and scan.image_cover >= SCAN_COVER:
        return ("no-text-layer", f"no text, images cover {scan.image_cover:.0%} of the page")
    return None


def page_to_layout(pdf, index: int) -> PageLayout:
    """Page `index` (0-based) read and laid out; a page PDFium cannot load is an empty layout saying so."""
    try:
        scan = scan_page(pdf, index)
    except PageUnreadable as exc:
        return PageLayout(index + 1, 0.0, 0.0, (), problem=("page-unreadable", str(exc)))
    return scan_to_layout(scan)


def scan_to_layout(scan: PageScan) -> PageLayout:
    """Ruled regions filled with their glyphs, the other glyphs as lines; nothing for unreadable pages."""
    problem = page_problem(scan)
    if problem:
        return PageLayout(scan.number, scan.width, scan.height, (), problem=problem,
                          substituted_fonts=scan.substituted_fonts)
    regions = page_regions(segments_to_grids(scan.segments, scan.width, scan.height, scan.dots),
                           list(scan.glyphs), scan.width)
    return PageLayout(scan.number, scan.width, scan.height, tuple(glyphs_to_lines(regions.glyphs)),
                      regions.tables, regions.titles, regions.drawings, substituted_fonts=scan.substituted_fonts)


def layout_texts(layouts: list[PageLayout]) -> Iterator[str]:
    """The text of every printed line of the document (free, in table cells, in drawings)."""
    for layout in layouts:
        yield from (line.text for line in layout.lines)
        yield from (line.text for grid in layout.tables for cell in grid.cells for line in cell.lines)
        yield from (line.text for _, lines in layout.drawings for line in lines)


def layout_wraps(layouts: list[PageLayout]) -> Iterator[tuple[str, str]]:
    """(line, next line) texts wherever a full line (ending within two em of the longest line's end on its
    page or in its cell) is followed by another: the places a line may have wrapped."""
    for layout in layouts:
        runs = [list(layout.lines)] + [list(c.lines) for g in layout.tables for c in g.cells if len(c.lines) > 1]
        for lines in runs:
            right = max((ln.x1 for ln in lines), default=0.0)
            yield from ((a.text, b.text) for a, b in itertools.pairwise(lines) if a.x1 >= right - 2 * a.size)


def layout_issues(layouts: list[PageLayout]) -> tuple[Issue, ...]:
    """One issue per kind of unreadable page, listing the pages and the reason for each."""
    issues = []
    for code, what, consequence in _ISSUES:
        bad = [(p.number, p.problem[1]) for p in layouts if p.problem and p.problem[0] == code]
        if bad:
            pages = ", ".join(str(n) for n, _ in bad)
            reasons = "; ".join(f"page {n}: {why}" for n, why in bad[:5])
            issues.append(Issue(code, f"{what} on page(s) {pages} ({reasons}); {consequence}", Source(page=bad[0][0])))
    substituted = [p for p in layouts if p.substituted_fonts]
    if substituted:
        names = sorted({name for p in substituted for name in p.substituted_fonts})
        issues.append(Issue(FONTS_NOT_EMBEDDED,
                            f"fonts not embedded in the file: {', '.join(names[:8])}{' …' if len(names) > 8 else ''} "
                            f"(on {len(substituted)} page(s) from page {substituted[0].number}): PDFium prints them with "
                            "fonts of this machine (Noto CJK for Korean: make deps installs it), so glyph boxes follow "
                            "those fonts and may differ by a point or two between machines",
                            Source(page=substituted[0].number)))
    return tuple(issues)


def layouts_to_items(layouts: list[PageLayout], stats: WordStats | None = None) -> list[tuple[int, list[Item]]]:
    """Per page, text blocks and tables (ruled, then unruled ones found among the lines) in reading order (top
    to bottom), running lines dropped."""
    running = running_line_keys([(p.height, list(p.lines)) for p in layouts])
    edges = _right_edges(layouts)
    pages = []
    for layout in layouts:
        lines = drop_running_lines(list(layout.lines), layout.height, running)
        ruled = [grid_to_page_table(g, layout.number, stats) for g in layout.tables]
        boxes = [t.bbox for t in ruled] + [box for box, _ in layout.drawings]
        unruled, lines = lines_to_unruled_tables(lines, layout.number, boxes, stats)
        fixed: list[tuple[float, Item]] = [(t.bbox[1], t) for t in [*ruled, *unruled]]
        fixed += [(_drawing_top(layout), b) for b in drawing_blocks(layout, stats)]
        items = _page_items(lines, layout, fixed, edges.get(round(layout.width), 0.0), stats)
        pages.append((layout.number, items))
    text = [b for _, items in pages for b in items if isinstance(b, TextBlock) and not b.drawing]
    body = body_size(text)
    levels = heading_levels(text, body)
    return [(n, [with_level(i, levels, body) if isinstance(i, TextBlock) else i for i in items]) for n, items in pages]


def drawing_blocks(layout: PageLayout, stats: WordStats | None) -> list[TextBlock]:
    """The text of a page's drawing boxes, box by box (top to bottom, left to right): a box's lines make one
    paragraph, except that a numbered or bulleted line opens a block of its own (a list item); all are
    marked `drawing`."""
    blocks = []
    for _, lines in sorted(layout.drawings, key=lambda d: (round(d[0][1]), d[0][0])):
        groups: list[list[TextLine]] = []
        for line in lines:
            if not groups or _opens_list_item(line.text):
                groups.append([])
            groups[-1].append(line)
        for group in groups:
            bbox = (min(ln.x0 for ln in group), group[0].top, max(ln.x1 for ln in group), group[-1].bottom)
            blocks.append(TextBlock(lines_to_text(group, stats), layout.number, 0, bbox, group[0].size,
                                    group[0].bold, drawing=True))
    return blocks


def _opens_list_item(text: str) -> bool:
    """A line opening with a bullet or item number followed by text."""
    marker = _LIST_MARKER.match(text)
    return bool(marker and text[marker.end():].strip())


def _right_edges(layouts: list[PageLayout]) -> dict[int, float]:
    """Page width → the right edge of the text column (95th percentile of line ends on such pages)."""
    ends: dict[int, list[float]] = {}
    for layout in layouts:
        ends.setdefault(round(layout.width), []).extend(line.x1 for line in layout.lines)
    return {w: (statistics.quantiles(xs, n=20)[-1] if len(xs) >= 2 else (xs[0] if xs else float(w)))
            for w, xs in ends.items()}


def _drawing_top(layout: PageLayout) -> float:
    """Where a page's drawing starts: the top of its highest box (its text is read as one stretch)."""
    return min((box[1] for box, _ in layout.drawings), default=0.0)


def _page_items(lines: list[TextLine], layout: PageLayout, fixed: list[tuple[float, Item]], right_edge: float,
                stats: WordStats | None) -> list[Item]:
    """Lines grouped into blocks between the fixed items (tables, drawing text, each with the top it is
    placed at), interleaved with them by vertical position; a line in a boxed title's box is a block of its
    own, marked `boxed`."""
    page = layout.number
    items: list[Item] = []
    run: list[TextLine] = []
    line_no = 1
    pending = [item for _, item in sorted(fixed, key=lambda f: f[0])]
    tops = sorted(top for top, _ in fixed)
    for line in lines:
        while pending and tops[0] < line.top:
            items.extend(lines_to_blocks(run, page, line_no - len(run), right_edge, stats))
            items.append(pending.pop(0))
            tops.pop(0)
            run = []
        if _in_any(line, layout.titles):
            items.extend(lines_to_blocks(run, page, line_no - len(run), right_edge, stats))
            items.extend(replace(b, boxed=True) for b in lines_to_blocks([line], page, line_no, right_edge, stats))
            run = []
        else:
            run.append(line)
        line_no += 1
    items.extend(lines_to_blocks(run, page, line_no - len(run), right_edge, stats))
    return items + pending


def _in_any(line: TextLine, boxes: tuple[Box, ...]) -> bool:
    """Whether the line's middle lies in one of the boxes."""
    cx, cy = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


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
    """Document blocks; a unit line or caption right above a table, or in its top row, goes into the table."""
    blocks: list[Block] = []
    pending: list[TextBlock] = []
    for item in items:
        if isinstance(item, TextBlock):
            pending.append(item)
            continue
        caption, unit, used = _caption_and_unit(pending, item)
        table, own_caption, own_unit = lead_title_rows(item)
        blocks.extend(_text_block(b) for b in pending[:len(pending) - used])
        blocks.append(page_table_to_table(table, caption or own_caption, unit or own_unit))
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
        if (block.level or block.drawing or block.page != table.page
                or top - block.bbox[3] > CAPTION_GAP_EM * block.size):
            break
        step = caption_unit_step(block.text, caption, unit, bool(_CAPTION.match(block.text)))
        if step is None:
            break
        caption, unit = step
        used += 1
        top = block.bbox[1]
    return caption, unit, used


def _text_block(block: TextBlock) -> Block:
    """A heading or paragraph with its page, first line number and bbox; a drawing's numbered or bulleted
    line is a list item."""
    bbox = (round(block.bbox[0], 1), round(block.bbox[1], 1), round(block.bbox[2], 1), round(block.bbox[3], 1))
    source = Source(page=block.page, line=block.line_no or None, bbox=bbox)
    if block.level:
        return Heading(level=block.level, title=block.text, source=source)
    if block.drawing and _opens_list_item(block.text) and (marker := _LIST_MARKER.match(block.text)):
        return ListItem(text=block.text[marker.end():].strip(), marker=marker.group(1), source=source)
    return Paragraph(text=block.text, source=source)
