"""Works: one plan published as several files (HWP and PDF, HWPX and HTML ...) is one work.

Copies are recognised by what they say, not by their bytes: the same issuer and plan period,
a similar title (no conflicting years), and substantially the same text or the same amounts.
Each work has one primary copy, the one that extracted best: a better status, fewer issues
and failing checks, more facts, then HWPX > HWP > DOCX > PDF > HTML > text. Views meant for
sums (`budget_lines`, `domain_spending`) show primary copies only.
"""
from __future__ import annotations

import heapq
import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from normalizers.record import PlanRecord
from normalizers.text import search_form
from pipeline.load import rows_of_document

FORMAT_RANK = {"hwpx": 0, "hwp": 1, "docx": 2, "pdf": 3, "html": 4, "htm": 4, "md": 5, "txt": 5}
STATUS_RANK = {"ok": 0, "partial": 1, "failed": 2}
SHINGLE = 8              # characters per text shingle (spaces removed)
SKETCH = 256             # shingle hashes kept per document (the smallest ones): a bottom-k sketch
TEXT_LIMIT = 400_000     # characters of a document compared
TEXT_COPY, TEXT_TITLED, FACT_TITLED = 0.8, 0.45, 0.75


@dataclass(frozen=True)
class Copy:
    """What deciding copies and the primary needs of one document."""

    doc_id: str
    path: str
    format: str
    status: str
    title: str
    doc_type: str | None
    region_code: str | None
    region_name: str | None
    period_start: int | None
    period_end: int | None
    issued_year: int | None
    n_issues: int
    n_facts: int      # budgets, targets, programs and tables: what the structure gave
    n_mentions: int   # amounts found in the text (a plain-text export finds as many as the original)


def block_key(c: Copy) -> tuple | None:
    """Documents can be copies only within one block: issuer and plan period (None: never grouped, a failed
    document). A document naming neither issuer nor title is in the block of documents without an issuer
    for its period, where only substantially the same text makes it a copy (`similarity`)."""
    return _block(c.status, c.region_code or c.region_name, c.period_start, c.period_end)


def _block(status: str, issuer: str | None, start: int | None, end: int | None) -> tuple | None:
    return None if status == "failed" else (issuer, start, end)


def primary_rank(c: Copy) -> tuple:
    """Sort key: the first copy of a work is its primary: read without problems, with the most structure
    (budgets, targets, programs, tables), in the most original format (HWPX, HWP, DOCX, PDF, HTML, text),
    with the most mentions."""
    return (STATUS_RANK.get(c.status, 2), c.n_issues, -c.n_facts, FORMAT_RANK.get(c.format, 6), -c.n_mentions,
            c.path)


def title_key(title: str) -> str:
    return re.sub(r"[\W_]+", "", search_form(title or "")).lower()


def titles_agree(a: str, b: str) -> bool:
    """Same title up to spacing and punctuation, one containing the other, or mostly the same
    character pairs; titles naming different years never agree."""
    ya, yb = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", a or "")), set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", b or ""))
    if ya and yb and not (ya & yb):
        return False
    ka, kb = title_key(a), title_key(b)
    if not ka or not kb:
        return False
    if ka in kb or kb in ka:
        return True
    pa, pb = Counter(ka[i:i + 2] for i in range(len(ka) - 1)), Counter(kb[i:i + 2] for i in range(len(kb) - 1))
    return 2 * sum((pa & pb).values()) / max(1, sum(pa.values()) + sum(pb.values())) >= 0.6


def fingerprint_of(text: str) -> tuple[int, ...]:
    """The document's text as a bottom-k sketch: the SKETCH smallest hashes of its 8-character
    shingles (spaces removed, search forms). Two sketches estimate the Jaccard similarity of the
    texts (`sketch_jaccard`); made by the worker that read the document, stored with it."""
    flat = re.sub(r"\s+", "", search_form(text[:TEXT_LIMIT]))
    hashes = {zlib.crc32(flat[i:i + SHINGLE].encode("utf-8")) for i in range(max(0, len(flat) - SHINGLE + 1))}
    return tuple(heapq.nsmallest(SKETCH, hashes))


def record_fingerprint(record: PlanRecord) -> str:
    """`documents.fingerprint` of a record: its sections, then its table cells, as `fingerprint_of`."""
    parts = [f"{s.title or ''}\n{s.text or ''}" for s in sorted(record.sections, key=lambda s: s.seq)]
    parts += [c.text or "" for t in sorted(record.tables, key=lambda t: t.table_id)
              for c in sorted(t.cells, key=lambda c: (c.row, c.col))]
    return " ".join(map(str, fingerprint_of("\n".join(parts))))


def sketch_jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity estimated from two bottom-k sketches (exact for short texts)."""
    union = heapq.nsmallest(SKETCH, a | b)
    return sum(1 for h in union if h in a and h in b) / len(union) if union else 0.0


def jaccard(a: Iterable, b: Iterable) -> float:
    """|a ∩ b| / |a ∪ b| of two sets, or of two multisets (Counters, or lists counted here)."""
    if isinstance(a, (set, frozenset)) and isinstance(b, (set, frozenset)):
        union = len(a | b)
        return len(a & b) / union if union else 0.0
    ca, cb = a if isinstance(a, Counter) else Counter(a), b if isinstance(b, Counter) else Counter(b)
    union = sum((ca | cb).values())
    return sum((ca & cb).values()) / union if union else 0.0


def similarity(a: Copy, b: Copy, text_a: frozenset[int], text_b: frozenset[int],
               facts_a: Counter, facts_b: Counter) -> float | None:
    """How much `a` and `b` are one work (0..1), or None when they are not copies."""
    if a.issued_year and b.issued_year and a.issued_year != b.issued_year:
        return None
    text_sim = sketch_jaccard(text_a, text_b)
    fact_sim = jaccard(facts_a, facts_b) if facts_a.total() >= 3 and facts_b.total() >= 3 else None
    titled = titles_agree(a.title, b.title)
    if fact_sim is not None and fact_sim < 0.3 and text_sim < TEXT_COPY:
        return None
    if text_sim >= TEXT_COPY or (titled and (text_sim >= TEXT_TITLED or (fact_sim or 0) >= FACT_TITLED)):
        return round(max(text_sim, fact_sim or 0), 3)
    return None


KEY_SQL = """SELECT d.doc_id, d.work_id, d.status, COALESCE(d.region_code, d.region_name),
                    d.period_start, d.period_end FROM documents d"""


def _key_of(row: tuple) -> tuple | None:
    return _block(*row[2:])


def dirty_documents(conn: sqlite3.Connection) -> set[str]:
    """Documents whose work must be decided again: new or re-loaded ones (no work yet), members
    of a work that lost or changed a copy, and every document of the same block as those."""
    rows = conn.execute(KEY_SQL).fetchall()
    broken = {r[0] for r in conn.execute("""
        SELECT w.work_id FROM works w
        LEFT JOIN (SELECT work_id, count(*) AS n FROM documents GROUP BY work_id) m ON m.work_id = w.work_id
        WHERE m.n IS NULL OR m.n != w.n_copies
           OR NOT EXISTS (SELECT 1 FROM documents p WHERE p.doc_id = w.primary_doc_id AND p.work_id = w.work_id)""")}
    seeds = [r for r in rows if r[1] is None or r[1] in broken]
    keys = {_key_of(r) for r in seeds} - {None}
    return {r[0] for r in seeds} | {r[0] for r in rows if _key_of(r) in keys}


COPY_SQL = """
    SELECT d.doc_id, d.path, COALESCE(d.format, ''), d.status, COALESCE(d.title, ''), d.doc_type, d.region_code,
           d.region_name, d.period_start, d.period_end, d.issued_year,
           COALESCE(json_array_length(d.issues), 0)
             + (SELECT count(*) FROM checks c WHERE c.doc_id = d.doc_id AND c.ok = 0),
           (SELECT count(*) FROM budgets b WHERE b.doc_id = d.doc_id)
             + (SELECT count(*) FROM indicator_targets t WHERE t.doc_id = d.doc_id)
             + (SELECT count(*) FROM programs p WHERE p.doc_id = d.doc_id)
             + (SELECT count(*) FROM doc_tables x WHERE x.doc_id = d.doc_id),
           (SELECT count(*) FROM mentions m WHERE m.doc_id = d.doc_id)
    FROM documents d"""


def copies_of(conn: sqlite3.Connection, doc_ids: set[str] | None = None) -> list[Copy]:
    if doc_ids is None:
        rows = conn.execute(f"{COPY_SQL} ORDER BY d.doc_id").fetchall()
    else:
        rows = [r for chunk in _chunks(sorted(doc_ids), 500) for r in conn.execute(
            f"{COPY_SQL} WHERE d.doc_id IN ({','.join('?' * len(chunk))}) ORDER BY d.doc_id", chunk)]
    return [Copy(*r) for r in rows]


def _chunks(items: list[str], n: int) -> list[list[str]]:
    return [items[i:i + n] for i in range(0, len(items), n)]


def fingerprint(conn: sqlite3.Connection, doc_id: str) -> frozenset[int]:
    """The stored sketch of a document's text, or one made from its stored text (older rows)."""
    row = conn.execute("SELECT fingerprint FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row and row[0] is not None:
        return frozenset(int(h) for h in row[0].split())
    return frozenset(fingerprint_of(document_text(conn, doc_id)))


def document_text(conn: sqlite3.Connection, doc_id: str) -> str:
    parts = [f"{t or ''}\n{x or ''}" for t, x in conn.execute(
        "SELECT title, text FROM sections WHERE doc_id = ? ORDER BY seq", (doc_id,))]
    where, params = rows_of_document("table_cells", doc_id)
    parts += [r[0] or "" for r in conn.execute(
        f"SELECT text FROM table_cells WHERE {where} ORDER BY table_id, row, col", params)]
    return "\n".join(parts)


def document_facts(conn: sqlite3.Connection, doc_id: str) -> list:
    facts = [("b", r[0], r[1]) for r in conn.execute(
        "SELECT year, amount_krw FROM budgets WHERE doc_id = ? AND amount_krw IS NOT NULL", (doc_id,))]
    facts += [("t", r[0], r[1]) for r in conn.execute(
        "SELECT year, value FROM indicator_targets WHERE doc_id = ? AND value IS NOT NULL", (doc_id,))]
    return facts


def group_copies(conn: sqlite3.Connection, copies: list[Copy]) -> list[tuple[list[Copy], float]]:
    """Works as lists of copies (primary first) with their lowest pairwise similarity."""
    blocks: dict[tuple, list[Copy]] = {}
    groups: list[tuple[list[Copy], float]] = []
    for c in copies:
        key = block_key(c)
        if key is None:
            groups.append(([c], 1.0))
        else:
            blocks.setdefault(key, []).append(c)
    for members in blocks.values():
        if len(members) == 1:
            groups.append((members, 1.0))
            continue
        texts = {c.doc_id: fingerprint(conn, c.doc_id) for c in members}
        facts = {c.doc_id: Counter(document_facts(conn, c.doc_id)) for c in members}
        parent = {c.doc_id: c.doc_id for c in members}
        sims: dict[str, float] = {}
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if _find(parent, a.doc_id) == _find(parent, b.doc_id):
                    continue   # already one work through other copies: no need to compare them again
                sim = similarity(a, b, texts[a.doc_id], texts[b.doc_id], facts[a.doc_id], facts[b.doc_id])
                if sim is not None:
                    ra, rb = _find(parent, a.doc_id), _find(parent, b.doc_id)
                    parent[rb] = ra
                    sims[a.doc_id] = min(sims.get(a.doc_id, 1.0), sim)
                    sims[b.doc_id] = min(sims.get(b.doc_id, 1.0), sim)
        by_root: dict[str, list[Copy]] = {}
        for c in members:
            by_root.setdefault(_find(parent, c.doc_id), []).append(c)
        for group in by_root.values():
            groups.append((group, min((sims.get(c.doc_id, 1.0) for c in group), default=1.0)))
    return [(sorted(g, key=primary_rank), s) for g, s in groups]


def _find(parent: dict[str, str], x: str) -> str:
    while parent[x] != x:
        x = parent[x]
    return x


def refresh_works(conn: sqlite3.Connection, everything: bool = False) -> int:
    """Decide works again where documents changed (or for `everything`), updating `works`,
    `documents.work_id` and `documents.is_primary` in one transaction; an unchanged database
    costs one query. Returns the number of works regrouped."""
    doc_ids = None if everything else dirty_documents(conn)
    if doc_ids is not None and not doc_ids:
        _drop_orphan_works(conn)
        return 0
    groups = group_copies(conn, copies_of(conn, doc_ids))
    conn.execute("BEGIN IMMEDIATE")
    try:
        if doc_ids is None:
            conn.execute("DELETE FROM works")
        else:
            for chunk in _chunks(sorted(doc_ids), 500):
                conn.execute(f"DELETE FROM works WHERE work_id IN (SELECT work_id FROM documents WHERE doc_id IN "
                             f"({','.join('?' * len(chunk))}))", chunk)
        _drop_orphan_works(conn, commit=False)
        for group, sim in groups:
            first = group[0]
            work_id = "w:" + min(c.doc_id for c in group)[:12]
            conn.execute("INSERT OR REPLACE INTO works VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (work_id, first.doc_id, len(group), "|".join(c.format for c in group),
                          next((c.title for c in group if c.title), None),   # the primary's, else a copy's
                          first.doc_type, first.region_code, first.region_name, first.period_start,
                          first.period_end, first.issued_year, sim if len(group) > 1 else 1.0))
            conn.executemany("UPDATE documents SET work_id = ?, is_primary = ? WHERE doc_id = ?",
                             [(work_id, int(i == 0), c.doc_id) for i, c in enumerate(group)])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return len(groups)


def _drop_orphan_works(conn: sqlite3.Connection, commit: bool = True) -> None:
    """Works none of whose copies is left (documents removed by prune or replaced)."""
    sql = "DELETE FROM works WHERE work_id NOT IN (SELECT work_id FROM documents WHERE work_id IS NOT NULL)"
    if commit:
        if conn.execute("SELECT 1 FROM works WHERE work_id NOT IN (SELECT work_id FROM documents "
                        "WHERE work_id IS NOT NULL) LIMIT 1").fetchone():
            conn.execute(sql)
    else:
        conn.execute(sql)
