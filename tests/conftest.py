"""Shared test helpers: paths, the `../shared` skip, golden snapshots, fresh databases."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GOLDEN = ROOT / "tests" / "golden"
SHARED = Path(os.environ.get("PLANEXTRACT_SHARED", ROOT.parent / "shared"))
SAMPLE_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx", ".hwp", ".hwpx"}


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from current output (review the diff!)")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is not beside the project ({path} missing)")
    return path


def sample_files() -> list[Path]:
    """Every sample document (not scripts, styles or README)."""
    return sorted(p for p in SAMPLES.iterdir()
                  if p.suffix.lower() in SAMPLE_SUFFIXES and p.name != "README.md")


@pytest.fixture
def golden(request):
    """Compare a JSON-ready value with tests/golden/<name>; a missing golden fails."""
    update = request.config.getoption("--update-golden")

    def check(name: str, value, bbox_tolerance: float = 0.0) -> None:
        """`bbox_tolerance` (points) lets bounding boxes move that much; everything else must be equal."""
        path = GOLDEN / name
        text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"golden {path.name} is missing: run pytest --update-golden and review it")
        assert golden_equal(json.loads(path.read_text(encoding="utf-8")), json.loads(text), bbox_tolerance), (
            f"output differs from golden {path.name}; if intended, run pytest --update-golden and review the diff")

    return check


def golden_equal(expected, actual, bbox_tolerance: float = 0.0, key: str = "") -> bool:
    """Equal JSON values, except that numbers of a "bbox" may differ by up to `bbox_tolerance`."""
    if key == "bbox" and bbox_tolerance and isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(abs(a - b) <= bbox_tolerance for a, b in zip(expected, actual))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            golden_equal(expected[k], actual[k], bbox_tolerance, k) for k in expected)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            golden_equal(a, b, bbox_tolerance, key) for a, b in zip(expected, actual))
    return expected == actual


TWIN_AGREEMENT: dict[str, str] = {}
"""Per corpus twin pair, the agreement line `tests/test_corpus_twins.py` measured (printed after the run)."""


def pytest_terminal_summary(terminalreporter):
    if TWIN_AGREEMENT:
        terminalreporter.write_sep("-", "corpus twin agreement (headings, table cells, money; mean)")
        for pair in sorted(TWIN_AGREEMENT):
            terminalreporter.write_line(f"{TWIN_AGREEMENT[pair]}  {pair}")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """`make demo`'s database: every sample run into a fresh plans.db (read it, do not change it)."""
    from pipeline.cli import main

    db = tmp_path_factory.mktemp("demo") / "plans.db"
    assert main(["run", str(SAMPLES), "--db", str(db), "--quiet"]) == 0
    return db
