"""Full-text search over sections: FTS5 trigram for 3+ character words, LIKE for shorter ones (예산)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from normalizers.text import search_form


@dataclass(frozen=True)
class Hit:
    path: str
    section_id: str
    section_path: str
    snippet: str
    page: int | None = None
    doc_id: str = ""


def search(conn: sqlite3.Connection, query: str, limit: int = 20) -> list[Hit]:
    """Sections containing every word of `query` (as substrings), best first.

    Words and sections are compared in their search forms (normalizers/text.py), so a word
    printed with Hancom glyphs, ᆞ for ㆍ or letter-spaced is found either way.
    """
    words = [w for w in search_form(query).split() if w]
    if not words:
        return []
    long_words = [w for w in words if len(w) >= 3]
    if long_words:
        match = " AND ".join('"' + w.replace('"', '""') + '"' for w in long_words)
        rows = conn.execute(
            "SELECT s.section_id FROM sections_fts JOIN sections s ON s.rowid = sections_fts.rowid "
            "WHERE sections_fts MATCH ? ORDER BY sections_fts.rank LIMIT ?", (match, limit * 20)).fetchall()
    else:
        like = f"%{words[0]}%"
        rows = conn.execute(
            "SELECT section_id FROM sections WHERE title LIKE ? OR text LIKE ? OR search_text LIKE ? "
            "ORDER BY doc_id, seq LIMIT ?", (like, like, like, limit * 20)).fetchall()
    hits: list[Hit] = []
    for (section_id,) in rows:
        sec = conn.execute("SELECT s.title, s.text, s.page, s.doc_id, d.path FROM sections s "
                           "JOIN documents d USING (doc_id) WHERE section_id = ?", (section_id,)).fetchone()
        if sec is None:
            continue
        printed = f"{sec[0] or ''}\n{sec[1] or ''}"
        body = search_form(printed)
        if not all(w in body for w in words):
            continue
        shown = printed if words[0] in printed else body
        hits.append(Hit(sec[4], section_id, section_path(conn, section_id), snippet(shown, words[0]), sec[2], sec[3]))
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
        parts.append(" ".join(x for x in (row[1], row[2]) if x))
        current = row[0]
    return " › ".join(reversed([p for p in parts if p]))


def snippet(text: str, word: str, width: int = 40) -> str:
    """The text around the first occurrence of `word`, on one line, the word in brackets."""
    flat = " ".join(text.split())
    i = flat.find(word)
    if i < 0:
        return flat[: 2 * width]
    start, end = max(0, i - width), min(len(flat), i + len(word) + width)
    return ("…" if start else "") + flat[start:i] + f"[{word}]" + flat[i + len(word):end] + ("…" if end < len(flat) else "")
