"""PDF extractor on real files: sample twins, stitching across pages, spans, broken text layers, the corpus."""
from __future__ import annotations

import ctypes
import html.parser
import re
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from conftest import ROOT, SAMPLES, shared_path

from extractors import extract
from extractors.document import ExtractError, Heading, Paragraph, Table
from extractors.grid import spans_from_blank_headers
from extractors.pdf.lines import TextLine, glyphs_to_lines, is_full, lines_to_text
from extractors.pdf.page import Glyph
from extractors.pdf.tables import PageCell, PageTable, repeats_header, stitch
from extractors.pdf.unruled import lines_to_unruled_tables
from extractors.pdf.words import is_spaced_out, texts_to_word_stats

sys.path.insert(0, str(ROOT))
from tools.render_twins import span_rows_to_grid

Spans = set[tuple[int, int, int, int]]


# --- the hand-written twins, read independently of the extractors ------------------------------

def _collapse(text: str) -> str:
    return " ".join(text.split())


def yangpyeong_twin() -> list[list[str]]:
    """The tab-separated plan table: header rows once (the chunk's repeated header dropped), <b> removed."""
    text = (SAMPLES / "yangpyeong-2023-plan-summary.txt").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    header, body = rows[:2], [r for r in rows[2:] if r not in rows[:2]]
    return [[_collapse(re.sub(r"</?b>", "", t)) for t in row] for row in header + body]


class _HtmlTables(html.parser.HTMLParser):
    """<TABLE> rows of (text, rowspan, colspan) and the <CAPTION> of each table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, int, int]]]] = []
        self.captions: list[str | None] = []
        self._text: list[str] | None = None
        self._spans = (1, 1)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append([])
            self.captions.append(None)
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "caption"):
            self._text = []
            self._spans = (int(a.get("rowspan") or 1), int(a.get("colspan") or 1))

    def handle_endtag(self, tag):
        if tag == "td":
            self.tables[-1][-1].append((_collapse("".join(self._text)), *self._spans))
            self._text = None
        elif tag == "caption":
            self.captions[-1] = _collapse("".join(self._text))
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def html_rows_to_grid(rows: list[list[tuple[str, int, int]]]) -> tuple[list[list[str]], Spans]:
    """HTML rows to row texts (anchor text only) and the (row, col, row_span, col_span) of merged cells."""
    grid, merges = span_rows_to_grid(rows)
    return grid, {(r0, c0, r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}


def gwangju_twin() -> tuple[list[tuple[list[list[str]], Spans]], list[str | None]]:
    """The two 투자계획 tables of the CP949 HTML, with spans, and their captions."""
    parser = _HtmlTables()
    parser.feed((SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.HTML").read_text(encoding="cp949"))
    return [html_rows_to_grid(t) for t in parser.tables], parser.captions


def wonju_twin() -> list[list[str]]:
    """The markdown pipe table (separator row dropped)."""
    text = (SAMPLES / "wonju-2024-implementation-plan.md").read_text(encoding="utf-8")
    return [[_collapse(c) for c in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line)]


def table_rows(table: Table) -> list[list[str]]:
    """Row texts with whitespace collapsed."""
    return [[_collapse(t) for t in row] for row in table.rows_text()]


def table_spans(table: Table, header_only: bool = False) -> Spans:
    """(row, col, row_span, col_span) of merged cells (optionally only those in header rows)."""
    return {(c.row, c.col, c.row_span, c.col_span) for c in table.cells
            if (c.row_span > 1 or c.col_span > 1) and (not header_only or c.row < table.header_rows)}


def unruled_twin() -> list[list[str]]:
    """The tab-separated investment plan table of the unruled sample's text twin."""
    text = (SAMPLES / "unruled-investment-plan.txt").read_text(encoding="utf-8")
    return [[_collapse(t) for t in line.split("\t")] for line in text.splitlines() if "\t" in line]


def yangpyeong_header_spans() -> Spans:
    """Header spans the text twin implies (label over blank cells), by the team's `spans_from_blank_headers`."""
    return table_spans(spans_from_blank_headers(yangpyeong_twin(), 2), header_only=False)


# --- samples --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def yangpyeong():
    return extract(SAMPLES / "yangpyeong-2023-plan-summary.pdf")


def test_yangpyeong_table_equals_text_twin(yangpyeong):
    (table,) = yangpyeong.tables()
    assert table_rows(table) == yangpyeong_twin()
    assert table.header_rows == 2
    assert table_spans(table, header_only=True) == {s for s in yangpyeong_header_spans() if s[0] < 2}
    assert table.unit_hint == "(단위 : 백만원)"


def test_yangpyeong_body_spans_from_cell_geometry(yangpyeong):
    (table,) = yangpyeong.tables()
    body = {s for s in table_spans(table) if s[0] >= 2}
    assert (5, 0, 2, 1) in body and (5, 8, 2, 1) in body      # 세부사업 1-2: two indicators, one budget
    assert (7, 9, 1, 4) in body                                # 비예산 over 2023–2026


def test_table_stitched_across_pages(yangpyeong):
    (table,) = yangpyeong.tables()
    assert (table.source.page, table.page_end) == (2, 3)
    texts = [row[0] for row in table_rows(table)]
    assert texts.count("구분") == 1                              # header repeated on page 3 dropped
    row = next(r for r in table_rows(table) if r[0].startswith("세부사업 2-2"))
    assert row[2] == "▪ 참여자 수(명) ▪ 활동시간(시간)"          # row broken by the page boundary joined
    pages = {c.source.page for c in table.cells}
    assert pages == {2, 3}


def test_yangpyeong_text_headings_and_order(yangpyeong):
    headings = [(b.level, b.title) for b in yangpyeong.blocks if isinstance(b, Heading)]
    assert headings[0] == (1, "제5기(2023~2026) 양평군 지역사회보장계획 요약본")
    assert (2, "Ⅲ. 추진전략별 세부사업") in headings
    texts = [getattr(b, "text", None) for b in yangpyeong.blocks]
    assert "○ 65세 이상 인구 비율이 32.4%('22년 말)로 경기도 평균(15.9%)의 두 배를 넘어 돌봄 수요가 빠르게 늘어남" in texts
    assert "(단위 : 백만원)" not in texts                        # consumed as the table's unit_hint
    assert all(b.source.page for b in yangpyeong.blocks)


def test_gwangju_tables_equal_html_twin():
    doc = extract(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.pdf")
    twins, captions = gwangju_twin()
    tables = doc.tables()
    assert [(table_rows(t), table_spans(t)) for t in tables] == [(rows, spans) for rows, spans in twins]
    assert [t.header_rows for t in tables] == [2, 2]
    assert [t.unit_hint for t in tables] == ["(단위 : 백만원)", "(단위 : 백만원)"]
    assert tables[1].caption == captions[1]


def test_wonju_table_equals_markdown_twin():
    (table,) = extract(SAMPLES / "wonju-2024-implementation-plan.pdf").tables()
    assert table_rows(table) == wonju_twin()
    assert (table.header_rows, table.unit_hint) == (1, "(단위 : 천원)")


def test_unruled_table_equals_text_twin():
    """Drawn without any borders: columns from aligned pieces, "투자계획" centred over five columns spans
    them, departments wrapped onto a second line join their labels, the unit line above is the hint."""
    doc = extract(SAMPLES / "unruled-investment-plan.pdf")
    (table,) = doc.tables()
    twin = unruled_twin()
    assert table_rows(table) == twin
    assert table.header_rows == 2
    assert table_spans(table) == table_spans(spans_from_blank_headers(twin, 2)) == {(0, 0, 2, 1), (0, 1, 1, 5)}
    assert table.unit_hint == "(단위 : 백만원)"
    assert all(c.source.page == 1 and c.source.bbox for c in table.cells)
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[-1] == "※ 1인가구 안부확인 서비스는 2025년부터 시행"      # the note below stays text
    assert "(단위 : 백만원)" not in texts


def test_every_block_and_cell_has_page_and_bbox():
    doc = extract(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.pdf")
    sources = [b.source for b in doc.blocks] + [c.source for t in doc.tables() for c in t.cells]
    assert all(s.page == 1 and s.bbox and s.bbox[0] < s.bbox[2] and s.bbox[1] < s.bbox[3] for s in sources)


def test_broken_and_missing_text_layers_are_issues():
    doc = extract(SAMPLES / "broken-text-layer.pdf")
    issues = {i.code: i for i in doc.issues}
    assert set(issues) == {"broken-text-layer", "no-text-layer", "fonts-not-embedded"}   # NanumGothic, not embedded
    assert "page(s) 2 " in issues["broken-text-layer"].message and issues["broken-text-layer"].source.page == 2
    assert "page(s) 3 " in issues["no-text-layer"].message
    assert next(b.text for b in doc.blocks).startswith("Broken text layer sample")   # page 1 still read
    assert {b.source.page for b in doc.blocks} == {1}


def _password_protected_pdf(path: Path) -> Path:
    """A one-page PDF whose standard security handler accepts neither the empty nor any guessable password."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<%s><%s>] >>\nstartxref\n%d\n%%%%EOF\n" % (
        b"33" * 16, b"33" * 16, xref)
    path.write_bytes(bytes(out))
    return path


def test_encrypted_pdf_raises_extract_error(tmp_path: Path):
    with pytest.raises(ExtractError, match="encrypted and needs a password"):
        extract(_password_protected_pdf(tmp_path / "locked.pdf"))


def _minimal_pdf(objects: list[bytes], trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A PDF file of the given objects (1-based numbers) with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"hello, this is not a PDF at all\n" * 5, r"not a PDF \(no %PDF- header\)"),
    (b"%PDF-1.7\nthis is not a PDF body", "truncated PDF"),
    (_minimal_pdf([b"<< /Type /Catalog >>"]), "the PDF has no pages"),
    (_minimal_pdf([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"]), "the PDF has no pages"),
    (_minimal_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Foo >>"]),
     "PDFium cannot load any of its 1 page"),
], ids=["empty", "not-pdf", "truncated", "no-page-tree", "zero-pages", "no-loadable-page"])
def test_unreadable_files_raise_a_specific_extract_error(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        extract(path)


def test_missing_file_raises_extract_error(tmp_path: Path):
    with pytest.raises(ExtractError, match="no such file"):
        extract(tmp_path / "missing.pdf")


def test_truncated_corpus_file_names_the_truncation(tmp_path: Path):
    data = shared_path("corpus", "pdf", "nikl-2022-plan-excerpt.pdf").read_bytes()
    for share in (0.1, 0.5, 0.9):
        cut = tmp_path / f"cut-{share}.pdf"
        cut.write_bytes(data[:int(len(data) * share)])
        with pytest.raises(ExtractError, match="truncated PDF"):
            extract(cut)


def test_page_that_cannot_be_loaded_makes_the_document_partial(tmp_path: Path):
    """Five pages declared, one real: the four others are an issue, the real one is read."""
    stream = b"BT /F1 14 Tf 72 760 Td (Budget page one.) Tj ET"
    path = tmp_path / "short.pdf"
    path.write_bytes(_minimal_pdf([
        CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 5 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]))
    doc = extract(path)
    assert [i.code for i in doc.issues] == ["page-unreadable"]
    assert "page(s) 2, 3, 4, 5 " in doc.issues[0].message
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["Budget page one."]


# --- wrapped lines and tables continued on the next page (shapes seen in renderings of the seeds) ----

Placed = tuple[float, float, str] | tuple[float, float, str, str]


def _text_pdf(path: Path, lines: list[Placed], size: tuple[float, float] = (300, 200),
              rules: list[tuple[float, float, float]] | None = None) -> Path:
    """A one-page PDF with Helvetica 12 pt text objects at (x, y from the bottom), written through PDFium.

    A line given as (x, y, text, "right") ends at x instead of starting there; `rules` are horizontal
    lines (x0, y, x1).
    """
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(*size)
    for x, y, text, *anchor in lines:
        obj = pdfium_raw.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", 12.0)
        wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(pdfium_raw.FPDF_WCHAR)))
        if anchor == ["right"]:
            box = [ctypes.c_float() for _ in range(4)]
            pdfium_raw.FPDFPageObj_GetBounds(obj, *box)
            x -= box[2].value - box[0].value
        pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
    for x0, y, x1 in rules or []:
        rule = pdfium_raw.FPDFPageObj_CreateNewPath(x0, y)
        pdfium_raw.FPDFPath_LineTo(rule, x1, y)
        pdfium_raw.FPDFPath_SetDrawMode(rule, 0, 1)
        pdfium_raw.FPDFPage_InsertObject(page.raw, rule)
    pdfium_raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))
    return path


def test_hyphen_ending_a_line_is_read_and_joins_the_next_line(tmp_path: Path):
    """PDFium reports a line-final hyphen as U+0002; "복지-" + "고용" is one word."""
    doc = extract(_text_pdf(tmp_path / "hyphen.pdf", [(20, 150, "social welfare-"), (20, 135, "employment link")]))
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["social welfare-employment link"]


def test_table_between_horizontal_rules_only_is_found(tmp_path: Path):
    """Horizontal rules alone make no ruled grid; the aligned text still makes the table."""
    rows = [("Program", "Total", "2024", "2025"), ("Home care", "1,200", "600", "600"),
            ("Day care centres", "800", "-", "800"), ("Meals", "450", "200", "250")]
    lines = [(x, 700 - 20 * r, text, "left" if x == 60 else "right")
             for r, row in enumerate(rows) for x, text in zip((60, 300, 370, 440), row)]
    rules = [(50, 715, 450), (50, 694, 450), (50, 635, 450)]
    doc = extract(_text_pdf(tmp_path / "booktabs.pdf", lines, (595, 842), rules))
    (table,) = doc.tables()
    assert table_rows(table) == [list(row) for row in rows]
    assert table.header_rows == 1


def test_glyphs_of_size_zero_are_no_letter_spaced_word():
    """Line helpers never divide by a glyph's size (a zero size must not fail the page)."""
    glyphs = [Glyph("가", 0, 0, 10, 10, 0.0, False), Glyph("나", 20, 0, 30, 10, 0.0, False)]
    assert not is_spaced_out(glyphs)
    assert glyphs_to_lines(glyphs)[0].text == "가 나"


def _prose(x: float, top: float, texts: list[str], anchor: str = "left") -> list[Placed]:
    """Lines of text starting (or with anchor "right" ending) at x, 15 pt apart, from `top` (y from the
    bottom) down."""
    return [(x, top - 15 * i, text, anchor) for i, text in enumerate(texts)]


PROSE = ["In 2024 the county spent 1,200 million won on home care", "for 3,400 older residents, up 12% from 2023,",
         "and opened 5 new day care centres in rural areas", "where 48 of 120 villages had none before."]
COLUMN = ["Home care reached 3,400 residents", "in 2024, up 12% on the year before;", "5 day care centres opened",
          "in 48 villages, and meals rose", "to 450 a day across the county."]
NOT_TABLES = {
    "prose": _prose(60, 700, PROSE + PROSE),
    "bullets": [*_prose(60, 700, ["\u2022"] * 4), *_prose(90, 700, ["Home care", "Day care", "Meals", "Transport"]),
                *_prose(400, 700, ["1,200", "800", "450", "300"], "right")],
    "numbered list": [*_prose(60, 700, ["1.", "2.", "3."]), *_prose(90, 700, ["Home care", "Day care", "Meals"]),
                      *_prose(400, 700, ["1,200", "800", "450"], "right")],
    "dashed list": [*_prose(60, 700, ["- Home care visits", "- Day care places", "- Meals on wheels"]),
                    *_prose(400, 700, ["1,200", "800", "450"], "right")],
    "contents with leaders": [*_prose(60, 700, [f"Chapter {i} {name} " + "." * 30 for i, name
                                                in enumerate(["Overview", "Budget", "Programs"], 1)]),
                              *_prose(500, 700, ["3", "7", "12"], "right")],
    "contents": [*_prose(60, 700, ["Chapter 1 Overview", "Chapter 2 Budget", "Chapter 3 Programs", "Annex"]),
                 *_prose(500, 700, ["3", "7", "12", "31"], "right")],
    "two columns": _prose(50, 700, COLUMN) + _prose(310, 700, COLUMN[::-1]),
    "chart axes side by side": [*_prose(100, 700, ["1,500", "1,000", "500", "0"], "right"),
                                *_prose(400, 700, ["1,500", "1,000", "500", "0"], "right")],
}


@pytest.mark.parametrize("name", NOT_TABLES)
def test_text_that_is_not_a_table_stays_text(tmp_path: Path, name: str):
    doc = extract(_text_pdf(tmp_path / "page.pdf", NOT_TABLES[name], (595, 842)))
    assert not doc.tables()
    assert doc.blocks


def _aligned(rows: list[list[tuple[float, float, str]]], size: float = 10.0) -> list[TextLine]:
    """Text lines 16 pt apart from pieces (x0, x1, text)."""
    return [TextLine(" ".join(p[2] for p in pieces), pieces[0][0], 16.0 * r, pieces[-1][1], 16.0 * r + size,
                     size, False, tuple(pieces)) for r, pieces in enumerate(rows)]


def test_korean_lists_contents_and_columns_stay_lines():
    bullets = _aligned([[(50, 200, "○ 노인일자리 참여자"), (380, 400, "1,510명")],
                        [(50, 190, "○ 통합돌봄 이용자"), (390, 400, "320명")],
                        [(50, 210, "○ 방문상담 건수"), (375, 400, "1,240건")]])
    contents = _aligned([[(50, 150, "Ⅰ. 계획 수립 개요"), (495, 500, "1")],
                         [(50, 140, "Ⅱ. 비전 및 추진전략"), (495, 500, "4")],
                         [(50, 160, "Ⅲ. 추진전략별 세부사업"), (490, 500, "11")]])
    columns = _aligned([[(50, 280, "지역사회보장협의체 분과회의를 6회"), (310, 540, "개최하고 군민 공청회를 통해")],
                        [(50, 270, "열어 의견을 모았으며 2022년 9월"), (310, 530, "계획안을 확정하여 군의회에")],
                        [(50, 275, "군민 공청회를 거쳐 계획을 보완함"), (310, 520, "보고하였음")]])
    for lines in (bullets, contents, columns):
        tables, rest = lines_to_unruled_tables(lines, 1, [])
        assert (tables, rest) == ([], lines)


def test_labels_centred_in_their_cells_are_not_joined_to_the_row_above():
    """Hancom centres cells vertically: a two-line label prints one line above its values and one below."""
    def line(top: float, *pieces: tuple[float, float, str]) -> TextLine:
        return TextLine(" ".join(p[2] for p in pieces), pieces[0][0], top, pieces[-1][1], top + 10, 10.0, False,
                        pieces)

    lines = [line(0, (50, 80, "사업명"), (190, 200, "계"), (240, 260, "2024")),
             line(16, (50, 110, "경로당 지원"), (175, 200, "1,740"), (245, 260, "420")),
             line(32, (50, 120, "치매 쉼터 운영"), (185, 200, "370"), (250, 260, "85")),
             line(46, (50, 130, "어르신 무료 급식")),
             line(54, (175, 200, "2,620"), (245, 260, "610")),
             line(62, (50, 70, "확대")),
             line(78, (50, 100, "노인일자리"), (175, 200, "5,170"), (235, 260, "1,200"))]
    tables, rest = lines_to_unruled_tables(lines, 1, [])
    assert (tables, rest) == ([], lines)


def _line(text: str, top: float, space_before: bool = False) -> TextLine:
    return TextLine(text, 0.0, top, 100.0, top + 8.0, 8.0, False, ((0.0, 100.0, text),), space_before)


def test_wrapped_cell_lines_join_without_space_inside_brackets():
    assert lines_to_text([_line("나눔반장 설치(", 0), _line("시행동수)", 10)]) == "나눔반장 설치(시행동수)"
    assert lines_to_text([_line("신규 사회적기업육성 실적", 0), _line(")(%)", 10)]) == "신규 사회적기업육성 실적)(%)"
    assert lines_to_text([_line('활동까지 "', 0), _line('서창어울림마을"', 10)]) == '활동까지 "서창어울림마을"'
    # a break between syllables keeps its space: the text layer cannot tell "주택 운영" from "통합돌봄"
    assert lines_to_text([_line("장애인자립주택", 0), _line("운영", 10)]) == "장애인자립주택 운영"
    assert lines_to_text([_line("설치(", 0), _line("시행동수)", 10, space_before=True)]) == "설치( 시행동수)"


def _page_table(rows: list[list[str]], page: int) -> PageTable:
    cells = tuple(PageCell(r, c, 1, 1, text, page, (c * 50.0, r * 20.0, c * 50.0 + 50, r * 20.0 + 20))
                  for r, row in enumerate(rows) for c, text in enumerate(row))
    return PageTable(cells, len(rows), (50.0,) * len(rows[0]), page, page, (0, 0, 50.0 * len(rows[0]), 20.0 * len(rows)))


HEADER = ["1. 지역사회와 함께하는 돌봄", "주요내용", "추진부서"]


def test_complete_text_row_opening_the_next_page_is_not_joined_to_the_last_row():
    first = _page_table([HEADER, ["I-3-4. 판로개척 지원", "판로확장 지원", "일자리경제과"],
                         ["I-3-5. 다문화 가족 취업 지원", "취업프로그램 개설", "이동청소년복지과"]], 1)
    continued = _page_table([HEADER, ["I-3-6. 공공분야 일자리 창출", "취약계층 대상 일자리 창출", "일자리경제과"]], 2)
    rows = [[c.text for c in sorted((c for c in stitch(first, continued).cells if c.row == r), key=lambda c: c.col)]
            for r in range(4)]
    assert rows[2:] == [["I-3-5. 다문화 가족 취업 지원", "취업프로그램 개설", "이동청소년복지과"],
                        ["I-3-6. 공공분야 일자리 창출", "취약계층 대상 일자리 창출", "일자리경제과"]]


def test_numbered_row_under_a_blank_group_cell_is_not_joined_to_the_last_row():
    first = _page_table([["구분", "세부사업", "주요내용", "추진부서"],
                         ["1. 인적 인프라 지원", "Ⅱ-4-1-1. 종사자 처우개선", "복지포인트 지원", "복지정책과"]], 1)
    continued = _page_table([["구분", "세부사업", "주요내용", "추진부서"],
                             ["", "Ⅱ-4-1-2. 돌봄가족 안정성 강화", "종사자 처우개선", "어르신복지과"]], 2)
    assert stitch(first, continued).n_rows == 3


def test_tail_of_a_row_broken_by_the_page_is_joined():
    first = _page_table([HEADER, ["I-3-5. 다문화 가족 취업 경쟁력", "취업프로그램 개설", "이동청소년복지과"]], 1)
    continued = _page_table([HEADER, ["강화 지원", "", ""]], 2)
    table = stitch(first, continued)
    assert table.n_rows == 2
    assert next(c.text for c in table.cells if (c.row, c.col) == (1, 0)) == "I-3-5. 다문화 가족 취업 경쟁력 강화 지원"


def test_repeated_header_drawn_cut_short_still_repeats():
    header = [["구분", "중점 추진 사업 여부 (○,×)", "성과지표", "목표수준"], ["", "", "", "2018 현재"]]
    assert repeats_header(header, [["구분", "중점 추진 사업 여부", "성과지표", "목표수준"], ["", "", "", "2018현재"]])
    assert not repeats_header(header, [["세부사업 1-1", "○", "■ 예산집행율(%)", "95"], ["", "", "", "96"]])
    assert not repeats_header(header, [["구분", "", "", ""], ["", "", "", ""]])


# --- the shared corpus ----------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^[-–—(\[]?\s*[0-9ivxIVX]{1,5}\s*[-–—)\]]?$")


def _flat_text(doc) -> str:
    """All printed text of a document without whitespace: blocks, captions, units, cells row by row."""
    parts = []
    for block in doc.blocks:
        if isinstance(block, Table):
            parts += [block.caption or "", block.unit_hint or ""]
            parts += [c.text for c in sorted(block.cells, key=lambda c: (c.row, c.col))]
        else:
            parts.append(getattr(block, "text", None) or getattr(block, "title", ""))
    return re.sub(r"\s+", "", "".join(parts))


def _line_found(line: str, ours: str) -> bool:
    """An oracle line is found whole, or token by token (table rows interleave cells); pdfplumber prints
    fake-bold glyphs twice ("참참고고") and leader dots as many as it sees, so those are normalised."""
    undoubled = re.sub(r"(.)\1", r"\1", line)
    for candidate in (line, undoubled):
        stripped = re.sub(r"[·.…]{3,}", "", re.sub(r"\s+", "", candidate))
        if stripped in re.sub(r"[·.…]{3,}", "", ours):
            return True
        if all(tok in ours for tok in candidate.split() if not re.fullmatch(r"[·.…]{3,}", tok)):
            return True
    return False


CORPUS_PDFS = ["card-terms-korean-tables.pdf", "moef-ofdi-2025q2-press.pdf", "nikl-2022-plan-excerpt.pdf",
               "nikl-2022-work-plan.hancomviewer-macos.pdf", "nikl-2022-work-plan.hwp2022-win.pdf",
               "rnd-item-proposal-bio-2026.pdf"]


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_pdf_covers_oracle_text(name: str):
    doc = extract(shared_path("corpus", "pdf", name))
    oracle = shared_path("corpus", "oracle", f"{name}.pdfplumber.txt").read_text(encoding="utf-8")
    lines = [ln for ln in oracle.splitlines()
             if ln.strip() and not ln.startswith("=== page") and not _PAGE_NUMBER.match(ln.strip())]
    ours = _flat_text(doc)
    missing = [ln for ln in lines if not _line_found(ln, ours)]
    assert doc.pages and not doc.issues
    assert len(missing) <= 0.05 * len(lines), missing[:10]


def test_corpus_dotted_rulings_make_table_rows():
    """Hancom draws inner borders as thousands of dots: they must still separate rows."""
    doc = extract(shared_path("corpus", "pdf", "moef-ofdi-2025q2-press.pdf"))
    table = next(t for t in doc.tables() if t.caption and "업종별 동향" in t.caption)
    assert table_rows(table)[1] == ["‘24.2Q", "55.8", "38.8", "13.2", "11.5", "6.4"]
    assert table_rows(table)[2] == ["‘25.2Q", "66.3", "35.3", "7.5", "7.1", "6.6"]


def test_corpus_pdf_twins_agree_on_tables():
    """The same plan printed by two producers gives the same tables (diagram pages aside)."""
    def texts(name):
        doc = extract(shared_path("corpus", "pdf", name))
        return [[[re.sub(r"\s+", "", t) for t in row] for row in table.rows_text()] for table in doc.tables()]

    mac, win = texts("nikl-2022-work-plan.hancomviewer-macos.pdf"), texts("nikl-2022-work-plan.hwp2022-win.pdf")
    assert sum(table in win for table in mac) >= 0.8 * len(mac) >= 12


def _cell_line(text: str, top: float, x1: float, size: float = 10.0) -> TextLine:
    return TextLine(text, 0.0, top, x1, top + size, size, False, ((0.0, x1, text),), advance=size)


def test_only_a_full_line_can_wrap_inside_a_word():
    stats = texts_to_word_stats(["진단 체계를 진단하고 진단을", "제2차 계획 2026년 3차 공개(5월) 보고(6월)"])
    full, short = _cell_line("맞춤형 진", 0, 100.0), _cell_line("맞춤형 진", 0, 80.0)
    tail = _cell_line("단 체계", 12, 60.0)
    assert lines_to_text([full, tail], stats) == "맞춤형 진단 체계"
    # room for one more syllable: the line ended at a word
    assert lines_to_text([short, tail], stats, right=100.0) == "맞춤형 진 단 체계"
    # a unit after a number, a parenthesis as the document writes it, a suffix never printed alone
    assert lines_to_text([_cell_line("사전 2", 0, 100.0), _cell_line("차 개통", 12, 60.0)], stats) == "사전 2차 개통"
    assert lines_to_text([_cell_line("수정본 공개", 0, 100.0), _cell_line("(11월)", 12, 60.0)], stats) == \
        "수정본 공개(11월)"
    assert lines_to_text([_cell_line("지표 개발(소통", 0, 100.0), _cell_line("성, 정확성", 12, 60.0)], stats) == \
        "지표 개발(소통성, 정확성"
    assert lines_to_text([_cell_line("2026-1차-맞춤형진", 0, 100.0), _cell_line("단치료-품목-01", 12, 60.0)], stats) == \
        "2026-1차-맞춤형진단치료-품목-01"
    # a lone syllable the document prints as a word of its own is no suffix
    spaced = texts_to_word_stats(["계획 및 실적", "예산 및 결산"])
    assert lines_to_text([_cell_line("계획", 0, 100.0), _cell_line("및 실적", 12, 60.0)], spaced) == "계획 및 실적"


def test_centred_lines_share_their_room():
    a = TextLine("표준국어", 30.0, 0, 70.0, 10, 10.0, False, ((30.0, 70.0, "표준국어"),), advance=10.0)
    b = TextLine("대사전 개편", 22.0, 12, 78.0, 22, 10.0, False, ((22.0, 78.0, "대사전 개편"),), advance=10.0)
    assert is_full(a, b, 78.0) is False and is_full(b, a, 78.0) is True
