"""Amounts, percentages, counts and dates in running text -> `Mention` rows.

The entities come from `normalizers.textfacts.entities` (MONEY, PERCENT,
COUNT, DATE); the printed text is kept as printed ('85.6억 원'), `amount_krw`
is exact KRW for money, and the parts of a breakdown
('26,873백만원(국비 19,544, …)') are money mentions of their own with
`fund_source` set and amounts in the parent's unit.

`heading_sum_checks` checks a budget printed in a heading against the budgets
printed in its sub-headings ('2. … 강화(12.03억원)' over '□ …(2.15백만원)',
'□ …(9.88백만원)').
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from normalizers.money import printed_precision
from normalizers.record import Check, Mention, Section
from normalizers.text import breaks_before, line_breaks
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
    breaks = line_breaks(text) if line is not None else []
    for e in find_entities(text):
        at = None if line is None else line + breaks_before(breaks, e.start)
        mention = entity_to_mention(e, text[e.start:e.end], e.start, e.end, mention_id=f"{id_prefix}{len(out) + 1}",
                                    section_id=section_id, page=page, line=at)
        if mention is not None:
            out.append(mention)
    return out


_CLOSE_OF = {"(": ")", "（": "）"}
_LEAD = re.compile(r"\s*(?:[가-힣]+\s*[:：]?\s*)?")   # one word before the amount, if any


def _trailing_group(line: str) -> tuple[int, int] | None:
    """(start, end) of the parenthesised group that ends `line` ('… 강화(12.03억원)'), None if it ends otherwise."""
    text = line.rstrip()
    if not text or text[-1] not in _CLOSE_OF.values():
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] in _CLOSE_OF.values():
            depth += 1
        elif text[i] in _CLOSE_OF:
            depth -= 1
            if depth == 0:
                return i, len(text)
    return None


def title_budget(money: Sequence[tuple[str, Mention]]) -> Mention | None:
    """The budget a heading prints, from the money mentions of its heading line(s) as (line, mention).

    Only when the heading prints exactly one money amount, in won, and it ends
    the parentheses that end the line, after at most one word ('… 제고(57억원)',
    '…(신규 618백만원)', '…(사업비: 5억원)'); '(3천만원 이상)', '(1인당 50만원)'
    or '(’22년 5억원)' are not budgets.
    """
    if len(money) != 1:
        return None
    line, mention = money[0]
    group = _trailing_group(line)
    if mention.amount_krw is None or group is None or not group[0] < mention.char_start:
        return None
    lead, tail = line[group[0] + 1:mention.char_start], line[mention.char_end:group[1] - 1]
    return mention if _LEAD.fullmatch(lead) and not tail.strip() else None


def heading_sum_checks(sections: Sequence[Section], money: Mapping[str, Sequence[tuple[str, Mention]]]) -> list[Check]:
    """Check(kind='breakdown_sum'): a heading's budget against the sum of its sub-headings' budgets.

    `money` maps a section id to the money mentions of its heading line(s). A
    heading is checked when it prints one budget (`title_budget`), it has at
    least two direct sub-sections and every one of them prints one budget too
    (a sub-section without one could be a part left unpriced, so no check).
    The sum agrees within what printing explains: a whole rounded or cut off
    to its last printed digit (up to one unit of it: Hangul plans print
    '57억원' over parts that add up to 57.67억), and half a unit of the last
    printed digit of each non-zero part.
    """
    children: dict[str, list[str]] = {}
    for s in sections:
        if s.parent_id is not None:
            children.setdefault(s.parent_id, []).append(s.section_id)
    out = []
    for s in sections:
        whole = title_budget(money.get(s.section_id, ()))
        parts = [title_budget(money.get(c, ())) for c in children.get(s.section_id, [])]
        if whole is None or len(parts) < 2 or any(p is None for p in parts):
            continue
        priced = [p for p in parts if p is not None]
        assert whole.amount_krw is not None, "title_budget gives amounts in won"
        total = sum(p.amount_krw or 0 for p in priced)
        slack = 2 * printed_precision(whole.text, None) + sum(printed_precision(p.text, None) for p in priced
                                                               if p.amount_krw)
        named = ", ".join(f"{p.section_id} {p.text} ({p.mention_id})" for p in priced)
        out.append(Check(f"{s.section_id}.sum", "breakdown_sum", None, None, None, float(whole.amount_krw),
                         float(total), 2 * abs(total - whole.amount_krw) <= slack,
                         f"section {s.section_id} {whole.text} ({whole.mention_id}): {named}"))
    return out
