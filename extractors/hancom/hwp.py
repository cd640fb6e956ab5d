"""HWP 5.0 binary -> `Document`: an OLE compound file read with olefile (BSD), records parsed here.

Parser choice and licence: `olefile` only opens the compound file; the
FileHeader, DocInfo and BodyText/SectionN record streams are parsed by our own
code from Hancom's published format document (한글 문서 파일 형식 5.0), see
`extractors.hancom.records`. No pyhwp (AGPL) code or dependency is used.

Refused with `ExtractError`: HWP 3.x and older (not OLE), HWPX renamed to .hwp,
password-encrypted and DRM-protected documents. Distribution (배포용) documents
are read: their body is in ViewText/SectionN streams, AES-128 encrypted with a
key the stream itself carries (`records.decrypt_view_text`); the document is
`ok` and says so in its metadata (`("protection", "distribution")`), since
nothing was lost.

Reading order and blocks are as for HWPX (`extractors.hancom.hwpx`): a paragraph's
text is split around its tables and text boxes (`gso` controls with a list of
paragraphs), footnotes and endnotes follow their paragraph, page
headers/footers, hidden comments, pictures, equations and fields' data are
skipped. Tables: TABLE record for the row/column counts, one LIST_HEADER per
cell (column, row, spans, header-cell flag at property bit 18) followed by the
cell's paragraphs; a LIST_HEADER before the TABLE record is the caption.
Nested tables follow their outer table as separate blocks, their text kept
out of the outer cell.

Composed characters ('tcps' controls, 글자 겹침) print as their characters,
a number in a circle as its circled number (`common.compose_to_text`).

Pages: the PARA_HEADER break bits (표 59: section 0x01, page 0x04), section
starts and the PARA_LINE_SEG line positions (표 62) of each section's
top-level paragraphs give every block its page (`common.Pager`); the
document's `pages` is the count when the file carries PARA_LINE_SEG records.

Source: `Source(line=n)` with n the 1-based ordinal of the paragraph
(PARA_HEADER) in stream order, counting body, cell, caption, text-box and
note paragraphs; a table has its anchor paragraph's line, a cell the line of
its first paragraph.

Issues (recoverable): encoding-defect (lone surrogates in paragraph text), docinfo-unreadable, docinfo-truncated, section-unreadable,
section-truncated, record-unknown, control-missing, table-record-missing,
table-cell-short, table-cell-clipped, table-cell-overlap.
"""
from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import olefile

from extractors.document import Cell, Document, ExtractError, Issue, Source
from extractors.grid import TooLarge
from extractors.hancom.common import (
    Flow,
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
    in_flow,
    items_to_blocks,
    paged_table,
    row_heights,
    split_cell_items,
)
from extractors.hancom.records import (
    FLAG_CERT_DRM,
    FLAG_CERT_ENCRYPTED,
    FLAG_DRM,
    FLAG_PASSWORD,
    HWPTAG_BEGIN,
    HWPTAG_END,
    TAG_CTRL_HEADER,
    TAG_LIST_HEADER,
    TAG_PAGE_DEF,
    TAG_PARA_HEADER,
    TAG_PARA_LINE_SEG,
    TAG_PARA_TEXT,
    TAG_TABLE,
    DocInfo,
    FileHeader,
    Record,
    ctrl_id,
    decrypt_view_text,
    docinfo_to_info,
    inflate,
    para_text_to_pieces,
    read_file_header,
    records_to_tree,
    stream_to_records,
    summary_title,
)

_SECTION_STREAM = re.compile(r"^Section(\d+)$")
_NOTE_CONTROLS = {"fn  ", "en  "}
_HEADER_CELL_BIT = 1 << 18
_PAGE_STARTS = 0x01 | 0x04
"""표 59 PARA_HEADER break-type bits that start a page: section break, page break (0x02/0x08 are column ones)."""
_LINE_SEG_BYTES = 36
_CELL_SIZE = struct.Struct("<I4HII")
"""표 79-80 from a cell LIST_HEADER's byte 4: properties, column, row, column span, row span, width, height."""
_TEXT_WRAPS = ("SQUARE", "TOP_AND_BOTTOM", "BEHIND_TEXT", "IN_FRONT_OF_TEXT")
"""표 70 object attribute bits 21-23: how text flows around an object (bit 0: treated as a character; bits 3-4:
vertical position relative to paper 0, page 1 or paragraph 2)."""
_CIRCLE_BORDERS = {1, 2}
"""표 (글자 겹침) border types that draw a circle: circle, reversed circle."""


@dataclass
class _Walk:
    """State while walking one document: DocInfo, paragraph ordinal, numbering counters, issues."""

    info: DocInfo
    numberer: Numberer
    issues: list[Issue] = field(default_factory=list)
    line: int = 0
    outline_ref: int = 1
    defects: int = 0
    pager: Pager = field(default_factory=Pager)
    page: int | None = None
    depth: int = 0   # tables inside tables: 0 in the body text

    def format_of(self, header: bytes) -> ParaFormat:
        """표 58: the `ParaFormat` from a PARA_HEADER's paragraph shape and style ids."""
        shape_id, style_id = struct.unpack_from("<HB", header, 8) if len(header) >= 11 else (0, 0)
        shapes, styles = self.info.para_shapes, self.info.styles
        shape = shapes[shape_id] if shape_id < len(shapes) else None
        style = styles[style_id] if style_id < len(styles) else None
        if shape is None:
            return ParaFormat(style=style)
        ref = self.outline_ref if shape.head == "outline" else shape.ref
        return ParaFormat(style=style, head=shape.head, level=shape.level, ref=ref)


def extract(path: Path) -> Document:
    """Read an HWP 5.x file into a `Document`; raises `ExtractError` naming what is wrong and what would work."""
    path = Path(path)
    with _open_ole(path) as ole:
        header = _file_header(ole, path)
        info, issues = _docinfo(ole, header)
        walk = _Walk(info, Numberer(info.defs), issues)
        storage = "ViewText" if header.distribution else "BodyText"
        sections = _section_streams(ole, storage)
        if not sections:
            raise ExtractError(f"{path.name}: no {storage}/Section0 stream; the file is damaged")
        items = _sections_items(ole, header, sections, walk, path)
        title = _summary_title(ole)
    if walk.defects:
        walk.issues.append(Issue("encoding-defect", f"{walk.defects} character(s) of paragraph text are not valid "
                                                    "UTF-16 (lone surrogates); replaced with U+FFFD"))
    blocks = items_to_blocks(items)
    blocks = blocks if walk.pager.known() else blocks_without_pages(blocks)
    meta = [("hwp_version", header.version), ("compressed", str(header.compressed).lower()),
            ("sections", str(len(sections)))] + ([("summary_title", title)] if title else []) + (
        [("protection", "distribution")] if header.distribution else [])
    return Document(path=str(path), format="hwp", blocks=blocks, title=blocks_to_title(blocks, title),
                    pages=walk.pager.count(), issues=tuple(walk.issues), meta=tuple(meta))


def _open_ole(path: Path) -> olefile.OleFileIO:
    """The OLE compound file, or `ExtractError` saying what the file is instead."""
    with open(path, "rb") as handle:
        head = handle.read(32)
    if not head:
        raise ExtractError(f"empty file: {path.name} has no bytes, so no HWP document")
    if head.startswith(b"HWP Document File V"):
        raise ExtractError(f"{path.name} is HWP 3.x (or older); HWP 3.x is not supported: "
                           "open it in Hangul and save as HWP 5/HWPX")
    if zipfile.is_zipfile(path):
        raise ExtractError(f"{path.name} is a zip (HWPX) file, not an HWP 5 binary; rename it to .hwpx")
    if not olefile.isOleFile(str(path)):
        raise ExtractError(f"{path.name} is not an OLE compound file, so not HWP 5; "
                           "the file is damaged or has the wrong suffix")
    try:
        return olefile.OleFileIO(str(path))
    except (OSError, ValueError, struct.error) as error:
        raise ExtractError(f"{path.name}: corrupt OLE compound file ({error})") from error


def _stream(ole: olefile.OleFileIO, name: list[str]) -> bytes:
    """One stream's bytes, `ExtractError` when it is missing or unreadable."""
    try:
        return ole.openstream(name).read()
    except (OSError, ValueError, struct.error) as error:
        raise ExtractError(f"stream {'/'.join(name)!r} is missing or unreadable ({error})") from error


def _file_header(ole: olefile.OleFileIO, path: Path) -> FileHeader:
    """표 3 of a readable HWP 5 document; `ExtractError` for other OLE files and protected documents."""
    if not ole.exists("FileHeader"):
        raise ExtractError(f"{path.name} is an OLE file without an HWP FileHeader: not an HWP document "
                           "(maybe .doc/.xls renamed?)")
    header = read_file_header(_stream(ole, ["FileHeader"]))
    _refuse_protected(header, path)
    return header


def _summary_title(ole: olefile.OleFileIO) -> str | None:
    """The title typed in Hangul's document summary, when the stream is there and readable."""
    try:
        return summary_title(_stream(ole, ["\x05HwpSummaryInformation"]))
    except ExtractError:
        return None


def _refuse_protected(header: FileHeader, path: Path) -> None:
    """`ExtractError` for versions other than 5.x and for password-encrypted and DRM documents."""
    if not header.version.startswith("5."):
        raise ExtractError(f"{path.name}: HWP version {header.version} is not supported; save as HWP 5/HWPX")
    if header.flags & (FLAG_PASSWORD | FLAG_CERT_ENCRYPTED):
        raise ExtractError("HWP file is password-encrypted; open it in Hangul, remove the password "
                           "and save as HWPX or PDF")
    if header.flags & (FLAG_DRM | FLAG_CERT_DRM):
        raise ExtractError("HWP file is DRM-protected; export it from an authorised Hangul as PDF or HWPX")


def _docinfo(ole: olefile.OleFileIO, header: FileHeader) -> tuple[DocInfo, list[Issue]]:
    """Styles and paragraph heads from DocInfo; an unreadable DocInfo is an issue, not an error."""
    try:
        data = _stream(ole, ["DocInfo"])
        records, truncated = stream_to_records(inflate(data) if header.compressed else data)
        issues = [Issue("docinfo-truncated", "DocInfo ends inside a record")] if truncated else []
        return docinfo_to_info(records), issues
    except (ExtractError, ValueError, struct.error, UnicodeDecodeError) as error:
        return DocInfo(), [Issue("docinfo-unreadable", f"DocInfo unreadable ({error}); no headings from styles")]


def _section_streams(ole: olefile.OleFileIO, storage: str) -> list[list[str]]:
    """`storage`/SectionN stream paths (BodyText, or ViewText for distribution documents) in section order."""
    found = [(int(m.group(1)), entry) for entry in ole.listdir()
             if len(entry) == 2 and entry[0] == storage and (m := _SECTION_STREAM.match(entry[1]))]
    return [entry for _, entry in sorted(found)]


def _sections_items(ole: olefile.OleFileIO, header: FileHeader, sections: list[list[str]],
                    walk: _Walk, path: Path) -> list[RawItem]:
    """Raw items of every readable section; one failing is an issue, all failing an error."""
    items: list[RawItem] = []
    failures = 0
    for name in sections:
        try:
            data = _stream(ole, name)
            data = decrypt_view_text(data) if header.distribution else data
            records, truncated = stream_to_records(inflate(data) if header.compressed else data)
        except TooLarge:
            raise
        except (ExtractError, ValueError) as error:
            failures += 1
            walk.issues.append(Issue("section-unreadable", f"{'/'.join(name)} unreadable ({error}); skipped"))
            continue
        if truncated:
            walk.issues.append(Issue("section-truncated", f"{'/'.join(name)} ends inside a record"))
        if unknown := sorted({tag for tag, _, _ in records if not HWPTAG_BEGIN <= tag < HWPTAG_END}):
            walk.issues.append(Issue("record-unknown", f"{'/'.join(name)} has records with unknown tags "
                                                       f"{unknown}; skipped"))
        try:
            items.extend(_section_items(records_to_tree(records), walk))
        except RecursionError as error:
            raise TooLarge(f"{'/'.join(name)} nests controls (tables in tables, text boxes) too deeply "
                           "to read; refused") from error
    if failures == len(sections):
        raise ExtractError(f"{path.name}: no BodyText section could be read; re-save the file from Hangul")
    return items


def _section_items(roots: tuple[Record, ...], walk: _Walk) -> list[RawItem]:
    """Raw items of a section's top-level paragraphs, with its outline numbering id (secd) in effect."""
    paragraphs = [r for r in roots if r.tag == TAG_PARA_HEADER]
    body = 0
    for control in (c for p in paragraphs[:1] for c in p.children if c.tag == TAG_CTRL_HEADER):
        if ctrl_id(control) == "secd":
            if len(control.data) >= 20:
                walk.outline_ref = struct.unpack_from("<H", control.data, 18)[0]
            body = _page_body(control)
    walk.pager.section(body)
    items: list[RawItem] = []
    for p in paragraphs:
        breaks = p.data[11] if len(p.data) > 11 else 0
        walk.page = walk.pager.paragraph(bool(breaks & _PAGE_STARTS), _line_segs(p))
        items.extend(_paragraph_to_items(p, walk))
    return items


def _page_body(section_def: Record) -> int:
    """표 131 PAGE_DEF under a section definition: the page body's height (the paper's height, its width
    when landscape, less the top, bottom, header and footer margins); 0 without the record."""
    page_def = next((c for c in section_def.children if c.tag == TAG_PAGE_DEF and len(c.data) >= 40), None)
    if page_def is None:
        return 0
    width, height, _, _, top, bottom, header, footer, _, attributes = struct.unpack_from("<10I", page_def.data)
    return max(0, (width if attributes & 1 else height) - top - bottom - header - footer)


def _table_flow(control: Record, at: int) -> Flow | None:
    """A 'tbl ' control's place in the text flow (표 69-70 common object attributes; its TABLE record at
    child `at`, 표 75; its height from the cells' heights of 표 80), or None for a table beside or over
    the text."""
    if len(control.data) < 24:
        return None
    attributes, offset, _, _, declared = struct.unpack_from("<IiiII", control.data, 4)
    wrap = _TEXT_WRAPS[(attributes >> 21) & 7] if (attributes >> 21) & 7 < len(_TEXT_WRAPS) else ""
    inline, relative_to_paragraph = bool(attributes & 1), (attributes >> 3) & 3 == 2
    if not in_flow(inline, wrap, relative_to_paragraph):
        return None   # its cells need not be read
    table_attributes, n_rows = struct.unpack_from("<IH", control.children[at].data)
    cells = [_CELL_SIZE.unpack_from(c.data, 4) for c in control.children[at + 1:]
             if c.tag == TAG_LIST_HEADER and len(c.data) >= 24]   # (props, col, row, col span, row span, _, height)
    rows = row_heights([(row, span, height) for _, _, row, _, span, _, height in cells], n_rows)
    header = header_height(rows, [row for props, _, row, *_ in cells if props & _HEADER_CELL_BIT]) \
        if table_attributes & 4 else 0   # 표 75 bit 2: header rows repeated on each page
    return flow_of(inline, wrap, relative_to_paragraph, max(declared, sum(rows)), offset, rows, header,
                   splits=bool(table_attributes & 3))   # bits 0-1: split at a page end (0: never)


def _line_segs(paragraph: Record) -> list[LineSeg]:
    """표 62: the cached layout of a paragraph's lines (PARA_LINE_SEG), empty when the file has none."""
    record = next((c for c in paragraph.children if c.tag == TAG_PARA_LINE_SEG), None)
    if record is None:
        return []
    segs = (struct.unpack_from("<IiiiiiiiI", record.data, at)
            for at in range(0, len(record.data) - _LINE_SEG_BYTES + 1, _LINE_SEG_BYTES))
    return [LineSeg(vert, horz, flags_start_line(flags), height)
            for _, vert, height, _, _, _, horz, _, flags in segs]


def _paragraph_to_items(paragraph: Record, walk: _Walk) -> list[RawItem]:
    """One PARA_HEADER as raw items: text split around tables and text boxes, then its notes."""
    walk.line += 1
    line = walk.line
    fmt = walk.format_of(paragraph.data)
    marker = walk.numberer.marker(fmt)
    controls = [c for c in paragraph.children if c.tag == TAG_CTRL_HEADER]
    text_record = next((c for c in paragraph.children if c.tag == TAG_PARA_TEXT), None)
    pieces = para_text_to_pieces(text_record.data) if text_record else []
    if text_record is not None and (replaced := sum(p.count("\ufffd") for p in pieces if isinstance(p, str))):
        walk.defects += max(0, replaced - text_record.data.count("\ufffd".encode("utf-16le")))
    items: list[RawItem] = []
    notes: list[RawItem] = []
    text: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            text.append(piece)
            continue
        if piece >= len(controls):
            walk.issues.append(Issue("control-missing", "paragraph text names a control with no CTRL_HEADER "
                                                        "record; skipped", Source(line=line)))
            continue
        control = controls[piece]
        if ctrl_id(control) == "tcps":
            text.append(_composed_text(control.data))
        elif ctrl_id(control) in _NOTE_CONTROLS:
            notes.extend(as_notes(_list_items(control.children, walk)))
        elif produced := _control_to_items(control, walk, line):
            flushed = _flush(text, fmt, line, marker, walk.page)
            marker = None if flushed else marker
            items.extend(flushed + produced)
    return items + _flush(text, fmt, line, marker, walk.page) + notes


def _flush(text: list[str], fmt: ParaFormat, line: int, marker: str | None, page: int | None) -> list[RawItem]:
    """The collected text as one `RawPara` (none when blank), emptying `text`."""
    piece = clean_text("".join(text))
    text.clear()
    return [RawPara(piece, fmt, line, marker, page=page)] if piece else []


def _composed_text(data: bytes) -> str:
    """표 (글자 겹침): the characters of a 'tcps' control (WORD count, WCHARs, border type), as printed."""
    if len(data) < 6:
        return ""
    (count,) = struct.unpack_from("<H", data, 4)
    chars = data[6:6 + 2 * count].decode("utf-16le", "replace").replace("\x00", "")
    border = data[6 + 2 * count] if len(data) > 6 + 2 * count else 0
    return compose_to_text(chars, border in _CIRCLE_BORDERS)


def _control_to_items(control: Record, walk: _Walk, line: int) -> list[RawItem]:
    """A table's items, or a drawing object's text-box paragraphs; nothing for other controls."""
    kind = ctrl_id(control)
    if kind == "tbl ":
        return _table_to_items(control, walk, line)
    if kind == "gso ":
        return [item for p in _text_box_paragraphs(control) for item in _paragraph_to_items(p, walk)]
    return []


def _text_box_paragraphs(node: Record) -> Iterator[Record]:
    """Paragraphs of the paragraph lists (text boxes, captions) under a drawing object, group members included."""
    for _, paragraphs in _paragraph_lists(node.children):
        yield from paragraphs
    for child in node.children:
        if child.tag not in (TAG_PARA_HEADER, TAG_LIST_HEADER):
            yield from _text_box_paragraphs(child)


def _paragraph_lists(records: tuple[Record, ...]) -> list[tuple[Record, list[Record]]]:
    """Sibling records grouped as (LIST_HEADER, the PARA_HEADERs after it)."""
    groups: list[tuple[Record, list[Record]]] = []
    for record in records:
        if record.tag == TAG_LIST_HEADER:
            groups.append((record, []))
        elif record.tag == TAG_PARA_HEADER and groups:
            groups[-1][1].append(record)
    return groups


def _list_items(records: tuple[Record, ...], walk: _Walk) -> list[RawItem]:
    """Raw items of every paragraph list among `records` (footnote and endnote bodies)."""
    return [item for _, paragraphs in _paragraph_lists(records) for p in paragraphs
            for item in _paragraph_to_items(p, walk)]


def _table_to_items(control: Record, walk: _Walk, line: int) -> list[RawItem]:
    """A 'tbl ' control as its `Table` followed by the tables nested in its cells (pre-order)."""
    at = next((i for i, c in enumerate(control.children) if c.tag == TAG_TABLE), None)
    if at is None or len(control.children[at].data) < 8:
        walk.issues.append(Issue("table-record-missing", "a table control has no TABLE record; skipped",
                                 Source(line=line)))
        return []
    n_rows, n_cols = struct.unpack_from("<HH", control.children[at].data, 4)
    end, row_pages = walk.pager.place(_table_flow(control, at)) if walk.depth == 0 and walk.pager.measuring \
        else (None, None)
    walk.depth += 1
    try:
        caption, nested = split_cell_items(_list_items(control.children[:at], walk))
        cells: list[Cell] = []
        for list_header, paragraphs in _paragraph_lists(control.children[at + 1:]):
            cell, inner = _cell_to_cell(list_header, paragraphs, walk)
            if cell is not None:
                cells.append(cell)
                nested.extend(inner)
    finally:
        walk.depth -= 1
    table, issues = paged_table(cells, n_rows, n_cols, caption, line, walk.page, row_pages, end)
    walk.issues.extend(issues)
    return [table, *nested]


def _cell_to_cell(list_header: Record, paragraphs: list[Record], walk: _Walk) -> tuple[Cell | None, list[RawItem]]:
    """표 79/80: a cell LIST_HEADER and its paragraphs as an anchor `Cell` and the items printed outside it."""
    if len(list_header.data) < 16:
        walk.issues.append(Issue("table-cell-short", "a table cell header is too short; cell skipped"))
        return None, []
    (props,) = struct.unpack_from("<I", list_header.data, 4)
    col, row, col_span, row_span = struct.unpack_from("<4H", list_header.data, 8)
    first_line = walk.line + 1
    text, outside = split_cell_items([i for p in paragraphs for i in _paragraph_to_items(p, walk)])
    cell = Cell(row=row, col=col, text=text, row_span=max(1, row_span), col_span=max(1, col_span),
                is_header=bool(props & _HEADER_CELL_BIT),
                source=Source(page=walk.page, line=first_line if paragraphs else None))
    return cell, outside
__all__ = ["extract"]
