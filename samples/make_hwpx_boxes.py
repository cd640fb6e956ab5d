"""Write two HWPX samples in the shapes real Hangul documents print, with the `make_hwpx.py` writer.

- `haenam-2025-implementation-plan-boxes.hwpx`: a 연차별 시행계획 whose chapter
  and item titles are boxes, as Hangul plans print them: a cover box
  (3 x 1 table, blank rows around the title), a date line under it, one-cell
  boxes `Ⅰ. …` and `1. …(12억원)`, one-row boxes whose first cell is the
  number (`1 | 추진 배경`), a `[ 목 차 ]` label box, and a 예산 현황 table
  whose first row is only "(단위: 백만원)" right-aligned over blank cells
  (flagged as the header row, as in the corpus) above its real two-row
  header.
- `mohw-2025-press-release-header.hwpx`: a press release opening with the
  보도일시 / 배포일시 header table, a headline box, and body text that
  mentions other years (2027년까지) than the issue date.

Content is invented (real government names). Deterministic like make_hwpx.py.
Run: python samples/make_hwpx_boxes.py [output folder]
"""
from __future__ import annotations

import sys
from pathlib import Path

from make_hwpx import TableSpec, write_package

HERE = Path(__file__).parent
WIDE = 42520


def box(*texts: str) -> TableSpec:
    """A one-row box: one cell per text (a number cell and a title cell, or one title)."""
    widths = (WIDE,) if len(texts) == 1 else (3400, WIDE - 3400)
    return TableSpec(widths=widths, rows=(tuple((t, 1, 1) for t in texts),), header_rows=0)


COVER = TableSpec(widths=(WIDE,), header_rows=0,
                  rows=((("", 1, 1),), (("2025년 해남군 지역사회보장계획 연차별 시행계획", 1, 1),), (("", 1, 1),)))

BUDGET = TableSpec(
    widths=(15520, 9000, 9000, 9000), header_rows=1,
    rows=(
        (("", 1, 2), ("(단위: 백만원)", 1, 2)),
        (("구  분", 2, 1), ("2024년 (A)", 2, 1), ("2025년 (B)", 2, 1), ("증  감", 1, 1)),
        (("(B-A)", 1, 1),),
        (("합    계", 1, 1), ("2,000", 1, 1), ("2,150", 1, 1), ("150", 1, 1)),
        (("□ 돌봄 안전망 강화", 1, 1), ("1,150", 1, 1), ("1,200", 1, 1), ("50", 1, 1)),
        (("□ 건강한 일상 지원", 1, 1), ("850", 1, 1), ("950", 1, 1), ("100", 1, 1)),
    ))

PLAN: tuple[tuple[str, str | TableSpec], ...] = (
    ("table", COVER),
    ("right", "2025. 2."),
    ("right", "전라남도 해남군 (주민복지과)"),
    ("table", box("[ 목    차 ]")),
    ("body", "Ⅰ. 추진 개요 ·································· 1"),
    ("body", "Ⅱ. 세부사업 추진계획 ·························· 2"),
    ("table", box("Ⅰ. 추진 개요")),
    ("table", box("1", "추진 배경")),
    ("body", "□ 제5기 지역사회보장계획 3차년도 시행"),
    ("indent", "○ 65세 이상 인구 비율 38.2%로 돌봄 수요 지속 증가"),
    ("table", box("2", "추진 방향")),
    ("body", "□ 읍·면 단위 통합 돌봄 체계 완성"),
    ("table", box("Ⅱ. 세부사업 추진계획")),
    ("table", box("1. 돌봄 안전망 강화(12억원)")),
    ("body", "□ 어르신 방문 돌봄 확대(540백만원)"),
    ("indent", "○ 읍·면 돌봄 매니저 14명 배치, 주 2회 방문"),
    ("body", "□ 긴급 돌봄 지원(660백만원)"),
    ("table", box("2. 건강한 일상 지원(9.5억원)")),
    ("body", "□ 마을 건강 주치의 운영(950백만원)"),
    ("table", box("Ⅲ. 예산 현황")),
    ("table", BUDGET),
    ("body", "※ 2025년 예산은 본예산 기준임"),
)

PRESS_HEADER = TableSpec(
    widths=(6000, 15260, 6000, 15260), header_rows=0,
    rows=(
        (("보도일시", 1, 1), ("2025. 3. 18.(화) 조간", 1, 3)),
        (("배포일시", 1, 1), ("2025. 3. 17.(월) 10:00", 1, 1), ("담당부서", 1, 1), ("돌봄정책과", 1, 1)),
    ))

PRESS: tuple[tuple[str, str | TableSpec], ...] = (
    ("title", "보건복지부 보도자료"),
    ("table", PRESS_HEADER),
    ("table", box("지역 돌봄 통합지원 선도지역 12곳 선정")),
    ("body", "□ 보건복지부는 3월 17일 지역 돌봄 통합지원 선도지역 12곳을 선정하였다고 밝혔다."),
    ("indent", "○ 선정 지역은 2027년까지 3년간 지역당 연 5억 원을 지원받는다."),
    ("indent", "○ 2026년부터는 읍·면 단위 돌봄 매니저를 배치한다."),
)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for name, content in (("haenam-2025-implementation-plan-boxes.hwpx", PLAN),
                          ("mohw-2025-press-release-header.hwpx", PRESS)):
        write_package(folder / name, content, title="")
        print(f"wrote {folder / name}")
