"""Write the two Hancom-style PDF samples byte by byte, deterministically.

    .venv/bin/python samples/make_hancom_pdf.py

`suncheon-2025-work-plan.pdf` imitates what Hangul 2022 on Windows exports:
no space characters in the text layer (words are parted by moving the pen),
every glyph box one em wide while the pen moves 0.6–0.9 em (kerning in
`TJ`), Hangul wrapped at any syllable (a line may end inside a word), boxed
titles ("1 | 성 과"), a chapter title over gradient strips, a strategy
diagram of boxes side by side, yearly schedule boxes standing side by side,
a budget table whose unit line "(단위: 백만원)" is the top row inside its
frame, letter-spaced labels ("합   계"), a staff table whose rows have no
rules between them, and a table of contents with leader dots.
`suncheon-2025-work-plan.spaced.pdf` is the same document printed the way
most other producers do: space characters in the text and true glyph
widths. The extractor must read both the same way (tests/test_pdf.py).

Fonts are not embedded: HYGoThic through the predefined `UniKS-UCS2-H`
CMap (Adobe-Korea1), which PDFium and every viewer map to Unicode and render
with a substitute Korean font. No dates, fixed /ID: same bytes every run.
"""
from __future__ import annotations

import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tools.pdf_writer import objects_to_pdf  # noqa: E402

WIDTH, HEIGHT = 595.0, 842.0
LEFT, RIGHT = 60.0, 535.0


@dataclass(frozen=True)
class Style:
    """How a producer prints text: `spaces` as characters (else by moving the pen), `squeeze` the pen's
    advance per em of a glyph box (Hancom's Windows export declares every box one em wide)."""

    name: str
    spaces: bool
    squeeze: float


WINDOWS = Style("suncheon-2025-work-plan", spaces=False, squeeze=0.7)
SPACED = Style("suncheon-2025-work-plan.spaced", spaces=True, squeeze=1.0)


def advance(ch: str) -> float:
    """A glyph's natural advance in em (and its box in the spaced style): half width for ASCII (the space
    included), full otherwise."""
    return 0.5 if ch.isascii() else 1.0


@dataclass
class Page:
    """A page's content stream, written in top-left coordinates."""

    style: Style
    ops: list[bytes] = field(default_factory=list)

    def text(self, x: float, top: float, size: float, text: str, *, bold: bool = False, width: float | None = None,
             align: str = "left", squeeze: float = 1.0) -> float:
        """One line of text starting at x (or aligned in [x, x + width]; "justify" spreads its spaces to
        fill the width); returns where it ends."""
        squeeze *= self.style.squeeze if not self.style.spaces else 1.0
        natural = self.measure(text, size, squeeze)
        extra = 0.0
        if width is not None and align == "center":
            x += (width - natural) / 2
        elif width is not None and align == "right":
            x += width - natural
        elif width is not None and align == "justify" and text.count(" "):
            extra = (width - natural) / text.count(" ")
        font = b"F2" if bold else b"F1"
        baseline = HEIGHT - top - 0.8 * size
        self.ops.append(b"BT /%s %.2f Tf 1 0 0 1 %.2f %.2f Tm [%s] TJ ET" % (
            font, size, x, baseline, self._tj(text, size, squeeze, extra)))
        return x + natural + extra * text.count(" ")

    def measure(self, text: str, size: float, squeeze: float = 1.0) -> float:
        """The width of a text in points at this squeeze."""
        return sum(advance(c) for c in text) * size * squeeze

    def _tj(self, text: str, size: float, squeeze: float, extra: float) -> bytes:
        """The TJ array: each glyph, then the kerning that moves the pen to the next one."""
        parts: list[bytes] = []
        pending = 0.0
        for ch in text:
            if ch == " " and not self.style.spaces:
                pending += (advance(ch) * squeeze + extra / size) * 1000
                continue
            if pending:
                parts.append(b"%.1f" % -pending)
                pending = 0.0
            parts.append(b"<%04X>" % ord(ch))
            box = 1.0 if not self.style.spaces else advance(ch)
            pending = (advance(ch) * squeeze - box) * 1000 + (extra / size * 1000 if ch == " " else 0.0)
        return b" ".join(parts)

    def lines(self, x: float, top: float, size: float, lines: list[str], *, indent: float = 0.0,
              leading: float = 1.6, bold: bool = False) -> float:
        """A paragraph of pre-wrapped lines, all but the last justified to the right margin; later lines
        indented by `indent`; returns the top of the next line."""
        for i, line in enumerate(lines):
            start = x if i == 0 else x + indent
            last = i == len(lines) - 1
            self.text(start, top, size, line, bold=bold, width=None if last else RIGHT - start,
                      align="left" if last else "justify")
            top += size * leading
        return top

    def rect(self, x: float, top: float, w: float, h: float, *, fill: tuple[float, float, float] | None = None,
             stroke: bool = True) -> None:
        """A rectangle, filled and/or stroked."""
        y = HEIGHT - top - h
        colour = b"%.2f %.2f %.2f rg " % fill if fill else b""
        paint = b"B" if fill and stroke else b"f" if fill else b"S"
        self.ops.append(colour + b"0.6 w %.2f %.2f %.2f %.2f re %s 0 0 0 rg" % (x, y, w, h, paint))

    def hline(self, x0: float, x1: float, top: float) -> None:
        self.ops.append(b"0.5 w %.2f %.2f m %.2f %.2f l S" % (x0, HEIGHT - top, x1, HEIGHT - top))

    def vline(self, x: float, top0: float, top1: float) -> None:
        self.ops.append(b"0.5 w %.2f %.2f m %.2f %.2f l S" % (x, HEIGHT - top0, x, HEIGHT - top1))

    def gradient(self, x: float, top: float, w: float, h: float, strips: int = 24) -> None:
        """Shading as Hangul prints it: thin filled strips one above the other, growing lighter."""
        step = h / strips
        for i in range(strips):
            grey = 0.80 + 0.18 * i / strips
            self.ops.append(b"%.3f %.3f 1 rg %.2f %.2f %.2f %.2f re f" % (
                grey, grey, x, HEIGHT - top - (i + 1) * step, w, step))
        self.ops.append(b"0 0 0 rg")

    def grid(self, xs: list[float], ys: list[float], *, skip: set[tuple[str, int, int]] = frozenset()) -> None:
        """Rules between cells: every horizontal segment (row bound i, column j) and vertical segment
        (column bound j, row i) unless listed in `skip` as ("h", i, j) or ("v", j, i)."""
        for i, y in enumerate(ys):
            for j in range(len(xs) - 1):
                if ("h", i, j) not in skip:
                    self.hline(xs[j], xs[j + 1], y)
        for j, x in enumerate(xs):
            for i in range(len(ys) - 1):
                if ("v", j, i) not in skip:
                    self.vline(x, ys[i], ys[i + 1])


# --- the document -----------------------------------------------------------------------------

def boxed_title(page: Page, top: float, number: str, title: str) -> None:
    """A numbered title in two touching boxes, the number's box filled ("1 | 성 과")."""
    page.rect(LEFT, top, 28, 30, fill=(0.16, 0.36, 0.66))
    page.rect(LEFT + 28, top, RIGHT - LEFT - 28, 30)
    page.text(LEFT, top + 7, 16, number, bold=True, width=28, align="center")
    page.text(LEFT + 40, top + 7, 16, title, bold=True)


def chapter(page: Page, top: float, title: str) -> None:
    """A chapter title over a gradient band."""
    page.gradient(LEFT - 4, top - 6, RIGHT - LEFT + 8, 36)
    page.text(LEFT + 6, top, 20, title, bold=True)


def cover(style: Style) -> Page:
    page = Page(style)
    page.text(LEFT, 320, 22, "2025년 순천시 지역사회보장 연차별 시행계획", bold=True, width=RIGHT - LEFT,
              align="center")
    page.text(LEFT, 430, 16, "2025. 1.", width=RIGHT - LEFT, align="center")
    page.text(LEFT, 460, 16, "전라남도 순천시 주민복지과", width=RIGHT - LEFT, align="center")
    return page


CONTENTS = [("Ⅰ. 2024년 추진 성과", "1"), ("Ⅱ. 2025년 추진 방향", "2"), ("Ⅲ. 세부사업 추진계획", ""),
            ("1. 통합돌봄 기반 구축", "3"), ("2. 고립가구 발굴 지원", "3"), ("Ⅳ. 예산 및 인력 현황", "4")]


def contents(style: Style) -> Page:
    page = Page(style)
    page.text(LEFT, 90, 20, "[ 목 차 ]", bold=True, width=RIGHT - LEFT, align="center")
    top = 150.0
    for entry, number in CONTENTS:
        x = LEFT + (20 if entry[0].isdigit() else 0)
        end = page.text(x, top, 15, entry)
        if number:
            dot = page.measure("·", 15, style.squeeze if not style.spaces else 1.0)
            page.text(end + 4, top, 15, "·" * int((RIGHT - 24 - end) / dot))
            page.text(RIGHT - 15, top, 15, number, width=15, align="right")
        top += 32
    return page


def results(style: Style) -> Page:
    page = Page(style)
    chapter(page, 70, "Ⅰ. 2024년 추진 성과")
    boxed_title(page, 130, "1", "성 과")
    top = page.lines(LEFT, 190, 16, ["□ 통합돌봄 대상자 발굴 및 서비스 연계 확대"], bold=True)
    top = page.lines(LEFT + 8, top, 15, ["ㅇ 읍면동 방문상담으로 돌봄이 필요한 어르신 1,240명을 발굴하고 통합돌",
                                         "봄 서비스 2,380건을 연계하여 재가 생활을 지원함"], indent=18)
    top = page.lines(LEFT + 8, top, 15, ["ㅇ 통합돌봄 협의체를 분기마다 열어 보건소, 복지관, 돌봄 제공기관이",
                                         "대상자별 지원 계획을 함께 세움"], indent=18)
    top = page.lines(LEFT, top + 8, 16, ["□ 고립가구 발굴 체계 정착"], bold=True)
    squeeze = style.squeeze if not style.spaces else 1.0
    for before, word in (("하고, 명예사회복지공무원 ", "140명"), ("하고, 명예사회복지공무원 140명이 ", "월 2회")):
        x = LEFT + 26 + page.measure(before, 15, squeeze)                    # highlighted figures
        page.rect(x - 1, top + 22.5, page.measure(word, 15, squeeze) + 2, 18, fill=(0.80, 0.95, 0.80), stroke=False)
    top = page.lines(LEFT + 8, top, 15, ["ㅇ 고독사 위험 고립가구 312가구를 발굴하여 안부 확인 서비스를 연계",
                                         "하고, 명예사회복지공무원 140명이 월 2회 방문함"], indent=18)
    boxed_title(page, top + 20, "2", "한 계")
    top = page.lines(LEFT, top + 80, 16, ["□ 돌봄 인력과 예산의 지역 간 격차"], bold=True)
    page.lines(LEFT + 8, top, 15, ["ㅇ 농촌 지역 읍면은 돌봄 제공기관이 부족하여 서비스 대기 기간이 도",
                                   "심의 두 배에 이름"], indent=18)
    return page


def direction(style: Style) -> Page:
    """The strategy diagram: boxes side by side, numbered tasks in a box."""
    page = Page(style)
    chapter(page, 70, "Ⅱ. 2025년 추진 방향")
    boxed_title(page, 130, "1", "비전 및 추진전략")
    page.rect(LEFT, 190, 60, 44, fill=(0.85, 0.93, 0.85))
    page.text(LEFT, 203, 16, "비전", bold=True, width=60, align="center")
    page.rect(LEFT + 70, 190, RIGHT - LEFT - 70, 44)
    page.gradient(LEFT + 71, 191, RIGHT - LEFT - 72, 42, strips=30)
    page.text(LEFT + 70, 203, 16, "누구나 살던 곳에서 함께 돌보는 순천", bold=True, width=RIGHT - LEFT - 70, align="center")
    page.rect(LEFT, 250, 60, 70, fill=(0.85, 0.90, 0.97))
    page.text(LEFT, 276, 16, "목표", bold=True, width=60, align="center")
    page.rect(LEFT + 70, 250, RIGHT - LEFT - 70, 70)
    for i, (goal, value) in enumerate([("통합돌봄 이용자", "2,400명"), ("고립가구 안부 확인", "500가구"),
                                       ("돌봄 제공기관", "45곳")]):
        x = LEFT + 80 + i * 135
        page.text(x, 262, 13, goal, width=125, align="center")
        page.text(x, 288, 13, f"⇒ {value}('25)", bold=True, width=125, align="center")
    page.rect(LEFT, 336, 60, 250, fill=(0.93, 0.88, 0.97))
    page.text(LEFT, 452, 16, "전략", bold=True, width=60, align="center")
    page.rect(LEFT + 70, 336, 110, 250)
    page.text(LEFT + 70, 440, 15, "촘촘한", bold=True, width=110, align="center")
    page.text(LEFT + 70, 462, 15, "돌봄 체계", bold=True, width=110, align="center")
    page.rect(LEFT + 190, 336, RIGHT - LEFT - 190, 250)
    tasks = ["1. 통합돌봄 기반 구축", "2. 고립가구 발굴 지원", "3. 복지 인프라 확충"]
    for i, task in enumerate(tasks):
        page.text(LEFT + 205, 400 + 40 * i, 14, task, bold=True)
    return page


def programs(style: Style) -> Page:
    """A shaded boxed program title, paragraphs, and yearly schedule boxes side by side."""
    page = Page(style)
    chapter(page, 70, "Ⅲ. 세부사업 추진계획")
    page.rect(LEFT, 124, RIGHT - LEFT, 30, fill=(0.99, 0.95, 0.80))
    page.text(LEFT + 10, 131, 16, "1. 통합돌봄 기반 구축(12억원)", bold=True)
    top = page.lines(LEFT, 176, 16, ["□ 재가 돌봄 서비스 확대(800백만원)"], bold=True)
    top = page.lines(LEFT + 8, top, 15, ["ㅇ 퇴원 어르신에게 방문 간호, 식사 지원, 주거 개선을 묶어 제공하고 돌봄",
                                         "이 끊기지 않도록 퇴원 전 상담을 의무화함"], indent=18)
    top = page.lines(LEFT + 8, top + 4, 15, ["ㅇ 연도별 계획 및 소요예산"])
    years = [("2025", ["◆ 대상자 발굴", "- 읍면동 상담 확대"], "400백만 원"),
             ("2026", ["◆ 서비스 연계", "- 제공기관 추가 지정"], "450백만 원"),
             ("2027", ["◆ 성과 평가", "- 만족도 조사"], "350백만 원")]
    box_w, gap, top = 150.0, 12.5, top + 6
    for i, (year, items, money) in enumerate(years):
        x = LEFT + i * (box_w + gap)
        page.grid([x, x + box_w], [top, top + 22, top + 80, top + 102])
        page.text(x, top + 4, 13, year, bold=True, width=box_w, align="center")
        for j, item in enumerate(items):
            page.text(x + 6, top + 28 + 20 * j, 12, item)
        page.text(x, top + 84, 13, money, bold=True, width=box_w, align="center")
    top += 130
    page.rect(LEFT, top, RIGHT - LEFT, 30, fill=(0.99, 0.95, 0.80))
    page.text(LEFT + 10, top + 7, 16, "2. 고립가구 발굴 지원(4억원)", bold=True)
    top = page.lines(LEFT, top + 52, 16, ["□ 안부 확인 서비스 운영(400백만원)"], bold=True)
    page.lines(LEFT + 8, top, 15, ["ㅇ 고립가구에 스마트 돌봄 기기를 보급하고 이상 신호가 오면 읍면동 담당",
                                   "자가 바로 방문함"], indent=18)
    return page


def budget(style: Style) -> Page:
    """A budget table with its unit row inside the frame, letter-spaced labels, a cell wrapped inside a
    word, and a staff table without rules between its rows."""
    page = Page(style)
    chapter(page, 70, "Ⅳ. 예산 및 인력 현황")
    boxed_title(page, 130, "1", "세출예산")
    xs = [LEFT, LEFT + 175, LEFT + 275, LEFT + 375, RIGHT]
    ys = [190, 212, 236, 260, 284, 308, 346]
    page.grid(xs, ys, skip={("v", 1, 0), ("v", 2, 0), ("v", 3, 0)})
    page.text(xs[0], ys[0] + 5, 12, "(단위: 백만원)", width=RIGHT - LEFT - 6, align="right")
    for j, label in enumerate(["구 분", "2024년", "2025년", "증 감"]):
        page.text(xs[j], ys[1] + 5, 13, label, bold=True, width=xs[j + 1] - xs[j], align="center")
    rows = [("합   계", "2,000", "2,400", "400"), ("통합돌봄 기반 구축", "1,050", "1,200", "150"),
            ("고립가구 발굴 지원", "350", "400", "50")]
    for i, row in enumerate(rows):
        top = ys[2 + i] + 5
        page.text(xs[0], top, 13, row[0], bold=i == 0, width=xs[1] - xs[0], align="center")
        for j, value in enumerate(row[1:], start=1):
            page.text(xs[j], top, 13, value, width=xs[j + 1] - xs[j] - 8, align="right")
    page.text(xs[0] + 6, ys[5] + 3, 12, "돌봄 제공기관 인프라 확", width=xs[1] - xs[0] - 12, align="justify")
    page.text(xs[0] + 6, ys[5] + 20, 12, "충")
    for j, value in enumerate(["600", "800", "200"], start=1):
        page.text(xs[j], ys[5] + 12, 13, value, width=xs[j + 1] - xs[j] - 8, align="right")
    page.text(xs[0], ys[6] + 5, 13, "※ 국비 50%, 도비 15%, 시비 35%", width=RIGHT - LEFT, align="left")
    boxed_title(page, 390, "2", "인력 현황")
    xs = [LEFT, LEFT + 200, LEFT + 300, LEFT + 400]
    ys = [450, 474, 584, 608]
    page.grid(xs, ys)
    for j, label in enumerate(["직 급 별", "정원", "현원"]):
        page.text(xs[j], ys[0] + 5, 13, label, bold=True, width=xs[j + 1] - xs[j], align="center")
    staff = [("사회복지직 6급", "3", "3"), ("사회복지직 7급", "8", "7"), ("사회복지직 8급", "6", "6"),
             ("간호직 7급", "2", "1"), ("공무직", "4", "4")]
    for i, (rank, posts, filled) in enumerate(staff):
        top = ys[1] + 4 + 21 * i
        page.text(xs[0] + 8, top, 13, rank)
        page.text(xs[1], top, 13, posts, width=100, align="center")
        page.text(xs[2], top, 13, filled, width=100, align="center")
    page.text(xs[0], ys[2] + 5, 13, "계", bold=True, width=200, align="center")
    page.text(xs[1], ys[2] + 5, 13, "23", bold=True, width=100, align="center")
    page.text(xs[2], ys[2] + 5, 13, "21", bold=True, width=100, align="center")
    return page


def page_numbers(pages: list[Page]) -> None:
    """"- n -" at the foot of every page after the contents."""
    for n, page in enumerate(pages[2:], start=1):
        page.text(LEFT, 800, 11, f"- {n} -", width=RIGHT - LEFT, align="center")


# --- PDF bytes --------------------------------------------------------------------------------

def _stream(data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed) + packed + b"\nendstream"


def _font(name: bytes, descendant: int) -> bytes:
    return b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /UniKS-UCS2-H /DescendantFonts [%d 0 R] >>" % (
        name, descendant)


def _cid_font(name: bytes, style: Style, descriptor: int) -> bytes:
    """Adobe-Korea1: CIDs 1–95 are ASCII; one em wide unless the producer tells true widths."""
    widths = b" /W [1 95 500]" if style.spaces else b""
    return (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) "
            b"/Ordering (Korea1) /Supplement 1 >> /DW 1000%s /FontDescriptor %d 0 R >>" % (name, widths, descriptor))


def _descriptor(name: bytes, flags: int) -> bytes:
    return (b"<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [0 -200 1000 800] /ItalicAngle 0 "
            b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>" % (name, flags))


def document_to_pdf(pages: list[Page], style: Style) -> bytes:
    """Catalog, page tree, pages with their streams, two fonts (regular, bold), info; fixed /ID."""
    n = len(pages)
    first_page, fonts = 3, 3 + 2 * n
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (first_page + 2 * i)
                                                                        for i in range(n)), n)]
    resources = b"<< /Font << /F1 %d 0 R /F2 %d 0 R >> >>" % (fonts, fonts + 1)
    for i, page in enumerate(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>"
                       % (resources, first_page + 2 * i + 1))
        objects.append(_stream(b"\n".join(page.ops)))
    regular, bold = b"HYGoThic-Medium", b"HYGoThic-Bold"
    objects += [_font(regular, fonts + 2), _font(bold, fonts + 3), _cid_font(regular, style, fonts + 4),
                _cid_font(bold, style, fonts + 5), _descriptor(regular, 4), _descriptor(bold, 4 | 1 << 18),
                b"<< /Producer (planextract samples/make_hancom_pdf.py) >>"]
    return objects_to_pdf(objects, b" /Info %d 0 R /ID [<%s> <%s>]" % (len(objects), b"5a" * 16, b"5a" * 16))


def main() -> int:
    for style in (WINDOWS, SPACED):
        pages = [maker(style) for maker in (cover, contents, results, direction, programs, budget)]
        page_numbers(pages)
        path = HERE / f"{style.name}.pdf"
        path.write_bytes(document_to_pdf(pages, style))
        print(path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
