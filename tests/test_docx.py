"""DOCX extractor on real files: sample twins, merged cells, header rows, numbering, nested tables, Hangul DOCX."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import SAMPLES, shared_path
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from test_pdf import gwangju_twin, table_rows, table_spans, wonju_twin, yangpyeong_header_spans, yangpyeong_twin

from extractors import extract
from extractors.document import ExtractError, Heading, ListItem, Paragraph


def test_yangpyeong_docx_table_equals_text_twin():
    doc = extract(SAMPLES / "yangpyeong-2023-plan-summary.docx")
    (table,) = doc.tables()
    assert table_rows(table) == yangpyeong_twin()
    assert table.header_rows == 2                                  # from w:tblHeader
    assert table_spans(table, header_only=True) == {s for s in yangpyeong_header_spans() if s[0] < 2}
    assert {(5, 0, 2, 1), (7, 9, 1, 4)} <= table_spans(table)      # vMerge and gridSpan in the body
    assert table.unit_hint == "(단위 : 백만원)"
    assert doc.title == "제5기(2023~2026) 양평군 지역사회보장계획 요약본"


def test_merged_cell_text_appears_once():
    (table,) = extract(SAMPLES / "yangpyeong-2023-plan-summary.docx").tables()
    texts = [c.text for c in table.cells]
    assert texts.count("세부사업 1-2 장애인 활동지원 강화") == 1
    assert texts.count("비예산") == 1


def test_gwangju_docx_tables_equal_html_twin():
    doc = extract(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.docx")
    twins, captions = gwangju_twin()
    assert [(table_rows(t), table_spans(t)) for t in doc.tables()] == twins
    assert [t.unit_hint for t in doc.tables()] == ["(단위 : 백만원)", "(단위 : 백만원)"]
    assert doc.tables()[1].caption == captions[1]                 # "Caption" style paragraph


def test_wonju_docx_headings_bullets_and_table():
    doc = extract(SAMPLES / "wonju-2024-implementation-plan.docx")
    (table,) = doc.tables()
    assert table_rows(table) == wonju_twin()
    headings = [(b.level, b.title) for b in doc.blocks if isinstance(b, Heading)]
    assert headings[:3] == [(1, "2024년 원주시 지역사회보장계획 연차별 시행계획"),
                            (2, "Ⅰ. 2023년 시행결과 요약"), (2, "Ⅱ. 2024년 추진전략 및 세부사업")]
    items = [(b.marker, b.depth, b.text) for b in doc.blocks if isinstance(b, ListItem)]
    assert items[2] == ("•", 1, "미집행 사유: 주거환경 개선사업 공사 지연")
    assert all(b.source.page is None and b.source.line for b in doc.blocks)


def _numbered_document(path: Path) -> Path:
    """A DOCX with Word numbering (ganada, decimal), an outline-level paragraph and a nested table."""
    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for ilvl, (fmt, text) in enumerate([("ganada", "%1."), ("decimal", "(%2)")]):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(ilvl))
        for name, value in (("w:start", "1"), ("w:numFmt", fmt), ("w:lvlText", text)):
            child = OxmlElement(name)
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)

    def numbered(text: str, ilvl: int) -> None:
        p = document.add_paragraph(text)
        num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = ilvl
        num_pr.get_or_add_numId().val = 90

    numbered("추진 배경", 0)
    numbered("현황", 1)
    numbered("문제점", 1)
    numbered("추진 전략", 0)
    outline = document.add_paragraph("개요 수준으로만 표시된 제목")
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "1")
    outline._p.get_or_add_pPr().append(level)
    document.add_paragraph("<표 1> 사업별 예산 (단위 : 천원)")
    outer = document.add_table(rows=2, cols=2)
    outer.cell(0, 0).text, outer.cell(0, 1).text = "구분", "내용"
    outer.cell(1, 0).text = "사업"
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "연도", (0, 1): "예산", (1, 0): "2024", (1, 1): "1,200"}.items():
        inner.cell(r, c).text = text
    document.save(path)
    return path


def test_numbering_outline_level_caption_and_nested_table(tmp_path: Path):
    doc = extract(_numbered_document(tmp_path / "numbered.docx"))
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[:4] == ["가. 추진 배경", "(1) 현황", "(2) 문제점", "나. 추진 전략"]
    assert (2, "개요 수준으로만 표시된 제목") in [(b.level, b.title) for b in doc.blocks if isinstance(b, Heading)]
    outer, inner = doc.tables()
    assert (outer.caption, outer.unit_hint) == ("<표 1> 사업별 예산 (단위 : 천원)", "(단위 : 천원)")
    assert table_rows(outer) == [["구분", "내용"], ["사업", ""]]
    assert table_rows(inner) == [["연도", "예산"], ["2024", "1,200"]]
    assert inner.header_rows == 1


def test_text_box_paragraphs_follow_their_anchor(tmp_path: Path):
    document = docx.Document()
    anchor = document.add_paragraph("본문 문단")
    box = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>글상자 속 요약: 예산 1,200백만원</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    anchor._p.append(box)
    document.add_paragraph("다음 문단")
    document.save(tmp_path / "box.docx")
    texts = [b.text for b in extract(tmp_path / "box.docx").blocks]
    assert texts == ["본문 문단", "글상자 속 요약: 예산 1,200백만원", "다음 문단"]


def test_not_a_docx_raises_extract_error(tmp_path: Path):
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ExtractError, match="not a readable DOCX"):
        extract(fake)


def test_hangul_exported_docx_extracts():
    path = shared_path("corpus", "docx", "lecture-note-dynamic-lagrangian.hanword2010.docx")
    oracle = shared_path("corpus", "oracle", f"{path.name}.python-docx.txt").read_text(encoding="utf-8")
    doc = extract(path)
    ours = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    expected = [" ".join(line.split()) for line in oracle.splitlines() if line.strip()]
    assert ours == expected
    assert doc.format == "docx" and doc.title


# --- hostile and odd input ----------------------------------------------------------------------------------


def _docx_with_table(path: Path, rows: list[list[str]]) -> Path:
    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(path)
    return path


def test_unit_row_above_the_header_becomes_the_unit_hint(tmp_path: Path):
    path = _docx_with_table(tmp_path / "unit.docx", [["", "", "(단위: 백만원)"], ["구분", "2024", "2025"],
                                                     ["돌봄", "1,200", "1,300"]])
    (table,) = extract(path).tables()
    assert (table.unit_hint, table.n_rows, table.header_rows) == ("(단위: 백만원)", 2, 1)
    assert table.rows_text()[0] == ["구분", "2024", "2025"]


def test_declared_grid_span_is_bounded_by_the_grid(tmp_path: Path):
    path = _docx_with_table(tmp_path / "span.docx", [["a", "b"], ["c", "d"]])
    document = docx.Document(str(path))
    tc = document.tables[0]._tbl.findall(qn("w:tr"))[0].findall(qn("w:tc"))[0]
    tc.get_or_add_tcPr().append(parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="100000000"/>'))
    document.save(path)
    (table,) = extract(path).tables()
    assert table.n_cols <= 3 and table.cells[0].col_span == 2  # the grid, plus the cell pushed past it


def test_member_declaring_gigabytes_is_refused_before_reading(tmp_path: Path):
    """A zip member whose directory entry claims 4 GB (an image of zeros) is refused without inflating it."""
    path = _docx_with_table(tmp_path / "bomb.docx", [["a", "b"]])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/media/zeros.png", b"\0" * 1024)
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, 0xFFFFFFF0)
    path.write_bytes(bytes(data))
    with pytest.raises(ExtractError, match="zip bomb"):
        extract(path)


def test_empty_docx_says_empty_file(tmp_path: Path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="empty file"):
        extract(path)


@pytest.mark.parametrize("sample,member", [("gwangju-seogu-2024-elderly-basic-plan.docx", b"word/document.xml"),
                                           ("gwangju-seogu-2024-elderly-basic-plan.hwpx", b"Contents/section0.xml")])
def test_zip_with_an_unknown_compression_method_is_an_extract_error(tmp_path: Path, sample, member):
    data = bytearray((SAMPLES / sample).read_bytes())
    entry = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02"))
    while data[entry + 46:entry + 46 + len(member)] != member:
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<H", data, entry + 10, 99)
    path = tmp_path / sample
    path.write_bytes(bytes(data))
    with pytest.raises(ExtractError):
        extract(path)


def test_corrupt_deflate_data_is_an_extract_error(tmp_path: Path):
    data = bytearray((SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.docx").read_bytes())
    with zipfile.ZipFile(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.docx") as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10:start + 40] = b"\xff" * 30
    path = tmp_path / "corrupt.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(ExtractError):
        extract(path)


_ENTITY_BOMB = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                + "".join(f'<!ENTITY {n} "{("&" + p + ";") * 10}">' for p, n in zip("abcde", "bcdef"))
                + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                  '<w:body><w:p><w:r><w:t>&f;</w:t></w:r></w:p></w:body></w:document>')


def _deep_tables(document: bytes) -> bytes:
    head = document.split(b"<w:body>")[0]
    return head + b"<w:body>" + b"<w:tbl>" * 300 + b"</w:tbl>" * 300 + b"</w:body></w:document>"


@pytest.mark.parametrize("rewrite", [_deep_tables, lambda _: _ENTITY_BOMB.encode()], ids=["deep", "entity-bomb"])
def test_hostile_xml_in_a_docx_is_a_specific_error(tmp_path, rewrite):
    target = tmp_path / "hostile.docx"
    with zipfile.ZipFile(SAMPLES / "wonju-2024-implementation-plan.docx") as zin, \
            zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, rewrite(data) if item.filename == "word/document.xml" else data)
    with pytest.raises(ExtractError, match="an XML part of the DOCX is refused"):
        extract(target)
