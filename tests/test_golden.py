"""Golden snapshots per sample and stage: tests/golden/<sample>.document.json and <sample>.plan.json.

Regenerate only when output is meant to change: `pytest tests/test_golden.py --update-golden`,
then review the diff. A missing golden fails.
"""
from __future__ import annotations

from dataclasses import asdict

import pytest
from conftest import GOLDEN, sample_files

from extractors import extract
from extractors.document import document_to_dict
from normalizers.plan import normalise

SAMPLES = sample_files()


def _name(path) -> str:
    return path.name


@pytest.fixture(scope="module")
def documents():
    return {p.name: extract(p) for p in SAMPLES}


@pytest.mark.parametrize("path", SAMPLES, ids=_name)
def test_document_snapshot(path, documents, golden):
    data = document_to_dict(documents[path.name])
    data["path"] = path.name
    golden(f"{path.name}.document.json", data)


@pytest.mark.parametrize("path", SAMPLES, ids=_name)
def test_plan_snapshot(path, documents, golden):
    record = normalise(documents[path.name])
    data = asdict(record)
    for table in data["tables"]:
        table.pop("cells")   # the cells are in the document snapshot
    golden(f"{path.name}.plan.json", data)


def test_every_golden_has_its_sample():
    """A golden left behind by a renamed or deleted sample fails instead of silently passing."""
    names = {p.name for p in SAMPLES}
    orphans = sorted(g.name for g in GOLDEN.glob("*.json")
                     if g.name.rsplit(".", 2)[0] not in names)
    assert not orphans, f"goldens without a sample in samples/: {orphans}"
