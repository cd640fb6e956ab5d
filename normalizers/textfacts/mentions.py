"""Amounts, percentages, counts and dates in running text -> `Mention` rows.

The spans come from the spaCy pipeline of `normalizers.textfacts.nlp` (MONEY,
PERCENT, COUNT, DATE entities); the printed text is kept as printed
('85.6억 원'), `amount_krw` is exact KRW for money, and the parts of a
breakdown ('26,873백만원(국비 19,544, …)') are money mentions of their own with
`fund_source` set and amounts in the parent's unit.
"""
from __future__ import annotations

from spacy.tokens import Span

from normalizers.record import Mention
from normalizers.textfacts.nlp import get_nlp

KIND_OF_LABEL = {"MONEY": "money", "PERCENT": "percent", "COUNT": "count", "DATE": "date"}


def span_to_mention(span: Span, start: int, end: int, *, mention_id: str, section_id: str | None = None,
                    page: int | None = None, line: int | None = None) -> Mention | None:
    """A Mention of a numeric entity at offsets `start`..`end`, or None for other labels."""
    kind = KIND_OF_LABEL.get(span.label_)
    if kind is None:
        return None
    ext = span._
    return Mention(mention_id=mention_id, section_id=section_id, kind=kind, text=span.text,
                   value=ext.value, unit=ext.unit, amount_krw=ext.amount_krw,
                   char_start=start, char_end=end, fund_source=ext.fund_source, page=page, line=line,
                   currency=ext.currency, currency_amount=ext.currency_amount)


def text_to_mentions(text: str, *, section_id: str | None = None, page: int | None = None,
                     line: int | None = None, id_prefix: str = "m") -> list[Mention]:
    """Every money, percent, count and date mention in `text`, with offsets into `text`.

    Ids are `id_prefix`1, 2, …; `line` is the line of the text's first
    character and each mention's line counts the line breaks before it.
    '총 85.6억 원(4년간 지역당 10.7억 원)' gives money mentions '85.6억 원'
    (8_560_000_000) and '10.7억 원' (1_070_000_000).
    """
    out: list[Mention] = []
    for span in get_nlp()(text).ents:
        at = None if line is None else line + text.count("\n", 0, span.start_char)
        mention = span_to_mention(span, span.start_char, span.end_char, mention_id=f"{id_prefix}{len(out) + 1}",
                                  section_id=section_id, page=page, line=at)
        if mention is not None:
            out.append(mention)
    return out
