"""`planextract run|status|search|query|export|serve|show|explain|report|diff|prune`: the command line.

Commands that only read import neither spaCy nor pandas (tests/test_imports.py checks it)."""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_DB = Path("output/plans.db")
EXIT_OK, EXIT_USAGE, EXIT_DB, EXIT_INTERRUPTED = 0, 2, 1, 130


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.func(args)
    except BrokenPipeError:   # `planextract search … | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planextract", description=(
        "Turn Korean local social-security plan documents (HWP, HWPX, PDF, DOCX, HTML, text) "
        "into a SQLite database of strategies, programs, indicators, budgets and more."))
    p.add_argument("--version", action=_VersionAction)
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

    status = _reader(sub, "status", "every file with status, type, copies, errors; failing checks; works", cmd_status)
    status.add_argument("--failed", action="store_true", help="only files not 'ok' or with failing checks")
    status.add_argument("--long", action="store_true", help="every column and whole error texts")

    search = _reader(sub, "search", "full-text search over section titles and text", cmd_search)
    search.add_argument("query", help="words to find (Korean substrings work; 1-2 character words too)")
    search.add_argument("--limit", type=int, default=20, help="most sections shown (default 20)")

    query = _reader(sub, "query", "run one read-only SQL statement and print tab-separated rows", cmd_query)
    query.add_argument("sql", help="one SELECT / WITH statement")
    query.add_argument("--timeout", type=float, default=30.0, help="seconds before the query is stopped (default 30)")

    export = _reader(sub, "export", "write every table as CSV or Parquet files, or one XLSX workbook", cmd_export)
    export.add_argument("out", type=Path, help="output folder (csv, parquet) or .xlsx file")
    export.add_argument("--format", choices=("csv", "parquet", "xlsx"), default=None,
                        help="csv (default), parquet, or xlsx (default when OUT ends in .xlsx)")
    export.add_argument("--force", action="store_true", help="replace an existing .xlsx file")

    serve = _reader(sub, "serve", "browse the database in Datasette on localhost", cmd_serve)
    serve.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")

    show = _reader(sub, "show", "a document's outline, tables and facts", cmd_show)
    show.add_argument("doc", help="document id (or its first characters) or path")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")

    explain = _reader(sub, "explain", "where a budget, indicator or mention came from", cmd_explain)
    explain.add_argument("kind", choices=("budget", "indicator", "mention"))
    explain.add_argument("id", help="budget_id, indicator_id or mention_id")
    explain.add_argument("--json", action="store_true", help="print JSON instead of text")

    report = _reader(sub, "report", "one self-contained HTML report with charts", cmd_report)
    report.add_argument("out", type=Path, help="HTML file to write")
    report.add_argument("--region", help="only this government (code or name)")

    diff = _reader(sub, "diff", "what differs between the copies of each work", cmd_diff)
    diff.add_argument("work", nargs="?", help="one work_id (default: every work with several copies)")

    prune = sub.add_parser("prune", help="forget files deleted from their input folder")
    prune.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    prune.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    prune.set_defaults(func=cmd_prune)
    return p


def _reader(sub, name: str, help_text: str, func) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    parser.set_defaults(func=func)
    return parser


class _VersionAction(argparse.Action):
    """`--version`: the installed version, looked up only when asked (importlib.metadata is slow to load)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help="show the version and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"planextract {_version()}")
        parser.exit()


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("planextract")
    except metadata.PackageNotFoundError:
        return "unknown"


def cmd_run(args) -> int:
    from pipeline.executors import ExecutorError, prestarted

    missing = [str(p) for p in args.paths if not p.exists() and not p.is_symlink()]
    if missing:
        _console(stderr=True).print(f"[red]no such file or folder:[/red] {', '.join(missing)}")
        return EXIT_USAGE
    try:
        limits = run_limits(args)
    except ValueError as exc:
        _console(stderr=True).print(f"[red]{exc}[/red]")
        return EXIT_USAGE
    early = prestarted(args.executor, args.db, args.jobs, limits)   # they import while this process loads the writer
    try:
        from pipeline.load import DatabaseError
        from pipeline.run import Interrupted, run

        console = _console(stderr=True)
    except BaseException:
        if early is not None:
            early.close()
        raise
    progress = RunProgress(console, quiet=args.quiet)
    try:
        with progress:
            summary = run(args.paths, args.db, jobs=args.jobs, force=args.force, retry_failed=args.retry_failed,
                          limits=limits, executor=args.executor, scheduler=args.scheduler,
                          on_start=progress.start, on_done=progress.done, on_wait=progress.waiting, early=early)
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
    _print_not_documents(args.paths)
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
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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


def _print_not_documents(paths: list[Path]) -> None:
    """Files skipped as not documents (archives, spreadsheets, templates, notes), counted."""
    from pipeline.files import not_documents

    skipped = not_documents(paths)
    if skipped:
        names = ", ".join(p.name for p in skipped[:5]) + (", …" if len(skipped) > 5 else "")
        _console().print(f"{len(skipped)} files are not documents and were skipped (not failed): {names}",
                        highlight=False, markup=False)


def print_summary(summary, db: Path) -> None:
    """One line per status and per failure, then totals (stdout)."""
    from rich.table import Table as RichTable

    console = _console()
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


def _console(**options) -> Console:
    """A rich console, rich imported when first needed (it takes ~40 ms to load: `run` starts its workers
    first)."""
    from rich.console import Console

    return Console(**options)


def _err(text: str) -> None:
    """An error on stderr, in red on a terminal, never wrapped (scripts read it)."""
    _console(stderr=True, soft_wrap=True).print(text, style="red", highlight=False, markup=False)


def _open(db: Path) -> sqlite3.Connection | None:
    from pipeline.reading import ReadError, open_db

    try:
        return open_db(db)
    except ReadError as exc:
        _err(str(exc))
        return None


def cmd_status(args) -> int:
    """Every file with status, type, copy, failing checks and error; then failing checks and works.

    On a terminal this is a table that fits its width; piped, tab-separated lines (header first).
    """
    from pipeline.status import print_status

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    print_status(conn, _console(), args.failed, args.long, str(args.db))
    return EXIT_OK


def cmd_search(args) -> int:
    """Hits with document, section path and snippet; piped: path, page, section path, snippet (TSV)."""
    from pipeline.search import search

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    console = _console()
    hits = search(conn, args.query, limit=args.limit)
    if not console.is_terminal:
        print("path\tpage\tsection\tsnippet")
        for hit in hits:
            print("\t".join((hit.path, "" if hit.page is None else str(hit.page), hit.section_path, hit.snippet)))
        return EXIT_OK
    for hit in hits:
        page = f" · p.{hit.page}" if hit.page is not None else ""
        console.print(f"[bold]{hit.path}[/bold]{page} · {hit.section_path}", highlight=False)
        console.print(f"    {hit.snippet}", highlight=False, markup=False)
    if not hits:
        console.print(f"no section mentions '{args.query}'", markup=False)
    return EXIT_OK


def cmd_query(args) -> int:
    from pipeline.reading import QueryRefused, guarded_query

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    try:
        names, rows = guarded_query(conn, args.sql, args.timeout)
        print("\t".join(names))
        for row in rows:
            print("\t".join("" if v is None else str(v) for v in row))
    except QueryRefused as exc:
        _err(str(exc))
        return EXIT_USAGE
    except sqlite3.Error as exc:
        _err(f"SQL error: {exc}")
        return EXIT_USAGE
    return EXIT_OK


def cmd_export(args) -> int:
    from pipeline.export import ExportError, export_tables

    fmt = args.format or ("xlsx" if args.out.suffix.lower() == ".xlsx" else "csv")
    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    warnings: list[str] = []
    try:
        written = export_tables(conn, args.out, fmt, force=args.force, warnings=warnings)
    except ExportError as exc:
        _err(str(exc))
        return EXIT_USAGE
    for path, n in written:
        print(f"{path}\t{n} rows")
    for warning in warnings:
        _err(f"warning: {warning}")
    return EXIT_OK


def cmd_serve(args) -> int:
    from pipeline.serve import ServeError, serve

    if _open(args.db) is None:
        return EXIT_DB
    try:
        serve(args.db, host=args.host, port=args.port)
    except ServeError as exc:
        _err(str(exc))
        return EXIT_USAGE
    return EXIT_OK


def cmd_show(args) -> int:
    from pipeline.provenance import document_summary, summary_text

    return _print_found(args, lambda conn: document_summary(conn, args.doc), summary_text)


def cmd_explain(args) -> int:
    from pipeline.provenance import explain, explain_text

    return _print_found(args, lambda conn: explain(conn, args.kind, args.id), explain_text)


def _print_found(args, find, to_text) -> int:
    """Print what `find(conn)` returns, as JSON with `--json` or as `to_text` gives it; a missing id is an error."""
    from pipeline.provenance import NotFound

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    try:
        found = find(conn)
    except NotFound as exc:
        _err(str(exc))
        return EXIT_USAGE
    print(json.dumps(found, ensure_ascii=False, indent=1) if args.json else to_text(found))
    return EXIT_OK


def cmd_report(args) -> int:
    from pipeline.report import governments, write_report

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    if args.out.is_dir():
        _err(f"{args.out} is a folder; give the HTML file to write")
        return EXIT_USAGE
    if args.region and not governments(conn, args.region):
        _err(f"no government in the database matches --region {args.region!r} (a code such as 41830, or "
             "part of a name); `planextract status` lists what is loaded")
        return EXIT_USAGE
    n = write_report(conn, args.out, region=args.region)
    print(f"{args.out}\t{n} governments")
    return EXIT_OK


def cmd_diff(args) -> int:
    from pipeline.status import diff_lines

    conn = _open(args.db)
    if conn is None:
        return EXIT_DB
    lines = diff_lines(conn, args.work)
    for line in lines:
        print(line)
    if not lines:
        print("no work with several copies" if not args.work else f"no work {args.work} with several copies")
    return EXIT_OK


def cmd_prune(args) -> int:
    from pipeline.files import prune
    from pipeline.load import DatabaseError, connect
    from pipeline.works import refresh_works

    if _open(args.db) is None:
        return EXIT_DB
    try:
        conn = connect(args.db)
        paths, docs = prune(conn, dry_run=args.dry_run)
        if not args.dry_run and (paths or docs):
            refresh_works(conn)
    except DatabaseError as exc:
        _err(str(exc))
        return EXIT_DB
    verb = "would remove" if args.dry_run else "removed"
    for root, path in paths:
        print(f"{verb} file\t{Path(root) / path if root else path}")
    print(f"{verb} {len(paths)} files and {len(docs)} documents no file holds any more")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
