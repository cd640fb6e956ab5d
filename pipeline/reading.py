"""Read-only access for the commands that only read: specific errors, busy waits, guarded SQL.

Readers open the database read-only and wait for a writer (busy timeout) instead of failing
with "database is locked". `guarded_query` runs a researcher's SQL under an SQLite authorizer
that allows reading only (no ATTACH, no VACUUM INTO, no writes) and a time limit.
"""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

BUSY_TIMEOUT_S = 60.0
SQLITE_HEADER = b"SQLite format 3\x00"
READ_ACTIONS = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                getattr(sqlite3, "SQLITE_RECURSIVE", 33)}
SAFE_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "foreign_key_list", "user_version",
                "schema_version", "table_list", "database_list", "collation_list", "function_list"}
FIRST_WORDS = ("SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA")


class ReadError(Exception):
    """The database cannot be read: missing, not a SQLite file, not a planextract database, too new."""


class QueryRefused(Exception):
    """A query that would write, attach, vacuum or run past its time limit."""


def open_db(db: Path) -> sqlite3.Connection:
    """Open a plan database read-only, with a specific error for every way that can fail.

    A database of an older schema version is upgraded first (one short write).
    """
    from pipeline.load import SCHEMA_VERSION

    if not db.exists():
        raise ReadError(f"no database at {db} (run `planextract run PATH --db {db}` first)")
    if db.is_dir():
        raise ReadError(f"{db} is a folder, not a database file")
    try:
        with db.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise ReadError(f"cannot read {db}: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise ReadError(f"{db} is not a SQLite database" + (" (empty file)" if not header else ""))
    try:
        conn = _connect_ro(db)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_documents = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise ReadError(f"{db} cannot be read as a database: {exc}") from None
    if not has_documents:
        conn.close()
        raise ReadError(f"{db} is a SQLite database but not a planextract one (no documents table)")
    if version > SCHEMA_VERSION:
        conn.close()
        raise ReadError(f"{db} has schema version {version}, newer than this planextract ({SCHEMA_VERSION}); "
                        "upgrade planextract")
    if version < SCHEMA_VERSION:
        conn.close()
        _upgrade(db)
        conn = _connect_ro(db)
    return conn


def _connect_ro(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    conn.row_factory = sqlite3.Row
    return conn


def _upgrade(db: Path) -> None:
    from pipeline.load import DatabaseError, connect

    try:
        connect(db).close()
    except DatabaseError as exc:
        raise ReadError(f"{db} has an older schema and cannot be upgraded: {exc}") from None


def _authorize(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
    if action in READ_ACTIONS:
        return sqlite3.SQLITE_OK
    pragma = (arg1 or "").lower()
    if action == sqlite3.SQLITE_PRAGMA and pragma in SAFE_PRAGMAS and not (arg2 and pragma.endswith("version")):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def guarded_query(conn: sqlite3.Connection, sql: str, timeout_s: float = 30.0) -> tuple[list[str], Iterator[tuple]]:
    """Column names and rows of one read-only statement; QueryRefused for anything else.

    The authorizer allows reading tables, functions and recursive CTEs only (ATTACH, VACUUM
    INTO, PRAGMA writes and every write are refused); a progress handler stops a query that
    runs longer than `timeout_s` seconds, also while its rows are being read.
    """
    statement = sql.strip().rstrip(";").strip()
    first = statement.split(None, 1)[0].upper() if statement else ""
    if first not in FIRST_WORDS:
        raise QueryRefused(f"only reading statements are allowed ({', '.join(FIRST_WORDS)}), not {first or 'nothing'}")
    deadline = time.monotonic() + timeout_s
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    conn.set_authorizer(_authorize)
    try:
        cursor = conn.execute(statement)
    except sqlite3.DatabaseError as exc:
        _reset(conn)
        raise _refusal(exc, timeout_s) from None
    names = [d[0] for d in cursor.description or []]

    def rows() -> Iterator[tuple]:
        try:
            yield from cursor
        except sqlite3.DatabaseError as exc:
            raise _refusal(exc, timeout_s) from None
        finally:
            _reset(conn)

    return names, rows()


def _reset(conn: sqlite3.Connection) -> None:
    conn.set_progress_handler(None, 0)
    conn.set_authorizer(None)


def _refusal(exc: sqlite3.DatabaseError, timeout_s: float) -> Exception:
    text = str(exc)
    if "interrupted" in text:
        return QueryRefused(f"query stopped after the {timeout_s:g} s time limit (--timeout to change it)")
    if "not authorized" in text or "prohibited" in text:
        return QueryRefused(f"refused: only reading is allowed ({text})")
    return sqlite3.OperationalError(text)
