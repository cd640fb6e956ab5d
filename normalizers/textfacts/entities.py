"""Typed entities in running text: MONEY, PERCENT, COUNT, DATE, REGION, ORG.

The finders are regex-first and work on characters (`normalizers.money`,
`years`, `regions`, `tags`): Korean glues amounts and particles to words
('998백만원(시', '마포구의'), which token patterns would miss. Every finder
reports `Entity` values, and these flow inward unchanged (mentions, regions,
breakdown parts); `normalizers.textfacts.nlp` wraps the same entities as a
spaCy pipeline at the edge, for anyone who wants spaCy `Doc`s.

    MONEY    amount + unit -> KRW, breakdown parts with their fund source
    PERCENT  '94.4%', '2.5%p'
    COUNT    '13명', '18개소', '81천명'
    DATE     dates, years and plan periods
    REGION   시도/시군구 names, short forms included ('부산북구', '강원원주')
    ORG      departments by suffix rules ('지역복지과', '희망복지지원단')
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from normalizers.money import Quantity, find_counts, find_money, find_percents
from normalizers.regions import Region, find_regions
from normalizers.textfacts.tags import find_departments
from normalizers.years import find_dates

LABELS = ("MONEY", "PERCENT", "COUNT", "DATE", "REGION", "ORG")
PRIORITY = {"MONEY": 0, "PERCENT": 1, "COUNT": 2, "DATE": 3, "REGION": 4, "ORG": 4}   # lower wins an overlap
SEPARATOR = "\n\x00\n"   # joins texts for one pass of the finders; no finder pattern crosses a NUL
CHUNK_CHARS = 200_000    # texts are read in joined chunks of about this size (memory stays flat on big documents)


@dataclass(frozen=True)
class Entity:
    """A span a finder reports: `text[start:end]`, its label and its values.

    `part_of` is the start offset of the amount a breakdown part belongs to
    ('시 503' in '998백만원(시 503, 군구 495)'), in the same offsets as `start`.
    """

    label: str
    start: int
    end: int
    value: float | None = None
    unit: str | None = None
    amount_krw: int | None = None
    fund_source: str | None = None
    region: Region | None = None
    part_of: int | None = None
    currency: str | None = None
    currency_amount: float | None = None

    def shifted(self, delta: int) -> Entity:
        """The same entity with offsets moved by `delta` (into another text's coordinates)."""
        part = None if self.part_of is None else self.part_of + delta
        return replace(self, start=self.start + delta, end=self.end + delta, part_of=part)


def _quantities(label: str, found: Iterable[Quantity]) -> list[Entity]:
    return [Entity(label, q.start, q.end, q.value, q.unit, q.amount_krw, q.fund_source, part_of=q.parent_start,
                   currency=q.currency, currency_amount=q.currency_amount) for q in found]


def _dates(text: str) -> list[Entity]:
    """DATE entities: value is the (first) year, unit the kind ('date', 'year', 'period')."""
    return [Entity("DATE", d.start, d.end, float(d.year) if d.year else None, d.kind) for d in find_dates(text)]


FINDERS: dict[str, Callable[[str], list[Entity]]] = {
    "MONEY": lambda text: _quantities("MONEY", find_money(text)),
    "PERCENT": lambda text: _quantities("PERCENT", find_percents(text)),
    "COUNT": lambda text: _quantities("COUNT", find_counts(text)),
    "DATE": _dates,
    "REGION": lambda text: [Entity("REGION", s.start, s.end, region=s.region) for s in find_regions(text)],
    "ORG": lambda text: [Entity("ORG", o.start, o.end) for o in find_departments(text)],
}


def check_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """`labels` as a tuple, or ValueError naming the unknown ones and what is available."""
    labels = tuple(labels)
    unknown = set(labels) - set(FINDERS)
    if unknown:
        raise ValueError(f"unknown entity labels {sorted(unknown)}; available: {' '.join(FINDERS)}")
    return labels


def find_entities(text: str, labels: Iterable[str] = LABELS) -> list[Entity]:
    """Every entity of `labels` in `text`, without overlaps, in text order.

    Where spans overlap, the label of lower PRIORITY wins (numbers before
    names), then the longer span (a region or a department).
    """
    candidates = [e for label in check_labels(labels) for e in FINDERS[label](text)]
    candidates.sort(key=lambda e: (PRIORITY[e.label], e.start - e.end, e.start))
    kept: list[Entity] = []
    taken = bytearray(len(text) + 1)
    for e in candidates:
        if e.end > e.start and not any(taken[e.start:e.end]):
            kept.append(e)
            taken[e.start:e.end] = b"\x01" * (e.end - e.start)
    return sorted(kept, key=lambda e: e.start)


def text_chunks(texts: Sequence[str], limit: int = CHUNK_CHARS) -> list[range]:
    """Consecutive index ranges of `texts` whose joined length stays near `limit` (a longer text alone)."""
    out: list[range] = []
    first, size = 0, 0
    for i, text in enumerate(texts):
        if i > first and size + len(text) > limit:
            out.append(range(first, i))
            first, size = i, 0
        size += len(text) + len(SEPARATOR)
    if first < len(texts):
        out.append(range(first, len(texts)))
    return out


def entities_by_text(texts: Sequence[str], labels: Iterable[str] = LABELS) -> list[list[Entity]]:
    """The entities of each text, offsets (and `part_of`) local to that text.

    Texts are joined by `SEPARATOR` into chunks of about `CHUNK_CHARS` and
    each chunk is read in one pass, which is much faster than one pass per
    paragraph and keeps memory flat on a document of any size.
    """
    labels = check_labels(labels)
    out: list[list[Entity]] = [[] for _ in texts]
    for chunk in text_chunks(texts):
        starts, pos = [], 0
        for i in chunk:
            starts.append(pos)
            pos += len(texts[i]) + len(SEPARATOR)
        found = find_entities(SEPARATOR.join(texts[i] for i in chunk), labels)
        k = 0
        for e in found:
            while k + 1 < len(starts) and starts[k + 1] <= e.start:
                k += 1
            out[chunk[k]].append(e.shifted(-starts[k]))
    return out
