"""`normalise(Document) -> PlanRecord`: the normalisers' single entry point.

The heading tree and the table records are made first; if a later step
(plan tables, metadata, text facts, checks) fails, the record keeps them and
carries a `normaliser-failed` issue, so everything read is stored.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, replace
from pathlib import Path

from extractors.document import Document, Heading, Issue, Table
from normalizers.boxes import document_to_unboxed
from normalizers.meta import document_to_meta
from normalizers.money import unit_from_text
from normalizers.record import DocRegion, Meta, PlanRecord, Program, Section, TableCellRow, TableRecord
from normalizers.sections import SectionTree, document_to_sections
from normalizers.tables.checks import facts_to_checks
from normalizers.tables.reader import TableInput, tables_to_plan
from normalizers.textfacts.reader import document_to_text_facts
from normalizers.textfacts.tags import program_tags

_CONTEXT_LINES = 4


def normalise(doc: Document) -> PlanRecord:
    """Everything the plan schema holds about one document (boxed titles read as headings first)."""
    doc = document_to_unboxed(doc)
    tree = document_to_sections(doc)
    tables = document_to_tables(doc, tree.block_sections)
    base = PlanRecord(meta=Meta(title=doc.title), sections=tree.sections,
                      tables=tuple(t.record for t in tables))
    try:
        return document_to_facts(doc, tree, tables, base)
    except Exception as exc:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return replace(base, issues=(Issue("normaliser-failed", f"normaliser failed: {type(exc).__name__}: "
                                                                f"{exc} ({where})"),))


def document_to_plain_record(doc: Document, problem: str) -> PlanRecord:
    """What was read, kept without a heading tree when even that failed: the text as one section, the
    tables as printed, and the reason as a `normaliser-failed` issue."""
    text = "\n".join(b.title if isinstance(b, Heading) else b.text for b in doc.blocks if not isinstance(b, Table))
    section = Section(section_id="s0", parent_id=None, seq=0, level=0, number=None, title=doc.title or "",
                      kind=None, page=None, text=text)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    records = tuple(table_to_record(t, f"t{i}", None, i) for i, t in enumerate(tables, start=1))
    return PlanRecord(meta=Meta(title=doc.title), sections=(section,), tables=records,
                      issues=(Issue("normaliser-failed", problem),))


def document_to_facts(doc: Document, tree: SectionTree, tables: list[ReadTable], base: PlanRecord) -> PlanRecord:
    """Plan tables, metadata, text facts and checks added to the tree and tables of `base`."""
    meta = document_to_meta(doc)
    plan = tables_to_plan([t.input for t in tables])
    programs = tuple(tag_program(p) for p in plan.programs)
    facts = document_to_text_facts(doc, tree, meta)
    checks = facts_to_checks(plan)
    checks += [replace(c, check_id=f"c{len(checks) + i}") for i, c in enumerate(facts.checks, start=1)]
    return replace(base, meta=meta, strategies=tuple(plan.strategies), programs=programs,
                   indicators=tuple(plan.indicators), budgets=tuple(plan.budgets), executions=facts.executions,
                   mentions=facts.mentions, checks=tuple(checks), doc_regions=with_issuer(facts.doc_regions, meta),
                   issues=tuple(plan.issues) + facts.issues)


@dataclass(frozen=True)
class ReadTable:
    """A table of the document: its stored record and what the plan-table reader gets."""

    record: TableRecord
    input: TableInput


def document_to_tables(doc: Document, block_sections: tuple[str | None, ...]) -> list[ReadTable]:
    """Every table with its record (id, section, unit) and the text lines since the previous table."""
    out: list[ReadTable] = []
    context: list[str] = []
    for block, section_id in zip(doc.blocks, block_sections):
        if not isinstance(block, Table):
            text = block.title if isinstance(block, Heading) else block.text
            context = (context + [text])[-_CONTEXT_LINES:]
            continue
        record = table_to_record(block, f"t{len(out) + 1}", section_id, len(out) + 1)
        out.append(ReadTable(record, TableInput(block, record.table_id, record.unit_text, tuple(context))))
        context = []
    return out


def table_to_record(table: Table, table_id: str, section_id: str | None, seq: int) -> TableRecord:
    unit = unit_from_text(table.unit_hint or "") or unit_from_text(table.caption or "")
    if unit is None:
        unit = next((u for c in table.cells if c.is_header for u in [unit_from_text(c.text)] if u), None)
    cells = tuple(TableCellRow(c.row, c.col, c.row_span, c.col_span, c.text, c.is_header) for c in table.cells)
    return TableRecord(table_id=table_id, section_id=section_id, seq=seq, page=table.source.page,
                       caption=table.caption, unit_text=unit, n_rows=table.n_rows, n_cols=table.n_cols,
                       header_rows=table.header_rows, cells=cells, page_end=table.page_end)


def tag_program(p: Program) -> Program:
    domains, targets = program_tags(p.name, p.description)
    return replace(p, domains=domains, targets=targets)


def with_issuer(regions: tuple[DocRegion, ...], meta: Meta) -> tuple[DocRegion, ...]:
    """The issuing government first (role 'issuer'), unless the text facts already name it so."""
    if not meta.region_code or any(r.role == "issuer" for r in regions):
        return regions
    issuer = DocRegion(region_code=meta.region_code, region_code_issued=meta.region_code_issued,
                       region_name=meta.region_name or "", role="issuer", official_name=meta.region_name)
    return (issuer, *regions)
