"""Golden snapshots per sample and stage: tests/golden/<sample>.document.json and <sample>.plan.json.

Regenerate only when output is meant to change: `pytest tests/test_golden.py --update-golden`,
then review the diff. A missing golden fails.
"""
from __future__ import annotations

from dataclasses import asdict

import pytest
from conftest import GOLDEN, sample_files

from extractors import extract
from extractors.document import FONTS_NOT_EMBEDDED, document_to_dict
from normalizers.plan import normalise

SAMPLES = sample_files()


def _name(path) -> str:
    return path.name


@pytest.fixture(scope="module")
def documents():
    return {p.name: extract(p) for p in SAMPLES}


# A PDF whose fonts are not embedded (noted `fonts-not-embedded`) is drawn with whatever font PDFium finds on
# the machine, and its glyph boxes follow that font's outlines: up to 1.5 pt apart between machines with the
# same packages (the order a font folder is listed in decides between Noto CJK faces). Their boxes are
# compared within this many points.
SUBSTITUTED_FONT_TOLERANCE = 2.0


@pytest.mark.parametrize("path", SAMPLES, ids=_name)
def test_document_snapshot(path, documents, golden):
    data = document_to_dict(documents[path.name])
    data["path"] = path.name
    substituted = any(issue.code == FONTS_NOT_EMBEDDED for issue in documents[path.name].issues)
    golden(f"{path.name}.document.json", data, SUBSTITUTED_FONT_TOLERANCE if substituted else 0.0)


def test_golden_comparison_tolerates_only_bbox_moves():
    """The tolerance reaches bounding boxes only, and only as far as it says."""
    from conftest import golden_equal

    block = {"text": "합계 1,200", "source": {"page": 1, "bbox": [60.0, 320.0, 200.0, 342.0]}}
    moved = {"text": "합계 1,200", "source": {"page": 1, "bbox": [60.0, 318.7, 200.0, 342.0]}}
    assert golden_equal(block, moved, 2.0) and not golden_equal(block, moved)
    assert not golden_equal(block, {**moved, "text": "합계 1,300"}, 2.0)
    assert not golden_equal(block, {"text": "합계 1,200", "source": {"page": 1, "bbox": [60.0, 317.0, 200.0, 342.0]}}, 2.0)
    assert not golden_equal({"size": 10.0}, {"size": 10.5}, 2.0)


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
