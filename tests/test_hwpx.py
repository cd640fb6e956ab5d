"""HWPX extractor: the corpus against python-hwpx oracles, the sample twin of the HTML plan, refused input."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import pytest
from conftest import SAMPLES, SHARED, shared_path

from extractors.document import Document, ExtractError, Heading, ListItem, Paragraph, Table
from extractors.grid import is_unit_line
from extractors.hancom import package as _hwpx_package
from extractors.hancom.common import (
    Flow,
    LineSeg,
    Pager,
    compose_to_text,
    flow_of,
    row_heights,
    rows_to_pages,
)
from extractors.hancom.hwpx import extract
from normalizers.plan import normalise

SAMPLE = SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwpx"
HWPX_NAMES = sorted(p.name for p in (SHARED / "corpus" / "hwpx").glob("*.hwpx")) or ["(corpus missing)"]
ORACLE_COVERAGE = 0.95
"""Share of an oracle's non-empty lines that must be found in our text (whitespace ignored)."""

# The two 연차별 투자계획 tables of the HTML sample as (row, col, row_span, col_span, text).
DIRECT_CELLS = [
    (0, 0, 2, 1, "연번"), (0, 1, 2, 1, "사업명"), (0, 2, 1, 5, "투자계획"),
    (1, 2, 1, 1, "계"), (1, 3, 1, 1, "2024"), (1, 4, 1, 1, "2025"), (1, 5, 1, 1, "2026"), (1, 6, 1, 1, "2027"),
    (2, 0, 1, 2, "계"), (2, 2, 1, 1, "10,400"), (2, 3, 1, 1, "2,315"), (2, 4, 1, 1, "2,570"),
    (2, 5, 1, 1, "2,675"), (2, 6, 1, 1, "2,840"),
    (3, 0, 1, 1, "1"), (3, 1, 1, 1, "경로당 냉난방비 지원(노인복지과)"), (3, 2, 1, 1, "1,740"),
    (3, 3, 1, 1, "420"), (3, 4, 1, 1, "430"), (3, 5, 1, 1, "440"), (3, 6, 1, 1, "450"),
    (4, 0, 1, 1, "2"), (4, 1, 1, 1, "어르신 무료 급식 확대(노인복지과)"), (4, 2, 1, 1, "2,620"),
    (4, 3, 1, 1, "610"), (4, 4, 1, 1, "640"), (4, 5, 1, 1, "670"), (4, 6, 1, 1, "700"),
    (5, 0, 1, 1, "3"), (5, 1, 1, 1, "치매 조기검진 및 쉼터 운영(건강증진과)"), (5, 2, 1, 1, "370"),
    (5, 3, 1, 1, "85"), (5, 4, 1, 1, "90"), (5, 5, 1, 1, "95"), (5, 6, 1, 1, "100"),
    (6, 0, 1, 1, "4"), (6, 1, 1, 1, "스마트 경로당 구축(노인복지과, 정보통신과)"), (6, 2, 1, 1, "500"),
    (6, 3, 1, 1, "-"), (6, 4, 1, 1, "150"), (6, 5, 1, 1, "150"), (6, 6, 1, 1, "200"),
    (7, 0, 1, 1, "5"), (7, 1, 1, 1, "노인일자리 전담기관 운영(일자리경제과)"), (7, 2, 1, 1, "5,170"),
    (7, 3, 1, 1, "1,200"), (7, 4, 1, 1, "1,260"), (7, 5, 1, 1, "1,320"), (7, 6, 1, 1, "1,390"),
]
LINKED_CELLS = [
    (0, 0, 2, 1, "분야"), (0, 1, 2, 1, "사업명"), (0, 2, 1, 5, "투자계획"),
    (1, 2, 1, 1, "계"), (1, 3, 1, 1, "2024"), (1, 4, 1, 1, "2025"), (1, 5, 1, 1, "2026"), (1, 6, 1, 1, "2027"),
    (2, 0, 1, 2, "계"), (2, 2, 1, 1, "2,320"), (2, 3, 1, 1, "530"), (2, 4, 1, 1, "560"),
    (2, 5, 1, 1, "610"), (2, 6, 1, 1, "630"),
    (3, 0, 2, 1, "건강"), (3, 1, 1, 1, "방문건강관리 확대(건강증진과)"), (3, 2, 1, 1, "1,260"),
    (3, 3, 1, 1, "300"), (3, 4, 1, 1, "310"), (3, 5, 1, 1, "320"), (3, 6, 1, 1, "330"),
    (4, 1, 1, 1, "노인 틀니·임플란트 본인부담 지원(건강증진과)"), (4, 2, 1, 1, "620"), (4, 3, 1, 1, "150"),
    (4, 4, 1, 1, "150"), (4, 5, 1, 1, "160"), (4, 6, 1, 1, "160"),
    (5, 0, 1, 1, "주거"), (5, 1, 1, 1, "고령자 맞춤형 주택 개조(건축과)"), (5, 2, 1, 1, "440"),
    (5, 3, 1, 1, "80"), (5, 4, 1, 1, "100"), (5, 5, 1, 1, "120"), (5, 6, 1, 1, "140"),
]


@cache
def corpus_doc(name: str) -> Document:
    return extract(shared_path("corpus", "hwpx", name))


def squash(text: str) -> str:
    """Text without any whitespace, so spacing differences between tools do not count."""
    return re.sub(r"\s+", "", text)


def document_text(doc) -> str:
    """Every printed text of a document (paragraphs, headings, list items, captions, cells), squashed."""
    parts = []
    for block in doc.blocks:
        if isinstance(block, Table):
            parts += [block.caption or ""] + [cell.text for cell in block.cells]
        elif isinstance(block, Heading):
            parts.append(f"{block.number or ''}{block.title}")
        elif isinstance(block, ListItem):
            parts.append(f"{block.marker}{block.text}")
        else:
            parts.append(block.text)
    return squash("".join(parts))


def anchors(table: Table) -> list[tuple]:
    """A table's anchor cells as sorted (row, col, row_span, col_span, squashed text)."""
    return sorted((c.row, c.col, c.row_span, c.col_span, squash(c.text)) for c in table.cells)


def oracle_tables(name: str) -> list[dict]:
    """python-hwpx's top-level tables of a corpus file (none when it found no table)."""
    path = shared_path("corpus", "oracle").joinpath(f"{name}.python-hwpx-tables.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def oracle_anchors(table: dict) -> list[tuple]:
    return sorted((r, c, rs, cs, squash(text)) for r, c, rs, cs, text in table["cells[row,col,rowspan,colspan,text]"])


def oracle_lifted(table: dict) -> tuple[int, int, list[tuple]]:
    """(rows, cols, anchors) of a python-hwpx table, a first row holding only a unit line taken off as we do."""
    cells = oracle_anchors(table)
    first = [c for c in cells if c[0] == 0]
    filled = [c for c in first if c[4]]
    if table["rows"] >= 3 and table["cols"] >= 2 and len(filled) == 1 and is_unit_line(filled[0][4]) \
            and all(c[2] == 1 for c in first):
        return table["rows"] - 1, table["cols"], [(r - 1, *rest) for r, *rest in cells if r > 0]
    return table["rows"], table["cols"], cells


def package(tmp_path: Path, members: dict[str, bytes | str], name: str = "test.hwpx") -> Path:
    """A zip with the given members, mimetype first and stored, like Hangul writes HWPX."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/hwp+zip")
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def sample_member(name: str) -> str:
    with zipfile.ZipFile(SAMPLE) as archive:
        return archive.read(name).decode("utf-8")


def one_paragraph_section(text: str) -> str:
    """A section XML holding one paragraph, built from the sample's section root element."""
    section = sample_member("Contents/section0.xml")
    opening = section[:section.index("<hp:p ")]
    paragraph = (f'<hp:p id="0" paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>{text}</hp:t>'
                 '</hp:run></hp:p>')
    return f"{opening}{paragraph}</hs:sec>"


def spine(*section_ids: str) -> str:
    items = "".join(f'<opf:item id="{s}" href="Contents/{s}.xml" media-type="application/xml"/>' for s in section_ids)
    refs = "".join(f'<opf:itemref idref="{s}" linear="yes"/>' for s in section_ids)
    return (f'<?xml version="1.0" encoding="UTF-8"?><opf:package xmlns:opf="http://www.idpf.org/2007/opf/">'
            f'<opf:manifest>{items}</opf:manifest><opf:spine>{refs}</opf:spine></opf:package>')


# --- corpus -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HWPX_NAMES)
def test_corpus_file_covers_python_hwpx_text(name):
    doc = corpus_doc(name)
    assert doc.format == "hwpx" and doc.pages is not None and doc.pages >= 1
    oracle = shared_path("corpus", "oracle", f"{name}.python-hwpx.txt").read_text(encoding="utf-8")
    lines = [squash(line) for line in oracle.splitlines() if line.strip()]
    text = document_text(doc)
    found = sum(1 for line in lines if line in text)
    assert found >= ORACLE_COVERAGE * len(lines), f"{len(lines) - found} of {len(lines)} oracle lines missing"


@pytest.mark.parametrize("name", HWPX_NAMES)
def test_corpus_tables_agree_with_python_hwpx_grids(name):
    """Every top-level python-hwpx table appears, in order, with the same grid; most with the same text.

    Cell texts differ where python-hwpx prints no bullets or auto numbers and
    keeps nested tables' text inside the outer cell.
    """
    doc = corpus_doc(name)
    ours = [(t.n_rows, t.n_cols, anchors(t)) for t in doc.tables()]
    expected = [oracle_lifted(o) for o in oracle_tables(name)]
    position, exact = 0, 0
    for rows, cols, cells in expected:
        grid = [c[:4] for c in cells]
        while position < len(ours) and (ours[position][:2], [c[:4] for c in ours[position][2]]) != ((rows, cols), grid):
            position += 1
        assert position < len(ours), f"python-hwpx table {rows}x{cols} not found in order"
        exact += ours[position][2] == cells
        position += 1
    assert exact >= 0.75 * len(expected)


@pytest.mark.parametrize("name", HWPX_NAMES)
def test_corpus_blocks_carry_paragraph_lines_and_no_issues(name):
    doc = corpus_doc(name)
    assert all(block.source.line and block.source.line >= 1 for block in doc.blocks)
    assert doc.issues == ()


def test_merged_header_cells_keep_their_spans_without_lost_text():
    doc = corpus_doc("donation-stats-table.hwpx")
    (table,) = doc.tables()
    assert (table.n_rows, table.n_cols) == (3, 8)
    assert [(c.col, c.col_span, c.text) for c in table.cells if c.row == 0] == [
        (0, 4, "기부 금액(원, %)"), (4, 4, "기부 건수(건, %)")]
    grid = table.grid()
    assert all(cell is not None for row in grid for cell in row)
    assert len(table.cells) == 2 + 8 + 8


def test_nested_table_follows_outer_table_and_stays_out_of_its_cell():
    name = "mois-gov-innovation-press-2025.hwpx"
    tables = corpus_doc(name).tables()
    assert len(tables) == len(oracle_tables(name)) + 2
    inner_at = next(i for i, t in enumerate(tables) if any("12대 추진과제" in c.text for c in t.cells))
    outer = tables[inner_at - 1]
    assert (outer.n_rows, outer.n_cols, outer.cells[0].text) == (1, 1, "")
    assert tables[inner_at].source.line == outer.cells[0].source.line


def test_caption_unit_becomes_unit_hint():
    doc = corpus_doc("chart-exercise-tables.hwpx")
    first = doc.tables()[0]
    assert first.caption == "사이버범죄 발생 통계(단위 : %)"
    assert first.unit_hint == "(단위 : %)"


def test_auto_numbered_paragraphs_print_their_numbers_in_cells():
    doc = corpus_doc("school-club-forms-2026.hwpx")
    texts = [c.text for t in doc.tables() for c in t.cells]
    assert any("1. 이름: 2. 주민등록번호: 3. 계좌번호:" in text for text in texts)


def test_sections_follow_the_spine_and_title_falls_back_to_first_short_paragraph():
    doc = corpus_doc("mfds-admin-notice-2025.hwpx")
    assert dict(doc.meta)["sections"] == "4"
    assert doc.title == "생산·수입 중단 보고대상 의료기기 및"


# --- the sample: HWPX twin of the HTML plan -----------------------------------------------------------------


def test_sample_tables_equal_the_html_grid():
    direct, linked = extract(SAMPLE).tables()
    assert (direct.n_rows, direct.n_cols, direct.header_rows) == (8, 7, 2)
    assert (linked.n_rows, linked.n_cols, linked.header_rows) == (6, 7, 2)
    assert [(c.row, c.col, c.row_span, c.col_span, c.text) for c in direct.cells] == DIRECT_CELLS
    assert [(c.row, c.col, c.row_span, c.col_span, c.text) for c in linked.cells] == LINKED_CELLS
    assert all(c.is_header == (c.row < 2) for c in direct.cells + linked.cells)


def test_sample_unit_line_and_caption():
    doc = extract(SAMPLE)
    direct, linked = doc.tables()
    assert (direct.caption, direct.unit_hint) == (None, "(단위 : 백만원)")
    assert (linked.caption, linked.unit_hint) == ("연계사업 투자계획 (단위 : 백만원)", "(단위 : 백만원)")
    before = doc.blocks[doc.blocks.index(direct) - 1]
    assert isinstance(before, Paragraph) and before.text == "(단위 : 백만원)"


def test_sample_headings_lists_and_paragraphs():
    doc = extract(SAMPLE)
    assert doc.title == "2024~2027 서구 노인복지 기본계획"
    headings = [(b.level, b.title, b.number) for b in doc.blocks if isinstance(b, Heading)]
    assert headings[:3] == [(2, "Ⅰ. 추진 배경", None), (2, "Ⅱ. 추진 전략", None), (3, "1. 건강한 노후", None)]
    assert len(headings) == 8
    items = [(b.marker, b.text, b.depth) for b in doc.blocks if isinstance(b, ListItem)]
    assert items[-1] == ("•", "고령자 맞춤형 주택 개조", 0) and len(items) == 4
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "○ 서구 65세 이상 인구 52,310명(전체의 18.1%, '23. 12. 기준)" in paragraphs
    assert paragraphs[-1] == "※ 연계사업은 국·시비 보조사업을 포함함"


def test_sample_writer_is_deterministic_and_hangul_shaped(tmp_path):
    subprocess.run([sys.executable, str(SAMPLES / "make_hwpx.py"), str(tmp_path / "again.hwpx")],
                   check=True, capture_output=True)
    assert (tmp_path / "again.hwpx").read_bytes() == SAMPLE.read_bytes()
    with zipfile.ZipFile(SAMPLE) as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == b"application/hwp+zip"
        assert {"version.xml", "META-INF/container.xml", "Contents/content.hpf", "Contents/header.xml",
                "Contents/section0.xml"} <= set(archive.namelist())


# --- package handling and refusals --------------------------------------------------------------------------


def test_spine_order_decides_section_order_and_a_broken_section_is_an_issue(tmp_path):
    path = package(tmp_path, {
        "Contents/content.hpf": spine("section1", "section0", "section2"),
        "Contents/header.xml": sample_member("Contents/header.xml"),
        "Contents/section0.xml": one_paragraph_section("둘째"),
        "Contents/section1.xml": one_paragraph_section("첫째"),
        "Contents/section2.xml": "<hs:sec><hp:p>",
    })
    doc = extract(path)
    assert [b.text for b in doc.blocks] == ["첫째", "둘째"]
    assert [i.code for i in doc.issues] == ["section-unreadable"]


def test_without_spine_sections_are_read_by_number(tmp_path):
    path = package(tmp_path, {f"Contents/section{n}.xml": one_paragraph_section(f"구역 {n}") for n in (10, 2, 0)})
    assert [b.text for b in extract(path).blocks] == ["구역 0", "구역 2", "구역 10"]


def test_not_a_zip_names_the_problem(tmp_path):
    path = tmp_path / "plan.hwpx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(ExtractError, match="not a zip archive"):
        extract(path)


def test_hwp_binary_with_hwpx_suffix_says_rename(tmp_path):
    path = tmp_path / "press.hwpx"
    shutil.copy(shared_path("corpus", "hwp", "nikl-2022-plan-excerpt.hwp"), path)
    with pytest.raises(ExtractError, match=r"HWP 5 binary .* rename it to \.hwp"):
        extract(path)


def test_zip_without_section_is_refused(tmp_path):
    with pytest.raises(ExtractError, match=r"no Contents/section0\.xml"):
        extract(package(tmp_path, {"version.xml": "<x/>"}))


def test_every_section_broken_is_an_error(tmp_path):
    with pytest.raises(ExtractError, match="no section could be parsed"):
        extract(package(tmp_path, {"Contents/section0.xml": "<hs:sec>"}))


def test_dtd_and_entities_are_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            '<hs:sec xmlns:hs="s"><p>&b;</p></hs:sec>')
    with pytest.raises(ExtractError, match="DTD or entities"):
        extract(package(tmp_path, {"Contents/section0.xml": bomb}))


def test_zip_bomb_is_refused(tmp_path):
    zeros = b"\0" * (60 * 1024 * 1024)
    with pytest.raises(ExtractError, match="zip bomb"):
        extract(package(tmp_path, {"Contents/section0.xml": one_paragraph_section("x"), "BinData/big.bin": zeros}))


def test_member_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_hwpx_package, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(ExtractError, match="possible zip bomb"):
        extract(package(tmp_path, {"Contents/section0.xml": one_paragraph_section("가" * 1000)}))


def test_password_encrypted_package_is_refused(tmp_path):
    manifest = ('<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<odf:file-entry odf:full-path="Contents/section0.xml"><odf:encryption-data/></odf:file-entry>'
                '</odf:manifest>')
    path = package(tmp_path, {"META-INF/manifest.xml": manifest, "Contents/section0.xml": "binary"})
    with pytest.raises(ExtractError, match="password-encrypted"):
        extract(path)


def test_external_entities_are_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
           '<hs:sec xmlns:hs="s" xmlns:hp="p"><hp:p><hp:run><hp:t>&s;</hp:t></hp:run></hp:p></hs:sec>')
    with pytest.raises(ExtractError, match="DTD or entities"):
        extract(package(tmp_path, {"Contents/section0.xml": xxe}))


def table_xml(rows: int, cols: int, cells: list[tuple[int, int, int, int]]) -> str:
    """One paragraph holding an `hp:tbl` with the declared counts and the given (row, col, rowspan, colspan) cells."""
    tcs = "".join(f'<hp:tc><hp:subList><hp:p><hp:run><hp:t>{r}{c}</hp:t></hp:run></hp:p></hp:subList>'
                  f'<hp:cellAddr colAddr="{c}" rowAddr="{r}"/><hp:cellSpan colSpan="{cs}" rowSpan="{rs}"/></hp:tc>'
                  for r, c, rs, cs in cells)
    section = one_paragraph_section("x")
    table = f'<hp:p><hp:run><hp:tbl rowCnt="{rows}" colCnt="{cols}"><hp:tr>{tcs}</hp:tr></hp:tbl></hp:run></hp:p>'
    return section.replace("</hs:sec>", table + "</hs:sec>")


def test_declared_table_counts_are_bounded_by_the_cells_present(tmp_path):
    cells = [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)]
    doc = extract(package(tmp_path, {"Contents/section0.xml": table_xml(65535, 65535, cells)}))
    (table,) = doc.tables()
    assert (table.n_rows, table.n_cols) == (2, 2) and [i.code for i in doc.issues] == ["header-missing"]
    doc = extract(package(tmp_path, {"Contents/section0.xml": table_xml(2, 2, cells[:3] + [(1, 1, 9, 9)])}))
    assert (doc.tables()[0].n_rows, doc.tables()[0].n_cols) == (2, 2)
    assert [i.code for i in doc.issues] == ["header-missing", "table-cell-clipped"]


@pytest.mark.parametrize("cells", [[(0, 0, 1, 1), (60000, 60000, 1, 1)], [(0, 0, 65535, 65535)]])
def test_a_table_past_the_position_limit_fails_the_document(tmp_path, cells):
    with pytest.raises(ExtractError, match="grid positions"):
        extract(package(tmp_path, {"Contents/section0.xml": table_xml(65535, 65535, cells)}))


def test_empty_hwpx_says_empty_file(tmp_path):
    path = tmp_path / "empty.hwpx"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="empty file"):
        extract(path)


def test_a_lone_surrogate_reference_is_replaced_with_an_issue(tmp_path):
    doc = extract(package(tmp_path, {"Contents/section0.xml": one_paragraph_section("예산 &#xD800; 확대")}))
    assert "encoding-defect" in [i.code for i in doc.issues]
    assert [b.text for b in doc.blocks] == ["예산 \ufffd 확대"]


def test_bytes_that_are_not_utf8_are_replaced_with_an_issue(tmp_path):
    section = one_paragraph_section("시설").encode("utf-8").replace("시설".encode(), "시설".encode("cp949"))
    doc = extract(package(tmp_path, {"Contents/section0.xml": section}))
    assert "encoding-defect" in [i.code for i in doc.issues] and len(doc.blocks) == 1


# --- pages and composed characters ----------------------------------------------------------------------------


def paged_section(paragraphs: list[tuple[str, bool, list[int]]], horz: int = 0) -> str:
    """A section of (text, pageBreak, line vertical positions) paragraphs; no positions = no `hp:linesegarray`."""
    section = sample_member("Contents/section0.xml")
    opening = section[:section.index("<hp:p ")]
    body = []
    for text, page_break, positions in paragraphs:
        segs = "".join(f'<hp:lineseg textpos="0" vertpos="{v}" vertsize="1000" textheight="1000" baseline="850" '
                       f'spacing="600" horzpos="{horz}" horzsize="40000" flags="393216"/>' for v in positions)
        layout = f"<hp:linesegarray>{segs}</hp:linesegarray>" if positions else ""
        body.append(f'<hp:p id="0" paraPrIDRef="0" styleIDRef="0" pageBreak="{int(page_break)}" columnBreak="0">'
                    f'<hp:run charPrIDRef="0"><hp:t>{text}</hp:t></hp:run>{layout}</hp:p>')
    return f"{opening}{''.join(body)}</hs:sec>"


def block_pages(doc: Document) -> list[tuple[str, int | None]]:
    return [(b.text, b.source.page) for b in doc.blocks if isinstance(b, Paragraph)]


def test_cached_line_positions_breaks_and_sections_give_pages(tmp_path):
    first = paged_section([("표지", False, [0]), ("둘째 쪽", True, [0]), ("긴 문단", False, [3000, 60000, 1600]),
                           ("셋째 쪽 아래", False, [3200]), ("넷째 쪽", False, [0])])
    second = paged_section([("새 구역", False, [0])])
    doc = extract(package(tmp_path, {"Contents/content.hpf": spine("section0", "section1"),
                                     "Contents/section0.xml": first, "Contents/section1.xml": second}))
    assert block_pages(doc) == [("표지", 1), ("둘째 쪽", 2), ("긴 문단", 2), ("셋째 쪽 아래", 3), ("넷째 쪽", 4),
                                ("새 구역", 5)]
    assert doc.pages == 5


def test_without_cached_layout_only_explicit_breaks_give_pages(tmp_path):
    unlaid = paged_section([("하나", False, []), ("둘", False, [])])
    doc = extract(package(tmp_path, {"Contents/section0.xml": unlaid}))
    assert block_pages(doc) == [("하나", None), ("둘", None)] and doc.pages is None
    broken = paged_section([("하나", False, []), ("둘", True, [])])
    doc = extract(package(tmp_path, {"Contents/section0.xml": broken}, "broken.hwpx"))
    assert block_pages(doc) == [("하나", 1), ("둘", 2)] and doc.pages is None


def test_a_line_back_at_the_top_of_the_next_column_is_the_same_page():
    pager = Pager()
    assert pager.paragraph(False, [LineSeg(0, 0), LineSeg(50000, 0)]) == 1
    assert pager.paragraph(False, [LineSeg(0, 24000)]) == 1
    assert pager.paragraph(False, [LineSeg(0, 0)]) == 2
    assert pager.paragraph(False, [LineSeg(0, 0, starts_line=False), LineSeg(1600, 0)]) == 2
    assert pager.count() == 2


BODY = 70000   # a page body height (HWPUNIT), about an A4 page less its margins


def test_a_table_flowing_over_pages_moves_the_paragraphs_after_it():
    """A table below its paragraph, taller than the rest of the page, fills the pages its height needs; the
    paragraph after it (cached on the table's last page, further down) is on that last page."""
    pager = Pager()
    pager.section(BODY)
    assert pager.paragraph(False, [LineSeg(0, height=1000)]) == 1
    assert pager.paragraph(False, [LineSeg(2000, height=1000)]) == 1
    assert pager.measuring
    assert pager.place(Flow(False, 140000)) == (3, None)     # 3,000 + 140,000 reaches into page 3
    assert pager.count() == 3
    assert pager.paragraph(False, [LineSeg(5000, height=1000)]) == 3
    assert pager.count() == 3


def test_tables_that_fit_inline_or_floating_add_no_page():
    pager = Pager()
    pager.section(BODY)
    pager.paragraph(False, [LineSeg(0, height=30000)])
    assert pager.place(Flow(True, 30000)) == (None, None)     # an inline table within the page
    pager.paragraph(False, [LineSeg(31000, height=1000)])
    assert pager.place(Flow(False, 38000)) == (None, None)    # ends at 70,000: still page 1
    pager.paragraph(False, [LineSeg(0, height=1000)])         # the cached layout's own page start
    assert pager.count() == 2
    unknown = Pager()                                          # no page size: tables cannot be measured
    unknown.paragraph(False, [LineSeg(0)])
    assert not unknown.measuring and unknown.place(Flow(False, 500000)) == (None, None)
    assert unknown.count() == 1


def test_a_table_that_runs_on_and_a_cached_page_start_both_count():
    """A paragraph whose lines the cache puts on two pages, holding a table that runs on over a page, spans
    three (the cache laid the lines out with the table's declared, first-page height); two tables in one
    paragraph stack."""
    pager = Pager()
    pager.section(BODY)
    pager.paragraph(True, [LineSeg(0, height=3000)])
    assert pager.paragraph(False, [LineSeg(69000, height=800), LineSeg(0, height=3000)]) == 1
    assert pager.place(Flow(False, 130000, offset=-1800, rows=(69000, 61000))) == (2, [1, 2])
    assert pager.paragraph(False, [LineSeg(4000, height=1000)]) == 3
    assert pager.place(Flow(False, 40000)) == (None, None)
    assert pager.place(Flow(False, 40000)) == (4, None)      # under the first: 5,000 + 80,000 runs on
    assert pager.count() == 4


def test_absurd_heights_and_page_sizes_from_a_broken_file_stay_cheap():
    """Heights come from the file: a header as tall as the page, rows of 4e9, a page body of 1 unit."""
    huge = Flow(False, 2 ** 32, rows=(2 ** 32 - 1,) * 1000, header=10 ** 9)
    pages, last, at = rows_to_pages(huge, 0, BODY)              # arithmetic, not a loop per page
    assert pages[0] == 0 and last > 10 ** 7 and 0 <= at <= BODY
    tiny = Pager()
    tiny.section(1)                                            # a broken page definition: taken for unknown
    tiny.paragraph(False, [LineSeg(0, height=10)])
    assert not tiny.measuring and tiny.count() == 1


def test_only_tables_in_the_flow_of_text_count():
    assert flow_of(True, "SQUARE", False, 5, 0) == Flow(True, 5)
    assert flow_of(False, "TOP_AND_BOTTOM", True, 5, 7) == Flow(False, 5, 7)
    assert flow_of(False, "SQUARE", True, 5, 0) is None and flow_of(False, "TOP_AND_BOTTOM", False, 5, 0) is None


def test_rows_run_on_over_pages_under_their_repeated_header():
    assert row_heights([(0, 1, 3000), (1, 2, 9000), (1, 1, 4000), (3, 1, 0)], 4) == (3000, 4000, 5000, 0)
    rows = (10000,) * 15                                     # 150,000 from 5,000: ends on the third page
    assert rows_to_pages(Flow(False, 150000, rows=rows), 5000, BODY) == ([0] * 7 + [1] * 7 + [2], 2, 15000)
    header = Flow(False, 150000, rows=rows, header=10000)    # row 0 again on top of pages 2 and 3
    assert rows_to_pages(header, 5000, BODY) == ([0] * 7 + [1] * 6 + [2] * 2, 2, 35000)
    whole = Flow(False, 30000, rows=(10000,) * 3, splits=False)
    assert rows_to_pages(whole, 50000, BODY) == ([1, 1, 1], 1, 30000)   # does not fit: the next page, whole


def test_rnd_proposal_forms_flow_over_two_pages_each_as_in_its_pdf():
    """Five form tables, each declared one page tall (69,446) but needing about two (the rows add up to
    ~137,000): the PDF of the same file has 10 pages, and each cell is on the page the PDF prints it on."""
    import pdfplumber
    import pypdfium2 as pdfium

    doc = corpus_doc("rnd-item-proposal-bio-2026.hwpx")
    pdf = pdfium.PdfDocument(shared_path("corpus", "pdf", "rnd-item-proposal-bio-2026.pdf"))
    try:
        assert doc.pages == len(pdf) == 10
    finally:
        pdf.close()
    forms = [t for t in doc.tables() if t.n_rows > 20]
    assert [(t.source.page, t.page_end) for t in forms] == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10)]
    with pdfplumber.open(shared_path("corpus", "pdf", "rnd-item-proposal-bio-2026.pdf")) as printed:
        texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in printed.pages]
    placed = [(c.source.page, [n for n, text in enumerate(texts, 1) if key in text]) for t in forms for c in t.cells
              if len(key := re.sub(r"\s+", "", c.text)[:20]) >= 8]
    unique = [(ours, pages[0]) for ours, pages in placed if len(pages) == 1]
    assert len(unique) >= 10 and all(ours == pdf_page for ours, pdf_page in unique)   # each cell on its page


def test_donation_report_form_counts_the_pages_of_its_long_tables():
    """The MANIFEST notes a 30-page PDF of this form (not in the corpus); its list of local governments
    runs over several pages."""
    doc = corpus_doc("local-gov-donation-report-form-2025.hwpx")
    assert doc.pages == 30
    assert [t.page_end - t.source.page for t in doc.tables() if t.page_end] and \
        all(t.page_end > t.source.page for t in doc.tables() if t.page_end)


def test_composed_characters_read_as_printed():
    assert compose_to_text("\U000f02ba\U000f02c3") == "⑩"
    assert compose_to_text("\U000f02ba\U000f02c5") == "⑫"
    assert compose_to_text("13", circled=True) == "⑬"
    assert compose_to_text("○7") == "⑦"
    assert compose_to_text("13") == "13"
    assert compose_to_text("가나") == "가나"


def test_moel_pages_follow_its_page_breaks_and_boxes_10_to_12_are_headings():
    doc = corpus_doc("moel-2025-work-report.hwpx")
    assert doc.pages == 20
    pages = [b.source.page for b in doc.blocks]
    assert None not in pages and pages == sorted(pages) and pages[0] == 1
    boxes = [t for t in doc.tables() if t.cells and t.cells[0].text.startswith(("⑩", "⑪", "⑫"))]
    assert [(t.cells[0].text[:1], t.source.page) for t in boxes] == [("⑩", 16), ("⑪", 17), ("⑫", 18)]
    record = normalise(doc)
    sections = {s.section_id: s for s in record.sections}
    circled = [s for s in record.sections if s.number in ("⑩", "⑪", "⑫")]
    assert [(s.number, s.level, s.page) for s in circled] == [("⑩", 2, 16), ("⑪", 2, 17), ("⑫", 2, 18)]
    assert {sections[s.parent_id].number for s in circled} == {"Ⅲ"}
