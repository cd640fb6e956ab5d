"""HTML extractor: Hangul's classic export (CP949, rowspan/colspan) and its layout export (div grids)."""
from __future__ import annotations

import pytest
from conftest import SAMPLES, shared_path

from extractors.document import ExtractError, Heading, ListItem, Table
from extractors.html.reader import bytes_to_html_text, extract

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
