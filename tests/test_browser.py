"""The workbench in a browser: Datasette over real HTTP on localhost, the HTML report in real
headless Chromium. `pytest --update-golden` also refreshes the README's screenshots (docs/img/)."""
from __future__ import annotations

import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.charts import PALETTE
from pipeline.cli import main

IMAGES = ROOT / "docs" / "img"


def chromium_screenshot(url: str, out: Path, profile: Path, size: tuple[int, int] = (1200, 1500)) -> Path:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.fail("chromium is not installed: `make deps` (part of `make test`) installs Debian's chromium")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
           "--hide-scrollbars", f"--window-size={size[0]},{size[1]}", f"--screenshot={out}", url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.exists() and out.stat().st_size > 100, done.stderr[-2000:]
    return out


def _pixels(path: Path):
    from PIL import Image

    return Image.open(path).convert("RGB")


def _data(image) -> list:
    return list(image.get_flattened_data() if hasattr(image, "get_flattened_data") else image.getdata())


def _count_color(image, rgb: tuple[int, int, int], tol: int = 12) -> int:
    return sum(1 for px in _data(image) if all(abs(a - b) <= tol for a, b in zip(px, rgb)))


def _ink(image) -> int:
    return sum(1 for px in _data(image) if sum(px) < 300)


def _keep(shot: Path, name: str, request) -> None:
    if request.config.getoption("--update-golden"):
        IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, IMAGES / name)


def test_korean_glyphs_render_in_chromium(tmp_path):
    """With a Korean font installed, '예산 돌봄' draws real glyphs, not the same box as unknown characters."""
    pages = {"korean": "예산 돌봄 현황", "missing": "&#xE000;&#xE001; &#xE002;&#xE003; &#xE004;&#xE005;"}
    shots = {}
    for name, text in pages.items():
        page = tmp_path / f"{name}.html"
        page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body style="margin:0;background:#fff">'
                        f'<p style="font-size:48px;margin:10px">{text}</p>', encoding="utf-8")
        shots[name] = _pixels(chromium_screenshot(page.as_uri(), tmp_path / f"{name}.png", tmp_path / "p", (700, 200)))
    korean, missing = _ink(shots["korean"]), _ink(shots["missing"])  # the same number of characters
    # Boxes for unknown characters look alike at the same places, whatever their stroke (it varies with the
    # Chromium release), so Korean drawn as boxes would ink nearly the same pixels; real glyphs ink others.
    apart = sum((sum(a) < 300) != (sum(b) < 300) for a, b in zip(_data(shots["korean"]), _data(shots["missing"])))
    assert korean > 2000 and apart > 0.5 * max(korean, missing), \
        "Korean text renders as boxes: install fonts-noto-cjk (make deps)"


def test_report_renders_charts_with_korean_text_in_chromium(demo_db, tmp_path, request, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(out), "--db", str(demo_db)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?https?:", html)  # nothing fetched when viewed
    for text in ("추진전략별 계획 예산", "정책 분야별 계획 예산", "재원별 계획 예산", "성과지표 목표",
                 "맞지 않는 합계", "강원특별자치도 원주시", "17.1억"):
        assert text in html, text
    assert html.count("<svg") > 10
    shot = chromium_screenshot(out.as_uri(), tmp_path / "report.png", tmp_path / "profile", (1000, 1800))
    image = _pixels(shot)
    bars = _count_color(image, tuple(int(PALETTE[0][i:i + 2], 16) for i in (1, 3, 5)))
    assert bars > 5000, f"only {bars} pixels of the bar colour: charts did not render"
    title = image.crop((0, 0, 700, 70))
    assert _ink(title) > 1500, "the Korean title did not render"
    _keep(shot, "report.png", request)


def test_report_for_one_government(demo_db, tmp_path, capsys):
    out = tmp_path / "one.html"
    assert main(["report", str(out), "--db", str(demo_db), "--region", "41830"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "경기도 양평군" in html and "강원특별자치도 원주시" not in html
    assert "strategy_total" in html  # 양평군's deliberate 10 백만원 difference is listed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def datasette(demo_db):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--db", str(demo_db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"planextract serve did not start: {proc.communicate()[1][-2000:]}")
            time.sleep(0.3)
    yield base + "/" + Path(demo_db).stem
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _get(url: str, **params) -> dict | list:
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    with urllib.request.urlopen(url + query, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def test_serve_metadata_in_korean_and_english(datasette):
    meta = _get(datasette.rsplit("/", 1)[0] + "/-/metadata.json")
    tables = meta["databases"]["plans"]["tables"]
    assert tables["budgets"]["title"] == "예산 · Budgets"
    assert "금액(원)" in tables["budgets"]["columns"]["amount_krw"] and "unit: KRW" in tables["budgets"]["columns"]["amount_krw"]
    assert "법정동코드" in tables["regions"]["license"] and tables["regions"]["source"]
    assert {"budget_lines", "domain_spending", "works", "files"} <= set(tables)


def test_serve_full_text_search_from_the_search_box(datasette):
    rows = _get(datasette + "/sections.json", _search="통합돌봄", _shape="array")
    assert rows and all("통합돌봄" in (r["title"] or "") + (r["text"] or "") for r in rows)
    twins = _get(datasette + "/sections.json", _search="수어·점자", _shape="array")
    assert len({r["doc_id"] for r in twins}) == 2  # the glyph-printed copy is found through search_text
    short = _get(datasette + "/search_sections.json", q="예산", _shape="array")
    assert short and all("예산" in (r["title"] or "") + (r["snippet"] or "") for r in short)


def test_serve_facets_views_and_canned_queries(datasette, demo_db):
    budgets = _get(datasette + "/budgets.json")
    assert {"year", "kind", "fund_source"} <= set(budgets["facet_results"])
    checks = _get(datasette + "/checks.json")
    assert {str(f["value"]) for f in checks["facet_results"]["ok"]["results"]} == {"0", "1"}
    lines = _get(datasette + "/budget_lines.json", _shape="array", _size="max")
    primary = sqlite3.connect(demo_db).execute(
        "SELECT count(*) FROM budgets JOIN documents USING (doc_id) WHERE is_primary = 1").fetchone()[0]
    assert len(lines) == primary
    spending = _get(datasette + "/spending_by_domain.json", _shape="array")
    assert {"region_name": "강원특별자치도 원주시", "year": 2024, "domain": "건강·의료", "krw": 1_712_000_000} in spending
    failing = _get(datasette + "/failing_checks.json", _shape="array")
    assert failing and all(r["expected"] != r["actual"] for r in failing)


def test_serve_screenshot_of_a_view_with_facets(datasette, tmp_path, request):
    url = datasette + "/domain_spending?_sort_desc=amount_krw"
    html = urllib.request.urlopen(url, timeout=30).read().decode("utf-8")
    assert ("분야별 계획 예산" in html and "facet-region_name" in html.replace(" ", "-")) or "region_name" in html
    shot = chromium_screenshot(url, tmp_path / "datasette.png", tmp_path / "profile", (1280, 1500))
    image = _pixels(shot)
    assert _ink(image) > 20000
    _keep(shot, "datasette.png", request)
