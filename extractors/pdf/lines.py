"""PDF text layout: glyphs → lines → paragraph blocks; running headers/footers; heading levels.

All functions are pure: they take the frozen values of `_pdf_page` and return
new ones. Thresholds are in em (the line's font size) so they hold for any
font size.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, replace
from operator import itemgetter

from extractors.pdf.page import Glyph
from extractors.pdf.words import WordStats, advance_share, breaks_inside_word, is_full_width, is_spaced_out, pitch_gaps

WORD_GAP_EM = 0.2        # a wider gap between two glyphs prints a space
OVERSTATED_EM = 0.05     # a glyph box reaching this far past the next origin shows the font overstates widths
PIECE_GAP_EM = 1.5       # a wider gap splits a line into pieces (columns, right-aligned units)
MARGIN_ZONE = 0.1        # top/bottom share of the page where running headers and page numbers live
FULL_LINE_SHARE = 0.9    # a line is full when the room after it is under this share of the next line's first glyph
HEADING_RATIO = 1.15     # a heading's font is at least this much larger than the body font

_MARKER = re.compile(
    r"^([□■▣◆◇◈○●◦◎❍▪▫▶►▷➢❖☞⇒→※\-–—·ㆍ•Ÿ§*]|ㅇ\s|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]\.|\d{1,2}[.)]\s|[가-하][.)]\s|\(\d{1,2}\)|\([가-하]\)|[①-⑳]|"
    r"<|〈|\[|제\s*\d+\s*[장절])")
# A wrapped line never ends on an opening bracket or quote or on a hyphen, slash or middle dot joining two
# words, and never starts with closing punctuation, at a space: a break there fell inside the text
# ("설치(" + "시행동수)", "열·" + "질량전달"). A full line ending inside a hyphen-joined code goes on without
# a space when the next line goes on with it ("…-맞춤형진" + "단치료-품목-…").
_OPENS = re.compile(r"(^|\s)[\"']$|[(\[{<〈《「『【（［“‘]$|\S[-/·ㆍ]$")
_CHAIN_END = re.compile(r"\S[-–][가-힣]+$")
_CHAIN_GOES_ON = re.compile(r"^[가-힣]+[-–]\S")
_OPENER = re.compile(r"[(\[{<〈《「『【（［“‘]")
_CLOSES = re.compile(r"^[)\]}>〉》」』】）］”’,.%]")
_LETTER = re.compile(r"[^\W\d_]")
_PAGE_NUMBER = re.compile(r"^[-–—(\[]?\s*(page\s*)?[0-9ivxIVX]{1,5}\s*(/\s*\d{1,4})?\s*[-–—)\]]?$", re.I)


@dataclass(frozen=True)
class TextLine:
    """One printed line; `pieces` are its runs split at wide gaps, as (x0, x1, text).

    `space_before` says the text layer has a space right before the line's
    first glyph (LibreOffice keeps the space of many soft line breaks there;
    Hancom PDFs never do, so its absence proves nothing). `spaced_out` says
    the line is one word with its syllables spread apart ("금   융"), its
    text written without the gaps (its pieces keep them). `advance` is the
    pitch of two Hangul syllables side by side in the line, in points (0
    when it has no such pair): the room one more syllable takes.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    pieces: tuple[tuple[float, float, str], ...]
    space_before: bool = False
    spaced_out: bool = False
    advance: float = 0.0

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class TextBlock:
    """Consecutive lines of one paragraph (or heading, when `level` > 0) on one page; `boxed` for a line
    printed in a box of its own (a boxed title), `drawing` for text in the boxes of a drawing."""

    text: str
    page: int
    line_no: int
    bbox: tuple[float, float, float, float]
    size: float
    bold: bool
    level: int = 0
    boxed: bool = False
    drawing: bool = False


def glyphs_to_lines(glyphs: list[Glyph] | tuple[Glyph, ...]) -> list[TextLine]:
    """Group glyphs into lines, top to bottom.

    A glyph joins the current line while its vertical centre stays within half
    a glyph height of the line's first centre; inside a line glyphs are read
    left to right, a gap over `WORD_GAP_EM` prints a space and a gap over
    `PIECE_GAP_EM` starts a new piece. Duplicate glyphs printed on top of
    each other (fake bold) are read once.
    """
    ordered = sorted(glyphs, key=_centre_key)
    lines: list[TextLine] = []
    current: list[Glyph] = []
    anchor = half = 0.0
    for glyph in ordered:
        centre = (glyph.top + glyph.bottom) / 2
        height = (glyph.bottom - glyph.top) / 2
        if current and centre - anchor > (height if height < half else half):
            lines.append(_line_of(current))
            current = []
        if not current:
            anchor, half = centre, height
        current.append(glyph)
    if current:
        lines.append(_line_of(current))
    return sorted(lines, key=lambda ln: (ln.top, ln.x0))


def _line_of(glyphs: list[Glyph]) -> TextLine:
    """A `TextLine` from the glyphs of one line (any order).

    Where a glyph's box reaches past the next glyph's origin (the font
    overstates its width), the gap before a glyph is the larger of the gap
    between boxes and the gap left by the pitch between origins
    (`words.pitch_gaps`), so word spaces show even where the text layer has
    no space characters.
    """
    ordered = _without_overprints(sorted(glyphs, key=_X0))
    size = dominant_size(ordered)
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(ordered)]
    if gaps and min(gaps) < -OVERSTATED_EM * size:
        gaps = pitch_gaps(ordered, gaps)
    pieces: list[tuple[float, float, str]] = []
    piece_gap, word_gap, loose = PIECE_GAP_EM * size, WORD_GAP_EM * size, -0.5 * size
    chars = [ordered[0].text]
    start = ordered[0].x0
    for gap, a, b in zip(gaps, ordered, ordered[1:]):
        if gap > piece_gap:
            pieces.append((start, a.x1, "".join(chars)))
            chars, start = [], b.x0
        elif gap > word_gap or (b.space_before and gap > loose):
            chars.append(" ")
        chars.append(b.text)
    pieces.append((start, ordered[-1].x1, "".join(chars)))
    bold = sum(map(_BOLD, ordered)) >= 0.6 * len(ordered)
    spaced_out = is_spaced_out(ordered)
    return TextLine("".join(map(_TEXT, ordered)) if spaced_out else " ".join(p[2] for p in pieces),
                    ordered[0].x0, min(map(_TOP, ordered)), max(map(_X1, ordered)), max(map(_BOTTOM, ordered)),
                    size, bold, tuple(pieces), ordered[0].space_before, spaced_out, _syllable_advance(ordered, size))


def _syllable_advance(ordered: list[Glyph], size: float) -> float:
    """The narrowest pitch (origin to origin, points) of two Hangul syllables side by side, at least
    0.3 em (overprints aside); 0 without such a pair."""
    xs = [g.x0 for g in ordered if is_full_width(g.text)]
    return min((b - a for a, b in itertools.pairwise(xs) if b - a >= 0.3 * size), default=0.0)


_TEXT, _X0, _TOP, _X1, _BOTTOM, _BOLD = (itemgetter(i) for i in (0, 1, 2, 3, 4, 6))  # Glyph fields


def _centre_key(glyph: Glyph) -> tuple[float, float]:
    return (glyph.top + glyph.bottom, glyph.x0)


def _without_overprints(ordered: list[Glyph]) -> list[Glyph]:
    """Glyphs left to right with copies printed over each other (fake bold) read once."""
    out = ordered[:1]
    for glyph in ordered[1:]:
        last = out[-1]
        if not (glyph.text == last.text and abs(glyph.x0 - last.x0) < 0.25 * (last.x1 - last.x0)):
            out.append(glyph)
    return out


def dominant_size(glyphs: list[Glyph]) -> float:
    """The largest font size carried by at least a third of the glyphs (parenthesised asides are smaller)."""
    sizes = {g.size for g in glyphs}
    if len(sizes) == 1:
        return round(sizes.pop() * 2) / 2
    counts = Counter(round(g.size * 2) / 2 for g in glyphs)
    return max(size for size, n in counts.items() if n * 3 >= len(glyphs) or n == max(counts.values()))


def lines_to_text(lines: list[TextLine], stats: WordStats | None = None, right: float = 0.0) -> str:
    """Lines read top to bottom as one text (multi-line cells, wrapped paragraphs), joined with a space
    unless the break fell inside the text (`joins_without_space`). Only a full line (`is_full`: no room
    left before `right`, the end of the longest line if further, for the next line's first glyph) can
    have wrapped inside a word; a line that stopped short ended at a word or a paragraph."""
    text = lines[0].text if lines else ""
    right = max(right, max((ln.x1 for ln in lines), default=0.0))
    for a, b in itertools.pairwise(lines):
        text += ("" if joins_without_space(a, b, stats if is_full(a, b, right) else None) else " ") + b.text
    return text


def is_full(a: TextLine, b: TextLine, right: float) -> bool:
    """Whether line a, followed by b, left no room before `right` (the text's right edge) for b's first
    glyph: under `FULL_LINE_SHARE` of its advance (a Hangul syllable's pitch in a, at most an em, times
    `words.advance_share`; half of that for other glyphs), with what may not part from it at a line
    end: the closing punctuation after it ("성,"), the glyph after an opening bracket ("(해"). Lines
    centred on each other share their room between both sides."""
    room = right - a.x1
    if abs(a.x0 + a.x1 - b.x0 - b.x1) <= 0.5 * a.size and abs(a.x0 - b.x0) > 0.5 * a.size:
        room *= 2
    glyph = advance_share(b.text[:1]) or 0.5
    if _CLOSES.match(b.text[1:2]):
        glyph += 0.5
    elif _OPENER.match(b.text):
        glyph += advance_share(b.text[1:2]) or 0.5
    return room < FULL_LINE_SHARE * glyph * min(a.advance or a.size, a.size)


def joins_without_space(a: TextLine, b: TextLine, stats: WordStats | None = None) -> bool:
    """Whether wrapped line b continues line a without a space.

    A break at punctuation inside the text: a ends on an opening bracket or
    quote or on a hyphen joining two words, or b opens with closing
    punctuation (nobody prints "( 시행동수", "복지- 고용" or "실적 )"). A
    letter-spaced word going on (both lines `spaced_out`). Or, with the
    document's `stats` (given for a full line only), a hyphen-joined code
    going on ("…-맞춤형진" / "단치료-품목") or a wrap inside one word
    (`words.breaks_inside_word`: "진" / "단 체계", "2" / "차"). A space the
    text layer itself carries before b is kept.
    """
    if b.space_before:
        return False
    if _OPENS.search(a.text) or _CLOSES.match(b.text) or (a.spaced_out and b.spaced_out):
        return True
    if stats is not None and _CHAIN_END.search(a.text) and _CHAIN_GOES_ON.match(b.text):
        return True
    return stats is not None and breaks_inside_word(a.text, b.text, stats)


def is_page_number(text: str) -> bool:
    """Bare page numbers: '3', '- 3 -', '(3)', '3 / 10', 'Page 3', 'iv'."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def running_line_keys(pages: list[tuple[float, list[TextLine]]]) -> set[tuple[str, int, str]]:
    """Keys of margin lines repeated at the same place on at least half the pages (and two or more).

    `pages` holds each page's height and lines. A key is (zone, rounded top,
    text with digits as '#'), so "- 3 -" and "- 4 -" or a dated header match.
    """
    counts: Counter[tuple[str, int, str]] = Counter()
    for height, lines in pages:
        counts.update({key for line in lines if (key := margin_key(line, height))})
    needed = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= needed}


def margin_key(line: TextLine, height: float) -> tuple[str, int, str] | None:
    """The running-line key of a line in the top or bottom margin zone, else None."""
    if line.bottom <= height * MARGIN_ZONE:
        zone = "top"
    elif line.top >= height * (1 - MARGIN_ZONE):
        zone = "bottom"
    else:
        return None
    return (zone, round(line.top / 4), re.sub(r"\d+", "#", " ".join(line.text.split())))


def drop_running_lines(lines: list[TextLine], height: float, running: set[tuple[str, int, str]]) -> list[TextLine]:
    """Lines without running headers/footers and without bare page numbers in the margin zones."""
    kept = []
    for line in lines:
        key = margin_key(line, height)
        if key and (key in running or is_page_number(line.text)):
            continue
        kept.append(line)
    return kept


def lines_to_blocks(lines: list[TextLine], page: int, first_line_no: int, right_edge: float,
                    stats: WordStats | None = None) -> list[TextBlock]:
    """Join wrapped lines into paragraphs (their texts joined by `lines_to_text`).

    Requires lines in reading order with no table between them. Line b
    continues the paragraph ending in line a when the font sizes are close
    (±15%: a wrapped line may be all parenthetical, set smaller),
    the gap between them is under 0.7 line heights, a runs to within three
    em of `right_edge` (it wrapped), b starts near a's left edge (hanging or
    first-line indents allowed) and b does not start with a bullet or number.
    """
    blocks: list[TextBlock] = []
    group: list[TextLine] = []
    for index, line in enumerate(lines):
        if group and not _continues(group[-1], group[0], line, right_edge):
            blocks.append(_block_of(group, page, first_line_no + index - len(group), stats))
            group = []
        group.append(line)
    if group:
        blocks.append(_block_of(group, page, first_line_no + len(lines) - len(group), stats))
    return blocks


def _continues(a: TextLine, first: TextLine, b: TextLine, right_edge: float) -> bool:
    """Whether line b is the wrapped continuation of the paragraph whose last line is a."""
    em = a.size
    return (abs(a.size - b.size) <= max(0.6, 0.15 * a.size)
            and -0.3 * em <= b.top - a.bottom <= 0.7 * a.height
            and a.x1 >= right_edge - 3 * em
            and first.x0 - 1.5 * em <= b.x0 <= first.x0 + 3 * em
            and not _MARKER.match(b.text))


def _block_of(lines: list[TextLine], page: int, line_no: int, stats: WordStats | None = None) -> TextBlock:
    """A paragraph block from its lines (text joined by `lines_to_text`)."""
    bbox = (min(ln.x0 for ln in lines), lines[0].top, max(ln.x1 for ln in lines), lines[-1].bottom)
    weight = [len(ln.text) for ln in lines]
    size = max(lines, key=lambda ln: len(ln.text)).size
    bold = sum(w for w, ln in zip(weight, lines) if ln.bold) >= 0.6 * sum(weight)
    return TextBlock(lines_to_text(lines, stats), page, line_no + 1, bbox, size, bold)


def body_size(blocks: list[TextBlock]) -> float:
    """The most common font size (by characters, 0.5 pt steps) of the running text."""
    counts: Counter[float] = Counter()
    for block in blocks:
        counts[round(block.size * 2) / 2] += len(block.text)
    return counts.most_common(1)[0][0] if counts else 0.0


def heading_levels(blocks: list[TextBlock], body: float) -> dict[tuple[float, bool], int]:
    """(font size, boxed) → heading level over the heading-like blocks: larger sizes first (level 1), and
    at one size a boxed title above plain text."""
    keys = {_level_key(b) for b in blocks if _is_heading_like(b, body)}
    return {key: level for level, key in enumerate(sorted(keys, reverse=True), start=1)}


def _level_key(block: TextBlock) -> tuple[float, bool]:
    return (round(block.size * 2) / 2, block.boxed)


def _is_heading_like(block: TextBlock, body: float) -> bool:
    """Short, with a letter (a date line is no title), and boxed or clearly larger than the body font or
    bold and larger than it; never text in a drawing."""
    if block.drawing or len(block.text) > 80 or not _LETTER.search(block.text):
        return False
    if block.boxed:
        return block.size >= body - 0.5
    return block.size >= body * HEADING_RATIO or (block.bold and block.size >= body + 0.5)


def with_level(block: TextBlock, levels: dict[tuple[float, bool], int], body: float) -> TextBlock:
    """The block marked as a heading when it is heading-like (its level from its font size and box)."""
    if not _is_heading_like(block, body):
        return block
    return replace(block, level=levels[_level_key(block)])
