"""The runner's parts: per-document budgets, storable values, migration, WAL readers and busy writers, discovery."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest
from conftest import SAMPLES

from pipeline.inputs import discover, printable
from pipeline.job import Task
from pipeline.load import (
    SCHEMA_VERSION,
    DatabaseError,
    DocumentRow,
    connect,
    load_document,
    record_to_batch,
    storable,
    write_document,
)
from pipeline.workers import Limits, Supervisor, memory_text, parse_memory


def _task(path) -> Task:
    return Task(discover([path])[0], "b" * 64, "v")


def test_a_document_past_its_time_budget_is_killed_and_failed(tmp_path):
    slow = tmp_path / "slow.txt"
    slow.write_text("\n".join(f"{i}. 사업 {i} 예산 {i}백만원" for i in range(40_000)), encoding="utf-8")
    sup = Supervisor(Limits(timeout=0.5))
    try:
        started = time.monotonic()
        result = sup.run(_task(slow))
        assert time.monotonic() - started < 5
        assert (result.status, result.error) == ("failed", "timed out after 0.5 s (--timeout)")
        assert not result.crashed and result.batch.document["pipeline_version"] == "v"
        ok = sup.run(_task(SAMPLES / "press-release-2024-special-zones.txt"))   # a fresh child goes on
        assert ok.status == "ok"
    finally:
        sup.stop()


def test_a_document_past_its_memory_budget_fails_and_the_child_is_replaced(tmp_path):
    big = tmp_path / "big.md"   # a 40,000-row table: far more than 120 MB once read and normalised
    big.write_text("| 사업명 | 2023 | 2024 |\n|---|---|---|\n" + "".join(
        f"| 사업{i} | {i},000 | {i + 1},000 |\n" for i in range(40_000)), encoding="utf-8")
    sup = Supervisor(Limits(max_memory=120 * 1024 ** 2))
    try:
        result = sup.run(_task(big))
        assert (result.status, result.error) == ("failed", "exceeded 120 MB of memory (--max-memory)")
        assert sup.run(_task(SAMPLES / "press-release-2024-special-zones.txt")).status == "ok"
    finally:
        sup.stop()


def test_memory_sizes_read_and_print():
    assert parse_memory("2GB") == parse_memory("2 g") == 2 * 1024 ** 3
    assert parse_memory("500MB") == 500 * 1024 ** 2 and parse_memory("1048576") == 1024 ** 2
    assert memory_text(2 * 1024 ** 3) == "2 GB" and memory_text(300 * 1024 ** 2) == "300 MB"
    with pytest.raises(ValueError):
        parse_memory("lots")


def test_values_sqlite_cannot_hold_become_null_with_a_reason():
    assert storable(2 ** 63 - 1) == (2 ** 63 - 1, None)
    assert storable(10 ** 19)[0] is None and "20 digits" in storable(10 ** 19)[1]
    assert storable(float("inf"))[0] is None
    assert storable("a\udcffb") == ("a\\udcffb", "text with invalid characters escaped")
    assert storable("마포구") == ("마포구", None)


def test_a_too_large_amount_makes_the_document_partial_not_wrong():
    from extractors import extract
    from normalizers.plan import normalise

    record = normalise(extract(SAMPLES / "yangpyeong-2023-plan-summary.txt"))
    budget = record.budgets[0]
    huge = record.__class__(**{**record.__dict__, "budgets": (budget.__class__(**{**budget.__dict__,
                                                                                  "amount_krw": 10 ** 22}),)})
    batch = record_to_batch(DocumentRow(doc_id="c" * 64, path="x.txt", format="txt", status="ok"), huge)
    assert batch.document["status"] == "partial" and "budgets.amount_krw" in batch.document["error"]
    conn = connect(":memory:")
    write_document(conn, batch)
    assert conn.execute("SELECT amount_krw, amount_text FROM budgets").fetchone() == (None, budget.amount_text)


def test_an_older_database_gains_new_columns_in_one_step(tmp_path):
    path = tmp_path / "v2.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT, n_docs INTEGER)")
    old.execute("INSERT INTO runs (started_at, n_docs) VALUES ('2024-01-01', 3)")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    conn = connect(path)
    cols = {r[1] for r in conn.execute("PRAGMA table_info(runs)")}
    assert {"status", "n_skipped", "finished_at"} <= cols
    assert conn.execute("SELECT started_at, n_docs, status FROM runs").fetchall() == [("2024-01-01", 3, None)]
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_file_that_is_no_database_is_refused_clearly(tmp_path):
    fake = tmp_path / "plan.pdf"
    fake.write_bytes(b"%PDF-1.7 not a database at all" * 100)
    with pytest.raises(DatabaseError, match="not a planextract database"):
        connect(fake)


def test_a_writer_waits_for_another_writer_and_readers_never_wait(tmp_path):
    from extractors import extract
    from normalizers.plan import normalise

    path = tmp_path / "busy.db"
    connect(path).close()
    record = normalise(extract(SAMPLES / "yangpyeong-2023-plan-summary.txt"))
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO runs (started_at) VALUES ('holding the write lock')")
    waited: list[float] = []
    release = threading.Timer(1.5, lambda: other.execute("COMMIT"))
    release.start()
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == (0,)   # no wait for the writer
    conn = connect(path)
    write_document(conn, record_to_batch(DocumentRow(doc_id="d" * 64, path="p.txt", format="txt", status="ok"),
                                         record), on_wait=waited.append)
    release.join()
    assert waited, "the writer reported its wait"
    assert reader.execute("SELECT count(*) FROM documents").fetchone() == (1,)


def test_a_reader_sees_whole_documents_while_a_big_one_is_written(tmp_path):
    from extractors import extract
    from normalizers.plan import normalise

    path = tmp_path / "read.db"
    conn = connect(path)
    record = normalise(extract(SAMPLES / "yangpyeong-2023-plan-summary.txt"))
    many = record.__class__(**{**record.__dict__, "tables": record.tables * 200})
    counts = []

    def read():
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.1)
        while not done.is_set():
            counts.append(reader.execute("SELECT count(*), (SELECT count(*) FROM documents) FROM table_cells")
                          .fetchone())

    done = threading.Event()
    thread = threading.Thread(target=read)
    thread.start()
    try:
        many = record.__class__(**{**many.__dict__, "tables": tuple(t.__class__(**{**t.__dict__, "table_id": f"t{i}"})
                                                                     for i, t in enumerate(many.tables))})
        load_document(conn, DocumentRow(doc_id="e" * 64, path="big.txt", format="txt", status="ok"), many)
    finally:
        done.set()
        thread.join()
    cells = sum(len(t.cells) for t in many.tables)
    assert counts and set(counts) <= {(0, 0), (cells, 1)}, "a reader saw half a document"


def test_discovery_reads_regular_files_and_links_inside_the_folder_only(tmp_path):
    (tmp_path / "a.txt").write_text("가")
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("/etc/hostname", tmp_path / "out.txt")
    os.symlink("a.txt", tmp_path / "in.txt")
    os.symlink("/", tmp_path / "everything")
    name = os.fsencode(tmp_path) + b"/odd-\xff.txt"
    with open(name, "wb") as fh:
        fh.write("나".encode())
    found = {f.rel: f for f in discover([tmp_path])}
    assert set(found) == {"a.txt", "pipe.txt", "out.txt", "in.txt", "odd-\\xff.txt"}
    assert found["pipe.txt"].problem == "not read: a FIFO (named pipe), not a regular file"
    assert "outside the input folder" in (found["out.txt"].problem or "")
    assert found["in.txt"].problem is None and found["in.txt"].path == tmp_path / "a.txt"
    assert found["odd-\\xff.txt"].problem is None and printable("x\udcff") == "x\\xff"


def test_a_document_the_database_refuses_fails_alone_and_its_group_is_kept(tmp_path):
    """Documents share commits; one whose rows the database refuses (duplicate ids) is stored as failed
    with the reason, and the documents written before it in the same group are kept whole."""
    from dataclasses import replace

    from pipeline.job import process
    from pipeline.run import RunSummary, _Commits

    conn = connect(tmp_path / "group.db")
    good = [process(Task(discover([SAMPLES / name])[0], digit * 64, "v"))
            for name, digit in (("yangpyeong-2023-plan-summary.txt", "1"), ("casebook-2023-excerpt.txt", "2"))]
    bad = process(Task(discover([SAMPLES / "wonju-2024-implementation-plan.md"])[0], "3" * 64, "v"))
    sections = next(t for t in bad.batch.facts if t.table == "sections")
    doubled = replace(sections, rows=sections.rows + sections.rows[:1])
    bad = replace(bad, batch=replace(bad.batch, facts=tuple(doubled if t is sections else t for t in bad.batch.facts)))
    done = []
    commits = _Commits(conn, RunSummary(0), done.append)
    for result in (*good, bad):
        commits.add(result, None)
    commits.commit()
    rows = dict(conn.execute("SELECT doc_id, status || ': ' || coalesce(error, '') FROM documents"))
    assert not rows["1" * 64].startswith("failed") and not rows["2" * 64].startswith("failed")
    assert rows["3" * 64].startswith("failed: cannot store the document: IntegrityError")
    assert conn.execute("SELECT count(DISTINCT doc_id) FROM sections").fetchone() == (2,)
    assert [d.state for d in done][2] == "failed" and "failed" not in [d.state for d in done][:2]


@pytest.mark.parametrize("jobs", [1, 2])
def test_workers_replaced_after_their_share_of_documents_finish_the_batch(tmp_path, jobs):
    """A child is retired after `tasks_per_child` documents (1,000 by default): the batch goes on in a
    new one, however many times that happens (a run of 1,001 files once hung at the 1,001st)."""
    from pipeline.run import run

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(9):
        (folder / f"d{i}.txt").write_text(f"{i}. 돌봄 사업 {i}\n예산 {i + 1}백만원\n", encoding="utf-8")
    db = tmp_path / "r.db"
    outcome: list = []
    worker = threading.Thread(target=lambda: outcome.append(
        run([folder], db, jobs=jobs, limits=Limits(tasks_per_child=2))), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the run hung when a worker child was replaced"
    assert outcome and outcome[0].processed == 9
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*), sum(status = 'ok') FROM documents").fetchone() == (9, 9)
