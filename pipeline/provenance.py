"""Provenance on demand: `planextract show DOC` (outline, tables, facts) and `planextract explain
budget|indicator|mention ID` (document, page or section path, table and cell or text span, and
the printed text around it)."""
from __future__ import annotations

import re
import sqlite3
from typing import Any

from pipeline.search import section_path

CONTEXT = 60  # characters either side of a mention
_FIGURE = re.compile(r"[(\[]?[-+]?[\d,.]+\s*%?[)\]]?|[/\-–—]")   # an amount, a share, a blank mark: no label


class NotFound(Exception):
    """No document or fact with that id."""


def resolve_document(conn: sqlite3.Connection, ref: str) -> str:
    """doc_id from a full id, a unique prefix (the 12 hex of fact ids work), or a path."""
    ref = ref.split(":", 1)[0] if len(ref) > 12 and ":" in ref[:14] else ref
    rows = conn.execute("SELECT doc_id FROM documents WHERE doc_id LIKE ? || '%'", (ref,)).fetchall() if ref else []
    if len(rows) == 1:
        return rows[0][0]
    if len(rows) > 1:
        raise NotFound(f"'{ref}' is the start of {len(rows)} document ids; give more characters")
    by_path = conn.execute("SELECT DISTINCT doc_id FROM files WHERE path = ? OR path LIKE '%/' || ? "
                           "UNION SELECT doc_id FROM documents WHERE path = ?", (ref, ref, ref)).fetchall()
    if len(by_path) == 1:
        return by_path[0][0]
    if by_path:
        raise NotFound(f"several documents have the path {ref}; give the document id")
    raise NotFound(f"no document with id or path '{ref}' (planextract status lists them)")


def _dict(row: sqlite3.Row | None) -> dict[str, Any]:
    return dict(row) if row is not None else {}


def document_summary(conn: sqlite3.Connection, ref: str) -> dict[str, Any]:
    doc_id = resolve_document(conn, ref)
    doc = _dict(conn.execute("SELECT doc_id, path, format, status, error, title, doc_type, region_code, region_name, "
                             "period_start, period_end, issued_year, pages, work_id, is_primary FROM documents "
                             "WHERE doc_id = ?", (doc_id,)).fetchone())
    doc["files"] = [r[0] for r in conn.execute("SELECT path FROM files WHERE doc_id = ? ORDER BY path", (doc_id,))]
    doc["copies"] = [dict(r) for r in conn.execute(
        "SELECT doc_id, path, format, is_primary FROM documents WHERE work_id = ? AND doc_id != ? ORDER BY path",
        (doc["work_id"], doc_id))] if doc.get("work_id") else []
    outline = [dict(r) for r in conn.execute("SELECT section_id, level, number, title, kind, page FROM sections "
                                             "WHERE doc_id = ? ORDER BY seq", (doc_id,))]
    tables = [dict(r) for r in conn.execute("SELECT table_id, section_id, page, caption, unit_text, n_rows, n_cols "
                                            "FROM doc_tables WHERE doc_id = ? ORDER BY seq", (doc_id,))]
    counts = {t: conn.execute(f"SELECT count(*) FROM {t} WHERE doc_id = ?", (doc_id,)).fetchone()[0]
              for t in ("strategies", "programs", "indicators", "indicator_targets", "budgets", "executions",
                        "mentions", "checks")}
    programs = [dict(r) for r in conn.execute(
        """SELECT p.program_id, p.code, p.name, p.department, p.page,
                  (SELECT sum(amount_krw) FROM budgets b WHERE b.program_id = p.program_id AND b.year IS NOT NULL
                     AND b.fund_source IS NULL) AS yearly_krw
           FROM programs p WHERE p.doc_id = ? ORDER BY p.rowid""", (doc_id,))]
    failing = [dict(r) for r in conn.execute("SELECT check_id, kind, table_id, row, col, expected, actual, note "
                                             "FROM checks WHERE doc_id = ? AND ok = 0", (doc_id,))]
    return {"document": doc, "outline": outline, "tables": tables, "facts": counts, "programs": programs,
            "failing_checks": failing}


def summary_text(s: dict[str, Any]) -> str:
    d = s["document"]
    period = f"{d['period_start']}-{d['period_end']}" if d.get("period_start") else "no period"
    lines = [f"{d['path']}  ({d['format']}, {d['status']}{': ' + d['error'] if d.get('error') else ''})",
             f"  {d.get('title') or '(no title)'} · {d.get('doc_type') or '?'} · {d.get('region_name') or '?'} · {period}",
             f"  doc_id {d['doc_id']}  work {d.get('work_id') or '-'}{' (primary copy)' if d.get('is_primary') else ''}"]
    for c in d["copies"]:
        lines.append(f"  copy: {c['path']} ({c['format']}){' primary' if c['is_primary'] else ''}")
    for f in d["files"][1:]:
        lines.append(f"  same bytes at: {f}")
    lines += ["", "Outline:"]
    for sec in s["outline"]:
        page = f"  p.{sec['page']}" if sec.get("page") is not None else ""
        head = " ".join(x for x in (sec.get("number"), sec.get("title")) if x)
        lines.append(f"{'  ' * sec['level']}{head}{page}  [{sec['section_id']}]")
    lines += ["", "Tables:"]
    for t in s["tables"]:
        page = f"p.{t['page']}" if t.get("page") is not None else "no page"
        lines.append(f"  {t['table_id']}  {t['n_rows']}×{t['n_cols']}  {page}  {t.get('caption') or ''} "
                     f"{t.get('unit_text') or ''}".rstrip())
    lines += ["", "Facts: " + ", ".join(f"{n} {k}" for k, n in s["facts"].items())]
    for p in s["programs"]:
        money = f"  {p['yearly_krw']:,} won over its years" if p.get("yearly_krw") else ""
        lines.append(f"  {p.get('code') or '-':10} {p['name']}  ({p.get('department') or '-'}){money}  [{p['program_id']}]")
    for c in s["failing_checks"]:
        lines.append(f"  check failed: {c['kind']} table {c['table_id']} row {c['row']} col {c['col']}: "
                     f"printed {c['expected']:,.0f}, computed {c['actual']:,.0f}")
    return "\n".join(lines)


def _where(conn: sqlite3.Connection, doc_id: str, page: int | None, section_id: str | None) -> dict[str, Any]:
    doc = _dict(conn.execute("SELECT path, format, title FROM documents WHERE doc_id = ?", (doc_id,)).fetchone())
    return {"document": doc.get("path"), "format": doc.get("format"), "doc_id": doc_id, "page": page,
            "section_path": section_path(conn, section_id) if section_id else None}


def _cell_context(conn: sqlite3.Connection, table_id: str | None, row: int | None, col: int | None) -> dict[str, Any]:
    if table_id is None or row is None:
        return {}
    table = _dict(conn.execute("SELECT table_id, section_id, page, caption, unit_text, header_rows FROM doc_tables "
                               "WHERE table_id = ?", (table_id,)).fetchone())
    cells = conn.execute("SELECT row, col, col_span, text, is_header FROM table_cells WHERE table_id = ? "
                         "ORDER BY row, col", (table_id,)).fetchall()
    row_cells = [c["text"] or "" for c in cells if c["row"] == row]
    headers = [" | ".join(c["text"] or "" for c in cells if c["row"] == r)
               for r in sorted({c["row"] for c in cells if c["is_header"]})]
    column_header = " / ".join(c["text"] for c in cells if c["is_header"] and c["col"] == col and c["text"])
    cell = next((c["text"] for c in cells if c["row"] == row and c["col"] == col), None)
    return {"table": table, "cell": {"row": row, "col": col, "text": cell}, "column_header": column_header or None,
            "column_label": column_label(cells, row, col) if col is not None and not column_header else None,
            "row_text": " | ".join(row_cells), "header_text": headers}


def column_label(cells: list, row: int, col: int) -> str | None:
    """The nearest text above a cell, in its column, that is a label rather than a figure ('2027년' over a
    6th-term card's amounts, whose header rows say only '구 분 | 주요 내용')."""
    above = [c for c in cells if c["row"] < row and c["col"] <= col < c["col"] + (c["col_span"] or 1)
             and (c["text"] or "").strip() and not _FIGURE.fullmatch(c["text"].strip())]
    return max(above, key=lambda c: c["row"])["text"].strip() if above else None


def explain(conn: sqlite3.Connection, kind: str, fact_id: str) -> dict[str, Any]:
    """Where one budget, indicator or mention came from, with the printed text around it."""
    table, key = {"budget": ("budgets", "budget_id"), "indicator": ("indicators", "indicator_id"),
                  "mention": ("mentions", "mention_id")}[kind]
    fact = conn.execute(f"SELECT * FROM {table} WHERE {key} = ?", (fact_id,)).fetchone()
    if fact is None:
        raise NotFound(f"no {kind} with id {fact_id} (ids look like 315a43f35810:b1; see budget_lines.budget_id)")
    info: dict[str, Any] = {"kind": kind, "id": fact_id, "fact": dict(fact)}
    if kind == "mention":
        sec = _dict(conn.execute("SELECT title, text, page FROM sections WHERE section_id = ?",
                                 (fact["section_id"],)).fetchone())
        text = sec.get("text") or ""
        start, end = fact["char_start"], fact["char_end"]
        span_ok = start is not None and text[start:end] == fact["text"]
        info["where"] = _where(conn, fact["doc_id"], fact["page"] if fact["page"] is not None else sec.get("page"),
                               fact["section_id"])
        info["span"] = {"char_start": start, "char_end": end, "matches_section_text": span_ok, "line": fact["line"]}
        if span_ok:
            info["context"] = (text[max(0, start - CONTEXT):start] + "[" + text[start:end] + "]"
                               + text[end:end + CONTEXT]).replace("\n", " ⏎ ")
        return info
    ctx = _cell_context(conn, fact["table_id"], fact["row"], fact["col"] if kind == "budget" else None)
    section_id = ctx.get("table", {}).get("section_id")
    info["where"] = _where(conn, fact["doc_id"], fact["page"], section_id)
    info |= ctx
    if kind == "indicator":
        info["targets"] = [dict(r) for r in conn.execute(
            "SELECT year, is_baseline, value, value_text, col FROM indicator_targets WHERE indicator_id = ? "
            "ORDER BY year", (fact_id,))]
    return info


def explain_text(info: dict[str, Any]) -> str:
    f, w = info["fact"], info["where"]
    place = f"page {w['page']}" if w.get("page") is not None else f"section {w.get('section_path') or '(none)'}"
    lines = [f"{info['kind']} {info['id']}"]
    if info["kind"] == "budget":
        lines.append(f"  {f.get('amount_krw') or 0:,} won = printed '{f['amount_text']}' {f.get('unit_text') or ''}"
                     f" · year {f['year'] or 'plan period'} · {f['kind']}"
                     f"{' · ' + f['fund_source'] if f.get('fund_source') else ''}{' · total row' if f.get('is_total') else ''}")
    elif info["kind"] == "indicator":
        lines.append(f"  {f['name']} ({f.get('unit') or 'no unit'}) · printed '{f.get('name_text') or f['name']}'")
        for t in info.get("targets", []):
            lines.append(f"    {t['year']}{' baseline' if t['is_baseline'] else ''}: {t['value_text']}")
    else:
        lines.append(f"  {f['kind']} '{f['text']}' = {f.get('value')} {f.get('unit') or ''}"
                     f"{' = ' + format(f['amount_krw'], ',') + ' won' if f.get('amount_krw') is not None else ''}")
    lines.append(f"  in {w['document']} ({w['format']}), {place}")
    if w.get("page") is not None and w.get("section_path"):
        lines.append(f"  section {w['section_path']}")
    if info.get("table"):
        t = info["table"]
        lines.append(f"  table {t['table_id']} '{t.get('caption') or ''}' {t.get('unit_text') or ''}".rstrip())
        cell = info["cell"]
        lines.append(f"  cell row {cell['row']}" + (f", col {cell['col']}: '{cell['text']}'" if cell["col"] is not None else ""))
        if info.get("column_header"):
            lines.append(f"  column header: {info['column_header']}")
        elif info.get("column_label"):
            lines.append(f"  column label: {info['column_label']}")
        for h in info.get("header_text", []):
            lines.append(f"  header: {h}")
        lines.append(f"  row:    {info['row_text']}")
    if info.get("context"):
        lines.append(f"  text:   …{info['context']}…")
    elif "span" in info:
        lines.append("  (the stored offsets do not match the section text)")
    return "\n".join(lines)
