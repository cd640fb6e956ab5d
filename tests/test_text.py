"""Text extractor: encodings, bad input, headings, lists, tables with merged headers, stitching."""
from __future__ import annotations

import codecs

import pytest

from extractors.document import ExtractError, Heading, ListItem, Paragraph, Table
from extractors.text.reader import bytes_to_text, extract

PLAN = "# 제5기 ○○군 지역사회보장계획\n\nⅠ. 개요\n\n- 첫째 항목\n  - 둘째 항목\n"


def test_detects_utf8_and_bom():
    assert bytes_to_text("가나다".encode()) == ("가나다", "utf-8")
    assert bytes_to_text(codecs.BOM_UTF8 + "가나다".encode()) == ("가나다", "utf-8-sig")


def test_detects_cp949():
    text, enc = bytes_to_text("지역사회보장계획 예산(백만원)".encode("cp949"))
    assert (text, enc) == ("지역사회보장계획 예산(백만원)", "cp949")


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)])
def test_detects_utf16_with_and_without_bom(codec, bom):
    raw = "사회보장 계획\tabc\n".encode(codec)
    assert bytes_to_text(bom + raw) == ("사회보장 계획\tabc\n", codec)
    assert bytes_to_text(raw) == ("사회보장 계획\tabc\n", codec)


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (bytes(range(256)) * 8, "binary"),
    (b"\x00\x01\x02\x03garbage\x00\xff", "binary"),
    (b"\xc3\x28\xa0\xa1\xff\xff abc", "cannot decode"),
    (b"\xff\xfe" + bytes(range(32, 256)) * 4, "cannot decode"),
])
def test_bad_input_is_a_specific_error(data, reason):
    with pytest.raises(ExtractError, match=reason):
        bytes_to_text(data)


def test_unreadable_file_is_an_extract_error(tmp_path):
    with pytest.raises(ExtractError, match="cannot read"):
        extract(tmp_path / "missing.txt")


def test_headings_lists_paragraphs(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(PLAN, encoding="utf-8")
    blocks = extract(path).blocks
    assert blocks[0] == Heading(level=1, title="제5기 ○○군 지역사회보장계획", source=blocks[0].source)
    assert isinstance(blocks[1], Paragraph) and blocks[1].text == "Ⅰ. 개요"
    assert [(b.text, b.depth) for b in blocks[2:]] == [("첫째 항목", 0), ("둘째 항목", 1)]
    assert all(isinstance(b, ListItem) for b in blocks[2:])
    assert blocks[1].source.line == 3


def test_final_line_without_newline_is_kept(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("사업명\t2019\n계\t1,000\n마지막 사업\t20", encoding="utf-8")
    table = extract(path).tables()[0]
    assert table.rows_text()[-1] == ["마지막 사업", "20"]


def test_two_row_header_becomes_merged_cells(tmp_path):
    rows = ["구분\t성과지표\t목표수준\t\t\t예산(백만원)\t\t",
            "\t\t2018 현재\t2019\t2020\t2018 현재\t2019\t2020",
            "세부사업 1-1 돌봄\t■ 이용률(%)\t90\t91\t92\t100\t110\t120"]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(rows), encoding="utf-8")
    table = extract(path).tables()[0]
    assert table.header_rows == 2
    spans = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in table.cells if c.is_header}
    assert spans["구분"] == (0, 0, 2, 1)
    assert spans["목표수준"] == (0, 2, 1, 3)
    assert spans["예산(백만원)"] == (0, 5, 1, 3)
    assert table.grid()[1][3].text == "2019"
    assert [c.text for c in table.cells if c.row == 2][:2] == ["세부사업 1-1 돌봄", "■ 이용률(%)"]


def test_html_fragments_in_cells_become_text(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text('구분\t검토\t해당 없음\n<b>정책</b>\t<p>◆ 검토?</p> <p>- 현황</p>\t<input type="checkbox"/>\n',
                    encoding="utf-8")
    assert extract(path).tables()[0].rows_text()[1] == ["정책", "◆ 검토? - 현황", "☐"]


def test_chunk_repeating_the_header_is_stitched(tmp_path):
    head = "사업명\t예산\t\n\t2019\t2020"
    path = tmp_path / "t.txt"
    path.write_text(f"{head}\n가 사업\t1\t2\n\n{head}\n나 사업\t3\t4\n", encoding="utf-8")
    tables = extract(path).tables()
    assert len(tables) == 1
    assert [r[0] for r in tables[0].rows_text()] == ["사업명", "", "가 사업", "나 사업"]


def test_pipe_table_and_unit_line(tmp_path):
    path = tmp_path / "t.md"
    path.write_text("(단위 : 천원)\n\n| 사업 | 2024 예산 |\n|---|---|\n| 돌봄 | 1,000 |\n", encoding="utf-8")
    table = extract(path).tables()[0]
    assert (table.header_rows, table.unit_hint) == (1, "(단위 : 천원)")
    assert table.rows_text() == [["사업", "2024 예산"], ["돌봄", "1,000"]]


def test_cp949_copy_gives_the_same_document(tmp_path):
    text = PLAN + "사업명\t2019\n돌봄\t10\n"
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(text, encoding="utf-8")
    b.write_bytes(text.encode("cp949"))
    da, db = extract(a), extract(b)
    assert (da.encoding, db.encoding) == ("utf-8", "cp949")
    assert da.blocks == db.blocks
    assert isinstance(db.blocks[-1], Table)


def test_a_few_stray_nul_bytes_are_removed_with_an_issue(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("암호모듈 구현안내서\n".encode() + b"\x00" * 3 + "본문".encode() + b" " * 400)
    doc = extract(path)
    assert [i.code for i in doc.issues] == ["nul-bytes"]
    assert doc.blocks[1].text == "본문"


# The search-form rules (normalizers/rules/search.toml) are checked with every other rule file in
# tests/test_rules.py (examples give their expected search form; examples are sample text).


def test_search_form_joins_letter_spacing_and_keeps_ordinary_text():
    from normalizers.text import search_form, search_text_of

    assert search_form("금 융 보 험 업 현황") == "금융보험업 현황"
    assert search_form("가 나") == "가 나"  # two letters are not a spaced word
    assert search_text_of("추진 배경", "지역사회보장계획 수립") is None  # stored once: search sees it as printed
    assert search_text_of("수어ᆞ점자", "") == "수어·점자"
    assert search_text_of("추진 배경", "돌봄 확대\n수어ᆞ점자 보급\n금 융 지 원 연계") == "수어·점자 보급\n금융지원 연계"


def test_utf8_with_a_cp949_line_or_a_bad_byte_is_read_with_an_encoding_defect(tmp_path):
    lines = ["제5기 지역사회보장계획", "추진전략 1 돌봄", "세부사업 1-1 방문 돌봄", "세부사업 1-2 긴급 돌봄", "비 고"] * 3
    body = "\n".join(lines).encode()
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(body + b"\n" + "사업비 증액 편성".encode("cp949") + b"\n")
    doc = extract(mixed)
    assert doc.encoding == "utf-8" and "사업비 증액 편성" in [b.text for b in doc.blocks if hasattr(b, "text")]
    assert [(i.code, i.message) for i in doc.issues] == [
        ("encoding-defect", "UTF-8 text with defects: line(s) 16 read as CP949")]
    lone = tmp_path / "lone.txt"
    lone.write_bytes(body + b"\n\xed\xa0\x80 surrogate\n")
    assert [i.message for i in extract(lone).issues] == [
        "UTF-8 text with defects: undecodable bytes on line(s) 16 replaced by U+FFFD"]
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\xc3\x28\xa0\xa1 abc\n" * 5)
    with pytest.raises(ExtractError, match="cannot decode text"):
        extract(broken)
