"""DOCX → `Document`: headings from styles and outline levels, list numbering, tables with real spans.

Body paragraphs and tables are read in order from the XML (content controls
opened). A paragraph is a `Heading` when its style is a heading/outline
style ("Heading 2", "제목 2", "개요 2", as Hangul names them) or it carries an
outline level; Word list numbering (`w:numPr`) is rendered as printed:
numbers ("1.", "가.", "Ⅰ.") go in front of the text, bullets make a
`ListItem`. Tables keep `w:gridSpan`/`w:vMerge` merges as one anchor cell
with its spans (python-docx would repeat the text in every covered cell);
`w:tblHeader` rows are header rows, otherwise `grid.infer_header_rows`
decides; nested tables follow their outer table, text boxes (Hangul's 글상자)
follow the paragraph they are anchored in. A caption ("Caption"/"캡션"
style or a "<표 …>" line) or unit line ("(단위 : 백만원)") next to a table
becomes its `caption`/`unit_hint`. Sources carry `line` = 1-based position
among the body's paragraphs and tables; DOCX has no pages.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from extractors.archive import checked_infos
from extractors.document import Block, Cell, Document, ExtractError, Heading, ListItem, Paragraph, Source, Table
from extractors.docx.numbering import Numbering
from extractors.grid import caption_unit_step, check_table_size, infer_header_rows, lift_title_row

_HEADING_STYLE = re.compile(r"^(heading|제목|개요|outline)\s*(\d)$", re.I)
_CAPTION_STYLE = re.compile(r"^(caption|캡션)$", re.I)
_CAPTION_TEXT = re.compile(r"^\s*[<〈\[]\s*표|^\s*표\s*[\dⅠ-Ⅹ]+[.:\s]")
_TITLE_STYLE = re.compile(r"^(title|제목)$", re.I)
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_LIST_STYLE = re.compile(r"^list (bullet|number|paragraph)\s*(\d)$", re.I)


@dataclass(frozen=True)
class _Para:
    """A body paragraph as read: text, style name, heading level, list marker/depth, caption flag."""

    text: str
    style: str | None
    level: int
    marker: str | None
    bullet: bool
    depth: int
    caption: bool
    line: int


@dataclass(frozen=True)
class _Styles:
    """Style lookups: id → name, id → parent id, id → outline level, id → (numId, ilvl)."""

    names: dict[str, str]
    parents: dict[str, str]
    outline: dict[str, int]
    numbering: dict[str, tuple[str, int]]


def extract(path: Path) -> Document:
    """Read a .docx into a `Document` (see the module docstring)."""
    path = Path(path)
    _check_container(path)
    try:
        package = docx.Document(str(path))
    except etree.LxmlError as exc:   # nesting past libxml2's depth limit, an entity-expansion bomb, broken XML
        raise ExtractError(f"{path.name}: an XML part of the DOCX is refused ({_first_line(exc)})") from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, zlib.error, EOFError, OSError,
            NotImplementedError, RuntimeError) as exc:
        raise ExtractError(f"{path.name}: not a readable DOCX (encrypted, corrupt or another format): {exc}") from exc
    try:
        styles = _read_styles(package)
        numbering = Numbering(_numbering_element(package))
        blocks = _body_to_blocks(package.element.body, styles, numbering)
    except (etree.LxmlError, zlib.error, EOFError, OSError, KeyError) as exc:   # parts python-docx loads lazily
        raise ExtractError(f"{path.name}: a part of the DOCX cannot be read ({_first_line(exc)})") from exc
    core_title = (package.core_properties.title or "").strip()
    title = core_title or next((b.text for b in blocks if isinstance(b, Paragraph) and b.style
                                and _TITLE_STYLE.match(b.style)), None) or next(
        (b.title for b in blocks if isinstance(b, Heading)), None)
    return Document(path=str(path), format="docx", blocks=tuple(blocks), title=title)


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


def _check_container(path: Path) -> None:
    """`ExtractError` for an empty file, a non-zip, and a zip whose members would expand past the limits."""
    size = path.stat().st_size
    if size == 0:
        raise ExtractError(f"empty file: {path.name} has no bytes, so no DOCX")
    if not zipfile.is_zipfile(path):
        raise ExtractError(f"{path.name}: not a readable DOCX (not a zip: encrypted, corrupt or another format)")
    try:
        with zipfile.ZipFile(path) as archive:
            checked_infos(archive, size)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:
        raise ExtractError(f"{path.name}: corrupt DOCX zip ({exc})") from exc


def _numbering_element(package):
    """The `w:numbering` root, or None when the document has no numbering part."""
    try:
        return package.part.numbering_part.element
    except (NotImplementedError, KeyError):
        return None


def _read_styles(package) -> _Styles:
    """Style names, parents, outline levels and list numbering from styles.xml."""
    names, parents, outline, numbering = {}, {}, {}, {}
    for style in package.styles.element.findall(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        name = style.find(qn("w:name"))
        names[sid] = name.get(qn("w:val")) if name is not None else sid
        based = style.find(qn("w:basedOn"))
        if based is not None:
            parents[sid] = based.get(qn("w:val"))
        ppr = style.find(qn("w:pPr"))
        if ppr is not None:
            if (lvl := _outline_level(ppr)) is not None:
                outline[sid] = lvl
            if (num := _num_pr(ppr)) is not None:
                numbering[sid] = num
    return _Styles(names, parents, outline, numbering)


def _outline_level(ppr) -> int | None:
    """`w:outlineLvl` 0–8 of a pPr (9 means body text)."""
    lvl = ppr.find(qn("w:outlineLvl"))
    value = int(lvl.get(qn("w:val"), "9")) if lvl is not None else 9
    return value if value < 9 else None


def _num_pr(ppr) -> tuple[str, int] | None:
    """(numId, ilvl) of a pPr's `w:numPr`; numId "0" switches numbering off."""
    num_pr = ppr.find(qn("w:numPr"))
    if num_pr is None:
        return None
    num_id = num_pr.find(qn("w:numId"))
    ilvl = num_pr.find(qn("w:ilvl"))
    nid = num_id.get(qn("w:val")) if num_id is not None else None
    return (nid, int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0) if nid else None


def _inherited(styles: _Styles, sid: str | None, table: dict):
    """A style property looked up along the basedOn chain."""
    seen = set()
    while sid and sid not in seen:
        if sid in table:
            return table[sid]
        seen.add(sid)
        sid = styles.parents.get(sid)
    return None


def _body_elements(container):
    """Paragraphs and tables of a body or cell, in order, opening content controls (`w:sdt`)."""
    for child in container:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


def _body_to_blocks(body, styles: _Styles, numbering: Numbering) -> list[Block]:
    """Blocks in reading order; captions and unit lines next to tables are folded into the tables."""
    items: list[_Para | list[Table]] = []
    for line, element in enumerate(_body_elements(body), start=1):
        for inner in [element, *_text_box_elements(element)]:
            if inner.tag == qn("w:tbl"):
                items.append(_table_element_to_tables(inner, styles, numbering, line))
            elif (para := _read_paragraph(inner, styles, numbering, line)).text:
                items.append(para)
    return _fold_captions(items)


def _text_box_elements(p) -> list:
    """Paragraphs and tables of text boxes anchored in a body paragraph (after it in reading order).

    Word stores a text box twice (DrawingML and a VML fallback); the fallback
    copy is skipped.
    """
    if p.tag != qn("w:p"):
        return []
    out = []
    for box in p.iter(qn("w:txbxContent")):
        if not any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
            out.extend(_body_elements(box))
    return out


def _paragraph_text(p) -> str:
    """Printed text of a paragraph: runs, tabs and breaks as spaces; deleted text, field codes and text boxes
    (read as their own paragraphs) left out."""
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:noBreakHyphen")):
        if node.tag == qn("w:t"):
            if not _in_text_box(node, p):
                parts.append(node.text or "")
        elif node.tag == qn("w:noBreakHyphen"):
            parts.append("-")
        else:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _in_text_box(node, p) -> bool:
    """Whether a text node sits in a text box anchored in the paragraph."""
    parent = node.getparent()
    while parent is not None and parent is not p:
        if parent.tag == qn("w:txbxContent"):
            return True
        parent = parent.getparent()
    return False


def _read_paragraph(p, styles: _Styles, numbering: Numbering, line: int) -> _Para:
    """A body paragraph with its style, heading level and rendered list marker."""
    ppr = p.find(qn("w:pPr"))
    style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
    sid = style_el.get(qn("w:val")) if style_el is not None else None
    name = styles.names.get(sid, sid) if sid else None
    direct_outline = _outline_level(ppr) if ppr is not None else None
    outline = direct_outline if direct_outline is not None else _inherited(styles, sid, styles.outline)
    match = _HEADING_STYLE.match(name or "") or _HEADING_STYLE.match(sid or "")
    level = int(match.group(2)) if match else (outline + 1 if outline is not None else 0)
    num = (_num_pr(ppr) if ppr is not None else None) or _inherited(styles, sid, styles.numbering)
    marker = numbering.marker(*num) if num else None
    caption = bool(name and _CAPTION_STYLE.match(name)) or bool(sid and _CAPTION_STYLE.match(sid))
    list_style = _LIST_STYLE.match(name or "")
    depth = (num[1] if num else 0) or (int(list_style.group(2)) - 1 if list_style else 0)
    return _Para(_paragraph_text(p), name, level, marker[0] if marker else None,
                 bool(marker and marker[1]), depth, caption, line)


def _para_to_block(para: _Para) -> Block:
    """Heading, ListItem (bullets) or Paragraph; printed numbers go in front of the text."""
    source = Source(line=para.line)
    text = f"{para.marker} {para.text}" if para.marker and not para.bullet else para.text
    if para.level:
        return Heading(level=para.level, title=text, source=source)
    if para.bullet:
        return ListItem(text=para.text, marker=para.marker or "•", depth=para.depth, source=source)
    return Paragraph(text=text, source=source, style=para.style)


def _fold_captions(items: list) -> list[Block]:
    """Turn paragraphs into blocks; a caption/unit line just before (or a caption just after) a table joins it."""
    blocks: list[Block] = []
    pending: list[_Para] = []
    taken: set[int] = set()
    for index, item in enumerate(items):
        if index in taken:
            continue
        if isinstance(item, _Para):
            pending.append(item)
            continue
        caption, unit, used = _caption_and_unit(pending)
        blocks.extend(_para_to_block(p) for p in pending[:len(pending) - used])
        pending = []
        following = items[index + 1] if index + 1 < len(items) else None
        if caption is None and isinstance(following, _Para) and _is_caption(following):
            caption = following.text
            taken.add(index + 1)
        outer, *nested = item
        blocks.append(_with_caption(outer, caption, unit))
        blocks.extend(nested)
    blocks.extend(_para_to_block(p) for p in pending)
    return blocks


def _is_caption(para: _Para) -> bool:
    return para.caption or bool(_CAPTION_TEXT.match(para.text))


def _caption_and_unit(before: list[_Para]) -> tuple[str | None, str | None, int]:
    """(caption, unit_hint, paragraphs used) from the last one or two paragraphs before a table."""
    caption = unit = None
    used = 0
    for para in reversed(before[-2:]):
        if para.level or para.marker:
            break
        step = caption_unit_step(para.text, caption, unit, _is_caption(para))
        if step is None:
            break
        caption, unit = step
        used += 1
    return caption, unit, used


def _with_caption(table: Table, caption: str | None, unit: str | None) -> Table:
    if caption is None and unit is None:
        return table
    return Table(cells=table.cells, n_rows=table.n_rows, n_cols=table.n_cols, header_rows=table.header_rows,
                 caption=caption or table.caption, unit_hint=unit or table.unit_hint, source=table.source)


def _table_element_to_tables(tbl, styles: _Styles, numbering: Numbering, line: int) -> list[Table]:
    """The table and, after it, every table nested in its cells (depth first)."""
    nested: list[Table] = []
    anchors: dict[tuple[int, int], list] = {}
    header_flags = []
    n_cols = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    rows = tbl.findall(qn("w:tr"))
    width = max([n_cols] + [len(tr.findall(qn("w:tc"))) for tr in rows])  # spans never reach past it
    open_merges: dict[int, tuple[int, int]] = {}
    for r, tr in enumerate(rows):
        header_flags.append(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None)
        col = min(_row_skip(tr, "w:gridBefore"), width)
        for tc in tr.findall(qn("w:tc")):
            span = max(1, min(_tc_int(tc, "w:gridSpan", 1), width - col))
            merge = _tc_vmerge(tc)
            if merge == "continue" and col in open_merges:
                anchors[open_merges[col]][2] += 1
            else:
                anchors[(r, col)] = [span, tc, 1]
                if merge == "restart":
                    open_merges[col] = (r, col)
                else:
                    open_merges.pop(col, None)
            for inner in tc.iter(qn("w:tbl")):
                if inner is not tbl and _parent_table(inner) is tbl:
                    nested.extend(_table_element_to_tables(inner, styles, numbering, line))
            col += span
        n_cols = max(n_cols, min(col + _row_skip(tr, "w:gridAfter"), width + 1))
    check_table_size(len(rows) * n_cols, "a DOCX table")
    cells = tuple(_cell(r, c, span, rs, tc, styles, numbering)
                  for (r, c), (span, tc, rs) in sorted(anchors.items()))
    table = _table_with_title_row_lifted(cells, len(rows), n_cols, header_flags, line)
    return [table, *nested]


def _parent_table(element):
    """The nearest enclosing `w:tbl` of an element."""
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:tbl"):
        parent = parent.getparent()
    return parent


def _row_skip(tr, name: str) -> int:
    """`w:gridBefore`/`w:gridAfter` of a row: grid columns left empty."""
    node = tr.find(f"{qn('w:trPr')}/{qn(name)}")
    return _int_value(node.get(qn("w:val")), 0) if node is not None else 0


def _tc_int(tc, name: str, default: int) -> int:
    node = tc.find(f"{qn('w:tcPr')}/{qn(name)}")
    return _int_value(node.get(qn("w:val")), default) if node is not None else default


def _int_value(text: str | None, default: int) -> int:
    """A small non-negative integer attribute; `default` when absent, malformed or absurdly long."""
    value = (text or "").strip()
    return int(value) if value.isdigit() and len(value) <= 9 else default


def _tc_vmerge(tc) -> str | None:
    """'restart', 'continue' or None for a cell's `w:vMerge`."""
    node = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    if node is None:
        return None
    return "restart" if node.get(qn("w:val")) == "restart" else "continue"


def _cell(row: int, col: int, col_span: int, row_span: int, tc, styles: _Styles, numbering: Numbering) -> Cell:
    """An anchor cell: its paragraphs (list markers printed) joined with a space; nested tables left out."""
    texts = []
    for p in tc.findall(qn("w:p")):
        para = _read_paragraph(p, styles, numbering, 0)
        if para.text:
            texts.append(f"{para.marker} {para.text}" if para.marker else para.text)
    return Cell(row=row, col=col, text=" ".join(texts), row_span=row_span, col_span=col_span)


def _table(cells: tuple[Cell, ...], n_rows: int, n_cols: int, header_flags: list[bool], line: int) -> Table:
    """A `Table` with header rows from `w:tblHeader`, else inferred from the texts (and spans)."""
    n_header = 0
    while n_header < len(header_flags) and header_flags[n_header]:
        n_header += 1
    if not n_header:
        rows = [[""] * n_cols for _ in range(n_rows)]
        for cell in cells:
            rows[cell.row][cell.col] = cell.text
        n_header = infer_header_rows(rows)
        if n_header:
            n_header = max([n_header] + [c.row + c.row_span for c in cells
                                         if c.row < n_header and c.row + c.row_span < n_rows])
    flagged = tuple(Cell(row=c.row, col=c.col, text=c.text, row_span=c.row_span, col_span=c.col_span,
                         is_header=c.row < n_header) for c in cells)
    return Table(cells=flagged, n_rows=n_rows, n_cols=n_cols, header_rows=n_header, source=Source(line=line))


def _table_with_title_row_lifted(cells: tuple[Cell, ...], n_rows: int, n_cols: int, header_flags: list[bool],
                                 line: int) -> Table:
    """`_table`, after a first row holding only a unit line or caption became the table's unit/caption."""
    lifted = lift_title_row(Table(cells=cells, n_rows=n_rows, n_cols=n_cols))
    if lifted.n_rows == n_rows:
        return _table(cells, n_rows, n_cols, header_flags, line)
    table = _table(lifted.cells, lifted.n_rows, n_cols, header_flags[1:], line)
    return Table(cells=table.cells, n_rows=table.n_rows, n_cols=n_cols, header_rows=table.header_rows,
                 caption=lifted.caption, unit_hint=lifted.unit_hint, source=table.source)
