"""Write `PlanRecord`s into SQLite: schema versioning, one transaction per document, idempotent."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from normalizers.record import PlanRecord
from normalizers.text import search_text_of
from pipeline import files
from pipeline.upgrade import upgrade

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
SCHEMA_VERSION = 3  # 2: region_codes crosswalk table; 3: budget hierarchy, checks by program and year, currencies, 6th-term columns and program_classes; files, works, sections.search_text, FTS by sqlite-utils
FACT_TABLES = ("sections", "doc_tables", "table_cells", "strategies", "programs",
               "program_tags", "program_classes", "indicators", "indicator_targets", "budgets", "executions",
               "mentions", "checks", "doc_regions")


class DatabaseError(Exception):
    """The database cannot be opened, created or written."""


@dataclass(frozen=True)
class DocumentRow:
    """The `documents` row of one input file (facts come from its `PlanRecord`)."""

    doc_id: str
    path: str
    format: str | None
    status: str
    error: str | None = None
    root: str | None = None
    encoding: str | None = None
    pages: int | None = None
    title: str | None = None
    size_bytes: int | None = None
    pipeline_version: str | None = None
    processed_at: str | None = None
    seconds: float | None = None
    issues: str | None = None


def connect(db_path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a plan database at the current schema version."""
    try:
        if str(db_path) != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(db_path), isolation_level=None)
        conn.execute("PRAGMA foreign_keys = OFF")
        migrate(conn)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(f"cannot open database {db_path}: {exc}") from exc
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to `SCHEMA_VERSION` (version 0 = empty database).

    schema.sql only creates what is missing (IF NOT EXISTS), so applying it
    to an older database adds the tables that version lacked.
    """
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"database schema version {version} is newer than this planextract "
                            f"({SCHEMA_VERSION}); upgrade planextract")
    if version < SCHEMA_VERSION:
        upgrade(conn, version)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def known_documents(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    """doc_id -> (status, pipeline_version) of every loaded document."""
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT doc_id, status, pipeline_version FROM documents")}


def load_document(conn: sqlite3.Connection, row: DocumentRow, record: PlanRecord | None) -> None:
    """Replace everything stored for `row.doc_id` (and older versions of the same file) in one transaction.

    An older version is a document with the same `path` under the same input `root` that no
    other path holds (pipeline/files.py); when the same bytes are stored from another path
    with a better status, only this path's `files` row is written.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not files.keeps_stored(conn, row):
            for doc_id in [row.doc_id, *files.stale_documents(conn, row)]:
                delete_document(conn, doc_id)
            insert_rows(conn, "documents", [document_values(row, record)])
            if record is not None:
                for table, rows in record_to_rows(row.doc_id, record):
                    insert_rows(conn, table, rows)
        files.record_file(conn, row, row.processed_at)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def delete_document(conn: sqlite3.Connection, doc_id: str) -> None:
    for table in FACT_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.executemany(sql, [tuple(r[c] for c in columns) for r in rows])


def document_values(row: DocumentRow, record: PlanRecord | None) -> dict[str, Any]:
    values = asdict(row)
    meta = record.meta if record is not None else None
    for name in ("doc_type", "region_code", "region_code_issued", "region_name", "plan_term",
                 "period_start", "period_end", "issued_year"):
        values[name] = getattr(meta, name) if meta is not None else None
    if meta is not None and meta.title and not values["title"]:
        values["title"] = meta.title
    return values


def _gid(doc_id: str, local: str | None) -> str | None:
    """Global id: first 12 hex of the document id + the record-local id."""
    return None if local is None else f"{doc_id[:12]}:{local}"


def _row(obj: Any, doc_id: str, ids: Iterable[str], skip: Iterable[str] = ()) -> dict[str, Any]:
    """A record dataclass as a table row: ids made global, booleans as 0/1, doc_id added."""
    out: dict[str, Any] = {"doc_id": doc_id}
    for f in fields(obj):
        if f.name in skip:
            continue
        value = getattr(obj, f.name)
        if f.name in ids:
            value = _gid(doc_id, value)
        elif isinstance(value, bool):
            value = int(value)
        out[f.name] = value
    return out


def record_to_rows(doc_id: str, rec: PlanRecord) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every fact table's rows for one record."""
    sec_ids = ("section_id", "parent_id")
    out = [
        ("sections", [dict(_row(s, doc_id, sec_ids), search_text=search_text_of(s.title, s.text))
                      for s in rec.sections]),  # sections_fts follows by trigger
        ("doc_tables", [_row(t, doc_id, ("table_id", "section_id"), skip=("cells",)) for t in rec.tables]),
        ("table_cells", [dict(_row(c, doc_id, ()), table_id=_gid(doc_id, t.table_id))
                         for t in rec.tables for c in t.cells]),
        ("strategies", [_row(s, doc_id, ("strategy_id", "section_id", "table_id")) for s in rec.strategies]),
        ("programs", [_program_row(p, doc_id) for p in rec.programs]),
        ("program_tags", [{"program_id": _gid(doc_id, p.program_id), "doc_id": doc_id,
                           "tag_type": kind, "tag": tag}
                          for p in rec.programs
                          for kind, tags in (("domain", p.domains), ("target_group", p.targets))
                          for tag in tags]),
        ("program_classes", [dict(_row(c, doc_id, ("table_id",)), program_id=_gid(doc_id, p.program_id))
                             for p in rec.programs for c in p.classes]),
        ("indicators", [_row(i, doc_id, ("indicator_id", "program_id", "strategy_id", "table_id"),
                             skip=("targets",)) for i in rec.indicators]),
        ("indicator_targets", [dict(_row(t, doc_id, ("table_id",)), indicator_id=_gid(doc_id, i.indicator_id))
                               for i in rec.indicators for t in i.targets]),
        ("budgets", [_row(b, doc_id, ("budget_id", "program_id", "strategy_id", "table_id", "parent_budget_id"))
                     for b in rec.budgets]),
        ("executions", [_row(e, doc_id, ("execution_id", "program_id", "section_id")) for e in rec.executions]),
        ("mentions", [_row(m, doc_id, ("mention_id", "section_id")) for m in rec.mentions]),
        ("checks", [_row(c, doc_id, ("check_id", "table_id", "program_id", "strategy_id")) for c in rec.checks]),
        ("doc_regions", [_row(r, doc_id, ("section_id",)) for r in rec.doc_regions]),
    ]
    return out


def _program_row(p, doc_id: str) -> dict[str, Any]:
    row = _row(p, doc_id, ("program_id", "strategy_id", "parent_id", "table_id"),
               skip=("domains", "targets", "classes"))
    row["domains"] = "|".join(p.domains) or None
    row["target_groups"] = "|".join(p.targets) or None
    return row


def load_regions(conn: sqlite3.Connection, regions: list[dict[str, Any]], codes: list[dict[str, Any]]) -> None:
    """Replace the `regions` gazetteer and the `region_codes` crosswalk."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for table, rows in (("regions", regions), ("region_codes", codes)):
            conn.execute(f"DELETE FROM {table}")
            insert_rows(conn, table, rows)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def record_run(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    """Insert a `runs` row; returns its id."""
    insert_rows(conn, "runs", [values])
    return conn.execute("SELECT max(run_id) FROM runs").fetchone()[0]
