"""Document metadata: title, doc_type, issuing government, 제N기 plan term, period, issue year."""
from __future__ import annotations

import re

from extractors.document import Document, Heading, ListItem, Paragraph, Table
from normalizers import rules
from normalizers.boxes import BOX_STYLE
from normalizers.record import Meta
from normalizers.regions import find_regions, planning_body, resolve
from normalizers.sections import is_sentence
from normalizers.text import clean
from normalizers.years import parse_period, text_year

_TITLE_WORDS = re.compile(r"(계획|보고|사례집|보도\s*자료|요약본)\s*(\(안\)|\(\d{4}\s*[~-]\s*\d{4}\))?"
                          r"\s*[」』\"”]?$")
_TITLE_LINES = 12
_ISSUER_LINES = 20
_ISSUER_LINE_MAX = 100
_HEAD_SUFFIX = re.compile(r"(?<=[구시군도])(청장|장|수|지사)$")  # 영등포구청장 -> 영등포구, 괴산군수 -> 괴산군
_OPENING_LINES = 40
_COVER_BLOCKS = 12
"""Blocks read as the cover: its title box, its date line, a press release's header table."""
_COVER_TITLE_MAX = 120
_COVER_TITLE_COMMAS = 3
"""A box listing more items than this (commas) is a note, not a title."""
_PRESS_LABEL = re.compile(r"^[\[(<〈【]?\s*보도\s*(참고\s*)?자료\s*[\])>〉】]?$")
_LABEL_LINE = re.compile(r"^[^\s:：]{1,10}\s*[:：]|^(보도|배포)\s*(일시|시점)|^담당\s*(부서|자|과장)")
_NOT_TITLES = re.compile(r"^[\[(<〈【]?\s*(목\s*차|차\s*례|contents|보도\s*자료|붙임\s*\d*)\s*[\])>〉】]?$", re.I)


def opening_lines(doc: Document, limit: int = _OPENING_LINES) -> list[str]:
    """The first text lines (headings, paragraphs, list items) of a document."""
    out = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(clean(block.title))
        elif isinstance(block, (Paragraph, ListItem)):
            out.append(clean(block.text))
        if len(out) >= limit:
            break
    return [line for line in out if line]


def choose_title(doc: Document, lines: list[str]) -> str | None:
    """The first opening line naming a plan/report/casebook, else the cover's title box, else the extractor's title.

    A date line ("2022. 1.") or a bare label ("보도자료", "목 차") is never a title; a press release opening
    with the bare label is titled by its headline.
    """
    press = any(_PRESS_LABEL.match(line) for line in lines[:_TITLE_LINES])
    lines = [line for line in lines if not is_date_line(line) and not _NOT_TITLES.match(line)]
    for i, line in enumerate(lines[:_TITLE_LINES]):
        if len(line) <= 80 and _TITLE_WORDS.search(line) and not _looks_like_sentence(line):
            if len(line) < 15 and i and len(lines[i - 1]) < 40 and not _TITLE_WORDS.search(lines[i - 1]):
                return f"{lines[i - 1]} {line}"
            return line
    fallback = clean(doc.title)
    usable = fallback and not is_date_line(fallback) and not _NOT_TITLES.match(fallback)
    return cover_title(doc) or (headline_of(lines) if press else None) or (fallback if usable else None)


def headline_of(lines: list[str]) -> str | None:
    """A press release's headline: the first opening line that is short and not a `label: value` line,
    a sentence or a bullet (the 보도일시 / 담당부서 lines come before it)."""
    for line in lines[:_TITLE_LINES]:
        if 8 <= len(line) <= 80 and not _LABEL_LINE.match(line) and not _looks_like_sentence(line):
            return line
    return None


def is_date_line(line: str) -> bool:
    """True for a line that is only a printed date: '2023. 11.', '2025. 12. 11.', '2024년 2월'."""
    return bool(rules.doc_types().date_line.pattern.match(line.strip()))


def cover_title(doc: Document) -> str | None:
    """The first heading or boxed line of the cover that reads as a title (not a date, 목차 or 보도자료 label)."""
    for block in doc.blocks[:_COVER_BLOCKS]:
        if isinstance(block, Heading):
            text = clean(block.title)
        elif isinstance(block, Paragraph) and block.style == BOX_STYLE:
            text = clean(block.text)
        else:
            continue
        if text and len(text) <= _COVER_TITLE_MAX and not is_date_line(text) and not _NOT_TITLES.match(text) \
                and not is_sentence(text) and not text.startswith(("※", "○", "*")) \
                and text.count(",") <= _COVER_TITLE_COMMAS:
            return text
    return None


def _looks_like_sentence(line: str) -> bool:
    return is_sentence(line) or line.startswith(("-", "※", "○", "□"))


def doc_type_of(title_block: str, opening: str) -> str:
    """doc_type from the title block, else from signals in the opening text."""
    types = rules.doc_types().type
    for rule in types:
        if rule.title.search(title_block):
            return rule.doc_type
    for rule in types:
        if rule.body is not None and rule.body.search(opening):
            return rule.doc_type
    return "other"


def plan_term_of(text: str) -> int | None:
    """제N기 when it names a 지역사회보장계획 term (not 민선 7기 or a 제1기 특별지원구역 cohort)."""
    m = rules.doc_types().terms.pattern.search(text)
    return int(m.group("term")) if m else None


def issued_year_of(lines: list[str]) -> int | None:
    """The year of a notice number ('공고 제2024-08호') or of a cover date line ('2023. 11.' alone), else of the
    first printed date in the opening lines."""
    for line in lines[:_TITLE_LINES]:
        m = rules.doc_types().notice_number.pattern.search(line)
        if m:
            return int(m.group("year"))
    for line in lines[:_TITLE_LINES]:
        m = rules.doc_types().date_line.pattern.match(line.strip())
        if m:
            return int(m.group("year"))
    for line in lines:
        m = rules.doc_types().issued.pattern.search(line)
        if m:
            return int(m.group("year"))
    return None


def release_year_of(doc: Document) -> int | None:
    """The year in the cell after a press release's `보도일시` (or `배포일시`) label in a cover table."""
    label = rules.doc_types().release_date.pattern
    for table in (b for b in doc.blocks[:_COVER_BLOCKS] if isinstance(b, Table)):
        for cell in table.cells:
            if not label.match(cell.text.replace(" ", "")):
                continue
            after = next((c for c in table.cells if c.row == cell.row and c.col == cell.col + cell.col_span), None)
            m = rules.doc_types().issued.pattern.search(after.text) if after is not None else None
            if m:
                return int(m.group("year"))
    return None


def issuer_of(title: str | None, lines: list[str], as_of: int | None, doc_type: str):
    """The government a document is from: a region in the title, else an opening line that only names one.

    Casebooks and press releases are about many governments: only their title can name an issuer.
    """
    if title:
        found = _distinct_regions(find_regions(title))
        region = resolve(found[0], as_of) if len(found) == 1 else None
        if region is not None:
            return planning_body(region)
    if doc_type in ("casebook", "press_release"):
        return None
    for line in lines[:_ISSUER_LINES]:
        if len(line) > _ISSUER_LINE_MAX:   # a name plus a note; also keeps the regexes below linear
            continue
        name = re.sub(r"\s*\([^)]*\)\s*$", "", line).strip()
        name = re.sub(r"^제\s*출\s*자\s*[:：]\s*", "", name)
        name = _HEAD_SUFFIX.sub("", name)
        if 2 <= len(name) <= 20:
            spans = find_regions(name)
            if len(spans) == 1 and spans[0].end - spans[0].start >= len(name.replace(" ", "")) - 1:
                region = resolve(spans[0].text, as_of)
                if region is not None:
                    return planning_body(region)
    return None


def _distinct_regions(spans) -> list[str]:
    seen: dict[str, str] = {}
    for span in spans:
        seen.setdefault(span.region.code_today, span.text)
    return list(seen.values())


def document_to_meta(doc: Document) -> Meta:
    """All document-level metadata from the title and the opening lines."""
    lines = opening_lines(doc)
    title = choose_title(doc, lines)
    head = " ".join(([title] if title else []) + [line for line in lines[:4] if len(line) <= 40])
    opening = "\n".join(lines)
    doc_type = doc_type_of(head, opening)
    term = plan_term_of(head) or plan_term_of(opening)
    period = parse_period(head) or (rules.doc_types().terms.periods.get(term) if term else None)
    if period is None and doc_type == "implementation_plan":
        single = re.search(r"((?:19|20)\d{2})\s*년", head)
        period = (int(single.group(1)),) * 2 if single else None
    issued = release_year_of(doc) or issued_year_of(lines)
    if issued is None and doc_type in ("press_release", "casebook", "other"):
        issued = text_year(lines)
    if issued is None and period:
        issued = period[0] if doc_type == "implementation_plan" else period[0] - 1
    region = issuer_of(title, lines, issued, doc_type)
    return Meta(title=title, doc_type=doc_type,
                region_code=region.code_today if region else None,
                region_code_issued=region.code_issued if region and region.code_issued != region.code_today else None,
                region_name=region.official_name_today if region else None,
                plan_term=term, period_start=period[0] if period else None,
                period_end=period[1] if period else None, issued_year=issued)
