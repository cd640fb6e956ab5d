"""The `files` table: every input path a run saw, beside the one `documents` row per distinct content.

Identical bytes under two paths are one document but two files. A path that fails never
removes what another path of the same bytes extracted, and a changed file removes its old
content only when no other path still holds it.
"""
from __future__ import annotations

import fnmatch
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

STATUS_RANK = {"ok": 0, "partial": 1, "failed": 2}
# Files that sit in download folders beside documents but are not documents: archives, data
# sheets, Hangul templates, checksum lists and notes. `run` skips and counts them.
NOT_DOCUMENTS = ("*.zip", "*.7z", "*.tar", "*.gz", "*.xlsx", "*.xls", "*.xlsm", "*.csv", "*.tsv", "*.jsonl",
                 "*.parquet", "*.hwt", "*.log", "MANIFEST*", "CHANGELOG*", "NOTES*", "SHA256SUMS*", "*.sha256",
                 "*.md5")


class FileRow(Protocol):
    """What `files` needs of a `DocumentRow` (read-only)."""

    @property
    def doc_id(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def root(self) -> str | None: ...
    @property
    def format(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def error(self) -> str | None: ...
    @property
    def size_bytes(self) -> int | None: ...


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def keeps_stored(conn: sqlite3.Connection, row: FileRow) -> bool:
    """True when the same bytes are stored from another path with a better status than `row`'s."""
    stored = conn.execute("SELECT status, path, COALESCE(root, '') FROM documents WHERE doc_id = ?",
                          (row.doc_id,)).fetchone()
    if stored is None or (stored[1], stored[2]) == (row.path, row.root or ""):
        return False
    return STATUS_RANK.get(stored[0], 2) < STATUS_RANK.get(row.status, 2)


def stale_documents(conn: sqlite3.Connection, row: FileRow) -> list[str]:
    """Documents this path held before (older versions of the file) that no other path holds.

    An older version that another path still holds stays, and its `documents.path` moves there.
    """
    root = row.root or ""
    before = {r[0] for r in conn.execute("SELECT doc_id FROM files WHERE path = ? AND root = ? AND doc_id != ?",
                                         (row.path, root, row.doc_id))}
    before |= {r[0] for r in conn.execute(
        "SELECT doc_id FROM documents WHERE path = ? AND COALESCE(root, '') = ? AND doc_id != ?",
        (row.path, root, row.doc_id))}
    stale = []
    for doc_id in sorted(before):
        other = conn.execute("SELECT path, root FROM files WHERE doc_id = ? AND NOT (path = ? AND root = ?) "
                             "ORDER BY last_seen DESC, path LIMIT 1", (doc_id, row.path, root)).fetchone()
        if other is None:
            stale.append(doc_id)
        else:
            conn.execute("UPDATE documents SET path = ?, root = ? WHERE doc_id = ?", (other[0], other[1] or None, doc_id))
    return stale


def record_file(conn: sqlite3.Connection, row: FileRow, seen: str | None = None) -> None:
    """Insert or update the `files` row of `row`'s path with its own outcome."""
    seen = seen or _now()
    conn.execute("""INSERT INTO files (root, path, doc_id, format, status, error, size_bytes, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (root, path) DO UPDATE SET
                        first_seen = CASE WHEN files.doc_id = excluded.doc_id THEN files.first_seen
                                          ELSE excluded.first_seen END,
                        doc_id = excluded.doc_id, format = excluded.format, status = excluded.status,
                        error = excluded.error, size_bytes = excluded.size_bytes, last_seen = excluded.last_seen""",
                 (row.root or "", row.path, row.doc_id, row.format, row.status, row.error, row.size_bytes,
                  seen, seen))


def touch_file(conn: sqlite3.Connection, row: FileRow) -> None:
    """An unchanged file: update `last_seen`, or add the path when only its bytes were known."""
    cur = conn.execute("UPDATE files SET last_seen = ? WHERE root = ? AND path = ? AND doc_id = ?",
                       (_now(), row.root or "", row.path, row.doc_id))
    if cur.rowcount:
        return
    stored = conn.execute("SELECT format, status, error, size_bytes FROM documents WHERE doc_id = ?",
                          (row.doc_id,)).fetchone()
    if stored is not None:
        own = not conn.in_transaction   # inside the runner's transaction, part of it
        if own:
            conn.execute("BEGIN IMMEDIATE")
        try:
            stale = stale_documents(conn, row)
            _delete_documents(conn, stale)
            conn.execute("""INSERT OR REPLACE INTO files (root, path, doc_id, format, status, error, size_bytes,
                                                          first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                         (row.root or "", row.path, row.doc_id, *stored, _now(), _now()))
            if own:
                conn.execute("COMMIT")
        except BaseException:
            if own:
                conn.execute("ROLLBACK")
            raise


def _delete_documents(conn: sqlite3.Connection, doc_ids: list[str]) -> None:
    from pipeline.load import delete_document

    for doc_id in doc_ids:
        delete_document(conn, doc_id)


def is_not_document(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in NOT_DOCUMENTS)


def not_documents(paths: list[Path]) -> list[Path]:
    """Files under `paths` that `run` skips as not documents (hidden folders left out, as `run` does)."""
    found = []
    for root in paths:
        if root.is_file():
            found += [root] if is_not_document(root.name) else []
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            found += [Path(dirpath) / n for n in sorted(filenames) if not n.startswith(".") and is_not_document(n)]
    return found


def missing_files(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(root, path, doc_id) of every `files` row whose file is no longer on disk."""
    out = []
    for root, path, doc_id in conn.execute("SELECT root, path, doc_id FROM files ORDER BY root, path"):
        full = Path(root) / path if root else Path(path)
        if not full.exists():
            out.append((root, path, doc_id))
    return out


def prune(conn: sqlite3.Connection, dry_run: bool = False) -> tuple[list[tuple[str, str]], list[str]]:
    """Forget paths deleted from their input folder, and documents no path holds any more.

    Returns ((root, path) removed, doc_ids removed); `dry_run` only reports.
    """
    gone = missing_files(conn)
    kept_by = {r[0] for r in conn.execute("SELECT DISTINCT doc_id FROM files")}
    gone_paths = {(root, path) for root, path, _ in gone}
    remaining: dict[str, tuple[str, str]] = {}
    for root, path, doc_id in conn.execute("SELECT root, path, doc_id FROM files"):
        if (root, path) not in gone_paths:
            remaining.setdefault(doc_id, (root, path))
    orphans = sorted({d for _, _, d in gone if d not in remaining} |
                     {r[0] for r in conn.execute("SELECT doc_id FROM documents") if r[0] not in kept_by})
    if dry_run:
        return sorted(gone_paths), orphans
    conn.execute("BEGIN IMMEDIATE")
    try:
        for root, path, _ in gone:
            conn.execute("DELETE FROM files WHERE root = ? AND path = ?", (root, path))
        for doc_id, (root, path) in remaining.items():
            conn.execute("UPDATE documents SET path = ?, root = ? WHERE doc_id = ? AND NOT (path = ? AND "
                         "COALESCE(root, '') = ?) AND NOT EXISTS (SELECT 1 FROM files f WHERE f.doc_id = ? AND "
                         "f.path = documents.path AND f.root = COALESCE(documents.root, ''))",
                         (path, root or None, doc_id, path, root, doc_id))
        _delete_documents(conn, orphans)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return sorted(gone_paths), orphans
