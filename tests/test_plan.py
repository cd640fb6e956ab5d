"""Plan tables -> facts, document metadata, and every example of the rule files they use."""
from __future__ import annotations

import pytest
from conftest import SAMPLES

from extractors import extract
from extractors.document import Document, Paragraph, Source
from extractors.grid import infer_header_rows, spans_from_blank_headers
from normalizers.meta import document_to_meta
from normalizers.plan import normalise
from normalizers.tables.builder import PlanFacts
from normalizers.tables.checks import budgets_to_checks
from normalizers.tables.reader import TableInput, tables_to_plan

HEAD = ["구분\t중점\t성과지표\t목표수준\t\t예산(백만원)\t\t",
        "\t\t\t2022 현재\t2023\t2022 현재\t2023\t계"]


def _plan(*rows: str, unit: str | None = None) -> PlanFacts:
    lines = [r.split("\t") for r in rows]
    table = spans_from_blank_headers(lines, infer_header_rows(lines))
    return tables_to_plan([TableInput(table, "t1", unit)])


# --- table rows ------------------------------------------------------------------------------------

def test_strategy_title_row_and_program_rows():
    b = _plan(*HEAD,
              "추진전략 1\t\t\t\t\t\t\t",
              "돌봄 안전망 구축\t\t■ 이용자 수(명)\t100\t120\t1,000\t1,200\t2,200",
              "세부사업 1-1 통합돌봄\t○\t■ 이용률(%)\t70\t75\t600\t700\t1,300",
              "1-1-1 방문 돌봄\t×\t■ 방문 건수(건)\t10\t12\t400\t500\t900")
    assert [(s.number, s.title) for s in b.strategies] == [("1", "돌봄 안전망 구축")]
    assert [(p.code, p.name, p.is_priority) for p in b.programs] == [
        ("1-1", "통합돌봄", True), ("1-1-1", "방문 돌봄", False)]
    assert b.programs[1].parent_id == b.programs[0].program_id
    first = b.indicators[0]
    assert (first.strategy_id, first.program_id, first.name, first.unit) == ("st1", None, "이용자 수", "명")
    assert [(t.year, t.is_baseline, t.value) for t in first.targets] == [(2022, True, 100.0), (2023, False, 120.0)]
    strategy_budgets = [(x.year, x.kind, x.amount_krw, x.item) for x in b.budgets if x.strategy_id]
    assert strategy_budgets == [(2022, "baseline", 1_000_000_000, "돌봄 안전망 구축"),
                                (2023, "planned", 1_200_000_000, "돌봄 안전망 구축"),
                                (None, "planned", 2_200_000_000, "돌봄 안전망 구축")]


def test_blank_label_row_adds_to_the_program_above_and_repeated_budget_is_recorded_once():
    b = _plan(*HEAD,
              "세부사업 2-1 일자리\t○\t▪ 참여자 수(명)\t10\t11\t5\t6\t11",
              "\t\t▪ 교육 횟수(회)\t2\t3\t5\t6\t11")
    assert [(i.program_id, i.name) for i in b.indicators] == [("p1", "참여자 수"), ("p1", "교육 횟수")]
    assert len(b.budgets) == 3 and [i.code for i in b.issues] == ["budget-repeated"]


@pytest.mark.parametrize("cells,code", [
    ("▪ 참여자 수(명) ▪ 활동시간(시간)\t40\t45", "indicators-share-targets"),
    ("▪ 참여(참여자수, 건수)\t500 2,000\t550 2,200", "target-two-numbers"),
])
def test_ambiguous_indicators_are_left_out_but_budgets_kept(cells, code):
    b = _plan(*HEAD, f"세부사업 3-1 사업\t○\t{cells}\t9\t9\t18")
    assert b.indicators == [] and [i.code for i in b.issues] == [code]
    assert [x.amount_krw for x in b.budgets] == [9_000_000, 9_000_000, 18_000_000]


@pytest.mark.parametrize("value", ["비예산", "-", ""])
def test_no_budget_markers_give_no_row(value):
    b = _plan(*HEAD, f"세부사업 1-2 상담\t×\t■ 상담 건수(건)\t1\t2\t{value}\t{value}\t{value}")
    assert b.budgets == [] and b.programs[0].is_priority is False


def test_budget_without_a_unit_is_an_issue_not_a_guess():
    b = _plan("사업명\t예산 2024\t예산 2025", "돌봄 사업\t100\t200", unit=None)
    assert b.budgets == []
    assert [(i.code, i.message) for i in b.issues] == [
        ("budget-unit-missing", "table t1 row 1: col 1: budget '100' has no unit"),
        ("budget-unit-missing", "table t1 row 1: col 2: budget '200' has no unit")]
    assert [x.amount_krw for x in _plan("사업명\t예산 2024", "돌봄 사업\t100", unit="백만원").budgets] == [100_000_000]


def test_investment_table_items_departments_and_totals():
    b = _plan("연번\t사업명\t투자계획\t\t", "\t\t계\t2024\t2025", "계\t\t30\t10\t20",
              "1\t경로당 지원(노인복지과)\t30\t10\t20", unit="백만원")
    items = {(x.item, x.department, x.year, x.amount_krw, x.is_total) for x in b.budgets}
    assert ("계", None, None, 30_000_000, True) in items
    assert ("경로당 지원", "노인복지과", 2024, 10_000_000, False) in items
    checks = budgets_to_checks(b.budgets, b.programs)
    assert {(c.kind, c.ok) for c in checks} == {("row_total", True), ("column_total", True)}


def test_strategy_total_check_reports_a_mismatch_beyond_rounding():
    b = _plan(*HEAD,
              "추진전략 1 돌봄\t\t\t\t\t10\t20\t30",
              "세부사업 1-1 가\t○\t\t\t\t4\t8\t12",
              "세부사업 1-2 나\t○\t\t\t\t6\t9\t15")
    checks = {(c.kind, c.year, c.expected, c.actual, c.ok) for c in budgets_to_checks(b.budgets, b.programs)}
    assert ("strategy_total", 2023, 20_000_000, 17_000_000, False) in checks
    assert ("strategy_total", 2022, 10_000_000, 10_000_000, True) in checks
    assert [(x.parent_budget_id, x.is_total) for x in b.budgets if x.program_id and x.year == 2023] == [
        ("b2", False), ("b2", False)]


def test_a_difference_within_one_printed_unit_per_part_is_rounding():
    b = _plan("구분\t2025 예산\t2026 예산", "총지출(a+b)\t353\t377", "예산지출(a)\t58\t67", "기금지출(b)\t296\t311",
              unit="억원")
    checks = {(c.kind, c.year, c.ok) for c in budgets_to_checks(b.budgets, b.programs)}
    assert checks == {("column_total", 2025, True), ("column_total", 2026, True)}   # 377 vs 378: rounding
    b = _plan("구분\t2025 예산", "총지출(a+b)\t350", "예산지출(a)\t58", "기금지출(b)\t296", unit="억원")
    assert [(c.kind, c.expected, c.actual, c.ok) for c in budgets_to_checks(b.budgets, b.programs)] == [
        ("column_total", 35_000_000_000, 35_400_000_000, False)]


def test_council_report_codes_qualify_strategies_and_read_departments():
    b = _plan("1. 돌봄 강화\t주요내용\t추진부서",
              "I-1-1. 아이돌봄\t시간제 돌봄센터 운영\t여성가족과",
              "2. 민관 협력\t주요내용\t추진부서\t",
              "1. 사각지대 발굴\tⅡ-2-1-1. 명예 사회복지공무원\t위기가구 발굴\t복지정책과")
    assert [s.number for s in b.strategies] == ["I-1", "II-2"]
    second = b.programs[1]
    assert (second.code, second.code_raw, second.name, second.description, second.department, second.subgroup) == (
        "II-2-1-1", "Ⅱ-2-1-1", "명예 사회복지공무원", "위기가구 발굴", "복지정책과", "II-2-1")


def test_headerless_continuation_table_keeps_the_previous_columns():
    tables = []
    for rows in (["1. 돌봄\t주요내용\t추진부서", "I-1-1. 가 사업\t내용 가\t복지정책과"],
                 ["I-1-2. 나 사업\t내용 나\t노인복지과"]):
        lines = [r.split("\t") for r in rows]
        tables.append(TableInput(spans_from_blank_headers(lines, infer_header_rows(lines)), f"t{len(tables)}", None))
    builder = tables_to_plan(tables)
    assert [(p.code, p.description, p.department) for p in builder.programs] == [
        ("I-1-1", "내용 가", "복지정책과"), ("I-1-2", "내용 나", "노인복지과")]


# --- documents -------------------------------------------------------------------------------------

def test_meta_of_a_2022_report_of_a_renamed_province():
    meta = document_to_meta(extract(SAMPLES / "iksan-2022-council-report.cp949.txt"))
    assert (meta.doc_type, meta.region_code, meta.region_code_issued, meta.region_name) == (
        "plan_report", "52140", "45140", "전북특별자치도 익산시")
    assert (meta.plan_term, meta.period_start, meta.period_end, meta.issued_year) == (5, 2023, 2026, 2022)


def test_meta_of_a_basic_plan_of_a_merged_metropolitan_district():
    meta = document_to_meta(extract(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.HTML"))
    assert (meta.doc_type, meta.region_code, meta.region_code_issued) == ("basic_plan", "12240", "29140")
    assert (meta.period_start, meta.period_end) == (2024, 2027)


def test_national_press_release_has_no_issuer():
    doc = Document(path="p.txt", format="txt", blocks=(
        Paragraph("지역사회보장 우수사례 공유", Source(line=1)),
        Paragraph("보건복지부(장관 홍길동)는 6월 23일 성과공유회를 개최하였다고 밝혔다.", Source(line=2))))
    meta = document_to_meta(doc)
    assert (meta.doc_type, meta.region_code) == ("press_release", None)


def test_every_sample_normalises():
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix.lower() in (".txt", ".md", ".html", ".pdf", ".docx", ".hwpx", ".hwp"):
            record = normalise(extract(path))
            assert record.sections, path.name


# --- program cards and fund-source breakdowns ------------------------------------------------------

def test_program_cards_give_programs_indicators_and_budgets_by_fund_source():
    record = normalise(extract(SAMPLES / "goesan-2023-plan-program-cards.html"))
    assert [(s.number, s.title) for s in record.strategies] == [
        ("1", "농촌형 통합돌봄 체계 구축"), ("2", "함께 일하는 지역공동체")]
    programs = {p.code: p for p in record.programs}
    first = programs["1-1"]
    assert (first.name, first.department, first.is_priority) == ("찾아가는 마을 돌봄", "주민복지과", True)
    assert programs["1-2"].is_priority is False and programs["2-1"].strategy_id == record.strategies[1].strategy_id
    indicators = [(i.name, i.unit, [t.value for t in i.targets]) for i in record.indicators
                  if i.program_id == first.program_id]
    assert indicators == [("돌봄단 이용 어르신 수", "명", [300, 420, 540, 660]),
                          ("이용자 만족도", "점", [80, 82, 84, 85])]
    lines = {(b.year, b.fund_source): b.amount_krw for b in record.budgets if b.program_id == first.program_id}
    assert lines[(2023, None)] == 510_000_000 and lines[(2023, "도비")] == 153_000_000
    assert (2023, "국비") not in lines
    fund_checks = [c for c in record.checks if c.kind == "fund_total"]
    assert fund_checks and all(c.ok for c in fund_checks)


def test_fund_source_rows_under_a_budget_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("(단위 : 백만원)\n\n사업명\t재원\t계\t2023\t2024\n합계\t\t300\t140\t160\n"
                    "돌봄사업(복지과)\t계\t300\t140\t160\n\t국비\t150\t70\t80\n\t군비\t150\t70\t80\n",
                    encoding="utf-8")
    record = normalise(extract(path))
    shares = {(b.fund_source, b.year): b.amount_krw for b in record.budgets if b.item == "돌봄사업"}
    assert shares[(None, 2023)] == 140_000_000 and shares[("국비", 2024)] == 80_000_000
    assert all(b.department == "복지과" for b in record.budgets if b.item == "돌봄사업")
    assert {c.kind for c in record.checks} == {"row_total", "column_total", "fund_total"}
    assert all(c.ok for c in record.checks)


def test_words_broken_by_narrow_cells_still_name_columns_and_strategies():
    b = _plan("구분\t중 점 추진사업 여부\t성과지 표\t목표 2019\t목표 2020",
              "추진전 략 5 일자리 확충\t\t■ 참여자 수(명)\t10\t20",
              "세부사업 5-1 건강한 일자리 창출\t○\t■ 교육 참여율(%)\t90\t95")
    assert [(s.number, s.title) for s in b.strategies] == [("5", "일자리 확충")]
    assert [(p.code, p.is_priority) for p in b.programs] == [("5-1", True)]
    assert [(i.name, [t.year for t in i.targets]) for i in b.indicators] == [
        ("참여자 수", [2019, 2020]), ("교육 참여율", [2019, 2020])]


def test_execution_tables_are_not_read_as_budget_lines():
    b = _plan("’22년도 예산(A)\t’22년도 집행(B)\t집행률(B/A)", "28,800백만 원\t28,800백만 원\t100%")
    assert b.budgets == [] and b.programs == []


def test_strategy_column_spanning_its_programs():
    b = _plan("추진전략\t세부사업\t2024 예산(백만원)\t담당부서",
              "1. 돌봄 안전망\t1-1 통합돌봄\t100\t복지과",
              "\t1-2 방문건강\t50\t보건소",
              "일자리와 소득\t2-1 노인일자리\t70\t일자리과")
    assert [(s.number, s.title) for s in b.strategies] == [("1", "돌봄 안전망"), ("2", "일자리와 소득")]
    by_code = {p.code: (p.name, p.department, p.strategy_id, p.subgroup) for p in b.programs}
    assert by_code["1-2"] == ("방문건강", "보건소", "st1", None)
    assert by_code["2-1"][2] == "st2"
    assert [(x.year, x.amount_krw) for x in b.budgets if x.program_id == "p3"] == [(2024, 70_000_000)]


def test_programs_named_without_codes_under_a_program_column():
    b = _plan("추진전략\t세부사업명\t성과지표\t단위\t2024\t2025",
              "1. 돌봄\t찾아가는 돌봄\t이용자 수\t명\t100\t120",
              "\t방문 보건\t방문 건수\t건\t30\t40")
    assert [(p.code, p.name, p.strategy_id) for p in b.programs] == [(None, "찾아가는 돌봄", "st1"),
                                                                     (None, "방문 보건", "st1")]
    assert [(i.program_id, i.name, i.unit, [t.year for t in i.targets]) for i in b.indicators] == [
        ("p1", "이용자 수", "명", [2024, 2025]), ("p2", "방문 건수", "건", [2024, 2025])]


@pytest.mark.parametrize("line,name", [("제 출 자 : 영등포구청장", "서울특별시 영등포구"), ("익산시장", "전북특별자치도 익산시"),
                                       ("괴산군수", "충청북도 괴산군"), ("경기도지사", "경기도")])
def test_issuer_from_the_head_of_government(line, name):
    from normalizers.meta import issuer_of
    assert issuer_of(None, [line], 2024, "plan_report").official_name_today == name
