"""HTML extractor: Hangul's classic export (CP949, rowspan/colspan) and its layout export (div grids)."""
from __future__ import annotations

import pytest
from conftest import SAMPLES, SHARED, shared_path

from extractors.document import ExtractError, Heading, ListItem, Paragraph, Table
from extractors.hancom.hwp import extract as hwp_extract
from extractors.html.encoding import bytes_to_html_text
from extractors.html.reader import extract

SAMPLE = SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.HTML"


def test_cp949_meta_charset_is_honoured():
    doc = extract(SAMPLE)
    assert doc.encoding == "cp949"
    assert doc.title == "2024~2027 서구 노인복지 기본계획"


def test_headings_and_list_items():
    blocks = extract(SAMPLE).blocks
    headings = [(b.level, b.title) for b in blocks if isinstance(b, Heading)]
    assert (2, "Ⅲ. 연차별 투자계획") in headings and (3, "1. 직접사업") in headings
    assert "고령자 맞춤형 주택 개조" in [b.text for b in blocks if isinstance(b, ListItem)]


def test_rowspan_colspan_become_spans_with_unit_and_caption():
    direct, linked = extract(SAMPLE).tables()
    assert (direct.n_rows, direct.n_cols, direct.header_rows) == (8, 7, 2)
    assert direct.unit_hint == "(단위 : 백만원)"
    spans = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in direct.cells if c.row < 3}
    assert spans["연번"] == (0, 0, 2, 1) and spans["투자계획"] == (0, 2, 1, 5) and spans["계"][3] == 2
    assert linked.caption == "연계사업 투자계획 (단위 : 백만원)" and linked.unit_hint == "(단위 : 백만원)"
    health = next(c for c in linked.cells if c.text == "건강")
    assert (health.row_span, linked.grid()[4][0].text) == (2, "건강")
    assert linked.rows_text()[4][:2] == ["", "노인 틀니·임플란트 본인부담 지원(건강증진과)"]


def test_declared_charset_falls_back(tmp_path):
    text, enc = bytes_to_html_text('<meta charset="euc-kr"><p>예산</p>'.encode("cp949"))
    assert enc == "cp949" and "예산" in text
    with pytest.raises(ExtractError, match="empty"):
        bytes_to_html_text(b"   ")


def test_nested_table_is_its_own_block(tmp_path):
    path = tmp_path / "n.html"
    path.write_text("<table><tr><td>바깥</td><td><table><tr><td>안</td><td>쪽</td></tr></table></td></tr></table>",
                    encoding="utf-8")
    outer, inner = extract(path).tables()
    assert outer.rows_text() == [["바깥", ""]] and inner.rows_text() == [["안", "쪽"]]


@pytest.mark.parametrize("name,oracle", [
    ("noori.html", "msit-nuri-press-2018.hwpx.python-hwpx.txt"),
    ("table-bug.HTML", "school-club-forms-2026.hwpx.python-hwpx.txt"),
    ("chart.HTML", "chart-exercise-tables.hwpx.python-hwpx.txt"),
])
def test_hancom_layout_export_covers_the_twin_text(name, oracle):
    doc = extract(shared_path("corpus", "html", name))
    assert doc.pages and doc.tables()
    ours = " ".join(_all_text(doc).split()).replace(" ", "")
    lines = [ln.replace(" ", "") for ln in shared_path("corpus", "oracle", oracle).read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if len(ln) >= 4]
    found = sum(1 for ln in lines if ln in ours)
    assert found / len(lines) >= 0.85, f"only {found}/{len(lines)} oracle lines found"


def test_layout_table_grid_from_cell_geometry():
    doc = extract(shared_path("corpus", "html", "noori.html"))
    first = doc.tables()[0]
    assert first.rows_text()[0][:2] == ["보도일시", first.rows_text()[0][1]]
    assert next(c for c in first.cells if c.text.startswith("2018. 9. 4.")).col_span == 3


def _all_text(doc) -> str:
    parts = []
    for b in doc.blocks:
        if isinstance(b, Table):
            parts += [c.text for c in b.cells]
        else:
            parts.append(getattr(b, "text", None) or getattr(b, "title", ""))
    return " ".join(parts)


# --- XHTML, encoding defects, hostile spans -----------------------------------------------------------------

XHTML = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
         '<head><title>예산 현황</title></head><body><p>Ⅰ. 추진 배경</p><p><span><table><tr><td>구분</td><td>예산</td>'
         '</tr><tr><td>돌봄</td><td>1,200</td></tr></table></span></p></body></html>')


@pytest.mark.parametrize("suffix", [".xhtml", ".html"])
def test_xhtml_with_xml_declaration_reads_text_and_tables_inside_paragraphs(tmp_path, suffix):
    path = tmp_path / f"plan{suffix}"
    path.write_text(XHTML, encoding="utf-8")
    doc = extract(path)
    assert doc.title == "예산 현황" and doc.issues == ()
    assert [t.rows_text() for t in doc.tables()] == [[["구분", "예산"], ["돌봄", "1,200"]]]


def test_xml_declaration_encoding_is_honoured(tmp_path):
    text, enc = bytes_to_html_text('<?xml version="1.0" encoding="euc-kr"?><html><p>예산</p></html>'.encode("cp949"))
    assert enc == "cp949" and "예산" in text


@pytest.mark.parametrize("name", sorted(p.name for p in (SHARED / "corpus" / "oracle").glob("*.hwp5html.html"))
                         or ["(corpus missing)"])
def test_hwp5html_xhtml_oracles_load_with_the_hwp_tables(name):
    """hwp5html writes XHTML with an XML declaration and tables inside <p><span>: same table count as our HWP."""
    doc = extract(shared_path("corpus", "oracle", name))
    hwp = hwp_extract(shared_path("corpus", "hwp", name.removesuffix(".hwp5html.html")))
    assert doc.issues == () and len(doc.tables()) == len(hwp.tables())


def test_mixed_cp949_in_utf8_is_read_with_an_issue(tmp_path):
    path = tmp_path / "mixed.html"
    path.write_bytes("<p>노인 돌봄 예산 확대 ".encode() * 20 + "<p>시설".encode("cp949") + "</p><p>끝</p>".encode())
    doc = extract(path)
    assert doc.encoding == "utf-8" and [i.code for i in doc.issues] == ["encoding-defect"]
    assert "시설" in " ".join(b.text for b in doc.blocks if isinstance(b, Paragraph)) and doc.blocks[-1].text == "끝"


def test_lone_surrogate_bytes_are_replaced_with_an_issue(tmp_path):
    path = tmp_path / "surrogate.html"
    path.write_bytes("<p>예산 ".encode() * 50 + b"\xed\xa0\x80" + "<p>뒤</p>".encode())
    doc = extract(path)
    assert [i.code for i in doc.issues] == ["encoding-defect"] and doc.blocks[-1].text == "뒤"


def test_declared_spans_are_capped_by_the_rows_present(tmp_path):
    path = tmp_path / "spans.html"
    path.write_text("<table>" + "<tr><td rowspan=1000 colspan=1000>x</td><td>y</td></tr>" * 3 + "</table>",
                    encoding="utf-8")
    (table,) = extract(path).tables()
    assert table.n_rows == 3 and table.cells[0].row_span == 3


def test_a_table_past_the_position_limit_fails_the_document(tmp_path):
    path = tmp_path / "bomb.html"
    path.write_text("<table>" + "<tr>" + "<td rowspan=1000 colspan=1000>x</td>" * 10 + "</tr>" + "<tr></tr>" * 999
                    + "</table>", encoding="utf-8")
    with pytest.raises(ExtractError, match="grid positions"):
        extract(path)


def test_empty_html_says_empty_file(tmp_path):
    path = tmp_path / "empty.html"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="empty file"):
        extract(path)
