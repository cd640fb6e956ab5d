"""Render a plan document's text export into the formats evaluators use: DOCX, Hangul HTML, PDF and CP949 text.

    .venv/bin/python tools/render_twins.py ../shared/seeds/000_*.txt --out /tmp/twins [--formats docx,htm,txt,pdf]

The input is a text/markdown export such as ../shared/seeds/*.txt: `#`
headings, `- ` list items (two spaces per depth), `<b>` fragments and runs
of tab-separated table rows whose multi-row headers show merged cells as
blank cells. Every output keeps the input's stem, so the scorer matches it
to the same gold file:

- `.docx` (python-docx): "Heading N" and "List Bullet" styles (Word numbers
  the bullets), tables with real merges (`w:gridSpan`/`w:vMerge`) for the
  blank cells of multi-row headers, `w:tblHeader` header rows, NanumGothic
  with Korean as East Asian language; landscape pages and a smaller table
  font when a table has many columns, widths from the cell texts.
- `.htm` as Hangul's classic "save as HTML" writes it: `<P CLASS=HStyle0>`
  paragraphs with styled `<SPAN>`s (no `<H1>`, `<UL>` or `<TH>`), `<TABLE>`
  with rowspan/colspan, CP949 bytes declared as `ks_c_5601-1987`.
- `.pdf`: the DOCX converted by LibreOffice headless (`docx_to_pdf`).
- `.txt`: the export itself in CP949 with CRLF line ends; characters CP949
  lacks become a look-alike (▪ → ■) or '?'.

A table chunk that repeats the header of the table just before it (and has
its column count) continues that table, as a page-spanning table would.
Output goes to a folder outside the repository: renderings of seeds must not
be committed. samples/make_pdf_docx.py builds the sample twins with the same
spec model, DOCX writer and converter.
"""
from __future__ import annotations

import argparse
import datetime
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from extractors.grid import infer_header_rows, is_number_text, is_year_text, spans_from_blank_headers
from extractors.text.reader import bytes_to_text, clean_inline

ROOT = Path(__file__).resolve().parents[1]
FONT = "NanumGothic"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_PDF_DATE = b"20240101000000"
FORMATS = ("docx", "htm", "txt", "pdf")
WIDE_TABLE_COLS = 8          # a table with this many columns turns the pages landscape
CELL_CAP_EM = 30.0           # a column is never planned wider than this many characters
PT_MM = 25.4 / 72

Merge = tuple[int, int, int, int]


@dataclass(frozen=True)
class Para:
    """One paragraph: `style` is a python-docx style name; `indent_mm` a left indent."""

    text: str
    style: str = "Normal"
    align: str = "left"
    indent_mm: float = 0.0
    space_before_pt: float | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table as text rows; `merges` are (r0, c0, r1, c1) inclusive; covered source cells must be blank.

    `unruled` draws it the way plan documents print tables without rules: no
    borders, header labels centred, numbers and '-' right-aligned.
    """

    rows: tuple[tuple[str, ...], ...]
    header_rows: int
    widths_mm: tuple[float, ...]
    merges: tuple[Merge, ...] = ()
    bold: frozenset[tuple[int, int]] = frozenset()
    font_pt: float = 9.0
    unruled: bool = False


@dataclass(frozen=True)
class Layout:
    """Page set-up of one document; `running_header` and `page_numbers` print on every page."""

    landscape: bool = False
    margin_mm: float = 20.0
    body_pt: float = 10.0
    running_header: str = ""
    page_numbers: bool = False


@dataclass
class Spec:
    """A document to write: items in order and its page layout."""

    items: list[Para | TableSpec] = field(default_factory=list)
    layout: Layout = Layout()


# --- text export -> spec ---------------------------------------------------------------------

_SEPARATOR_ROW = re.compile(r"^[\s\-=:|]+$")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_BOLD_TAG = re.compile(r"<b>", re.I)


def line_to_para(line: str) -> Para:
    """A markdown line: '#'×N → "Heading N", '- ' → "List Bullet" (" 2", " 3" two spaces deeper), else "Normal"."""
    level = len(line) - len(line.lstrip("#"))
    if level and line[level:level + 1] == " ":
        return Para(line[level + 1:].strip(), f"Heading {level}")
    stripped = line.lstrip()
    if stripped.startswith("- "):
        depth = min((len(line) - len(stripped)) // 2, 2)
        return Para(stripped[2:], "List Bullet" + (f" {depth + 1}" if depth else ""))
    return Para(line.strip())


def plain_text(text: str) -> str:
    """Printed text of an export fragment: autolinks kept as their address, tags and emphasis removed."""
    return clean_inline(_AUTOLINK.sub(r"\1", text))


def export_to_spec(text: str) -> Spec:
    """A text export as a spec: landscape when a table has `WIDE_TABLE_COLS` columns, the title as running
    header, "- N -" page numbers."""
    items: list[Para | TableSpec] = []
    chunk: list[str] = []
    for line in [*text.splitlines(), ""]:
        if "\t" in line and line.strip():
            chunk.append(line)
            continue
        if chunk:
            add_table_chunk(items, chunk)
            chunk = []
        if line.strip():
            para = line_to_para(line)
            items.append(replace(para, text=plain_text(para.text)))
    wide = any(isinstance(i, TableSpec) and len(i.widths_mm) >= WIDE_TABLE_COLS for i in items)
    layout = Layout(landscape=wide, margin_mm=15.0 if wide else 20.0,
                    running_header=spec_title(Spec(items)), page_numbers=True)
    return Spec([_fit(i, layout) if isinstance(i, TableSpec) else i for i in items], layout)


def chunk_to_rows(lines: list[str]) -> tuple[list[list[str]], int | None, frozenset[tuple[int, int]]]:
    """Tab rows as (cell texts padded to one width, header rows marked by a '----' row or None, bold cells)."""
    rows: list[list[str]] = []
    marked = None
    bold = set()
    for line in lines:
        if _SEPARATOR_ROW.match(line.replace("\t", "")):
            marked = len(rows) if rows else marked
            continue
        cells = line.split("\t")
        bold.update((len(rows), c) for c, t in enumerate(cells) if _BOLD_TAG.search(t))
        rows.append([plain_text(t) for t in cells])
    width = max((len(r) for r in rows), default=0)
    return [r + [""] * (width - len(r)) for r in rows], marked, frozenset(bold)


def add_table_chunk(items: list[Para | TableSpec], lines: list[str]) -> None:
    """Append a table, or continue the table just before when the chunk repeats its header and columns.

    Two tables in a row get an empty paragraph between them, as in any
    document (Word and LibreOffice would otherwise draw them as one table).
    """
    rows, marked, bold = chunk_to_rows(lines)
    if not rows:
        return
    header_rows = infer_header_rows(rows) if marked is None else marked
    previous = items[-1] if items else None
    if isinstance(previous, TableSpec) and continues_table(previous, rows, header_rows):
        offset = len(previous.rows) - header_rows
        items[-1] = replace(previous, rows=previous.rows + tuple(map(tuple, rows[header_rows:])),
                            bold=previous.bold | {(r + offset, c) for r, c in bold if r >= header_rows})
        return
    if isinstance(previous, TableSpec):
        items.append(Para(""))
    items.append(TableSpec(tuple(map(tuple, rows)), header_rows, (0.0,) * len(rows[0]),
                           header_merges(rows, header_rows), bold))


def continues_table(previous: TableSpec, rows: list[list[str]], header_rows: int) -> bool:
    """Whether a chunk repeats `previous`'s header rows and has its column count."""
    return (bool(previous.header_rows) and header_rows == previous.header_rows
            and len(rows[0]) == len(previous.rows[0])
            and tuple(map(tuple, rows[:header_rows])) == previous.rows[:header_rows])


def span_rows_to_grid(rows: list[list[tuple[str, int, int]]]) -> tuple[list[list[str]], list[Merge]]:
    """HTML-like rows of (text, rowspan, colspan) to a full grid (anchor text only) and its merges."""
    taken: set[tuple[int, int]] = set()
    grid = [[""] * sum(cs for _, _, cs in rows[0]) for _ in rows]
    merges: list[Merge] = []
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in taken:
                c += 1
            grid[r][c] = text
            taken.update((rr, cc) for rr in range(r, r + rs) for cc in range(c, c + cs))
            if rs > 1 or cs > 1:
                merges.append((r, c, r + rs - 1, c + cs - 1))
            c += cs
    return grid, merges


def header_merges(rows: list[list[str]], header_rows: int) -> tuple[Merge, ...]:
    """Merged header cells read from blanks: a label spans the blanks right of it and the blank rows below it."""
    table = spans_from_blank_headers(rows, header_rows)
    return tuple((c.row, c.col, c.row + c.row_span - 1, c.col + c.col_span - 1) for c in table.cells
                 if c.row_span > 1 or c.col_span > 1)


def _text_em(text: str) -> float:
    """Printed width of `text` in em: Hangul and other wide characters 1, the rest (NanumGothic digits) 0.6."""
    return sum(1.0 if ord(ch) >= 0x1100 else 0.6 for ch in text)


def column_widths(table: TableSpec, total_mm: float) -> tuple[float, ...]:
    """Column widths filling `total_mm`, by each column's longest body text (capped at `CELL_CAP_EM`).

    A column never gets narrower than its longest word (header labels spanning
    several columns left out) when the page allows; the space left over goes
    to the columns with long texts. When even the longest words do not fit,
    numbers and years keep their width (a word processor never wraps
    "226,655") and the words share what is left.
    """
    em_mm, pad = table.font_pt * PT_MM, 2.5
    spanned = {(r, c) for r0, c0, r1, c1 in table.merges if c1 > c0
               for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    natural, least, floor = [], [], []
    for c in range(len(table.rows[0])):
        texts = [row[c] for r, row in enumerate(table.rows) if (r, c) not in spanned]
        body = [row[c] for row in table.rows[table.header_rows:]] or [""]
        words = [w for t in texts for w in t.split()] or [""]
        least.append(max(_text_em(w) for w in words) * em_mm + pad)
        natural.append(max(least[-1], min(max(_text_em(t) for t in body), CELL_CAP_EM) * em_mm + pad))
        floor.append(max([_text_em(w) * em_mm + pad for w in words if is_number_text(w) or is_year_text(w)],
                         default=pad))
    low, high = (floor, least) if sum(least) >= total_mm else (least, natural)
    if sum(high) <= total_mm:
        return tuple(round(w * total_mm / sum(high), 1) for w in high)
    share = max(total_mm - sum(low), 0.0) / (sum(high) - sum(low))
    return tuple(round(lo + (hi - lo) * share, 1) for lo, hi in zip(low, high))


def _fit(table: TableSpec, layout: Layout) -> TableSpec:
    """The table with its font (8 pt from ten columns, 9 pt otherwise) and widths for the page."""
    page_mm = (297.0 if layout.landscape else 210.0) - 2 * layout.margin_mm
    sized = replace(table, font_pt=8.0 if len(table.rows[0]) >= 10 else 9.0)
    return replace(sized, widths_mm=column_widths(sized, page_mm))


def spec_title(spec: Spec) -> str:
    """The document title: the first heading, else the first short paragraph."""
    paras = [i for i in spec.items if isinstance(i, Para)]
    heading = next((p.text for p in paras if p.style.startswith("Heading")), None)
    return heading or next((p.text for p in paras if 2 <= len(p.text) <= 80), "")


# --- DOCX writing ----------------------------------------------------------------------------

def _set_font(font, rpr, size_pt: float | None = None, bold: bool | None = None) -> None:
    """NanumGothic for all scripts (theme fonts removed, python-docx sets only the Latin name), black."""
    font.name = FONT
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), FONT)
    if size_pt:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)


def _style_sizes(layout: Layout, used: set[str]) -> dict[str, tuple[float, bool | None]]:
    """(size, bold) per paragraph style: a fixed set, plus deeper headings and lists when the spec uses them."""
    sizes = {"Normal": (layout.body_pt, None), "Title": (18.0, True), "Heading 1": (20.0, True),
             "Heading 2": (16.0, True), "Heading 3": (13.0, True), "Caption": (layout.body_pt, False),
             "List Bullet": (layout.body_pt, None), "List Bullet 2": (layout.body_pt, None)}
    for name in sorted(used - sizes.keys()):
        if name.startswith("Heading"):
            sizes[name] = (max(layout.body_pt + 1.0, 16.0 - int(name.split()[-1])), True)
        elif name.startswith("List Bullet"):
            sizes[name] = (layout.body_pt, None)
    return sizes


def _setup_styles(document, layout: Layout, used: set[str]) -> None:
    """Body, title, heading and caption styles in NanumGothic; headings by size (20/16/13/12/11 pt)."""
    for name, (size, bold) in _style_sizes(layout, used).items():
        style = document.styles[name]
        _set_font(style.font, style.element.get_or_add_rPr(), size, bold)
        style.font.italic = False
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.space_before = Pt(10 if name.startswith("Heading") else 0)
    _korean_language(document)
    title_ppr = document.styles["Title"].element.get_or_add_pPr()
    for border in title_ppr.findall(qn("w:pBdr")):
        title_ppr.remove(border)


def _korean_language(document) -> None:
    """Korean as the East Asian language of the defaults and the theme (the template says ja-JP)."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "ko-KR")
    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "ko-KR")


def _setup_page(document, layout: Layout) -> None:
    """A4, portrait or landscape, equal margins."""
    section = document.sections[0]
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if layout.landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if layout.landscape else (short, long_)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(layout.margin_mm))


def _add_running_lines(document, layout: Layout) -> None:
    """The running header (right-aligned title) and a centred "- N -" page number footer, in 9 pt."""
    section = document.sections[0]
    if layout.running_header:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(layout.running_header)
        _set_font(run.font, run._r.get_or_add_rPr(), 9.0)
    if layout.page_numbers:
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for text in ("- ", None, " -"):
            run = footer.add_run(text or "1")
            _set_font(run.font, run._r.get_or_add_rPr(), 9.0)
            if text is None:
                field_ = OxmlElement("w:fldSimple")
                field_.set(qn("w:instr"), "PAGE")
                run._r.addprevious(field_)
                field_.append(run._r)


def _add_para(document, para: Para) -> None:
    """Append one paragraph with its style, alignment and indent."""
    p = document.add_paragraph(style=para.style)
    run = p.add_run(para.text)
    if para.style == "Normal":
        _set_font(run.font, run._r.get_or_add_rPr())
    p.alignment = {"left": None, "right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}[para.align]
    if para.indent_mm:
        p.paragraph_format.left_indent = Mm(para.indent_mm)
    if para.space_before_pt is not None:
        p.paragraph_format.space_before = Pt(para.space_before_pt)


def _set_cell_margins(table, side_mm: float, top_mm: float) -> None:
    """`w:tblCellMar`: the padding inside every cell of `table`."""
    margins = OxmlElement("w:tblCellMar")
    for side, size in (("top", top_mm), ("left", side_mm), ("bottom", top_mm), ("right", side_mm)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(round(size * 56.7)))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    table._tbl.tblPr.append(margins)


def _mark_header_row(row) -> None:
    """`w:tblHeader`: repeat this row at the top of each page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def cell_paragraphs(text: str) -> list[str]:
    """A cell's printed paragraphs: a cell listing two or more '▪'/'■' indicators gets one per indicator."""
    bullet = next((b for b in "▪■" if text.count(b) > 1), None)
    return re.split(rf"\s(?={bullet})", text) if bullet else [text]


def _write_cell(cell, text: str, spec: TableSpec, bold: bool, align: WD_ALIGN_PARAGRAPH | None = None) -> None:
    """Cell text in the table font, one paragraph per listed indicator, with alignment `align` if given."""
    for i, part in enumerate(cell_paragraphs(text)):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        if align is not None:
            p.alignment = align
        run = p.add_run(part)
        _set_font(run.font, run._r.get_or_add_rPr(), spec.font_pt, bold or None)


def _check_merges(spec: TableSpec) -> None:
    """Refuse merges that would hide source text (every covered cell must be blank)."""
    for r0, c0, r1, c1 in spec.merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0) and spec.rows[r][c].strip():
                    raise ValueError(f"merge {(r0, c0, r1, c1)} would hide {spec.rows[r][c]!r}")


def covered_cells(spec: TableSpec) -> set[tuple[int, int]]:
    """Grid positions hidden under a merge (every position of a merge but its anchor)."""
    return {(r, c) for r0, c0, r1, c1 in spec.merges for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}


def _unruled_align(spec: TableSpec, r: int, text: str) -> WD_ALIGN_PARAGRAPH | None:
    """Paragraph alignment in an unruled table: header labels centred, numbers and '-' right, else None."""
    if not spec.unruled:
        return None
    if r < spec.header_rows:
        return WD_ALIGN_PARAGRAPH.CENTER
    return WD_ALIGN_PARAGRAPH.RIGHT if is_number_text(text) or text.strip() == "-" else None


def _remove_borders(table) -> None:
    """`w:tblBorders` with every edge "nil": no rules at all, whatever the table style says."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    table._tbl.tblPr.append(borders)


def _add_table(document, spec: TableSpec) -> None:
    """Append a table (bordered unless `spec.unruled`) with merged cells, fixed column widths and repeated
    header rows."""
    _check_merges(spec)
    n_cols = len(spec.rows[0])
    table = document.add_table(rows=len(spec.rows), cols=n_cols)
    if spec.unruled:
        _remove_borders(table)
    else:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_cell_margins(table, 1.0, 0.8)
    for c, width in enumerate(spec.widths_mm):
        table.columns[c].width = Mm(width)
        for cell in table.columns[c].cells:
            cell.width = Mm(width)
    covered = covered_cells(spec)
    for r, row in enumerate(spec.rows):
        for c, text in enumerate(row):
            if (r, c) not in covered:
                _write_cell(table.cell(r, c), text, spec, (r, c) in spec.bold or r < spec.header_rows,
                            _unruled_align(spec, r, text))
    for r0, c0, r1, c1 in spec.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for r in range(spec.header_rows):
        _mark_header_row(table.rows[r])


def spec_to_docx(spec: Spec, title: str) -> bytes:
    """The DOCX bytes for `spec`, with fixed core properties and zip entry times."""
    document = docx.Document()
    _setup_page(document, spec.layout)
    _setup_styles(document, spec.layout, {i.style for i in spec.items if isinstance(i, Para)})
    _add_running_lines(document, spec.layout)
    for item in spec.items:
        (_add_table if isinstance(item, TableSpec) else _add_para)(document, item)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "planextract samples", "planextract samples"
    props.revision = 1
    props.created = props.modified = props.last_printed = datetime.datetime(2024, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


# --- Hangul classic HTML -----------------------------------------------------------------------

_HTML_HEAD = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<HTML>
<HEAD>
<META NAME="Generator" CONTENT="Hancom HWP 10.0.0.5060">
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ks_c_5601-1987">
<TITLE>{title}</TITLE>
<STYLE>
<!--
P.HStyle0, LI.HStyle0, DIV.HStyle0
\t{{style-name:"바탕글"; margin-left:0.0pt; margin-right:0.0pt; margin-top:0.0pt; margin-bottom:0.0pt; \
text-align:justify; text-indent:0.0pt; line-height:160%; font-size:10.0pt; font-family:함초롬바탕; \
letter-spacing:0; font-weight:normal; font-style:normal; color:#000000;}}
P.HStyle1, LI.HStyle1, DIV.HStyle1
\t{{style-name:"본문"; margin-left:15.0pt; margin-right:0.0pt; margin-top:0.0pt; margin-bottom:0.0pt; \
text-align:justify; text-indent:0.0pt; line-height:160%; font-size:10.0pt; font-family:함초롬바탕; \
letter-spacing:0; font-weight:normal; font-style:normal; color:#000000;}}
-->
</STYLE>
</HEAD>

<BODY>

"""
_BORDER = "border-left:solid #000000 0.4pt;border-right:solid #000000 0.4pt;" \
          "border-top:solid #000000 0.4pt;border-bottom:solid #000000 0.4pt"
_HTML_SPAN = {"Title": (18.0, True), "Heading 1": (16.0, True), "Heading 2": (14.0, True), "Heading 3": (12.0, True)}


def _html_text(text: str) -> str:
    """Escaped text with leading spaces as `&nbsp;`, as Hangul writes them; an empty paragraph is `&nbsp;`."""
    body = html.escape(text.lstrip(" "), quote=False)
    return "&nbsp;" * (len(text) - len(text.lstrip(" "))) + body if text.strip() else "&nbsp;"


def _span(text: str, size_pt: float | None, bold: bool) -> str:
    """Text in a `<SPAN>` carrying the direct formatting Hangul exports (size, bold), or bare."""
    style = (f"font-size:{size_pt:.1f}pt;" if size_pt else "") + ("font-weight:bold;" if bold else "")
    return f"<SPAN STYLE='{style}line-height:160%'>{_html_text(text)}</SPAN>" if style else _html_text(text)


def para_to_hancom(para: Para) -> str:
    """One `<P CLASS=HStyle0>`: headings as bigger bold spans, list items as '- ' text with a hanging indent."""
    styles = []
    if para.align != "left":
        styles.append(f"text-align:{para.align};")
    text = para.text
    if para.style.startswith("List Bullet"):
        depth = int(para.style.split()[-1]) if para.style[-1].isdigit() else 1
        styles.append(f"margin-left:{10.0 * depth:.1f}pt;text-indent:-10.0pt;")
        text = f"- {text}"
    size, bold = _HTML_SPAN.get(para.style, (11.0, True) if para.style.startswith("Heading") else (None, False))
    attr = f" STYLE='{''.join(styles)}'" if styles else ""
    return f"<P CLASS=HStyle0{attr}>{_span(text, size, bold)}</P>\n"


def table_to_hancom(spec: TableSpec) -> str:
    """A `<TABLE>` inside the paragraph anchoring it, rowspan/colspan, header cells shaded and bold, a `<P>` per
    cell paragraph."""
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in spec.merges}
    covered = covered_cells(spec)
    out = ["<P CLASS=HStyle0>\n<TABLE border=\"1\" cellspacing=\"0\" cellpadding=\"0\" "
           "style='border-collapse:collapse;border:none;'>\n"]
    for r, row in enumerate(spec.rows):
        out.append("<TR>\n")
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            width = round(sum(spec.widths_mm[c:c + cs]) * 96 / 25.4)
            shade = "background-color:#e5e5e5;" if r < spec.header_rows else ""
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            bold = r < spec.header_rows or (r, c) in spec.bold
            paras = "".join(f"\t<P CLASS=HStyle0 STYLE='text-align:{'center' if r < spec.header_rows else 'left'};'>"
                            f"{_span(part, spec.font_pt, bold)}</P>\n" for part in cell_paragraphs(text))
            out.append(f"\t<TD{attrs} valign=\"middle\" style='width:{width}px;{_BORDER};{shade}"
                       f"padding:1.4pt 5.1pt 1.4pt 5.1pt'>\n{paras}\t</TD>\n")
        out.append("</TR>\n")
    out.append("</TABLE></P>\n")
    return "".join(out)


def spec_to_hancom_html(spec: Spec, title: str) -> bytes:
    """The spec as Hangul's classic HTML export, CP949 (characters outside it as numeric references), CRLF."""
    parts = [_HTML_HEAD.format(title=html.escape(title, quote=False))]
    for item in spec.items:
        parts.append(table_to_hancom(item) if isinstance(item, TableSpec) else para_to_hancom(item))
    parts.append("\n</BODY>\n\n</HTML>\n")
    return "".join(parts).replace("\n", "\r\n").encode("cp949", errors="xmlcharrefreplace")


# --- CP949 text --------------------------------------------------------------------------------

CP949_LOOKALIKES = str.maketrans({"▪": "■", "▫": "□", "–": "-", "—": "―", "‣": "▶", "∙": "·", "✓": "√",
                                  "⇨": "⇒", "｢": "「", "｣": "」", "･": "·"})


def text_to_cp949(text: str) -> bytes:
    """The export as a CP949 text file with CRLF line ends; missing characters as look-alikes or '?'."""
    lines = text.translate(CP949_LOOKALIKES).splitlines()
    return "".join(f"{line}\r\n" for line in lines).encode("cp949", errors="replace")


# --- PDF via LibreOffice ---------------------------------------------------------------------

def docx_to_pdf(docx_paths: list[Path], out_dir: Path) -> list[Path]:
    """Convert with LibreOffice headless (throwaway profile) via flat ODT; dates and /ID fixed.

    LibreOffice ignores DOCX `w:autoSpaceDE` and would print "65 세" for
    "65세" (extra space between Hangul and digits); the flat-ODT detour sets
    `style:text-autospace="none"` so the PDF prints the same text as the twin.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice not found: apt-get install -y --no-install-recommends "
                         "libreoffice-writer-nogui fonts-nanum (or leave out the PDF)")
    with tempfile.TemporaryDirectory() as tmp:
        profile = f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}"

        def convert(to: str, paths: list[Path]) -> None:
            subprocess.run([soffice, profile, "--headless", "--convert-to", to, "--outdir", tmp, *map(str, paths)],
                           check=True, capture_output=True, timeout=900)

        convert("fodt", docx_paths)
        flat = [Path(tmp, p.with_suffix(".fodt").name) for p in docx_paths]
        for path in flat:
            path.write_text(path.read_text(encoding="utf-8").replace(
                'style:text-autospace="ideograph-alpha"', 'style:text-autospace="none"'), encoding="utf-8")
        convert("pdf", flat)
        outputs = []
        for path in docx_paths:
            pdf = out_dir / path.with_suffix(".pdf").name
            pdf.write_bytes(_fixed_pdf(Path(tmp, pdf.name).read_bytes()))
            outputs.append(pdf)
    return outputs


def _fixed_pdf(data: bytes) -> bytes:
    """Same-length substitution of dates, /ID and LibreOffice's /DocChecksum (keeps xref offsets valid)."""
    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})", lambda m: m.group(1) + FIXED_PDF_DATE, data)
    data = re.sub(rb"/DocChecksum /[0-9A-Fa-f]{32}", b"/DocChecksum /" + b"0" * 32, data)
    return re.sub(rb"<([0-9A-Fa-f]{32})>", lambda m: b"<" + b"0" * 32 + b">", data)


# --- main ------------------------------------------------------------------------------------

def render_export(text: str, formats: tuple[str, ...]) -> dict[str, bytes]:
    """The renderings of one text export by suffix; asking for "pdf" yields the DOCX it is converted from."""
    spec = export_to_spec(text)
    title = spec_title(spec)
    writers = {"docx": lambda: spec_to_docx(spec, title), "htm": lambda: spec_to_hancom_html(spec, title),
               "txt": lambda: text_to_cp949(text)}
    return {fmt: writers[fmt]() for fmt in writers if fmt in formats or (fmt == "docx" and "pdf" in formats)}


def render(sources: list[Path], out_dir: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the renderings of every source into `out_dir` (PDFs in one LibreOffice run); returns the paths."""
    written: list[Path] = []
    for_pdf: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        for source in sources:
            text, _ = bytes_to_text(source.read_bytes())
            for fmt, data in render_export(text, formats).items():
                if fmt in formats:
                    written.append(out_dir / f"{source.stem}.{fmt}")
                    written[-1].write_bytes(data)
                if fmt == "docx" and "pdf" in formats:
                    for_pdf.append(Path(tmp, f"{source.stem}.docx"))
                    for_pdf[-1].write_bytes(data)
        if for_pdf:
            written += docx_to_pdf(for_pdf, out_dir)
    return written


def _checked_out_dir(out: Path, sources: list[Path]) -> Path:
    """The output folder, refused inside the repository or where it would overwrite a source."""
    out = out.resolve()
    if out == ROOT or ROOT in out.parents:
        raise SystemExit(f"refusing to write renderings into the repository ({out}); use a folder outside it")
    if any(s.resolve().parent == out for s in sources):
        raise SystemExit(f"refusing to write into the sources' folder {out}")
    out.mkdir(parents=True, exist_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path, help="text/markdown exports (.txt, .md)")
    parser.add_argument("--out", required=True, type=Path, help="folder outside the repository")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help=f"comma-separated subset of {','.join(FORMATS)} (pdf needs LibreOffice)")
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; available: {', '.join(FORMATS)}")
    for path in render(args.sources, _checked_out_dir(args.out, args.sources), formats):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
