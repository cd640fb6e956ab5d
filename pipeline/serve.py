"""`planextract serve`: Datasette over the plan database on localhost, with the metadata of
pipeline/metadata.toml (Korean and English titles and descriptions, units, sources, licence),
facets, the views and the canned queries of pipeline/queries.toml. Full-text search on
`sections` uses the sqlite-utils FTS index, which Datasette finds by itself."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from pipeline.catalog import datasette_metadata, with_columns


class ServeError(Exception):
    """Datasette cannot be started (not installed, port taken)."""


def build_metadata(db: Path) -> dict[str, Any]:
    """Datasette metadata for the database file `db` (its name in Datasette is the file stem)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sections_fts%' "
            "AND name NOT LIKE 'sqlite_%'")]
        columns = {n: [r[1] for r in conn.execute(f"PRAGMA table_info([{n}])")] for n in names}
    finally:
        conn.close()
    return with_columns(datasette_metadata(db.stem, names), db.stem, columns)


def make_app(db: Path):
    """The Datasette ASGI app over `db` (read-only)."""
    try:
        from datasette.app import Datasette
    except ImportError:
        raise ServeError("Datasette is not installed: pip install 'planextract[web]' (make demo installs it)") from None
    ds = Datasette([str(db)], metadata=build_metadata(db), settings={
        "default_page_size": 50, "sql_time_limit_ms": 5000, "facet_time_limit_ms": 1000,
        "suggest_facets": False, "allow_download": True})
    asyncio.run(ds.invoke_startup())
    return ds.app()


def serve(db: Path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve until interrupted (Ctrl-C)."""
    import uvicorn

    app = make_app(db)
    print(f"Datasette on http://{host}:{port}/{db.stem}  (Ctrl-C to stop)", flush=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run()
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        pass
