"""HWP 5 extractor: the corpus against hwp5txt/hwp5html oracles, HWP/HWPX twins, refused input."""
from __future__ import annotations

import difflib
import shutil
import struct
from functools import cache
from pathlib import Path

import olefile
import pytest
from conftest import SAMPLES, SHARED, shared_path
from lxml import etree
from test_hwpx import anchors, document_text, squash

from extractors.document import Document, ExtractError, Heading, Paragraph, Table
from extractors.hancom import hwpx
from extractors.hancom.common import (
    HeadDefs,
    LevelFormat,
    Numberer,
    ParaFormat,
    attach_units,
    clean_text,
    format_number,
    outline_level,
)
from extractors.hancom.hwp import extract
from extractors.hancom.records import para_text_to_pieces, records_to_tree, stream_to_records

HWP_NAMES = sorted(p.name for p in (SHARED / "corpus" / "hwp").glob("*.hwp")) or ["(corpus missing)"]
DISTRIBUTION = "welfare-center-tender-2024.distribution.hwp"
TWINS = ["chart-exercise-tables", "moef-ofdi-2024q1-press", "moel-2025-work-report",
         "mois-gov-innovation-press-2025", "msit-nuri-press-2018", "school-club-forms-2026"]
"""Documents in the corpus both as .hwp and .hwpx (MANIFEST "same document in several formats")."""
ORACLE_PLACEHOLDERS = {"<표>", "<그림>"}
"""hwp5txt prints these instead of tables and pictures."""


@cache
def corpus_doc(name: str) -> Document:
    return extract(shared_path("corpus", "hwp", name))


def html_tables(path: Path) -> list[list[tuple]]:
    """hwp5html's tables in document order as sorted (row, col, row_span, col_span) anchors."""
    root = etree.parse(str(path), etree.HTMLParser()).getroot()
    return [_html_anchors(table) for table in root.iter("table")]


def _html_anchors(table) -> list[tuple]:
    taken: set[tuple[int, int]] = set()
    out = []
    for r, tr in enumerate(table.iterchildren("tr")):
        c = 0
        for td in tr.iterchildren("td", "th"):
            while (r, c) in taken:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
            out.append((r, c, rs, cs))
            c += cs
    return sorted(out)


def readable(name: str) -> bool:
    return True


# --- corpus -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HWP_NAMES)
def test_corpus_file_extracts_without_issues(name):
    doc = corpus_doc(name)
    assert (doc.format, doc.issues) == ("hwp", ()) and doc.pages is not None and doc.pages >= 1
    assert dict(doc.meta)["hwp_version"].startswith("5.")
    assert all(block.source.line and block.source.line >= 1 for block in doc.blocks)


def test_distribution_document_is_decrypted_and_says_so_without_an_issue():
    """배포용: the ViewText body (not the BodyText stub) is read; metadata names the protection."""
    doc = corpus_doc(DISTRIBUTION)
    assert dict(doc.meta)["protection"] == "distribution" and doc.issues == ()
    text = document_text(doc)
    assert "72,300,000원" in text and "입찰참가자격" in text
    assert len(doc.tables()) == 1 and "안전" in " ".join(c.text for c in doc.tables()[0].cells)
    assert "protection" not in dict(corpus_doc("nikl-2022-plan-excerpt.hwp").meta)


@pytest.mark.parametrize("name", [n for n in HWP_NAMES if readable(n)])
def test_corpus_text_covers_hwp5txt(name):
    doc = corpus_doc(name)
    oracle = shared_path("corpus", "oracle", f"{name}.hwp5txt.txt").read_text(encoding="utf-8")
    lines = [squash(line) for line in oracle.splitlines() if line.strip() and line.strip() not in ORACLE_PLACEHOLDERS]
    text = document_text(doc)
    found = sum(1 for line in lines if line in text)
    assert found >= 0.95 * len(lines), f"{len(lines) - found} of {len(lines)} hwp5txt lines missing"


@pytest.mark.parametrize("name", [n for n in HWP_NAMES if readable(n)])
def test_corpus_table_grids_agree_with_hwp5html(name):
    """Same number of tables (nested included) and, position by position, nearly always the same spans.

    hwp5html puts a floating table after an inline one anchored in the same
    paragraph; we keep the stored order, so a few positions swap.
    """
    expected = html_tables(shared_path("corpus", "oracle", f"{name}.hwp5html.html"))
    ours = [sorted(c[:4] for c in anchors(t)) for t in corpus_doc(name).tables()]
    assert len(ours) == len(expected)
    assert sum(a == b for a, b in zip(ours, expected)) >= 0.9 * len(expected)


@pytest.mark.parametrize("stem", TWINS)
def test_hwp_and_hwpx_twins_agree(stem):
    ours = corpus_doc(f"{stem}.hwp")
    twin = hwpx.extract(shared_path("corpus", "hwpx", f"{stem}.hwpx"))
    assert [(t.n_rows, t.n_cols, [a[:4] for a in anchors(t)]) for t in ours.tables()] == \
        [(t.n_rows, t.n_cols, [a[:4] for a in anchors(t)]) for t in twin.tables()]
    assert difflib.SequenceMatcher(None, document_text(ours), document_text(twin)).ratio() >= 0.98
    assert [type(b).__name__ for b in ours.blocks] == [type(b).__name__ for b in twin.blocks]
    assert ours.pages == twin.pages and [b.source.page for b in ours.blocks] == [b.source.page for b in twin.blocks]


def test_nikl_pages_agree_with_its_pdf_twin():
    """Pages from the cached layout against the Hwp 2022 PDF of the same plan (35 pages), the table flowing
    over two pages (붙임 과제별 추진일정: declared 64,654 tall, its rows need 130,784) counted."""
    import pdfplumber

    doc = corpus_doc("nikl-2022-work-plan.hwp")
    with pdfplumber.open(shared_path("corpus", "pdf", "nikl-2022-work-plan.hwp2022-win.pdf")) as pdf:
        printed = [squash(page.extract_text() or "") for page in pdf.pages]
    assert doc.pages == len(printed) == 35
    found = [(b.source.page, [n for n, text in enumerate(printed, 1) if key in text]) for b in doc.blocks
             if isinstance(b, (Heading, Paragraph)) and len(key := squash(b.title if isinstance(b, Heading)
                                                                           else b.text)[:20]) >= 8]
    unique = [(ours, pdf_page) for ours, pages in found if len(pages) == 1 for pdf_page in pages]
    assert len(unique) >= 200
    assert sum(ours == pdf_page for ours, pdf_page in unique) >= 0.98 * len(unique)
    schedule = next(t for t in doc.tables() if t.cells and t.cells[0].text.startswith("이행 과제"))
    assert (schedule.source.page, schedule.page_end) == (31, 32)


def test_merged_cells_keep_spans_caption_unit_and_text():
    budget = next(t for t in corpus_doc("moel-2025-work-report.hwp").tables() if t.caption)
    assert (budget.caption, budget.unit_hint) == ("(단위 : 억원, %)", "(단위 : 억원, %)")
    assert (budget.n_rows, budget.n_cols) == (12, 5)
    assert [(c.col, c.row_span, c.col_span, c.text) for c in budget.cells if c.row == 0] == [
        (0, 2, 1, "구  분"), (1, 2, 1, "2025 예산 (A)"), (2, 2, 1, "2026년 예산 (B)"), (3, 2, 1, "증  감 (B-A)"),
        (4, 1, 1, "")]
    assert [c.text for c in budget.cells if c.row == 2] == ["총지출(a+b)", "353,452", "376,761", "23,309", "6.6"]
    covered = [cell for row in budget.grid() for cell in row]
    assert None not in covered and len(set(map(id, covered))) == len(budget.cells)


def test_unit_line_before_table_becomes_unit_hint_and_stays_a_paragraph():
    blocks = corpus_doc("moef-fiscal-stats-2010-11.hwp").blocks
    table = next(b for b in blocks if isinstance(b, Table) and b.n_rows > 1)
    before = blocks[blocks.index(table) - 1]
    assert isinstance(before, Paragraph) and before.text == "(단위 : 십억원)" == table.unit_hint


def test_footnote_in_a_cell_follows_the_table_not_the_cell_text():
    blocks = corpus_doc("moef-fiscal-stats-2010-11.hwp").blocks
    table = next(b for b in blocks if isinstance(b, Table) and b.n_rows > 1)
    assert "경상수입" in [c.text for c in table.cells]
    after = [b.text for b in blocks[blocks.index(table) + 1:] if isinstance(b, Paragraph)]
    assert "․조세수입 : 사회보장기여금 포함" in after


def test_outline_styles_make_headings_with_printed_numbers_kept():
    headings = [(b.level, b.title) for b in corpus_doc("kps-genai-rfp-2025.hwp").blocks if isinstance(b, Heading)]
    assert headings[0] == (1, "1. 보안준수 사항")
    assert [level for level, _ in headings] == [1, 2, 1, 2, 2]


def test_text_box_text_is_a_paragraph_at_its_anchor():
    blocks = corpus_doc("school-club-forms-2026.hwp").blocks
    assert "주제" in [b.text for b in blocks if isinstance(b, Paragraph)]


def test_summary_title_is_metadata_and_title_comes_from_the_text():
    doc = corpus_doc("nikl-2022-plan-excerpt.hwp")
    assert dict(doc.meta)["summary_title"] == "2022년 국립국어원 업무계획"
    assert doc.title == "□ 국어 변화 관측 및 다양성 보존 체계 마련"


# --- refusals and recoverable damage ------------------------------------------------------------------------


def sample_copy(tmp_path: Path) -> Path:
    """A copy of our HWP sample to damage."""
    path = tmp_path / "copy.hwp"
    shutil.copy(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwp", path)
    return path


def test_hwp3_is_refused(tmp_path):
    path = tmp_path / "old.hwp"
    path.write_bytes(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\0" * 200)
    with pytest.raises(ExtractError, match=r"HWP 3\.x is not supported"):
        extract(path)


def test_hwpx_with_hwp_suffix_says_rename(tmp_path):
    path = tmp_path / "plan.hwp"
    shutil.copy(SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwpx", path)
    with pytest.raises(ExtractError, match=r"rename it to \.hwpx"):
        extract(path)


def test_other_bytes_are_not_ole(tmp_path):
    path = tmp_path / "plan.hwp"
    path.write_bytes(b"%PDF-1.7 not an hwp")
    with pytest.raises(ExtractError, match="not an OLE compound file"):
        extract(path)


def test_ole_without_hwp_header_is_refused(tmp_path):
    path = sample_copy(tmp_path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        header = bytearray(ole.openstream("FileHeader").read())
        header[:17] = b"Not an HWP file!!"
        ole.write_stream("FileHeader", bytes(header))
    with pytest.raises(ExtractError, match="not an HWP document"):
        extract(path)


# --- the pure helpers both readers share ----------------------------------------------------------------------


def wchars(*units: int) -> bytes:
    return struct.pack(f"<{len(units)}H", *units)


def test_para_text_skips_eight_wchar_controls_and_numbers_extended_ones():
    tab = wchars(9, 0x20, 0, 0, 0, 0, 0, 9)
    table = wchars(11, 0x6C20, 0x7462, 0, 0, 0, 0, 11)
    data = ("가".encode("utf-16le") + tab + "나".encode("utf-16le") + wchars(10) + "Ab".encode("utf-16le")
            + table + "다".encode("utf-16le") + wchars(13) + "뒤".encode("utf-16le"))
    assert para_text_to_pieces(data) == ["가 나 Ab", 0, "다"]


def test_records_read_extended_sizes_and_report_truncation():
    payload = b"x" * 5000
    stream = struct.pack("<II", 67 | 1 << 10 | 0xFFF << 20, len(payload)) + payload
    assert stream_to_records(stream) == ([(67, 1, payload)], False)
    assert stream_to_records(stream[:-1]) == ([], True)
    flat = [(66, 0, b""), (67, 1, b"t"), (71, 1, b"c"), (72, 2, b"l"), (66, 0, b"")]
    first, second = records_to_tree(flat)
    assert [c.tag for c in first.children] == [67, 71] and first.children[1].children[0].tag == 72
    assert second.children == ()


def test_numbering_counts_levels_and_formats_numbers():
    levels = (LevelFormat("^1."), LevelFormat("^2.", "HANGUL_SYLLABLE"), LevelFormat("^1.^2.(^3)", "CIRCLED_DIGIT"))
    numberer = Numberer(HeadDefs({1: levels}, {1: "•"}))
    markers = [numberer.marker(ParaFormat(head="number", level=level, ref=1)) for level in (0, 1, 1, 2, 0, 1)]
    assert markers == ["1.", "가.", "나.", "1.나.(①)", "2.", "가."]
    assert numberer.marker(ParaFormat(head="bullet", ref=1)) == "•"
    assert numberer.marker(ParaFormat(head="none", style="개요 1")) is None
    assert [format_number(n, f) for n, f in [(4, "ROMAN_CAPITAL"), (9, "ROMAN_SMALL"), (15, "HANGUL_SYLLABLE")]] == \
        ["IV", "ix", "가"]


def test_headings_come_from_outline_heads_or_outline_styles_only():
    assert outline_level(ParaFormat(head="outline", level=2)) == 3
    assert outline_level(ParaFormat(style="개요 4")) == 4
    assert outline_level(ParaFormat(style="Outline 2")) == 2
    assert outline_level(ParaFormat(style="개요 3", head="bullet")) is None
    assert outline_level(ParaFormat(style="본문")) is None
    assert clean_text("\t가\r\n나\x0b ") == "가  나"


def test_unit_line_after_a_table_is_used_only_when_no_table_follows():
    unit = Paragraph("(단위 : 천원)")
    first, second = Table(cells=(), n_rows=0, n_cols=0), Table(cells=(), n_rows=0, n_cols=0, caption="표")
    out = attach_units([first, unit, second])
    assert (out[0].unit_hint, out[2].unit_hint) == (None, "(단위 : 천원)")
    assert attach_units([first, unit])[0].unit_hint == "(단위 : 천원)"
    assert attach_units([Table(cells=(), n_rows=0, n_cols=0, caption="인구(단위 : 명)")])[0].unit_hint == "(단위 : 명)"
