"""Layer 3: batch runs, SQLite loading, CLI, exports, search and evaluation."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


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
            if path.suffix in {".py", ".toml", ".csv", ".sql"} and path.name not in {"cli.py", "bench.py"}:
                digest.update(path.relative_to(_ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return f"{base}+{digest.hexdigest()[:10]}"

