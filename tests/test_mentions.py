"""Mentions in running text (textfacts.mentions, .entities, the spaCy adapter .nlp) and the text facts of seed 004 against gold."""
from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, shared_path

from extractors import extract as extract_any
from extractors.document import Document, Heading, ListItem, Paragraph, table_from_rows
from extractors.text.reader import extract
from normalizers.plan import normalise
from normalizers.record import Meta
from normalizers.sections import document_to_sections
from normalizers.textfacts.entities import LABELS, entities_by_text, find_entities, text_chunks
from normalizers.textfacts.mentions import text_to_mentions
from normalizers.textfacts.nlp import doc_to_entities, get_nlp
from normalizers.textfacts.reader import document_to_text_facts


def facts_of(path: Path, meta: Meta):
    doc = extract(path)
    tree = document_to_sections(doc)
    return tree.sections, document_to_text_facts(doc, tree, meta)


def test_text_to_mentions():
    text = " - (예산) 1기, '20~23년, 총 85.6억 원(4년간 지역당 10.7억 원, 시도비 포함)"
    found = text_to_mentions(text, section_id="s4", line=83, id_prefix="x")
    assert [(m.mention_id, m.kind, m.text, m.value, m.unit, m.amount_krw) for m in found] == [
        ("x1", "date", "'20~23년", 2020.0, "period", None),
        ("x2", "money", "85.6억 원", 85.6, "억원", 8_560_000_000),
        ("x3", "money", "10.7억 원", 10.7, "억원", 1_070_000_000)]
    assert [(m.char_start, m.char_end) for m in found[1:]] == [(23, 30), (39, 46)]   # gold/004 columns
    assert {m.line for m in found} == {83} and {m.section_id for m in found} == {"s4"}


def test_breakdown_mentions_carry_fund_sources():
    found = text_to_mentions("Ÿ 사 업 비: 26,873백만원(국비 19,544, 시비 2,443, 군･구비 2,443)\n2행 94.4%", line=250)
    assert [(m.text, m.amount_krw, m.fund_source) for m in found if m.kind == "money"] == [
        ("26,873백만원", 26_873_000_000, None), ("국비 19,544", 19_544_000_000, "국비"),
        ("시비 2,443", 2_443_000_000, "시비"), ("군･구비 2,443", 2_443_000_000, "군·구비")]
    assert found[-1].kind == "percent" and found[-1].line == 251


def test_entities_carry_typed_values():
    text = "마포구의 지역복지과에서  998백만원(시 503, 군구 495)을 2023년에 94.4% 집행, 13명"
    found = find_entities(text)
    assert [(e.label, text[e.start:e.end]) for e in found] == [
        ("REGION", "마포구"), ("ORG", "지역복지과"), ("MONEY", "998백만원"), ("MONEY", "시 503"),
        ("MONEY", "군구 495"), ("DATE", "2023년"), ("PERCENT", "94.4%"), ("COUNT", "13명")]
    assert found[0].region.code_today == "11440" and found[3].fund_source == "시비"
    assert found[4].part_of == found[2].start and found[2].amount_krw == 998_000_000


def test_spacy_adapter_gives_the_same_entities_as_spans():
    text = "마포구의 지역복지과에서  998백만원(시 503, 군구 495)을 2023년에 94.4% 집행, 13명"
    doc = get_nlp()(text)
    assert doc.text == text
    assert [(s.label_, s.start_char, s.end_char) for s in doc.ents] == [
        (e.label, e.start, e.end) for e in find_entities(text)]
    assert doc_to_entities(doc) == find_entities(text)
    assert doc.ents[0]._.entity.region.code_today == "11440"


def test_entities_never_overlap_or_touch_whitespace():
    text = shared_path("seeds", "003_36d7a86073e0eb52.txt").read_text(encoding="utf-8")
    entities = find_entities(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(entities))
    assert all(text[e.start:e.end] == text[e.start:e.end].strip() for e in entities)
    assert set(LABELS) == {e.label for e in entities}


def test_entities_by_text_keeps_offsets_local():
    texts = ["총 5억원", "", "부산 북구 2회", "998백만원(시 503, 군구 495)"]
    out = entities_by_text(texts)
    assert [[(e.label, e.start, e.end) for e in ents] for ents in out] == [
        [("MONEY", 2, 5)], [], [("REGION", 0, 5), ("COUNT", 6, 8)],
        [("MONEY", 0, 6), ("MONEY", 7, 12), ("MONEY", 14, 20)]]
    assert out[3][1].part_of == 0


def test_texts_are_read_in_bounded_chunks_with_the_same_entities():
    texts = [f"{i}번째 사업 총 {i}억원, 참여 {i}명" for i in range(1, 400)]
    chunks = text_chunks(texts, limit=1000)
    assert len(chunks) > 10 and [i for r in chunks for i in r] == list(range(len(texts)))
    assert all(sum(len(texts[i]) + 3 for i in r) <= 1000 + 3 + len(texts[r[-1]]) for r in chunks)
    assert text_chunks(["x" * 5000, "y"], limit=1000) == [range(0, 1), range(1, 2)]
    assert entities_by_text(texts) == [find_entities(t) for t in texts]


def test_normalising_does_not_import_spacy():
    """spaCy is an adapter at the edge: a batch run never pays for importing it."""
    code = ("import sys; from extractors import extract; from normalizers.plan import normalise; "
            f"normalise(extract({str(SAMPLES / 'press-release-2024-special-zones.txt')!r})); "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- seed 004 against gold/004 ------------------------------------------------------------------

def norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_seed_004_mentions_and_participants_match_gold():
    gold = json.loads(shared_path("gold", "004_4de511cd5770a259.json").read_text(encoding="utf-8"))
    _, facts = facts_of(shared_path("seeds", "004_4de511cd5770a259.txt"), Meta(doc_type="press_release"))
    want = Counter((norm(m["text"]), m["amount_krw"]) for m in gold["mentions"])
    got = Counter((norm(m.text), m.amount_krw) for m in facts.mentions if m.kind == "money")
    assert want <= got
    assert [(t, a) for t, a in got if t in {t for t, _ in want} and (t, a) not in want] == []  # scored as wrong
    subjects = {r.region_code: r for r in facts.doc_regions if r.role == "subject"}
    assert set(subjects) == {p["region_code"] for p in gold["participants"]}
    for p in gold["participants"]:   # the year comes from the text: 6월 23일(금) is in 2023
        issued = p["code_at_publication"] if p["code_at_publication"] != p["region_code"] else None
        assert subjects[p["region_code"]].region_code_issued == issued
        assert subjects[p["region_code"]].region_name == p["name_printed"]


def test_mention_offsets_index_section_text():
    sections, facts = facts_of(SAMPLES / "press-release-2024-special-zones.txt", Meta(doc_type="press_release"))
    text = {s.section_id: s.text for s in sections}
    assert facts.mentions and all(text[m.section_id][m.char_start:m.char_end] == m.text for m in facts.mentions)


def test_offsets_of_list_items_and_prose_cells_index_section_text():
    table = table_from_rows([["구분", "내용"], ["마포구", "지역복지과에서 998백만원(시 503, 군구 495)을 집행"],
                             ["예산", "12,000"]], header_rows=1)
    doc = Document("x.txt", "txt", (Heading(1, "Ⅰ. 추진 현황"), Paragraph("총 사업비 5억원"), table,
                                    ListItem("참여 13명", depth=1)))
    tree = document_to_sections(doc)
    sections = tree.sections
    facts = document_to_text_facts(doc, tree, Meta())
    text = {s.section_id: s.text for s in sections}
    assert [m.text for m in facts.mentions] == ["5억원", "998백만원", "시 503", "군구 495", "13명"]
    assert all(text[m.section_id][m.char_start:m.char_end] == m.text for m in facts.mentions)


def test_press_release_sample():
    _, facts = facts_of(SAMPLES / "press-release-2024-special-zones.txt", Meta(doc_type="press_release"))
    regions = [(r.region_code, r.region_code_issued, r.region_name) for r in facts.doc_regions]
    assert regions == [("11500", None, "서울 강서구"), ("27720", None, "대구 군위군"), ("51190", None, "강원 태백시"),
                       ("52140", None, "전북 익산시"), ("12870", "46910", "전남 신안군"), ("48820", None, "경남 고성군")]
    money = [(m.text, m.amount_krw, m.fund_source) for m in facts.mentions if m.kind == "money"]
    assert money[:4] == [("16억 원", 1_600_000_000, None), ("96억 원", 9_600_000_000, None),
                         ("48억 원", 4_800_000_000, "국비"), ("48억 원", 4_800_000_000, "지방비")]
    (check,) = facts.checks
    assert (check.kind, check.expected, check.actual, check.ok) == ("breakdown_sum", 9.6e9, 9.6e9, True)


@pytest.mark.parametrize("stem", ["000_d3e728cd9afe89a4", "001_e1b135360abbaed1"])
def test_plans_without_money_in_text_give_no_money_mentions(stem):
    _, facts = facts_of(shared_path("seeds", f"{stem}.txt"), Meta(doc_type="plan"))
    assert [m for m in facts.mentions if m.kind == "money"] == []


# --- currencies and words that only look like money ----------------------------------------------

@pytest.mark.parametrize("text,currency,amount", [
    ("해외직접투자 150.9억 달러로 증가", "USD", 15_090_000_000), ("25억달러", "USD", 2_500_000_000),
    ("156억불 규모", "USD", 15_600_000_000), ("US$ 3.2억 투자", "USD", 320_000_000), ("$25 지원", "USD", 25),
    ("투자액 3.2억엔", "JPY", 320_000_000), ("기금 1,200만 유로", "EUR", 12_000_000)])
def test_foreign_currency_is_money_in_that_currency_never_won(text, currency, amount):
    (m,) = [m for m in text_to_mentions(text) if m.kind == "money"]
    assert (m.currency, m.currency_amount, m.amount_krw) == (currency, amount, None)


@pytest.mark.parametrize("text", ["20억 어절 규모의 말뭉치 구축", "인구 1억 명 돌파", "3천만 명이 이용"])
def test_counted_words_after_a_bare_magnitude_are_not_money(text):
    assert [m for m in text_to_mentions(text) if m.kind == "money"] == []


@pytest.mark.parametrize("text,krw", [("지원 예산 700억 확보", 70_000_000_000), ("96억 투자", 9_600_000_000)])
def test_a_bare_magnitude_is_money_in_a_money_context(text, krw):
    (m,) = [m for m in text_to_mentions(text) if m.kind == "money"]
    assert (m.amount_krw, m.currency) == (krw, "KRW")
    assert [m.kind for m in text_to_mentions("방문객 700억")] == []   # no money word: not money


def test_a_breakdown_whose_parts_miss_the_whole_is_a_failing_check():
    doc = Document("x.txt", "txt", (Paragraph("사업비 12.03억원(국비 2.15백만원, 도비 9.88백만원)"),))
    (check,) = [c for c in document_to_text_facts(doc, document_to_sections(doc), Meta()).checks if c.kind == "breakdown_sum"]
    assert (check.expected, check.actual, check.ok) == (1_203_000_000, 12_030_000, False)
    doc = Document("x.txt", "txt", (Paragraph("사업비 12.03억원(국비 2.15억원, 도비 9.88억원)"),))
    assert [c.ok for c in document_to_text_facts(doc, document_to_sections(doc), Meta()).checks if c.kind == "breakdown_sum"] == [True]


def test_corpus_foreign_currency_mentions_have_no_won():
    for name in ("hwpx/moef-ofdi-2024q1-press.hwpx", "hwp/moef-ofdi-2024q1-press.hwp"):
        record = normalise(extract_any(shared_path("corpus", *name.split("/"))))
        money = [m for m in record.mentions if m.kind == "money"]
        assert money and all(m.currency == "USD" and m.amount_krw is None for m in money), name


# --- a heading's budget over its sub-headings' budgets (issue 11) ---------------------------------

def heading_checks(*blocks) -> list:
    doc = Document("x.txt", "txt", tuple(Paragraph(b) if isinstance(b, str) else b for b in blocks))
    facts = document_to_text_facts(doc, document_to_sections(doc), Meta())
    return [c for c in facts.checks if c.kind == "breakdown_sum" and c.note.startswith("section")]


def program(whole: str, *parts: str) -> list:
    """A heading printing `whole`, with one □ sub-heading per part and a line of text under each."""
    blocks: list = [Heading(1, f"1. 국어 변화 관측 {whole}")]
    for n, part in enumerate(parts, start=1):
        blocks += [f"□ 세부 사업 {n} {part}".rstrip(), "ㅇ 조사 지점 확대 및 자료 구축"]
    return heading_checks(*blocks)


def test_a_heading_budget_is_checked_against_its_sub_heading_budgets():
    (check,) = program("(57억원)", "(30억원)", "(27억원)")
    assert (check.expected, check.actual, check.ok) == (5_700_000_000, 5_700_000_000, True)
    assert check.note == "section s1 57억원 (m1): s2 30억원 (m2), s3 27억원 (m3)"
    (check,) = program("(57억원)", "(30억원)", "(24억원)")
    assert (check.expected, check.actual, check.ok) == (5_700_000_000, 5_400_000_000, False)


def test_parts_in_the_wrong_unit_fail_and_rounding_passes():
    (check,) = program("(12.03억원)", "(2.15백만원)", "(9.88백만원)")
    assert (check.expected, check.actual, check.ok) == (1_203_000_000, 12_030_000, False)
    assert [c.ok for c in program("(12.5억원)", "(233백만원)", "(1,012백만원)")] == [True]   # 12.45 printed 12.5
    assert [c.ok for c in program("(12.5억원)", "(233백만원)", "(1,001백만원)")] == [False]  # 12.34: not rounding
    assert [c.ok for c in program("(12억원)", "(700백만원)", "(580백만원)")] == [True]     # 12.8 cut off to 12
    assert [c.ok for c in program("(12억원)", "(700백만원)", "(620백만원)")] == [False]    # 13.2: more than a unit
    assert [c.ok for c in program("(신규 5억원)", "(사업비: 2억원)", "(3억 원)")] == [True]


@pytest.mark.parametrize("whole,parts", [
    ("(57억원)", ("(30억원)",)),                     # one part: nothing to add up
    ("(57억원)", ("(30억원)", "")),                  # a sub-heading without a budget: maybe a part left unpriced
    ("(57억원)", ("(30억원)", "(국비 20억원, 시비 7억원)")),   # a part printing two amounts
    ("(3천만원 이상)", ("(1천만원)", "(2천만원)")),      # a threshold, not a budget
    ("(1인당 50만원)", ("(30만원)", "(20만원)")),       # a rate per person
    ("(’22년 57억원)", ("(30억원)", "(27억원)")),       # another figure beside the amount
    ("57억원 투입", ("(30억원)", "(27억원)")),           # not in the parentheses ending the title
    ("(150억 달러)", ("(100억 달러)", "(50억 달러)")),   # not won
])
def test_no_heading_check_unless_every_sub_heading_prints_one_budget(whole, parts):
    assert program(whole, *parts) == []


def test_a_budget_wrapped_to_the_line_under_its_heading_counts():
    (check,) = heading_checks(Heading(1, "1. 국어 변화 관측"), "(57억원)", "□ 말뭉치 구축(30억원)", "ㅇ 구축",
                              "□ 방언 조사(20억원)", "ㅇ 조사")
    assert (check.expected, check.actual, check.ok) == (5_700_000_000, 5_000_000_000, False)


def test_sample_heading_budgets_add_up():
    checks = normalise(extract_any(SAMPLES / "haenam-2025-implementation-plan-boxes.hwpx")).checks
    (check,) = [c for c in checks if c.note.startswith("section")]
    assert (check.kind, check.expected, check.actual, check.ok) == ("breakdown_sum", 1.2e9, 1.2e9, True)


@pytest.mark.parametrize("name", ["hwp/nikl-2022-work-plan.hwp", "pdf/nikl-2022-work-plan.hwp2022-win.pdf",
                                  "pdf/nikl-2022-work-plan.hancomviewer-macos.pdf"])
def test_corpus_heading_budget_over_parts_in_the_wrong_unit_fails_in_every_twin(name):
    record = normalise(extract_any(shared_path("corpus", *name.split("/"))))
    checks = {c.note.split(" (")[0].split(" ", 2)[2]: (c.expected, c.actual, c.ok) for c in record.checks
              if c.kind == "breakdown_sum" and c.note.startswith("section")}
    assert checks == {"57억원": (5.7e9, 5.767e9, True), "12.03억원": (1.203e9, 1.203e7, False),
                      "27.1억원": (2.71e9, 2.71e9, True), "12.5억원": (1.25e9, 1.245e9, True),
                      "36.39억원": (3.639e9, 3.639e9, True), "49억원": (4.9e9, 4.904e9, True)}
