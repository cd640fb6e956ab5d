"""Execution records (normalizers.textfacts.executions via normalizers.textfacts.reader): seed 003, the casebook sample, tables."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, shared_path

from extractors.document import Document, Paragraph, Source, table_from_rows
from extractors.text.reader import extract
from normalizers.record import Meta
from normalizers.sections import document_to_sections
from normalizers.textfacts.executions import find_execution_blocks, part_line, rate_agrees, table_to_execution_values
from normalizers.textfacts.reader import document_to_text_facts

CASEBOOK = Meta(doc_type="casebook", issued_year=2023)

# Read off seed 003 (lines 336-2907): government, case title above the block, budget, executed, printed rate.
SEED_003 = [
    ("41", "일하는 청년 복지포인트", 28_800_000_000, 28_800_000_000, 100.0, "printed"),
    ("41", "경기도 여성청소년 생리용품 보편지원", 26_652_000_000, 25_587_000_000, 96.0, "same-region"),
    ("41", "경기도 1인가구 지원사업", 354_000_000, 354_000_000, 100.0, "printed"),
    ("41", "민관협력의 경기복지거버넌스 강화", 2_274_000_000, 2_274_000_000, 100.0, "same-region"),
    ("26500", "지역사회 커뮤니티케어 인프라 강화", 100_000_000, 100_000_000, 100.0, "printed"),
    ("26500", "아동친화도시 조성 사업", 11_000_000, 10_000_000, 91.0, "printed"),
    ("26500", "원스톱취업 호텔서비스 전문인력 양성사업", 81_000_000, 78_000_000, 96.0, "printed"),
    ("41130", "마을이 돌보는 지역공동체 아동돌봄 사업", 5_759_000_000, 5_519_000_000, 95.8, "printed"),
    ("41130", "성남자원순환가게 re100 운영", 396_000_000, 386_000_000, 97.5, "printed"),
    ("41130", "사회보장정책 현장모니터링단 운영", 11_000_000, 10_000_000, 90.9, "printed"),
    ("41130", "성남시민을 위한 복지용구공유사업", 328_000_000, 315_000_000, 96.0, "printed"),
    ("44810", "예산형 독거노인 통합돌봄사업", 213_000_000, 201_000_000, 94.4, "printed"),
    ("44810", "주민동아리 통한 행복마을 만들기", 50_000_000, 50_000_000, 100.0, "printed"),
    ("44810", "비대면 노인맞춤돌봄서비스 지원", 30_000_000, 30_000_000, 100.0, "printed"),
    ("44810", "장애인직업재활시설 지원 확대", 582_000_000, 582_000_000, 100.0, "printed"),
]


def facts(doc: Document, meta: Meta = CASEBOOK):
    return document_to_text_facts(doc, document_to_sections(doc), meta)


def rows(executions):
    return [(e.region_code, e.item, e.budget_krw, e.executed_krw, e.rate_pct, e.unit_source) for e in executions]


def chunked(path: Path) -> Document:
    """The same text with each run of non-blank lines as one multi-line paragraph (as some exports give it)."""
    blocks, chunk, first = [], [], 0
    for n, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], start=1):
        if line.strip():
            chunk, first = chunk + [line], first or n
        elif chunk:
            blocks.append(Paragraph("\n".join(chunk), Source(line=first)))
            chunk, first = [], 0
    return Document(str(path), "txt", tuple(blocks))


@pytest.fixture(scope="module")
def seed_003():
    return facts(extract(shared_path("seeds", "003_36d7a86073e0eb52.txt")))


def test_seed_003_executions(seed_003):
    assert rows(seed_003.executions) == SEED_003
    assert {e.year for e in seed_003.executions} == {2022}
    assert [e.line for e in seed_003.executions][:3] == [336, 422, 514]
    assert seed_003.executions[1].budget_text == "26,652" and seed_003.executions[1].unit_text == "백만원"


def test_seed_003_rate_checks_pass(seed_003):
    rate = [c for c in seed_003.checks if c.kind == "rate"]
    assert len(rate) == 15 and all(c.ok for c in rate)
    assert (rate[5].expected, rate[5].actual) == (91.0, 90.9091)


def test_seed_003_execution_values_are_not_mentions(seed_003):
    lines = {e.line for e in seed_003.executions} | {e.line + 1 for e in seed_003.executions}
    assert not [m for m in seed_003.mentions if m.kind == "money" and m.line in lines]
    assert ("998백만원", 998_000_000) in [(m.text, m.amount_krw) for m in seed_003.mentions]


def test_seed_003_subjects_are_its_parts(seed_003):
    subjects = [r for r in seed_003.doc_regions if r.role == "subject"]
    assert len(subjects) == 16 and len({r.region_code for r in subjects}) == 15
    assert [r.region_code for r in subjects][:5] == ["28", "41", "26500", "41130", "44810"]
    seogu = next(r for r in subjects if r.region_name == "광주광역시 서구")
    assert (seogu.region_code, seogu.region_code_issued, seogu.official_name) == ("12240", "29140",
                                                                                   "전남광주통합특별시 서구")


def test_seed_003_as_multi_line_paragraphs(seed_003):
    again = facts(chunked(shared_path("seeds", "003_36d7a86073e0eb52.txt")))
    assert rows(again.executions) == rows(seed_003.executions)
    assert [r.region_code for r in again.doc_regions if r.role == "subject"] == [
        r.region_code for r in seed_003.doc_regions if r.role == "subject"]


def test_casebook_sample():
    result = facts(extract(SAMPLES / "casebook-2023-excerpt.txt"))
    assert rows(result.executions) == [
        ("30200", "유성형 어르신 안부살핌 서비스", 1_480_000_000, 1_402_000_000, 94.7, "printed"),
        ("30200", "청년 1인가구 마음건강 지원", 86_400_000, 82_944_000, 96.0, "unit-line"),
        ("12330", "광산형 통합돌봄 징검다리 사업", 320_000_000, 301_000_000, 94.1, "printed"),
        ("52140", "익산형 찾아가는 마을복지 상담소", 95_000_000, 95_000_000, 100.0, "printed"),
        ("52140", "고립가구 이웃 잇기", 42_000_000, 39_000_000, 92.9, "same-region"),
    ]
    assert result.executions[1].unit_text == "천원"
    assert [(r.region_code, r.region_code_issued, r.role) for r in result.doc_regions] == [
        ("30200", None, "subject"), ("12330", "29200", "subject"), ("52140", "45140", "subject")]
    assert [(c.kind, c.ok) for c in result.checks] == [("rate", True)] * 5 + [("breakdown_sum", True)] * 2
    assert ("국비 740", "국비", 740_000_000) in [(m.text, m.fund_source, m.amount_krw) for m in result.mentions]


def test_issuer_is_the_government_outside_a_casebook():
    doc = Document("x.txt", "txt", (Paragraph("’22년도 예산(A) ’22년도 집행(B) 집행률(B/A)"),
                                    Paragraph("1,480백만원 1,402백만원 94.7%")))
    meta = Meta(doc_type="implementation_plan", region_code="11440", region_name="서울특별시 마포구",
                issued_year=2023)
    result = facts(doc, meta)
    (execution,) = result.executions
    assert (execution.region_code, execution.region_name, execution.item) == ("11440", "서울특별시 마포구", None)
    assert result.doc_regions[0].role == "issuer" and result.mentions == ()


def test_execution_table():
    table = table_from_rows([["’22년도 예산(A)", "’22년도 집행(B)", "집행률(B/A)"], ["213백만원", "201백만원", "94.4%"]],
                            header_rows=1)
    doc = Document("x.txt", "txt", (Paragraph("우수사업 2. 예산형 독거노인 통합돌봄사업"), Paragraph("사업 목적"), table))
    result = facts(doc)
    assert rows(result.executions) == [(None, "예산형 독거노인 통합돌봄사업", 213_000_000, 201_000_000, 94.4, "printed")]
    (check,) = result.checks
    assert (check.table_id, check.row, check.ok) == ("t1", 1, True)
    assert result.mentions == ()


def test_execution_table_with_items_and_a_unit_line():
    table = table_from_rows([["사업명", "예산(A)", "집행(B)", "집행률(B/A)"], ["안부살핌", "1,480", "1,402", "94.7"],
                             ["마음건강", "86.4", "82.9", "96.0"], ["계", "1,566.4", "1,484.9", "94.8"]],
                            header_rows=1, unit_hint="(단위 : 백만원)")
    found = table_to_execution_values(table)
    assert [(v.item, v.budget_text, v.header_unit, v.row) for v in found] == [
        ("안부살핌", "1,480", "백만원", 1), ("마음건강", "86.4", "백만원", 2)]   # not the total row
    result = facts(Document("x.txt", "txt", (table,)))
    assert [(e.item, e.budget_krw, e.unit_source) for e in result.executions] == [
        ("안부살핌", 1_480_000_000, "header"), ("마음건강", 86_400_000, "header")]


def test_table_holding_the_block_in_single_cells_is_read_as_text():
    table = table_from_rows([["’22년도 예산(A) ’22년도 집행(B) 집행률(B/A)"], ["28,800백만 원 28,800백만 원 100%"]])
    (values,) = table_to_execution_values(table)
    assert (values.year, values.budget_text, values.rate_text, values.printed_unit) == (
        2022, "28,800백만 원", "100%", "백만원")


def test_unit_missing_is_a_note_not_a_guess():
    doc = Document("x.txt", "txt", (Paragraph("예산(A) 집행(B) 집행률(B/A)"), Paragraph("42 39 92.9%")))
    result = facts(doc, Meta())
    (execution,) = result.executions
    assert (execution.budget_krw, execution.executed_krw, execution.rate_pct, execution.unit_source) == (
        None, None, 92.9, None)
    assert [(i.code, i.message[:13]) for i in result.issues] == [("unit-missing", "execution e1 ")]
    assert result.checks == ()


def test_block_finder_shapes():
    text = ("’22년도 예산(A) ’22년도 집행(B) 집행률 (B/A)\n\n 100백만원  100백만원  100%\n"
            "예산액(백만원) 집행액(백만원) 집행률(%)\n26,652\n25,587\n96")
    first, second = find_execution_blocks(text)
    assert (first.year, first.budget_text, first.printed_unit) == (2022, "100백만원", "백만원")
    assert (second.year, second.header_unit, second.budget_text, second.rate_text) == (None, "백만원", "26,652", "96")
    assert find_execution_blocks("- 사업예산 집행률 향상 95%") == []


@pytest.mark.parametrize("printed, actual, ok", [
    ("91%", 90.9091, True), ("90.9", 90.9091, True), ("97.5%", 97.4747, True), ("94.4%", 94.3662, True),
    ("96%", 96.2963, True), ("95%", 93.0, False), ("100%", 96.0, False),
])
def test_rate_agrees(printed, actual, ok):
    assert rate_agrees(printed, float(printed.rstrip("%")), actual) is ok


@pytest.mark.parametrize("line, kind, key, region, toc", [
    ("PART Ⅰ- 3  부산광역시 수영구 ····················· 27", "entry", ("Ⅰ", "3"), "부산광역시 수영구", True),
    ("PART Ⅰ- 1  인천광역시", "entry", ("Ⅰ", "1"), "인천광역시", False),
    ("PARTⅠ- 1", "marker", ("Ⅰ", "1"), None, False),
    ("PART Ⅰ 경기도", "header", None, "경기도", False),
])
def test_part_lines(line, kind, key, region, toc):
    part = part_line(line)
    assert (part.kind, part.key, part.region_text, part.toc) == (kind, key, region, toc)
    assert part_line("PART Ⅰ") is None
