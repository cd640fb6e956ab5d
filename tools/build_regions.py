"""Build `normalizers/rules/regions.csv` from the 법정동코드 table and `rules/regions.toml`.

    .venv/bin/python tools/build_regions.py [--tsv ../shared/data/regions_bjd.tsv]

Input: every 시도, 시군구 and 일반구 row of the ministry's 법정동코드 전체자료
(current and abolished; see ../shared/data/README.md). Output, one row per
code, sorted by code:

    code, name, short_name, level, parent_code, status, successor,
    code_today, valid_from, valid_to, note

`successor` is the code that directly replaced an abolished one and
`code_today` the end of that chain (empty when no successor is known).
Successors come, in this order, from: an explicit [[code_change]]; a
current row with the same name; a [[sido_change]] (same name under the new
시도); a 군 promoted to 시 with the same stem in the same 시도; for an 일반구,
its parent 시 (first four digits + 0). `valid_to` is the date the code stopped (when known), `valid_from` the
latest `valid_to` of the codes it replaced. The CSV is committed, so the
project runs without ../shared; rerun this after changing regions.toml.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalizers import rules  # noqa: E402  (script run from anywhere)

COLUMNS = ["code", "name", "short_name", "level", "parent_code", "status", "successor",
           "code_today", "valid_from", "valid_to", "note"]


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: str
    status: str


@dataclass(frozen=True)
class Link:
    successor: str
    effective: date | None
    note: str = ""


def read_tsv(path: Path) -> dict[str, Row]:
    """The TSV's rows by 2- or 5-digit code (columns code10, code, name, level, status)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {r["code"]: Row(r["code"], r["name"], r["level"], r["status"])
                for r in csv.DictReader(f, delimiter="\t")}


def _by_name(rows: dict[str, Row], name: str, not_code: str) -> str | None:
    """The code of the row named `name` (an existing one first), other than `not_code`."""
    matches = sorted((r for r in rows.values() if r.name == name and r.code != not_code),
                     key=lambda r: r.status != "존재")
    return matches[0].code if matches else None


def _renamed(rows: dict[str, Row], row: Row) -> Link | None:
    """Successor through a [[sido_change]]: the same name under the new 시도."""
    for change in rules.regions().sido_change:
        if row.code[:2] == change.old and len(row.code) == 5:
            rest = row.name.split(" ", 1)[1]
            code = _by_name(rows, f"{rows[change.new].name} {rest}", row.code)
            if code:
                return Link(code, change.effective)
    return None


def _same_name(rows: dict[str, Row], row: Row) -> Link | None:
    """Successor that has exactly the same name and exists today (41195 원미구 -> 41192)."""
    code = _by_name(rows, row.name, row.code)
    return Link(code, None, "same name") if code and rows[code].status == "존재" else None


def _promoted(rows: dict[str, Row], row: Row) -> Link | None:
    """Successor of a 군 that became a 시 of the same stem in the same 시도."""
    if row.level != "sigungu" or not row.name.endswith("군"):
        return None
    code = _by_name(rows, row.name[:-1] + "시", row.code)
    return Link(code, None, "군 -> 시") if code else None


def link_of(rows: dict[str, Row], row: Row) -> Link | None:
    """The code that directly replaced `row`, or None for a current or unmatched row."""
    for change in rules.regions().code_change:
        if change.old == row.code:
            return Link(change.new, change.effective, change.note)
    if row.status == "존재":
        return None
    if row.level == "sido":
        return next((Link(c.new, c.effective) for c in rules.regions().sido_change if c.old == row.code), None)
    link = _same_name(rows, row) or _renamed(rows, row) or _promoted(rows, row)
    parent = row.code[:4] + "0"
    if link is None and row.level == "gu" and parent in rows:
        link = Link(parent, None, "일반구 -> 시")
    return link


def code_today(links: dict[str, Link], rows: dict[str, Row], code: str) -> str:
    """Follow successors to a current code; '' when the chain ends in an abolished one."""
    seen = set()
    while code in links and code not in seen:
        seen.add(code)
        code = links[code].successor
    return code if rows.get(code) and rows[code].status == "존재" else ""


def short_name(row: Row) -> str:
    """'서울' for 서울특별시 (first alias in regions.toml), '마포구' for 서울특별시 마포구."""
    aliases = {a.code: a.aliases[0] for a in rules.regions().sido + rules.regions().alias}
    return aliases.get(row.code, row.name.split(" ")[-1])


def parent_code(row: Row) -> str:
    """'' for a 시도, the 시도 code for a 시군구, the 시 code for an 일반구."""
    if row.level == "sido":
        return ""
    return row.code[:4] + "0" if row.level == "gu" else row.code[:2]


def build(rows: dict[str, Row]) -> list[dict[str, str]]:
    """One CSV record per row, sorted by code."""
    links = {code: link for code, row in rows.items() if (link := link_of(rows, row))}
    starts: dict[str, date] = {}
    for link in links.values():
        if link.effective:
            starts[link.successor] = max(starts.get(link.successor, link.effective), link.effective)
    out = []
    for code in sorted(rows):
        row, link = rows[code], links.get(code)
        out.append({
            "code": code, "name": row.name, "short_name": short_name(row), "level": row.level,
            "parent_code": parent_code(row), "status": row.status,
            "successor": link.successor if link else "",
            "code_today": code_today(links, rows, code),
            "valid_from": starts[code].isoformat() if code in starts else "",
            "valid_to": link.effective.isoformat() if link and link.effective else "",
            "note": link.note if link else "",
        })
    return out


def main(argv: list[str] | None = None) -> int:
    shared = Path(os.environ.get("PLANEXTRACT_SHARED", ROOT.parent / "shared"))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tsv", type=Path, default=shared / "data" / "regions_bjd.tsv")
    ap.add_argument("--out", type=Path, default=rules.REGIONS_CSV)
    args = ap.parse_args(argv)
    records = build(read_tsv(args.tsv))
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    unmatched = sum(1 for r in records if not r["code_today"])
    print(f"wrote {len(records)} rows to {args.out} ({unmatched} abolished without a known successor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
