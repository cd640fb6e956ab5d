"""Copies of one document are one work, sums count each fact once, every path keeps its row."""
from __future__ import annotations

import io
import re
import shutil
import sqlite3

import pytest
from conftest import ROOT, SAMPLES, sample_files
from rich.console import Console

from pipeline import status as status_module
from pipeline.catalog import queries
from pipeline.cli import main
from pipeline.load import SCHEMA_VERSION, connect

TWINS = {"gwangju-seogu-2024-elderly-basic-plan": 5, "yangpyeong-2023-plan-summary": 3,
         "wonju-2024-implementation-plan": 3, "unruled-investment-plan": 2, "gangnam-2025-sign-language-plan": 2,
         "gangseo-2027-sixth-term-plan": 4, "hongseong-2027-sixth-term-plan-latin": 4, "suncheon-2025-work-plan": 2}


def _q(db, sql, *args):
    return sqlite3.connect(db).execute(sql, args).fetchall()


def test_twins_are_one_work_with_one_primary_copy(demo_db):
    works = {}
    for path, work_id, primary in _q(demo_db, "SELECT path, work_id, is_primary FROM documents"):
        stem = re.sub(r"(\.cp949|\.spaced)?\.\w+$", "", path)
        works.setdefault(stem, []).append((work_id, primary))
    for stem, n in TWINS.items():
        assert len({w for w, _ in works[stem]}) == 1, stem
        assert sorted(p for _, p in works[stem]) == [0] * (n - 1) + [1], stem
    singles = set(works) - set(TWINS)
    assert singles and all(len(works[s]) == 1 and {p for _, p in works[s]} == {1} for s in singles)
    assert _q(demo_db, "SELECT count(*) FROM works WHERE n_copies > 1")[0][0] == len(TWINS)
    # the HWPX copy extracted as well as the others and wins on format
    assert _q(demo_db, "SELECT format FROM documents WHERE is_primary = 1 AND path LIKE 'gwangju%'") == [("hwpx",)]


def test_views_for_sums_show_primary_copies_only(demo_db):
    lines = _q(demo_db, "SELECT count(*), count(DISTINCT budget_id) FROM budget_lines")[0]
    primary = _q(demo_db, "SELECT count(*) FROM budgets b JOIN documents d USING (doc_id) WHERE d.is_primary = 1")[0][0]
    assert lines == (primary, primary)
    wonju = _q(demo_db, "SELECT amount_krw FROM domain_spending WHERE region_code = '51130' AND year = 2024 "
                        "AND domain = '건강·의료'")
    assert wonju == [(1_712_000_000,)]


def _readme_queries() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Example queries", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def _norm(sql: str) -> str:
    return " ".join(sql.split())


def test_readme_queries_are_the_canned_queries():
    canned = {_norm(q["sql"]) for q in queries().values()}
    found = _readme_queries()
    assert len(found) >= 5
    assert all(_norm(q) in canned for q in found), "README example queries must match pipeline/queries.toml"


def test_readme_queries_count_each_fact_once(demo_db, tmp_path):
    """Each README query gives the same rows on the whole demo database as on a database of one
    copy per work: a fact counted twice (a copy's rows added to the primary's) makes it fail."""
    primaries = [r[0] for r in _q(demo_db, "SELECT path FROM documents WHERE is_primary = 1")]
    folder = tmp_path / "one-copy"
    folder.mkdir()
    for path in primaries:
        shutil.copy(SAMPLES / path, folder / path)
    single = tmp_path / "single.db"
    assert main(["run", str(folder), "--db", str(single), "--quiet"]) == 0
    for sql in _readme_queries():
        assert _q(demo_db, sql) == _q(single, sql), sql
        assert _q(demo_db, sql), f"README query gives no rows on the demo database: {sql}"
    spending = {(r[0], r[1], r[2]): r[3] for r in _q(demo_db, _readme_queries()[3])}
    assert spending[("강원특별자치도 원주시", 2024, "건강·의료")] == 1_712_000_000


def test_status_shows_groups_and_fits_80_columns(demo_db, monkeypatch, capsys):
    buffer = io.StringIO()
    monkeypatch.setattr("pipeline.cli._console", lambda **kw: Console(file=buffer, width=80, force_terminal=True,
                                                                    color_system=None, **kw))
    assert main(["status", "--db", str(demo_db)]) == 0
    out = buffer.getvalue()
    assert max(len(line) for line in out.splitlines()) <= 80, max(out.splitlines(), key=len)
    assert "works with several copies" in out and "* gwangju-seogu-2024-elderly-basic-plan.hwpx" in out
    for p in sample_files():
        assert p.name[:20] in out.replace("\n", "").replace("│", "").replace(" ", "") or p.name[:8] in out


def test_status_piped_lists_every_file_with_its_copy_role(demo_db, capsys):
    assert main(["status", "--db", str(demo_db)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t") == list(status_module.COLUMNS)
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:] if not line.startswith(("check", "work\t"))}
    assert set(rows) == {p.name for p in sample_files()}
    assert rows["wonju-2024-implementation-plan.md"][7] == "copy"
    assert sum(1 for line in lines if line.startswith("work\t")) == len(TWINS)


def test_diff_lists_what_differs_between_copies(demo_db, tmp_path, capsys):
    work = _q(demo_db, "SELECT work_id FROM documents WHERE path = 'wonju-2024-implementation-plan.md'")[0][0]
    assert main(["diff", work, "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{work}: primary wonju-2024-implementation-plan.docx") and "same" in out
    # a copy with one amount changed and one program left out: the diff names both
    db = tmp_path / "diff.db"
    shutil.copy(demo_db, db)
    conn = sqlite3.connect(db)
    md = conn.execute("SELECT doc_id FROM documents WHERE path = 'wonju-2024-implementation-plan.md'").fetchone()[0]
    conn.execute("UPDATE budgets SET amount_krw = amount_krw + 1000 WHERE doc_id = ? AND program_id LIKE '%:p1'", (md,))
    conn.execute("DELETE FROM budgets WHERE doc_id = ? AND program_id LIKE '%:p2'", (md,))
    conn.execute("INSERT INTO mentions (mention_id, doc_id, kind, text, value, unit, currency, currency_amount) "
                 "VALUES (?, ?, 'money', '3억 달러', 3, '억USD', 'USD', 300000000)", (f"{md[:12]}:m999", md))
    conn.commit()
    conn.close()
    assert main(["diff", work, "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "3 of" in out and "budget 1-1 2024 planned\tdocx: 912,000,000\tmd: 912,001,000" in out
    assert "budget 1-2 2024 planned\tdocx: 133,000,000\tmd: —" in out
    assert "money 300,000,000 USD times printed\tdocx: —\tmd: 1" in out   # text amounts are compared too


def test_every_path_keeps_its_row_even_with_identical_bytes(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in ("txt", "md", "html", "pdf", "docx", "hwp", "hwpx"):
        (folder / f"empty.{suffix}").write_bytes(b"")
    db = tmp_path / "e.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    assert _q(db, "SELECT count(*) FROM files WHERE status = 'failed'")[0][0] == 7
    assert _q(db, "SELECT count(*) FROM documents")[0][0] == 1
    capsys.readouterr()
    assert main(["status", "--db", str(db)]) == 0
    assert sum(1 for line in capsys.readouterr().out.splitlines() if line.startswith("empty.")) == 7


@pytest.mark.parametrize("copy_name", ["a-copy.hwp", "z-copy.hwp"])
def test_a_failing_copy_never_removes_what_the_good_file_extracted(tmp_path, copy_name):
    folder = tmp_path / "in"
    folder.mkdir()
    good = SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwpx"
    shutil.copy(good, folder / "good.hwpx")
    shutil.copy(good, folder / copy_name)  # same bytes, wrong suffix: the HWP reader fails on it
    db = tmp_path / "c.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    files = dict(_q(db, "SELECT path, status FROM files"))
    assert files == {"good.hwpx": "ok", copy_name: "failed"}
    assert _q(db, "SELECT path, status FROM documents") == [("good.hwpx", "ok")]
    assert _q(db, "SELECT count(*) FROM budgets")[0][0] > 20
    assert main(["run", str(folder), "--db", str(db), "--quiet", "--force"]) == 0
    assert _q(db, "SELECT path, status FROM documents") == [("good.hwpx", "ok")]


def test_a_changed_file_keeps_old_bytes_that_another_path_holds(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "yangpyeong-2023-plan-summary.txt", folder / "a.txt")
    shutil.copy(SAMPLES / "yangpyeong-2023-plan-summary.txt", folder / "b.txt")
    db = tmp_path / "k.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    shutil.copy(SAMPLES / "unruled-investment-plan.txt", folder / "a.txt")
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    assert sorted(_q(db, "SELECT path FROM documents")) == [("a.txt",), ("b.txt",)]
    assert _q(db, "SELECT count(DISTINCT doc_id) FROM files") == [(2,)]


def test_prune_forgets_deleted_files(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("wonju-2024-implementation-plan.md", "wonju-2024-implementation-plan.pdf",
                 "yangpyeong-2023-plan-summary.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    db = tmp_path / "p.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    (folder / "yangpyeong-2023-plan-summary.txt").unlink()
    (folder / "wonju-2024-implementation-plan.md").unlink()
    capsys.readouterr()
    assert main(["prune", "--db", str(db), "--dry-run"]) == 0
    assert "would remove 2 files and 2 documents" in capsys.readouterr().out
    assert _q(db, "SELECT count(*) FROM documents")[0][0] == 3
    assert main(["prune", "--db", str(db)]) == 0
    assert _q(db, "SELECT path, is_primary FROM documents") == [("wonju-2024-implementation-plan.pdf", 1)]
    assert _q(db, "SELECT count(*) FROM budgets WHERE doc_id NOT IN (SELECT doc_id FROM documents)") == [(0,)]
    assert _q(db, "SELECT n_copies FROM works") == [(1,)]


V2_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, root TEXT, format TEXT, status TEXT NOT NULL,
    error TEXT, title TEXT, region_code TEXT, region_name TEXT, period_start INTEGER, period_end INTEGER,
    size_bytes INTEGER, processed_at TEXT, issues TEXT, doc_type TEXT, issued_year INTEGER);
CREATE TABLE sections (section_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, parent_id TEXT, seq INTEGER,
    level INTEGER, number TEXT, title TEXT, kind TEXT, page INTEGER, text TEXT, line INTEGER);
CREATE VIRTUAL TABLE sections_fts USING fts5(section_id UNINDEXED, doc_id UNINDEXED, title, text, tokenize = 'trigram');
CREATE VIEW budget_lines AS SELECT 1 AS old;
"""


def test_a_version_2_database_is_upgraded(tmp_path, capsys):
    path = tmp_path / "v2.db"
    old = sqlite3.connect(path)
    old.executescript(V2_SCHEMA)
    old.execute("INSERT INTO documents (doc_id, path, root, format, status, title) VALUES ('d' || hex(zeroblob(31)), "
                "'plan.txt', '/in', 'txt', 'ok', '계획')")
    old.execute("INSERT INTO sections VALUES ('dd:s1', 'd' || hex(zeroblob(31)), NULL, 1, 1, NULL, '수어ᆞ점자 확산', "
                "NULL, NULL, '예산 지원', NULL)")
    old.execute("INSERT INTO sections_fts VALUES ('dd:s1', 'x', '수어ᆞ점자 확산', '예산 지원')")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    assert main(["search", "수어ㆍ점자", "--db", str(path)]) == 0  # a reader upgrades it first
    assert "plan.txt" in capsys.readouterr().out
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT path, status FROM files").fetchall() == [("plan.txt", "ok")]
    assert conn.execute("SELECT n_copies FROM works").fetchall() == [(1,)]
    assert re.search(r"content=.?sections", conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sections_fts'").fetchone()[0])
    assert "budget_id" in {r[1] for r in conn.execute("PRAGMA table_info(budget_lines)")}


def test_a_copy_added_later_joins_its_work(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "wonju-2024-implementation-plan.md", folder / "plan.md")
    db = tmp_path / "later.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    first = _q(db, "SELECT work_id, n_copies FROM works")
    shutil.copy(SAMPLES / "wonju-2024-implementation-plan.pdf", folder / "plan.pdf")
    shutil.copy(SAMPLES / "casebook-2023-excerpt.txt", folder / "casebook.txt")
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    assert _q(db, "SELECT n_copies, formats FROM works ORDER BY n_copies") == [(1, "txt"), (2, "pdf|md")]
    assert _q(db, "SELECT path FROM documents WHERE is_primary = 1 ORDER BY path") == [("casebook.txt",), ("plan.pdf",)]
    assert first[0][1] == 1


def test_a_new_path_of_known_bytes_gets_its_own_file_row(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "unruled-investment-plan.txt", folder / "a.txt")
    db = tmp_path / "n.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    shutil.copy(folder / "a.txt", folder / "b.txt")
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0  # b.txt: bytes known, not re-processed
    assert _q(db, "SELECT path, status FROM files ORDER BY path") == [("a.txt", "ok"), ("b.txt", "ok")]
    assert _q(db, "SELECT count(*) FROM documents") == [(1,)]
    capsys.readouterr()
    assert main(["show", "b.txt", "--db", str(db)]) == 0
    assert "same bytes at: b.txt" in capsys.readouterr().out


FORM_ROWS = [('항목', '내용', '비고'),
             ('신청인 성명', '빠짐없이 적고 서명합니다', '필수'),
             ('제출 기한', '기한이 지난 신청서는 접수하지 않습니다', '보완 요청 가능'),
             ('활동 보고', '분기마다 정해진 서식으로 보고합니다', '분기별'),
             ('지원금 사용', '승인된 용도로만 쓰고 남은 금액은 반납합니다', '사후 정산')]
"""A form that is only a table: it prints no title, and names no government."""


def test_copies_naming_neither_issuer_nor_title_are_one_work_by_their_text(tmp_path):
    """A form without title or issuer (as text and as markdown) is one work; another text is not its copy."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "form.txt").write_text("".join("\t".join(r) + "\n" for r in FORM_ROWS), encoding="utf-8")
    markdown = ["| " + " | ".join(r) + " |" for r in FORM_ROWS]
    (folder / "form-copy.md").write_text("\n".join(markdown[:1] + ["|---|---|---|"] + markdown[1:]) + "\n",
                                         encoding="utf-8")
    other = [("구분", "내용"), ("참석자", "회의에 나온 사람을 모두 적습니다"), ("안건", "논의한 안건을 차례로 적습니다"),
             ("결정 사항", "정한 것과 후속 조치를 적습니다")]
    (folder / "other.txt").write_text("".join("\t".join(r) + "\n" for r in other), encoding="utf-8")
    db = tmp_path / "forms.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    assert _q(db, "SELECT count(*) FROM documents WHERE title IS NULL AND region_code IS NULL "
                  "AND region_name IS NULL") == [(3,)]
    assert sorted(_q(db, "SELECT n_copies FROM works")) == [(1,), (2,)]
    assert _q(db, "SELECT count(DISTINCT work_id) FROM documents WHERE path LIKE 'form%'") == [(1,)]


def test_the_rnd_proposal_pdf_without_metadata_is_a_copy_of_its_hwpx(tmp_path):
    from conftest import shared_path

    folder = tmp_path / "in"
    folder.mkdir()
    for part in ("hwpx/rnd-item-proposal-bio-2026.hwpx", "pdf/rnd-item-proposal-bio-2026.pdf"):
        shutil.copy(shared_path("corpus", *part.split("/")), folder)
    db = tmp_path / "rnd.db"
    assert main(["run", str(folder), "--db", str(db), "--quiet"]) == 0
    assert _q(db, "SELECT count(*) FROM documents WHERE title IS NULL") == [(1,)]   # the PDF names none
    [(n, title)] = _q(db, "SELECT n_copies, title FROM works")
    assert n == 2 and title.startswith("※ 핵심 목표")   # the work keeps the title a copy prints
