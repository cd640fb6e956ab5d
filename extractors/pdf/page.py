"""PDF pages through PDFium: glyphs with size and weight, ruling segments, image cover.

pdfplumber (pdfminer) interprets every vector object in Python, which costs
0.3–3 s per page on Hancom PDFs with tens of thousands of tiny border
pieces; PDFium reads the same pages in milliseconds. This module is the only
place that talks to PDFium: it turns one page into plain immutable values
(`PageScan`) and closes the page before returning, so memory stays flat.

Speed: a page is read in one pass over its characters and one walk over its
objects. The codes of a page come in one call; each character then costs two
PDFium calls (box, text object), made through cffi with plain `void*`
prototypes (a third cheaper than ctypes ones, which cost half of
pypdfium2's typed bindings); font size, weight and Unicode mapping are decided once per text
object (weight and embedding once per font), never per glyph. Glyphs and segments are
NamedTuples: hundreds of thousands are made per document and a tuple is
several times cheaper to create than a frozen dataclass.

Coordinates are PDF points with the origin at the top-left corner, like
pdfplumber: `x0, top, x1, bottom`.
"""
from __future__ import annotations

import ctypes
import math
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import cffi
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extractors.document import ExtractError

LINE_MAX_WIDTH = 6.0     # a path thinner than this (and 4x longer than thick) is a ruling line
DOT_MAX = 3.0            # pieces of dotted borders are at most this big both ways
MAX_PATH_POINTS = 2000   # points read from one many-segment path
_BOLD_NAME = re.compile(r"bold|black|heavy|extra|headline|semibold|demi|[-,]b$", re.I)
# The 14 standard fonts PDFium draws with fonts of its own (the same on every machine)
_STANDARD_FONT = re.compile(r"(Courier|Helvetica|Times)(-(Roman|Bold|Oblique|Italic|BoldOblique|BoldItalic))?$"
                            r"|Symbol$|ZapfDingbats$")
_FORCE_BOLD = 1 << 18    # PDF font descriptor flag ForceBold (bit 19)
_FILL_STROKE = 2         # text render mode "fill, then stroke": fake bold
_LINE_END_HYPHENS = (0x02, 0xFFFE)  # how PDFium reports a hyphen ending a line ("복지-" / "고용"): U+0002, and
                                   # U+FFFE in its page text
_BLANKS = frozenset((0x20, 0xA0, 0x3000, 0x09))
_BREAKS = frozenset((0x0A, 0x0D))


class Glyph(NamedTuple):
    """One printed character; `size` is the effective font size in points.

    `x0` is the glyph's origin; `x1` comes from the font's advance width,
    which some producers overstate (Hancom's Type3 fonts declare every glyph
    one em wide and move the pen back with kerning), so `lines` also reads the
    pitch between origins. `space_before` says PDFium's text stream has a
    space (printed or inferred by PDFium) right before this glyph.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    space_before: bool = False


class Segment(NamedTuple):
    """A ruling line: horizontal at y=`pos` from x=`start` to `end`, or vertical at x=`pos`."""

    vertical: bool
    pos: float
    start: float
    end: float


@dataclass(frozen=True)
class PageScan:
    """Everything later steps need from one page.

    `unmapped` counts glyphs PDFium could not map to Unicode (no ToUnicode,
    U+FFFD, private use or control codes); `substituted_fonts` names the
    fonts the page prints with but does not embed (PDFium draws them with a
    font of the machine, whose outlines shape the glyph boxes); `image_cover` is the fraction of
    the page area under images; `dots` are the boxes (x0, top, x1, bottom)
    of paths no bigger than `DOT_MAX` both ways, the pieces of dotted and
    dashed borders (tens of thousands on a Hancom page, so kept as plain
    tuples for `rulings` to chain).
    """

    number: int
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    segments: tuple[Segment, ...]
    unmapped: int
    image_cover: float
    dots: tuple[tuple[float, float, float, float], ...] = ()
    substituted_fonts: tuple[str, ...] = ()


Box = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open `path` with PDFium or raise `ExtractError` saying why (missing, empty, not a PDF, truncated,
    encrypted, no pages)."""
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    problem = file_problem(path)
    if problem == "empty file":
        raise ExtractError(f"{path.name}: empty file")
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise ExtractError(f"{path.name}: {open_error_to_message(str(exc), problem, path)}") from exc
    if len(pdf) == 0:
        pdf.close()
        raise ExtractError(f"{path.name}: the PDF has no pages")
    return pdf


def file_problem(path: Path) -> str | None:
    """What the bytes at both ends of the file say is wrong: empty, no `%PDF-` header, or cut off before
    its end-of-file marker (read: 1 KB at each end)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 1024))
        tail = handle.read(1024)
    if not head.strip():
        return "empty file" if size <= 1024 else "the file holds only blank bytes"
    if b"%PDF-" not in head:
        return "not a PDF (no %PDF- header)"
    if b"%%EOF" not in tail and b"startxref" not in tail:
        return "truncated PDF (the file ends before its cross-reference table)"
    return None


def open_error_to_message(message: str, problem: str | None, path: Path) -> str:
    """A specific reason for PDFium's refusal: password, what the file's ends show, a file without page
    objects, or PDFium's own words (its last error is process-wide and may be stale, so "Success" and
    page trees are judged from the file itself)."""
    if "password" in message.lower():
        return f"PDF is encrypted and needs a password ({message})"
    if problem:
        return f"{problem}; PDFium cannot open it ({message})"
    if not has_page_objects(path):
        return "the PDF has no pages (no page objects)"
    return f"not a readable PDF ({message})"


def has_page_objects(path: Path) -> bool:
    """Whether the file may hold a page: a `/Type /Page` object, or object streams that could hide one
    (read only when PDFium has already refused the file)."""
    data = path.read_bytes()
    return b"/ObjStm" in data or re.search(rb"/Type\s*/Page(?![a-zA-Z])", data) is not None


class PageUnreadable(Exception):
    """PDFium cannot load one page (a broken page object or content stream); the others may be fine."""


def scan_page(pdf: pdfium.PdfDocument, index: int) -> PageScan:
    """Read page `index` (0-based) into a `PageScan`, closing PDFium's page objects afterwards.

    Raises `PageUnreadable` when PDFium cannot load the page.
    """
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise PageUnreadable(str(exc)) from exc
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            glyphs, unmapped, substituted = _page_glyphs(_handle(textpage.raw), height)
        finally:
            textpage.close()
        segments, dots, image_area = _page_graphics(_handle(page.raw), height)
    except pdfium.PdfiumError as exc:
        raise PageUnreadable(str(exc)) from exc
    finally:
        page.close()
    cover = min(1.0, image_area / (width * height)) if width and height else 0.0
    return PageScan(index + 1, width, height, tuple(glyphs), tuple(segments), unmapped, cover, tuple(dots),
                    substituted)


def text_floor(path: Path) -> tuple[int, int]:
    """(pages, characters) of PDFium's plain text of every page: the least any text extraction must do
    (the floor `pipeline.bench` compares this extractor with)."""
    pdf = pdfium.PdfDocument(path)
    chars = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            chars += len(textpage.get_text_range())
            textpage.close()
            page.close()
        return len(pdf), chars
    finally:
        pdf.close()


# --- fast PDFium prototypes ------------------------------------------------------------------

def _address(handle) -> int:
    """The address behind a PDFium handle (a typed ctypes pointer)."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


_FFI = cffi.FFI()


def _fast(function, signature: str):
    """`function` (a pypdfium2 raw binding) called through cffi with C `signature`: a third less per call
    than ctypes, which counts when a page costs hundreds of thousands of calls."""
    return _FFI.cast(signature, _address(function))


_unicode = _fast(raw.FPDFText_GetUnicode, "unsigned(*)(void*, int)")
_loose_box = _fast(raw.FPDFText_GetLooseCharBox, "int(*)(void*, int, float*)")
_text_object = _fast(raw.FPDFText_GetTextObject, "void*(*)(void*, int)")
_map_error = _fast(raw.FPDFText_HasUnicodeMapError, "int(*)(void*, int)")
_char_count = _fast(raw.FPDFText_CountChars, "int(*)(void*)")
_text_range = _fast(raw.FPDFText_GetText, "int(*)(void*, int, int, unsigned short*)")
_font_size = _fast(raw.FPDFText_GetFontSize, "double(*)(void*, int)")
_char_matrix = _fast(raw.FPDFText_GetMatrix, "int(*)(void*, int, float*)")
_object_font = _fast(raw.FPDFTextObj_GetFont, "void*(*)(void*)")
_render_mode = _fast(raw.FPDFTextObj_GetTextRenderMode, "int(*)(void*)")
_font_name = _fast(raw.FPDFFont_GetBaseFontName, "unsigned long(*)(void*, char*, unsigned long)")
_font_weight = _fast(raw.FPDFFont_GetWeight, "int(*)(void*)")
_font_flags = _fast(raw.FPDFFont_GetFlags, "int(*)(void*)")
_font_embedded = _fast(raw.FPDFFont_GetIsEmbedded, "int(*)(void*)")
_page_count = _fast(raw.FPDFPage_CountObjects, "int(*)(void*)")
_page_object = _fast(raw.FPDFPage_GetObject, "void*(*)(void*, int)")
_form_count = _fast(raw.FPDFFormObj_CountObjects, "int(*)(void*)")
_form_object = _fast(raw.FPDFFormObj_GetObject, "void*(*)(void*, unsigned long)")
_object_type = _fast(raw.FPDFPageObj_GetType, "int(*)(void*)")
_draw_mode = _fast(raw.FPDFPath_GetDrawMode, "int(*)(void*, int*, int*)")
_fill_color = _fast(raw.FPDFPageObj_GetFillColor, "int(*)(void*, unsigned*, unsigned*, unsigned*, unsigned*)")
_bounds = _fast(raw.FPDFPageObj_GetBounds, "int(*)(void*, float*, float*, float*, float*)")
_segment_count = _fast(raw.FPDFPath_CountSegments, "int(*)(void*)")
_object_matrix_of = _fast(raw.FPDFPageObj_GetMatrix, "int(*)(void*, float*)")
_path_segment = _fast(raw.FPDFPath_GetPathSegment, "void*(*)(void*, int)")
_segment_point = _fast(raw.FPDFPathSegment_GetPoint, "int(*)(void*, float*, float*)")
_segment_type = _fast(raw.FPDFPathSegment_GetType, "int(*)(void*)")
_segment_close = _fast(raw.FPDFPathSegment_GetClose, "int(*)(void*)")

# Reused out-parameters (PDFium is single-threaded anyway): a rectangle (left, top, right, bottom), a matrix
# (a..f), object bounds (left, bottom, right, top), a path's fill and stroke modes, a colour, a point, a name;
# read back through one `struct` unpack of their buffers.
_RECT = _FFI.new("float[4]")
_MATRIX = _FFI.new("float[6]")
_BOX = _FFI.new("float[4]")
_BOX_PARTS = (_BOX, _BOX + 1, _BOX + 2, _BOX + 3)
_MODE = _FFI.new("int[2]")
_RGBA = _FFI.new("unsigned[4]")
_XY = _FFI.new("float[2]")
_NAME = _FFI.new("char[128]")
_unpack4 = struct.Struct("4f").unpack
_unpack6 = struct.Struct("6f").unpack
_RECT_BYTES, _MATRIX_BYTES, _BOX_BYTES = _FFI.buffer(_RECT), _FFI.buffer(_MATRIX), _FFI.buffer(_BOX)


def _handle(handle):
    """A pypdfium2 handle as the `void*` the cffi prototypes take."""
    return _FFI.cast("void*", _address(handle))


# --- glyphs ----------------------------------------------------------------------------------

def _is_unmapped(code: int, map_error: bool) -> bool:
    """A character whose Unicode value is unknown: mapping error, U+FFFD, private use, control."""
    private = (0xE000 <= code <= 0xF8FF and not _is_symbol_font_code(code)) or code >= 0xF0000
    return map_error or code == 0xFFFD or private or code < 0x20


def _is_symbol_font_code(code: int) -> bool:
    """Symbol/Wingdings fonts put their 8-bit codes at U+F020–U+F0FF (bullets such as U+F09F)."""
    return 0xF020 <= code <= 0xF0FF


def _glyph_text(code: int) -> str:
    """The character for a code; symbol-font codes read as their 8-bit value, as pdfminer does ('Ÿ', '·')."""
    if _is_symbol_font_code(code):
        return bytes([code - 0xF000]).decode("cp1252", errors="replace")
    return chr(code)


# What a UTF-16 code of PDFium's page text is: a plain character, a blank (noted as `space_before`), a code to
# skip (line breaks, a stray low surrogate), the high half of a surrogate pair, a line-end hyphen, or a suspect
# code (control, private use, U+FFFD: maybe unmapped, maybe a symbol-font code). One lookup per character.
_PLAIN, _BLANK, _SKIP, _HIGH, _HYPHEN, _SUSPECT = range(6)


def _code_kinds() -> bytes:
    kinds = bytearray(0x10000)
    kinds[:0x20] = bytes([_SUSPECT]) * 0x20
    kinds[0xE000:0xF900] = bytes([_SUSPECT]) * (0xF900 - 0xE000)
    kinds[0xFFFD] = _SUSPECT
    kinds[0xD800:0xDC00] = bytes([_HIGH]) * 0x400
    kinds[0xDC00:0xE000] = bytes([_SKIP]) * 0x400
    for code in _BREAKS:
        kinds[code] = _SKIP
    for code in _LINE_END_HYPHENS:
        kinds[code] = _HYPHEN
    for code in _BLANKS:
        kinds[code] = _BLANK
    return bytes(kinds)


_KINDS = _code_kinds()


def _code_kind(code: int) -> int:
    """The kind of a code beyond the BMP (read one character at a time): suspect in the supplementary private
    use planes."""
    return _SUSPECT if code >= 0xF0000 else _PLAIN


def _pair_code(codes: list[int], i: int) -> int:
    """The code of the surrogate pair starting at `i` (U+FFFD when its low half is missing)."""
    low = codes[i + 1] if i + 1 < len(codes) else 0
    return 0x10000 + ((codes[i] - 0xD800) << 10) + (low - 0xDC00) if 0xDC00 <= low <= 0xDFFF else 0xFFFD


def _page_glyphs(textpage, height: float) -> tuple[list[Glyph], int, tuple[str, ...]]:
    """Printed characters (blanks left out, noted as `space_before`), the count of unmapped ones and the names
    of the fonts not embedded.

    The codes come in one call (`_page_codes`) and each is sorted by one
    lookup (`_KINDS`); per character PDFium is asked only for its box and
    its text object, whose size, weight and mapping error are read once
    (`_glyph_style`).
    """
    styles: dict[object, tuple[float, bool, bool]] = {}
    fonts: dict[object, tuple[bool, str | None]] = {}
    glyphs: list[Glyph] = []
    unmapped = 0
    space = False
    codes = _page_codes(textpage)
    loose_box, text_object, new, kinds, unpack, rect, rect_bytes = (_loose_box, _text_object, tuple.__new__, _KINDS,
                                                                     _unpack4, _RECT, _RECT_BYTES)
    for i, code in enumerate(codes):
        kind = kinds[code] if code < 0x10000 else _code_kind(code)
        if kind:
            if kind == _BLANK:
                space = True
                continue
            if kind == _SKIP:
                continue
            if kind == _HIGH:
                code = _pair_code(codes, i)
            elif kind == _HYPHEN:
                code = 0x2D
        obj = text_object(textpage, i)
        style = styles.get(obj)
        if style is None:
            style = styles[obj] = _glyph_style(textpage, i, obj, fonts)
        if style[2] or (kind and _is_unmapped(code, False)):
            unmapped += 1
        if not loose_box(textpage, i, rect):
            continue
        left, top, right, bottom = unpack(rect_bytes)
        if right <= left:
            continue
        glyphs.append(new(Glyph, (_glyph_text(code) if kind else chr(code), left, height - top, right,
                                  height - bottom, style[0], style[1], space)))
        space = False
    return glyphs, unmapped, tuple(sorted({name for _, name in fonts.values() if name}))


def _page_codes(textpage) -> list[int]:
    """The Unicode value of every character of a text page, in one call when PDFium's UTF-16 text lines up
    with its characters (no character beyond the BMP), else one call per character."""
    count = _char_count(textpage)
    buffer = _FFI.new("unsigned short[]", count + 1)
    if count and _text_range(textpage, 0, count, buffer) == count + 1:
        return _FFI.unpack(buffer, count)
    return [_unicode(textpage, i) for i in range(count)]


def _glyph_style(textpage, index: int, obj, fonts: dict[object, tuple[bool, str | None]]) -> tuple[float, bool, bool]:
    """(effective font size, bold, no Unicode mapping) of the text object printing character `index`, read
    once per object. Per font, once, `fonts` gets (bold, its name if the file does not embed it)."""
    _char_matrix(textpage, index, _MATRIX)
    size = round(_font_size(textpage, index) * math.hypot(_MATRIX[2], _MATRIX[3]), 2)
    map_error = _map_error(textpage, index) == 1
    if not obj:
        return size, False, map_error
    font = _object_font(obj)
    known = fonts.get(font)
    if known is None:
        _font_name(font, _NAME, len(_NAME))
        name = _FFI.string(_NAME).decode("latin-1")
        bold = bool(_BOLD_NAME.search(name) or _font_weight(font) >= 600 or _font_flags(font) & _FORCE_BOLD)
        substituted = not _font_embedded(font) and not _STANDARD_FONT.match(name)
        known = fonts[font] = (bold, (name or "(unnamed)") if substituted else None)
    return size, known[0] or _render_mode(obj) == _FILL_STROKE, map_error


# --- graphics --------------------------------------------------------------------------------

def _page_graphics(page, height: float) -> tuple[list[Segment], list[Box], float]:
    """Ruling segments and dots from visible paths, and the total area of images, over the whole object
    tree."""
    segments: list[Segment] = []
    dots: list[Box] = []
    image_area = [0.0]
    _walk_objects(page, _page_count, _page_object, _IDENTITY, height, segments, dots, image_area)
    return segments, dots, image_area[0]


_PATH, _IMAGE, _FORM = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM


def _walk_objects(container, count, get, matrix: Matrix, height: float, segments: list[Segment],
                  dots: list[Box], image_area: list[float]) -> None:
    """Visit paths and images once, descending into form XObjects with their matrices.

    The common case (a path on the page itself) is inlined: this loop runs
    once per object, tens of thousands of times on pages with dotted borders.
    A dot is kept without asking how it is painted (dots are never erasers);
    a bigger path only when it shows (`_is_visible_fill`).
    """
    identity = matrix is _IDENTITY
    left_at, bottom_at, right_at, top_at = _BOX_PARTS
    mode, fill_at, stroke_at, unpack, box_bytes = _MODE, _MODE, _MODE + 1, _unpack4, _BOX_BYTES
    object_type, draw_mode, bounds, add_dot = _object_type, _draw_mode, _bounds, dots.append
    for i in range(count(container)):
        obj = get(container, i)
        kind = object_type(obj)
        if kind == _PATH:
            if identity:
                bounds(obj, left_at, bottom_at, right_at, top_at)
                left, bottom, right, top = unpack(box_bytes)
                box = (left, height - top, right, height - bottom)
            else:
                box = _object_box(obj, matrix, height)
            if box[2] - box[0] <= DOT_MAX and box[3] - box[1] <= DOT_MAX:
                add_dot(box)
                continue
            draw_mode(obj, fill_at, stroke_at)
            if mode[1] or (mode[0] and _is_visible_fill(obj)):
                segments.extend(_path_segments(obj, box, matrix, height))
        elif kind == _IMAGE:
            x0, top, x1, bottom = _object_box(obj, matrix, height)
            image_area[0] += (x1 - x0) * (bottom - top)
        elif kind == _FORM:
            inner = _compose(_object_matrix(obj), matrix)
            _walk_objects(obj, _form_count, _form_object, inner, height, segments, dots, image_area)


def _object_matrix(obj) -> Matrix:
    """The object's own transformation matrix."""
    _object_matrix_of(obj, _MATRIX)
    return _unpack6(_MATRIX_BYTES)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """`inner` followed by `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


def _object_box(obj, matrix: Matrix, height: float) -> tuple[float, float, float, float]:
    """The object's bounds in page space, top-left origin."""
    _bounds(obj, *_BOX_PARTS)
    left, bottom, right, top = _unpack4(_BOX_BYTES)
    if matrix is not _IDENTITY:
        corners = [_apply(matrix, x, y) for x in (left, right) for y in (bottom, top)]
        left, right = min(p[0] for p in corners), max(p[0] for p in corners)
        bottom, top = min(p[1] for p in corners), max(p[1] for p in corners)
    return (left, height - top, right, height - bottom)


def _is_visible_fill(obj) -> bool:
    """A fill that shows: not white or transparent (backgrounds and erasers are filled white)."""
    _fill_color(obj, _RGBA, _RGBA + 1, _RGBA + 2, _RGBA + 3)
    r, g, b, a = _RGBA
    return not (min(r, g, b) >= 250 or a == 0)


def _path_segments(obj, box: tuple[float, float, float, float], matrix: Matrix,
                   height: float) -> list[Segment]:
    """Ruling segments drawn by one path (bigger than a dot) with page-space `box`: a line, a rectangle's
    four edges, or a polyline's pieces."""
    x0, top, x1, bottom = box
    w, h = x1 - x0, bottom - top
    if h <= LINE_MAX_WIDTH and w >= 4 * h:
        return [Segment(False, (top + bottom) / 2, x0, x1)]
    if w <= LINE_MAX_WIDTH and h >= 4 * w:
        return [Segment(True, (x0 + x1) / 2, top, bottom)]
    if _segment_count(obj) <= 5:
        return [Segment(False, top, x0, x1), Segment(False, bottom, x0, x1),
                Segment(True, x0, top, bottom), Segment(True, x1, top, bottom)]
    return _polyline_segments(obj, _compose(_object_matrix(obj), matrix), height)


def _polyline_segments(obj, matrix: Matrix, height: float) -> list[Segment]:
    """Axis-parallel straight pieces of a many-segment path, closing subpaths (curves are skipped)."""
    out: list[Segment] = []
    previous = start = (0.0, 0.0)
    for i in range(min(_segment_count(obj), MAX_PATH_POINTS)):
        seg = _path_segment(obj, i)
        _segment_point(seg, _XY, _XY + 1)
        px, py = _apply(matrix, _XY[0], _XY[1])
        point = (px, height - py)
        kind = _segment_type(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == raw.FPDF_SEGMENT_LINETO:
            out.extend(_axis_piece(previous, point))
        if _segment_close(seg):
            out.extend(_axis_piece(point, start))
        previous = point
    return out


def _axis_piece(a: tuple[float, float], b: tuple[float, float]) -> list[Segment]:
    """The straight piece a→b as a segment if it is horizontal or vertical."""
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) < 0.5 and abs(ax - bx) > 0.5:
        return [Segment(False, ay, min(ax, bx), max(ax, bx))]
    if abs(ax - bx) < 0.5 and abs(ay - by) > 0.5:
        return [Segment(True, ax, min(ay, by), max(ay, by))]
    return []
