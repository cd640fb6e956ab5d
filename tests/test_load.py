"""Loading is idempotent, one transaction per document, and schema-versioned."""
from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from conftest import SAMPLES

from extractors import extract
from normalizers.plan import normalise
from pipeline.load import (
    FACT_TABLES,
    INSERT_ROWS,
    SCHEMA_VERSION,
    DatabaseError,
    DocumentRow,
    connect,
    load_document,
)

SAMPLE = SAMPLES / "yangpyeong-2023-plan-summary.txt"


@pytest.fixture
def db():
    conn = connect(":memory:")
    yield conn
    conn.close()


def _row(doc_id="a" * 64, path="plan.txt", status="ok") -> DocumentRow:
    return DocumentRow(doc_id=doc_id, path=path, format="txt", status=status)


def _counts(conn) -> dict[str, int]:
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (*FACT_TABLES, "documents")}


def test_schema_version_is_set(db):
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_loading_twice_leaves_the_same_rows(db):
    record = normalise(extract(SAMPLE))
    load_document(db, _row(), record)
    first = _counts(db)
    load_document(db, _row(), record)
    assert _counts(db) == first
    assert first["budgets"] == len(record.budgets) and first["programs"] == len(record.programs)


def test_ids_are_stable_and_prefixed_by_the_document(db):
    record = normalise(extract(SAMPLE))
    load_document(db, _row(), record)
    ids = [r[0] for r in db.execute("SELECT program_id FROM programs ORDER BY program_id")]
    assert ids and all(i.startswith("a" * 12 + ":p") for i in ids)
    budget_owner = db.execute("SELECT count(*) FROM budgets b JOIN programs p USING (program_id)").fetchone()[0]
    assert budget_owner > 0


def test_a_changed_file_at_the_same_path_replaces_the_old_version(db):
    record = normalise(extract(SAMPLE))
    load_document(db, _row(doc_id="a" * 64), record)
    load_document(db, _row(doc_id="b" * 64), record)
    assert [r[0] for r in db.execute("SELECT doc_id FROM documents")] == ["b" * 64]
    assert db.execute("SELECT count(DISTINCT doc_id) FROM programs").fetchone()[0] == 1


def test_replacing_a_document_removes_its_cells_and_no_others(db):
    record = normalise(extract(SAMPLE))
    load_document(db, _row(doc_id="a" * 64, path="a.txt"), record)
    load_document(db, _row(doc_id="ab" + "c" * 62, path="b.txt"), record)   # another document, ids from 'abcc…'
    per_doc = dict(db.execute("SELECT doc_id, count(*) FROM table_cells GROUP BY doc_id").fetchall())
    assert per_doc["a" * 64] == per_doc["ab" + "c" * 62] > 10
    load_document(db, _row(doc_id="d" * 64, path="a.txt"), record)   # a.txt changed: its old cells go
    assert dict(db.execute("SELECT doc_id, count(*) FROM table_cells GROUP BY doc_id").fetchall()) == \
        {"ab" + "c" * 62: per_doc["a" * 64], "d" * 64: per_doc["a" * 64]}
    assert not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'table_cells_doc'").fetchall()


def test_many_sections_are_written_a_bounded_statement_at_a_time_and_all_indexed(db):
    record = normalise(extract(SAMPLE))
    n = 2 * INSERT_ROWS + 5
    sections = tuple(dataclasses.replace(record.sections[0], section_id=f"s{i}", parent_id=None, seq=i,
                                         title=f"절 {i}", text=f"돌봄 항목 번호{i:03d} 세부 내용") for i in range(n))
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    load_document(db, _row(), dataclasses.replace(record, sections=sections))
    db.set_trace_callback(None)
    # FTS5 flushes its index once per statement that fires the trigger; the trace repeats a statement for each
    # row its trigger indexes, so distinct texts are statements
    assert len({s for s in statements if s.startswith("INSERT INTO sections ")}) == 3   # 64 + 64 + 5 rows
    db.execute("INSERT INTO sections_fts (sections_fts) VALUES ('integrity-check')")
    hits = db.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH '\"항목 번호\"'").fetchone()[0]
    assert hits == n
    assert db.execute("SELECT rowid FROM sections_fts WHERE sections_fts MATCH '번호131'").fetchall() == \
        db.execute("SELECT rowid FROM sections WHERE section_id = 'aaaaaaaaaaaa:s131'").fetchall()


def test_a_version_4_database_keeps_only_changed_lines_for_search_and_drops_the_cells_index(tmp_path):
    path = tmp_path / "v4.db"
    conn = connect(path)
    load_document(conn, _row(), normalise(extract(SAMPLE)))
    text = "첫 줄은 그대로\n수어ᆞ점자 보급\n끝 줄도 그대로"
    conn.execute("INSERT INTO sections (section_id, doc_id, seq, title, text, search_text) VALUES "
                 "('aaaaaaaaaaaa:s99', ?, 99, '추진 배경', ?, ?)", ("a" * 64, text, "추진 배경\n" + text.replace("ᆞ", "·")))
    conn.execute("CREATE INDEX table_cells_doc ON table_cells(doc_id)")   # as version 4 made them
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT search_text FROM sections WHERE section_id = 'aaaaaaaaaaaa:s99'").fetchone() == \
        ("수어·점자 보급",)
    assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'table_cells_doc'").fetchall()
    conn.execute("INSERT INTO sections_fts (sections_fts) VALUES ('integrity-check')")   # the index follows its content
    found = {q: conn.execute("SELECT count(*) FROM sections_fts WHERE sections_fts MATCH ?", (q,)).fetchone()[0]
             for q in ('"수어·점자"', '"수어ᆞ점자"', '"첫 줄은"', '"그대로"')}
    assert found == {'"수어·점자"': 1, '"수어ᆞ점자"': 1, '"첫 줄은"': 1, '"그대로"': 1}
    conn.close()


def test_a_failing_load_leaves_nothing_half_written(db):
    record = normalise(extract(SAMPLE))
    load_document(db, _row(doc_id="a" * 64), record)
    before = _counts(db)
    broken = record.__class__(**{**record.__dict__, "budgets": record.budgets + (record.budgets[0],)})
    with pytest.raises(sqlite3.IntegrityError):
        load_document(db, _row(doc_id="a" * 64), broken)
    assert _counts(db) == before


def test_failed_document_row_has_no_facts(db):
    load_document(db, _row(status="failed"), None)
    assert db.execute("SELECT status FROM documents").fetchone()[0] == "failed"
    assert _counts(db)["sections"] == 0


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "x.db"
    sqlite3.connect(path).execute("PRAGMA user_version = 99")
    with pytest.raises(DatabaseError, match="newer"):
        connect(path)


def test_unwritable_location_is_a_database_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError):
        connect(blocker / "sub" / "plans.db")


def test_an_older_database_gains_the_new_tables(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY, path TEXT, status TEXT)")
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    conn = connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"region_codes", "budgets", "checks"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION



def test_a_heading_tree_that_fails_still_keeps_the_text_and_tables(tmp_path, monkeypatch):
    """When even the heading tree cannot be built, the document is `partial` with its text as one section
    and its tables as printed, and says why; it is never only a `documents` row."""
    import normalizers.plan
    from pipeline.inputs import discover
    from pipeline.job import Task, process
    from pipeline.load import write_document

    def broken(doc):
        raise ValueError("a tree that cannot be built")

    monkeypatch.setattr(normalizers.plan, "document_to_sections", broken)
    result = process(Task(discover([SAMPLES / "wonju-2024-implementation-plan.md"])[0], "c" * 64, "v"))
    conn = connect(tmp_path / "f.db")
    write_document(conn, result.batch)
    status, error = conn.execute("SELECT status, error FROM documents").fetchone()
    assert status == "partial" and "a tree that cannot be built" in error
    assert conn.execute("SELECT count(*), max(length(text)) > 100 FROM sections").fetchone() == (1, 1)
    assert conn.execute("SELECT count(*) FROM doc_tables").fetchone()[0] >= 1
    assert conn.execute("SELECT count(*) FROM table_cells").fetchone()[0] > 10
