"""A Korean spaCy pipeline for facts in running text; loads offline in well under 2 s.

`spacy.blank("ko")` needs MeCab, which is not installed, so the pipeline is
`spacy.blank("ko")` with our own tokenizer (`planextract.RuleTokenizer.v1`)
and one component, `planextract_entities`, that sets `doc.ents` with the
labels

    MONEY    amount + unit -> KRW, breakdown parts with their fund source
    PERCENT  '94.4%', '2.5%p'
    COUNT    '13명', '18개소', '81천명'
    DATE     dates, years and plan periods
    REGION   시도/시군구 names, short forms included ('부산북구', '강원원주')
    ORG      departments by suffix rules ('지역복지과', '희망복지지원단')

The finders are regex-first and work on characters (`normalizers.money`,
`years`, `regions`, `tags`): Korean glues amounts and particles to words
('998백만원(시', '마포구의'), which token patterns would miss. The tokenizer
runs them first and cuts tokens at every entity boundary, so each entity is
a real `Span` and the text is tokenized once. Lexical attributes
(`like_num`, `shape_`, …) are not computed: nothing here reads them, and
computing them for every new word costs about a third of the time. Values
ride on Span extensions: `value`, `unit`, `amount_krw`, `fund_source`,
`region`, and `part_of` (the start offset of the amount a breakdown part
belongs to).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, pairwise

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from normalizers.money import Quantity, find_counts, find_money, find_percents
from normalizers.regions import Region, find_regions
from normalizers.textfacts.tags import find_departments
from normalizers.years import find_dates

LABELS = ("MONEY", "PERCENT", "COUNT", "DATE", "REGION", "ORG")
PRIORITY = {"MONEY": 0, "PERCENT": 1, "COUNT": 2, "DATE": 3, "REGION": 4, "ORG": 4}   # lower wins an overlap
EXTENSIONS = ("value", "unit", "amount_krw", "fund_source", "region", "part_of", "currency", "currency_amount")
USER_DATA_KEY = "planextract_entities"
SEPARATOR = "\n\x00\n"   # joins texts for one Doc; no finder pattern crosses a NUL
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)*|[가-힣]+|[A-Za-z]+|\S)( (?! ))?|(\s+)")


@dataclass(frozen=True)
class Entity:
    """A span a finder reports, before it becomes a spaCy `Span`."""

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


def find_entities(text: str, labels: Iterable[str] = LABELS) -> list[Entity]:
    """Every entity of `labels` in `text`, without overlaps, in text order.

    Where spans overlap, the label of lower PRIORITY wins (numbers before
    names), then the longer span (a region or a department).
    """
    candidates = [e for label in labels for e in FINDERS[label](text)]
    candidates.sort(key=lambda e: (PRIORITY[e.label], e.start - e.end, e.start))
    kept: list[Entity] = []
    taken = bytearray(len(text) + 1)
    for e in candidates:
        if e.end > e.start and not any(taken[e.start:e.end]):
            kept.append(e)
            taken[e.start:e.end] = b"\x01" * (e.end - e.start)
    return sorted(kept, key=lambda e: e.start)


class RuleTokenizer:
    """Regex-first tokenizer: finds the entities, then tokenizes so that each starts and ends a token.

    Tokens are numbers, Hangul runs, Latin runs and single symbols; one space
    trails a token, other whitespace is a token. The entities found are kept
    in `doc.user_data[USER_DATA_KEY]` for the `planextract_entities`
    component (as spaCy's MeCab tokenizer for Korean keeps its tags there).
    """

    def __init__(self, vocab, labels: Iterable[str] = LABELS):
        unknown = set(labels) - set(FINDERS)
        if unknown:
            raise ValueError(f"unknown entity labels {sorted(unknown)}; available: {' '.join(FINDERS)}")
        self.vocab = vocab
        self.labels = tuple(labels)

    def __call__(self, text: str) -> Doc:
        entities = find_entities(text, self.labels)
        doc = Doc(self.vocab, *_words_and_spaces(text, [x for e in entities for x in (e.start, e.end)]))
        doc.user_data[USER_DATA_KEY] = tuple(entities)
        return doc


def _words_and_spaces(text: str, cuts: Iterable[int] = ()) -> tuple[list[str], list[bool]]:
    """Tokens of `text`, split further at every offset in `cuts`, and their trailing-space flags."""
    found = _TOKEN.findall(text)
    words = [tok or ws for tok, _, ws in found]
    spaces = [bool(space) for _, space, _ in found]
    starts = [0, *accumulate(len(w) + s for w, s in zip(words, spaces))]
    inside: dict[int, list[int]] = {}
    for cut in set(cuts):
        i = bisect_right(starts, cut) - 1
        if i < len(words) and starts[i] < cut < starts[i] + len(words[i]):
            inside.setdefault(i, []).append(cut - starts[i])
    for i in sorted(inside, reverse=True):
        edges = [0, *sorted(inside[i]), len(words[i])]
        words[i:i + 1] = [words[i][a:b] for a, b in pairwise(edges)]
        spaces[i:i + 1] = [False] * (len(edges) - 2) + [spaces[i]]
    return words, spaces


@spacy.registry.tokenizers("planextract.RuleTokenizer.v1")
def create_rule_tokenizer(labels: Sequence[str] = LABELS) -> Callable[[Language], RuleTokenizer]:
    """The registered tokenizer factory; `labels` choose the finders that cut tokens."""
    return lambda nlp: RuleTokenizer(nlp.vocab, labels)


class EntitySetter:
    """Pipeline component: `doc.ents` (with values on Span extensions) from the tokenizer's entities."""

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for e in doc.user_data.get(USER_DATA_KEY, ()):
            span = doc.char_span(e.start, e.end, label=e.label)
            if span is None:   # the tokenizer cuts at every entity edge, so this cannot happen
                raise ValueError(f"entity {e.label} {e.start}-{e.end} does not align with tokens")
            for name in EXTENSIONS:
                span._.set(name, getattr(e, name))
            spans.append(span)
        doc.ents = spans
        return doc


@Language.factory("planextract_entities")
def make_entity_setter(nlp: Language, name: str) -> EntitySetter:
    """The registered component factory."""
    return EntitySetter()


@cache
def get_nlp(labels: tuple[str, ...] = LABELS) -> Language:
    """The pipeline, built once per label set: `RuleTokenizer` + `planextract_entities`."""
    for name in EXTENSIONS:
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    tokenizer = {"@tokenizers": "planextract.RuleTokenizer.v1", "labels": list(labels)}
    nlp = spacy.blank("ko", config={"nlp": {"tokenizer": tokenizer}})
    nlp.vocab.lex_attr_getters = {}  # type: ignore[attr-defined]
    nlp.add_pipe("planextract_entities")
    return nlp


def ents_by_text(texts: Sequence[str], labels: tuple[str, ...] = LABELS) -> list[list[tuple[Span, int, int]]]:
    """The entities of each text as (span, start, end) with offsets local to that text.

    All texts go through the pipeline as one Doc, joined by `SEPARATOR`, which
    is much faster than one Doc per paragraph.
    """
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + len(SEPARATOR)
    out: list[list[tuple[Span, int, int]]] = [[] for _ in texts]
    if not texts:
        return out
    for ent in get_nlp(labels)(SEPARATOR.join(texts)).ents:
        i = bisect_right(starts, ent.start_char) - 1
        out[i].append((ent, ent.start_char - starts[i], ent.end_char - starts[i]))
    return out
