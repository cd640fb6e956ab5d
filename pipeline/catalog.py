"""Titles and descriptions of every table and column (pipeline/metadata.toml), canned queries
(pipeline/queries.toml): Datasette metadata, XLSX headers and docs/schema.md from one source.

    python -m pipeline.catalog > docs/schema.md
"""
from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
FACETS = {
    "documents": ["region_name", "doc_type", "issued_year", "status", "format", "is_primary"],
    "files": ["status", "format"],
    "works": ["region_name", "doc_type", "n_copies"],
    "budgets": ["year", "kind", "fund_source", "is_total"],
    "budget_lines": ["region_name", "year", "doc_type", "fund_source", "kind"],
    "domain_spending": ["region_name", "year", "domain"],
    "programs": ["is_priority", "department"],
    "program_tags": ["tag_type", "tag"],
    "indicator_targets": ["year", "is_baseline"],
    "checks": ["ok", "kind"],
    "mentions": ["kind", "fund_source"],
    "executions": ["region_name", "year"],
    "doc_regions": ["role", "region_name"],
}


@dataclass(frozen=True)
class Column:
    ko: str
    en: str
    unit: str | None = None


@cache
def metadata() -> dict[str, Any]:
    return tomllib.loads((HERE / "metadata.toml").read_text(encoding="utf-8"))


@cache
def queries() -> dict[str, dict[str, str]]:
    """Canned queries: name -> {title, description, sql}."""
    return tomllib.loads((HERE / "queries.toml").read_text(encoding="utf-8"))["query"]


def column(table: str, name: str) -> Column:
    """The description of `table.name` (the table's own entry, else the shared one); KeyError if none."""
    meta = metadata()
    entry = meta["tables"].get(table, {}).get("columns", {}).get(name) or meta["columns"][name]
    return Column(*entry)


def table_info(table: str) -> dict[str, Any]:
    return metadata()["tables"][table]


def datasette_metadata(db_name: str, tables: list[str]) -> dict[str, Any]:
    """Datasette's metadata.json for a database named `db_name` holding `tables`."""
    meta = metadata()
    out_tables: dict[str, Any] = {}
    for table in tables:
        if table not in meta["tables"]:
            continue
        info = meta["tables"][table]
        entry: dict[str, Any] = {
            "title": f"{info['ko']} · {info['en']}",
            "description": f"{info['description_ko']} / {info['description_en']}",
            "source": info["source"],
            "columns": {},
        }
        if info.get("licence"):
            entry["license"] = meta["licence"][info["licence"]]
            entry["license_url"] = meta["licence"][info["licence"] + "_url"]
        if table in FACETS:
            entry["facets"] = FACETS[table]
        if table == "sections":
            entry["searchmode"] = "escaped"
        out_tables[table] = entry
    return {
        "title": meta["title"], "description": meta["description"], "source": meta["source"],
        "databases": {db_name: {"tables": out_tables,
                                "queries": {k: dict(v) for k, v in queries().items()}}},
    }


def with_columns(md: dict[str, Any], db_name: str, columns: dict[str, list[str]]) -> dict[str, Any]:
    """Fill each table's column descriptions (Korean label, English text, unit)."""
    for table, names in columns.items():
        entry = md["databases"][db_name]["tables"].get(table)
        if entry is None:
            continue
        for name in names:
            c = column(table, name)
            entry["columns"][name] = f"{c.ko} · {c.en}" + (f" (unit: {c.unit})" if c.unit else "")
    return md


def schema_markdown() -> str:
    """docs/schema.md: every table and column of schema.sql with its descriptions."""
    from pipeline.load import SCHEMA_VERSION
    from pipeline.upgrade import schema_columns

    meta = metadata()
    lines = [
        f"# The plan database (schema version {SCHEMA_VERSION})", "",
        "Generated from `pipeline/metadata.toml` and `pipeline/schema.sql` by "
        "`python -m pipeline.catalog > docs/schema.md`; a test fails when this file is out of date.",
        "The contract is `../shared/PLAN_SCHEMA.md`; columns beyond it are marked ext in schema.sql.",
        "Money is integer KRW with the printed text beside it; ids are `<first 12 hex of doc_id>:<local id>`.", "",
        f"Code lists (regions, region_codes): {meta['licence']['code_lists']}.", "",
        f"Classification labels (program_classes): {meta['licence']['template_lists']}.", "",
    ]
    for table, cols in schema_columns().items():
        info = meta["tables"][table]
        lines += [f"## `{table}`: {info['ko']} · {info['en']}", "",
                  f"{info['description_ko']}  ", f"{info['description_en']}  ", f"Source: {info['source']}.", "",
                  "| column | type | 한국어 | description | unit |", "|---|---|---|---|---|"]
        for name, decl in cols:
            c = column(table, name)
            lines.append(f"| `{name}` | {decl or '–'} | {c.ko} | {c.en.replace('|', '/')} | {c.unit or ''} |")
        lines.append("")
    lines += ["## Canned queries (Datasette)", ""]
    for name, q in queries().items():
        lines += [f"- `{name}`: {q['title']}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_markdown())
