"""Inline SVG charts for the HTML report: nothing is fetched when the page is viewed."""
from __future__ import annotations

from html import escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096")
FONT = "'Noto Sans CJK KR', 'Noto Sans KR', 'NanumGothic', 'Malgun Gothic', sans-serif"


def won_to_text(krw: float) -> str:
    """1712000000 -> '17.1억'; amounts under 1억 in 만원."""
    if abs(krw) >= 1e8:
        return f"{krw / 1e8:,.1f}억"
    if abs(krw) >= 1e4:
        return f"{krw / 1e4:,.0f}만"
    return f"{krw:,.0f}"


def _label_width(text: str) -> float:
    return sum(13 if ord(ch) > 0x2E80 else 7.5 for ch in text)


def bar_chart_svg(title: str, categories: list[str], series: dict[str, list[float]],
                  value_text=won_to_text, width: int = 860) -> str:
    """Horizontal grouped bars: one group per category, one bar per series (e.g. per year)."""
    if not categories or not series:
        return ""
    names = list(series)
    bar, gap = 14, 10
    label_w = min(330, max(_label_width(c) for c in categories) + 12)
    top = 18 + 18 * ((len(names) + 5) // 6)
    height = top + len(categories) * (len(names) * bar + gap) + 10
    peak = max((v for vals in series.values() for v in vals if v), default=1) or 1
    plot_w = width - label_w - 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="12">',
             f'<title>{escape(title)}</title>']
    for i, name in enumerate(names):  # legend, six per line
        x, y = 10 + (i % 6) * 135, 14 + 18 * (i // 6)
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                     f'<text x="{x + 17}" y="{y}" fill="#2d3748">{escape(str(name))}</text>')
    y = top
    for c, category in enumerate(categories):
        group_h = len(names) * bar
        label = category if _label_width(category) <= label_w - 12 else category[: int((label_w - 24) / 13)] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + group_h / 2 + 4}" text-anchor="end" fill="#1a202c">'
                     f'<title>{escape(category)}</title>{escape(label)}</text>')
        for i, name in enumerate(names):
            value = series[name][c] or 0
            w = max(0.0, plot_w * value / peak)
            color = PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{label_w}" y="{y + i * bar}" width="{w:.1f}" height="{bar - 2}" fill="{color}">'
                         f'<title>{escape(str(name))}: {escape(value_text(value))}</title></rect>')
            if value:
                parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + i * bar + bar - 4}" fill="#4a5568" '
                             f'font-size="11">{escape(value_text(value))}</text>')
        y += group_h + gap
    parts.append("</svg>")
    return "".join(parts)


def sparkline_svg(points: list[tuple[int, float]], width: int = 140, height: int = 34) -> str:
    """A small line over the years of one indicator (baseline first), with the end values printed."""
    points = [(x, y) for x, y in points if y is not None]
    if len(points) < 2:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    sx = (width - 12) / ((x1 - x0) or 1)
    sy = (height - 12) / ((y1 - y0) or 1)
    coords = " ".join(f"{6 + (x - x0) * sx:.1f},{height - 6 - (y - y0) * sy:.1f}" for x, y in points)
    dots = "".join(f'<circle cx="{6 + (x - x0) * sx:.1f}" cy="{height - 6 - (y - y0) * sy:.1f}" r="2.2" '
                   f'fill="{PALETTE[0]}"><title>{x}: {y:g}</title></circle>' for x, y in points)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'<polyline points="{coords}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.8"/>{dots}</svg>')


def coverage_svg(counts: dict[str, int], width: int = 420) -> str:
    """One stacked bar: documents ok / partial / failed."""
    total = sum(counts.values()) or 1
    colors = {"ok": "#38a169", "partial": "#d69e2e", "failed": "#e53e3e"}
    x, parts = 0.0, []
    for status in ("ok", "partial", "failed"):
        n = counts.get(status, 0)
        w = width * n / total
        if n:
            parts.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="22" fill="{colors[status]}">'
                         f'<title>{status}: {n}</title></rect>')
            if w > 40:
                parts.append(f'<text x="{x + 6:.1f}" y="15" fill="white" font-size="12">{status} {n}</text>')
        x += w
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="22" viewBox="0 0 {width} 22" '
            f'font-family="{FONT}">{"".join(parts)}</svg>')
