"""`planextract report OUT.html`: one self-contained HTML page (inline SVG, no script, nothing
fetched) per government and year: planned spending by strategy, policy domain and funding
source, indicator targets over the plan period, failing checks printed vs computed, and
coverage (documents ok / partial / failed). Sums use primary copies only."""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from pipeline.charts import FONT, bar_chart_svg, coverage_svg, sparkline_svg, won_to_text

CSS = f"""
body {{ font-family: {FONT}; margin: 24px auto; max-width: 960px; color: #1a202c; }}
h1 {{ font-size: 24px; margin-bottom: 4px; }} h2 {{ border-bottom: 2px solid #2b6cb0; padding-bottom: 4px; margin-top: 36px; }}
h3 {{ font-size: 16px; margin: 22px 0 6px; }} .muted {{ color: #718096; font-size: 13px; }}
table {{ border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; }}
th, td {{ border: 1px solid #cbd5e0; padding: 3px 8px; text-align: left; vertical-align: middle; }}
th {{ background: #edf2f7; }} td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.bad {{ color: #c53030; }}
"""
GOV_SQL = "COALESCE(d.region_code, d.region_name, '')"
BASE = "d.is_primary = 1 AND b.kind = 'planned' AND b.year IS NOT NULL AND COALESCE(b.is_total, 0) = 0"


def governments(conn: sqlite3.Connection, region: str | None) -> list[tuple[str, str]]:
    """(key, name) of every government with a document, the unknown one last."""
    rows = conn.execute(f"SELECT DISTINCT {GOV_SQL}, COALESCE(d.region_name, '지역 미상 · no government') "
                        "FROM documents d WHERE d.status != 'failed' ORDER BY d.region_name IS NULL, 2").fetchall()
    if region:
        rows = [r for r in rows if region in (r[0], r[1]) or region in r[1]]
    return [(r[0], r[1]) for r in rows]


def _pivot(rows: list[tuple]) -> tuple[list[str], dict[str, list[float]]]:
    """(category, year, krw) rows -> categories (largest first) and one series per year."""
    totals: dict[str, float] = defaultdict(float)
    cells: dict[tuple[str, int], float] = defaultdict(float)
    for category, year, krw in rows:
        totals[category] += krw or 0
        cells[(category, year)] += krw or 0
    categories = sorted(totals, key=lambda c: -totals[c])
    years = sorted({y for _, y in cells})
    return categories, {str(y): [cells.get((c, y), 0.0) for c in categories] for y in years}


def spending_by(conn: sqlite3.Connection, gov: str, by: str) -> tuple[list[str], dict[str, list[float]]]:
    """Planned spending of one government per strategy, domain or funding source, per year."""
    if by == "strategy":
        sql = f"""SELECT COALESCE(s.number || ' ' || s.title, s.title, '(전략 없음)'), b.year, sum(b.amount_krw)
                  FROM budgets b JOIN documents d ON d.doc_id = b.doc_id
                  JOIN programs p ON p.program_id = b.program_id
                  LEFT JOIN strategies s ON s.strategy_id = COALESCE(b.strategy_id, p.strategy_id)
                  WHERE {BASE} AND {GOV_SQL} = ? GROUP BY 1, 2"""
    elif by == "domain":
        sql = f"""SELECT t.tag, b.year, sum(b.amount_krw) FROM budgets b
                  JOIN documents d ON d.doc_id = b.doc_id
                  JOIN program_tags t ON t.program_id = b.program_id AND t.tag_type = 'domain'
                  WHERE {BASE} AND {GOV_SQL} = ? GROUP BY 1, 2"""
    else:
        sql = f"""SELECT b.fund_source, b.year, sum(b.amount_krw) FROM budgets b
                  JOIN documents d ON d.doc_id = b.doc_id
                  WHERE d.is_primary = 1 AND b.kind = 'planned' AND b.year IS NOT NULL AND b.fund_source IS NOT NULL
                    AND b.is_total = 0 AND {GOV_SQL} = ? GROUP BY 1, 2"""
    return _pivot(conn.execute(sql, (gov,)).fetchall())


def indicator_rows(conn: sqlite3.Connection, gov: str) -> list[tuple[str, str, list[tuple[int, float, str, bool]]]]:
    rows = conn.execute(f"""SELECT i.indicator_id, COALESCE(p.code || ' ', '') || i.name, COALESCE(i.unit, ''),
                                   t.year, t.value, t.value_text, t.is_baseline
                            FROM indicators i JOIN documents d ON d.doc_id = i.doc_id
                            JOIN indicator_targets t ON t.indicator_id = i.indicator_id
                            LEFT JOIN programs p ON p.program_id = i.program_id
                            WHERE d.is_primary = 1 AND {GOV_SQL} = ? ORDER BY i.rowid, t.year""", (gov,)).fetchall()
    out: dict[str, tuple[str, str, list]] = {}
    for ind_id, name, unit, year, value, text, baseline in rows:
        out.setdefault(ind_id, (name, unit, []))[2].append((year, value, text or "", bool(baseline)))
    return list(out.values())


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:  # type: ignore[assignment]
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def government_section(conn: sqlite3.Connection, gov: str, name: str) -> str:
    docs = conn.execute(f"SELECT d.path, d.doc_type, d.period_start, d.period_end, d.status, d.is_primary, d.format "
                        f"FROM documents d WHERE {GOV_SQL} = ? ORDER BY d.period_start, d.path", (gov,)).fetchall()
    parts = [f'<section><h2>{escape(name)}{" (" + escape(gov) + ")" if gov and gov != name else ""}</h2>']
    counts: dict[str, int] = defaultdict(int)
    for d in docs:
        counts[d[4]] += 1
    parts.append(f'<p class="muted">{len(docs)} documents · coverage</p>{coverage_svg(dict(counts))}')
    parts.append(_table(["문서 · document", "종류 · type", "기간 · period", "상태 · status", "사본 · copy"],
                        [[escape(d[0]), escape(d[1] or ""), f"{d[2] or ''}–{d[3] or ''}", escape(d[4]),
                          "primary" if d[5] else "copy"] for d in docs]))
    for by, title in (("strategy", "추진전략별 계획 예산 · planned spending by strategy"),
                      ("domain", "정책 분야별 계획 예산 · by policy domain"),
                      ("fund", "재원별 계획 예산 · by funding source")):
        categories, series = spending_by(conn, gov, by)
        if categories:
            parts.append(f"<h3>{escape(title)}</h3>")
            parts.append(bar_chart_svg(title, categories, series))
            years = list(series)
            parts.append(_table(["", *years],
                                [[escape(c), *(won_to_text(series[y][i]) for y in years)]
                                 for i, c in enumerate(categories)], numeric=set(range(1, len(years) + 1))))
    indicators = indicator_rows(conn, gov)
    if indicators:
        target_years: list[int] = sorted({t[0] for _, _, ts in indicators for t in ts if t[0] is not None})
        rows = []
        for ind, unit, targets in indicators:
            by_year = {t[0]: t[2] + (" (기준)" if t[3] else "") for t in targets}
            rows.append([escape(ind), escape(unit), *(escape(by_year.get(y, "")) for y in target_years),
                         sparkline_svg([(t[0], t[1]) for t in targets if t[0] is not None])])
        parts.append("<h3>성과지표 목표 · indicator targets over the plan period</h3>")
        parts.append(_table(["지표 · indicator", "단위", *map(str, target_years), "추이"], rows,
                            numeric=set(range(2, len(target_years) + 2))))
    checks = conn.execute(f"""SELECT d.path, c.kind, c.table_id, c.row, c.col, c.expected, c.actual, c.note
                              FROM checks c JOIN documents d ON d.doc_id = c.doc_id
                              WHERE c.ok = 0 AND d.is_primary = 1 AND {GOV_SQL} = ? ORDER BY d.path""",
                          (gov,)).fetchall()
    if checks:
        parts.append("<h3>맞지 않는 합계 · failing checks (printed vs computed)</h3>")
        parts.append(_table(["문서", "종류", "표 · 행 · 열", "인쇄 · printed", "계산 · computed", "차이 · diff", "비고"],
                            [[escape(c[0]), escape(c[1]), f"{escape(c[2] or '')} · {c[3]} · {c[4]}",
                              f"{c[5]:,.0f}", f"{c[6]:,.0f}", f'<span class="bad">{c[5] - c[6]:+,.0f}</span>',
                              escape(c[7] or "")] for c in checks], numeric={3, 4, 5}))
    parts.append("</section>")
    return "".join(parts)


def write_report(conn: sqlite3.Connection, out: Path, region: str | None = None) -> int:
    """Write the report; returns the number of governments in it."""
    govs = governments(conn, region)
    totals = dict(conn.execute("SELECT status, count(*) FROM documents GROUP BY status").fetchall())
    n_files = conn.execute("SELECT count(*) FROM files").fetchone()[0]
    works = conn.execute("SELECT count(*), sum(n_copies > 1) FROM works").fetchone()
    head = (f"<h1>지역사회보장계획 보고서 · planextract report</h1>"
            f'<p class="muted">{n_files} files, {sum(totals.values())} documents, {works[0]} works '
            f"({works[1] or 0} published in several files; sums use one copy of each) · "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · amounts in 원 (억 = 100,000,000)</p>"
            f"{coverage_svg({k: totals.get(k, 0) for k in ('ok', 'partial', 'failed')}, width=600)}")
    body = "".join(government_section(conn, gov, name) for gov, name in govs)
    html = (f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>planextract report</title>'
            f"<style>{CSS}</style></head><body>{head}{body}</body></html>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return len(govs)
