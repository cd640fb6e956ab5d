"""The same document in every format gives the same facts (the text/HTML source is the reference)."""
from __future__ import annotations

import pytest
from conftest import SAMPLES

from extractors import extract
from normalizers.plan import normalise

TWINS = {
    "yangpyeong-2023-plan-summary": ("txt", ["pdf", "docx"]),
    "gwangju-seogu-2024-elderly-basic-plan": ("HTML", ["hwpx", "pdf", "docx"]),
    "wonju-2024-implementation-plan": ("md", ["pdf", "docx"]),
    "unruled-investment-plan": ("txt", ["pdf"]),
}


def facts(path) -> dict:
    """Strategies, programs, indicators with targets and budgets, keyed by printed codes (no ids)."""
    rec = normalise(extract(path))
    code = {p.program_id: p.code for p in rec.programs}
    number = {s.strategy_id: s.number for s in rec.strategies}

    def owner(x):
        return code.get(x.program_id) or number.get(x.strategy_id)

    squash = lambda s: (s or "").replace(" ", "")  # noqa: E731 - PDF line joins may add spaces
    return {
        "meta": (rec.meta.doc_type, rec.meta.region_code, rec.meta.region_code_issued, rec.meta.plan_term,
                 rec.meta.period_start, rec.meta.period_end),
        "strategies": sorted((s.number, squash(s.title)) for s in rec.strategies),
        "programs": sorted((p.code, squash(p.name), p.department, p.is_priority, code.get(p.parent_id))
                           for p in rec.programs),
        "indicators": sorted((str(owner(i)), squash(i.name), str(i.unit),
                              tuple((t.year, t.value, t.is_baseline) for t in i.targets)) for i in rec.indicators),
        "budgets": sorted((str(owner(b)), squash(b.item), b.year or 0, b.amount_krw, b.is_total, b.kind)
                          for b in rec.budgets),
        "checks": sorted((c.kind, c.ok, c.expected, c.actual) for c in rec.checks),
    }


@pytest.mark.parametrize("stem,other", [(s, o) for s, (_, others) in TWINS.items() for o in others],
                         ids=lambda v: v)
def test_twin_gives_the_same_facts(stem, other):
    ref_suffix = TWINS[stem][0]
    reference = facts(SAMPLES / f"{stem}.{ref_suffix}")
    assert reference["budgets"], "the reference sample must have budgets"
    assert facts(SAMPLES / f"{stem}.{other}") == reference
