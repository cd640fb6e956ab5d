"""Hancom-made PDFs (issue 10): spaceless text layers, words wrapped at any syllable, boxed titles, drawings,
schedule boxes, unit rows inside the frame, rows without rules, a table of contents.

The samples `suncheon-2025-work-plan.pdf` (printed like Hangul's Windows export: no space characters, glyph
boxes wider than the pen moves) and `.spaced.pdf` (the same pages with spaces and true widths) come from
samples/make_hancom_pdf.py; the corpus tests use the 국립국어원 plan printed by two Hancom producers.
"""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES, shared_path

from extractors import extract
from extractors.document import Document, Heading, ListItem, Paragraph, Table
from normalizers.plan import normalise
from normalizers.record import PlanRecord
from normalizers.tables.columns import is_total, role_of_label

WINDOWS = SAMPLES / "suncheon-2025-work-plan.pdf"
SPACED = SAMPLES / "suncheon-2025-work-plan.spaced.pdf"
NIKL = ("nikl-2022-work-plan.hwp2022-win.pdf", "nikl-2022-work-plan.hancomviewer-macos.pdf")


@cache
def read(path: Path) -> tuple[Document, PlanRecord]:
    doc = extract(path)
    return doc, normalise(doc)


def squeeze(text: str) -> str:
    """The text without spaces and leader dots (producers print as many dots as fit)."""
    return re.sub(r"\s+|·{3,}", "", text)


def texts(doc: Document, page: int | None = None) -> list[str]:
    return [getattr(b, "text", None) or getattr(b, "title", "") for b in doc.blocks
            if not isinstance(b, Table) and (page is None or b.source.page == page)]


def tables(doc: Document, page: int) -> list[Table]:
    return [t for t in doc.tables() if t.source.page == page]


def rows(table: Table) -> list[list[str]]:
    return [[squeeze(t) for t in row] for row in table.rows_text()]


# --- the samples -------------------------------------------------------------------------------

def test_windows_sample_text_layer_has_no_spaces_where_words_are_parted_by_the_pen():
    pdf = pdfium.PdfDocument(WINDOWS)
    raw = pdf[2].get_textpage().get_text_range()
    pdf.close()
    assert "봄서비스2,380건을연계하여재가생활을지원함" in raw      # the precondition: a spaceless line
    doc, _ = read(WINDOWS)
    assert "ㅇ 읍면동 방문상담으로 돌봄이 필요한 어르신 1,240명을 발굴하고 통합돌봄 서비스 2,380건을 연계하여 " \
           "재가 생활을 지원함" in texts(doc, 3)
    assert "※ 국비 50%, 도비 15%, 시비 35%" in texts(doc, 6)


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_a_wrap_inside_a_word_adds_no_space_in_paragraphs_and_cells(path):
    doc, _ = read(path)
    assert any("통합돌봄 서비스 2,380건" in t for t in texts(doc, 3))
    assert any("서비스를 연계하고, 명예사회복지공무원" in t for t in texts(doc, 3))
    budget = tables(doc, 6)[0]
    assert budget.rows_text()[-1][0] == "돌봄 제공기관 인프라 확충"


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_highlighted_words_stay_in_their_line(path):
    doc, _ = read(path)
    assert "ㅇ 고독사 위험 고립가구 312가구를 발굴하여 안부 확인 서비스를 연계하고, 명예사회복지공무원 140명이 " \
           "월 2회 방문함" in texts(doc, 3)


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_letter_spaced_label_is_one_word_and_a_total(path):
    doc, record = read(path)
    assert tables(doc, 6)[0].rows_text()[1][0] == "합계"
    assert {(b.item, b.year, b.amount_krw) for b in record.budgets if b.is_total} == {
        ("합계", 2024, 2_000_000_000), ("합계", 2025, 2_400_000_000)}


def test_row_label_rules_match_letter_spaced_labels():
    assert all(is_total(label) for label in ("합계", "합 계", "합   계", "총 계"))
    assert role_of_label("구    분") == role_of_label("구분")


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_unit_row_inside_the_frame_becomes_unit_hint_and_the_header_is_below_it(path):
    doc, record = read(path)
    budget = tables(doc, 6)[0]
    assert squeeze(budget.unit_hint or "") == "(단위:백만원)"
    assert budget.header_rows == 1 and rows(budget)[0] == ["구분", "2024년", "2025년", "증감"]
    assert sum(b.amount_krw for b in record.budgets if not b.is_total) == 4_400_000_000


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_rows_drawn_without_rules_come_from_the_text_lines(path):
    doc, _ = read(path)
    staff = tables(doc, 6)[1]
    assert rows(staff) == [["직급별", "정원", "현원"], ["사회복지직6급", "3", "3"], ["사회복지직7급", "8", "7"],
                           ["사회복지직8급", "6", "6"], ["간호직7급", "2", "1"], ["공무직", "4", "4"], ["계", "23", "21"]]


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_yearly_boxes_standing_side_by_side_are_one_table(path):
    doc, _ = read(path)
    (schedule,) = tables(doc, 5)
    assert rows(schedule)[0] == ["2025", "2026", "2027"]
    assert rows(schedule)[2] == ["400백만원", "450백만원", "350백만원"]
    assert schedule.header_rows == 1


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_a_drawing_keeps_its_text_box_by_box_and_opens_no_section(path):
    doc, record = read(path)
    assert not tables(doc, 4)
    page = [b for b in doc.blocks if b.source.page == 4]
    items = [squeeze(b.text) for b in page if isinstance(b, ListItem)]
    assert items[-3:] == ["통합돌봄기반구축", "고립가구발굴지원", "복지인프라확충"]
    assert {"비전", "목표", "전략", "촘촘한돌봄체계"} <= {squeeze(b.text) for b in page if isinstance(b, Paragraph)}
    vision = next(s for s in record.sections if squeeze(s.title) == "비전및추진전략")
    assert [s for s in record.sections if s.parent_id == vision.section_id] == []
    assert "누구나 살던 곳에서 함께 돌보는 순천" in vision.text


@pytest.mark.parametrize("path", [WINDOWS, SPACED], ids=["windows", "spaced"])
def test_boxed_titles_are_headings_and_the_contents_are_no_parent(path):
    doc, record = read(path)
    by_id = {s.section_id: s for s in record.sections}
    root = record.sections[0]
    chapters = [s for s in record.sections if s.parent_id == root.section_id and s.number]
    assert [s.number for s in chapters] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"]
    contents = next(s for s in record.sections if squeeze(s.title) == "[목차]")
    assert contents.parent_id == root.section_id and "1" in contents.text and "통합돌봄 기반 구축" in contents.text
    result = next(s for s in record.sections if squeeze(s.title) == "성과")
    assert (result.number, by_id[result.parent_id or ""].number) == ("1", "Ⅰ")
    under = [s.title for s in record.sections if s.parent_id == result.section_id]
    assert [squeeze(t) for t in under] == ["통합돌봄대상자발굴및서비스연계확대", "고립가구발굴체계정착"]
    program = next(s for s in record.sections if s.title.startswith("통합돌봄 기반 구축("))
    assert program.number == "1" and by_id[program.parent_id or ""].number == "Ⅲ"
    assert not any(isinstance(b, Heading) and squeeze(b.title) == "2025.1." for b in doc.blocks)


def test_the_two_printings_agree():
    (win, win_record), (spaced, spaced_record) = read(WINDOWS), read(SPACED)
    assert [rows(t) for t in win.tables()] == [rows(t) for t in spaced.tables()]
    assert [(b.item, b.year, b.amount_krw) for b in win_record.budgets] == \
           [(b.item, b.year, b.amount_krw) for b in spaced_record.budgets]
    assert [(s.level, s.number, squeeze(s.title)) for s in win_record.sections] == \
           [(s.level, s.number, squeeze(s.title)) for s in spaced_record.sections]
    assert [squeeze(t) for t in texts(win)] == [squeeze(t) for t in texts(spaced)]


# --- the 국립국어원 plan printed by Hangul on Windows and by the Hancom viewer on macOS ------------

@cache
def nikl(name: str) -> tuple[Document, PlanRecord]:
    return read(shared_path("corpus", "pdf", name))


def _page_of(doc: Document, needle: str) -> int:
    return next(b.source.page for b in doc.blocks if needle in squeeze(getattr(b, "text", "") or
                                                                         getattr(b, "title", "") or ""))


@pytest.mark.parametrize("name", NIKL)
def test_nikl_tree_has_its_four_chapters_under_the_title_not_under_the_contents(name):
    _, record = nikl(name)
    root = record.sections[0]
    chapters = [s for s in record.sections if s.parent_id == root.section_id and s.number in ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")]
    assert [s.number for s in chapters] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"]
    contents = next(s for s in record.sections if squeeze(s.title) == "[목차]")
    assert not [s for s in record.sections if s.parent_id == contents.section_id]
    boxed = next(s for s in record.sections if squeeze(s.title) == "성과")
    assert boxed.number == "1" and boxed.parent_id == chapters[0].section_id


def test_nikl_printings_give_the_same_budgets_and_tables():
    (win, win_record), (mac, mac_record) = nikl(NIKL[0]), nikl(NIKL[1])
    budgets = [(squeeze(b.item or ""), b.year, b.amount_krw, b.is_total) for b in win_record.budgets]
    assert len(budgets) == 40
    assert budgets == [(squeeze(b.item or ""), b.year, b.amount_krw, b.is_total) for b in mac_record.budgets]
    assert [rows(t) for t in win.tables()] == [rows(t) for t in mac.tables()]


@pytest.mark.parametrize("name", NIKL)
def test_nikl_staff_table_without_row_rules_has_a_row_per_line(name):
    doc, _ = nikl(name)
    staff = next(t for t in doc.tables() if rows(t)[0][:2] == ["직급별", "정원"])
    assert staff.n_rows == 16
    assert rows(staff)[1][:4] == ["고위공무원(일반·학예가)", "1", "1", ""]
    assert rows(staff)[-1][0] == "총계"


@pytest.mark.parametrize("name", NIKL)
def test_nikl_schedule_boxes_are_tables_and_the_strategy_diagram_is_text(name):
    doc, _ = nikl(name)
    schedule_page = _page_of(doc, "연도별계획및소요예산")
    schedules = tables(doc, schedule_page)
    assert [rows(t)[0] for t in schedules] == [["2023", "2024", "2025", "2026~2027"], ["2023", "2024", "2025~2027"],
                                               ["2023", "2024", "2025~2027"]]
    assert rows(schedules[0])[2] == ["2,000백만원", "2,000백만원", "1,000백만원", "3,000백만원"]
    diagram_page = _page_of(doc, "대응방향")
    assert not tables(doc, diagram_page)
    items = [squeeze(b.text) for b in doc.blocks if isinstance(b, ListItem) and b.source.page == diagram_page]
    assert items[-1] == "함께누리는수어ㆍ점자문화확산" or items[-1] == "함께누리는수어ᆞ점자문화확산"
    assert len(items) == 8


def test_nikl_windows_spaceless_cells_get_their_word_spaces():
    doc, _ = nikl(NIKL[0])
    cells = [c.text for t in doc.tables() for c in t.cells]
    assert any("63개 분야 관련 전문기관 협의체 구성, 중장기 구축 계획 수립(’23년)" in c for c in cells)
    assert any("관련 전문가들이 편찬·감수한 종합국어대사전으로" in c for c in cells)


def test_moef_highlighted_words_make_no_heading_and_boxed_labels_do():
    doc = extract(shared_path("corpus", "pdf", "moef-ofdi-2025q2-press.pdf"))
    headings = [squeeze(b.title) for b in doc.blocks if isinstance(b, Heading)]
    assert "참고1’25.2분기해외직접투자세부통계(단위:억달러,전년동기대비%)" in headings
    assert not any(h.startswith(("①", "②")) for h in headings)
    assert any(t.startswith("① 외국법인*이 발행한 증권을 취득") for t in texts(doc, 9))


def test_moef_letter_spaced_row_labels_are_one_word():
    doc = extract(shared_path("corpus", "pdf", "moef-ofdi-2025q2-press.pdf"))
    labels = {row[0] for t in doc.tables() for row in t.rows_text()}
    assert {"금융보험업", "제조업", "케이맨제도", "아시아"} <= labels
    assert not any(re.fullmatch(r"([가-힣] ){2,}[가-힣]", label) for label in labels)
