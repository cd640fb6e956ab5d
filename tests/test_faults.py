"""Fault injection: SIGKILL the run (at several points) or one of its workers; resuming gives the same database
as an uninterrupted run, workers never outlive the run, and a kill during schema creation leaves no part."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, sample_files

PLANEXTRACT = [sys.executable, "-m", "pipeline"]
TIMING = {"processed_at", "seconds", "first_seen", "last_seen"}


def start(folder: Path, db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*PLANEXTRACT, "run", str(folder), "--db", str(db), "--jobs", "2", *extra], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_lines(proc: subprocess.Popen, n: int) -> None:
    """Read `n` progress lines (each is written after its document is committed)."""
    assert proc.stderr is not None
    for _ in range(n):
        assert proc.stderr.readline(), "the run ended before the kill point"


def children(pid: int) -> list[int]:
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
        except FileNotFoundError:   # a thread that just ended
            continue
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), timing columns and the `runs` ledger left out; FTS by its columns."""
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                            "'sqlite_%' AND name NOT LIKE '%fts_%' AND name != 'runs'")]
        out = {}
        for name in names:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({name})") if r[1] not in TIMING]
            out[name] = sorted(conn.execute(f"SELECT {', '.join(cols)} FROM {name}"), key=repr)
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """The samples twice (the copies one byte longer: other documents), long enough to be killed mid-way."""
    folder = tmp_path_factory.mktemp("faults") / "in"
    shutil.copytree(SAMPLES, folder)
    (folder / "copies").mkdir()
    for sample in sample_files():
        (folder / "copies" / sample.name).write_bytes(sample.read_bytes() + b"\n")
    return folder


@pytest.fixture(scope="module")
def reference(batch, tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    proc = start(batch, db)
    assert proc.wait(timeout=300) == 0
    return snapshot(db)


@pytest.mark.parametrize("kill_after", [1, 8, 18])
def test_killing_the_run_then_resuming_equals_an_uninterrupted_run(batch, reference, tmp_path, kill_after):
    db = tmp_path / "killed.db"
    proc = start(batch, db)
    wait_lines(proc, kill_after)
    workers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert workers or kill_after > 1, "documents run in worker processes"   # late, they may all be done
    deadline = time.monotonic() + 5
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)], "workers outlived the killed run"
    conn = sqlite3.connect(db)
    if proc.returncode == -signal.SIGKILL:   # (late, the run may have just finished)
        assert conn.execute("SELECT status FROM runs").fetchall() == [("running",)]   # a killed run stays so
    conn.close()
    resumed = start(batch, db)
    assert resumed.wait(timeout=300) == 0
    assert snapshot(db) == reference


@pytest.mark.parametrize("kill_after", [1, 10])
def test_a_killed_worker_is_replaced_and_its_document_retried(batch, reference, tmp_path, kill_after):
    db = tmp_path / "worker.db"
    proc = start(batch, db)
    wait_lines(proc, kill_after)
    victims = children(proc.pid)
    assert len(victims) == 2
    os.kill(victims[kill_after % 2], signal.SIGKILL)
    assert proc.wait(timeout=300) == 0, proc.stderr.read() if proc.stderr else ""
    assert snapshot(db) == reference
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents WHERE pipeline_version IS NULL").fetchone() == (0,)
    conn.close()


def test_a_crash_twice_is_stored_and_retried_by_the_next_run(tmp_path):
    """A document whose worker dies twice is `failed` with the reason and no version, so the next run retries it."""
    from pipeline.executors import after_crash
    from pipeline.inputs import discover
    from pipeline.job import Task, failed

    item = discover([SAMPLES / "press-release-2024-special-zones.txt"])[0]
    task = Task(item, "a" * 64, "v", attempt=2)
    crash = failed(item, task.doc_id, None, "worker crashed (killed by SIGKILL)", crashed=True)
    stored = after_crash(crash, task, lambda t: pytest.fail("a second retry"))
    assert stored is not None and stored.status == "failed"
    assert stored.batch.document["pipeline_version"] is None and "twice (killed by SIGKILL)" in stored.error
    sent = []
    assert after_crash(crash, Task(item, "a" * 64, "v"), sent.append) is None and sent[0].attempt == 2


def test_ctrl_c_rolls_back_records_the_run_and_says_how_to_resume(batch, reference, tmp_path):
    db = tmp_path / "int.db"
    proc = start(batch, db)
    wait_lines(proc, 3)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    err = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in err and "Run the same command again to resume" in err
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status, finished_at IS NOT NULL FROM runs").fetchall() == [("interrupted", 1)]
    conn.close()
    assert start(batch, db).wait(timeout=300) == 0
    assert snapshot(db) == reference


KILL_IN_SCHEMA = """
import os, signal, sqlite3, sys
from pipeline import load, upgrade
real = upgrade._statements
def dying(sql):
    statements = real(sql)
    return statements[:5] + ["SELECT kill_me()"] + statements[5:]
upgrade._statements = dying
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.create_function("kill_me", 0, lambda: os.kill(os.getpid(), signal.SIGKILL))
load.migrate(conn)
"""


def test_a_kill_during_schema_creation_leaves_no_partial_schema(tmp_path):
    db = tmp_path / "schema.db"
    done = subprocess.run([sys.executable, "-c", KILL_IN_SCHEMA, str(db)], cwd=ROOT)
    assert done.returncode == -signal.SIGKILL
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    assert conn.execute("PRAGMA user_version").fetchone() == (0,)
    conn.close()
    from pipeline.load import SCHEMA_VERSION, connect

    conn = connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,)
    conn.close()
