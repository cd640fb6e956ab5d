"""Amounts, percentages, counts and dates in running text -> `Mention` rows.

The entities come from `normalizers.textfacts.entities` (MONEY, PERCENT,
COUNT, DATE); the printed text is kept as printed ('85.6억 원'), `amount_krw`
is exact KRW for money, and the parts of a breakdown
('26,873백만원(국비 19,544, …)') are money mentions of their own with
`fund_source` set and amounts in the parent's unit.
"""
from __future__ import annotations

from normalizers.record import Mention
from normalizers.textfacts.entities import Entity, find_entities

KIND_OF_LABEL = {"MONEY": "money", "PERCENT": "percent", "COUNT": "count", "DATE": "date"}


def entity_to_mention(entity: Entity, text: str, start: int, end: int, *, mention_id: str,
                      section_id: str | None = None, page: int | None = None,
                      line: int | None = None) -> Mention | None:
    """A Mention of a numeric entity printed as `text`, at offsets `start`..`end`; None for other labels."""
    kind = KIND_OF_LABEL.get(entity.label)
    if kind is None:
        return None
    return Mention(mention_id=mention_id, section_id=section_id, kind=kind, text=text,
                   value=entity.value, unit=entity.unit, amount_krw=entity.amount_krw,
                   char_start=start, char_end=end, fund_source=entity.fund_source, page=page, line=line,
                   currency=entity.currency, currency_amount=entity.currency_amount)


def text_to_mentions(text: str, *, section_id: str | None = None, page: int | None = None,
                     line: int | None = None, id_prefix: str = "m") -> list[Mention]:
    """Every money, percent, count and date mention in `text`, with offsets into `text`.

    Ids are `id_prefix`1, 2, …; `line` is the line of the text's first
    character and each mention's line counts the line breaks before it.
    '총 85.6억 원(4년간 지역당 10.7억 원)' gives money mentions '85.6억 원'
    (8_560_000_000) and '10.7억 원' (1_070_000_000).
    """
    out: list[Mention] = []
    for e in find_entities(text):
        at = None if line is None else line + text.count("\n", 0, e.start)
        mention = entity_to_mention(e, text[e.start:e.end], e.start, e.end, mention_id=f"{id_prefix}{len(out) + 1}",
                                    section_id=section_id, page=page, line=at)
        if mention is not None:
            out.append(mention)
    return out
