"""Heading tree from printed Korean numbering, and every heading rule's example."""
from __future__ import annotations

import re

import pytest

from extractors.document import Document, Heading, Paragraph, Source
from normalizers import rules
from normalizers.sections import document_to_sections, is_title_like, kind_of


def _doc(*lines: str, marked: dict[int, int] | None = None) -> Document:
    blocks = []
    for i, line in enumerate(lines, start=1):
        if marked and i in marked:
            blocks.append(Heading(level=marked[i], title=line, source=Source(line=i)))
        else:
            blocks.append(Paragraph(text=line, source=Source(line=i)))
    return Document(path="t.txt", format="txt", blocks=tuple(blocks))


def _tree(doc):
    return [(s.level, s.number, s.title) for s in document_to_sections(doc).sections]


@pytest.mark.parametrize("numbers", [
    ("Ⅰ.", "1.", "가.", "1)", "가)", "(1)", "(가)", "①"),
    ("I.", "1)", "(1)", "①", "가.", "□"),
    ("제1장", "1.", "(1)"),
])
def test_each_new_marker_type_nests_one_level_deeper(numbers):
    lines = [f"{n} 세부 내용" for n in numbers]
    tree = _tree(_doc(*lines))
    assert [level for level, _, _ in tree] == list(range(1, len(numbers) + 1))


def test_returning_marker_closes_deeper_levels():
    tree = _tree(_doc("Ⅰ. 개요", "1. 배경", "가. 현황", "2. 목적", "Ⅱ. 전략", "1. 비전"))
    assert [(lvl, num) for lvl, num, _ in tree] == [(1, "Ⅰ"), (2, "1"), (3, "가"), (2, "2"), (1, "Ⅱ"), (2, "1")]


def test_marked_up_headings_keep_their_level_and_numbered_lines_nest_below():
    doc = _doc("계획 요약", "1) 추진 체계", "(1) 협의체 구성", "○ 위원 30명으로 구성한다.", marked={1: 1, 2: 2})
    assert _tree(doc) == [(1, None, "계획 요약"), (2, "1", "추진 체계"), (3, "(1)", "협의체 구성")]
    tree = document_to_sections(doc)
    assert tree.sections[-1].text == "○ 위원 30명으로 구성한다."
    assert tree.block_sections[-1] == tree.sections[-1].section_id and tree.block_offsets[-1] == 0


@pytest.mark.parametrize("line", [
    "1. 지역사회보장협의체를 통해 위기가구를 발굴하고 서비스를 연계한다.",
    "○ 추진 배경",
    "- 1인 노인가구 8,214가구",
    "2. 지역문제에 대한 주민결정권 강화 ····· 7",
    "2018. 12.",
    "1.5톤급 발사체",
])
def test_sentences_bullets_toc_and_dates_are_not_headings(line):
    assert _tree(_doc("Ⅰ. 개요", line))[1:] == []


def test_title_like():
    assert is_title_like("계획 수립 개요") and not is_title_like("계획을 수립하였다.")
    assert re.search("strategy", kind_of("Ⅱ. 비전 및 추진전략") or "")


def test_text_before_first_heading_gets_a_front_section():
    tree = document_to_sections(_doc("2023. 2.", "Ⅰ. 개요"))
    assert tree.sections[0].section_id == "s0" and tree.block_sections == ("s0", "s1")


def test_a_part_marker_alone_takes_the_next_line_as_its_title():
    tree = document_to_sections(_doc("PARTⅠ- 1", "인천형 지역사회보장협의체 활성화", "사업 목적 및 추진근거",
                                     "Ÿ 협의체 활성화를 통한 자원 발굴"))
    first = tree.sections[0]
    assert (first.number, first.title) == ("Ⅰ- 1", "인천형 지역사회보장협의체 활성화")
    assert tree.block_offsets[:2] == (None, None) and tree.block_sections[1] == first.section_id


def test_block_offsets_index_the_section_text():
    tree = document_to_sections(_doc("Ⅰ. 개요", "첫 문단입니다.", "둘째 문단에 998백만원."))
    text = tree.sections[0].text
    assert text[tree.block_offsets[2]:].startswith("둘째 문단")


def _toc_doc(*blocks: tuple[str, int | None, int | None]) -> Document:
    """Blocks as (text, heading level or None, page or None)."""
    out = []
    for i, (text, level, page) in enumerate(blocks, start=1):
        source = Source(page=page, line=i)
        out.append(Heading(level=level, title=text, source=source) if level else Paragraph(text=text, source=source))
    return Document(path="t.pdf", format="pdf", blocks=tuple(out))


def _parents(tree) -> dict[str, str | None]:
    by_id = {s.section_id: s for s in tree.sections}
    return {s.title: (by_id[s.parent_id].title if s.parent_id else None) for s in tree.sections}


def test_table_of_contents_is_not_the_parent_of_the_chapters_and_its_entries_are_not_headings():
    toc = rules.headings().toc_title
    assert toc.pattern.match(toc.example)
    doc = _toc_doc(("2025년 순천시 지역사회보장 연차별 시행계획", 1, 1), ("[ 목 차 ]", 2, 2),
                   ("Ⅰ. 추진 개요 ··········· 1", 3, 2), ("Ⅱ. 세부사업", 3, 2), ("1. 돌봄 ······ 3", None, 2),
                   ("Ⅰ. 추진 개요", 3, 3), ("□ 추진 배경", None, 3), ("Ⅱ. 세부사업", 3, 4))
    tree = document_to_sections(doc)
    assert [s.title for s in tree.sections] == ["2025년 순천시 지역사회보장 연차별 시행계획", "[ 목 차 ]", "추진 개요",
                                                 "추진 배경", "세부사업"]
    parents = _parents(tree)
    assert parents["추진 개요"] == parents["세부사업"] == "2025년 순천시 지역사회보장 연차별 시행계획"
    assert tree.sections[1].text.splitlines() == ["Ⅰ. 추진 개요 ··········· 1", "Ⅱ. 세부사업", "1. 돌봄 ······ 3"]


def test_table_of_contents_ends_at_a_new_page_or_at_a_repeated_entry_without_pages():
    on_pages = _toc_doc(("목차", 1, 1), ("1. 개요 ···· 2", None, 1), ("제1장 계획의 개요", 1, 2))
    assert [s.title for s in document_to_sections(on_pages).sections] == ["목차", "계획의 개요"]
    no_pages = _toc_doc(("차 례", 1, None), ("Ⅰ. 개요 ···· 2", None, None), ("Ⅱ. 전략 ···· 5", None, None),
                        ("Ⅰ. 개요", None, None), ("Ⅱ. 전략", None, None))
    tree = document_to_sections(no_pages)
    assert [s.title for s in tree.sections] == ["차 례", "개요", "전략"]
    assert all(s.parent_id is None for s in tree.sections)
    prose = _toc_doc(("CONTENTS", 1, None), ("Ⅰ. 개요 ···· 2", None, None),
                     ("이 계획은 지역사회보장에 관한 법률에 따라 4년마다 수립하는 법정계획으로서 군의 복지 방향을 담는다.", None, None))
    contents = {sec.title: sec.text for sec in document_to_sections(prose).sections}
    assert contents["CONTENTS"] == "Ⅰ. 개요 ···· 2" and contents[""].startswith("이 계획은")
