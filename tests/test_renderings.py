"""The gold seeds rendered as DOCX, Hangul HTML, CP949 text and PDF score like their text exports.

tools/render_twins.py renders seeds 000, 001 and 004 of ../shared/seeds into
tmp_path (never into the repository), the pipeline loads them and
../shared/eval/score.py scores each format on its own against ../shared/gold.
Skipped without ../shared; the PDF part also needs LibreOffice.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, shared_path

from pipeline.run import run

SEEDS = ("000", "001", "004")
MIN_F1 = 0.97


def render_and_load(out: Path, formats: tuple[str, ...]) -> Path:
    """Render the seeds into `out/twins` in `formats`, run the pipeline on them; returns the database path."""
    seeds = [next(shared_path("seeds").glob(f"{prefix}_*.txt")) for prefix in SEEDS]
    twins = out / "twins"
    subprocess.run([sys.executable, str(ROOT / "tools" / "render_twins.py"), *map(str, seeds), "--out", str(twins),
                    "--formats", ",".join(formats)], check=True, capture_output=True, timeout=600)
    db = out / "twins.db"
    run([twins], db)
    return db


def scores(db: Path, fmt: str) -> dict:
    """The scorer's JSON result for the documents of one format."""
    done = subprocess.run([sys.executable, str(shared_path("eval", "score.py")), "--db", str(db),
                           "--gold", str(shared_path("gold")), "--json", "--format", fmt],
                          check=True, capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout)


def assert_every_field_scores(result: dict, fmt: str) -> None:
    assert result["documents_scored"] == len(SEEDS), f"{fmt}: not every seed was scored"
    low = {field: round(v["f1"], 3) for field, v in result["fields"].items() if v["f1"] < MIN_F1}
    assert not low, f"{fmt}: fields below F1 {MIN_F1}: {low}"


@pytest.fixture(scope="module")
def rendered_db(tmp_path_factory) -> Path:
    return render_and_load(tmp_path_factory.mktemp("renderings"), ("docx", "htm", "txt"))


@pytest.mark.parametrize("fmt", ["docx", "html", "txt"])
def test_rendering_scores_like_the_text_export(rendered_db: Path, fmt: str):
    assert_every_field_scores(scores(rendered_db, fmt), fmt)


def test_pdf_rendering_scores_like_the_text_export(tmp_path: Path):
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("PDF renderings need LibreOffice (soffice) on PATH: "
                    "apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-nanum")
    assert_every_field_scores(scores(render_and_load(tmp_path, ("pdf",)), "pdf"), "pdf")
