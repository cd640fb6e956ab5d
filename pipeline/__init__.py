"""Layer 3: batch runs, SQLite loading, CLI, exports, search and evaluation."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
# Modules that only read the database (commands, exports, the web view, the API): changing them
# does not make `planextract run` re-process files.
NOT_SHAPING_OUTPUT = {"cli.py", "bench.py", "catalog.py", "charts.py", "export.py", "xlsx.py", "provenance.py",
                      "reading.py", "report.py", "serve.py", "status.py", "search.py", "metadata.toml",
                      "queries.toml"}


@cache
def pipeline_version() -> str:
    """Package version plus a digest of the code and rules that shape the output.

    Any change to an extractor, normaliser, rule file or the schema changes the
    digest, so `planextract run` re-processes files whose results could differ.
    Computed on first use (a run), not when any command starts.
    """
    from importlib import metadata  # 50 ms of imports: only when a run needs the version

    try:
        base = metadata.version("planextract")
    except metadata.PackageNotFoundError:
        base = "0"
    digest = hashlib.sha256()
    for package in ("extractors", "normalizers", "pipeline"):
        for path in sorted((_ROOT / package).rglob("*")):
            if path.suffix in {".py", ".toml", ".csv", ".sql"} and path.name not in NOT_SHAPING_OUTPUT \
                    and "planextract" not in path.relative_to(_ROOT).parts:
                digest.update(path.relative_to(_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return f"{base}+{digest.hexdigest()[:10]}"

