"""Schema creation and upgrades: tables and columns schema.sql adds, views, the sqlite-utils FTS index.

Every step is idempotent and `PRAGMA user_version` is written last (by the caller), so a
database interrupted half-way through an upgrade is upgraded again on the next open.
"""
from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

from normalizers.text import search_text_of

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
FTS_TABLE = "sections_fts"
FTS_COLUMNS = ("title", "text", "search_text")


def upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Bring a database at schema `version` (0 = empty) up to schema.sql: tables, columns, views.

    Statement by statement, so that it runs inside the caller's transaction
    (`pipeline.load.migrate`); `after_upgrade` then adds what commits on its own.
    """
    script = SCHEMA_SQL.read_text(encoding="utf-8")
    if version:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
            conn.execute(f"DROP VIEW IF EXISTS [{name}]")  # views are derived: recreated below
    statements = _statements(script)
    tables = [s for s in statements if _kind(s) in ("CREATE TABLE", "CREATE VIRTUAL")]
    for statement in tables:
        conn.execute(statement)
    added = _add_missing_columns(conn, script)   # before the indexes and views that use new columns
    for statement in statements:
        if statement not in tables:
            conn.execute(statement)
    if ("sections", "search_text") in added:
        _fill_search_text(conn)
    elif version and version < 5:   # versions 3-4 stored the whole search form, version 5 its changed lines
        _fill_search_text(conn, stored_only=True)
    if version and version < 5:
        conn.execute("DROP INDEX IF EXISTS table_cells_doc")   # a document's cells are a range of the key
    if version and version < 3:
        _files_from_documents(conn)


def after_upgrade(conn: sqlite3.Connection, version: int) -> None:
    """The steps that manage their own transactions: the sqlite-utils FTS index, works of old databases."""
    ensure_fts(conn)
    if version and version < 3:
        from pipeline.works import refresh_works

        refresh_works(conn)


def _kind(statement: str) -> str:
    """'CREATE TABLE', 'CREATE VIRTUAL', 'CREATE INDEX' … of a statement (its comments skipped)."""
    code = " ".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    return " ".join(code.upper().split()[:2])


def _statements(script: str) -> list[str]:
    """schema.sql split into statements (comments kept with the statement they precede)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current)
            current = ""
    return out


def schema_columns(script: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """table or view -> [(column, declared type)] as schema.sql defines them (FTS index left out)."""
    mem = sqlite3.connect(":memory:")
    mem.executescript(script or SCHEMA_SQL.read_text(encoding="utf-8"))
    names = [r[0] for r in mem.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    out = {n: [(r[1], r[2]) for r in mem.execute(f"PRAGMA table_info([{n}])")] for n in names}
    mem.close()
    return out


def _add_missing_columns(conn: sqlite3.Connection, script: str) -> set[tuple[str, str]]:
    """ALTER TABLE ... ADD COLUMN for every column schema.sql has and the database lacks."""
    added = set()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table, columns in schema_columns(script).items():
        if table not in tables:   # a view (created after the columns it reads)
            continue
        have = {r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")}
        for name, decl in columns:
            if name not in have:
                conn.execute(f"ALTER TABLE [{table}] ADD COLUMN [{name}] {decl}")
                added.add((table, name))
    return added


def has_fts(conn: sqlite3.Connection) -> bool:
    """True when `sections_fts` is the external-content index over `sections` this version builds."""
    row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (FTS_TABLE,)).fetchone()
    return bool(row) and bool(re.search(r"""content\s*=\s*["'\[]?sections\b""", row[0])) and "search_text" in row[0]


def ensure_fts(conn: sqlite3.Connection) -> None:
    """Create the FTS index with sqlite-utils (trigram, external content, triggers) unless present.

    sqlite-utils is imported only here (creating or upgrading a database), so commands that
    read a current database never load it.
    """
    if has_fts(conn):
        return
    db = _sqlite_utils().Database(conn)
    if db[FTS_TABLE].exists():  # version 2: a standalone FTS table holding its own copy of the text
        conn.execute(f"DROP TABLE [{FTS_TABLE}]")
    db.table("sections").enable_fts(list(FTS_COLUMNS), tokenize="trigram", create_triggers=True, replace=True)


def _sqlite_utils():
    """sqlite-utils without its optional pandas/numpy support (0.3 s of imports we never use:
    only `enable_fts` is called); modules already loaded are left as they are."""
    blocked = [m for m in ("pandas", "numpy") if m not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail fast
    try:
        import sqlite_utils
    finally:
        for name in blocked:
            del sys.modules[name]
    return sqlite_utils


def _fill_search_text(conn: sqlite3.Connection, stored_only: bool = False) -> None:
    """Set `search_text` where it differs from what `search_text_of` gives (the FTS index follows by
    trigger): of every section, or, `stored_only`, of those that have one."""
    where = " WHERE search_text IS NOT NULL" if stored_only else ""
    rows = conn.execute(f"SELECT rowid, title, text, search_text FROM sections{where}").fetchall()
    conn.executemany("UPDATE sections SET search_text = ? WHERE rowid = ?",
                     [(v, rowid) for rowid, title, text, old in rows if (v := search_text_of(title, text)) != old])


def _files_from_documents(conn: sqlite3.Connection) -> None:
    """Version 2 kept one path per document: it becomes that document's first `files` row."""
    conn.execute("""INSERT OR IGNORE INTO files (root, path, doc_id, format, status, error, size_bytes,
                                                 first_seen, last_seen)
                    SELECT COALESCE(root, ''), path, doc_id, format, status, error, size_bytes,
                           processed_at, processed_at FROM documents""")
