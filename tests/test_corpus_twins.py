"""Differential test over the corpus twins: one document as HWP / HWPX / PDF / HTML must give the same facts.

For every pair of files that `../shared/corpus/MANIFEST.md` lists as the same
document, three agreements (multiset F1, spaces ignored): heading titles
(printed numbers and table-of-contents leaders left out), non-empty table
cell texts, and money amounts mentioned in the text (in KRW). The pair's
agreement is their mean over the parts either side has. Every pair's line is
printed after the run; the pairs issue 10 names must reach 0.95, and every
pair must get the same doc_type.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import cache

import pytest
from conftest import SHARED, TWIN_AGREEMENT, shared_path

from extractors import extract
from normalizers.plan import normalise

THRESHOLD = 0.95
REQUIRED = {"nikl-2022-work-plan", "moel-2025-work-report", "msit-nuri-press-2018"}
"""Documents named in issue 10: every pair of their twins must agree to THRESHOLD."""


def manifest_groups() -> list[tuple[str, tuple[str, ...]]]:
    """(document, files) of the MANIFEST table 'The same document in several formats'."""
    path = SHARED / "corpus" / "MANIFEST.md"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    part = text[text.index("## The same document in several formats"):]
    groups = []
    for line in part.splitlines()[4:]:
        if not line.startswith("|"):
            break
        files = tuple(re.findall(r"`([^`]+)`", line.split("|")[2]))
        groups.append((files[0].split("/")[-1].split(".")[0], files))
    return groups


def pairs() -> list[tuple[str, str, str]]:
    out = [(doc, a, b) for doc, files in manifest_groups() for a, b in itertools.combinations(files, 2)]
    return out or [("(corpus missing)", "", "")]


@cache
def record_of(name: str):
    return normalise(extract(shared_path("corpus", name)))


@cache
def facts(name: str) -> dict[str, Counter]:
    record = record_of(name)
    return {
        "headings": Counter(squash(s.title) for s in record.sections if s.section_id != "s0" and squash(s.title)),
        "cells": Counter(squash(c.text) for t in record.tables for c in t.cells if squash(c.text)),
        "money": Counter((m.currency or "KRW", m.currency_amount if m.amount_krw is None else m.amount_krw)
                         for m in record.mentions if m.kind == "money"
                         and (m.amount_krw is not None or m.currency_amount is not None)),   # won and dollars alike
    }


def squash(text: str) -> str:
    """Text without spaces, TOC leaders and a trailing page number."""
    text = re.sub(r"[·.…]{3,}\s*\d*\s*$", "", text)
    return re.sub(r"\s+", "", text)


def f1(a: Counter, b: Counter) -> float | None:
    """Multiset F1 of two bags; None when both are empty."""
    if not a and not b:
        return None
    return 2 * sum((a & b).values()) / (sum(a.values()) + sum(b.values()))


def agreement(a: str, b: str) -> tuple[float, dict[str, float | None]]:
    parts = {key: f1(facts(a)[key], facts(b)[key]) for key in ("headings", "cells", "money")}
    scores = [v for v in parts.values() if v is not None]
    return (sum(scores) / len(scores) if scores else 1.0), parts


@pytest.mark.parametrize("document,a,b", pairs(), ids=lambda x: x.split("/")[-1] if x else "")
def test_twins_agree(document, a, b, request):
    if not a:
        shared_path("corpus", "MANIFEST.md")
    score, parts = agreement(a, b)
    shown = " ".join(f"{k}={'-' if v is None else f'{v:.3f}'}" for k, v in parts.items())
    types = record_of(a).meta.doc_type, record_of(b).meta.doc_type
    TWIN_AGREEMENT[f"{a} ~ {b}"] = f"{score:.3f} ({shown}; doc_type {types[0]}/{types[1]})"
    assert types[0] == types[1], f"twins {a} and {b} get different doc_types {types}"
    if document in REQUIRED:
        assert score >= THRESHOLD, f"{a} and {b} agree {score:.3f} ({shown}); needs {THRESHOLD}"
