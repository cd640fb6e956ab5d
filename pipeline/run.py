"""Batch runs: find files, skip unchanged ones, extract -> normalise -> load, one document at a time.

One failure never stops a batch: every input file ends as a `documents` row
with status `ok`, `partial` (extracted, with issues) or `failed` (and why).
Workers only extract and normalise; the main process alone writes SQLite.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractors import extractor_for, format_of
from extractors.document import ExtractError, Issue
from normalizers.plan import normalise
from normalizers.record import PlanRecord
from normalizers.regions import code_history_rows, gazetteer_rows
from pipeline import pipeline_version
from pipeline.files import NOT_DOCUMENTS, touch_file
from pipeline.load import DocumentRow, connect, known_documents, load_document, load_regions, record_run
from pipeline.works import refresh_works

# Files that sit beside documents but are not documents.
IGNORED = ("README*", "LICENSE*", "*.py", "*.sh", "*.css", "*.js", "*.png", "*.jpg", "*.jpeg",
           "*.gif", "*.bmp", "*.svg", "*.json", "*.toml", "*.yml", "*.yaml", "Makefile",
           "SHA256SUMS", "*.db", "*.sqlite", *NOT_DOCUMENTS)


@dataclass(frozen=True)
class InputFile:
    """A file to read: `rel` is its path relative to the input root, `root` that root (absolute)."""

    path: Path
    rel: str
    root: str


@dataclass(frozen=True)
class Outcome:
    """What processing one file produced (picklable, returned from workers)."""

    row: DocumentRow
    record: PlanRecord | None
    skipped: bool = False


def discover(paths: list[Path]) -> list[InputFile]:
    """Every candidate document under `paths` (files or folders), sorted, hidden/companion files left out."""
    found: list[InputFile] = []
    for root in paths:
        if root.is_file():
            found.append(InputFile(root, root.name, str(root.resolve().parent)))
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for name in sorted(filenames):
                if name.startswith(".") or any(fnmatch.fnmatch(name, pat) for pat in IGNORED):
                    continue
                full = Path(dirpath) / name
                found.append(InputFile(full, full.relative_to(root).as_posix(), str(root.resolve())))
    return found


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def issues_json(issues: tuple[Issue, ...]) -> str | None:
    """The `documents.issues` column: extractor and normaliser issues as a JSON list."""
    if not issues:
        return None
    return json.dumps([{"code": i.code, "message": i.message,
                        "page": i.source.page if i.source else None,
                        "line": i.source.line if i.source else None} for i in issues],
                      ensure_ascii=False)


def issues_error(issues: tuple[Issue, ...], shown: int = 3) -> str | None:
    """The `documents.error` text of a partial document: the first issues, and how many more."""
    if not issues:
        return None
    text = "; ".join(i.message for i in issues[:shown])
    return text + (f" (+{len(issues) - shown} more issues)" if len(issues) > shown else "")


def _base_row(item: InputFile, doc_id: str) -> dict:
    """The `documents` columns every outcome of `item` shares."""
    return {"doc_id": doc_id, "path": item.rel, "root": item.root, "format": format_of(item.path),
                "pipeline_version": pipeline_version(), "size_bytes": _size(item.path), "processed_at": _now()}


def process_file(item: InputFile, doc_id: str) -> Outcome:
    """Extract and normalise one file; every error becomes a failed/partial row, never an exception."""
    start = time.perf_counter()
    base = _base_row(item, doc_id)
    try:
        doc = extractor_for(item.path)(item.path)
    except ExtractError as exc:
        return _failed(base, str(exc), start)
    except MemoryError:
        return _failed(base, "out of memory while extracting", start)
    except Exception as exc:
        return _failed(base, f"extractor crashed: {type(exc).__name__}: {exc} "
                             f"({_where(exc)})", start)
    try:
        record: PlanRecord | None = normalise(doc)
        issues = doc.issues + (record.issues if record else ())
    except Exception as exc:  # the heading tree itself failed: keep the document row
        record = None
        issues = (*doc.issues, Issue("normaliser-failed", f"normaliser failed: {type(exc).__name__}: {exc} "
                                                          f"({_where(exc)})"))
    row = DocumentRow(status="partial" if issues else "ok", error=issues_error(issues), encoding=doc.encoding,
                      pages=doc.pages, title=doc.title, seconds=round(time.perf_counter() - start, 4),
                      issues=issues_json(issues), **base)
    return Outcome(row, record)


def _failed(base: dict, error: str, start: float) -> Outcome:
    return Outcome(DocumentRow(status="failed", error=error,
                               seconds=round(time.perf_counter() - start, 4), **base), None)


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    return f"{Path(last.filename).name}:{last.lineno}" if last else "?"


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _unreadable(item: InputFile, exc: OSError) -> Outcome:
    """A file that cannot be hashed: its id is the hash of its path, since its bytes are unknown."""
    digest = hashlib.sha256(f"unreadable:{item.rel}".encode()).hexdigest()
    return Outcome(DocumentRow(status="failed", error=f"cannot read file: {exc.strerror or exc}",
                               **_base_row(item, digest)), None)


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    outcomes: tuple[Outcome, ...]
    seconds: float


def run(paths: list[Path], db_path: Path, *, jobs: int = 1, force: bool = False,
        on_start: Callable[[int], None] | None = None,
        on_file: Callable[[str], None] | None = None,
        on_done: Callable[[Outcome], None] | None = None) -> RunSummary:
    """Process every file under `paths` into `db_path`; callbacks drive a progress display."""
    started, t0 = _now(), time.perf_counter()
    conn = connect(db_path)
    load_regions(conn, gazetteer_rows(), code_history_rows())
    known = known_documents(conn)
    items = discover(paths)
    if on_start:
        on_start(len(items))
    outcomes: list[Outcome] = []
    for outcome in _outcomes(items, known, jobs, force, on_file):
        if not outcome.skipped:
            load_document(conn, outcome.row, outcome.record)
        else:
            touch_file(conn, outcome.row)
        outcomes.append(outcome)
        if on_done:
            on_done(outcome)
    refresh_works(conn)
    counts = {s: sum(1 for o in outcomes if o.row.status == s and not o.skipped) for s in ("ok", "partial", "failed")}
    run_id = record_run(conn, {
        "started_at": started, "finished_at": _now(),
        "options": json.dumps({"paths": [str(p) for p in paths], "jobs": jobs, "force": force}, ensure_ascii=False),
        "n_docs": len(outcomes), "n_ok": counts["ok"], "n_partial": counts["partial"],
        "n_failed": counts["failed"], "pipeline_version": pipeline_version(),
        "n_skipped": sum(1 for o in outcomes if o.skipped)})
    conn.close()
    return RunSummary(run_id, tuple(outcomes), time.perf_counter() - t0)


def _outcomes(items: list[InputFile], known: dict, jobs: int, force: bool,
              on_file: Callable[[str], None] | None) -> Iterator[Outcome]:
    """Outcomes in completion order; unchanged files are reported as skipped without work."""
    todo: list[tuple[InputFile, str]] = []
    version = pipeline_version()  # computed here once, before any worker process starts
    for item in items:
        try:
            doc_id = sha256_of(item.path)
        except OSError as exc:
            yield _unreadable(item, exc)
            continue
        status = known.get(doc_id)
        if not force and status and status[1] == version:
            yield Outcome(DocumentRow(doc_id=doc_id, path=item.rel, root=item.root, format=None, status=status[0]),
                          None, skipped=True)
            continue
        todo.append((item, doc_id))
    if jobs <= 1 or len(todo) <= 1:
        for item, doc_id in todo:
            if on_file:
                on_file(item.rel)
            yield process_file(item, doc_id)
        return
    yield from _parallel(todo, jobs, on_file)


def _parallel(todo: list[tuple[InputFile, str]], jobs: int,
              on_file: Callable[[str], None] | None) -> Iterator[Outcome]:
    """Run `process_file` in worker processes, at most 2*jobs files in flight (flat memory)."""
    pending = iter(todo)
    with ProcessPoolExecutor(max_workers=jobs, max_tasks_per_child=50) as pool:
        running = {}
        for item, doc_id in _take(pending, 2 * jobs):
            running[pool.submit(process_file, item, doc_id)] = (item, doc_id)
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item, doc_id = running.pop(future)
                if on_file:
                    on_file(item.rel)
                try:
                    yield future.result()
                except Exception as exc:
                    yield _failed(_base_row(item, doc_id), f"worker crashed: {type(exc).__name__}: {exc}",
                                  time.perf_counter())
                for nxt, nxt_id in _take(pending, 1):
                    running[pool.submit(process_file, nxt, nxt_id)] = (nxt, nxt_id)


def _take(it: Iterator, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out
