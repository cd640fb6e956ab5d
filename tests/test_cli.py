"""End to end: `planextract run|status|search|query|export` on samples/ and on bad input."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3

import pyarrow.parquet as pq
import pytest
from conftest import GOLDEN, SAMPLES, sample_files, shared_path

from pipeline.cli import main


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("run") / "plans.db"
    assert main(["run", str(SAMPLES), "--db", str(db), "--quiet"]) == 0
    return db


def _q(db, sql, *args):
    return sqlite3.connect(db).execute(sql, args).fetchall()


def test_run_on_samples_loads_every_document(sample_db):
    statuses = dict(_q(sample_db, "SELECT path, status FROM documents"))
    assert set(statuses) == {p.name for p in sample_files()}
    plans = {p.name: json.loads((GOLDEN / f"{p.name}.plan.json").read_text(encoding="utf-8")) for p in sample_files()}
    documents = {p.name: json.loads((GOLDEN / f"{p.name}.document.json").read_text(encoding="utf-8"))
                 for p in sample_files()}
    from extractors.document import NOTE_CODES  # notes say how a file was read: the document stays ok

    for name, status in statuses.items():   # partial exactly when the extractor or normaliser reported problems
        problems = [i for i in plans[name]["issues"] + documents[name].get("issues", []) if i["code"] not in NOTE_CODES]
        assert status == ("partial" if problems else "ok"), name
    assert statuses["broken-text-layer.pdf"] == "partial" and statuses["wonju-2024-implementation-plan.md"] == "ok"
    assert _q(sample_db, "SELECT count(*) FROM budgets")[0][0] == sum(len(p["budgets"]) for p in plans.values())
    codes = {r[0] for r in _q(sample_db, "SELECT code FROM regions")}
    assert {"11", "12", "51", "52", "36110", "11440", "27720"} <= codes
    crosswalk = dict(_q(sample_db, "SELECT code, code_today FROM region_codes WHERE status = '폐지'"))
    assert (crosswalk["29140"], crosswalk["42110"], crosswalk["45140"], crosswalk["47720"]) == (
        "12240", "51110", "52140", "27720")


def test_rerun_adds_nothing(sample_db, capsys):
    before = _q(sample_db, "SELECT count(*) FROM budgets")[0][0], _q(sample_db, "SELECT count(*) FROM documents")[0][0]
    assert main(["run", str(SAMPLES), "--db", str(sample_db), "--quiet"]) == 0
    after = _q(sample_db, "SELECT count(*) FROM budgets")[0][0], _q(sample_db, "SELECT count(*) FROM documents")[0][0]
    assert after == before
    n_docs, n_skipped = _q(sample_db, "SELECT n_docs, n_skipped FROM runs ORDER BY run_id DESC LIMIT 1")[0]
    assert n_docs == n_skipped == len(sample_files())
    assert "unchanged" in capsys.readouterr().out


def test_status_lists_documents_and_failing_checks(sample_db, capsys):
    assert main(["status", "--db", str(sample_db)]) == 0
    out = capsys.readouterr().out
    assert "broken-text-layer.pdf" in out and "check failed" in out and "column_total" in out


@pytest.mark.parametrize("query", ["돌봄", "예산", "통합돌봄", "노인일자리 참여자"])
def test_search_finds_short_and_long_korean_terms(sample_db, capsys, query):
    assert main(["search", query, "--db", str(sample_db)]) == 0
    lines = capsys.readouterr().out.splitlines()       # piped: path, page, section path, snippet
    names = {p.name for p in sample_files()}
    assert lines[0] == "path\tpage\tsection\tsnippet"
    hits = [line.split("\t") for line in lines[1:]]
    assert hits and all(len(h) == 4 and h[0] in names for h in hits)
    assert all(all(w in h[3].replace("[", "").replace("]", "") for w in query.split()) for h in hits)


def test_query_and_export(sample_db, tmp_path, capsys):
    assert main(["query", "SELECT count(*) AS n FROM programs", "--db", str(sample_db)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "n"
    n_budgets = _q(sample_db, "SELECT count(*) FROM budgets")[0][0]
    assert main(["export", str(tmp_path / "csv"), "--db", str(sample_db)]) == 0
    with (tmp_path / "csv" / "budget_lines.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    n_primary = _q(sample_db, "SELECT count(*) FROM budgets JOIN documents USING (doc_id) WHERE is_primary = 1")[0][0]
    assert len(rows) == n_primary and {"amount_krw", "program_code", "region_code"} <= set(rows[0])
    assert main(["export", str(tmp_path / "pq"), "--db", str(sample_db), "--format", "parquet"]) == 0
    assert pq.read_table(tmp_path / "pq" / "budgets.parquet").num_rows == n_budgets


def test_bad_inputs_each_get_a_failed_row_and_the_batch_goes_on(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "undecodable.txt").write_bytes(b"\xc3\x28\xa0\xa1\xff\xff abc")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "fake.pdf").write_bytes(b"not a pdf at all")
    (folder / "fake.hwp").write_bytes(b"not an ole file")
    (folder / "fake.hwpx").write_bytes(b"not a zip (hwpx)")
    (folder / "fake.docx").write_bytes(b"not a zip (docx)")
    os.symlink(folder / "gone.txt", folder / "dangling.txt")
    shutil.copy(SAMPLES / "yangpyeong-2023-plan-summary.txt", folder / "good.txt")
    db = tmp_path / "bad.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    assert "1 files are not documents and were skipped (not failed): table.xlsx" in capsys.readouterr().out
    rows = dict(_q(db, "SELECT path, status || ': ' || coalesce(error, '') FROM files"))
    assert rows.pop("good.txt") == ("partial: table t1 row 11: 2 indicators share one set of targets; "
                                    "left out (▪ 참여자 수(명) ▪ 활동시간(시간))")   # planted in the sample
    expected = {"empty.txt": "empty", "garbage.txt": "binary", "undecodable.txt": "cannot decode",
                "dangling.txt": "cannot read",
                "fake.pdf": "not a PDF (no %PDF- header)", "fake.hwp": "not an OLE compound file",
                "fake.hwpx": "not a zip archive", "fake.docx": "not a readable DOCX"}
    assert set(rows) == set(expected)
    for path, fragment in expected.items():
        assert rows[path].startswith("failed: ") and fragment in rows[path] and len(rows[path]) > 12, rows[path]
    assert _q(db, "SELECT count(*) FROM programs")[0][0] == 7


def test_parallel_run_gives_the_same_database(tmp_path, sample_db):
    db = tmp_path / "par.db"
    assert main(["run", str(SAMPLES), "--db", str(db), "--jobs", "2", "--quiet"]) == 0
    for table in ("documents", "sections", "programs", "budgets", "mentions", "checks"):
        assert _q(db, f"SELECT count(*) FROM {table}") == _q(sample_db, f"SELECT count(*) FROM {table}")


def test_usage_errors(tmp_path):
    assert main(["run", str(tmp_path / "nowhere")]) == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", str(SAMPLES), "--db", str(blocker / "plans.db"), "--quiet"]) == 1
    assert main(["status", "--db", str(tmp_path / "none.db")]) == 1


def test_same_relative_path_under_two_roots_keeps_both(tmp_path):
    for year, sample in (("2023", "yangpyeong-2023-plan-summary.txt"), ("2024", "wonju-2024-implementation-plan.md")):
        (tmp_path / year).mkdir()
        shutil.copy(SAMPLES / sample, tmp_path / year / "plan.txt")
    db = tmp_path / "two.db"
    assert main(["run", str(tmp_path / "2023"), str(tmp_path / "2024"), "--db", str(db), "--quiet"]) == 0
    assert _q(db, "SELECT count(*), count(DISTINCT root) FROM documents WHERE path = 'plan.txt'") == [(2, 2)]


def test_a_distribution_protected_hwp_is_ok_and_says_it_was_protected(tmp_path):
    source = shared_path("corpus", "hwp", "welfare-center-tender-2024.distribution.hwp")
    (tmp_path / "in").mkdir()
    shutil.copy(source, tmp_path / "in" / source.name)
    db = tmp_path / "d.db"
    assert main(["run", str(tmp_path / "in"), "--db", str(db), "--quiet"]) == 0
    assert _q(db, "SELECT status, protection, error FROM documents") == [("ok", "distribution", None)]
    assert _q(db, "SELECT json_extract(issues, '$[0].code') FROM documents") == [("distribution-protected",)]
    assert _q(db, "SELECT count(*) FROM mentions WHERE text = '72,300,000원' AND amount_krw = 72300000")[0][0] >= 1


def test_a_pdf_without_embedded_fonts_is_ok_and_names_them(tmp_path):
    """Fonts a PDF does not embed are drawn with the machine's fonts: a note naming them, the document `ok`;
    a PDF embedding its fonts (LibreOffice's), and one in the 14 standard fonts alone, get no such note."""
    (tmp_path / "in").mkdir()
    for name in ("suncheon-2025-work-plan.pdf", "wonju-2024-implementation-plan.pdf"):
        shutil.copy(SAMPLES / name, tmp_path / "in" / name)
    db = tmp_path / "f.db"
    assert main(["run", str(tmp_path / "in"), "--db", str(db), "--quiet"]) == 0
    rows = dict(_q(db, "SELECT path, status || ' ' || coalesce(issues, '-') FROM documents"))
    status, issues = rows["suncheon-2025-work-plan.pdf"].split(" ", 1)
    assert status == "ok" and json.loads(issues)[0]["code"] == "fonts-not-embedded"
    assert "HYGoThic-Bold, HYGoThic-Medium" in json.loads(issues)[0]["message"]
    assert rows["wonju-2024-implementation-plan.pdf"] == "ok -"


def test_standard_fonts_are_not_counted_as_substituted():
    from extractors.pdf.page import _STANDARD_FONT

    assert all(_STANDARD_FONT.match(n) for n in ("Helvetica", "Helvetica-BoldOblique", "Times-Roman", "Courier-Bold",
                                                  "Symbol", "ZapfDingbats"))
    assert not any(_STANDARD_FONT.match(n) for n in ("HYGoThic-Medium", "NanumGothic", "Times-Roman-KSC", "Arial"))
