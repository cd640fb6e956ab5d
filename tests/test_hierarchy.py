"""Budget hierarchy: every row's parent, totals that are sums of their parts, leaves that sum to the grand total."""
from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import sample_files, shared_path

from extractors import extract
from extractors.grid import infer_header_rows, spans_from_blank_headers
from normalizers.plan import normalise
from normalizers.record import Budget
from normalizers.tables.checks import budgets_to_checks
from normalizers.tables.reader import TableInput, tables_to_plan

HIERARCHY_KINDS = {"column_total", "subtotal", "strategy_total", "fund_total"}


def _plan(*rows: str, unit: str | None = "백만원"):
    lines = [r.split("\t") for r in rows]
    return tables_to_plan([TableInput(spans_from_blank_headers(lines, infer_header_rows(lines)), "t1", unit)])


def _tree(budgets: list[Budget], year: int | None) -> list[tuple[str, str | None, bool]]:
    """(label, parent label, is_total) of one year's rows, labels being item names or amounts."""
    rows = [b for b in budgets if b.year == year]
    name = {b.budget_id: b.fund_source or b.item or b.amount_text for b in rows}
    return [(name[b.budget_id], name.get(b.parent_budget_id or ""), b.is_total) for b in rows]


def _leaf_sums(budgets: list[Budget]) -> dict[tuple, tuple[int, int, set[tuple]]]:
    """Per root row: (grand total printed, sum of its leaves, the cells and (program, year) of its tree).

    A tree may span tables: a 6th-term card's sources under its total under the master table's strategy row
    (a card total that differs from the master table's figure fails a `cross_form` check on its program and year).
    """
    children = defaultdict(list)
    for b in budgets:
        children[b.parent_budget_id].append(b)
    out = {}
    for root in children[None]:
        if not children[root.budget_id]:
            continue
        leaves, todo, cells = [], [root], set()
        while todo:
            b = todo.pop()
            cells |= {(b.table_id, b.row, b.col), (b.program_id, b.year)}
            kids = children[b.budget_id]
            leaves += [] if kids else [b]
            todo += kids
        out[(root.table_id, root.col, root.row)] = (root.amount_krw, sum(b.amount_krw for b in leaves), cells)
    return out


def test_total_subtotals_lines_and_markers_nest_as_printed():
    b = _plan("구 분\t2022년",
              "합 계\t300", "사 업 비\t200", "□ 돌봄\t150", "- 방문 돌봄\t100", "- 긴급 돌봄\t50", "□ 주거\t50",
              "운 영 비\t100", "□ 인건비\t100")
    assert _tree(b.budgets, 2022) == [
        ("합 계", None, True), ("사 업 비", "합 계", True), ("□ 돌봄", "사 업 비", True),
        ("- 방문 돌봄", "□ 돌봄", False), ("- 긴급 돌봄", "□ 돌봄", False), ("□ 주거", "사 업 비", False),
        ("운 영 비", "합 계", True), ("□ 인건비", "운 영 비", False)]
    assert all(c.ok for c in budgets_to_checks(b.budgets, b.programs))


def test_formulas_name_their_parts():
    b = _plan("구분\t2026년", "계(①+②+③)\t100", "지방비 소계(①+②)\t80", "①시·도비\t30", "②시·군·구비\t50",
              "③기타 (기금)\t20")
    assert _tree(b.budgets, 2026) == [
        ("계(①+②+③)", None, True), ("지방비 소계(①+②)", "계(①+②+③)", True), ("①시·도비", "지방비 소계(①+②)", False),
        ("②시·군·구비", "지방비 소계(①+②)", False), ("③기타 (기금)", "계(①+②+③)", False)]
    checks = budgets_to_checks(b.budgets, b.programs)
    assert [(c.kind, c.ok) for c in checks] == [("column_total", True), ("subtotal", True)]


def test_a_total_printed_last_closes_the_rows_above_it_and_subtotals_close_their_groups():
    b = _plan("구분\t2024", "가 사업\t10", "나 사업\t20", "소 계\t30", "다 사업\t5", "소계\t5", "합계\t35")
    assert _tree(b.budgets, 2024) == [
        ("가 사업", "소 계", False), ("나 사업", "소 계", False), ("소 계", "합계", True),
        ("다 사업", "소계", False), ("소계", "합계", True), ("합계", None, True)]


def test_a_sub_program_is_a_part_only_where_the_numbers_bear_it_out():
    head = ("구분\t예산(백만원)\t", "\t2024\t2025")
    parts = _plan(*head, "세부사업 1-1 돌봄\t30\t40", "1-1-1 방문 돌봄\t10\t15", "1-1-2 긴급 돌봄\t20\t25")
    assert [b.parent_budget_id for b in parts.budgets] == [None, None, "b1", "b2", "b1", "b2"]
    beside = _plan(*head, "세부사업 1-1 돌봄\t30\t40", "1-1-1 방문 돌봄\t100\t150")
    assert [b.parent_budget_id for b in beside.budgets] == [None, None, None, None]
    assert not any(c.kind == "subtotal" for c in budgets_to_checks(beside.budgets, beside.programs))


def test_fund_shares_belong_to_their_line_and_planted_errors_are_reported():
    b = _plan("사업\t재원\t2024", "경로당 지원\t계\t100", "\t국비\t50", "\t군비\t40")
    assert _tree(b.budgets, 2024) == [("경로당 지원", None, True), ("국비", "경로당 지원", False),
                                      ("군비", "경로당 지원", False)]
    (check,) = budgets_to_checks(b.budgets, b.programs)
    assert (check.kind, check.expected, check.actual, check.ok) == ("fund_total", 100_000_000, 90_000_000, False)


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.name)
def test_leaves_sum_to_the_grand_total_in_every_sample_table(path):
    record = normalise(extract(path))
    failing = {(c.table_id, c.row, c.col) for c in record.checks if not c.ok and c.kind in HIERARCHY_KINDS}
    differ = {(c.program_id, c.year) for c in record.checks if not c.ok and c.kind == "cross_form" and c.program_id}
    for (table, col, row), (printed, leaves, cells) in _leaf_sums(list(record.budgets)).items():
        consistent = not any(t == table and cc == col for t, _, cc in failing) and not cells & (failing | differ)
        assert (printed == leaves) or not consistent, f"{path.name} {table} col {col} row {row}"


def test_planted_sample_inconsistencies_are_reported_and_nothing_else():
    failing = {p.name: sorted({(c.kind, c.year) for c in normalise(extract(p)).checks if not c.ok})
               for p in sample_files()}
    assert failing["yangpyeong-2023-plan-summary.txt"] == [("strategy_total", 2026)]
    assert failing["gwangju-seogu-2024-elderly-basic-plan.HTML"] == [("column_total", 2026), ("row_total", None)]
    assert failing["unruled-investment-plan.txt"] == failing["goesan-2023-plan-program-cards.html"] == []


# --- real documents -----------------------------------------------------------------------------------

def _corpus(name: str):
    return normalise(extract(shared_path("corpus", *name.split("/"))))


def test_moel_budget_table_hierarchy_with_rounding_in_eok_won():
    record = _corpus("hwpx/moel-2025-work-report.hwpx")
    tree = _tree(list(record.budgets), 2026)
    assert ("총지출(a+b)", None, True) in tree and ("예산지출(a)", "총지출(a+b)", True) in tree
    assert ("⋅일반회계", "예산지출(a)", False) in tree and ("⋅고용보험", "기금지출(b)", False) in tree
    assert [c for c in record.checks if not c.ok] == []     # 66,657 vs 59,082 + 7,576: rounding in 억원
    grand = next(b for b in record.budgets if b.item == "총지출(a+b)" and b.year == 2026)
    leaves = [b for b in record.budgets if b.table_id == grand.table_id and b.year == 2026 and not b.is_total]
    assert abs(sum(b.amount_krw for b in leaves) - grand.amount_krw) <= len(leaves) * 100_000_000


@pytest.mark.parametrize("name", ["pdf/nikl-2022-work-plan.hancomviewer-macos.pdf",
                                  "pdf/nikl-2022-work-plan.hwp2022-win.pdf"])
def test_nikl_budget_table_sums_its_leaves(name):
    record = _corpus(name)
    tree = {(a.replace(" ", ""), (p or "").replace(" ", ""), t) for a, p, t in _tree(list(record.budgets), 2022)}
    assert ("사업비", "합계", True) in tree and ("운영비", "합계", True) in tree
    assert ("-한국어교육선진화", "□국어진흥연구및사용환경개선", False) in tree
    grand = next(b for b in record.budgets if (b.item or "").replace(" ", "") == "합계" and b.year == 2022
                 and any(c.parent_budget_id == b.budget_id for c in record.budgets))
    leaves = [b for b in record.budgets if b.table_id == grand.table_id and b.year == 2022 and not b.is_total]
    assert sum(b.amount_krw for b in leaves) == grand.amount_krw == 24_887_000_000
    assert not [c for c in record.checks if not c.ok and c.table_id == grand.table_id]
