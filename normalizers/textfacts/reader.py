"""Facts in running text: mentions, budget executions, and the governments a document is about.

`document_to_text_facts` is the one entry point (called by `normalizers.plan`).

What is read where:
- Mentions (money, percent, count, date) come from paragraphs, list items,
  headings and prose-like table cells (not header cells, at least three Hangul
  words). Cells of budget tables are numbers and stay with the table
  normaliser; amounts inside an execution block are executions, not mentions.
- `char_start`/`char_end` index `Section.text` as `normalizers.sections`
  builds it (body blocks joined by '\\n', list items with their marker,
  tables as tab-separated rows). For a line that is itself a section heading
  they index that printed line. `line` is the source line.
- Executions come from text blocks ("’22년도 예산(A) …" + values) and from
  tables with those columns; each gets the case title above it as `item`,
  the casebook PART's government (else the issuer) as region, and a `rate`
  Check.
- doc_regions: the issuer; each casebook PART government and each government
  in a list of three or more ('부산 북구, 인천 남동구, …') as 'subject'; every
  other government named as 'mentioned'. Codes are today's; the code in force
  in the document's year goes in `region_code_issued` where it differs.
"""
from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.document import Block, Document, Heading, Issue, ListItem, Paragraph, Source, Table
from normalizers import rules
from normalizers.money import printed_precision, unit_from_text
from normalizers.record import Check, DocRegion, Execution, Mention, Meta
from normalizers.regions import Region, planning_body, resolve
from normalizers.sections import SectionTree, block_to_text
from normalizers.text import breaks_before, line_breaks
from normalizers.textfacts.entities import Entity, entities_by_text
from normalizers.textfacts.executions import (
    ExecutionValues,
    Subject,
    amounts,
    case_starts,
    find_execution_blocks,
    latest,
    part_regions,
    rate_agrees,
    rate_of,
    table_to_execution_values,
)
from normalizers.textfacts.mentions import entity_to_mention, heading_sum_checks
from normalizers.years import text_year

_HANGUL_WORD = re.compile(r"[가-힣]{2,}")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_CASE_WINDOW = 120   # lines searched back for a case's unit line
TEXT_LABELS = ("MONEY", "PERCENT", "COUNT", "DATE", "REGION")


@dataclass(frozen=True)
class TextFacts:
    """What `document_to_text_facts` found, and the problems met (`issues`)."""

    mentions: tuple[Mention, ...] = ()
    executions: tuple[Execution, ...] = ()
    doc_regions: tuple[DocRegion, ...] = ()
    checks: tuple[Check, ...] = ()
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Piece:
    """One text facts are read from: a block's text or a table cell, with provenance.

    `offset` is where `text` starts in its section body (0 for a heading line);
    `prose` says whether mentions are taken from it.
    """

    text: str
    block: int
    section_id: str | None
    page: int | None
    line: int | None
    offset: int
    prose: bool = True
    table_id: str | None = None
    row: int | None = None
    col: int | None = None


@dataclass(frozen=True)
class Line:
    """One line of text in reading order; `start` is its offset in the joined stream."""

    text: str
    piece: int
    start: int


@dataclass(frozen=True)
class Found:
    """An execution as printed: `line` indexes the lines (the header's, or the line before a table),
    `span` is header..values in the line stream (text only), `source_line` the printed line."""

    values: ExecutionValues
    line: int
    piece: Piece
    span: tuple[int, int] | None
    source_line: int | None


# --- pieces and lines --------------------------------------------------------------------------

def _is_prose(text: str) -> bool:
    return len(_HANGUL_WORD.findall(text)) >= 3


def _table_pieces(table: Table, index: int, section: str | None, offset: int, table_id: str) -> list[Piece]:
    """Every non-empty cell of a table, located in the tab/newline layout of the section body."""
    anchors = {(c.row, c.col): c for c in table.cells}
    out = []
    row_start = offset
    for r, row in enumerate(table.rows_text()):
        col_start = row_start
        for c, text in enumerate(row):
            if text.strip():
                cell = anchors[(r, c)]
                out.append(Piece(text, index, section, cell.source.page or table.source.page,
                                 cell.source.line or table.source.line, col_start,
                                 not cell.is_header and _is_prose(text), table_id, r, c))
            col_start += len(text) + 1
        row_start += len("\t".join(row)) + 1
    return out


def _block_piece(block: Block, index: int, section: str | None, offset: int | None) -> Piece | None:
    """The text piece of a heading, paragraph or list item."""
    if isinstance(block, Heading):
        return Piece(block.title, index, section, block.source.page, block.source.line, 0)
    if isinstance(block, (Paragraph, ListItem)) and block.text:
        prefix = len(block_to_text(block)) - len(block.text) if isinstance(block, ListItem) else 0
        return Piece(block.text, index, section, block.source.page, block.source.line,
                     0 if offset is None else offset + prefix)
    return None


def document_to_pieces(doc: Document, tree: SectionTree) -> list[Piece]:
    """Text pieces in reading order: block texts and table cells (table ids t1, t2, … as plan.py numbers them)."""
    pieces: list[Piece] = []
    tables = 0
    for index, (block, section, offset) in enumerate(zip(doc.blocks, tree.block_sections, tree.block_offsets)):
        if isinstance(block, Table):
            tables += 1
            pieces += _table_pieces(block, index, section, offset or 0, f"t{tables}")
        elif (piece := _block_piece(block, index, section, offset)) is not None:
            pieces.append(piece)
    return pieces


def pieces_to_lines(pieces: Sequence[Piece]) -> tuple[list[Line], list[int]]:
    """Lines of the non-cell pieces, and each piece's offset in the stream of lines joined by '\\n'."""
    lines: list[Line] = []
    starts: list[int] = []
    pos = 0
    for i, piece in enumerate(pieces):
        starts.append(pos)
        if piece.table_id is not None:
            continue
        for part in piece.text.split("\n"):
            lines.append(Line(part, i, pos))
            pos += len(part) + 1
    return lines, starts


# --- executions ---------------------------------------------------------------------------------

def _found_at(lines: Sequence[Line], line_starts: list[int], pieces: Sequence[Piece],
              values: ExecutionValues) -> Found:
    """A text execution block located: its header line, piece and printed line."""
    assert values.start is not None and values.end is not None, "text blocks carry their offsets"
    i = bisect_right(line_starts, values.start) - 1
    first = i
    while first > 0 and lines[first - 1].piece == lines[i].piece:
        first -= 1
    piece = pieces[lines[i].piece]
    source_line = None if piece.line is None else piece.line + i - first
    return Found(values, i, piece, (values.start, values.end), source_line)


def find_executions(pieces: Sequence[Piece], lines: Sequence[Line], doc: Document) -> list[Found]:
    """Execution blocks in the text stream and execution rows in tables, in reading order."""
    line_starts = [line.start for line in lines]
    stream = "\n".join(line.text for line in lines)
    found = [_found_at(lines, line_starts, pieces, v) for v in find_execution_blocks(stream)]
    first_piece_of_line = [line.piece for line in lines]
    done: set[str] = set()
    for i, piece in enumerate(pieces):
        if piece.table_id is None or piece.table_id in done:
            continue
        done.add(piece.table_id)
        before = max(0, bisect_right(first_piece_of_line, i) - 1)
        table = doc.blocks[piece.block]
        assert isinstance(table, Table), "cell pieces come from tables"
        found += [Found(v, before, piece, None, piece.line) for v in table_to_execution_values(table)]
    return sorted(found, key=lambda f: (f.line, f.values.row or 0))


def _unit_line(lines: Sequence[Line], found: Found, starts: list[tuple[int, str]]) -> str | None:
    """A unit stated in the case before the values ('(단위: 천원)'), searching back to the case's start."""
    case = latest(starts, found.line)
    first = max(case[0] if case else 0, found.line - _CASE_WINDOW)
    for i in range(found.line, first - 1, -1):
        text = lines[i].text
        if found.span and i == found.line:
            text = text[: max(0, found.span[0] - lines[i].start)]
        if unit := unit_from_text(text):
            return unit
    return None


def _common_unit(others: Sequence[Found]) -> str | None:
    units = Counter(f.values.printed_unit or f.values.header_unit for f in others)
    units.pop(None, None)
    return units.most_common(1)[0][0] if units else None


def _region_code(region_at: Sequence[Region | None], line: int) -> str | None:
    region = region_at[line] if 0 <= line < len(region_at) else None
    return region.code_today if region else None


def decide_unit(found: Found, all_found: Sequence[Found], lines: Sequence[Line], starts: list[tuple[int, str]],
                region_at: Sequence[Region | None]) -> tuple[str | None, str | None]:
    """(unit, how it was decided) for the values of `found`.

    In order: printed on the values; in the header; a unit line in the case
    before the values ('(단위: 천원)'); the unit of the other executions of
    the same government; the unit of the document's other executions.
    """
    v = found.values
    others = [f for f in all_found if f is not found]
    code = _region_code(region_at, found.line)
    same_region = [f for f in others if _region_code(region_at, f.line) == code]
    candidates = (("printed", lambda: v.printed_unit), ("header", lambda: v.header_unit),
                  ("unit-line", lambda: _unit_line(lines, found, starts)),
                  ("same-region", lambda: _common_unit(same_region)),
                  ("same-document", lambda: _common_unit(others)))
    for source, unit in candidates:
        if value := unit():
            return value, source
    return None, None


def _execution(n: int, found: Found, unit: tuple[str | None, str | None], title: str | None,
               region: Region | None, issuer: Meta) -> Execution:
    budget, executed = amounts(found.values, unit[0])
    rate = rate_of(found.values)
    if rate is None and budget and executed is not None:
        rate = round(executed / budget * 100, 1)
    return Execution(
        execution_id=f"e{n}", region_code=region.code_today if region else issuer.region_code,
        region_name=region.official_name_today if region else issuer.region_name, program_id=None,
        item=found.values.item or title, year=found.values.year, budget_krw=budget, executed_krw=executed,
        rate_pct=rate, page=found.piece.page, section_id=found.piece.section_id,
        budget_text=found.values.budget_text, executed_text=found.values.executed_text,
        rate_text=found.values.rate_text, unit_text=unit[0], unit_source=unit[1], line=found.source_line)


def rate_check(execution: Execution, found: Found) -> Check | None:
    """Check(kind='rate'): the printed rate against executed/budget×100."""
    if not execution.budget_krw or execution.executed_krw is None or execution.rate_pct is None:
        return None
    actual = execution.executed_krw / execution.budget_krw * 100
    ok = rate_agrees(execution.rate_text or str(execution.rate_pct), execution.rate_pct, actual)
    return Check(check_id=f"{execution.execution_id}.rate", kind="rate", table_id=found.piece.table_id,
                 row=found.values.row, col=None, expected=execution.rate_pct, actual=round(actual, 4), ok=ok,
                 note=f"execution {execution.execution_id}: {execution.executed_text} / {execution.budget_text}")


def executions_of(found: Sequence[Found], lines: Sequence[Line], issuer: Meta,
                  region_at: Sequence[Region | None]) -> tuple[list[Execution], list[Check], list[Issue]]:
    """Executions with item, government and unit decided; their rate checks; notes on undecided units."""
    starts = case_starts([line.text for line in lines])
    executions: list[Execution] = []
    checks: list[Check] = []
    notes: list[Issue] = []
    for n, f in enumerate(found, start=1):
        unit = decide_unit(f, found, lines, starts, region_at)
        title = latest(starts, f.line)
        region = region_at[f.line] if 0 <= f.line < len(region_at) else None
        execution = _execution(n, f, unit, title[1] if title else None, region, issuer)
        executions.append(execution)
        if unit[0] is None:
            notes.append(Issue("unit-missing", f"execution e{n} ({f.values.budget_text} / "
                               f"{f.values.executed_text}) has no unit printed or stated nearby",
                               Source(page=f.piece.page, line=f.source_line)))
        if (check := rate_check(execution, f)) is not None:
            checks.append(check)
    return executions, checks, notes


# --- mentions -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    """A mention with the entity it came from and the index of its piece (entity offsets are the piece's)."""

    mention: Mention
    entity: Entity
    piece: int


def mentions_of(pieces: Sequence[Piece], ents: Sequence[Sequence[Entity]],
                piece_starts: Sequence[int], found: Sequence[Found]) -> list[Placed]:
    """Mentions of prose pieces outside execution blocks and execution tables; ids m1, m2, …."""
    blocks = [f.span for f in found if f.span]
    exec_tables = {f.piece.table_id for f in found if f.piece.table_id}
    out: list[Placed] = []
    for i, piece in enumerate(pieces):
        if not piece.prose or piece.table_id in exec_tables:
            continue
        breaks = line_breaks(piece.text) if piece.line is not None and ents[i] else []
        for e in ents[i]:
            if piece.table_id is None and any(a <= piece_starts[i] + e.start < b for a, b in blocks):
                continue
            line = None if piece.line is None else piece.line + breaks_before(breaks, e.start)
            mention = entity_to_mention(e, piece.text[e.start:e.end], piece.offset + e.start, piece.offset + e.end,
                                        mention_id=f"m{len(out) + 1}", section_id=piece.section_id,
                                        page=piece.page, line=line)
            if mention is not None:
                out.append(Placed(mention, e, i))
    return out


def breakdown_checks(placed: Sequence[Placed]) -> list[Check]:
    """Check(kind='breakdown_sum'): an amount against the sum of its parts ('998백만원(시 503, 군구 495)')."""
    parents = {(p.piece, p.entity.start): p.mention for p in placed
               if p.mention.kind == "money" and p.entity.part_of is None}
    parts: dict[tuple[int, int], list[Mention]] = {}
    for p in placed:
        if p.entity.part_of is not None:
            parts.setdefault((p.piece, p.entity.part_of), []).append(p.mention)
    out = []
    for start, group in parts.items():
        parent = parents.get(start)
        if parent is None or parent.amount_krw is None or len(group) < 2:
            continue
        total = sum(p.amount_krw or 0 for p in group)
        tol = len(group) * max(printed_precision(m.text, None) for m in [parent, *group])
        out.append(Check(f"{parent.mention_id}.sum", "breakdown_sum", None, None, None, float(parent.amount_krw),
                         float(total), abs(total - parent.amount_krw) <= tol,
                         f"mention {parent.mention_id} {parent.text}: {', '.join(p.text for p in group)}"))
    return out


def heading_money(placed: Sequence[Placed], pieces: Sequence[Piece],
                  tree: SectionTree) -> dict[str, list[tuple[str, Mention]]]:
    """Section id -> the money mentions printed on its heading line(s), each with that line's text.

    A body line right after the heading that is nothing but a parenthesised
    amount ('(57억원)' under '1. … 제고', a title wrapped in a text export)
    counts as a heading line. Mention offsets index their line here.
    """
    heads = {sec: i for i, (sec, at) in enumerate(zip(tree.block_sections, tree.block_offsets))
             if sec is not None and at is None}
    out: dict[str, list[tuple[str, Mention]]] = {}
    for p in placed:
        piece = pieces[p.piece]
        head = heads.get(piece.section_id or "")
        if p.mention.kind != "money" or head is None or piece.table_id is not None:
            continue
        wrapped = piece.block == head + 1 and piece.offset == 0 and _BRACKETED.fullmatch(piece.text.strip())
        if piece.block == head or wrapped:
            out.setdefault(piece.section_id or "", []).append((piece.text, p.mention))
    return out


# --- doc_regions ----------------------------------------------------------------------------------

def _doc_region(region: Region, printed: str, role: str, section_id: str | None) -> DocRegion:
    body = planning_body(region)
    issued = body.code_issued if body.code_issued != body.code_today else None
    return DocRegion(region_code=body.code_today, region_code_issued=issued, region_name=printed, role=role,
                     section_id=section_id, official_name=body.official_name_today)


def _listed(ents: Sequence[Entity], text: str) -> list[Entity]:
    """The region entities of a text that form a list of at least `min_regions` ('부산 북구, 인천 남동구, …')."""
    rule = rules.cases().region_list
    regions = [e for e in ents if e.label == "REGION"]
    runs, run = [], regions[:1]
    for prev, cur in itertools.pairwise(regions):
        if rule.separators.match(text[prev.end:cur.start]):
            run.append(cur)
        else:
            runs.append(run)
            run = [cur]
    runs.append(run)
    return [s for r in runs if len(r) >= rule.min_regions for s in r]


def doc_regions_of(pieces: Sequence[Piece], ents: Sequence[Sequence[Entity]],
                   lines: Sequence[Line], subjects: Sequence[Subject], issuer: Meta,
                   year: int | None) -> list[DocRegion]:
    """Issuer, subjects (casebook PARTs, listed governments) and every other government mentioned."""
    out: list[DocRegion] = []
    if issuer.region_code:
        out.append(DocRegion(issuer.region_code, issuer.region_code_issued, issuer.region_name or "", "issuer",
                             None, issuer.region_name))
    for s in subjects:
        section = pieces[lines[s.line].piece].section_id
        out.append(_doc_region(s.region, s.printed, "subject", section))
    listed = [(i, e) for i, piece in enumerate(pieces) for e in _listed(ents[i], piece.text)]
    named = [(i, e) for i, found in enumerate(ents) for e in found if e.label == "REGION"]
    taken = {(r.region_code, r.role) for r in out}
    for role, group in (("subject", listed), ("mentioned", named)):
        for i, e in group:
            printed = pieces[i].text[e.start:e.end]
            region = resolve(printed, year) or e.region
            assert region is not None, "REGION entities carry their region"
            row = _doc_region(region, printed, role, pieces[i].section_id)
            if (row.region_code, "subject") in taken or (row.region_code, role) in taken:
                continue
            if role == "mentioned" and row.region_code == issuer.region_code:
                continue
            taken.add((row.region_code, role))
            out.append(row)
    return out


# --- entry point ----------------------------------------------------------------------------------

def document_year(issuer: Meta, lines: Sequence[Line]) -> int | None:
    """The year the document was issued: the issuer's, else read from the text (`years.text_year`)."""
    return issuer.issued_year or text_year(line.text for line in lines)


TEXT_FACTS_FAILED = "text-facts-failed"


def document_to_text_facts(doc: Document, tree: SectionTree, issuer: Meta) -> TextFacts:
    """Mentions, executions (with rate checks), doc_regions and breakdown checks (inline and heading) of one document.

    `tree` places every block in the heading tree (section and offset); `issuer` is the
    document's Meta (its region is the fallback government of executions and
    its issued year, else the year in the text, dates region codes). When
    reading the text fails, the facts are empty and one issue
    (`text-facts-failed`) says why, so sections, tables and plan facts are
    still kept.
    """
    try:
        return _text_facts(doc, tree, issuer)
    except MemoryError:
        raise
    except Exception as exc:
        return TextFacts(issues=(Issue(TEXT_FACTS_FAILED, f"text facts failed: {type(exc).__name__}: {exc}"),))


def _text_facts(doc: Document, tree: SectionTree, issuer: Meta) -> TextFacts:
    pieces = document_to_pieces(doc, tree)
    lines, piece_starts = pieces_to_lines(pieces)
    year = document_year(issuer, lines)
    ents = entities_by_text([p.text for p in pieces], TEXT_LABELS)
    region_at, subjects = part_regions([line.text for line in lines], year)
    found = find_executions(pieces, lines, doc)
    executions, rate_checks, notes = executions_of(found, lines, issuer, region_at)
    placed = mentions_of(pieces, ents, piece_starts, found)
    return TextFacts(mentions=tuple(p.mention for p in placed), executions=tuple(executions),
                     doc_regions=tuple(doc_regions_of(pieces, ents, lines, subjects, issuer, year)),
                     checks=tuple(rate_checks + breakdown_checks(placed)
                                  + heading_sum_checks(tree.sections, heading_money(placed, pieces, tree))),
                     issues=tuple(notes))
