"""HWP 5 extractor on our own sample (samples/make_hwp.py): no ../shared needed.

The sample is the HWP twin of the HWPX/HTML gwangju-seogu sample; variants
(two sections, a distribution-protected copy, hostile sizes) are written in
a temporary folder with the same writer.
"""
from __future__ import annotations

import struct
import sys
import zlib

import olefile
import pytest
from conftest import SAMPLES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from extractors.document import Document, ExtractError, Heading, ListItem, Paragraph, Table, document_to_dict
from extractors.grid import TooLarge
from extractors.hancom import hwpx, records
from extractors.hancom.hwp import extract

sys.path.insert(0, str(SAMPLES))
import make_hwp

SAMPLE = SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwp"


def sample() -> Document:
    return extract(SAMPLE)


def hwp_with(tmp_path, streams: dict[tuple[str, ...], bytes], name: str = "variant.hwp"):
    """An HWP file from the sample's own streams with some replaced or added."""
    base = {("FileHeader",): make_hwp.hwp_file_header(1),
            ("DocInfo",): make_hwp.compress(make_hwp.docinfo_bytes()),
            ("BodyText", "Section0"): make_hwp.compress(make_hwp.section_bytes())}
    path = tmp_path / name
    path.write_bytes(make_hwp.cfb_bytes(base | streams))
    return path


def test_committed_sample_is_what_the_writer_writes():
    assert SAMPLE.read_bytes() == make_hwp.hwp_bytes()


def test_sample_gives_the_same_blocks_as_its_hwpx_twin():
    ours, twin = document_to_dict(sample()), document_to_dict(hwpx.extract(SAMPLE.with_suffix(".hwpx")))
    assert ours["blocks"] == twin["blocks"] and ours["title"] == twin["title"]
    assert (sample().format, sample().issues) == ("hwp", ())


def test_outline_styles_make_headings_and_bullets_make_list_items():
    blocks = sample().blocks
    assert [(b.level, b.title) for b in blocks if isinstance(b, Heading)][:3] == [
        (2, "Ⅰ. 추진 배경"), (2, "Ⅱ. 추진 전략"), (3, "1. 건강한 노후")]
    assert [b.marker for b in blocks if isinstance(b, ListItem)] == ["•"] * 4


def test_merged_header_cells_keep_spans_and_header_flags():
    direct, linked = sample().tables()
    assert (direct.n_rows, direct.n_cols, direct.header_rows) == (8, 7, 2)
    spans = {c.text: (c.row, c.col, c.row_span, c.col_span, c.is_header) for c in direct.cells if c.row < 3}
    assert spans["연번"] == (0, 0, 2, 1, True) and spans["투자계획"] == (0, 2, 1, 5, True)
    assert spans["계"] == (2, 0, 1, 2, False)
    health = next(c for c in linked.cells if c.text == "건강")
    assert health.row_span == 2 and linked.grid()[4][0] is health


def test_unit_line_before_a_table_and_caption_become_unit_hints():
    blocks = sample().blocks
    direct, linked = sample().tables()
    before = blocks[blocks.index(direct) - 1]
    assert isinstance(before, Paragraph) and before.text == "(단위 : 백만원)" == direct.unit_hint
    assert (linked.caption, linked.unit_hint) == ("연계사업 투자계획 (단위 : 백만원)", "(단위 : 백만원)")


def test_summary_title_is_metadata_and_lines_count_paragraphs():
    doc = sample()
    assert dict(doc.meta)["summary_title"] == "2024~2027 서구 노인복지 기본계획" == doc.title
    assert all(b.source.line for b in doc.blocks)
    lines = [b.source.line for b in doc.blocks]
    assert lines == sorted(lines)


def test_cfb_writer_puts_large_streams_in_sectors_and_small_ones_in_the_mini_stream(tmp_path):
    big, small = bytes(range(256)) * 40, b"mini"
    path = tmp_path / "c.cfb"
    path.write_bytes(make_hwp.cfb_bytes({("Big",): big, ("S", "small"): small, ("Empty",): b""}))
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.openstream("Big").read() == big and ole.openstream("S/small").read() == small
        assert ole.openstream("Empty").read() == b""


def test_a_corrupt_section_is_an_issue_when_another_section_reads(tmp_path):
    path = hwp_with(tmp_path, {("BodyText", "Section1"): b"\xff" * 300})
    doc = extract(path)
    assert [i.code for i in doc.issues] == ["section-unreadable"] and len(doc.tables()) == 2


def test_password_and_drm_flags_are_refused(tmp_path):
    for flags, message in [(0b11, "password-encrypted"), (0b10001, "DRM-protected")]:
        with pytest.raises(ExtractError, match=message):
            extract(hwp_with(tmp_path, {("FileHeader",): make_hwp.hwp_file_header(flags)}))


def view_text(section: bytes, seed: int, key: bytes) -> bytes:
    """A ViewText/SectionN stream as Hangul writes a 배포용 document: the scrambled key record, then AES-128."""
    head = bytearray(256)
    struct.pack_into("<I", head, 0, seed)
    head[4 + (seed & 0xF):4 + (seed & 0xF) + 16] = key
    rand = records._msvc_rand(seed)
    mask = remaining = 0
    for i in range(256):
        if remaining == 0:
            mask, remaining = next(rand) & 0xFF, (next(rand) & 0xF) + 1
        if i >= 4:
            head[i] ^= mask
        remaining -= 1
    body = section + b"\0" * (-len(section) % 16)
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return struct.pack("<I", records.TAG_DISTRIBUTE_DOC_DATA | 256 << 20) + bytes(head) + \
        encryptor.update(body) + encryptor.finalize()


def test_distribution_document_reads_its_view_text_and_is_not_partial(tmp_path):
    section = make_hwp.compress(make_hwp.section_bytes())
    stub = make_hwp.compress(make_hwp.paragraph("body", "배포용 문서입니다", 0))
    path = hwp_with(tmp_path, {("FileHeader",): make_hwp.hwp_file_header(0b101), ("BodyText", "Section0"): stub,
                               ("ViewText", "Section0"): view_text(section, 0x2A51C3F7, b"0123456789abcdef")})
    doc = extract(path)
    assert doc.issues == () and dict(doc.meta)["protection"] == "distribution"
    assert len(doc.tables()) == 2 and all(isinstance(t, Table) for t in doc.tables())
    assert document_to_dict(doc)["blocks"] == document_to_dict(sample())["blocks"]


def test_distribution_flag_without_view_text_names_the_missing_stream(tmp_path):
    with pytest.raises(ExtractError, match="no ViewText/Section0"):
        extract(hwp_with(tmp_path, {("FileHeader",): make_hwp.hwp_file_header(0b101)}))


def test_declared_table_counts_are_bounded_by_the_cells(tmp_path):
    """rows = cols = 65535 patched into the TABLE record: the grid is what the cells cover."""
    patched = bytearray(make_hwp.section_bytes())
    pos = 0
    while pos < len(patched):
        (header,) = struct.unpack_from("<I", patched, pos)
        if header & 0x3FF == make_hwp.TAG["table"]:
            struct.pack_into("<HH", patched, pos + 8, 65535, 65535)
        pos += 4 + (header >> 20)
    doc = extract(hwp_with(tmp_path, {("BodyText", "Section0"): make_hwp.compress(bytes(patched))}))
    assert [(t.n_rows, t.n_cols) for t in doc.tables()] == [(8, 7), (6, 7)]


def test_a_section_of_empty_records_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_RECORDS", 1000)
    zeros = make_hwp.compress(b"\0" * 4 * 5000)
    with pytest.raises(TooLarge, match="more than 1,000 records"):
        extract(hwp_with(tmp_path, {("BodyText", "Section0"): zeros}))


def test_empty_hwp_says_empty_file(tmp_path):
    path = tmp_path / "empty.hwp"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="empty file"):
        extract(path)


def test_deflate_is_raw_as_hangul_writes_it():
    with olefile.OleFileIO(str(SAMPLE)) as ole:
        data = ole.openstream("BodyText/Section0").read()
    (first,) = struct.unpack_from("<I", zlib.decompressobj(-15).decompress(data))
    assert first & 0x3FF == make_hwp.TAG["para_header"]
    with pytest.raises(zlib.error):
        zlib.decompress(data)


def test_a_lone_surrogate_is_replaced_with_an_issue(tmp_path):
    section = make_hwp.paragraph("body", "예산 \u2603 확대", 0).replace("\u2603".encode("utf-16le"), b"\x00\xd8")
    path = hwp_with(tmp_path, {("BodyText", "Section0"): make_hwp.compress(
        make_hwp.paragraph("body", "앞", 0) + section)})
    doc = extract(path)
    assert [i.code for i in doc.issues] == ["encoding-defect"]
    assert [b.text for b in doc.blocks] == ["앞", "예산 \ufffd 확대"]


def nested_tables(depth: int, level: int = 0) -> bytes:
    """A paragraph holding a one-cell table whose cell holds the next one, `depth` deep."""
    if depth == 0:
        return make_hwp.paragraph("td", "안쪽", level)
    cell = struct.pack("<iI4HII4HH", 1, 0, 0, 0, 1, 1, 1000, 1000, 0, 0, 0, 0, 3)
    table = struct.pack("<IHHhHHHHH", 0, 1, 1, 0, 0, 0, 0, 0, 1) + struct.pack("<HH", 3, 0)
    children = (make_hwp.record("table", level + 2, table) + make_hwp.record("list_header", level + 2, cell)
                + nested_tables(depth - 1, level + 2))
    return make_hwp.paragraph("body", "", level, [("tbl ", b"\0" * 40, children)])


def test_nested_tables_are_read_and_absurd_nesting_is_refused(tmp_path):
    doc = extract(hwp_with(tmp_path, {("BodyText", "Section0"): make_hwp.compress(nested_tables(5))}))
    assert len(doc.tables()) == 5 and doc.tables()[-1].cells[0].text == "안쪽"
    with pytest.raises(TooLarge, match="too deeply"):
        extract(hwp_with(tmp_path, {("BodyText", "Section0"): make_hwp.compress(nested_tables(400))}))


def test_record_tree_of_a_thousand_levels_needs_no_recursion():
    flat = [(0x42, level, b"") for level in range(1000)]
    (root,) = records.records_to_tree(flat)
    depth, node = 1, root
    while node.children:
        depth, node = depth + 1, node.children[0]
    assert depth == 1000
