"""`planextract run|status|search|query|export`: the command line researchers use."""
from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

DEFAULT_DB = Path("output/plans.db")
EXIT_OK, EXIT_USAGE, EXIT_DB, EXIT_INTERRUPTED = 0, 2, 1, 130


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    return args.func(args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planextract", description=(
        "Turn Korean local social-security plan documents (HWP, HWPX, PDF, DOCX, HTML, text) "
        "into a SQLite database of strategies, programs, indicators, budgets and more."))
    sub = p.add_subparsers(dest="command")

    run = sub.add_parser("run", help="extract files or folders into the database")
    run.add_argument("paths", nargs="+", type=Path, help="files or folders (walked recursively)")
    run.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    run.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    run.add_argument("--force", action="store_true", help="re-process files even if unchanged")
    run.add_argument("--retry-failed", action="store_true", help="re-process unchanged files that failed")
    run.add_argument("--timeout", type=float, default=300, metavar="SECONDS",
                     help="time budget per document; past it the document fails (default 300, 0 = none)")
    run.add_argument("--max-memory", default="2GB", metavar="SIZE",
                     help="memory budget per document, e.g. 2GB or 500MB (default 2GB, 0 = none)")
    run.add_argument("--executor", choices=("local", "dask"), default="local",
                     help="local worker processes, or Dask distributed workers (needs planextract[dask])")
    run.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler, e.g. tcp://host:8786 (default: a LocalCluster of --jobs workers)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar, summary only")
    run.set_defaults(func=cmd_run)

    status = sub.add_parser("status", help="documents with status, errors and failing checks")
    status.add_argument("--db", type=Path, default=DEFAULT_DB)
    status.add_argument("--failed", action="store_true", help="only documents not 'ok' or with failing checks")
    status.set_defaults(func=cmd_status)

    search = sub.add_parser("search", help="full-text search over section titles and text")
    search.add_argument("query", help="words to find (Korean substrings work; 1-2 character words too)")
    search.add_argument("--db", type=Path, default=DEFAULT_DB)
    search.add_argument("--limit", type=int, default=20)
    search.set_defaults(func=cmd_search)

    query = sub.add_parser("query", help="run one SQL query and print the rows")
    query.add_argument("sql")
    query.add_argument("--db", type=Path, default=DEFAULT_DB)
    query.set_defaults(func=cmd_query)

    export = sub.add_parser("export", help="write every table as CSV or Parquet files")
    export.add_argument("out", type=Path, help="output folder")
    export.add_argument("--db", type=Path, default=DEFAULT_DB)
    export.add_argument("--format", choices=("csv", "parquet"), default="csv")
    export.set_defaults(func=cmd_export)
    return p


def cmd_run(args) -> int:
    from pipeline.executors import ExecutorError
    from pipeline.load import DatabaseError
    from pipeline.run import Interrupted, run

    console = Console(stderr=True)
    missing = [str(p) for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        console.print(f"[red]no such file or folder:[/red] {', '.join(missing)}")
        return EXIT_USAGE
    try:
        limits = run_limits(args)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        return EXIT_USAGE
    progress = RunProgress(console, quiet=args.quiet)
    try:
        with progress:
            summary = run(args.paths, args.db, jobs=args.jobs, force=args.force, retry_failed=args.retry_failed,
                          limits=limits, executor=args.executor, scheduler=args.scheduler,
                          on_start=progress.start, on_done=progress.done, on_wait=progress.waiting)
    except (DatabaseError, ExecutorError) as exc:
        console.print(f"[red]{exc}[/red]")
        return EXIT_DB
    except (Interrupted, KeyboardInterrupt) as exc:
        done = exc.summary.processed if isinstance(exc, Interrupted) else 0
        console.print(f"[yellow]interrupted[/yellow]: {done} documents were written and are kept; "
                      "the document being written was rolled back. Run the same command again to resume "
                      "(finished documents are skipped).", highlight=False)
        return EXIT_INTERRUPTED
    print_summary(summary, args.db)
    return EXIT_OK


def run_limits(args):
    """The per-document budget from --timeout / --max-memory (ValueError saying what is wrong)."""
    from pipeline.workers import Limits, parse_memory

    if args.jobs < 1:
        raise ValueError("--jobs must be at least 1")
    if args.timeout < 0:
        raise ValueError("--timeout must be 0 (none) or a number of seconds")
    if args.scheduler and args.executor != "dask":
        raise ValueError("--scheduler needs --executor dask")
    try:
        memory = None if args.max_memory.strip() in ("0", "none") else parse_memory(args.max_memory)
    except ValueError:
        raise ValueError(f"--max-memory: cannot read '{args.max_memory}' (e.g. 2GB, 500MB, 0 for none)") from None
    return Limits(timeout=args.timeout or None, max_memory=memory)


class RunProgress:
    """A progress bar on a terminal; when piped, one plain line per file (cheap: no markup)."""

    def __init__(self, console: Console, quiet: bool):
        self.console = console
        self.lines = not quiet and not console.is_terminal
        self.bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[current]}"), console=console,
                            disable=quiet or not console.is_terminal)
        self.task = self.bar.add_task("extracting", total=None, current="")
        self.count = self.total = 0
        self.last_wait = -10.0

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        return self.bar.__exit__(*exc)

    def start(self, n: int) -> None:
        self.total = n
        self.bar.update(self.task, total=n)

    def done(self, done) -> None:
        self.count += 1
        self.bar.update(self.task, advance=1, current=done.path)
        if self.lines:
            sys.stderr.write(f"[{self.count}/{self.total}] {done.state:9} {done.path}\n")

    def waiting(self, seconds: float) -> None:
        """Another process holds the database's write lock: say so every few seconds."""
        if seconds - self.last_wait >= 5 or seconds < self.last_wait:
            self.last_wait = seconds
            self.console.print(f"waiting for the database: another process is writing to it ({seconds:.0f} s)",
                               highlight=False)


def print_summary(summary, db: Path) -> None:
    """One line per status and per failure, then totals (stdout)."""
    console = Console()
    table = RichTable(title=f"planextract run {summary.run_id} → {db}")
    for col in ("status", "documents", "sections", "tables", "programs", "budgets", "seconds"):
        table.add_column(col, justify="right" if col != "status" else "left")
    for status, t in summary.totals.items():
        table.add_row(status, str(t.documents), str(t.sections), str(t.tables), str(t.programs), str(t.budgets),
                      f"{t.seconds:.2f}")
    table.add_row("unchanged (skipped)", str(summary.unchanged), "", "", "", "", "")
    if summary.duplicates:
        table.add_row("duplicate (skipped)", str(summary.duplicates), "", "", "", "", "")
    console.print(table)
    for p in summary.problems:
        console.print(f"  [yellow]{p.state}[/yellow] {p.path}: {p.error}", highlight=False)
    if summary.n_problems > len(summary.problems):
        console.print(f"  … and {summary.n_problems - len(summary.problems)} more: planextract status --failed "
                      f"--db {db}", highlight=False)
    console.print(f"{summary.files} files in {summary.seconds:.1f} s")


def _open(db: Path) -> sqlite3.Connection | None:
    if not db.exists():
        Console(stderr=True).print(f"[red]no database at {db}[/red] (run `planextract run PATH --db {db}` first)")
        return None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def cmd_status(args) -> int:
    """Documents with status, type, region, failing checks and errors; then every failing check.

    On a terminal this is a table; piped, it is tab-separated lines (header first).
    """
    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    console = Console()
    failing = {r["doc_id"]: r["n"] for r in conn.execute(
        "SELECT doc_id, count(*) AS n FROM checks WHERE ok = 0 GROUP BY doc_id")}
    columns = ("path", "format", "status", "type", "region", "period", "failing checks", "error")
    rows = []
    for r in conn.execute("SELECT * FROM documents ORDER BY path"):
        if args.failed and r["status"] == "ok" and not failing.get(r["doc_id"]):
            continue
        period = f"{r['period_start']}-{r['period_end']}" if r["period_start"] else ""
        rows.append((r["path"], r["format"] or "", r["status"], r["doc_type"] or "", r["region_name"] or "",
                     period, str(failing.get(r["doc_id"], "")), r["error"] or ""))
    checks = [f"check failed\t{r['path']}\t{r['kind']}\ttable {r['table_id']} row {r['row']} col {r['col']}"
              f"\tprinted {r['expected']:,.0f}\tcomputed {r['actual']:,.0f}\t{r['note']}"
              for r in conn.execute("""SELECT d.path, c.kind, c.table_id, c.row, c.col, c.expected, c.actual, c.note
                                       FROM checks c JOIN documents d USING (doc_id) WHERE c.ok = 0
                                       ORDER BY d.path, c.check_id""")]
    if console.is_terminal:
        table = RichTable(title=f"documents in {args.db}")
        for col in columns:
            table.add_column(col)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        for line in checks:
            console.print(line.replace("\t", "  "), highlight=False)
    else:
        print("\t".join(columns))
        for row in rows:
            print("\t".join(row))
        for line in checks:
            print(line)
    return EXIT_OK


def cmd_search(args) -> int:
    from pipeline.search import search

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    console = Console()
    hits = search(conn, args.query, limit=args.limit)
    for hit in hits:
        console.print(f"[bold]{hit.path}[/bold] · {hit.section_path}")
        console.print(f"    {hit.snippet}", highlight=False)
    if not hits:
        console.print(f"no section mentions '{args.query}'")
    return EXIT_OK


def cmd_query(args) -> int:
    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    try:
        cursor = conn.execute(args.sql)
    except sqlite3.Error as exc:
        Console(stderr=True).print(f"[red]SQL error:[/red] {exc}")
        return EXIT_USAGE
    names = [d[0] for d in cursor.description or []]
    print("\t".join(names))
    for row in cursor:
        print("\t".join("" if v is None else str(v) for v in row))
    return EXIT_OK


def cmd_export(args) -> int:
    from pipeline.export import export_tables

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    written = export_tables(conn, args.out, args.format)
    for path, n in written:
        print(f"{path}\t{n} rows")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
