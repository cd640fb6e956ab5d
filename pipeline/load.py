"""Write `PlanRecord`s into SQLite: schema versioning, one transaction per document, idempotent.

The database runs in WAL mode, so readers (`status`, `query`, a notebook)
never wait for the writer and never see half a document; a writer that finds
the database locked by another writer waits, reporting how long it has
waited, up to `BUSY_LIMIT_S`.
"""
from __future__ import annotations

import functools
import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from normalizers.text import search_text_of
from pipeline import files
from pipeline.upgrade import after_upgrade, upgrade

if TYPE_CHECKING:
    from normalizers.record import PlanRecord

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
SCHEMA_VERSION = 5  # 2: region_codes crosswalk table; 3: budget hierarchy, checks by program and year, currencies, 6th-term columns and program_classes; files, works, sections.search_text, FTS by sqlite-utils; 4: runs.status, documents(path, root) index; 5: search_text holds changed lines only, table_cells without its doc_id index
FACT_TABLES = ("sections", "doc_tables", "table_cells", "strategies", "programs",
               "program_tags", "program_classes", "indicators", "indicator_targets", "budgets", "executions",
               "mentions", "checks", "doc_regions")
BUSY_LIMIT_S = 600.0       # longest wait for another writer before giving up
_BUSY_STEP_MS = 1000       # SQLite's own wait per attempt; progress is reported between attempts
INSERT_ROWS = 64           # rows per INSERT statement (`_insert`)
INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1   # SQLite INTEGER range
T = TypeVar("T")
OnWait = Callable[[float], None]


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
    protection: str | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class TableRows:
    """Rows of one table, as tuples in `columns` order (cheap to pickle from a worker)."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple]


@dataclass(frozen=True)
class DocumentBatch:
    """Everything stored for one document: its `documents` row and the rows of each fact table."""

    document: dict[str, Any]
    facts: tuple[TableRows, ...] = ()

    @property
    def doc_id(self) -> str:
        return self.document["doc_id"]


# --- connection and schema ----------------------------------------------------------------------

def connect(db_path: str | Path, on_wait: OnWait | None = None) -> sqlite3.Connection:
    """Open (creating if needed) a plan database at the current schema version, in WAL mode."""
    try:
        if str(db_path) != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=_BUSY_STEP_MS / 1000)
        conn.execute("PRAGMA foreign_keys = OFF")
        _check_database(conn, db_path)
        when_free(lambda: conn.execute("PRAGMA journal_mode = WAL"), on_wait)
        conn.execute("PRAGMA synchronous = NORMAL")   # WAL: durable at checkpoints, never corrupt
        conn.execute("PRAGMA cache_size = -16384")    # 16 MB: a group of documents is written without spilling
        conn.execute("PRAGMA wal_autocheckpoint = 8192")  # checkpoint every 32 MB: index pages copied back once
        when_free(lambda: migrate(conn), on_wait)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(f"cannot open database {db_path}: {exc}") from exc
    return conn


def close(conn: sqlite3.Connection) -> None:
    """Close a writer's connection, leaving a self-contained file when nobody else has it open.

    WAL needs its -wal/-shm files beside the database; back in rollback-journal
    mode the file alone can be copied or read from read-only media. With a
    reader connected the switch is skipped (WAL stays, which is harmless).
    """
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error:
        pass
    conn.close()


def _check_database(conn: sqlite3.Connection, db_path: str | Path) -> None:
    """DatabaseError unless `db_path` is empty or an SQLite database (not, say, a PDF given as --db)."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{db_path} is not a planextract database ({exc})") from exc


def when_free(action: Callable[[], T], on_wait: OnWait | None = None, limit: float = BUSY_LIMIT_S) -> T:
    """Run `action`, retrying while another connection holds the write lock; `on_wait(seconds)` between tries."""
    start = time.monotonic()
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            waited = time.monotonic() - start
            if waited >= limit:
                raise DatabaseError(f"database is locked by another writer; gave up after {waited:.0f} s") from exc
            if on_wait:
                on_wait(waited)


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to `SCHEMA_VERSION` (version 0 = empty database): tables, columns and views in
    one transaction (`pipeline.upgrade`), then the full-text index, then the version.

    A kill inside the transaction leaves the old schema, never a part; a kill
    after it leaves the old version number, so the next open upgrades again
    (every step is idempotent).
    """
    if _version(conn) == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _version(conn)
        if version > SCHEMA_VERSION:
            raise DatabaseError(f"database schema version {version} is newer than this planextract "
                                f"({SCHEMA_VERSION}); upgrade planextract")
        if version < SCHEMA_VERSION:
            upgrade(conn, version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if version < SCHEMA_VERSION:
        after_upgrade(conn, version)   # the FTS index (sqlite-utils commits on its own), works
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


# --- reading the ledger -------------------------------------------------------------------------

def known_documents(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    """doc_id -> (status, pipeline_version) of every loaded document (version None: retry next run)."""
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT doc_id, status, pipeline_version FROM documents")}


def known_files(conn: sqlite3.Connection) -> set[tuple[str | None, str, int | None]]:
    """(root, path, size in bytes) of every stored document: a file not among them is new or changed."""
    return set(conn.execute("SELECT root, path, size_bytes FROM documents"))


# --- records to rows ----------------------------------------------------------------------------

def document_values(row: DocumentRow, record: PlanRecord | None) -> dict[str, Any]:
    values = asdict(row)
    meta = record.meta if record is not None else None
    for name in ("doc_type", "region_code", "region_code_issued", "region_name", "plan_term",
                 "period_start", "period_end", "issued_year"):
        values[name] = getattr(meta, name) if meta is not None else None
    if meta is not None:   # the normaliser's title (the cover's; the file's own metadata only when usable)
        values["title"] = meta.title
    return values


def rows_of_document(table: str, doc_id: str) -> tuple[str, tuple[str, ...]]:
    """(WHERE clause, parameters) selecting a document's rows of a fact table. `table_cells` has no doc_id
    index (v5): every global id of the document starts with the same `_gid` prefix, so its cells are one
    range of the primary key (';' follows ':')."""
    if table == "table_cells":
        prefix = _gid(doc_id, "") or ""
        return "table_id >= ? AND table_id < ? AND doc_id = ?", (prefix, prefix[:-1] + ";", doc_id)
    return "doc_id = ?", (doc_id,)


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


def storable(value: Any) -> tuple[Any, str | None]:
    """`value` as SQLite can store it, and why it had to change (None: unchanged).

    Integers beyond SQLite's 64-bit INTEGER and infinite or NaN floats become
    NULL (never a wrong number); text that is not valid Unicode (a lone
    surrogate) keeps its characters with the bad ones escaped.
    """
    kind = type(value)
    if kind is int and not INT_MIN <= value <= INT_MAX:
        digits = int(value.bit_length() * math.log10(2)) + 1
        return None, f"a number of {digits} digits is too large to store (SQLite integers stop at 19 digits)"
    if kind is float and not math.isfinite(value):
        return None, f"the number {value} cannot be stored"
    if kind is str and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("utf-8"), "text with invalid characters escaped"
    return value, None


def rows_to_tables(named: list[tuple[str, list[dict[str, Any]]]]) -> tuple[tuple[TableRows, ...], list[str]]:
    """Rows as `TableRows`, every value made storable; the problems found (one message per table and column)."""
    out: list[TableRows] = []
    problems: dict[tuple[str, str], str] = {}
    for table, rows in named:
        if not rows:
            continue
        columns = tuple(rows[0])
        tuples = []
        for r in rows:
            values = []
            for c in columns:
                value, problem = storable(r[c])
                if problem is not None:
                    problems.setdefault((table, c), f"{table}.{c}: {problem}")
                values.append(value)
            tuples.append(tuple(values))
        out.append(TableRows(table, columns, tuples))
    return tuple(out), list(problems.values())


def record_to_batch(row: DocumentRow, record: PlanRecord | None) -> DocumentBatch:
    """The document's row and fact rows, values made storable; a value that had to change is an issue
    on the document (`value-not-stored`), which makes it `partial`."""
    facts, problems = rows_to_tables(record_to_rows(row.doc_id, record) if record else [])
    (document,), doc_problems = rows_to_tables([("documents", [document_values(row, record)])])
    values = dict(zip(document.columns, document.rows[0]))
    problems += doc_problems
    if problems:
        issues = json.loads(values["issues"]) if values.get("issues") else []
        issues += [{"code": "value-not-stored", "message": p, "page": None, "line": None} for p in problems]
        values["issues"] = json.dumps(issues, ensure_ascii=False)
        if values["status"] == "ok":
            values["status"] = "partial"
        values["error"] = "; ".join(([values["error"]] if values.get("error") else []) + problems)
    return DocumentBatch(values, facts)


# --- writing ------------------------------------------------------------------------------------

class FileView:
    """A `documents` row (dict) seen as the `files` table reads a document row (`files.FileRow`)."""

    def __init__(self, document: dict[str, Any]):
        self.doc_id, self.path, self.root = document["doc_id"], document["path"], document.get("root")
        self.format, self.status, self.error = document.get("format"), document["status"], document.get("error")
        self.size_bytes = document.get("size_bytes")


def begin(conn: sqlite3.Connection, on_wait: OnWait | None = None) -> None:
    """Start a write transaction, waiting (reporting through `on_wait`) while another process writes."""
    when_free(lambda: conn.execute("BEGIN IMMEDIATE"), on_wait)


def write_document(conn: sqlite3.Connection, batch: DocumentBatch, on_wait: OnWait | None = None,
                   savepoint: bool = True) -> None:
    """Replace everything stored for the document (and older versions of the same file), all or nothing.

    Its own transaction; inside the caller's transaction (`begin`) a
    savepoint, or, with `savepoint=False`, plain statements whose failure the
    caller undoes (savepoints make full-text indexes flush per document).
    An older version is a document with the same `path` under the same input `root`.
    """
    doc = batch.document
    own = not conn.in_transaction
    if own:
        begin(conn, on_wait)
    marked = savepoint and not own
    if marked:
        conn.execute("SAVEPOINT document")
    try:
        row = FileView(doc)
        if not files.keeps_stored(conn, row):   # same bytes stored from another path, better: keep that
            old = [r[0] for r in conn.execute("SELECT doc_id FROM documents WHERE doc_id = ?", (row.doc_id,))]
            for doc_id in old + files.stale_documents(conn, row):   # a new document: nothing to delete
                delete_document(conn, doc_id)
            _insert(conn, "documents", tuple(doc), [tuple(doc.values())])
            for t in batch.facts:
                _insert(conn, t.table, t.columns, t.rows)
        files.record_file(conn, row, doc.get("processed_at"))
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        elif marked:
            conn.execute("ROLLBACK TO document")
            conn.execute("RELEASE document")
        raise
    if own:
        conn.execute("COMMIT")
    elif marked:
        conn.execute("RELEASE document")


def load_document(conn: sqlite3.Connection, row: DocumentRow, record: PlanRecord | None) -> None:
    """`write_document` of one document row and its record."""
    write_document(conn, record_to_batch(row, record))


def delete_document(conn: sqlite3.Connection, doc_id: str) -> None:
    for table in FACT_TABLES:
        where, params = rows_of_document(table, doc_id)
        conn.execute(f"DELETE FROM {table} WHERE {where}", params)
    conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))


def _insert(conn: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows inserted `INSERT_ROWS` at a time, one statement each.

    `sections_fts` follows `sections` by trigger, and FTS5 flushes its
    pending index at every statement that fires it: one statement per row
    (`executemany`) made the index cost three times as much (2.2 against
    0.8 ms for a document's sections); the other tables gain a little too.
    A bounded statement size keeps the connection's cache of prepared
    statements small (one per table and row count).
    """
    if not rows:
        return
    per = max(1, min(INSERT_ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(columns)))
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        conn.execute(_insert_sql(table, columns, len(part)), [v for r in part for v in r])


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...], n: int) -> str:
    """The INSERT statement of `n` rows (built once per table, columns and row count)."""
    row = f"({', '.join('?' * len(columns))})"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * n)}"


def insert_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        columns = tuple(rows[0])
        _insert(conn, table, columns, [tuple(r[c] for c in columns) for r in rows])


def load_regions(conn: sqlite3.Connection, regions: list[dict[str, Any]], codes: list[dict[str, Any]]) -> None:
    """Replace the `regions` gazetteer and the `region_codes` crosswalk (inside the caller's transaction)."""
    for table, rows in (("regions", regions), ("region_codes", codes)):
        conn.execute(f"DELETE FROM {table}")
        insert_rows(conn, table, rows)


# --- runs ---------------------------------------------------------------------------------------

def start_run(conn: sqlite3.Connection, values: dict[str, Any], regions: Callable[[], tuple[list, list]] | None,
              on_wait: OnWait | None = None) -> int:
    """Insert this run's `runs` row (status 'running'); reload the gazetteer first when `regions` is given.

    One transaction: a run whose row exists has its regions loaded.
    """
    when_free(lambda: conn.execute("BEGIN IMMEDIATE"), on_wait)
    try:
        if regions is not None:
            load_regions(conn, *regions())
        insert_rows(conn, "runs", [{**values, "status": "running"}])
        run_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return run_id


def regions_loaded(conn: sqlite3.Connection, version: str) -> bool:
    """True when a run of this pipeline version already loaded the gazetteer into this database."""
    return conn.execute("SELECT 1 FROM runs WHERE pipeline_version = ? LIMIT 1", (version,)).fetchone() is not None


def finish_run(conn: sqlite3.Connection, run_id: int, values: dict[str, Any], on_wait: OnWait | None = None) -> None:
    """Update the `runs` row at the end of a run ('completed' or 'interrupted') with its counts."""
    sets = ", ".join(f"{k} = ?" for k in values)
    when_free(lambda: conn.execute(f"UPDATE runs SET {sets} WHERE run_id = ?", (*values.values(), run_id)),
              on_wait)


def replace_row(batch: DocumentBatch, **changes: Any) -> DocumentBatch:
    """The same batch with `documents` columns changed and no facts (a failed load stores only its row)."""
    return replace(batch, document={**batch.document, **changes}, facts=())
