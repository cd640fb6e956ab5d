"""Boxed titles, unit rows above headers, cover titles and issue dates: our HWPX samples and the real corpus files."""
from __future__ import annotations

from functools import cache

import pytest
from conftest import SAMPLES, shared_path

from extractors import extract
from extractors.document import Cell, Document, Heading, Paragraph, Source, Table, table_from_rows
from extractors.grid import lift_title_row
from normalizers.boxes import document_to_unboxed, table_to_box
from normalizers.meta import document_to_meta, is_date_line
from normalizers.plan import normalise
from normalizers.record import PlanRecord

BOXES = SAMPLES / "haenam-2025-implementation-plan-boxes.hwpx"
PRESS = SAMPLES / "mohw-2025-press-release-header.hwpx"


@cache
def record_of(path) -> PlanRecord:
    return normalise(extract(path))


def tree(record: PlanRecord, depth: int = 9) -> list[tuple[int, str | None, str]]:
    return [(s.level, s.number, s.title) for s in record.sections if s.level <= depth and s.section_id != "s0"]


# --- the normaliser on any format's tables -------------------------------------------------------------------


def one_row(*texts: str) -> Table:
    return table_from_rows([list(texts)])


@pytest.mark.parametrize("table,expected", [
    (one_row("Ⅰ. 추진 배경"), ("Ⅰ", "추진 배경", "roman")),
    (one_row("1", "성 과"), ("1", "성 과", "arabic")),
    (one_row("1. 국어 정보자원 확대 구축(57억원)"), ("1", "국어 정보자원 확대 구축(57억원)", "arabic")),
    (one_row("□ 세출예산"), (None, "세출예산", "square")),
    (one_row("\U000f02b1 ’25년 성과 및 보완점"), ("\U000f02b1", "’25년 성과 및 보완점", "circled")),
    (one_row("\U000f0289 핵심 과제"), ("\U000f0289", "핵심 과제", "glyph")),
    (table_from_rows([[""], ["2022년 국립국어원 업무계획"], [""]]), (None, "2022년 국립국어원 업무계획", None)),
    (one_row("[ 목    차 ]"), (None, "[ 목 차 ]", None)),
    (one_row("○ 참고: 세부 내용은 붙임"), (None, "○ 참고: 세부 내용은 붙임", None)),
])
def test_boxes_become_numbered_titles_or_plain_lines(table, expected):
    assert table_to_box(table) == expected


def test_a_unicode_circled_box_ranks_with_hancom_circled_glyph_boxes():
    """Hangul prints ①-⑨ as private-use glyphs and a composed ⑩ as Unicode: one number style."""
    boxes = (one_row("Ⅲ. 중점 추진과제"), one_row("\U000f02b9 노동기본권 보장"), one_row("⑩ 공정일터"))
    doc = document_to_unboxed(Document(path="x.hwpx", format="hwpx", blocks=boxes))
    assert [(b.level, b.number) for b in doc.blocks if isinstance(b, Heading)] == [
        (1, "Ⅲ"), (2, "\U000f02b9"), (2, "⑩")]


@pytest.mark.parametrize("table", [
    one_row("비전", "", "국민과 함께"),
    one_row("구분", "예산"),
    table_from_rows([["구분", "2024"], ["돌봄", "1,200"]]),
    table_from_rows([["a", "", "", ""], ["", "", "", ""], ["", "", "", ""], ["", "", "", ""]]),
])
def test_real_tables_stay_tables(table):
    assert table_to_box(table) is None


def test_box_ranks_follow_first_appearance_and_any_format_is_unboxed():
    blocks = (one_row("Ⅰ. 추진 배경"), one_row("1", "현황"), Paragraph("□ 돌봄 수요 증가"), one_row("Ⅱ. 추진 전략"),
              one_row("1. 돌봄(12억원)"), table_from_rows([["구분", "예산"], ["돌봄", "1,200"]]))
    doc = document_to_unboxed(Document(path="x.docx", format="docx", blocks=blocks))
    assert [(b.level, b.number, b.title) for b in doc.blocks if isinstance(b, Heading)] == [
        (1, "Ⅰ", "추진 배경"), (2, "1", "현황"), (1, "Ⅱ", "추진 전략"), (2, "1", "돌봄(12억원)")]
    assert isinstance(doc.blocks[2], Paragraph) and isinstance(doc.blocks[-1], Table)


# --- unit rows ------------------------------------------------------------------------------------------------


def test_unit_row_is_lifted_and_header_found_below():
    cells = (Cell(0, 0, "", col_span=2, is_header=True), Cell(0, 2, "(단위: 백만원)", col_span=2, is_header=True),
             Cell(1, 0, "구분"), Cell(1, 1, "2024"), Cell(1, 2, "2025"), Cell(1, 3, "증감"),
             Cell(2, 0, "합계"), Cell(2, 1, "1"), Cell(2, 2, "2"), Cell(2, 3, "1"))
    lifted = lift_title_row(Table(cells=cells, n_rows=3, n_cols=4, header_rows=1))
    assert (lifted.n_rows, lifted.unit_hint, lifted.header_rows) == (2, "(단위: 백만원)", 0)
    assert lifted.rows_text()[0] == ["구분", "2024", "2025", "증감"]
    caption = table_from_rows([["<표 3> 연차별 예산", "", ""], ["구분", "2024", "2025"], ["돌봄", "1", "2"]])
    caption = Table(cells=(Cell(0, 0, "<표 3> 연차별 예산", col_span=3),) + caption.cells[3:], n_rows=3, n_cols=3)
    assert lift_title_row(caption).caption == "<표 3> 연차별 예산"
    plain = table_from_rows([["구분", "", ""], ["돌봄", "1", "2"], ["주거", "3", "4"]])
    assert lift_title_row(plain) is plain


# --- our samples ---------------------------------------------------------------------------------------------


def test_boxed_sample_has_the_printed_tree_and_amounts_in_their_boxes():
    record = record_of(BOXES)
    assert tree(record, 2) == [
        (1, "Ⅰ", "추진 개요"), (2, "1", "추진 배경"), (2, "2", "추진 방향"), (1, "Ⅱ", "세부사업 추진계획"),
        (2, "1", "돌봄 안전망 강화(12억원)"), (2, "2", "건강한 일상 지원(9.5억원)"), (1, "Ⅲ", "예산 현황")]
    sections = {s.section_id: s for s in record.sections}
    care = next(s for s in record.sections if s.title == "어르신 방문 돌봄 확대(540백만원)")
    assert sections[care.parent_id].title == "돌봄 안전망 강화(12억원)" and care.level == 3
    assert len(record.tables) == 1 and record.tables[0].section_id == sections[
        next(s.section_id for s in record.sections if s.title == "예산 현황")].section_id


def test_unit_row_table_of_the_sample_gives_its_budgets():
    record = record_of(BOXES)
    (table,) = record.tables
    assert (table.unit_text, table.header_rows, table.n_rows) == ("백만원", 2, 5)
    assert sorted(b.amount_krw for b in record.budgets) == sorted(
        v * 1_000_000 for v in (2_000, 2_150, 1_150, 1_200, 850, 950))


def test_cover_title_and_date_line():
    meta = record_of(BOXES).meta
    assert (meta.title, meta.doc_type, meta.issued_year) == (
        "2025년 해남군 지역사회보장계획 연차별 시행계획", "implementation_plan", 2025)
    assert is_date_line("2025. 2.") and is_date_line("2025. 12. 11.") and not is_date_line("2025년 예산 현황")


def test_press_release_issue_year_comes_from_its_header_not_the_text():
    meta = record_of(PRESS).meta
    assert (meta.doc_type, meta.issued_year) == ("press_release", 2025)
    doc = extract(PRESS)
    header = next(b for b in doc.blocks if isinstance(b, Table))
    moved = Document(path=doc.path, format=doc.format, blocks=tuple(
        Table(cells=tuple(Cell(c.row, c.col, c.text.replace("2025", "2018"), c.row_span, c.col_span)
                          for c in header.cells), n_rows=header.n_rows, n_cols=header.n_cols, source=Source())
        if b is header else b for b in doc.blocks))
    assert document_to_meta(document_to_unboxed(moved)).issued_year == 2018


# --- the corpus (issue 10) ------------------------------------------------------------------------------------


def corpus_record(*parts: str) -> PlanRecord:
    return record_of(shared_path("corpus", *parts))


def test_nikl_hwp_has_its_chapters_and_the_budget_table_gives_the_pdf_budgets():
    record = corpus_record("hwp", "nikl-2022-work-plan.hwp")
    chapters = [(s.number, s.title) for s in record.sections if s.level == 1 and s.section_id != "s0"]
    assert chapters == [("Ⅰ", "2021년 평가"), ("Ⅱ", "2022년 정책 방향"), ("Ⅲ", "주요업무 추진계획"),
                        ("Ⅳ", "역점추진 과제")]
    assert max(s.level for s in record.sections) >= 3
    assert len(record.budgets) == 40
    table = next(t for t in record.tables if any("국어원 청사관리" in c.text for c in t.cells))
    assert (table.unit_text, table.header_rows) == ("백만원", 2)
    meta = record.meta
    assert (meta.title, meta.doc_type, meta.issued_year) == ("2022년 국립국어원 업무계획", "plan", 2022)


def test_nikl_amount_under_a_box_lands_in_the_box_section():
    record = corpus_record("hwp", "nikl-2022-work-plan.hwp")
    sections = {s.section_id: s for s in record.sections}
    corpus = next(s for s in record.sections if s.title.startswith("국어 말뭉치 확대 구축"))
    assert sections[corpus.parent_id].title.endswith("(57억원)")


@pytest.mark.parametrize("fmt", ["hwp", "hwpx"])
def test_moel_budget_table_sits_under_its_chapter_and_title_is_the_cover(fmt):
    record = corpus_record(fmt, f"moel-2025-work-report.{fmt}")
    sections = {s.section_id: s for s in record.sections}
    budget = next(t for t in record.tables if t.caption == "(단위 : 억원, %)")
    assert sections[budget.section_id].title == "일반현황"
    assert record.meta.title == "고용노동부 업무보고" and record.meta.issued_year == 2025


def test_kps_title_is_the_cover_box_not_the_date():
    meta = corpus_record("hwp", "kps-genai-rfp-2025.hwp").meta
    assert meta.title.startswith("제 안 요 청 서") and meta.issued_year == 2025


@pytest.mark.parametrize("parts", [("hwp", "msit-nuri-press-2018.hwp"), ("hwpx", "msit-nuri-press-2018.hwpx"),
                                   ("html", "noori.html")])
def test_msit_press_release_is_dated_by_its_header_in_every_format(parts):
    meta = corpus_record(*parts).meta
    assert (meta.doc_type, meta.issued_year) == ("press_release", 2018)


def test_a_bare_label_is_never_a_title_and_a_press_release_is_titled_by_its_headline():
    blocks = (Paragraph("보도자료"), Paragraph("보도일시: 2025. 11. 6.(목) 배포 즉시"), Paragraph("담당부서: 경기도 사회적경제과"),
              Paragraph("경기도 사회적경제기업, 해외 판로 넓혀 수출 계약 달성"), Paragraph("□ 경기도는 6일 계약을 맺었다고 밝혔다."))
    meta = document_to_meta(Document(path="p.txt", format="txt", blocks=blocks, title="보도자료"))
    assert (meta.title, meta.doc_type, meta.issued_year) == ("경기도 사회적경제기업, 해외 판로 넓혀 수출 계약 달성",
                                                             "press_release", 2025)


def test_a_one_column_frame_of_a_headline_and_its_subtitle_becomes_paragraphs():
    frame = table_from_rows([["‘국민주권시대, AI와 함께 열다’ 정부혁신 청사진 공개"], ["- 정부혁신 추진전략 발표 -"]])
    doc = document_to_unboxed(Document(path="x.hwp", format="hwp", blocks=(frame,)))
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == [
        "‘국민주권시대, AI와 함께 열다’ 정부혁신 청사진 공개", "- 정부혁신 추진전략 발표 -"]
    numbers = table_from_rows([["1,200"], ["3,400"]])
    assert document_to_unboxed(Document(path="x.hwp", format="hwp", blocks=(numbers,))).blocks == (numbers,)


def test_nikl_hwp_and_both_pdfs_give_the_same_budgets_and_hierarchy():
    """Issue 10 'done when': the HWP and both PDFs of the 국립국어원 plan give the same budgets."""
    def budgets(record: PlanRecord) -> list[tuple]:
        ids = {b.budget_id: b for b in record.budgets}
        return sorted((b.year, b.amount_krw, b.is_total, ids[b.parent_budget_id].amount_krw if b.parent_budget_id
                       else None) for b in record.budgets)
    hwp = budgets(corpus_record("hwp", "nikl-2022-work-plan.hwp"))
    assert len(hwp) == 40
    for pdf in ("nikl-2022-work-plan.hwp2022-win.pdf", "nikl-2022-work-plan.hancomviewer-macos.pdf"):
        assert budgets(corpus_record("pdf", pdf)) == hwp, pdf
