"""The 6th-term plan samples read completely: every field against its hand-checkable answer key.

`samples/<stem>.expected.json` (written by samples/make_sixth_term.py from the same data as the
documents; shape in samples/README.md) is compared field by field with what `normalise` makes of
each format: strategies with their system, programs with every attribute, the six classification
codes, indicators at the three levels with their targets once, budgets (one total per program and
year, one row per funding source with its share, the master table's strategy rows), and the
failing checks, which must be exactly the planted inconsistencies.

DOCX, HTML and HWPX must agree completely. The PDFs are read from LibreOffice's rendering of the
DOCX: `PDF_GAPS` lists what the PDF extractor still loses, so a new gap fails here until it is
either fixed or listed with its reason. It is empty today: every card crossing a page break
(header row repeated or not, the budget block or the indicator split, two cards stitched into one
table) is joined from its pieces by the normaliser (`forms.split_cards`, `reader.form_to_facts`).
Names and texts are compared without whitespace (as the scorer does): the PDF text layer puts
spaces around a halfwidth middle dot (`읍 ･ 면`) and inside a few wrapped master-table cells
(`1 인가구`); the card's text, which is kept, is clean in the samples.
"""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from conftest import SAMPLES

from extractors import extract
from normalizers.plan import normalise
from normalizers.record import PlanRecord

STEMS = ("gangseo-2027-sixth-term-plan", "hongseong-2027-sixth-term-plan-latin")
FORMATS = ("hwpx", "docx", "html", "pdf")
CASES = [(stem, fmt) for stem in STEMS for fmt in FORMATS]
# What the PDF extractor still loses, per (stem, field): {difference text: why}.
PDF_GAPS: dict[tuple[str, str], dict[str, str]] = {}
# The answer key's inconsistency kinds and the check kinds that report them.
CHECK_KINDS = {"card_total": "fund_total", "card_subtotal": "subtotal", "card_shares": "fund_share",
               "master_card_budget": "cross_form", "strategy_total": "strategy_total",
               "indicator_cross_form": "cross_form"}


def _key(stem: str) -> dict:
    return json.loads((SAMPLES / f"{stem}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records() -> dict[tuple[str, str], PlanRecord]:
    return {(stem, fmt): normalise(extract(SAMPLES / f"{stem}.{fmt}")) for stem, fmt in CASES}


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _owners(rec: PlanRecord) -> tuple[dict[str | None, str], dict[str | None, str]]:
    """program_id -> code, strategy_id -> number."""
    return ({p.program_id: p.code or "" for p in rec.programs},
            {s.strategy_id: s.number for s in rec.strategies})


def strategy_differences(rec: PlanRecord, key: dict) -> list[str]:
    want = {(s["number"], s["system"], s["title"]) for s in key["strategies"]}
    got = {(s.number, s.system, s.title) for s in rec.strategies}
    return [f"missing {x}" for x in sorted(want - got)] + [f"extra {x}" for x in sorted(got - want, key=str)]


def program_differences(rec: PlanRecord, key: dict) -> list[str]:
    _, strategies = _owners(rec)
    subgroup_names = {g["code"]: g["name"] for g in key["subgroups"]}
    by_code = {p.code: p for p in rec.programs}
    out = [f"extra program {c}" for c in sorted(set(by_code) - {p["code"] for p in key["programs"]}, key=str)]
    for kp in key["programs"]:
        p = by_code.get(kp["code"])
        if p is None:
            out.append(f"missing program {kp['code']}")
            continue
        got = {"name": _squash(p.name), "strategy": strategies.get(p.strategy_id), "subgroup": p.subgroup,
               "subgroup_name": p.subgroup_name, "department": p.department, "team": p.team,
               "is_priority": p.is_priority, "is_new": p.is_new, "is_non_budget": p.is_non_budget,
               "basic_plan_link": p.basic_plan_link, "parent": p.parent_id,
               "code_raw": p.code_raw in {kp["code_printed"].rstrip(". "), kp["card_code_printed"]}}
        want = {"name": _squash(kp["name"]), "strategy": kp["strategy"], "subgroup": kp["subgroup"],
                "subgroup_name": subgroup_names.get(kp["subgroup"]), "department": kp["department"],
                "team": kp["team"], "is_priority": kp["is_priority"], "is_new": kp["is_new"],
                "is_non_budget": kp["is_non_budget"], "basic_plan_link": kp["basic_plan_link"], "parent": None,
                "code_raw": True}
        out += [f"{kp['code']} {k}: want {want[k]!r}, got {got[k]!r}" for k in want if got[k] != want[k]]
    return out


def class_differences(rec: PlanRecord, key: dict) -> list[str]:
    by_code = {p.code: p for p in rec.programs}
    out = []
    for kp in key["programs"]:
        p = by_code.get(kp["code"])
        got = Counter((c.category, c.code, c.label) for c in (p.classes if p else ()))
        want = Counter((cat, v["code"], v["label"]) for cat, v in kp["classes"].items())
        out += [f"{kp['code']} missing {x}" for x in (want - got)] + [f"{kp['code']} extra {x}" for x in (got - want)]
    return out


def indicator_differences(rec: PlanRecord, key: dict) -> list[str]:
    programs, strategies = _owners(rec)

    def owner(i) -> tuple[str, str]:
        if i.program_id:
            return "program", programs[i.program_id]
        return ("subgroup", i.subgroup) if i.subgroup else ("strategy", strategies.get(i.strategy_id, ""))

    got = {(*owner(i), _squash(i.name)): i for i in rec.indicators}
    out = []
    seen = Counter(got_key for got_key in ((*owner(i), _squash(i.name)) for i in rec.indicators))
    out += [f"{k} stored {n} times" for k, n in seen.items() if n > 1]
    for ki in key["indicators"]:
        k = (ki["level"], ki["owner"], _squash(ki["name"]))
        i = got.pop(k, None)
        if i is None:
            out.append(f"missing indicator {k}")
            continue
        if i.unit != ki["unit"]:
            out.append(f"{k} unit: want {ki['unit']!r}, got {i.unit!r}")
        # 지표정의 / 산출근거 / 자료출처 are printed only on the cards (the key holds them for every indicator)
        printed = {form for t in ki["targets"] for form in t["printed"]}
        for attr, want in (("definition", ki["definition"]), ("basis", ki["basis"]), ("data_source", ki["source"])):
            want = want if printed & {"card", "strategy_card"} else ""
            if _squash(getattr(i, attr)) != _squash(want):
                out.append(f"{k} {attr}: want {want!r}, got {getattr(i, attr)!r}")
        want_t = {(t["year"], t["kind"] == "baseline", t["value"], t["relative"]) for t in ki["targets"]}
        got_t = {(t.year, t.is_baseline, t.value, t.value_text if t.value is None else None) for t in i.targets}
        out += [f"{k} target missing {x}" for x in sorted(want_t - got_t, key=str)]
        out += [f"{k} target extra {x}" for x in sorted(got_t - want_t, key=str)]
        out += [f"{k} target {t.year} without its cell" for t in i.targets if t.table_id is None or t.col is None]
    return out + [f"extra indicator {k}" for k in got]


def budget_differences(rec: PlanRecord, key: dict) -> list[str]:
    programs, strategies = _owners(rec)
    want: Counter = Counter()
    for b in key["budgets"]:
        kind = "baseline" if b["year"] == key["plan"]["period"][0] - 1 else "planned"
        want[(b["program"], b["year"], kind, None, b["total_krw"], None, None)] += 1
        for s in b["sources"]:
            want[(b["program"], b["year"], kind, s["source"], s["krw"], s["name"], float(s["share_pct"]))] += 1
    for b in key["strategy_budgets"]:
        kind = "baseline" if b["year"] == key["plan"]["period"][0] - 1 else "planned"
        want[(b["strategy"], b["year"], kind, None, b["printed_krw"], None, None)] += 1
    got: Counter = Counter()
    out = []
    for b in rec.budgets:
        owner = programs.get(b.program_id) if b.program_id else strategies.get(b.strategy_id, b.item)
        share = b.share_pct if b.fund_source else None
        got[(owner, b.year, b.kind, b.fund_source, b.amount_krw, b.fund_name, share)] += 1
        if b.table_id is None or b.row is None or b.col is None:
            out.append(f"budget {b.budget_id} without its cell")
    ids = {b.budget_id: b for b in rec.budgets}
    for b in rec.budgets:
        parent = ids.get(b.parent_budget_id or "")
        if b.fund_source and (parent is None or parent.program_id != b.program_id or parent.fund_source):
            out.append(f"source {b.budget_id} ({b.fund_source} {b.year}) is no part of its program's total")
    return out + [f"missing {x}" for x in (want - got).elements()] + [f"extra {x}" for x in (got - want).elements()]


def check_differences(rec: PlanRecord, key: dict) -> list[str]:
    programs, strategies = _owners(rec)
    got = Counter((c.kind, programs.get(c.program_id) or strategies.get(c.strategy_id), c.year)
                  for c in rec.checks if not c.ok)
    want = Counter((CHECK_KINDS[i["kind"]], i["code"], i["year"]) for i in key["inconsistencies"])
    return [f"not reported {x}" for x in (want - got).elements()] + \
        [f"fails without a planted inconsistency {x}" for x in (got - want).elements()]


FIELDS = {"strategies": strategy_differences, "programs": program_differences, "classes": class_differences,
          "indicators": indicator_differences, "budgets": budget_differences, "checks": check_differences}


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("stem,fmt", CASES, ids=[f"{s.split('-')[0]}.{f}" for s, f in CASES])
def test_sample_agrees_with_its_answer_key(records, stem, fmt, field):
    found = FIELDS[field](records[(stem, fmt)], _key(stem))
    gaps = PDF_GAPS.get((stem, field), {}) if fmt == "pdf" else {}
    unexplained = [d for d in found if d not in gaps]
    assert not unexplained, f"{stem}.{fmt} {field}:\n" + "\n".join(unexplained)
    assert set(gaps) <= set(found), f"listed PDF gaps that are gone (remove them): {set(gaps) - set(found)}"


@pytest.mark.parametrize("stem", STEMS)
def test_the_formats_give_the_same_facts(records, stem):
    """Apart from provenance, every format gives the same facts (the answer key is one for all)."""
    def facts(rec: PlanRecord) -> tuple:
        return (sorted(((p.code, _squash(p.name), p.department, p.is_new) for p in rec.programs), key=str),
                sorted(((b.year, b.amount_krw, b.fund_source or "") for b in rec.budgets), key=str),
                sorted(((t.year, t.value) for i in rec.indicators for t in i.targets), key=str),
                sorted(((c.kind, c.program_id, c.year, c.ok) for c in rec.checks), key=str))
    first = facts(records[(stem, "docx")])
    for fmt in FORMATS:
        assert facts(records[(stem, fmt)]) == first, f"{stem}.{fmt} differs from the DOCX"


def test_no_person_or_phone_is_a_department(records):
    for (stem, fmt), rec in records.items():
        for p in rec.programs:
            assert p.department and not re.search(r"\d{2,}-\d{3,}", p.department), (stem, fmt, p.code)
            assert p.department.endswith(("과", "소", "실", "단", "관")), (stem, fmt, p.code, p.department)


# --- in the database ----------------------------------------------------------------------------------

def _readme_query(title: str) -> str:
    """The SQL block that follows `title` in the README's example queries."""
    from conftest import ROOT
    text = (ROOT / "README.md").read_text(encoding="utf-8").split(title, 1)[1]
    return text.split("```sql", 1)[1].split("```", 1)[0]


@pytest.mark.parametrize("stem", STEMS)
def test_loaded_plan_answers_the_readme_query_of_spending_by_source(records, stem):
    from pipeline.load import DocumentRow, connect, load_document
    key = _key(stem)
    conn = connect(":memory:")
    load_document(conn, DocumentRow(doc_id="f" * 64, path=f"{stem}.hwpx", format="hwpx", status="ok"),
                  records[(stem, "hwpx")])
    conn.execute("UPDATE documents SET is_primary = 1")   # one copy: the run's works step would say so
    want: Counter = Counter()
    for b in key["budgets"]:
        for s in b["sources"]:
            want[(b["year"], s["source"], s["name"])] += s["krw"]
    rows = conn.execute(_readme_query("Spending by funding source"))
    got = {(year, source, name): krw for _, year, source, name, krw in rows}
    assert got == dict(want)
    by_class = conn.execute(_readme_query("Programs of a 6th-term plan by classification")).fetchall()
    assert sorted(r[1] for r in by_class) == sorted(p["code"] for p in key["programs"])
    classes = conn.execute("SELECT count(*), count(label) FROM program_classes").fetchone()
    assert classes == (6 * len(key["programs"]),) * 2
    failing = {(code or number, year) for code, number, year in conn.execute(
        "SELECT p.code, s.number, c.year FROM checks c LEFT JOIN programs p ON p.program_id = c.program_id "
        "LEFT JOIN strategies s ON s.strategy_id = c.strategy_id WHERE c.ok = 0")}
    assert failing == {(i["code"], i["year"]) for i in key["inconsistencies"]}
    targets = conn.execute("SELECT count(*) FROM indicator_targets WHERE table_id IS NULL").fetchone()[0]
    assert targets == 0   # every 6th-term target says where it is printed


# --- the new row and column kinds, and the forms, on small tables ------------------------------------

def _tables(*tables: tuple[int, list[str]]):
    """Tables from tab-separated rows with their header row count, read in order into facts."""
    from extractors.grid import spans_from_blank_headers
    from normalizers.tables.reader import TableInput, tables_to_plan
    inputs = [TableInput(spans_from_blank_headers([r.split("\t") for r in rows], header), f"t{i}", None)
              for i, (header, rows) in enumerate(tables, start=1)]
    return tables_to_plan(inputs)


MASTER = (2, ["사업번호\t사업명\t6기 (○,×)\t제3차 사회보장기본계획과의 연계성\t성과지표\t\t\t예산(백만원)\t\t",
              "\t\t\t\t성과지표명 (단위)\t’26년 목표\t’27년 목표\t2026년\t2027년\t2028년",
              "Ⅰ. 지역사회보장사업 전략체계\t\t\t\t\t\t\t\t\t",
              "사회보장 전략 1. 돌봄\t\t\t\t만족도(점)\t80\t81\t30\t40\t50",
              "Ⅰ-1-1\t(중점추진) 방문 돌봄\t○\t②\t이용자 수(명)\t/\t100\t/\t10\t20",
              "Ⅰ-1-2\t안부 살핌\t×\t②, ③\t대상 가구 수(가구)\t50\t60\t0\t0\t0",
              "Ⅰ-#-1\t○○○\t\t\t\t\t\t\t\t",
              "Ⅱ. 지역사회보장 발전 전략체계\t\t\t\t\t\t\t\t\t",
              "지역발전 전략 1. 급여 이용\t\t\t\t\t\t\t\t\t",
              "대표과업 2. 사각지대 발굴\t\t\t\t연계율(%)\t40\t전년 대비 5% 증가\t\t\t",
              "Ⅱ-1-2-1\t이웃 발굴단\t×\t③\t발굴 건수(건)\t90\t95\t20\t30\t30",
              "지역발전 전략 2. 담당인력 역량강화\t\t\t\t\t\t\t\t\t",     # no 대표과업 row
              "Ⅱ-2-1-1\t사례관리 교육\t×\t③\t이수율(%)\t80\t82\t5\t6\t7"])


def test_row_kinds_of_the_sixth_term_tables():
    from normalizers.tables.rows import StrategyRow, SubgroupRow, SystemRow, sixth_term_row, strip_priority_mark
    assert sixth_term_row("Ⅰ. 지역사회보장사업 전략체계") == SystemRow("I", "지역사회보장사업 전략체계")
    assert sixth_term_row("II. 지역사회보장 균형발전 전략체계") == SystemRow("II", "지역사회보장 균형발전 전략체계")
    assert sixth_term_row("사회보장 전략 2. 일과 배움") == StrategyRow("I-2", "일과 배움", "사회보장 전략 2", "I")
    assert sixth_term_row("균형발전 전략 3 거버넌스") == StrategyRow("II-3", "거버넌스", "균형발전 전략 3", "II")
    assert sixth_term_row("지역사회보장 발전 전략 4. 인프라").number == "II-4"
    assert sixth_term_row("대표과업 2. 사각지대 발굴") == SubgroupRow("2", "사각지대 발굴", "대표과업 2. 사각지대 발굴")
    assert sixth_term_row("사회보장 전략 #") is None and sixth_term_row("대표과업#. ○○○") is None
    assert strip_priority_mark("(중점추진) 방문 돌봄") == ("방문 돌봄", True)
    assert strip_priority_mark("방문 돌봄(중점추진)") == ("방문 돌봄(중점추진)", False)


def test_column_kinds_of_the_sixth_term_tables():
    from normalizers.tables.columns import path_to_role
    assert path_to_role(["6기 (○, ×)"], None).role == "is_new"
    assert path_to_role(["제3차 사회보 장기본 계획과 의 연계성"], None).role == "basic_plan"
    role = path_to_role(["세부 과업 영역 (①~⑬)"], None)
    assert (role.role, role.category) == ("class", "세부사업영역")
    assert path_to_role(["선정 기준"], None).role != "class"     # the card's 지원 대상 label, no code column


def test_master_table_rows():
    facts = _tables(MASTER)
    assert [(s.number, s.system, s.title) for s in facts.strategies] == [
        ("I-1", "I", "돌봄"), ("II-1", "II", "급여 이용"), ("II-2", "II", "담당인력 역량강화")]
    p = {x.code: x for x in facts.programs}
    assert set(p) == {"I-1-1", "I-1-2", "II-1-2-1", "II-2-1-1"}           # no placeholder, no 대표과업
    assert (p["II-2-1-1"].subgroup, p["II-2-1-1"].subgroup_name) == ("II-2-1", None)
    assert (p["I-1-1"].name, p["I-1-1"].is_priority, p["I-1-1"].is_new, p["I-1-1"].basic_plan_link) == (
        "방문 돌봄", True, True, "②")
    assert (p["I-1-2"].is_priority, p["I-1-2"].is_new, p["I-1-2"].is_non_budget) == (False, False, True)
    assert (p["II-1-2-1"].subgroup, p["II-1-2-1"].subgroup_name, p["II-1-2-1"].parent_id) == (
        "II-1-2", "사각지대 발굴", None)
    budgets = {(x.program_id and p_code(facts, x.program_id), x.year, x.kind, x.amount_krw) for x in facts.budgets}
    assert ("I-1-1", 2027, "planned", 10_000_000) in budgets and not any(b[3] == 0 for b in budgets)
    assert (None, 2026, "baseline", 30_000_000) in budgets                # the strategy row, ‘26 a baseline
    subgroup = next(i for i in facts.indicators if i.subgroup)
    assert (subgroup.subgroup, subgroup.program_id) == ("II-1-2", None)
    assert [(t.year, t.is_baseline, t.value, t.value_text) for t in subgroup.targets] == [
        (2026, True, 40.0, "40"), (2027, False, None, "전년 대비 5% 증가")]
    first = next(i for i in facts.indicators if i.program_id == p["I-1-1"].program_id)
    assert [t.year for t in first.targets] == [2027]                      # '/' is no value


def p_code(facts, program_id):
    return next(x.code for x in facts.programs if x.program_id == program_id)


def test_program_table_group_row_takes_its_code_from_the_programs_below():
    table = (2, ["과업 번호\t과업명\t과업 대상 (①~④)\t가구 유형 (①~⑫)\t성과지표\t성과목표\t",
                 "\t\t\t\t\t‘27\t‘28",
                 "대표과업1. 전달체계 조직과 운영\t\t\t\t상담 연계율(%)\t74.0%\t76.0%",
                 "Ⅱ-3-1-1\t찾아가는 상담\t②\t⑫\t상담 건수(건)\t6,000건\t6,200건",
                 "*작성 범례: 해당 영역별 가장 대표성 있는 1개의 번호만 기입\t\t\t\t\t\t"])
    facts = _tables(MASTER, table)       # the last strategy read is II-1: the code says II-3
    program = next(x for x in facts.programs if x.code == "II-3-1-1")
    assert [(c.category, c.code, c.label) for c in program.classes] == [("사업대상", "②", "개인 및 가구"),
                                                                        ("가구유형", "⑫", "해당없음")]
    group = next(i for i in facts.indicators if i.subgroup == "II-3-1")
    assert [(t.year, t.value) for t in group.targets] == [(2027, 74.0), (2028, 76.0)]
    own = next(i for i in facts.indicators if i.program_id == program.program_id)
    assert [t.value for t in own.targets] == [6000.0, 6200.0]            # '6,000건': the unit is the indicator's


CARD_TOP = (1, ["구 분\t\t주요 내용\t\t\t\t",
                "사업(과업)명\t\t사업(과업)번호\t세부사업(과업)명\t\t6기 신규 사업 여부\t",
                "\t\tⅠ-1-1\t방문 돌봄\t\t○\t",
                "사업(과업) 소관\t\t담당과\t담당팀\t담당자\t연락처\t",
                "\t\t통합돌봄과\t돌봄팀\t홍길동\t02-0000-0000\t",
                "사업비 (단위: 백만원)\t재원구성(비중)\t2026년\t2027년\t2028년\t\t"])
CARD_REST = (0, ["\t계(①+②+③)\t\t/\t-\t100\t(100%)\t105\t(100%)",        # another grid, on the next page
                 "\t지 방 비\t소계(①+②)\t/\t-\t70\t(70%)\t70\t(70%)",
                 "\t\t①시･도비\t/\t-\t30\t(30%)\t30\t(30%)",
                 "\t\t②시ㆍ군ㆍ구비\t/\t-\t40\t(40%)\t40\t(35%)",
                 "\t③기타 (사회복지공동모금회)\t\t/\t-\t30\t(30%)\t30\t(30%)",
                 "성과 지표\t성과지표명\t\t이용자 수(명)\t\t\t\t\t",
                 "\t연도별 목표\t\t2026년\t2027년\t2028년\t\t\t",
                 "\t\t\t/\t연 100명\t연 110명\t\t\t"])


def test_a_card_crossing_a_page_is_read_as_one():
    facts = _tables(CARD_TOP, CARD_REST)
    assert facts.forms == {"t1": "card", "t2": "card"}
    (p,) = facts.programs
    assert (p.code, p.name, p.department, p.team, p.is_new, p.is_non_budget) == (
        "I-1-1", "방문 돌봄", "통합돌봄과", "돌봄팀", True, False)
    rows = {(b.year, b.fund_source, b.fund_name, b.amount_krw, b.share_pct) for b in facts.budgets}
    assert rows == {(2027, None, None, 100_000_000, 100.0), (2028, None, None, 105_000_000, 100.0),
                    (2027, "시도비", None, 30_000_000, 30.0), (2028, "시도비", None, 30_000_000, 30.0),
                    (2027, "시군구비", None, 40_000_000, 40.0), (2028, "시군구비", None, 40_000_000, 35.0),
                    (2027, "기타", "사회복지공동모금회", 30_000_000, 30.0),
                    (2028, "기타", "사회복지공동모금회", 30_000_000, 30.0)}
    totals = {b.budget_id: b for b in facts.budgets if b.fund_source is None}
    assert all(totals[b.parent_budget_id].year == b.year for b in facts.budgets if b.fund_source)
    failing = sorted((c.kind, c.year) for c in facts.checks if not c.ok)
    assert failing == [("fund_share", 2028), ("fund_total", 2028)]      # 105 ≠ 30 + 40 + 30; 30 + 35 + 30 ≠ 100
    (indicator,) = facts.indicators
    assert [(t.year, t.value) for t in indicator.targets] == [(2027, 100.0), (2028, 110.0)]


def test_a_table_after_a_closed_card_is_no_part_of_it():
    from extractors.grid import spans_from_blank_headers
    from normalizers.tables.forms import table_form, table_to_form_rows
    rest = spans_from_blank_headers([r.split("\t") for r in CARD_REST[1]], 0)
    assert table_form(table_to_form_rows(rest, "t9"), open_card=True) == "card_part"
    assert table_form(table_to_form_rows(rest, "t9"), open_card=False) is None


def test_shares_within_printed_rounding_pass():
    from normalizers.tables.forms import BudgetLine, Value
    from normalizers.tables.template import card_checks

    def v(text):
        return Value(text, "t1", 0, 0, None)
    lines = (BudgetLine("total", "계(①+②+③)", None, None, ((2027, v("90"), v("(100%)")),)),
             BudgetLine("fund", "①시·도비", "시도비", None, ((2027, v("30"), v("(33%)")),)),
             BudgetLine("fund", "②시·군·구비", "시군구비", None, ((2027, v("30"), v("(33%)")),)),
             BudgetLine("fund", "③기타", "기타", None, ((2027, v("30"), v("(33%)")),)))
    assert [(c.kind, c.ok) for c in card_checks(lines, "백만원", "p1")] == [("fund_total", True), ("fund_share", True)]


def test_one_unit_off_in_a_form_is_reported():
    """The template's figures are written as the parts they add up: 1 백만원 off is an inconsistency, not
    rounding (card 계 and 소계, master table against card, strategy row against its programs)."""
    master = (2, ["사업번호\t사업명\t6기 (○,×)\t성과지표\t\t예산(백만원)\t",
                  "\t\t\t성과지표명 (단위)\t’27년 목표\t2027년\t2028년",
                  "사회보장 전략 1. 돌봄\t\t\t\t\t101\t104",
                  "Ⅰ-1-1\t방문 돌봄\t○\t이용자 수(명)\t100\t101\t105"])
    rest = (0, ["\t계(①+②+③)\t\t/\t-\t100\t(100%)\t106\t(100%)",
                "\t지 방 비\t소계(①+②)\t/\t-\t71\t(70%)\t75\t(70%)",
                "\t\t①시･도비\t/\t-\t30\t(30%)\t30\t(30%)",
                "\t\t②시ㆍ군ㆍ구비\t/\t-\t40\t(40%)\t45\t(40%)",
                "\t③기타 (사회복지공동모금회)\t\t/\t-\t30\t(30%)\t30\t(30%)"])
    from normalizers.tables.checks import facts_to_checks

    failing = sorted((c.kind, c.year) for c in facts_to_checks(_tables(master, CARD_TOP, rest)) if not c.ok)
    assert failing == [("cross_form", 2027), ("cross_form", 2028), ("fund_total", 2028), ("strategy_total", 2028),
                       ("subtotal", 2027)]


def test_one_budget_and_one_indicator_when_two_forms_print_them():
    master = (2, ["사업번호\t사업명\t6기 (○,×)\t성과지표\t\t예산(백만원)\t",
                  "\t\t\t성과지표명 (단위)\t’27년 목표\t2027년\t2028년",
                  "사회보장 전략 1. 돌봄\t\t\t\t\t\t",
                  "Ⅰ-1-1\t방문 돌봄\t○\t이용자 수(명)\t100\t100\t110"])
    facts = _tables(master, CARD_TOP, CARD_REST)
    totals = [b for b in facts.budgets if b.fund_source is None and b.program_id]
    assert sorted((b.year, b.amount_krw, b.table_id) for b in totals) == [(2027, 100_000_000, "t3"),
                                                                          (2028, 105_000_000, "t3")]
    cross = sorted((c.year, c.ok) for c in facts.checks if c.kind == "cross_form")
    assert cross == [(2027, True), (2027, True), (2028, False)]           # 2027 budget and target; 2028 110 ≠ 105
    (indicator,) = facts.indicators
    assert [(t.year, t.value, t.table_id) for t in indicator.targets] == [(2027, 100.0, "t3"), (2028, 110.0, "t3")]


def test_targets_printed_off_their_year_columns_take_the_years_in_order():
    """The template's 세부사업 table prints ‘29 and ‘30 over merged columns: data at c6 and c8, labels at c5 and c7."""
    from extractors.document import Cell, Table
    from normalizers.tables.reader import TableInput, tables_to_plan
    header = [(0, 0, "사업 번호"), (0, 1, "사업명"), (0, 2, "사업 대상 (①~④)"), (0, 3, "성과지표"), (0, 4, "성과목표"),
              (1, 4, "‘27"), (1, 5, "‘28"), (1, 6, "‘29"), (1, 7, "‘30")]
    body = [(2, 0, "Ⅰ-1-1"), (2, 1, "방문 돌봄"), (2, 2, "②"), (2, 3, "이용자 수(명)"), (2, 4, "100명"), (2, 5, "110명"),
            (2, 6, ""), (2, 7, "120명"), (2, 8, "130명")]
    cells = tuple(Cell(r, c, t, is_header=r < 2, row_span=2 if r == 0 and c < 4 else 1, col_span=5 if (r, c) == (0, 4)
                       else 1) for r, c, t in header + body if t)
    facts = tables_to_plan([TableInput(Table(cells, 3, 9, header_rows=2), "t1", None)])
    (indicator,) = facts.indicators
    assert [(t.year, t.value) for t in indicator.targets] == [(2027, 100.0), (2028, 110.0), (2029, 120.0),
                                                             (2030, 130.0)]


def test_a_year_budgeted_in_one_form_only_and_a_renamed_indicator_fail():
    master = (2, ["사업번호\t사업명\t6기 (○,×)\t성과지표\t\t예산(백만원)\t",
                  "\t\t\t성과지표명 (단위)\t’27년 목표\t2027년\t2028년",
                  "사회보장 전략 1. 돌봄\t\t\t\t\t\t",
                  "Ⅰ-1-1\t방문 돌봄\t○\t방문 이용자 수(명)\t100\t100\t/"])
    facts = _tables(master, CARD_TOP, CARD_REST)
    failing = sorted(((c.year, c.note.split(":")[0]) for c in facts.checks if not c.ok and c.kind == "cross_form"),
                     key=str)
    assert failing == [(2028, "card 계 105 but no budget in the master table (2028)"), (None, "indicator name")]
    (indicator,) = facts.indicators                                      # one indicator: the card's name
    assert indicator.name == "이용자 수"


def test_the_generator_remakes_the_committed_samples_byte_for_byte(monkeypatch):
    """`samples/make_sixth_term.py` is how the 6th-term samples were made: it must still make them (HWPX,
    HTML and the answer keys; python-docx takes half a minute per DOCX, so those are left to `make samples`)."""
    import importlib.util
    import sys

    monkeypatch.syspath_prepend(str(SAMPLES))
    spec = importlib.util.spec_from_file_location("make_sixth_term", SAMPLES / "make_sixth_term.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_sixth_term", module)
    spec.loader.exec_module(module)
    for plan in module.PLANS:
        items = module.plan_items(plan)
        for fmt in ("hwpx", "html"):
            made = module.WRITERS[fmt](plan, items)
            assert made == (SAMPLES / f"{plan.stem}.{fmt}").read_bytes(), f"{plan.stem}.{fmt} differs"
        key = json.loads((SAMPLES / f"{plan.stem}.expected.json").read_text(encoding="utf-8"))
        assert key == json.loads(json.dumps(module.expected(plan), ensure_ascii=False))


def test_a_si_do_plan_on_the_template_reads_like_a_si_gun_gu_plan(tmp_path):
    """A 시·도 publishes its 6th-term plan on the same template: the 강서구 sample retitled as
    서울특별시's gives the 시·도 as issuer and the same strategies, programs, budgets and checks."""
    source = SAMPLES / "gangseo-2027-sixth-term-plan.html"
    text = source.read_bytes().decode("cp949")
    retitled = text.replace("서울특별시 강서구", "서울특별시").replace("강서구청", "서울특별시청").replace("강서구", "서울특별시")
    path = tmp_path / "seoul-2027-sixth-term-plan.html"
    path.write_bytes(retitled.encode("cp949"))
    base, plan = normalise(extract(source)), normalise(extract(path))
    assert (plan.meta.region_code, plan.meta.region_name, plan.meta.plan_term) == ("11", "서울특별시", 6)
    assert (plan.meta.period_start, plan.meta.period_end) == (2027, 2030)
    assert [(p.code, p.name, p.department) for p in plan.programs] == \
        [(p.code, p.name, p.department.replace("강서구", "서울특별시") if p.department else None) for p in base.programs]
    assert [(b.year, b.fund_source, b.amount_krw) for b in plan.budgets] == \
        [(b.year, b.fund_source, b.amount_krw) for b in base.budgets]
    assert sorted((c.kind, c.year) for c in plan.checks if not c.ok) == \
        sorted((c.kind, c.year) for c in base.checks if not c.ok)
