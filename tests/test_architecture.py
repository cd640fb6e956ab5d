"""Layers import one way, modules stay small, and the README's formats table matches the code."""
from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT
from extractors import EXTRACTORS

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


def test_extractors_expose_only_extract():
    for suffix, module in EXTRACTORS.items():
        tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        public = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))
                  and not n.name.startswith("_")]
        assert "extract" in public, f"{module} has no extract()"


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
    assert documented == EXTRACTORS
