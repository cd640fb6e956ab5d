"""planextract's Python API, for notebooks.

    import planextract
    rec = planextract.extract("samples/wonju-2024-implementation-plan.md")
    rec.status, rec.meta.region_name, len(rec.budgets)
    rec.to_json()

    db = planextract.open("output/plans.db")
    db.budgets(region="51130", year=2024)      # pandas DataFrame, nullable Int64 money and years
    db.checks(failed=True)

This package lives in pipeline/planextract/ and is installed under the name `planextract`
(pyproject.toml `package-dir`). Heavy modules (spaCy, pandas) load on first use.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .database import Database

if TYPE_CHECKING:
    from normalizers.record import PlanRecord

__all__ = ["Database", "Extraction", "extract", "open"]


@dataclass(frozen=True)
class Extraction:
    """One file read and normalised: its outcome and, unless it failed, its `PlanRecord`."""

    path: str
    doc_id: str
    format: str | None
    status: str                 # ok | partial | failed
    error: str | None
    record: PlanRecord | None

    def __getattr__(self, name: str) -> Any:
        """The record's parts as attributes: `meta`, `sections`, `programs`, `budgets` ... (empty if failed)."""
        if name.startswith("_") or name in {"path", "doc_id", "format", "status", "error", "record"}:
            raise AttributeError(name)
        record = object.__getattribute__(self, "record")
        if record is None:
            if name == "meta":
                return None
            return ()
        return getattr(record, name)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: outcome fields plus the record (dataclasses as dicts)."""
        return {"path": self.path, "doc_id": self.doc_id, "format": self.format, "status": self.status,
                "error": self.error, "record": asdict(self.record) if self.record is not None else None}

    def to_json(self, indent: int | None = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def extract(path: str | Path) -> Extraction:
    """Read and normalise one file the way `planextract run` does (errors become a failed outcome)."""
    from pipeline import pipeline_version
    from pipeline.inputs import InputFile, sha256_of
    from pipeline.job import Task, read_document

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"no such file: {file}")
    task = Task(InputFile(file, file.name, str(file.resolve().parent)), sha256_of(file), pipeline_version())
    row, record = read_document(task)
    return Extraction(str(file), row.doc_id, row.format, row.status, row.error, record)


def open(path: str | Path = "output/plans.db") -> Database:
    """A plan database, read-only: `.budgets()`, `.programs()`, `.indicators()`, `.checks()` ..."""
    return Database(Path(path))
