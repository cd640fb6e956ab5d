"""The researcher's workbench without a browser: Python API, XLSX/CSV/Parquet with types and no
formulas, guarded queries, specific errors, search output, provenance, small CLI things."""
from __future__ import annotations

import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

from pipeline.cli import build_parser, main

FORMULA = '=HYPERLINK("http://example.invalid/x","click")'


def _q(db, sql, *args):
    return sqlite3.connect(db).execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def hostile_db(demo_db, tmp_path_factory):
    """The demo database with table cells a spreadsheet would run as formulas."""
    db = tmp_path_factory.mktemp("hostile") / "plans.db"
    shutil.copy(demo_db, db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE table_cells SET text = ? WHERE rowid = (SELECT min(rowid) FROM table_cells)", (FORMULA,))
    conn.execute("UPDATE table_cells SET text = '@SUM(A1)' WHERE rowid = (SELECT min(rowid) + 1 FROM table_cells)")
    conn.commit()
    conn.close()
    return db


# --- Python API ------------------------------------------------------------------------------------

API_SCRIPT = """
import json, sys, planextract
rec = planextract.extract(sys.argv[2])
db = planextract.open(sys.argv[1])
budgets = db.budgets(region="51130", year=2024)
every_copy = db.budgets(region="51130", year=2024, primary_only=False)
every_line = db.budgets(region="51130", year=2024, leaves_only=False)
sixth = {str(k): int(db.budgets(region="강서구", year=2027, **k).amount_krw.sum())
         for k in ({}, {"fund_source": None}, {"leaves_only": False})}
failed = db.checks(failed=True)
print(json.dumps({
    "module": planextract.__file__, "status": rec.status, "region": rec.meta.region_name,
    "n_budgets": len(rec.budgets), "json_budgets": len(json.loads(rec.to_json())["record"]["budgets"]),
    "dtypes": {c: str(budgets[c].dtype) for c in ("year", "amount_krw", "region_code", "period_start")},
    "rows": len(budgets), "all_rows": len(every_copy), "sum": int(budgets.amount_krw.sum()),
    "lines": len(every_line), "line_sum": int(every_line.amount_krw.sum()), "sixth": sixth,
    "failed_ok": sorted(set(failed.ok.tolist())), "n_failed": len(failed),
    "programs": len(db.programs(doc_type="implementation_plan", region="원주")),
    "targets": len(db.indicators(region="41830")), "pandas_on_import": None,
}, ensure_ascii=False))
"""


def test_python_api_from_any_folder(demo_db, tmp_path):
    sample = ROOT / "samples" / "wonju-2024-implementation-plan.md"
    out = subprocess.run([sys.executable, "-c", API_SCRIPT, str(demo_db), str(sample)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["module"].endswith("pipeline/planextract/__init__.py")
    assert (got["status"], got["region"], got["n_budgets"]) == ("ok", "강원특별자치도 원주시", 7)
    assert got["json_budgets"] == 7
    assert got["dtypes"] == {"year": "Int64", "amount_krw": "Int64", "region_code": "string", "period_start": "Int64"}
    # leaves by default: the two strategy subtotals are left out, so the sum is the plan's total
    assert got["rows"] == 5 and got["all_rows"] == 15  # three copies of the 원주 plan, one counted
    assert got["sum"] == 912_000_000 + 133_000_000 + 800_000_000 + 1_560_000_000 + 900_000_000
    assert got["lines"] == 7 and got["line_sum"] == got["sum"] + 1_845_000_000 + 2_460_000_000
    # 6th-term cards: the leaves are the fund-source shares; fund_source=None gives each program's
    # whole amount instead; both sum to the plan's printed 2027 total, every line to more
    assert got["sixth"]["{}"] == got["sixth"]["{'fund_source': None}"] == 2_730_000_000
    assert got["sixth"]["{'leaves_only': False}"] > 2_730_000_000
    assert got["failed_ok"] == [0] and got["n_failed"] >= 1
    assert got["programs"] == 6 and got["targets"] > 10


def test_import_planextract_is_light():
    out = subprocess.run([sys.executable, "-c", "import sys, planextract; "
                          "print(sorted(m for m in ('pandas', 'spacy', 'numpy') if m in sys.modules))"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_extract_of_a_bad_file_is_a_failed_record(tmp_path):
    import planextract

    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"not a pdf")
    rec = planextract.extract(bad)
    assert rec.status == "failed" and rec.error and rec.budgets == () and rec.meta is None
    assert json.loads(rec.to_json())["record"] is None
    with pytest.raises(FileNotFoundError):
        planextract.extract(tmp_path / "missing.txt")


# --- exports ---------------------------------------------------------------------------------------

def test_xlsx_says_what_excel_cannot_hold(demo_db, tmp_path, monkeypatch, capsys):
    """Rows past Excel's limit and texts past its cell limit are never dropped silently."""
    from openpyxl import load_workbook

    import pipeline.xlsx

    monkeypatch.setattr(pipeline.xlsx, "XLSX_MAX_ROWS", 3)     # Excel's 1,048,574 data rows, made small
    monkeypatch.setattr(pipeline.xlsx, "CELL_LIMIT", 20)
    out = tmp_path / "small.xlsx"
    assert main(["export", str(out), "--db", str(demo_db)]) == 0
    err = capsys.readouterr().err
    n_cells = _q(demo_db, "SELECT count(*) FROM table_cells")[0][0]
    assert f"table_cells: only the first 3 of {n_cells:,} rows (Excel's limit)" in err
    assert "texts cut at 20 characters" in err and "export CSV or Parquet" in err
    notes = {r[0]: r[1] for r in load_workbook(out)["README"].iter_rows(min_row=2, values_only=True)}
    assert "NOT COMPLETE" in notes["table_cells"] and "program_classes" in notes


def test_xlsx_export_reopens_with_types_headers_and_no_formulas(hostile_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "plans.xlsx"
    assert main(["export", str(out), "--db", str(hostile_db)]) == 0
    book = load_workbook(out)
    assert {"README", "documents", "budgets", "budget_lines", "works", "files"} <= set(book.sheetnames)
    sheet = book["budgets"]
    header = [c.value for c in sheet[1]]
    names = [c.value for c in sheet[2]]
    assert header[names.index("amount_krw")] == "금액(원)" and header[names.index("year")] == "연도"
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref.startswith("A2:")
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == _q(hostile_db, "SELECT count(*) FROM budgets")[0][0]
    years = {r[names.index("year")] for r in rows}
    amounts = [r[names.index("amount_krw")] for r in rows if r[names.index("amount_krw")] is not None]
    assert all(isinstance(y, int) for y in years - {None}) and all(isinstance(a, int) for a in amounts)
    docs = book["documents"]
    dnames = [c.value for c in docs[2]]
    codes = [r[dnames.index("region_code")] for r in docs.iter_rows(min_row=3, values_only=True)]
    assert "51130" in codes and all(c is None or isinstance(c, str) for c in codes)
    assert docs.column_dimensions["G"].width >= 20  # title: Korean text counts double
    cells = book["table_cells"]
    texts = {c.value: c for row in cells.iter_rows(min_row=3) for c in row if isinstance(c.value, str)}
    assert texts[FORMULA].data_type == "s" and texts[FORMULA].quotePrefix
    assert texts["@SUM(A1)"].data_type == "s"
    assert main(["export", str(out), "--db", str(hostile_db)]) == 2  # exists: refused without --force
    assert main(["export", str(out), "--db", str(hostile_db), "--force"]) == 0


def test_csv_keeps_integers_and_codes_and_defuses_formulas(hostile_db, tmp_path):
    assert main(["export", str(tmp_path), "--db", str(hostile_db)]) == 0
    with (tmp_path / "budgets.csv").open(encoding="utf-8-sig") as fh:
        budgets = list(csv.DictReader(fh))
    assert all(r["year"] == "" or r["year"].isdigit() for r in budgets)
    assert any(r["year"] == "" for r in budgets) and all(".0" not in r["amount_krw"] for r in budgets)
    assert all(r["amount_krw"] == "" or r["amount_krw"].lstrip("-").isdigit() for r in budgets)
    with (tmp_path / "documents.csv").open(encoding="utf-8-sig") as fh:
        codes = {r["region_code"] for r in csv.DictReader(fh)}
    assert "51130" in codes and "43760" in codes
    text = (tmp_path / "table_cells.csv").read_text(encoding="utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text and "\n" + FORMULA not in text and ",'@SUM(A1)" in text
    with (tmp_path / "table_cells.csv").open(encoding="utf-8-sig") as fh:
        cells = {r["text"] for r in csv.DictReader(fh)}
    assert "-" in cells and "'-" not in cells  # the printed '-' (no budget) is not a formula: kept as printed


def test_parquet_keeps_nullable_integers_and_text_codes(demo_db, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    assert main(["export", str(tmp_path), "--db", str(demo_db), "--format", "parquet"]) == 0
    budgets = pq.read_table(tmp_path / "budgets.parquet")
    assert budgets.schema.field("year").type == pa.int64() and budgets.schema.field("amount_krw").type == pa.int64()
    assert budgets.column("year").null_count > 0
    assert pq.read_table(tmp_path / "documents.parquet").schema.field("region_code").type == pa.string()
    assert pq.read_table(tmp_path / "regions.parquet").schema.field("code").type == pa.string()
    lines = pq.read_table(tmp_path / "budget_lines.parquet")
    assert lines.schema.field("year").type == pa.int64() and lines.num_rows == _q(demo_db, "SELECT count(*) FROM budget_lines")[0][0]


def test_export_to_an_existing_file_is_a_specific_error(demo_db, tmp_path, capsys):
    target = tmp_path / "taken.csv"
    target.write_text("x")
    assert main(["export", str(target), "--db", str(demo_db)]) == 2
    assert "is an existing file" in capsys.readouterr().err
    assert main(["export", str(tmp_path), "--db", str(demo_db), "--format", "xlsx"]) == 2
    assert "is a folder" in capsys.readouterr().err


# --- query and readers -----------------------------------------------------------------------------

@pytest.mark.parametrize("sql,fragment", [
    ("VACUUM INTO '{tmp}/copy.db'", "only reading"),
    ("ATTACH DATABASE '{tmp}/new.db' AS x", "only reading"),
    ("WITH x AS (SELECT 1) SELECT * FROM x; ATTACH '{tmp}/a.db' AS a", ""),
    ("DELETE FROM budgets", "only reading"),
    ("SELECT * FROM pragma_table_info('budgets') WHERE 0; PRAGMA user_version = 7", ""),
])
def test_query_refuses_writes_attach_and_vacuum(demo_db, tmp_path, capsys, sql, fragment):
    before = _q(demo_db, "SELECT count(*) FROM budgets")
    assert main(["query", sql.format(tmp=tmp_path), "--db", str(demo_db)]) == 2
    assert fragment in capsys.readouterr().err
    assert not list(tmp_path.glob("*.db")) and _q(demo_db, "SELECT count(*) FROM budgets") == before


def test_query_stops_a_runaway_recursive_cte(demo_db, capsys):
    start = time.monotonic()
    sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    assert main(["query", sql, "--db", str(demo_db), "--timeout", "0.5"]) == 2
    assert "time limit" in capsys.readouterr().err and time.monotonic() - start < 10


def test_query_reads_and_pragmas_still_work(demo_db, capsys):
    assert main(["query", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) "
                          "SELECT sum(i) AS s FROM n", "--db", str(demo_db)]) == 0
    assert capsys.readouterr().out.splitlines() == ["s", "15"]
    assert main(["query", "PRAGMA table_info(budgets)", "--db", str(demo_db)]) == 0
    assert "amount_krw" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["status", "search", "query", "export", "show", "report", "diff"])
def test_readers_on_a_non_database_give_a_specific_error(tmp_path, capsys, command):
    fake = tmp_path / "notes.db"
    fake.write_text("이 파일은 데이터베이스가 아닙니다\n", encoding="utf-8")
    args = {"search": ["예산"], "query": ["SELECT 1"], "export": [str(tmp_path / "out")], "show": ["x"],
            "report": [str(tmp_path / "r.html")]}.get(command, [])
    assert main([command, *args, "--db", str(fake)]) == 1
    assert "is not a SQLite database" in capsys.readouterr().err
    empty = sqlite3.connect(tmp_path / "other.db")
    empty.execute("CREATE TABLE t (x)")
    empty.commit()
    assert main([command, *args, "--db", str(tmp_path / "other.db")]) == 1
    assert "not a planextract one" in capsys.readouterr().err


def test_readers_wait_for_a_busy_writer(demo_db, tmp_path, capsys):
    db = tmp_path / "busy.db"
    shutil.copy(demo_db, db)
    writer = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN EXCLUSIVE")
    writer.execute("UPDATE runs SET n_docs = n_docs")
    release = threading.Timer(1.5, lambda: writer.execute("COMMIT"))
    release.start()
    try:
        assert main(["status", "--db", str(db)]) == 0
        assert main(["query", "SELECT count(*) FROM documents", "--db", str(db)]) == 0
    finally:
        release.join()
        writer.close()
    assert "documents" not in capsys.readouterr().err


# --- search ----------------------------------------------------------------------------------------

def test_search_piped_prints_tsv_with_page_and_section_path(demo_db, capsys):
    assert main(["search", "통합돌봄", "--db", str(demo_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "path\tpage\tsection\tsnippet"
    rows = [line.split("\t") for line in lines[1:]]
    assert rows and all(len(r) == 4 for r in rows)
    assert any(r[1].isdigit() for r in rows) and any("›" in r[2] for r in rows)
    assert all("[통합돌봄]" in r[3] for r in rows)


@pytest.mark.parametrize("query", ["수어ㆍ점자", "수어ᆞ점자", "수어·점자", "금융지원", "금 융 지 원"])
def test_search_finds_both_twins_however_hangul_printed_them(demo_db, capsys, query):
    assert main(["search", query, "--db", str(demo_db)]) == 0
    paths = {line.split("\t")[0] for line in capsys.readouterr().out.splitlines()[1:]}
    assert {"gangnam-2025-sign-language-plan.txt", "gangnam-2025-sign-language-plan.html"} <= paths


def test_printed_text_stays_as_printed(demo_db):
    printed = _q(demo_db, "SELECT s.text, s.search_text FROM sections s JOIN documents d USING (doc_id) "
                          "WHERE d.path = 'gangnam-2025-sign-language-plan.txt' AND s.text LIKE '%수어%점자%'")
    assert printed and "수어ᆞ점자" in printed[0][0] and "수어·점자" in printed[0][1]
    assert _q(demo_db, "SELECT count(*) FROM sections WHERE search_text IS NULL")[0][0] > 0.8 * \
        _q(demo_db, "SELECT count(*) FROM sections")[0][0]  # the text is stored once where search sees it as printed


# --- provenance ------------------------------------------------------------------------------------

def test_show_prints_outline_tables_and_facts(demo_db, capsys):
    assert main(["show", "wonju-2024-implementation-plan.pdf", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "Ⅱ 2024년 추진전략 및 세부사업  p.1" in out and "Tables:" in out and "1-1        방문형 통합건강관리" in out
    assert "copy: wonju-2024-implementation-plan.docx (docx) primary" in out
    doc_id = _q(demo_db, "SELECT doc_id FROM documents WHERE path = 'wonju-2024-implementation-plan.pdf'")[0][0]
    assert main(["show", doc_id[:10], "--db", str(demo_db), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["document"]["doc_id"] == doc_id and data["facts"]["budgets"] == 7 and data["outline"][0]["page"] == 1
    assert main(["show", "nothing-like-this", "--db", str(demo_db)]) == 2


def test_explain_budget_gives_table_cell_and_row(demo_db, capsys):
    bid = _q(demo_db, "SELECT b.budget_id FROM budgets b JOIN documents d USING (doc_id) JOIN programs p "
                      "USING (program_id) WHERE d.path = 'wonju-2024-implementation-plan.pdf' AND p.code = '1-2'")[0][0]
    assert main(["explain", "budget", bid, "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "133,000,000 won = printed '133,000' 천원" in out and "wonju-2024-implementation-plan.pdf (pdf), page 1" in out
    assert "'133,000'" in out and "row:    1-2 | 농촌 순회 진료" in out and "column header: 예산(천원)" in out
    assert main(["explain", "budget", bid, "--db", str(demo_db), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["cell"]["text"] == "133,000" and info["where"]["page"] == 1


def test_explain_names_the_year_label_of_a_card_amount(demo_db, capsys):
    """A 6th-term card's header rows say only '구 분 | 주요 내용': the label above the amount says its year."""
    bid = _q(demo_db, "SELECT b.budget_id FROM budgets b JOIN documents d USING (doc_id) WHERE d.path = "
                      "'gangseo-2027-sixth-term-plan.docx' AND b.fund_source = '시도비' AND b.year = 2028 "
                      "ORDER BY b.row LIMIT 1")[0][0]
    assert main(["explain", "budget", bid, "--db", str(demo_db)]) == 0
    assert "column label: 2028년" in capsys.readouterr().out


def test_explain_indicator_and_mention(demo_db, capsys):
    iid = _q(demo_db, "SELECT indicator_id FROM indicators i JOIN documents d USING (doc_id) "
                      "WHERE d.path = 'yangpyeong-2023-plan-summary.txt' LIMIT 1")[0][0]
    assert main(["explain", "indicator", iid, "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert "yangpyeong-2023-plan-summary.txt (txt), section" in out and "row:" in out
    mid = _q(demo_db, "SELECT mention_id FROM mentions m JOIN documents d USING (doc_id) "
                      "WHERE d.path = 'casebook-2023-excerpt.txt' AND m.text = '1,480백만원'")[0][0]
    assert main(["explain", "mention", mid, "--db", str(demo_db)]) == 0
    assert "[1,480백만원](국비 740" in capsys.readouterr().out
    assert main(["explain", "mention", "nope:m1", "--db", str(demo_db)]) == 2


# --- small things ----------------------------------------------------------------------------------

def test_version_and_db_help_on_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("planextract 0.")
    commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(commands) >= {"run", "status", "search", "query", "export", "serve", "show", "explain", "report",
                             "diff", "prune"}
    for name, parser in commands.items():
        assert "default output/plans.db" in " ".join(parser.format_help().split()), name


def test_report_of_a_region_not_loaded_is_an_error(demo_db, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(out), "--db", str(demo_db), "--region", "없는곳"]) == 2
    assert "no government in the database matches --region '없는곳'" in capsys.readouterr().err
    assert not out.exists()
