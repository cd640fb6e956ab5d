"""The schema contract ships in the repository: docs/schema.md describes every table and column of
pipeline/schema.sql (generated from pipeline/metadata.toml, which must cover them all)."""
from __future__ import annotations

from conftest import ROOT

from pipeline.catalog import column, metadata, schema_markdown
from pipeline.upgrade import schema_columns


def test_every_table_and_column_is_described_in_korean_and_english():
    missing = []
    for table, columns in schema_columns().items():
        info = metadata()["tables"].get(table)
        if not info or not all(info.get(k) for k in ("ko", "en", "description_ko", "description_en", "source")):
            missing.append(table)
            continue
        for name, _ in columns:
            try:
                c = column(table, name)
            except KeyError:
                missing.append(f"{table}.{name}")
                continue
            if not (c.ko and c.en):
                missing.append(f"{table}.{name}")
    assert not missing, f"describe in pipeline/metadata.toml: {missing}"
    described = set(metadata()["tables"])
    assert described == set(schema_columns()), f"metadata.toml describes tables schema.sql lacks: {described - set(schema_columns())}"


def test_docs_schema_md_matches_schema_sql():
    committed = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    assert committed == schema_markdown(), "docs/schema.md is out of date: python -m pipeline.catalog > docs/schema.md"
    for table, columns in schema_columns().items():
        assert f"## `{table}`" in committed
        for name, decl in columns:
            assert f"| `{name}` | {decl or '–'} |" in committed, f"{table}.{name}"
