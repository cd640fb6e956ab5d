"""Where PDF words begin and end: spaces from glyph pitch, letter-spaced labels, words broken by a line wrap.

Hancom's PDFs say little about spaces. The Windows export prints without
space characters and with every glyph box one em wide while the pen moves
0.6 em, so only the pitch between glyph origins shows a word boundary
(`pitch_gap`). Cells aligned "distributed" spread a label's syllables over
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
from dataclasses import dataclass

from extractors.pdf.page import Glyph

PITCH_WINDOW = 3         # full-width pairs on each side that give a glyph's in-word pitch
PIECE_BREAK_EM = 3.0     # a pitch this wide (in em) parts two runs of a line: no pitch is shared across it
SPACED_OUT_EM = 0.5      # syllables this far apart (and more) throughout a line are one letter-spaced word

_PAIR = re.compile(r"(?=([가-힣]{2}))")
_ACROSS = re.compile(r"(?=([가-힣]) ([가-힣]))")
_TOKEN = re.compile(r"[가-힣]+")


def is_full_width(text: str) -> bool:
    """A Hangul syllable or CJK ideograph: one em wide in every Korean font."""
    return "가" <= text <= "힣" or "一" <= text <= "鿿"


# --- spaces inside a line ----------------------------------------------------------------------

def word_pitches(ordered: list[Glyph]) -> list[float | None]:
    """For each glyph of a line (left to right) but the last, the pitch (origin to origin, in em) of a
    full-width glyph inside a word near it, or None when its neighbourhood has fewer than two full-width
    pairs.

    Pairs across a word boundary are wider by a space, so the narrowest
    pitch among the `PITCH_WINDOW` full-width pairs of the same size on
    either side (not reaching past a wide break) is an in-word one. Taken
    near each glyph, it follows a run printed condensed beside one printed
    at full width on the same line.
    """
    ratios: list[float | None] = []
    runs: list[int] = []
    run = 0
    for a, b in itertools.pairwise(ordered):
        pitch = (b.x0 - a.x0) / a.size if a.size > 0 else 0.0
        if pitch > PIECE_BREAK_EM:
            run += 1
        runs.append(run)
        ratios.append(pitch if pitch > 0 and a.size == b.size and is_full_width(a.text) and is_full_width(b.text)
                      else None)
    out: list[float | None] = []
    for i, a in enumerate(ordered[:-1]):
        near = [r for j in range(max(0, i - PITCH_WINDOW), min(len(ratios), i + PITCH_WINDOW + 1))
                if (r := ratios[j]) is not None and runs[j] == runs[i] and ordered[j].size == a.size]
        out.append(min(near) if len(near) >= 2 else None)
    return out


def pitch_gap(a: Glyph, b: Glyph, pitch: float | None) -> float:
    """The blank between glyphs a and b judged by the pitch of their origins: the pitch minus a's own
    advance (`pitch` em for a full-width glyph, half of it for a digit); -inf when a's advance is unknown.

    "야관" 7.1 pt apart sit inside a word, "개분" 10.8 pt apart across one
    (12 pt glyphs condensed to 0.59 em; their boxes say 12 pt each).
    """
    if pitch is None:
        return float("-inf")
    if is_full_width(a.text):
        return b.x0 - a.x0 - pitch * a.size
    if a.text.isdigit() and a.text.isascii():
        return b.x0 - a.x0 - pitch * a.size / 2
    return float("-inf")


def is_spaced_out(ordered: list[Glyph]) -> bool:
    """Whether a line (glyphs left to right) is one word with its syllables spread apart: two or more
    full-width glyphs only, every gap between them `SPACED_OUT_EM` or wider ("금   융", "사 업 비")."""
    return (len(ordered) >= 2 and all(is_full_width(g.text) for g in ordered)
            and all(b.x0 - a.x0 >= (1 + SPACED_OUT_EM) * a.size for a, b in itertools.pairwise(ordered)))


# --- words broken by a wrap -------------------------------------------------------------------

@dataclass(frozen=True)
class WordStats:
    """Over a document's line interiors: how often each pair of syllables sits side by side inside a word
    (`inside`) and how often a single space parts it (`across`); the Hangul words (`words`)."""

    inside: Counter[str]
    across: Counter[str]
    words: frozenset[str]


def texts_to_word_stats(texts: Iterable[str]) -> WordStats:
    """The `WordStats` of some line texts (each one printed line, without its line breaks)."""
    inside: Counter[str] = Counter()
    across: Counter[str] = Counter()
    words: set[str] = set()
    for text in texts:
        inside.update(_PAIR.findall(text))
        across.update(a + b for a, b in _ACROSS.findall(text))
        words.update(_TOKEN.findall(text))
    return WordStats(inside, across, frozenset(words))


def breaks_inside_word(before: str, after: str, stats: WordStats) -> bool:
    """Whether a line ending in `before` wrapped inside a word that goes on in `after`.

    Only a wrap between two Hangul syllables is a question. Yes when the
    two lines' edge words joined make a word seen elsewhere in the document
    that is not both of them seen apart; otherwise yes when the edge
    syllables sit inside a word more often than across a space. One-syllable
    lines stacked on each other are vertical writing ("기" / "획").
    """
    if not before or not after or not ("가" <= before[-1] <= "힣" and "가" <= after[0] <= "힣"):
        return False
    if len(before.strip()) == 1 and len(after.strip()) == 1:
        return True
    head = _TOKEN.findall(before)[-1]
    tail = _TOKEN.match(after)
    if tail and head + tail.group() in stats.words and not (head in stats.words and tail.group() in stats.words):
        return True
    pair = before[-1] + after[0]
    return stats.inside[pair] > stats.across[pair]
