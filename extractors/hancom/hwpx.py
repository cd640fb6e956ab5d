"""HWPX (OWPML, KS X 6101) -> `Document`: a zip of XML parts read with lxml (DTDs, entities, network off).

Sections are read in the order of the `Contents/content.hpf` spine (falling
back to section0, section1, ...); the zip limits, refusals and XML safety are
in `extractors.hancom.package`. `Contents/header.xml` is read only for what
headings and list markers need: style names, each `hh:paraPr`'s `hh:heading`
(OUTLINE/NUMBER/BULLET with level), numbering templates and bullet characters.

Reading order: a paragraph's runs are read in order; a table or a text box
(`hp:drawText` inside `hp:rect`, `hp:container`...) ends the text before it,
is emitted where it is anchored, and the text after it becomes a new paragraph
with the same source line. Footnote and endnote paragraphs follow their anchor
paragraph (or, inside a table, the table). Page headers/footers, hidden
comments, pictures, equations, charts and form controls are skipped.

Tables: anchor cells from `hp:cellAddr`/`hp:cellSpan`, cell text = its
paragraphs joined with one space (numbering and bullets included), header rows
from `hp:tc header="1"` or else inferred. A nested table is emitted as its own
`Table` right after the outer one (pre-order) and its text is kept out of the
outer cell.

Composed characters (`hp:compose`, 글자 겹치기) print as their `composeText`,
a number in a circle as its circled number (`common.compose_to_text`).

Pages: `pageBreak="1"`, section starts and the cached line positions
(`hp:lineseg vertpos`/`horzpos`) of each section's top-level paragraphs give
every block its page (`common.Pager`); the document's `pages` is the count
when the file carries `hp:linesegarray` (generated files may not).

Source: `Source(line=n)` where n is the 1-based ordinal of the paragraph
(`hp:p`) in document order, counting every paragraph walked (body, table
cells, captions, text boxes, notes) depth-first as stored; a table carries its
anchor paragraph's line, a cell the line of its first paragraph.

Issues (recoverable): package-unreadable, header-missing, header-unreadable,
section-unreadable, encoding-defect (a section read after replacing invalid
characters), table-cell-clipped, table-cell-overlap.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from extractors.document import Cell, Document, ExtractError, Issue, Source
from extractors.hancom.common import (
    Flow,
    HeadDefs,
    LevelFormat,
    LineSeg,
    Numberer,
    Pager,
    ParaFormat,
    RawItem,
    RawPara,
    as_notes,
    blocks_to_title,
    blocks_without_pages,
    clean_text,
    compose_to_text,
    flags_start_line,
    flow_of,
    header_height,
    items_to_blocks,
    paged_table,
    row_heights,
    split_cell_items,
)
from extractors.hancom.package import (
    Element,
    ParseError,
    checked_names,
    children,
    descendants,
    describe_mimetype,
    int_attr,
    local_name,
    open_zip,
    package_meta,
    parse_member,
    parse_member_mended,
    read_package,
)

_INLINE_TEXT = {"tab": " ", "lineBreak": " ", "nbSpace": " ", "fwSpace": " ", "hyphen": "-"}
"""What inline elements inside `hp:t` print as; others (marks, bookmarks) print nothing."""
_NOTE_TAGS = {"footNote", "endNote"}
_CIRCLE_TYPES = {"SHAPE_CIRCLE", "SHAPE_REVERSAL_CIRCLE"}
"""`hp:compose circleType` values that draw a circle around the composed characters."""


@dataclass(frozen=True)
class _Header:
    """What header.xml says about paragraphs: style names and paragraph heads by id."""

    styles: Mapping[str, str] = field(default_factory=dict)
    heads: Mapping[str, tuple[str, int, int]] = field(default_factory=dict)
    defs: HeadDefs = field(default_factory=lambda: HeadDefs({}, {}))

    def format_of(self, para_pr: str | None, style: str | None, outline_ref: int) -> ParaFormat:
        """The `ParaFormat` of a paragraph from its paraPrIDRef and styleIDRef."""
        head, ref, level = self.heads.get(para_pr or "", ("none", 0, 0))
        if head == "outline":
            ref = outline_ref
        return ParaFormat(style=self.styles.get(style or ""), head=head, level=level, ref=ref)


@dataclass
class _Walk:
    """State while walking one document: paragraph ordinal, numbering counters, issues."""

    header: _Header
    numberer: Numberer
    issues: list[Issue] = field(default_factory=list)
    line: int = 0
    outline_ref: int = 1
    pager: Pager = field(default_factory=Pager)
    page: int | None = None
    depth: int = 0   # tables inside tables: 0 in the body text


def extract(path: Path) -> Document:
    """Read an HWPX file into a `Document`; raises `ExtractError` naming what is wrong and what would work."""
    path = Path(path)
    with open_zip(path) as archive:
        names = checked_names(archive, path.stat().st_size)
        package = read_package(archive, names)
        if not package.sections:
            raise ExtractError(f"{path.name}: no Contents/section0.xml in the zip "
                               f"({describe_mimetype(archive, names)}); the file is not HWPX or is incomplete; "
                               "re-save it from Hangul")
        header, issues = _header(archive, names)
        walk = _Walk(header, Numberer(header.defs), list(package.issues) + issues)
        items = _sections_items(archive, list(package.sections), walk, path)
        meta = package_meta(archive, names, package)
    blocks = items_to_blocks(items)
    blocks = blocks if walk.pager.known() else blocks_without_pages(blocks)
    return Document(path=str(path), format="hwpx", blocks=blocks, title=blocks_to_title(blocks, package.title),
                    pages=walk.pager.count(), issues=tuple(walk.issues), meta=meta)


def _header(archive: zipfile.ZipFile, names: set[str]) -> tuple[_Header, list[Issue]]:
    """Styles, paragraph heads, numberings and bullets from Contents/header.xml."""
    if "Contents/header.xml" not in names:
        return _Header(), [Issue("header-missing", "no Contents/header.xml; headings come from text only")]
    try:
        root = parse_member(archive, "Contents/header.xml")
    except ParseError as error:
        return _Header(), [Issue("header-unreadable", f"Contents/header.xml is not well-formed XML: {error}")]
    styles = {s.get("id", ""): s.get("name", "") for s in descendants(root, "style")}
    heads = {p.get("id", ""): _para_head(p) for p in descendants(root, "paraPr")}
    numberings = {int_attr(n, "id"): _numbering_levels(n) for n in descendants(root, "numbering")}
    bullets = {int_attr(b, "id"): b.get("char", "") for b in descendants(root, "bullet")}
    return _Header(styles, heads, HeadDefs(numberings, bullets)), []


def _para_head(para_pr: Element) -> tuple[str, int, int]:
    """(kind, numbering/bullet id, 0-based level) of an `hh:paraPr` from its `hh:heading`."""
    heading = next(descendants(para_pr, "heading"), None)
    if heading is None:
        return ("none", 0, 0)
    kind = heading.get("type", "NONE").lower()
    return (kind if kind in ("outline", "number", "bullet") else "none",
            int_attr(heading, "idRef"), int_attr(heading, "level"))


def _numbering_levels(numbering: Element) -> tuple[LevelFormat, ...]:
    """The `hh:paraHead` levels of one `hh:numbering`, in level order."""
    heads = sorted(children(numbering, "paraHead"), key=lambda h: int_attr(h, "level", 1))
    return tuple(LevelFormat(h.text or "", h.get("numFormat", "DIGIT"), int_attr(h, "start", 1)) for h in heads)


def _sections_items(archive: zipfile.ZipFile, sections: list[str], walk: _Walk, path: Path) -> list[RawItem]:
    """Raw items of every readable section; one that fails to parse is an issue, all failing an error."""
    items: list[RawItem] = []
    failures = 0
    for name in sections:
        try:
            root, replaced = parse_member_mended(archive, name)
        except ParseError as error:
            failures += 1
            walk.issues.append(Issue("section-unreadable", f"{name} is not well-formed XML ({error}); skipped"))
            continue
        if replaced:
            walk.issues.append(Issue("encoding-defect", f"{name}: {replaced} character(s) not valid in XML "
                                                        "(bytes that are not UTF-8, lone surrogates) replaced"))
        items.extend(_section_items(root, walk))
    if failures == len(sections):
        raise ExtractError(f"{path.name}: no section could be parsed; re-save the file from Hangul")
    return items


def _section_items(section: Element, walk: _Walk) -> list[RawItem]:
    """Raw items of one `hs:sec`, with the section's outline numbering id in effect."""
    paragraphs = list(children(section, "p"))
    sec_pr = next((el for p in paragraphs[:1] for el in descendants(p, "secPr")), None)
    if sec_pr is not None:
        walk.outline_ref = int_attr(sec_pr, "outlineShapeIDRef", 1)
    walk.pager.section(_page_body(sec_pr))
    items: list[RawItem] = []
    for p in paragraphs:
        walk.page = walk.pager.paragraph(p.get("pageBreak") == "1", _line_segs(p))
        items.extend(_paragraph_to_items(p, walk))
    return items


def _page_body(sec_pr: Element | None) -> int:
    """The page body's height from `hp:pagePr` (its height, its width when landscape ("NARROWLY"), less the
    top, bottom, header and footer margins); 0 when the section does not say."""
    page = next(children(sec_pr, "pagePr"), None) if sec_pr is not None else None
    if page is None:
        return 0
    margin = next(children(page, "margin"), None)
    paper = int_attr(page, "width" if page.get("landscape") == "NARROWLY" else "height")
    return max(0, paper - sum(int_attr(margin, side) for side in ("top", "bottom", "header", "footer")))


def _table_flow(table: Element, cells: list[Cell], heights: list[int]) -> Flow | None:
    """An `hp:tbl`'s place in the text flow (`hp:pos`, `textWrap`; its rows' heights from its cells' `hp:cellSz`
    in `heights`), or None for a table beside or over the text."""
    pos = next(children(table, "pos"), None)
    rows = row_heights([(c.row, c.row_span, h) for c, h in zip(cells, heights)], int_attr(table, "rowCnt"))
    header = header_height(rows, [c.row for c in cells if c.is_header]) if table.get("repeatHeader") == "1" else 0
    height = max(int_attr(next(children(table, "sz"), None), "height"), sum(rows))
    return flow_of(pos is not None and pos.get("treatAsChar") == "1", table.get("textWrap", ""),
                   pos is not None and pos.get("vertRelTo") == "PARA", height, int_attr(pos, "vertOffset"), rows,
                   header, splits=table.get("pageBreak") != "NONE")


def _line_segs(paragraph: Element) -> list[LineSeg]:
    """The cached layout of a paragraph's lines (`hp:linesegarray`), empty when the file has none."""
    return [LineSeg(int_attr(seg, "vertpos"), int_attr(seg, "horzpos"), flags_start_line(int_attr(seg, "flags")),
                    int_attr(seg, "vertsize"))
            for array in children(paragraph, "linesegarray") for seg in children(array, "lineseg")]


def _paragraph_to_items(paragraph: Element, walk: _Walk) -> list[RawItem]:
    """One `hp:p` as raw items: text pieces split around tables and text boxes, then its notes."""
    walk.line += 1
    line = walk.line
    fmt = walk.header.format_of(paragraph.get("paraPrIDRef"), paragraph.get("styleIDRef"), walk.outline_ref)
    marker = walk.numberer.marker(fmt)
    items: list[RawItem] = []
    notes: list[RawItem] = []
    text: list[str] = []

    def flush() -> None:
        nonlocal marker
        piece = clean_text("".join(text))
        text.clear()
        if piece:
            items.append(RawPara(piece, fmt, line, marker, page=walk.page))
            marker = None

    for run in children(paragraph, "run"):
        for child in run:
            tag = local_name(child)
            if tag == "t":
                text.append(_t_text(child))
            elif tag == "compose":
                text.append(compose_to_text(child.get("composeText", ""), child.get("circleType") in _CIRCLE_TYPES))
            elif tag == "tbl":
                flush()
                items.extend(_table_to_items(child, walk, line))
            elif tag == "ctrl":
                notes.extend(_note_items(child, walk))
            elif shape_items := _shape_items(child, walk):
                flush()
                items.extend(shape_items)
    flush()
    return items + notes


def _t_text(t: Element) -> str:
    """An `hp:t`'s text with inline tabs, line breaks and special spaces as spaces."""
    parts = [t.text or ""]
    for child in t:
        parts.append(_INLINE_TEXT.get(local_name(child), ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _note_items(ctrl: Element, walk: _Walk) -> list[RawItem]:
    """Paragraphs of the footnotes and endnotes in an `hp:ctrl` (headers, footers, fields give none)."""
    return as_notes([item for note in ctrl if local_name(note) in _NOTE_TAGS
                     for p in _sublist_paragraphs(note) for item in _paragraph_to_items(p, walk)])


def _shape_items(shape: Element, walk: _Walk) -> list[RawItem]:
    """Paragraphs of the text boxes (`hp:drawText`) and captions of a drawing object, group members included."""
    return [item for text_list in _text_lists(shape)
            for p in _sublist_paragraphs(text_list) for item in _paragraph_to_items(p, walk)]


def _text_lists(element: Element) -> Iterator[Element]:
    """`hp:drawText` and `hp:caption` elements under `element`, not looking inside one found."""
    for child in element:
        if local_name(child) in ("drawText", "caption"):
            yield child
        else:
            yield from _text_lists(child)


def _table_to_items(table: Element, walk: _Walk, line: int) -> list[RawItem]:
    """An `hp:tbl` as its `Table` followed by the tables nested in its cells (pre-order)."""
    measured = walk.depth == 0 and walk.pager.measuring   # a table in the body text may run over pages
    walk.depth += 1
    try:
        caption, nested = split_cell_items([i for el in children(table, "caption")
                                            for p in _sublist_paragraphs(el) for i in _paragraph_to_items(p, walk)])
        cells: list[Cell] = []
        heights: list[int] = []
        for tc in (tc for tr in children(table, "tr") for tc in children(tr, "tc")):
            cell, inner = _tc_to_cell(tc, walk)
            cells.append(cell)
            nested.extend(inner)
            if measured:
                heights.append(int_attr(next(children(tc, "cellSz"), None), "height"))
    finally:
        walk.depth -= 1
    end, row_pages = walk.pager.place(_table_flow(table, cells, heights)) if measured else (None, None)
    built, issues = paged_table(cells, int_attr(table, "rowCnt"), int_attr(table, "colCnt"), caption, line,
                                walk.page, row_pages, end)
    walk.issues.extend(issues)
    return [built, *nested]


def _tc_to_cell(tc: Element, walk: _Walk) -> tuple[Cell, list[RawItem]]:
    """An `hp:tc` as an anchor `Cell` and the items printed outside it (nested tables, notes)."""
    address = next(children(tc, "cellAddr"), None)
    span = next(children(tc, "cellSpan"), None)
    first_line = walk.line + 1
    text, outside = split_cell_items([i for p in _sublist_paragraphs(tc) for i in _paragraph_to_items(p, walk)])
    cell = Cell(row=int_attr(address, "rowAddr"), col=int_attr(address, "colAddr"), text=text,
                row_span=max(1, int_attr(span, "rowSpan", 1)), col_span=max(1, int_attr(span, "colSpan", 1)),
                is_header=tc.get("header") == "1",
                source=Source(page=walk.page, line=first_line if walk.line >= first_line else None))
    return cell, outside


def _sublist_paragraphs(element: Element) -> Iterator[Element]:
    """The `hp:p` children of an element's `hp:subList`."""
    for sub in children(element, "subList"):
        yield from children(sub, "p")
__all__ = ["extract"]
