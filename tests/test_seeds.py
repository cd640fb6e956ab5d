"""Known shapes of the real documents in ../shared/seeds (skipped when ../shared is absent)."""
from __future__ import annotations

from conftest import shared_path

from extractors import extract
from normalizers.sections import document_to_sections


def _seed(prefix: str):
    folder = shared_path("seeds")
    return next(folder.glob(f"{prefix}_*.txt"))


def test_000_plan_table_has_two_five_year_header_spans():
    table = extract(_seed("000")).tables()[0]
    spans = [c for c in table.cells if c.is_header and c.col_span == 5]
    assert [c.text for c in spans] == ["목표수준", "예산(백만원)"]
    assert table.header_rows == 2


def test_000_table_continued_after_a_break_is_one_table():
    doc = extract(_seed("000"))
    assert len(doc.tables()) == 1
    labels = [r[0] for r in doc.tables()[0].rows_text()]
    assert any(t.startswith("4-6-2") for t in labels) and labels.count("구분") == 1


def test_002_last_row_without_newline_is_present():
    table = extract(_seed("002")).tables()[-1]
    assert table.rows_text()[-1][:3] == ["9", "서울형 기초보장제도(희망복지지원과)", "279,729"]
    assert table.unit_hint == "(단위 : 백만원)"


def test_002_heading_tree_is_at_least_three_levels_deep():
    sections = document_to_sections(extract(_seed("002"))).sections
    assert max(s.level for s in sections) >= 3


def test_cp949_copy_of_a_seed_gives_the_same_sections(tmp_path):
    seed = _seed("001")
    copy = tmp_path / seed.name
    copy.write_bytes(seed.read_text(encoding="utf-8").encode("cp949"))
    a, b = extract(seed), extract(copy)
    assert (a.encoding, b.encoding) == ("utf-8", "cp949")
    assert document_to_sections(a) == document_to_sections(b)
