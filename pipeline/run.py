"""Batch runs: find files, skip unchanged ones, process the rest in workers, write each as it arrives.

One failure never stops a batch: every input file ends as a `documents` row
with status `ok`, `partial` (extracted, with issues) or `failed` (and why),
or is reported as unchanged (same bytes and pipeline version as stored) or
as a duplicate (same bytes as another file of this run). Workers (local
processes or Dask) only extract and normalise; this process alone writes
SQLite, one short transaction per document. Memory stays flat: the run keeps
counts, not results.

A feeder thread hashes files and queues work while the main thread writes;
an interrupt (Ctrl-C, SIGTERM) rolls back the document being written, stops
the workers, and records the run as `interrupted`; rerunning the same
command resumes, since finished documents are skipped.
"""
from __future__ import annotations

import json
import queue
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import files, pipeline_version
from pipeline.executors import Broken, DaskExecutor, ExecutorError, LocalExecutor, prestarted
from pipeline.inputs import InputFile, discover, path_id, sha256_of
from pipeline.job import Counts, Result, Task, failed, now
from pipeline.load import (
    DatabaseError,
    FileView,
    OnWait,
    begin,
    close,
    connect,
    finish_run,
    known_documents,
    known_files,
    regions_loaded,
    replace_row,
    start_run,
    write_document,
)
from pipeline.workers import Limits
from pipeline.works import refresh_works

PROBLEMS_KEPT = 50     # failed/partial documents listed in the summary (all are in `status`)
COMMIT_SECONDS = 0.25  # longest a group of documents holds the write lock before its commit
COMMIT_DOCS = 64
_STORE_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.ProgrammingError, sqlite3.DataError,
                 OverflowError, ValueError, TypeError, UnicodeError)


@dataclass(frozen=True)
class Done:
    """One input file accounted for: its path, what became of it (ok, partial, failed, unchanged, duplicate);
    for skipped files also the document they hold and their input root (for the `files` table)."""

    path: str
    state: str
    error: str | None = None
    doc_id: str | None = None
    root: str | None = None


@dataclass
class StatusTotals:
    documents: int = 0
    sections: int = 0
    tables: int = 0
    programs: int = 0
    budgets: int = 0
    seconds: float = 0.0

    def add(self, counts: Counts, seconds: float | None) -> None:
        self.documents += 1
        self.sections += counts.sections
        self.tables += counts.tables
        self.programs += counts.programs
        self.budgets += counts.budgets
        self.seconds += seconds or 0.0


@dataclass
class RunSummary:
    """What a run did, in counts (flat memory): totals per status, skipped files, the first problems."""

    run_id: int
    files: int = 0
    totals: dict[str, StatusTotals] = field(default_factory=lambda: {s: StatusTotals() for s in
                                                                     ("ok", "partial", "failed")})
    unchanged: int = 0
    duplicates: int = 0
    problems: list[Done] = field(default_factory=list)
    n_problems: int = 0
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def processed(self) -> int:
        return sum(t.documents for t in self.totals.values())

    def add(self, done: Done, result: Result | None = None) -> None:
        if done.state == "unchanged":
            self.unchanged += 1
        elif done.state == "duplicate":
            self.duplicates += 1
        elif result is not None:
            self.totals[done.state].add(result.counts, result.batch.document.get("seconds"))
        if done.state in ("partial", "failed"):
            self.n_problems += 1
            if len(self.problems) < PROBLEMS_KEPT:
                self.problems.append(done)


class Interrupted(Exception):
    """The run was stopped (Ctrl-C, SIGTERM); `summary` says what was finished."""

    def __init__(self, summary: RunSummary):
        super().__init__("interrupted")
        self.summary = summary


def run(paths: list[Path], db_path: Path, *, jobs: int = 1, force: bool = False, retry_failed: bool = False,
        limits: Limits | None = None, executor: str = "local", scheduler: str | None = None,
        on_start: Callable[[int], None] | None = None, on_done: Callable[[Done], None] | None = None,
        on_wait: OnWait | None = None, early: LocalExecutor | None = None) -> RunSummary:
    """Process every file under `paths` into `db_path`; callbacks drive a progress display. `early`:
    workers the caller started already (`executors.prestarted`), which the run takes over and closes.

    Raises `Interrupted` (after recording the run) on Ctrl-C or SIGTERM,
    `DatabaseError` when the database cannot be written, `ExecutorError` when
    the workers cannot run.
    """
    t0 = time.perf_counter()
    limits = limits or Limits()
    early = early or prestarted(executor, db_path, jobs, limits)
    try:
        return _run(paths, db_path, jobs, force, retry_failed, limits, executor, scheduler, early,
                    on_start, on_done, on_wait, t0)
    finally:
        if early is not None:
            early.close()   # closed by the run already, unless it failed before starting it


def _run(paths: list[Path], db_path: Path, jobs: int, force: bool, retry_failed: bool, limits: Limits,
         executor: str, scheduler: str | None, early: LocalExecutor | None,
         on_start: Callable[[int], None] | None, on_done: Callable[[Done], None] | None,
         on_wait: OnWait | None, t0: float) -> RunSummary:
    version = pipeline_version()
    conn = connect(db_path, on_wait)
    options = {"paths": [str(p) for p in paths], "jobs": jobs, "force": force, "retry_failed": retry_failed,
               "executor": executor, "timeout": limits.timeout, "max_memory": limits.max_memory}
    try:
        regions = None if regions_loaded(conn, version) else _region_rows
        run_id = start_run(conn, {"started_at": now(), "pipeline_version": version,
                                  "options": json.dumps(options, ensure_ascii=False)}, regions, on_wait)
        summary = RunSummary(run_id)
        known = known_documents(conn)
        items = discover(paths)
        places = known_files(conn)
        eager = any((i.root, i.rel, i.size) not in places for i in items if not i.problem)
        summary.files = len(items)
        if on_start:
            on_start(len(items))
        make = (lambda: DaskExecutor(jobs, limits, scheduler)) if executor == "dask" else \
            (lambda: early or LocalExecutor(jobs, limits))
        status = "interrupted"
        try:
            with _sigterm_as_interrupt(), closing(_events(items, known, version, force, retry_failed,
                                                          make, jobs, eager or force or early is not None)) as events:
                commits = _Commits(conn, summary, on_done)
                for event in events:
                    if event is not None:
                        commits.add(event, on_wait)
                    if commits.due():
                        commits.commit()
                commits.finish(on_wait)
            status = "completed"
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            if conn.in_transaction:   # interrupted: the documents not yet committed are rolled back
                conn.execute("ROLLBACK")
            summary.seconds = time.perf_counter() - t0
            _finish(conn, summary, status)
    finally:
        close(conn)
    if summary.interrupted:
        raise Interrupted(summary)
    return summary


def _region_rows() -> tuple[list, list]:
    from normalizers.regions import code_history_rows, gazetteer_rows

    return gazetteer_rows(), code_history_rows()


def _finish(conn: sqlite3.Connection, summary: RunSummary, status: str) -> None:
    """Record the run's counts and how it ended (an interrupted run records what it can)."""
    t = summary.totals
    try:
        finish_run(conn, summary.run_id, {
            "finished_at": now(), "status": status, "n_docs": summary.files, "n_ok": t["ok"].documents,
            "n_partial": t["partial"].documents, "n_failed": t["failed"].documents,
            "n_skipped": summary.unchanged + summary.duplicates})
    except (sqlite3.Error, DatabaseError):
        if status == "completed":
            raise


class _Commits:
    """Documents written as they arrive, committed in small groups.

    Each document is a savepoint of its own (whole or absent); a group is
    committed `COMMIT_SECONDS` after its first document or at `COMMIT_DOCS`,
    so the write lock is held briefly (other writers wait at most that long)
    and a batch does not pay one commit per small document. A file counts as
    done (summary, progress) once its group is committed.
    """

    def __init__(self, conn: sqlite3.Connection, summary: RunSummary, on_done: Callable[[Done], None] | None):
        self.conn, self.summary, self.on_done = conn, summary, on_done
        self.held: list[tuple[Done, Result | None]] = []
        self.duplicates: list[Done] = []
        self.since = 0.0

    def add(self, event: Result | Done, on_wait: OnWait | None) -> None:
        if isinstance(event, Done) and event.state == "duplicate":
            self.duplicates.append(event)   # its path is recorded once the first copy is stored
            self.held.append((event, None))
            return
        if not self.conn.in_transaction:
            begin(self.conn, on_wait)
            self.since = time.monotonic()
        if isinstance(event, Done):   # unchanged: the path was seen again
            files.touch_file(self.conn, _skipped_row(event))
            self.held.append((event, None))
            return
        try:
            write_document(self.conn, event.batch, on_wait, savepoint=False)
            stored = event
        except _STORE_ERRORS as exc:   # undo the group, write it again, then this document as failed
            self._rewrite(on_wait)
            stored = failed_to_store(event, exc)
            self._write(stored)
        except sqlite3.Error as exc:
            raise DatabaseError(f"cannot write to the database: {exc}") from exc
        self.held.append((Done(stored.path, stored.status, stored.error), stored))

    def _rewrite(self, on_wait: OnWait | None) -> None:
        self.conn.execute("ROLLBACK")
        begin(self.conn, on_wait)
        for _, result in self.held:
            if result is not None:
                self._write(result)

    def _write(self, result: Result) -> None:
        try:
            write_document(self.conn, result.batch, savepoint=False)
        except (sqlite3.Error, *_STORE_ERRORS) as exc:
            raise DatabaseError(f"cannot write to the database: {exc}") from exc

    def due(self) -> bool:
        if not self.conn.in_transaction:
            return bool(self.held)   # only duplicates: nothing to commit, report them
        return len(self.held) >= COMMIT_DOCS or time.monotonic() - self.since >= COMMIT_SECONDS

    def finish(self, on_wait: OnWait | None) -> None:
        """Commit what is held, record the duplicates' paths, regroup the works."""
        self.commit()
        if self.duplicates:
            begin(self.conn, on_wait)
            for done in self.duplicates:
                files.touch_file(self.conn, _skipped_row(done))
            self.conn.execute("COMMIT")
        refresh_works(self.conn)

    def commit(self) -> None:
        if self.conn.in_transaction:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise DatabaseError(f"cannot write to the database: {exc}") from exc
        for done, result in self.held:
            self.summary.add(done, result)
            if self.on_done:
                self.on_done(done)
        self.held.clear()


def _skipped_row(done: Done) -> FileView:
    return FileView({"doc_id": done.doc_id, "path": done.path, "root": done.root, "status": done.state})


def failed_to_store(result: Result, exc: Exception) -> Result:
    """The failed row of a document whose rows the database refused, saying why."""
    error = f"cannot store the document: {type(exc).__name__}: {exc}"
    return Result(replace_row(result.batch, status="failed", error=error, issues=None))


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (a scheduler stopping the job) is handled like Ctrl-C while the run is on."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass(frozen=True)
class _FeederDone:
    pass


def _events(items: list[InputFile], known: dict, version: str, force: bool, retry_failed: bool,
            make_executor: Callable[[], LocalExecutor | DaskExecutor], jobs: int,
            eager: bool) -> Generator[Result | Done | None, None, None]:
    """One event per input file, in completion order: a `Result` to store, or a `Done` skipped file;
    None now and then while waiting (the writer's clock for committing what it holds).

    The executor starts at once when some file is surely new (`eager`: its
    path and size are not stored), so workers warm up while files are
    hashed; otherwise only when the first file needs work, so an unchanged
    rerun starts no worker at all.
    """
    results: queue.Queue = queue.Queue()
    tasks: queue.Queue = queue.Queue(maxsize=max(2, jobs))
    stop = threading.Event()
    holder: list = []
    lock = threading.Lock()

    def start_executor() -> None:
        with lock:
            if not holder and not stop.is_set():
                executor = make_executor()
                holder.append(executor)
                executor.start(tasks, results)

    if eager:
        start_executor()
    feeder = threading.Thread(target=_feed, daemon=True, args=(
        items, known, version, force, retry_failed, tasks, results, stop, start_executor))
    feeder.start()
    received = 0
    feeding = True
    try:
        while feeding or received < len(items):
            try:
                msg = results.get(timeout=COMMIT_SECONDS / 2)
            except queue.Empty:
                yield None
                continue
            if isinstance(msg, _FeederDone):
                feeding = False
            elif isinstance(msg, Broken):
                raise ExecutorError(msg.error)
            else:
                received += 1
                yield msg
    finally:
        stop.set()
        with lock:
            for executor in holder:
                executor.close()
        _drain(tasks)


def _feed(items: list[InputFile], known: dict, version: str, force: bool, retry_failed: bool,
          tasks: queue.Queue, results: queue.Queue, stop: threading.Event, start_executor: Callable[[], None]) -> None:
    """Hash each file; report skipped ones, queue the rest (blocking while the workers are busy)."""
    seen: dict[str, str] = {}
    queued = False
    try:
        for item in items:
            if stop.is_set():
                return
            event = _plan(item, known, version, force, retry_failed, seen)
            if not isinstance(event, Task):
                results.put(event)
                continue
            if not queued:
                start_executor()
                queued = True
            while not stop.is_set():
                try:
                    tasks.put(event, timeout=0.2)
                    break
                except queue.Full:
                    continue
        if queued:
            tasks.put(None)
    except Exception as exc:
        results.put(Broken(f"reading the input files failed: {type(exc).__name__}: {exc}"))
    finally:
        results.put(_FeederDone())


def _plan(item: InputFile, known: dict, version: str, force: bool, retry_failed: bool,
          seen: dict[str, str]) -> Task | Result | Done:
    """What to do with one file: a task, a failed row (not readable), or a skip (unchanged, duplicate)."""
    if item.problem:
        return failed(item, path_id(item), version, item.problem)
    try:
        doc_id = sha256_of(item.path)
    except OSError as exc:
        return failed(item, path_id(item), version, f"cannot read file: {exc.strerror or exc}")
    key = f"{doc_id}{item.path.suffix.lower()}"   # the same bytes under another suffix read differently
    if key in seen:
        return Done(item.rel, "duplicate", f"same bytes as {seen[key]}", doc_id, item.root)
    seen[key] = item.rel
    stored = known.get(doc_id)
    if not force and stored and stored[1] == version and not (retry_failed and stored[0] == "failed"):
        return Done(item.rel, "unchanged", None, doc_id, item.root)
    return Task(item, doc_id, version)


def _drain(q: queue.Queue) -> None:
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return
