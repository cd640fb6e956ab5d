"""One document from file to rows, as a worker runs it: extract -> normalise -> storable rows.

`process` never raises for a bad document: every error becomes a `failed`
or `partial` row saying why. Only `MemoryError` passes through, for the
worker to report as the memory budget and to be replaced. Extractor and
normaliser issues make the document `partial`.
"""
from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extractors import extractor_for, format_of
from extractors.document import DISTRIBUTION_PROTECTED, NOTE_CODES, Document, ExtractError, Issue
from normalizers.record import PlanRecord
from pipeline.inputs import InputFile
from pipeline.load import DocumentBatch, DocumentRow, record_to_batch
from pipeline.works import record_fingerprint


@dataclass(frozen=True)
class Task:
    """A document to process: the file, its id (SHA-256), the pipeline version, and which try this is."""

    item: InputFile
    doc_id: str
    version: str
    attempt: int = 1


@dataclass(frozen=True)
class Counts:
    """What a document added, for the run's summary."""

    sections: int = 0
    tables: int = 0
    programs: int = 0
    budgets: int = 0


@dataclass(frozen=True)
class Result:
    """A processed document: what to store, counts, and whether its worker died on it."""

    batch: DocumentBatch
    counts: Counts = Counts()
    crashed: bool = False

    @property
    def status(self) -> str:
        return self.batch.document["status"]

    @property
    def path(self) -> str:
        return self.batch.document["path"]

    @property
    def error(self) -> str | None:
        return self.batch.document.get("error")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def base_row(item: InputFile, doc_id: str, version: str | None) -> dict:
    """The `documents` columns every outcome of `item` shares."""
    return {"doc_id": doc_id, "path": item.rel, "root": item.root, "format": format_of(item.path),
            "pipeline_version": version, "size_bytes": _size(item.path), "processed_at": now()}


def failed(item: InputFile, doc_id: str, version: str | None, error: str, seconds: float | None = None,
           crashed: bool = False) -> Result:
    """A `failed` document: only its row, with the reason."""
    row = DocumentRow(status="failed", error=error, seconds=seconds, **base_row(item, doc_id, version))
    return Result(record_to_batch(row, None), crashed=crashed)


def process(task: Task) -> Result:
    """Extract and normalise one file into storable rows; every error becomes a failed/partial row."""
    row, record = read_document(task)
    counts = Counts(len(record.sections), len(record.tables), len(record.programs),
                    len(record.budgets)) if record else Counts()
    return Result(record_to_batch(row, record), counts)


def read_document(task: Task) -> tuple[DocumentRow, PlanRecord | None]:
    """The `documents` row and the record of one file (a failed row and None when nothing was read)."""
    start = time.perf_counter()
    item = task.item
    base = base_row(item, task.doc_id, task.version)
    try:
        doc = extractor_for(item.path)(item.path)
    except ExtractError as exc:
        return DocumentRow(status="failed", error=str(exc), seconds=_since(start), **base), None
    except MemoryError:
        raise
    except RecursionError:
        return DocumentRow(status="failed", error="document nested too deeply to read", seconds=_since(start),
                           **base), None
    except Exception as exc:
        return DocumentRow(status="failed", error=f"extractor crashed: {_describe(exc)}", seconds=_since(start),
                           **base), None
    record, problem = normalise_keeping_what_was_read(doc)
    protection = dict(doc.meta).get("protection")
    issues = protection_notes(protection) + doc.issues + (record.issues if record else ()) + \
        ((Issue("normaliser-failed", problem),) if problem else ())
    problems = tuple(i for i in issues if i.code not in NOTE_CODES)
    row = DocumentRow(status="partial" if problems else "ok", error=issues_error(problems), encoding=doc.encoding,
                      pages=doc.pages, title=doc.title, seconds=_since(start), issues=issues_json(issues),
                      protection=protection,
                      fingerprint=record_fingerprint(record) if record is not None else None, **base)
    return row, record


def protection_notes(protection: str | None) -> tuple[Issue, ...]:
    """The note on a protected file that was read all the same (a 배포용 HWP, decrypted)."""
    if protection == "distribution":
        return (Issue(DISTRIBUTION_PROTECTED, "배포용 (distribution-protected) HWP: its text was decrypted with "
                      "the key the file carries; read in full"),)
    return ()


def warm_up() -> None:
    """Import the normalisers and compile their rules on a tiny document, while no real one waits."""
    from extractors.document import Heading, Paragraph, table_from_rows

    table = table_from_rows([["사업명", "2023", "2024"], ["돌봄", "1,000", "2,000"]], header_rows=1)
    doc = Document("warm-up.txt", "txt", (Heading(1, "제5기 마포구 지역사회보장계획"),
                                          Paragraph("□ 총 사업비 5억원(국비 3억원, 시비 2억원), 2023년 94.4%, 13명"), table))
    try:
        normalise_keeping_what_was_read(doc)
    except Exception:   # a warm-up that fails costs only time: the real document reports its own error
        pass


def normalise_keeping_what_was_read(doc: Document) -> tuple[PlanRecord | None, str | None]:
    """`normalise(doc)` (which keeps the sections and tables when reading facts fails); when even the
    heading tree fails, the text as one section and the tables as printed (`document_to_plain_record`),
    with why; None only when that fails too."""
    from normalizers.plan import document_to_plain_record, normalise

    try:
        return normalise(doc), None
    except MemoryError:
        raise
    except Exception as exc:
        problem = f"normaliser failed: {_describe(exc)}"
    try:
        return document_to_plain_record(doc, problem), None
    except MemoryError:
        raise
    except Exception:
        return None, problem


def issues_json(issues: tuple[Issue, ...]) -> str | None:
    if not issues:
        return None
    return json.dumps([{"code": i.code, "message": i.message,
                        "page": i.source.page if i.source else None,
                        "line": i.source.line if i.source else None} for i in issues], ensure_ascii=False)


def issues_error(issues: tuple[Issue, ...], shown: int = 3) -> str | None:
    """The `documents.error` text of a partial document: the first issues, and how many more."""
    if not issues:
        return None
    text = "; ".join(i.message for i in issues[:shown])
    return text + (f" (+{len(issues) - shown} more issues)" if len(issues) > shown else "")


def _describe(exc: BaseException) -> str:
    """'TypeError: message (module.py:12)': what failed and where, for the `error` column."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    text = str(exc)
    return f"{type(exc).__name__}: {text[:300] + '…' if len(text) > 300 else text} ({where})"


def _since(start: float) -> float:
    return round(time.perf_counter() - start, 4)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
