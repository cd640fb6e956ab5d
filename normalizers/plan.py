"""`normalise(Document) -> PlanRecord`: the normalisers' single entry point."""
from __future__ import annotations

from dataclasses import replace

from extractors.document import Document, Heading, Table
from normalizers.boxes import document_to_unboxed
from normalizers.meta import document_to_meta
from normalizers.money import unit_from_text
from normalizers.record import DocRegion, Meta, PlanRecord, Program, TableCellRow, TableRecord
from normalizers.sections import document_to_sections
from normalizers.tables.checks import budgets_to_checks
from normalizers.tables.reader import tables_to_plan
from normalizers.textfacts.reader import document_to_text_facts
from normalizers.textfacts.tags import program_tags

_CONTEXT_LINES = 4


def normalise(doc: Document) -> PlanRecord:
    """Everything the plan schema holds about one document (boxed titles read as headings first)."""
    doc = document_to_unboxed(doc)
    tree = document_to_sections(doc)
    meta = document_to_meta(doc)
    tables = document_to_table_records(doc, tree.block_sections)
    plan = tables_to_plan([(t, rec.table_id, rec.unit_text, context) for t, rec, context in tables])
    programs = tuple(tag_program(p) for p in plan.programs)
    facts = document_to_text_facts(doc, tree, meta)
    checks = budgets_to_checks(plan.budgets, plan.programs)
    checks += [replace(c, check_id=f"c{len(checks) + i}") for i, c in enumerate(facts.checks, start=1)]
    return PlanRecord(
        meta=meta, sections=tree.sections, tables=tuple(rec for _, rec, _ in tables),
        strategies=tuple(plan.strategies), programs=programs, indicators=tuple(plan.indicators),
        budgets=tuple(plan.budgets), executions=facts.executions, mentions=facts.mentions,
        checks=tuple(checks), doc_regions=with_issuer(facts.doc_regions, meta),
        notes=tuple(plan.notes) + tuple(facts.notes))


def document_to_table_records(doc: Document, block_sections: tuple[str | None, ...]
                              ) -> list[tuple[Table, TableRecord, list[str]]]:
    """Every table with its record (id, section, unit) and the text lines since the previous table."""
    out: list[tuple[Table, TableRecord, list[str]]] = []
    context: list[str] = []
    for block, section_id in zip(doc.blocks, block_sections):
        if not isinstance(block, Table):
            text = block.title if isinstance(block, Heading) else getattr(block, "text", "")
            context = (context + [text])[-_CONTEXT_LINES:]
            continue
        out.append((block, table_to_record(block, f"t{len(out) + 1}", section_id, len(out) + 1), context))
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
