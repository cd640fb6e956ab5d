"""PDF pages through PDFium: glyphs with size and weight, ruling segments, image cover.

pdfplumber (pdfminer) interprets every vector object in Python, which costs
0.3–3 s per page on Hancom PDFs with tens of thousands of tiny border
pieces; PDFium reads the same pages in milliseconds. This module is the only
place that talks to PDFium: it turns one page into plain frozen values
(`PageScan`) and closes the page before returning, so memory stays flat.

Coordinates are PDF points with the origin at the top-left corner, like
pdfplumber: `x0, top, x1, bottom`.
"""
from __future__ import annotations

import ctypes
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from extractors.document import ExtractError

LINE_MAX_WIDTH = 6.0     # a path thinner than this (and 4x longer than thick) is a ruling line
DOT_MAX = 3.0            # pieces of dotted borders are at most this big both ways
_BOLD_NAME = re.compile(r"bold|black|heavy|extra|headline|semibold|demi|[-,]b$", re.I)
_FORCE_BOLD = 1 << 18    # PDF font descriptor flag ForceBold (bit 19)
_FILL_STROKE = 2         # text render mode "fill, then stroke": fake bold
_LINE_END_HYPHEN = 0x02   # PDFium reports a hyphen that ends a line ("복지-" / "고용") as U+0002


@dataclass(frozen=True)
class Glyph:
    """One printed character; `size` is the effective font size in points.

    `space_before` says PDFium's text stream has a space (printed or inferred
    by PDFium from the glyph positions) right before this glyph.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    space_before: bool = False


@dataclass(frozen=True)
class Segment:
    """A ruling line: horizontal at y=`pos` from x=`start` to `end`, or vertical at x=`pos`."""

    vertical: bool
    pos: float
    start: float
    end: float


@dataclass(frozen=True)
class PageScan:
    """Everything later steps need from one page.

    `unmapped` counts glyphs PDFium could not map to Unicode (no ToUnicode,
    U+FFFD, private use or control codes); `image_cover` is the fraction of
    the page area under images.
    """

    number: int
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    segments: tuple[Segment, ...]
    unmapped: int
    image_cover: float


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open `path` with PDFium or raise `ExtractError` saying why (missing, encrypted, corrupt)."""
    if not path.is_file():
        raise ExtractError(f"{path}: no such file")
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractError(f"{path.name}: PDF is encrypted and needs a password ({message})") from exc
        raise ExtractError(f"{path.name}: not a readable PDF ({message})") from exc


def scan_page(pdf: pdfium.PdfDocument, index: int) -> PageScan:
    """Read page `index` (0-based) into a `PageScan`, closing PDFium's page objects afterwards."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            glyphs, unmapped = _page_glyphs(textpage, height)
        finally:
            textpage.close()
        segments, image_area = _page_graphics(page, height)
    finally:
        page.close()
    cover = min(1.0, image_area / (width * height)) if width and height else 0.0
    return PageScan(index + 1, width, height, tuple(glyphs), tuple(segments), unmapped, cover)


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


def _page_glyphs(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Glyph], int]:
    """Printed characters (blanks left out, noted as `space_before`) and the count of unmapped ones."""
    rect = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    bold_of_font: dict[int, bool] = {}
    glyphs: list[Glyph] = []
    unmapped = 0
    space = False
    count = raw.FPDFText_CountChars(textpage)
    for i in range(count):
        code = raw.FPDFText_GetUnicode(textpage, i)
        if 0xDC00 <= code <= 0xDFFF:
            continue
        if 0xD800 <= code <= 0xDBFF:
            low = raw.FPDFText_GetUnicode(textpage, i + 1) if i + 1 < count else 0
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) if 0xDC00 <= low <= 0xDFFF else 0xFFFD
        if code in (0x20, 0xA0, 0x3000, 0x09):
            space = True
            continue
        if code == _LINE_END_HYPHEN:
            code = ord("-")
        if raw.FPDFText_IsGenerated(textpage, i) == 1 or code in (0x0A, 0x0D):
            continue
        if _is_unmapped(code, raw.FPDFText_HasUnicodeMapError(textpage, i) == 1):
            unmapped += 1
        if not raw.FPDFText_GetLooseCharBox(textpage, i, rect) or rect.right <= rect.left:
            continue
        raw.FPDFText_GetMatrix(textpage, i, matrix)
        size = raw.FPDFText_GetFontSize(textpage, i) * math.hypot(matrix.c, matrix.d)
        glyphs.append(Glyph(_glyph_text(code), rect.left, height - rect.top, rect.right, height - rect.bottom,
                            round(size, 2), _is_bold(textpage, i, bold_of_font), space))
        space = False
    return glyphs, unmapped


def _is_bold(textpage: pdfium.PdfTextPage, index: int, cache: dict[int, bool]) -> bool:
    """Bold font (by name, weight or ForceBold flag) or fill+stroke rendering; cached per text object."""
    obj = raw.FPDFText_GetTextObject(textpage, index)
    if not obj:
        return False
    key = ctypes.cast(obj, ctypes.c_void_p).value or 0
    if key not in cache:
        font = raw.FPDFTextObj_GetFont(obj)
        name = ctypes.create_string_buffer(128)
        raw.FPDFFont_GetBaseFontName(font, name, len(name))
        cache[key] = bool(_BOLD_NAME.search(name.value.decode("latin-1"))
                          or raw.FPDFFont_GetWeight(font) >= 600
                          or raw.FPDFFont_GetFlags(font) & _FORCE_BOLD
                          or raw.FPDFTextObj_GetTextRenderMode(obj) == _FILL_STROKE)
    return cache[key]


def _page_graphics(page: pdfium.PdfPage, height: float) -> tuple[list[Segment], float]:
    """Ruling segments from visible paths, and the total area of images, over the whole object tree."""
    segments: list[Segment] = []
    image_area = [0.0]
    _walk_objects(page, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, _IDENTITY, height, segments, image_area)
    return segments, image_area[0]


def _walk_objects(container, count, get, matrix: Matrix, height: float,
                  segments: list[Segment], image_area: list[float]) -> None:
    """Visit paths and images, descending into form XObjects with their matrices."""
    for i in range(count(container)):
        obj = get(container, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            inner = _compose(_object_matrix(obj), matrix)
            _walk_objects(obj, raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject,
                          inner, height, segments, image_area)
        elif kind == raw.FPDF_PAGEOBJ_PATH and _is_visible_path(obj):
            segments.extend(_path_segments(obj, matrix, height))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            x0, top, x1, bottom = _object_box(obj, matrix, height)
            image_area[0] += (x1 - x0) * (bottom - top)


def _object_matrix(obj) -> Matrix:
    """The object's own transformation matrix."""
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """`inner` followed by `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(matrix: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return (a * x + c * y + e, b * x + d * y + f)


# Reused ctypes out-parameters (PDFium is single-threaded anyway; this saves allocations per object).
_BOX = tuple(ctypes.c_float() for _ in range(4))
_MODE = tuple(ctypes.c_int() for _ in range(2))
_RGBA = tuple(ctypes.c_uint() for _ in range(4))


def _object_box(obj, matrix: Matrix, height: float) -> tuple[float, float, float, float]:
    """The object's bounds in page space, top-left origin."""
    raw.FPDFPageObj_GetBounds(obj, *_BOX)
    left, bottom, right, top = (v.value for v in _BOX)
    if matrix is not _IDENTITY:
        corners = [_apply(matrix, x, y) for x in (left, right) for y in (bottom, top)]
        left, right = min(p[0] for p in corners), max(p[0] for p in corners)
        bottom, top = min(p[1] for p in corners), max(p[1] for p in corners)
    return (left, height - top, right, height - bottom)


def _is_visible_path(obj) -> bool:
    """Filled or stroked, and not a white or transparent fill without a stroke (backgrounds, erasers)."""
    raw.FPDFPath_GetDrawMode(obj, *_MODE)
    fill, stroke = _MODE[0].value, _MODE[1].value
    if not stroke and fill:
        raw.FPDFPageObj_GetFillColor(obj, *_RGBA)
        r, g, b, a = (v.value for v in _RGBA)
        return not (min(r, g, b) >= 250 or a == 0)
    return bool(stroke)


def _path_segments(obj, matrix: Matrix, height: float) -> list[Segment]:
    """Ruling segments drawn by one path: a line, a dot, a rectangle's four edges, or a polyline's pieces."""
    x0, top, x1, bottom = _object_box(obj, matrix, height)
    w, h = x1 - x0, bottom - top
    if w <= DOT_MAX and h <= DOT_MAX:
        return [Segment(False, (top + bottom) / 2, x0, x1), Segment(True, (x0 + x1) / 2, top, bottom)]
    if h <= LINE_MAX_WIDTH and w >= 4 * h:
        return [Segment(False, (top + bottom) / 2, x0, x1)]
    if w <= LINE_MAX_WIDTH and h >= 4 * w:
        return [Segment(True, (x0 + x1) / 2, top, bottom)]
    if raw.FPDFPath_CountSegments(obj) <= 5:
        return [Segment(False, top, x0, x1), Segment(False, bottom, x0, x1),
                Segment(True, x0, top, bottom), Segment(True, x1, top, bottom)]
    return _polyline_segments(obj, _compose(_object_matrix(obj), matrix), height)


def _polyline_segments(obj, matrix: Matrix, height: float) -> list[Segment]:
    """Axis-parallel straight pieces of a many-segment path, closing subpaths (curves are skipped)."""
    out: list[Segment] = []
    previous = start = (0.0, 0.0)
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(min(raw.FPDFPath_CountSegments(obj), 2000)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        px, py = _apply(matrix, x.value, y.value)
        point = (px, height - py)
        kind = raw.FPDFPathSegment_GetType(seg)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == raw.FPDF_SEGMENT_LINETO:
            out.extend(_axis_piece(previous, point))
        if raw.FPDFPathSegment_GetClose(seg):
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
