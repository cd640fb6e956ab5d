"""Write samples/gwangju-seogu-2024-elderly-basic-plan.hwp, the HWP 5.0 twin of the HWPX (and HTML) sample.

Two writers using only the standard library, written from the published
formats (MS-CFB for the container, 한글 문서 파일 형식 5.0 revision 1.3 for the
records); olefile (used by the extractor) only reads:

- `cfb_bytes`: a minimal deterministic OLE compound file, version 3 (512-byte
  sectors): header with the DIFAT in place, one FAT, a directory whose
  sibling trees are balanced binary search trees in CFB name order, and the
  mini stream (64-byte sectors, its own mini FAT) for streams under 4,096
  bytes. Timestamps and CLSIDs are zero.
- HWP streams: `FileHeader` (signature, version 5.1.0.1, compressed flag),
  `DocInfo` (document properties, id mappings, numbering, bullet, paragraph
  shapes and styles) and `BodyText/Section0` (paragraph headers, texts,
  character-shape runs, the section/column definition controls, tables as
  `tbl ` controls with TABLE and per-cell LIST_HEADER records carrying
  row/column spans and the header-cell flag), both compressed as Hangul does
  (raw deflate, zlib wbits -15), and `\\x05HwpSummaryInformation` with the
  title.

Content, styles and paragraph shapes are those of `make_hwpx.py` (imported),
so the extractor must give the same blocks for both twins: "개요 2"/"개요 3"
style headings, bullet paragraphs, the "(단위 : 백만원)" line, two 연차별
투자계획 tables with rowspan/colspan header cells and the caption of the
second. Fonts, character shapes beyond one, border fills and line layout
(PARA_LINE_SEG) are left out, so Hangul may refuse to open the file; it is a
test input for readers, not a document to edit.

Run: python samples/make_hwp.py [output.hwp]
"""
from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

from make_hwpx import CONTENT, KINDS, NUMBER_LEVELS, PARA_SHAPES, STYLES, TableSpec, anchor_cells

OUTPUT = Path(__file__).with_name("gwangju-seogu-2024-elderly-basic-plan.hwp")

# --- MS-CFB ---------------------------------------------------------------------------------------------------

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END, FAT_SECT, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5


def _cfb_key(name: str) -> tuple[int, str]:
    """CFB sibling order: shorter names first, then by upper-cased UTF-16 code units."""
    return len(name), name.upper()


def _balanced(names: list[str]) -> tuple[str | None, dict[str, tuple[str | None, str | None]]]:
    """The root of a balanced binary search tree over `names` and each node's (left, right)."""
    links: dict[str, tuple[str | None, str | None]] = {}

    def build(items: list[str]) -> str | None:
        if not items:
            return None
        middle = len(items) // 2
        links[items[middle]] = (build(items[:middle]), build(items[middle + 1:]))
        return items[middle]

    return build(sorted(names, key=_cfb_key)), links


def _chain(start: int, count: int) -> list[int]:
    """FAT entries of `count` consecutive sectors from `start`: each points to the next, the last ends."""
    return [start + i + 1 for i in range(count - 1)] + [END] if count else []


def _padded(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def cfb_bytes(streams: dict[tuple[str, ...], bytes]) -> bytes:
    """An OLE compound file holding `streams` (paths of one or two names: storage/stream)."""
    storages = sorted({path[0] for path in streams if len(path) == 2}, key=_cfb_key)
    index = {("Root Entry",): 0} | {(s,): 1 + i for i, s in enumerate(storages)} | \
        {path: 1 + len(storages) + i for i, path in enumerate(streams)}
    small = {p: d for p, d in streams.items() if len(d) < MINI_CUTOFF}
    big = {p: d for p, d in streams.items() if len(d) >= MINI_CUTOFF}

    mini_stream, mini_fat, mini_start = b"", [], {}
    for path, data in small.items():
        mini_start[path] = len(mini_stream) // MINI_SECTOR
        count = -(-len(data) // MINI_SECTOR)
        mini_fat += _chain(mini_start[path], count)
        mini_stream += _padded(data, MINI_SECTOR)

    sectors: list[bytes] = []
    fat: list[int] = []
    start: dict[tuple[str, ...], int] = {}

    def place(data: bytes) -> int:
        first = len(sectors)
        body = _padded(data, SECTOR)
        count = len(body) // SECTOR
        sectors.extend(body[i * SECTOR:(i + 1) * SECTOR] for i in range(count))
        fat.extend(_chain(first, count))
        return first if count else END

    for path, data in big.items():
        start[path] = place(data)
    root_start = place(mini_stream)
    mini_fat_start = place(b"".join(struct.pack("<I", v) for v in mini_fat)) if mini_fat else END
    mini_fat_sectors = -(-len(mini_fat) * 4 // SECTOR)

    children: dict[int, list[str]] = {0: [], **{index[(s,)]: [] for s in storages}}
    names: dict[int, str] = {0: "Root Entry", **{index[(s,)]: s for s in storages}}
    by_name: dict[tuple[int, str], int] = {}
    for path, i in index.items():
        if i == 0:
            continue
        parent = index[(path[0],)] if len(path) == 2 else 0
        children[parent].append(path[-1])
        names[i] = path[-1]
        by_name[(parent, path[-1])] = i
    tree: dict[int, tuple[int, int]] = {}
    child_of: dict[int, int] = {}
    for parent, kids in children.items():
        root, links = _balanced(kids)
        child_of[parent] = by_name[(parent, root)] if root is not None else NO_STREAM
        for name, (left, right) in links.items():
            tree[by_name[(parent, name)]] = (by_name[(parent, left)] if left else NO_STREAM,
                                             by_name[(parent, right)] if right else NO_STREAM)
    path_of = {i: path for path, i in index.items()}

    def entry(i: int) -> bytes:
        name = names[i].encode("utf-16le") + b"\0\0"
        if i == 0:
            kind, first, size = ROOT, root_start if mini_stream else END, len(mini_stream)
        elif i in child_of:
            kind, first, size = STORAGE, 0, 0
        else:
            path = path_of[i]
            data = streams[path]
            kind, size = STREAM, len(data)
            first = start[path] if path in big else mini_start[path] if data else END
        left, right = tree.get(i, (NO_STREAM, NO_STREAM))
        return (name.ljust(64, b"\0") + struct.pack("<HBB3I", len(name), kind, 1, left, right,
                                                    child_of.get(i, NO_STREAM))
                + b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", first, size))

    unused = b"\0" * 66 + struct.pack("<BB3I", 0, 0, NO_STREAM, NO_STREAM, NO_STREAM) + b"\0" * 48
    directory = b"".join(entry(i) for i in range(len(names)))
    directory += unused * (-len(directory) // 128 % (SECTOR // 128))
    dir_start = place(directory)
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    fat_start = len(sectors)
    fat.extend([FAT_SECT] * n_fat)
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat) + struct.pack("<I", FREE) * (n_fat * 128 - len(fat))
    sectors.extend(fat_bytes[i * SECTOR:(i + 1) * SECTOR] for i in range(n_fat))
    if n_fat > 109:
        raise ValueError("file too large for a header-only DIFAT")
    difat = [fat_start + i for i in range(n_fat)] + [FREE] * (109 - n_fat)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, MINI_CUTOFF, mini_fat_start,
                            mini_fat_sectors, END, 0)
              + b"".join(struct.pack("<I", v) for v in difat))
    return header + b"".join(sectors)


# --- HWP 5.0 records ------------------------------------------------------------------------------------------

BEGIN = 0x10
TAG = {"document_properties": BEGIN, "id_mappings": BEGIN + 1, "numbering": BEGIN + 7, "bullet": BEGIN + 8,
       "para_shape": BEGIN + 9, "style": BEGIN + 10, "para_header": BEGIN + 50, "para_text": BEGIN + 51,
       "para_char_shape": BEGIN + 52, "ctrl_header": BEGIN + 55, "list_header": BEGIN + 56,
       "table": BEGIN + 61}
HEAD_KIND = {"NONE": 0, "OUTLINE": 1, "NUMBER": 2, "BULLET": 3}
NUMBER_FORMAT = {"DIGIT": 0, "CIRCLED_DIGIT": 1, "HANGUL_SYLLABLE": 8}
HEADER_CELL = 1 << 18
ROW_HEIGHT, COL_WIDTH = 1800, 4600
VERSION = 0x05010001
"""5.1.0.1, written as Hangul 2018+ does."""


def record(tag: str, level: int, data: bytes) -> bytes:
    """표 4.1: a record header (tag 10 bits, level 10 bits, size 12 bits or 0xFFF + DWORD) and its data."""
    if len(data) < 0xFFF:
        return struct.pack("<I", TAG[tag] | level << 10 | len(data) << 20) + data
    return struct.pack("<II", TAG[tag] | level << 10 | 0xFFF << 20, len(data)) + data


def wstr(text: str) -> bytes:
    """A length-prefixed UTF-16LE string (WORD length in characters)."""
    return struct.pack("<H", len(text)) + text.encode("utf-16le")


def docinfo_bytes() -> bytes:
    """DocInfo: properties, id mappings, one numbering (Hangul's outline default), one bullet, shapes, styles."""
    out = record("document_properties", 0, struct.pack("<7H3I", 1, 1, 1, 1, 1, 1, 1, 0, 0, 0))
    counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, len(PARA_SHAPES), len(STYLES), 0, 0, 0]
    """표 15: bin data, fonts x 7 languages, border fills, char shapes, tab defs, numberings, bullets,
    paragraph shapes, styles, memo shapes, change tracking, change authors (only what is written)."""
    out += record("id_mappings", 0, struct.pack(f"<{len(counts)}i", *counts))
    levels = b""
    for fmt, template in NUMBER_LEVELS:
        levels += struct.pack("<IhhI", NUMBER_FORMAT[fmt] << 5, 0, 50, 0xFFFFFFFF) + wstr(template)
    out += record("numbering", 1, levels + struct.pack("<H7I", 1, *[1] * 7))
    out += record("bullet", 1, struct.pack("<IhhI", 0, 0, 50, 0xFFFFFFFF) + "•".encode("utf-16le")
                  + struct.pack("<iB", 0, 0))
    for align, heading, ref, level, left in PARA_SHAPES:
        props = {"JUSTIFY": 0, "LEFT": 1, "RIGHT": 2, "CENTER": 3}[align] << 2 | HEAD_KIND[heading] << 23 \
            | level << 25
        shape = struct.pack("<IiiiiiiHH", props, left, 0, 0, 0, 0, 160, 0, ref)
        out += record("para_shape", 1, shape + struct.pack("<H4hIII", 2, 0, 0, 0, 0, 0, 0, 160))
    for name, english, para in STYLES:
        out += record("style", 1, wstr(name) + wstr(english) + struct.pack("<BBhHHH", 0, 0, 1042, para, 0, 0))
    return out


def control_chars(code: int, ctrl: str) -> str:
    """An extended control as it sits in PARA_TEXT: its code, the 4-byte control id, 8 bytes, the code again."""
    ident = struct.unpack("<2H", ctrl[::-1].encode("latin-1"))
    return "".join(map(chr, (code, *ident, 0, 0, 0, 0, code)))


def paragraph(kind: str, text: str, level: int, controls: list[tuple[str, bytes, bytes]] = ()) -> bytes:
    """One paragraph: PARA_HEADER, PARA_TEXT (text after its extended controls, then the paragraph end),
    PARA_CHAR_SHAPE, and each control's CTRL_HEADER followed by its own child records."""
    k = KINDS[kind]
    chars = "".join(control_chars(11 if ctrl == "tbl " else 2, ctrl) for ctrl, _, _ in controls) + text + "\r"
    mask = sum(1 << (11 if ctrl == "tbl " else 2) for ctrl, _, _ in controls)
    header = struct.pack("<IIHBBHHHIH", len(chars), mask, k.para_pr, k.style, 0, 1, 0, 0, 0, 0)
    out = record("para_header", level, header)
    out += record("para_text", level + 1, chars.encode("utf-16le"))
    out += record("para_char_shape", level + 1, struct.pack("<II", 0, k.char_pr))
    for ctrl, data, children in controls:
        out += record("ctrl_header", level + 1, ctrl[::-1].encode("latin-1") + data) + children
    return out


def table_records(spec: TableSpec, level: int) -> bytes:
    """A table control's children: caption list (if any), TABLE (rows, cols), then each cell's list header
    (표 80: column, row, spans, size, margins) followed by its paragraph."""
    out = b""
    if spec.caption:
        out += record("list_header", level, struct.pack("<iIHHI", 1, 0, 3, 850, 8504))
        out += paragraph("caption", spec.caption, level)
    n_rows, n_cols = len(spec.rows), len(spec.widths)
    counts = [sum(1 for cell in anchor_cells(spec) if cell[0] == r) for r in range(n_rows)]
    out += record("table", level, struct.pack("<IHHhHHHH", 0x4, n_rows, n_cols, 0, 510, 510, 141, 141)
                  + struct.pack(f"<{n_rows}H", *counts) + struct.pack("<HH", 3, 0))
    for row, col, text, row_span, col_span in anchor_cells(spec):
        head = row < spec.header_rows
        width = sum(spec.widths[col:col + col_span])
        props = HEADER_CELL if head else 0
        cell = struct.pack("<iI4HII4HH", 1, props, col, row, col_span, row_span, width, ROW_HEIGHT * row_span,
                           510, 510, 141, 141, 4 if head else 3)
        out += record("list_header", level, cell)
        out += paragraph("th" if head else "td", text, level)
    return out


SECTION_DEF = struct.pack("<IhhhIH", 0, 1134, 0, 0, 8000, 1) + b"\0" * 16
"""표 129 구역 정의 (first fields): properties, column gap, vertical and horizontal grid, default tab stop,
outline numbering id 1 (offset 14 after the control id)."""
COLUMN_DEF = struct.pack("<HhH", 0x1004, 0, 0)
"""표 138 단 정의: one newspaper column."""


def section_bytes() -> bytes:
    """BodyText/Section0: every CONTENT entry as a paragraph; a table sits in its own anchor paragraph."""
    out = b""
    for i, (kind, value) in enumerate(CONTENT):
        controls = [("secd", SECTION_DEF, b""), ("cold", COLUMN_DEF, b"")] if i == 0 else []
        if isinstance(value, TableSpec):
            table = struct.pack("<IiiIIi4hIiH", 0x082A2311, 0, 0, 42520, ROW_HEIGHT * len(value.rows), 0,
                                141, 141, 141, 141, 0, 0, 0)
            controls.append(("tbl ", table, table_records(value, 2)))
            out += paragraph("body", "", 0, controls)
        else:
            out += paragraph(kind, value, 0, controls)
    return out


def summary_bytes(title: str) -> bytes:
    """\\x05HwpSummaryInformation: an OLE property set holding the title (PIDSI_TITLE = 2, VT_LPWSTR)."""
    text = (title + "\0").encode("utf-16le")
    value = struct.pack("<II", 0x1F, len(text) // 2) + _padded(text, 4)
    section = struct.pack("<II", 8 + 8 + len(value), 1) + struct.pack("<II", 2, 16) + value
    fmtid = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
    return struct.pack("<HHI", 0xFFFE, 0, 0) + b"\0" * 16 + struct.pack("<I", 1) + fmtid + struct.pack("<I", 48) \
        + section


def compress(data: bytes) -> bytes:
    """Raw deflate (no zlib header), as Hangul compresses DocInfo and sections."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def hwp_file_header(flags: int) -> bytes:
    """표 3 FileHeader: signature, version, property flags (bit 0 compressed, 1 password, 2 distribution)."""
    return (b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", VERSION, flags)).ljust(256, b"\0")


def hwp_bytes() -> bytes:
    """The whole HWP file."""
    return cfb_bytes({
        ("FileHeader",): hwp_file_header(1),
        ("DocInfo",): compress(docinfo_bytes()),
        ("BodyText", "Section0"): compress(section_bytes()),
        ("\x05HwpSummaryInformation",): summary_bytes(str(CONTENT[0][1])),
    })


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    target.write_bytes(hwp_bytes())
    print(f"wrote {target}")
