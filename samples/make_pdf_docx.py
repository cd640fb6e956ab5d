"""Build the DOCX and PDF twins of the hand-written samples, deterministically.

    .venv/bin/python samples/make_pdf_docx.py            # DOCX + PDF (needs LibreOffice)
    .venv/bin/python samples/make_pdf_docx.py --docx-only
    .venv/bin/python samples/make_pdf_docx.py --only unruled-investment-plan

Each source (`yangpyeong-2023-plan-summary.txt`, `gwangju-seogu-2024-elderly-
basic-plan.HTML`, `wonju-2024-implementation-plan.md`) is parsed into a small
spec (paragraphs, headings, bullets, tables with merges), written as DOCX
with python-docx (NanumGothic, real merged cells, `w:tblHeader` header rows,
unit lines as paragraphs before their table) and converted to PDF with
LibreOffice headless (`apt-get install libreoffice-writer-nogui fonts-nanum`);
the spec model, DOCX writer and converter live in tools/render_twins.py.
The yangpyeong PDF is laid out so that its big table runs over two pages
with the header repeated and row "세부사업 2-2" broken across the page
boundary; the script searches the space above the table until pdfplumber
confirms that layout. `unruled-investment-plan.txt` becomes a PDF only (its
DOCX stays in a temporary folder): its table is drawn without any borders,
header labels centred and numbers right-aligned, and its label column is
narrow enough that departments wrap onto a second line. `--only STEM`
rebuilds one sample. `broken-text-layer.pdf` is written byte by byte: a
normal page, a page drawn in a font without ToUnicode (glyph codes only) and
an image-only "scanned" page.

Output bytes are reproducible: zip entry times, PDF dates and /ID are fixed.
The test suite reads the committed files and never needs LibreOffice.
"""
from __future__ import annotations

import argparse
import html.parser
import re
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from extractors.grid import infer_header_rows  # noqa: E402
from tools.pdf_writer import objects_to_pdf  # noqa: E402
from tools.render_twins import (  # noqa: E402
    Layout,
    Para,
    Spec,
    TableSpec,
    docx_to_pdf,
    header_merges,
    line_to_para,
    span_rows_to_grid,
    spec_to_docx,
)

SPLIT_ROW_HEAD, SPLIT_ROW_TAIL = "▪ 참여자 수(명)", "▪ 활동시간(시간)"


# --- yangpyeong: tab-separated text ----------------------------------------------------------

YANGPYEONG_MERGES = (
    (0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 1, 2), (0, 3, 0, 7), (0, 8, 0, 12),   # two-row header
    (5, 0, 6, 0), (5, 1, 6, 1),                                              # 세부사업 1-2: two indicators
    *((5, c, 6, c) for c in range(8, 13)),                                   # ... one budget
    (7, 9, 7, 12),                                                           # 1-2-1: 비예산 over 2023-2026
)
YANGPYEONG_WIDTHS = (74.0, 21.0, 52.0) + (12.0,) * 10
UNRULED_WIDTHS = (46.0,) + (17.0,) * 5      # 사업명 narrow enough that "(부서)" wraps; 계 and four years

TableMaker = Callable[[list[list[str]]], TableSpec]


def txt_to_spec(text: str, layout: Layout, rows_to_table: TableMaker) -> Spec:
    """A hand-written summary: '#' title, 'Ⅰ.'/'1.' headings, each run of tab rows one table made by
    `rows_to_table`."""
    spec = Spec(layout=layout)
    rows: list[list[str]] = []
    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows and line.strip():
            spec.items.append(rows_to_table(rows))
            rows = []
        if line.strip():
            spec.items.append(_txt_line_to_para(line))
    if rows:
        spec.items.append(rows_to_table(rows))
    return spec


def yangpyeong_to_spec(text: str) -> Spec:
    """The yangpyeong summary: landscape, 12 pt body, the plan table with its hand-set merges."""
    return txt_to_spec(text, Layout(landscape=True, margin_mm=15.0, body_pt=12.0), _rows_to_yangpyeong_table)


def unruled_to_spec(text: str) -> Spec:
    """The unruled investment plan: portrait, its table without borders (`_rows_to_unruled_table`)."""
    return txt_to_spec(text, Layout(), _rows_to_unruled_table)


def _rows_to_unruled_table(rows: list[list[str]]) -> TableSpec:
    """Tab rows to an unruled table: header rows and their merges read from the blank header cells."""
    header_rows = infer_header_rows(rows)
    return TableSpec(tuple(map(tuple, rows)), header_rows, UNRULED_WIDTHS, header_merges(rows, header_rows),
                     unruled=True)


def _txt_line_to_para(line: str) -> Para:
    """A text line as a paragraph: '#' → Heading 1, 'Ⅰ.' → Heading 2, '1.' → Heading 3, indented → indent."""
    stripped = line.strip()
    if stripped.startswith("# "):
        return Para(stripped[2:], "Heading 1")
    if re.match(r"^[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.\s", stripped):
        return Para(stripped, "Heading 2")
    if re.match(r"^\d{1,2}\.\s", stripped):
        return Para(stripped, "Heading 3")
    if stripped.startswith("2023. 2.") or stripped == "경기도 양평군":
        return Para(stripped, align="center")
    indent = 6.0 * (len(line) - len(line.lstrip(" "))) / 2
    return Para(stripped, indent_mm=indent)


def _rows_to_yangpyeong_table(rows: list[list[str]]) -> TableSpec:
    """Tab rows to one table: a header repeated at a chunk start is dropped, `<b>` marks bold cells."""
    header = rows[:2]
    body = [r for i, r in enumerate(rows) if i < 2 or r not in header]
    bold = frozenset((r, c) for r, row in enumerate(body) for c, t in enumerate(row) if "<b>" in t)
    clean = tuple(tuple(re.sub(r"</?b>", "", t) for t in row) for row in body)
    return TableSpec(clean, 2, YANGPYEONG_WIDTHS, YANGPYEONG_MERGES, bold, font_pt=9.0)


# --- gwangju: Hancom HTML (CP949) ------------------------------------------------------------

class _HancomHtml(html.parser.HTMLParser):
    """Collects paragraphs, headings, list items and tables (with rowspan/colspan) from the sample HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[Para | TableSpec] = []
        self._text: list[str] = []
        self._para_style = "Normal"
        self._align = "left"
        self._table: list[list[tuple[str, int, int]]] | None = None
        self._cell: tuple[int, int] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._table = []
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag == "td":
            self._cell = (int(a.get("rowspan", "1")), int(a.get("colspan", "1")))
            self._text = []
        elif tag == "caption":
            self._caption = []
        elif tag in ("p", "h2", "h3", "li") and self._cell is None:
            self._text = []
            self._align = "right" if "text-align:right" in a.get("style", "") else "left"
            self._para_style = {"h2": "Heading 2", "h3": "Heading 3", "li": "List Bullet"}.get(
                tag, "Title" if a.get("class") == "HStyle1" else "Normal")

    def handle_endtag(self, tag: str) -> None:
        text = " ".join("".join(self._text).split())
        if tag == "td" and self._table is not None and self._cell:
            self._table[-1].append((text, *self._cell))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.items.append(Para(" ".join("".join(self._caption).split()), "Caption"))
            self._caption = None
        elif tag == "table" and self._table is not None:
            self.items.append(_html_rows_to_table(self._table))
            self._table = None
        elif tag in ("p", "h2", "h3", "li") and self._cell is None and text:
            indent = 4.0 if "".join(self._text).startswith("\xa0") else 0.0
            self.items.append(Para(text, self._para_style, self._align, indent))

    def handle_data(self, data: str) -> None:
        (self._caption if self._caption is not None else self._text).append(data)


def _html_rows_to_table(rows: list[list[tuple[str, int, int]]]) -> TableSpec:
    """HTML rows of (text, rowspan, colspan) to a full grid with merges; header = rows of the first rowspan."""
    grid, merges = span_rows_to_grid(rows)
    header_rows = max(rs for _, rs, _ in rows[0])
    widths = (22.0, 68.0) + (16.0,) * (len(grid[0]) - 2)
    return TableSpec(tuple(map(tuple, grid)), header_rows, widths, tuple(merges))


def html_to_spec(text: str) -> Spec:
    """The gwangju elderly plan: headings, bullets, right-aligned unit line, two merged-cell tables."""
    parser = _HancomHtml()
    parser.feed(text)
    return Spec(items=parser.items, layout=Layout())


# --- wonju: markdown -------------------------------------------------------------------------

def md_to_spec(text: str) -> Spec:
    """The wonju implementation plan: '#' headings, '-' bullets (two depths), one pipe table."""
    spec = Spec(layout=Layout())
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            if not re.match(r"^\|[-| ]+\|$", line):
                rows.append([c.strip() for c in line.strip().strip("|").split("|")])
            continue
        if rows:
            widths = (20.0, 38.0, 40.0, 18.0, 22.0, 24.0)
            spec.items.append(TableSpec(tuple(map(tuple, rows)), 1, widths))
            rows = []
        if line.strip():
            spec.items.append(line_to_para(line))
    return spec


# --- PDF layout check ----------------------------------------------------------------------

def yangpyeong_split_ok(pdf_path: Path) -> str | None:
    """None when the big table runs over two pages, header repeated, row 2-2 broken; else what is wrong."""
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    head = [i for i, t in enumerate(texts) if SPLIT_ROW_HEAD in t and "세부사업 2-2" in t]
    tail = [i for i, t in enumerate(texts) if SPLIT_ROW_TAIL in t]
    if not head or not tail or tail[0] != head[0] + 1:
        return f"row 2-2 not broken across pages (head on {head}, tail on {tail})"
    if "목표수준" not in texts[tail[0]] or texts[tail[0]].index("목표수준") > texts[tail[0]].index(SPLIT_ROW_TAIL):
        return "header not repeated above the broken row"
    return None


def write_yangpyeong_pdf(spec: Spec, title: str, docx_path: Path, pdf_path: Path) -> None:
    """Try growing space above heading Ⅲ (4 pt steps, batches of 25) until row 2-2 breaks across pages."""
    index = next(i for i, item in enumerate(spec.items) if isinstance(item, Para) and item.text.startswith("Ⅲ."))
    heading = spec.items[index]
    problem = "not tried"
    with tempfile.TemporaryDirectory() as tmp:
        for batch in range(0, 400, 100):
            trials = []
            for space in range(batch, batch + 100, 4):
                spec.items[index] = Para(heading.text, heading.style, space_before_pt=float(space))
                trial = Path(tmp, f"{docx_path.stem}.{space:03d}.docx")
                trial.write_bytes(spec_to_docx(spec, title))
                trials.append(trial)
            for trial, pdf in zip(trials, docx_to_pdf(trials, Path(tmp))):
                problem = yangpyeong_split_ok(pdf)
                if problem is None:
                    docx_path.write_bytes(trial.read_bytes())
                    pdf_path.write_bytes(pdf.read_bytes())
                    print(f"  split found with {trial.suffixes[0][1:]} pt above heading Ⅲ")
                    return
    raise SystemExit(f"could not lay out {pdf_path.name}: {problem}")


# --- a PDF with a broken text layer, written by hand -----------------------------------------

def _stream(dictionary: bytes, data: bytes) -> bytes:
    """A Flate-compressed stream object body."""
    packed = zlib.compress(data, 9)
    return b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n" % (dictionary, len(packed)) + packed + b"\nendstream"


def _scan_image(source_pdf: Path) -> tuple[int, int, bytes]:
    """Page 1 of `source_pdf` rendered as an 8-bit grey bitmap (width, height, pixels)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(source_pdf)
    bitmap = pdf[0].render(scale=1.0, grayscale=True)
    image = bitmap.to_pil().convert("L")
    pdf.close()
    return image.width, image.height, image.tobytes()


def broken_text_layer_pdf(scan_source: Path) -> bytes:
    """Three A4 pages: 1 normal text, 2 glyph codes without ToUnicode, 3 an image only (scanned)."""
    width, height, pixels = _scan_image(scan_source)
    good = (b"BT /F1 14 Tf 72 760 Td (Broken text layer sample: page 1 has a normal text layer.) Tj "
            b"0 -24 Td (Page 2 uses a CID font without ToUnicode; page 3 is a scanned image.) Tj ET")
    hangul = "제5기 양평군 지역사회보장계획 추진전략별 세부사업 예산 목표수준 성과지표"
    codes = "".join(f"{ord(ch) - 0xAC00 + 3 if ch >= '가' else ord(ch):04X}" for ch in hangul).encode()
    glyphs = b"".join(b"BT /F2 12 Tf 72 %d Td <%s> Tj ET\n" % (760 - 20 * i, codes) for i in range(30))
    scan = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    kids = b"[3 0 R 4 0 R 5 0 R]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids %s /Count 3 >>" % kids,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 9 0 R >> >> "
        b"/Contents 6 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F2 10 0 R >> >> "
        b"/Contents 7 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 12 0 R >> >> "
        b"/Contents 8 0 R >>",
        _stream(b"", good),
        _stream(b"", glyphs),
        _stream(b"", scan),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NanumGothic /Encoding /Identity-H "
        b"/DescendantFonts [11 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NanumGothic /CIDToGIDMap /Identity "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 "
        b"/FontDescriptor 13 0 R >>",
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8" % (width, height), pixels),
        b"<< /Type /FontDescriptor /FontName /NanumGothic /Flags 4 /FontBBox [0 -200 1000 800] "
        b"/ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    return objects_to_pdf(objects)


# --- main ------------------------------------------------------------------------------------

SOURCES = {
    "yangpyeong-2023-plan-summary": ("yangpyeong-2023-plan-summary.txt", "utf-8", yangpyeong_to_spec,
                                     "제5기(2023~2026) 양평군 지역사회보장계획 요약본"),
    "gwangju-seogu-2024-elderly-basic-plan": ("gwangju-seogu-2024-elderly-basic-plan.HTML", "cp949",
                                              html_to_spec, "2024~2027 서구 노인복지 기본계획"),
    "wonju-2024-implementation-plan": ("wonju-2024-implementation-plan.md", "utf-8", md_to_spec,
                                       "2024년 원주시 지역사회보장계획 연차별 시행계획"),
    "unruled-investment-plan": ("unruled-investment-plan.txt", "utf-8", unruled_to_spec,
                                "2024~2027 홍성군 지역돌봄 기본계획"),
}
PDF_ONLY = {"unruled-investment-plan"}      # samples whose DOCX is only a step towards the PDF
BROKEN = "broken-text-layer"


def write_pdf_only(spec: Spec, title: str, pdf_path: Path) -> None:
    """The PDF of `spec`, its DOCX written to a temporary folder and thrown away."""
    with tempfile.TemporaryDirectory() as tmp:
        docx_path = Path(tmp, pdf_path.with_suffix(".docx").name)
        docx_path.write_bytes(spec_to_docx(spec, title))
        docx_to_pdf([docx_path], pdf_path.parent)


def write_sample(stem: str, docx_only: bool) -> None:
    """Write the DOCX and/or PDF twin of one source in `SOURCES`."""
    name, encoding, to_spec, title = SOURCES[stem]
    spec = to_spec(HERE.joinpath(name).read_text(encoding=encoding))
    docx_path, pdf_path = HERE / f"{stem}.docx", HERE / f"{stem}.pdf"
    if stem in PDF_ONLY:
        if not docx_only:
            print(pdf_path.name)
            write_pdf_only(spec, title, pdf_path)
        return
    print(f"{docx_path.name}{'' if docx_only else ' + ' + pdf_path.name}")
    if docx_only:
        docx_path.write_bytes(spec_to_docx(spec, title))
    elif stem.startswith("yangpyeong"):
        write_yangpyeong_pdf(spec, title, docx_path, pdf_path)
    else:
        docx_path.write_bytes(spec_to_docx(spec, title))
        docx_to_pdf([docx_path], HERE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docx-only", action="store_true", help="skip the LibreOffice PDF conversion")
    parser.add_argument("--only", choices=[*SOURCES, BROKEN], help="build this one sample (default: all)")
    args = parser.parse_args(argv)
    for stem in SOURCES:
        if args.only in (None, stem):
            write_sample(stem, args.docx_only)
    if not args.docx_only and args.only in (None, BROKEN):
        broken = HERE / f"{BROKEN}.pdf"
        broken.write_bytes(broken_text_layer_pdf(HERE / "gwangju-seogu-2024-elderly-basic-plan.pdf"))
        print(broken.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
