"""HWP 5.0 binary building blocks: FileHeader, record streams, paragraph text and DocInfo.

Layouts follow 한글 문서 파일 형식 5.0 (revision 1.3): 표 3 파일 인식 정보,
4.1 데이터 레코드 (tag 10 bits, level 10 bits, size 12 bits, 0xFFF = a DWORD
size follows), 표 6 제어 문자, 표 38-44 (문단 번호, 글머리표, 문단 모양),
표 47 스타일, 표 58 문단 헤더. Where real files differ from the document
(문단 머리 정보 is 12 bytes, not 8), the code follows the files. Distribution
(배포용) documents follow 한글 문서 파일 형식 - 배포용 문서 (revision 1.2): each
ViewText/SectionN stream opens with an HWPTAG_DISTRIBUTE_DOC_DATA record whose
256 scrambled bytes carry the AES-128 key of the rest of the stream.

본 제품은 한글과컴퓨터의 한/글 문서 파일(.hwp) 공개 문서를 참고하여 개발하였습니다.
"""
from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from extractors.document import ExtractError
from extractors.grid import TooLarge
from extractors.hancom.common import HEAD_KINDS, HeadDefs, LevelFormat, number_format_name

HWPTAG_BEGIN = 0x10
HWPTAG_END = HWPTAG_BEGIN + 100
"""Tags from HWPTAG_BEGIN up to HWPTAG_SHAPE_COMPONENT_UNKNOWN (BEGIN+99) are defined by 표 13 and 표 57."""
TAG_NUMBERING = HWPTAG_BEGIN + 7
TAG_BULLET = HWPTAG_BEGIN + 8
TAG_PARA_SHAPE = HWPTAG_BEGIN + 9
TAG_STYLE = HWPTAG_BEGIN + 10
TAG_PARA_HEADER = HWPTAG_BEGIN + 50
TAG_PARA_TEXT = HWPTAG_BEGIN + 51
TAG_PARA_LINE_SEG = HWPTAG_BEGIN + 53
TAG_CTRL_HEADER = HWPTAG_BEGIN + 55
TAG_LIST_HEADER = HWPTAG_BEGIN + 56
TAG_TABLE = HWPTAG_BEGIN + 61
TAG_PAGE_DEF = HWPTAG_BEGIN + 57

SIGNATURE = b"HWP Document File"
FLAG_COMPRESSED = 1 << 0
FLAG_PASSWORD = 1 << 1
FLAG_DISTRIBUTION = 1 << 2
FLAG_DRM = 1 << 4
FLAG_CERT_ENCRYPTED = 1 << 8
FLAG_CERT_DRM = 1 << 10
MAX_INFLATED_BYTES = 200 * 1024 * 1024
"""Largest decompressed stream accepted (a guard against deflate bombs)."""
MAX_RECORDS = 1_000_000
"""Most records one stream may hold; the largest corpus section has 16,000 (a stream of empty records is a bomb)."""

_CHAR_CONTROLS = frozenset({0, 10, 13, *range(24, 32)})
"""표 6: controls one WCHAR long; every other code below 32 is 8 WCHARs (inline or extended)."""
_EXTENDED_CONTROLS = frozenset({1, 2, 3, 11, 12, 14, 15, 16, 17, 18, 21, 22, 23})
"""표 6: controls that own a CTRL_HEADER record, in text order."""
_CONTROL_TEXT = {9: " ", 10: " ", 24: "-", 30: " ", 31: " "}
"""What tab, line break, hyphen and the two fixed spaces print as."""
_PARA_END = 13
_CONTROL_AT = re.compile(rb"(?=[\x00-\x1f]\x00)")


@dataclass(frozen=True)
class FileHeader:
    """표 3: the format version ("5.1.0.1") and the property flags."""

    version: str
    flags: int

    @property
    def compressed(self) -> bool:
        return bool(self.flags & FLAG_COMPRESSED)

    @property
    def distribution(self) -> bool:
        """배포용 document: the body is in encrypted ViewText streams (BodyText holds a stub)."""
        return bool(self.flags & FLAG_DISTRIBUTION)


@dataclass(frozen=True)
class Record:
    """One data record with the records nested under it (higher level) as children."""

    tag: int
    level: int
    data: bytes
    children: tuple[Record, ...] = ()


@dataclass(frozen=True)
class ParaShape:
    """표 43/44: a paragraph shape's head kind, 0-based level and numbering/bullet id."""

    head: str = "none"
    level: int = 0
    ref: int = 0


@dataclass(frozen=True)
class DocInfo:
    """What the body needs from DocInfo: style names and paragraph shapes by index, numberings, bullets."""

    styles: tuple[str, ...] = ()
    para_shapes: tuple[ParaShape, ...] = ()
    defs: HeadDefs = field(default_factory=lambda: HeadDefs({}, {}))


def read_file_header(data: bytes) -> FileHeader:
    """표 3 from the FileHeader stream; `ExtractError` when the signature is not HWP's."""
    if len(data) < 40 or not data.startswith(SIGNATURE):
        raise ExtractError("OLE file without an HWP FileHeader signature: not an HWP document "
                           "(maybe .doc/.xls renamed?)")
    version, flags = struct.unpack_from("<II", data, 32)
    return FileHeader(".".join(str(version >> s & 0xFF) for s in (24, 16, 8, 0)), flags)


def inflate(data: bytes) -> bytes:
    """A raw-deflate stream (zlib wbits -15) expanded; `ExtractError` when corrupt or past `MAX_INFLATED_BYTES`."""
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, MAX_INFLATED_BYTES)
    except zlib.error as error:
        raise ExtractError(f"a compressed stream is corrupt ({error})") from error
    if inflater.unconsumed_tail:
        raise TooLarge(f"a compressed stream expands past {MAX_INFLATED_BYTES:,} bytes; refused")
    return out


def stream_to_records(data: bytes) -> tuple[list[tuple[int, int, bytes]], bool]:
    """Flat (tag, level, payload) records of a stream, and whether the stream ended mid-record.

    `ExtractError` past `MAX_RECORDS` records.
    """
    out: list[tuple[int, int, bytes]] = []
    pos, end = 0, len(data)
    while pos + 4 <= end:
        if len(out) >= MAX_RECORDS:
            raise TooLarge(f"a stream holds more than {MAX_RECORDS:,} records; refused "
                               "(a real section has tens of thousands)")
        (header,) = struct.unpack_from("<I", data, pos)
        tag, level, size = header & 0x3FF, header >> 10 & 0x3FF, header >> 20
        pos += 4
        if size == 0xFFF:
            if pos + 4 > end:
                return out, True
            (size,) = struct.unpack_from("<I", data, pos)
            pos += 4
        if pos + size > end:
            return out, True
        out.append((tag, level, data[pos:pos + size]))
        pos += size
    return out, pos != end


def records_to_tree(flat: list[tuple[int, int, bytes]]) -> tuple[Record, ...]:
    """Top records with their children: each record owns the following records of a higher level.

    Built without recursion, so a hostile stream nesting 1,000 levels deep cannot exhaust the stack.
    """
    roots: list[Record] = []
    stack: list[tuple[int, int, bytes, list[Record]]] = []

    def close() -> None:
        tag, level, data, children = stack.pop()
        node = Record(tag, level, data, tuple(children))
        (stack[-1][3] if stack else roots).append(node)

    for tag, level, data in flat:
        while stack and stack[-1][1] >= level:
            close()
        stack.append((tag, level, data, []))
    while stack:
        close()
    return tuple(roots)


def para_text_to_pieces(data: bytes) -> list[str | int]:
    """PARA_TEXT (UTF-16LE) as text pieces and extended-control ordinals, in order.

    Char controls take one WCHAR, inline and extended controls eight (표 6).
    Tabs, line breaks and fixed spaces become spaces; the n-th extended
    control is the int n (it owns the paragraph's n-th CTRL_HEADER);
    reading stops at the paragraph end (13).
    """
    pieces: list[str | int] = []
    text: list[str] = []
    cursor = ordinal = 0
    for match in _CONTROL_AT.finditer(data):
        pos = match.start()
        if pos < cursor or pos % 2:
            continue
        code = data[pos]
        text.append(data[cursor:pos].decode("utf-16le", "replace") + _CONTROL_TEXT.get(code, ""))
        cursor = pos + (2 if code in _CHAR_CONTROLS else 16)
        if code == _PARA_END:
            break
        if code in _EXTENDED_CONTROLS:
            pieces.extend(["".join(text), ordinal])
            text, ordinal = [], ordinal + 1
    else:
        text.append(data[cursor:].decode("utf-16le", "replace"))
    pieces.append("".join(text))
    return [p for p in pieces if p != ""]


def ctrl_id(record: Record) -> str:
    """A CTRL_HEADER's 4-character control id ('tbl ', 'gso ', 'secd'...); stored byte-reversed."""
    return record.data[:4][::-1].decode("latin-1")


def docinfo_to_info(records: list[tuple[int, int, bytes]]) -> DocInfo:
    """Style names, paragraph shapes, numberings and bullets from the DocInfo records (ids by order)."""
    styles: list[str] = []
    shapes: list[ParaShape] = []
    numberings: dict[int, tuple[LevelFormat, ...]] = {}
    bullets: dict[int, str] = {}
    for tag, _, data in records:
        if tag == TAG_STYLE:
            styles.append(_style_name(data))
        elif tag == TAG_PARA_SHAPE:
            shapes.append(_para_shape(data))
        elif tag == TAG_NUMBERING:
            numberings[len(numberings) + 1] = _numbering_levels(data)
        elif tag == TAG_BULLET:
            bullets[len(bullets) + 1] = data[12:14].decode("utf-16le", "replace") if len(data) >= 14 else ""
    return DocInfo(tuple(styles), tuple(shapes), HeadDefs(numberings, bullets))


def _style_name(data: bytes) -> str:
    """표 47: the local (Korean) style name."""
    (length,) = struct.unpack_from("<H", data, 0)
    return data[2:2 + 2 * length].decode("utf-16le", "replace")


def _para_shape(data: bytes) -> ParaShape:
    """표 43/44: head kind (bits 23-24), level (bits 25-27), numbering/bullet id (offset 30)."""
    (props,) = struct.unpack_from("<I", data, 0)
    ref = struct.unpack_from("<H", data, 30)[0] if len(data) >= 32 else 0
    return ParaShape(HEAD_KINDS[props >> 23 & 0x3], props >> 25 & 0x7, ref)


def _numbering_levels(data: bytes) -> tuple[LevelFormat, ...]:
    """표 38: seven levels of (12-byte head with the number format in bits 5-8, template), then starts."""
    formats, pos = [], 0
    try:
        for _ in range(7):
            (props,) = struct.unpack_from("<I", data, pos)
            (length,) = struct.unpack_from("<H", data, pos + 12)
            template = data[pos + 14:pos + 14 + 2 * length].decode("utf-16le", "replace")
            formats.append((template, number_format_name(props >> 5 & 0xF)))
            pos += 14 + 2 * length
        starts = struct.unpack_from("<7I", data, pos + 2) if len(data) >= pos + 30 else (1,) * 7
    except struct.error:
        starts = (1,) * 7
    return tuple(LevelFormat(t, f, s) for (t, f), s in zip(formats, starts))


def summary_title(data: bytes) -> str | None:
    """The Title property (PIDSI_TITLE = 2) of the \\x05HwpSummaryInformation property set, if readable."""
    try:
        (section,) = struct.unpack_from("<I", data, 44)
        (count,) = struct.unpack_from("<I", data, section + 4)
        for k in range(count):
            pid, offset = struct.unpack_from("<II", data, section + 8 + 8 * k)
            if pid != 2:
                continue
            kind, length = struct.unpack_from("<II", data, section + offset)
            start = section + offset + 8
            if kind == 0x1F:
                return data[start:start + 2 * length].decode("utf-16le", "replace").rstrip("\x00").strip() or None
            if kind == 0x1E:
                return data[start:start + length].decode("cp949", "replace").rstrip("\x00").strip() or None
    except struct.error:
        return None
    return None


TAG_DISTRIBUTE_DOC_DATA = HWPTAG_BEGIN + 12
"""표 13 HWPTAG_DISTRIBUTE_DOC_DATA: the 256-byte head of every ViewText/SectionN stream."""
_DIST_HEAD_BYTES = 256
_AES_BLOCK = 16


def _msvc_rand(seed: int) -> Iterator[int]:
    """The C runtime's srand(seed)/rand() sequence that scrambles the distribution head."""
    state = seed & 0xFFFFFFFF
    while True:
        state = (state * 214013 + 2531011) & 0xFFFFFFFF
        yield state >> 16 & 0x7FFF


def distribution_key(head: bytes) -> bytes:
    """The AES-128 key hidden in a 256-byte HWPTAG_DISTRIBUTE_DOC_DATA payload (배포용 문서 형식).

    Bytes 0-3 seed the generator; from byte 4 on, each run of 1-16 bytes is
    XORed with one random byte. The unscrambled payload holds the document's
    SHA-1 text at 4 + (seed mod 16); its first 16 bytes are the key.
    """
    if len(head) != _DIST_HEAD_BYTES:
        raise ExtractError("distribution document head is not 256 bytes; the file is damaged")
    (seed,) = struct.unpack_from("<I", head, 0)
    rand = _msvc_rand(seed)
    data = bytearray(head)
    mask = remaining = 0
    for i in range(_DIST_HEAD_BYTES):
        if remaining == 0:
            mask = next(rand) & 0xFF
            remaining = (next(rand) & 0xF) + 1
        if i >= 4:
            data[i] ^= mask
        remaining -= 1
    offset = 4 + (seed & 0xF)
    return bytes(data[offset:offset + _AES_BLOCK])


def decrypt_view_text(data: bytes) -> bytes:
    """A ViewText/SectionN stream's body: the record stream as BodyText would hold it (still compressed).

    The stream is one DISTRIBUTE_DOC_DATA record (the key material) followed
    by the section encrypted with AES-128 in ECB mode.
    """
    records, _ = stream_to_records(data[:4 + _DIST_HEAD_BYTES])
    if not records or records[0][0] != TAG_DISTRIBUTE_DOC_DATA or len(records[0][2]) != _DIST_HEAD_BYTES:
        raise ExtractError("ViewText section does not start with the distribution key record")
    body = data[4 + _DIST_HEAD_BYTES:]
    body = body[:len(body) - len(body) % _AES_BLOCK]
    decryptor = Cipher(algorithms.AES(distribution_key(records[0][2])), modes.ECB()).decryptor()
    return decryptor.update(body) + decryptor.finalize()
