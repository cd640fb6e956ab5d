"""`planextract status` and `planextract diff`: every file a run saw, the works its copies form,
failing checks, and what differs between the copies of one work."""
from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable

COLUMNS = ("path", "format", "status", "type", "region", "period", "failing checks", "copy", "work", "error")


@dataclass(frozen=True)
class FileStatus:
    """One `files` row with its document's facts."""

    path: str
    format: str
    status: str
    doc_type: str
    region: str
    period: str
    failing: str
    copy: str          # '' (only copy) | 'primary' | 'copy'
    work_id: str
    error: str


def file_rows(conn: sqlite3.Connection, failed_only: bool = False) -> list[FileStatus]:
    failing = {r[0]: r[1] for r in conn.execute("SELECT doc_id, count(*) FROM checks WHERE ok = 0 GROUP BY doc_id")}
    rows = []
    for r in conn.execute("""
            SELECT f.path, COALESCE(f.format, d.format, ''), COALESCE(f.status, d.status), f.error, f.doc_id,
                   d.doc_type, d.region_name, d.period_start, d.period_end, d.is_primary, d.work_id, w.n_copies
            FROM files f LEFT JOIN documents d ON d.doc_id = f.doc_id LEFT JOIN works w ON w.work_id = d.work_id
            ORDER BY f.path, f.root"""):
        n_fail = failing.get(r[4], 0)
        if failed_only and r[2] == "ok" and not n_fail:
            continue
        period = f"{r[7]}-{r[8]}" if r[7] else ""
        copy = "" if not r[11] or r[11] < 2 else ("primary" if r[9] else "copy")
        rows.append(FileStatus(r[0], r[1], r[2], r[5] or "", r[6] or "", period, str(n_fail or ""), copy,
                               r[10] or "", r[3] or ""))
    return rows


def failing_checks(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute("""SELECT d.path, c.kind, c.table_id, c.row, c.col, c.expected, c.actual, c.note
                           FROM checks c JOIN documents d USING (doc_id) WHERE c.ok = 0
                           ORDER BY d.path, c.check_id""").fetchall()


def work_groups(conn: sqlite3.Connection) -> list[tuple[tuple, list[tuple]]]:
    """Works with more than one copy: (work row, [(path, format, status, is_primary)])."""
    out = []
    for w in conn.execute("SELECT work_id, title, region_name, period_start, period_end, similarity FROM works "
                          "WHERE n_copies > 1 ORDER BY region_name, title"):
        copies = conn.execute("SELECT path, format, status, is_primary FROM documents WHERE work_id = ? "
                              "ORDER BY is_primary DESC, path", (w[0],)).fetchall()
        out.append((tuple(w), [tuple(c) for c in copies]))
    return out


def one_line(text: str, width: int) -> str:
    """`text` on one line (inner whitespace collapsed, indentation kept), cut to `width` terminal cells."""
    indent = text[: len(text) - len(text.lstrip(" "))]
    flat = indent + " ".join(text.split())
    if cell_len(flat) <= width:
        return flat
    while cell_len(flat) > width - 1:
        flat = flat[:-1]
    return flat + "…"


def print_status(conn: sqlite3.Connection, console: Console, failed_only: bool, long: bool, db: str) -> None:
    """A table on a terminal (fits its width; `long` shows every column and whole errors),
    tab-separated lines when piped."""
    rows = file_rows(conn, failed_only)
    checks = failing_checks(conn)
    groups = work_groups(conn)
    check_lines = [f"check failed\t{c[0]}\t{c[1]}\ttable {c[2]} row {c[3]} col {c[4]}\t"
                   f"printed {c[5]:,.0f}\tcomputed {c[6]:,.0f}\t{c[7] or ''}" for c in checks]
    if not console.is_terminal:
        print("\t".join(COLUMNS))
        for row in rows:
            print("\t".join((row.path, row.format, row.status, row.doc_type, row.region, row.period, row.failing,
                             row.copy, row.work_id, one_line(row.error, 10_000))))
        for line in check_lines:
            print(line)
        for w, copies in groups:
            print("\t".join(("work", w[0], w[2] or "", f"{w[3] or ''}-{w[4] or ''}", w[1] or "",
                             " | ".join(f"{c[0]}{' (primary)' if c[3] else ''}" for c in copies))))
        return
    table = RichTable(title=f"files in {db}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                      padding=(0, 1, 0, 0))
    shown = COLUMNS if long else ("path", "status", "type", "period", "failing checks", "copy", "error")
    fixed = {"status": 9, "type": 13, "period": 11, "failing checks": 6, "copy": 9}  # widths include padding
    err_w = max(8, console.width - 74)
    path_w = max(20, console.width - sum(fixed.values()) - err_w - 2)
    for col in shown:
        if long:
            table.add_column(col, overflow="fold")
        elif col == "path":
            table.add_column(col, overflow="fold", width=path_w)
        elif col == "error":
            table.add_column(col, no_wrap=True, overflow="ellipsis", width=err_w)
        else:
            table.add_column("fail" if col == "failing checks" else col, no_wrap=True, overflow="ellipsis",
                             width=fixed[col])
    for row in rows:
        values = {"path": row.path, "format": row.format, "status": row.status, "type": row.doc_type,
                  "region": row.region, "period": row.period, "failing checks": row.failing, "copy": row.copy,
                  "work": row.work_id, "error": row.error if long else one_line(row.error, err_w)}
        table.add_row(*(values[c] for c in shown))
    console.print(table)
    for line in check_lines:
        text = line.replace("\t", "  ")
        console.print(text if long else one_line(text, console.width - 1), highlight=False, markup=False)
    if groups:
        console.print(f"{len(groups)} works with several copies (sums use the primary copy):", highlight=False)
        for w, copies in groups:
            head = f"  {w[0]}  {w[2] or ''} {w[3] or ''}-{w[4] or ''}  {w[1] or ''}"
            console.print(head if long else one_line(head, console.width - 1), highlight=False, markup=False)
            for c in copies:
                line = f"    {'*' if c[3] else ' '} {c[0]} ({c[1]}, {c[2]})"
                console.print(line if long else one_line(line, console.width - 1), highlight=False, markup=False)


# --- diff ------------------------------------------------------------------------------------------

def _key(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


def copy_facts(conn: sqlite3.Connection, doc_id: str) -> dict[tuple, list[int]]:
    """A copy's budgets, targets and money mentions, keyed so two copies of one work can be compared
    (a money mention by its amount and currency, with how many times it is printed)."""
    out: dict[tuple, list[int]] = defaultdict(list)
    for r in conn.execute("""SELECT COALESCE(p.code, p.name, b.item, s.title), b.year, b.kind, b.fund_source,
                                    b.amount_krw FROM budgets b LEFT JOIN programs p USING (program_id)
                             LEFT JOIN strategies s ON s.strategy_id = b.strategy_id
                             WHERE b.doc_id = ? AND b.amount_krw IS NOT NULL""", (doc_id,)):
        out[("budget", r[0] or "", r[1], r[2], r[3])].append(r[4])
    for r in conn.execute("""SELECT i.name, t.year, t.is_baseline, t.value FROM indicator_targets t
                             JOIN indicators i USING (indicator_id) WHERE t.doc_id = ?""", (doc_id,)):
        out[("target", r[0] or "", r[1], "baseline" if r[2] else "target", None)].append(r[3])
    for amount, currency, n in conn.execute("""SELECT COALESCE(amount_krw, currency_amount), COALESCE(currency, 'KRW'),
                                               count(*) FROM mentions WHERE doc_id = ? AND kind = 'money'
                                               AND COALESCE(amount_krw, currency_amount) IS NOT NULL
                                               GROUP BY 1, 2""", (doc_id,)):
        out[("money", f"{amount:,.0f} {currency}", None, "times printed", None)].append(n)
    # names are compared in key form (spaces and case aside), except an amount's, which is its own label
    return {(k[0], k[1] if k[0] == "money" else _key(k[1]), *k[2:]): sorted(v, key=lambda x: (x is None, x or 0))
            for k, v in out.items()}


def _label(conn: sqlite3.Connection, doc_id: str) -> dict[str, str]:
    names = {}
    for r in conn.execute("""SELECT COALESCE(p.code, p.name, b.item, s.title) FROM budgets b
                             LEFT JOIN programs p USING (program_id) LEFT JOIN strategies s ON s.strategy_id = b.strategy_id
                             WHERE b.doc_id = ?""", (doc_id,)):
        names[_key(r[0])] = r[0] or ""
    for r in conn.execute("SELECT name FROM indicators WHERE doc_id = ?", (doc_id,)):
        names[_key(r[0])] = r[0] or ""
    return names


def _amounts(values: list | None) -> str:
    if not values:
        return "—"
    return ", ".join("(no value)" if v is None else f"{v:,.0f}" if float(v).is_integer() else f"{v:,}" for v in values)


def diff_lines(conn: sqlite3.Connection, work_id: str | None = None) -> list[str]:
    """What differs between the copies of each work (or of `work_id`): facts present in one copy
    and not the other, and different amounts or targets, each against the primary copy."""
    sql = "SELECT work_id FROM works WHERE n_copies > 1" + (" AND work_id = ?" if work_id else "") + " ORDER BY work_id"
    lines = []
    for (wid,) in conn.execute(sql, (work_id,) if work_id else ()).fetchall():
        copies = conn.execute("SELECT doc_id, path, format FROM documents WHERE work_id = ? "
                              "ORDER BY is_primary DESC, path", (wid,)).fetchall()
        primary = copies[0]
        base = copy_facts(conn, primary[0])
        labels = _label(conn, primary[0])
        lines.append(f"{wid}: primary {primary[1]} ({primary[2]}), {len(base)} facts")
        for other in copies[1:]:
            facts = copy_facts(conn, other[0])
            labels |= {k: v for k, v in _label(conn, other[0]).items() if k not in labels}
            differ = [k for k in sorted(set(base) | set(facts), key=str) if base.get(k) != facts.get(k)]
            if not differ:
                lines.append(f"  {other[1]} ({other[2]}): same {len(facts)} facts")
                continue
            lines.append(f"  {other[1]} ({other[2]}): {len(differ)} of {len(set(base) | set(facts))} facts differ")
            for k in differ:
                kind, name, year, sub, fund = k
                what = " ".join(str(x) for x in (kind, labels.get(name, name), year or ("" if kind == "money" else "period"),
                                                 sub, fund) if x)
                lines.append(f"    {what}\t{primary[2]}: {_amounts(base.get(k))}\t{other[2]}: {_amounts(facts.get(k))}")
    return lines
