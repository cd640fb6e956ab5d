"""Layers import one way, packages show the architecture, modules stay small, the README matches the code."""
from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest
from conftest import ROOT

from extractors import FORMATS

ALLOWED = {
    "extractors": {"extractors"},
    "normalizers": {"normalizers", "extractors.document"},
    "pipeline": {"pipeline", "extractors", "normalizers"},
}
HARD_CAP = 1000


def _modules(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def _our_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        yield from (n for n in names if n.split(".")[0] in ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_flow_one_way(package):
    bad = []
    for path in _modules(package):
        for name in _our_imports(path):
            if not any(name == a or name.startswith(a + ".") for a in ALLOWED[package]):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, "\n".join(bad)


# The package layout the README's "How it works" describes: format packages and their parts.
LAYOUT = {
    "extractors": {"document.py", "grid.py", "archive.py", "pdf/", "hancom/", "docx/", "text/", "html/"},
    "extractors/pdf": {"reader.py", "page.py", "words.py", "lines.py", "rulings.py", "regions.py", "tables.py",
                       "unruled.py"},
    "extractors/hancom": {"hwp.py", "hwpx.py", "common.py", "records.py", "package.py"},
    "normalizers": {"plan.py", "record.py", "rules.py", "sections.py", "boxes.py", "meta.py", "money.py", "years.py",
                    "regions.py", "departments.py", "text.py", "tables/", "textfacts/", "rules/"},
    "normalizers/tables": {"reader.py", "rows.py", "values.py", "columns.py", "cards.py", "forms.py", "template.py",
                           "builder.py", "checks.py",
                           "hierarchy.py"},
    "normalizers/textfacts": {"reader.py", "entities.py", "nlp.py", "mentions.py", "executions.py", "tags.py"},
}


@pytest.mark.parametrize("folder", sorted(LAYOUT))
def test_package_layout(folder):
    """Every listed part exists; nothing unlisted sits beside it (a new module means a new line here)."""
    here = {p.name + ("/" if p.is_dir() else "") for p in (ROOT / folder).iterdir()
            if p.name != "__pycache__" and p.name != "__init__.py"}
    assert here == LAYOUT[folder], f"{folder}: missing {sorted(LAYOUT[folder] - here)}, " \
                                   f"unlisted {sorted(here - LAYOUT[folder])}"


def _defined_names(path) -> set[str]:
    """Top-level names a module file defines itself (functions, classes, assignments), imports left out."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("suffix", sorted(FORMATS))
def test_extractors_expose_only_extract(suffix):
    """Each format's module (or package) has one public name, `extract(path) -> Document`."""
    module = importlib.import_module(FORMATS[suffix].module)
    public = {n for n in _defined_names(Path(module.__file__)) if not n.startswith("_")} - {"extract"}
    assert not public, f"{module.__name__} defines public names besides extract: {sorted(public)}"
    assert getattr(module, "__all__", None) == ["extract"], f"{module.__name__}.__all__ must be ['extract']"
    assert list(inspect.signature(module.extract).parameters) == ["path"]


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_modules_stay_under_the_hard_cap(package):
    long = [f"{p.relative_to(ROOT)}: {n}" for p in _modules(package)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > HARD_CAP]
    assert not long, long


def test_readme_formats_table_matches_extractors():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Formats", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|([^|]*)\|\s*`([\w.]+)`", table, flags=re.M)
    documented = {}
    for suffixes, module in rows:
        for suffix in re.findall(r"`(\.\w+)`", suffixes):
            documented[suffix] = module
    assert documented == {suffix: f.module for suffix, f in FORMATS.items()}


# The top level the design card fixes, plus the repository's own files (CI, docs, tools, ignore list).
TOP_LEVEL = {"pipeline", "extractors", "normalizers", "samples", "output", "tests", "pyproject.toml", "README.md",
             "Makefile", ".ci", ".gitignore", "docs", "tools"}


def test_top_level_layout_is_the_design_cards():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    top = {line.split("/", 1)[0].strip('"') for line in tracked.stdout.splitlines()}
    assert top <= TOP_LEVEL, f"unexpected top-level entries: {sorted(top - TOP_LEVEL)}"
