"""HTML (`.html`, `.htm`, Hangul's "save as HTML") -> `Document`.

Handles both HTML shapes Hangul writes: the classic one (`<P CLASS=HStyle0>`,
`<TABLE>` with rowspan/colspan, often CP949 / `ks_c_5601-1987`) and the
newer layout export (absolutely positioned `div.hpa` pages, `div.hls` lines,
`div.htb` tables of `div.hce` cells), whose cell geometry is turned back into
a grid with spans. `<caption>` and "(단위 : 백만원)" lines become a table's
caption and unit hint; the side `_style.css` file is not needed.

XHTML (`.xhtml`, or any HTML starting with an XML declaration, such as
hwp5html's output) is read by the same HTML parser after the declaration is
set aside (its `encoding` is honoured). Bytes that are not valid in the
document's encoding (a stray CP949 character in UTF-8, a lone surrogate) are
read as CP949 where they decode, else replaced, with issue
"encoding-defect". Declared spans are never trusted: a rowspan stops at the
table's last row, a colspan at 1000, and a table covering more than
`grid.MAX_TABLE_POSITIONS` grid positions fails the document.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace
from pathlib import Path

import lxml.html
from lxml import etree

from extractors.document import (
    Block,
    Cell,
    Document,
    ExtractError,
    Heading,
    Issue,
    ListItem,
    Paragraph,
    Source,
    Table,
    read_file,
)
from extractors.grid import check_table_size, infer_header_rows, lift_title_row, unit_hint_in
from extractors.html.encoding import decode_html

_SKIP = {"script", "style", "head", "title", "meta", "link", "svg", "noscript", "template"}
_BLOCK = {"p", "div", "section", "article", "body", "html", "center", "blockquote", "pre",
          "main", "header", "footer", "nav", "form", "fieldset", "address", "dl", "dd", "dt",
          "figure", "figcaption", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_NESTED_TABLES = frozenset({"table"})
_NESTED_LISTS = frozenset({"table", "ul", "ol"})  # a list item's own text, without its sub-lists
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_MAX_COLSPAN = 1000
"""HTML's own limit on colspan."""
_MM = re.compile(r"(left|top|width|height)\s*:\s*(-?[\d.]+)mm")
_STARTS_BLOCK = re.compile(
    r"^\s*([□■○●◦▪▫◆◇※☞\-–·•Ÿ*]|\d{1,2}[.)]|[가나다라마바사아자차카타파하][.)]|\(\s*[\d가나다라마바사아자차카타파하]{1,2}\s*\)|[①-⑳]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ])")


def extract(path: Path) -> Document:
    """Read an HTML file into a `Document`."""
    path = Path(path)
    data = read_file(path)
    text, encoding, defects = decode_html(data)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"not parseable as HTML: {exc}") from exc
    pages = root.xpath('//div[contains(concat(" ", normalize-space(@class), " "), " hpa ")]')
    if pages:
        blocks = hancom_pages_to_blocks(pages)
    else:
        blocks = []
        body = root.find("body") if root.find("body") is not None else root
        element_to_blocks(body, blocks)
    blocks = attach_units(blocks)
    if not blocks:
        raise ExtractError("no text in HTML file")
    title = _title(root) or next((b.title for b in blocks if isinstance(b, Heading)), None)
    issues = (Issue("encoding-defect", f"{defects} byte sequence(s) not valid {encoding}; read as CP949 "
                                       "where possible, else replaced"),) if defects else ()
    return Document(path=str(path), format="html", blocks=tuple(blocks), title=title,
                    encoding=encoding, pages=len(pages) or None, issues=issues)


def _title(root) -> str | None:
    node = root.find(".//title")
    text = " ".join((node.text_content() if node is not None else "").split())
    return text if len(text) > 2 else None


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split())


def _src(el, page: int | None = None) -> Source:
    line = getattr(el, "sourceline", None)
    return Source(page=page, line=line)


def inline_text(el, skip: frozenset[str] = _NESTED_TABLES) -> str:
    """Visible text of an element: checkboxes as ☐/☑, nested `skip` elements (tables) left out, whitespace collapsed."""
    parts: list[str] = []
    _collect_text(el, parts, skip, top=True)
    return " ".join("".join(parts).split())


def _collect_text(el, parts: list[str], skip: frozenset[str], top: bool = False) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in _SKIP or (not top and (tag in skip or "htb" in _classes(el))):
        if not top and el.tail:
            parts.append(el.tail)
        return
    if tag == "input" and (el.get("type") or "").lower() == "checkbox":
        parts.append("☑" if el.get("checked") is not None else "☐")
    elif tag == "br":
        parts.append(" ")
    if el.text:
        parts.append(el.text)
    for child in el:
        _collect_text(child, parts, skip)
        if isinstance(child.tag, str) and child.tag.lower() in _BLOCK:
            parts.append(" ")
    if not top and el.tail:
        parts.append(el.tail)


def element_to_blocks(el, out: list[Block], list_depth: int = 0) -> None:
    """Walk classic HTML in document order, appending blocks to `out`."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or tag in _SKIP:
        return
    if re.fullmatch(r"h[1-6]", tag):
        text = inline_text(el)
        if text:
            out.append(Heading(level=int(tag[1]), title=text, source=_src(el)))
        return
    if tag == "table":
        out.extend(html_table_to_tables(el))
        return
    if tag in ("ul", "ol"):
        for child in el:
            element_to_blocks(child, out, list_depth + 1)
        return
    if tag == "li":
        text = inline_text(el, _NESTED_LISTS)
        if text:
            marker = "1." if el.getparent() is not None and el.getparent().tag == "ol" else "-"
            out.append(ListItem(text=text, marker=marker, depth=max(list_depth - 1, 0), source=_src(el)))
        for child in el:
            if isinstance(child.tag, str) and child.tag.lower() in ("ul", "ol", "table"):
                element_to_blocks(child, out, list_depth)
        return
    if not _has_block_child(el):
        text = inline_text(el)
        if text:
            out.append(Paragraph(text=text, source=_src(el)))
        return
    _mixed_to_blocks(el, out, list_depth)


def _has_block_child(el) -> bool:
    return any(_is_block(c) for c in el)


def _is_block(el) -> bool:
    """A block element, or an inline one holding a table (hwp5html puts tables in `<p><span>`)."""
    if not isinstance(el.tag, str):
        return False
    return el.tag.lower() in _BLOCK or el.find(".//table") is not None


def _mixed_to_blocks(el, out: list[Block], list_depth: int) -> None:
    """An element with both inline runs and block children: runs become paragraphs."""
    run: list[str] = [el.text or ""]
    for child in el:
        if _is_block(child):
            _flush(run, out, el)
            element_to_blocks(child, out, list_depth)
            run = [child.tail or ""]
        else:
            parts: list[str] = []
            _collect_text(child, parts, _NESTED_TABLES)
            run.append("".join(parts))
    _flush(run, out, el)


def _flush(run: list[str], out: list[Block], el) -> None:
    text = " ".join("".join(run).split())
    if text:
        out.append(Paragraph(text=text, source=_src(el)))


def html_table_to_tables(table) -> list[Table]:
    """A `<table>` as a grid with spans, then any tables nested in its cells."""
    rows = [tr for tr in table.iter("tr") if _owner_table(tr) is table]
    taken: list[set[int]] = [set() for _ in rows]
    positions = n_cols = 0
    cells: list[Cell] = []
    nested: list[Table] = []
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while c in taken[r]:
                c += 1
            rs = min(_span(td.get("rowspan")), len(rows) - r)
            cs = min(_span(td.get("colspan")), _MAX_COLSPAN)
            positions += rs * cs
            check_table_size(positions, "an HTML table")
            for rr in range(r, r + rs):
                taken[rr].update(range(c, c + cs))
            n_cols = max(n_cols, c + cs)
            head = td.tag.lower() == "th" or _in_thead(td, table)
            cells.append(Cell(row=r, col=c, text=inline_text(td), row_span=rs, col_span=cs,
                              is_header=head, source=_src(td)))
            for inner in td.iter("table"):
                if _owner_table(inner.getparent()) is table:
                    nested.extend(html_table_to_tables(inner))
            c += cs
    n_rows = max((r + 1 for r, cols in enumerate(taken) if cols), default=0)
    caption_el = table.find("caption")
    caption = inline_text(caption_el) if caption_el is not None else None
    grid_table = _with_headers(cells, n_rows, n_cols)
    caption = caption or grid_table.caption
    unit = (unit_hint_in(caption) if caption else None) or grid_table.unit_hint
    return [Table(cells=grid_table.cells, n_rows=grid_table.n_rows, n_cols=grid_table.n_cols,
                  header_rows=grid_table.header_rows, caption=caption or None,
                  unit_hint=unit, source=_src(table))] + nested


def _span(value: str | None) -> int:
    """A rowspan/colspan value: 1 when absent or malformed (digits only, at most 6 of them)."""
    text = str(value).strip() if value is not None else ""
    return max(1, int(text)) if text.isdigit() and len(text) <= 6 else 1


def _owner_table(el):
    while el is not None and not (isinstance(el.tag, str) and el.tag.lower() == "table"):
        el = el.getparent()
    return el


def _in_thead(td, table) -> bool:
    parent = td.getparent()
    return parent is not None and parent.getparent() is not None and \
        isinstance(parent.getparent().tag, str) and parent.getparent().tag.lower() == "thead"


def _with_headers(cells: list[Cell], n_rows: int, n_cols: int) -> Table:
    """Header rows: leading rows whose cells are all marked header, else inferred from the text."""
    check_table_size(n_rows * n_cols, "an HTML table")
    table = lift_title_row(Table(cells=tuple(cells), n_rows=n_rows, n_cols=n_cols))
    cells, n_rows, n_cols = list(table.cells), table.n_rows, table.n_cols
    flags: dict[int, bool] = {}
    for c in cells:
        flags[c.row] = flags.get(c.row, True) and c.is_header
    marked = 0
    while marked < n_rows and flags.get(marked, False):
        marked += 1
    header_rows = marked if marked < n_rows else 0
    if not header_rows:
        header_rows = infer_header_rows(table.rows_text())
    fixed = tuple(c if c.is_header == (c.row < header_rows) else replace(c, is_header=c.row < header_rows)
                  for c in cells)
    return Table(cells=fixed, n_rows=n_rows, n_cols=n_cols, header_rows=header_rows,
                 caption=table.caption, unit_hint=table.unit_hint)


def hancom_pages_to_blocks(pages) -> list[Block]:
    """Hangul's layout export: lines (`div.hls`) joined into paragraphs, `div.htb` tables rebuilt."""
    blocks: list[Block] = []
    for number, page in enumerate(pages, start=1):
        lines: list[tuple[str, str, Source]] = []
        for el in page.iter("div"):
            classes = _classes(el)
            if "hls" in classes and _owner_htb(el, page) is None:
                text = inline_text(el)
                framed = el.find(".//div") is not None  # a drawing or table in the line: its own paragraph
                boundary = ("", "", _src(el, number))
                lines.extend([boundary, (text, _ps_class(classes), boundary[2]), boundary] if framed
                             else [(text, _ps_class(classes), boundary[2])])
                for tb in el.iter("div"):
                    if "htb" in _classes(tb) and _owner_htb(tb.getparent(), page) is None:
                        blocks.extend(_paragraphs_from_lines(lines))
                        lines = []
                        blocks.extend(hancom_table_to_tables(tb, page, number))
        blocks.extend(_paragraphs_from_lines(lines))
    return blocks


def _ps_class(classes: set[str]) -> str:
    return next((c for c in classes if c.startswith("ps")), "")


def _owner_htb(el, stop):
    while el is not None and el is not stop:
        if isinstance(el.tag, str) and "htb" in _classes(el):
            return el
        el = el.getparent()
    return None


def _paragraphs_from_lines(lines: list[tuple[str, str, Source]]) -> list[Block]:
    """Join wrapped lines of one paragraph (same style, no new bullet/number) into paragraphs.

    A line without text (an empty paragraph, or one holding only a drawing
    or a table) ends the paragraph before it.
    """
    out: list[Block] = []
    parts: list[str] = []
    style, src = None, Source()
    for line, ps, source in lines:
        if not line:
            if parts:
                out.append(Paragraph(text=" ".join(parts), source=src))
            parts, style = [], None
            continue
        if parts and ps == style and not _STARTS_BLOCK.match(line):
            parts.append(line)
            continue
        if parts:
            out.append(Paragraph(text=" ".join(parts), source=src))
        parts, style, src = [line], ps, source
    if parts:
        out.append(Paragraph(text=" ".join(parts), source=src))
    return out


def hancom_table_to_tables(tb, page_el, page: int) -> list[Table]:
    """A `div.htb` of absolutely placed `div.hce` cells as a grid; nested tables follow it."""
    boxes = []
    nested: list[Table] = []
    for cell in tb.iter("div"):
        if "hce" not in _classes(cell) or _owner_htb(cell.getparent(), page_el) is not tb:
            continue
        geo = {k: float(v) for k, v in _MM.findall(cell.get("style") or "")}
        if not {"left", "top", "width", "height"} <= geo.keys():
            continue
        boxes.append((geo["left"], geo["top"], geo["left"] + geo["width"], geo["top"] + geo["height"],
                      _hancom_cell_text(cell, page_el)))
        for inner in cell.iter("div"):
            if "htb" in _classes(inner) and _owner_htb(inner.getparent(), page_el) is tb:
                nested.extend(hancom_table_to_tables(inner, page_el, page))
    if not boxes:
        return nested
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    cells = []
    for x0, y0, x1, y1, text in boxes:
        r0, r1, c0, c1 = _index(ys, y0), _index(ys, y1), _index(xs, x0), _index(xs, x1)
        cells.append(Cell(row=r0, col=c0, text=text, row_span=max(1, r1 - r0),
                          col_span=max(1, c1 - c0), source=Source(page=page)))
    cells.sort(key=lambda c: (c.row, c.col))
    table = _with_headers(cells, len(ys) - 1, len(xs) - 1)
    return [Table(cells=table.cells, n_rows=table.n_rows, n_cols=table.n_cols,
                  header_rows=table.header_rows, caption=table.caption, unit_hint=table.unit_hint,
                  source=Source(page=page))] + nested


def _hancom_cell_text(cell, page_el) -> str:
    parts = [inline_text(line) for line in cell.iter("div")
             if "hls" in _classes(line) and _owner_htb(line, page_el) is _owner_htb(cell, page_el)]
    return " ".join(p for p in parts if p)


def _edges(values: list[float], tol: float = 0.6) -> list[float]:
    """Distinct cell boundaries, merging values closer than `tol` mm."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(edges: list[float], value: float) -> int:
    """The index of the edge nearest to `value` (edges sorted)."""
    i = bisect.bisect_left(edges, value)
    if i == 0:
        return 0
    if i == len(edges):
        return len(edges) - 1
    return i if edges[i] - value < value - edges[i - 1] else i - 1


def attach_units(blocks: list[Block]) -> list[Block]:
    """Give each table without a unit hint the unit line printed just before it."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table) and not block.unit_hint and out:
            prev = out[-1]
            text = prev.text if isinstance(prev, Paragraph) else ""
            unit = unit_hint_in(text) if text else None
            if unit:
                block = Table(cells=block.cells, n_rows=block.n_rows, n_cols=block.n_cols,
                              header_rows=block.header_rows, caption=block.caption, unit_hint=unit,
                              source=block.source, page_end=block.page_end)
        out.append(block)
    return out
