"""Full-text search over sections: FTS5 trigram for 3+ character words, LIKE for shorter ones (예산)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    path: str
    section_id: str
    section_path: str
    snippet: str


def search(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[Hit]:
    """Sections containing every word of `query` (as substrings), best first."""
    words = [w for w in query.split() if w]
    if not words:
        return []
    long_words = [w for w in words if len(w) >= 3]
    if long_words:
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        rows = conn.execute(
            "SELECT section_id FROM sections_fts WHERE sections_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit * 20)).fetchall()
    else:
        rows = conn.execute(
            "SELECT section_id FROM sections WHERE title LIKE ? OR text LIKE ? ORDER BY doc_id, seq LIMIT ?",
            (f"%{words[0]}%", f"%{words[0]}%", limit * 20)).fetchall()
    hits: list[Hit] = []
    for (section_id,) in rows:
        sec = conn.execute("SELECT s.*, d.path FROM sections s JOIN documents d USING (doc_id) "
                           "WHERE section_id = ?", (section_id,)).fetchone()
        if sec is None:
            continue
        body = f"{sec['title'] or ''}\n{sec['text'] or ''}"
        if not all(w in body for w in words):
            continue
        hits.append(Hit(sec["path"], section_id, section_path(conn, section_id), snippet(body, words[0])))
        if len(hits) >= limit:
            break
    return hits


def section_path(conn: sqlite3.Connection, section_id: str) -> str:
    """'Ⅲ 추진전략별 세부사업 › 1 직접사업' from the root down."""
    parts = []
    current = section_id
    while current:
        row = conn.execute("SELECT parent_id, number, title FROM sections WHERE section_id = ?",
                           (current,)).fetchone()
        if row is None:
            break
        parts.append(" ".join(x for x in (row["number"], row["title"]) if x))
        current = row["parent_id"]
    return " › ".join(reversed([p for p in parts if p]))


def snippet(text: str, word: str, width: int = 40) -> str:
    """The text around the first occurrence of `word`, on one line, the word in brackets."""
    flat = " ".join(text.split())
    i = flat.find(word)
    if i < 0:
        return flat[: 2 * width]
    start, end = max(0, i - width), min(len(flat), i + len(word) + width)
    return ("…" if start else "") + flat[start:i] + f"[{word}]" + flat[i + len(word):end] + ("…" if end < len(flat) else "")
