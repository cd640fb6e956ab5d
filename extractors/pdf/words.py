"""Where PDF words begin and end: spaces from glyph pitch, letter-spaced labels, words broken by a line wrap.

Hancom's PDFs say little about spaces. The Windows export prints without
space characters and with every glyph box one em wide while the pen moves
0.6 em, so only the pitch between glyph origins shows a word boundary
(`pitch_gaps`). Cells aligned "distributed" spread a label's syllables over
the cell ("금   융"), which is one word (`is_spaced_out`). And Hangul wraps at
any syllable: a line may end inside a word ("진" / "단 체계") or at a word
boundary, and nothing in the text layer tells the two apart. The document
itself does: `WordStats` counts, over every line's interior, how often two
syllables sit side by side inside a word and how often a space parts them;
`breaks_inside_word` asks those counts about the two syllables at a wrap.

All functions are pure.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from extractors.pdf.page import Glyph

PITCH_WINDOW = 3         # full-width pairs this many glyphs away on either side give a glyph's in-word pitch
PIECE_BREAK_EM = 3.0     # a pitch this wide (in em) parts two runs of a line: no pitch is shared across it
WRAP_INSIDE_SHARE = 0.7  # a document whose decided wraps fall inside words this often wraps inside words ...
WRAP_DECIDED = 5         # ... judged on at least this many wraps
SPACED_OUT_EM = 0.2      # syllables this far apart (and more) throughout a line are one letter-spaced word

_NO_PITCH = float("inf")
_NARROW = frozenset(".,:;'\"()[]{}-/")
_DIGITS = str.maketrans("0123456789", "0" * 10)
_PAIR = re.compile(r"(?=([가-힣][가-힣0(]|0[가-힣]))")
_ACROSS = re.compile(r"(?=([가-힣] [가-힣0(]|0 [가-힣]))")
_TOKEN = re.compile(r"[가-힣]+")
_SINGLE = re.compile(r"(?<= )[가-힣](?=[^가-힣\n])")


def is_full_width(text: str) -> bool:
    """A Hangul syllable or CJK ideograph: one em wide in every Korean font."""
    return "가" <= text <= "힣" or "一" <= text <= "鿿"


# --- spaces inside a line ----------------------------------------------------------------------

def pitch_gaps(ordered: list[Glyph], gaps: list[float]) -> list[float]:
    """The gaps between the glyphs of a line (left to right), each the larger of its box gap in `gaps` and
    the blank the pitch between origins leaves: the pitch minus the glyph's own advance
    (`advance_share` of the in-word pitch near it, `word_pitches`).

    "야관" 7.1 pt apart sit inside a word, "개분" 10.8 pt apart across one
    (12 pt glyphs condensed to 0.59 em; their boxes say 12 pt each).
    """
    out = list(gaps)
    for i, pitch in enumerate(word_pitches(ordered)):
        if pitch is None:
            continue
        a = ordered[i]
        share = advance_share(a.text)
        if share is not None:
            blank = ordered[i + 1].x0 - a.x0 - share * pitch * a.size
            if blank > out[i]:
                out[i] = blank
    return out


def word_pitches(ordered: list[Glyph]) -> list[float | None]:
    """For each glyph of a line (left to right) but the last, the pitch (origin to origin, in em) of two
    full-width glyphs inside a word near it, or None when its part of the line has no full-width pair.

    A part is a stretch of one font size not broken by a pitch over
    `PIECE_BREAK_EM` (another column). Pairs across a word boundary are
    wider by a space, so the narrowest pitch among the part's full-width
    pairs within `PITCH_WINDOW` glyphs is an in-word one; taken near each
    glyph, it follows a run printed condensed beside one printed at full
    width. With fewer than two pairs that near, the narrowest of the part is
    taken (a lone pair may be a word boundary: too wide a pitch only finds
    fewer spaces).
    """
    full = [_full_width(g.text) for g in ordered]
    count = len(ordered) - 1
    values = [_NO_PITCH] * count
    bounds = [0]
    previous_size = ordered[0].size
    for i in range(count):
        a, b = ordered[i], ordered[i + 1]
        pitch = (b.x0 - a.x0) / a.size if a.size > 0 else 0.0
        if i and (pitch > PIECE_BREAK_EM or a.size != previous_size):
            bounds.append(i)
        previous_size = a.size
        if full[i] and full[i + 1] and pitch > 0 and a.size == b.size:
            values[i] = pitch
    bounds.append(count)
    out: list[float | None] = []
    for lo, hi in itertools.pairwise(bounds):
        part = values[lo:hi]
        lowest = min(part, default=_NO_PITCH)
        if lowest == _NO_PITCH:
            out.extend([None] * (hi - lo))
            continue
        valid = list(itertools.accumulate((v != _NO_PITCH for v in part), initial=0))
        for i in range(hi - lo):
            first, last = max(0, i - PITCH_WINDOW), min(hi - lo, i + PITCH_WINDOW + 1)
            out.append(min(part[first:last]) if valid[last] - valid[first] >= 2 else lowest)
    return out


@lru_cache(maxsize=8192)
def _full_width(text: str) -> bool:
    return is_full_width(text)


@lru_cache(maxsize=8192)
def advance_share(text: str) -> float | None:
    """A glyph's advance as a share of a Hangul syllable's in Korean fonts: 1 for syllables, ideographs
    and full-width symbols (□ ㅇ ◆ ※ ⇒ …), ½ for ASCII digits and narrow punctuation; None for letters
    and the rest, whose widths vary from font to font ("%", "<")."""
    if is_full_width(text) or _is_wide_symbol(text):
        return 1.0
    if len(text) == 1 and ((text.isascii() and text.isdigit()) or text in _NARROW):
        return 0.5
    return None


def _is_wide_symbol(text: str) -> bool:
    """Arrows, shapes, dingbats, CJK symbols and compatibility jamo, full-width forms, and ※."""
    if len(text) != 1:
        return False
    code = ord(text)
    return 0x2190 <= code <= 0x2BFF or 0x3000 <= code <= 0x33FF or 0xFF01 <= code <= 0xFF60 or code == 0x203B


def is_spaced_out(ordered: list[Glyph]) -> bool:
    """Whether a line (glyphs left to right) is one word with its syllables spread evenly apart (a cell
    aligned "distributed"): full-width glyphs only, three or more with every pitch `SPACED_OUT_EM` wider
    than an em and all within 15% of each other ("부 동 산 업", "네 덜 란 드"), or two at least half an
    em apart ("금   융")."""
    if len(ordered) < 2 or not all(_full_width(g.text) and g.size > 0 for g in ordered):
        return False
    pitches = [(b.x0 - a.x0) / a.size for a, b in itertools.pairwise(ordered)]
    if len(pitches) == 1:
        return pitches[0] >= 1.5
    return min(pitches) >= 1 + SPACED_OUT_EM and max(pitches) <= 1.15 * min(pitches)


# --- words broken by a wrap -------------------------------------------------------------------

@dataclass(frozen=True)
class WordStats:
    """Over a document's line interiors: how often each pair of neighbours sits side by side inside a word
    (`inside`) and how often a single space parts it (`across`); the Hangul words (`words`) and the
    one-syllable words printed between spaces or punctuation inside a line (`singles`: "및", "등"); and
    whether the document's lines mostly wrap inside words (`wraps_inside`, see `wrap_habit`).

    A pair is two Hangul syllables, a syllable and a digit ("0" stands for any digit: "0년", "제0") or a
    syllable and an opening parenthesis ("개("); `opens` sums the latter (inside, across): whether the
    document writes "공개(5월)" or "공개 (5월)".
    """

    inside: Counter[str]
    across: Counter[str]
    words: frozenset[str]
    wraps_inside: bool = False
    singles: frozenset[str] = frozenset()
    opens: tuple[int, int] = (0, 0)


def texts_to_word_stats(texts: Iterable[str]) -> WordStats:
    """The `WordStats` of some line texts (each one printed line, without its line breaks)."""
    text = "\n".join(texts)   # one pass over all of them: no pair, spaced pair or word runs across a newline
    units = text.translate(_DIGITS)
    inside = Counter(_PAIR.findall(units))
    across = Counter(s[0] + s[2] for s in _ACROSS.findall(units))
    opens = (sum(n for pair, n in inside.items() if pair[1] == "("),
             sum(n for pair, n in across.items() if pair[1] == "("))
    return WordStats(inside, across, frozenset(_TOKEN.findall(text)), singles=frozenset(_SINGLE.findall(text)),
                     opens=opens)


def wrap_habit(stats: WordStats, wraps: Iterable[tuple[str, str]]) -> WordStats:
    """`stats` knowing how the document wraps: `wraps_inside` when, of the wraps between two syllables
    (texts of a full line and the next) that the syllable counts decide, at least `WRAP_INSIDE_SHARE`
    (and `WRAP_DECIDED` or more) fall inside a word. Hangul set to wrap at any syllable breaks words
    more often than not; set to wrap at words it almost never does. The habit decides the wraps that
    the counts leave open."""
    inside = across = 0
    for before, after in wraps:
        if before and after and "가" <= before[-1] <= "힣" and "가" <= after[0] <= "힣":
            pair = before[-1] + after[0]
            inside += stats.inside[pair] > stats.across[pair]
            across += stats.across[pair] > stats.inside[pair]
    decided = inside + across
    return replace(stats, wraps_inside=decided >= WRAP_DECIDED and inside >= WRAP_INSIDE_SHARE * decided)


def breaks_inside_word(before: str, after: str, stats: WordStats) -> bool:
    """Whether a line ending in `before` wrapped inside a word that goes on in `after`.

    Only a wrap between a Hangul syllable and a syllable, a digit or an
    opening parenthesis is a question ("진" / "단 체계", "2" / "차 개통",
    "공개" / "(5월)"). Yes when the two lines' edge words joined make a word
    seen elsewhere in the document that is not both of them seen apart, or
    when `after` opens with a lone syllable the document never prints as a
    word of its own ("소통" / "성, 정확성": a suffix), unless the pair is
    seen more often across a space. Otherwise yes when the edge pair sits
    inside a word more often than across a space (a parenthesis: as the
    document mostly writes one), or as often in a document that wraps
    inside words (`wrap_habit`). One-syllable lines stacked on each other
    are vertical writing ("기" / "획").
    """
    if not before or not after:
        return False
    x, y = before[-1].translate(_DIGITS), after[0].translate(_DIGITS)   # as the stats count them: a digit is "0"
    hangul_x, hangul_y = "가" <= x <= "힣", "가" <= y <= "힣"
    if not ((hangul_x and (hangul_y or y in "0(")) or (x == "0" and hangul_y)):
        return False
    inside, across = stats.inside[x + y], stats.across[x + y]
    if hangul_x and hangul_y:
        if len(before.strip()) == 1 and len(after.strip()) == 1:
            return True
        head = _TOKEN.findall(before)[-1]
        tail = _TOKEN.match(after)
        if tail and head + tail.group() in stats.words and not (head in stats.words and tail.group() in stats.words):
            return True
        if tail and len(tail.group()) == 1 and tail.group() not in stats.singles and across <= inside:
            return True
    if y == "(" and inside == across:
        inside, across = stats.opens
    return inside > across or (inside == across and stats.wraps_inside)
