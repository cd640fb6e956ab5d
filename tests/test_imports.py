"""Commands that only read start fast: status, search, query, export, serve and --help import
neither spaCy nor pandas (nor sqlite-utils, which pulls pandas in; numpy is allowed: pyarrow needs it). Each runs in a fresh interpreter."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "pandas", "thinc", "sqlite_utils")  # numpy is fine: pyarrow needs it
PROBE = """
import json, sys
args = json.loads(sys.argv[1])
if args and args[0] == "serve":
    import uvicorn
    uvicorn.Server.run = lambda self, *a, **k: None   # build the Datasette app, do not listen
from pipeline.cli import main
try:
    code = main(args)
except SystemExit as exc:
    code = exc.code
print("\\nMODULES" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("args", [
    ["--help"], ["status"], ["status", "--long"], ["search", "통합돌봄"], ["search", "예산"],
    ["query", "SELECT count(*) FROM budgets"], ["export", "{tmp}/csv"], ["export", "{tmp}/pq", "--format", "parquet"],
    ["export", "{tmp}/plans.xlsx"], ["serve", "--port", "8799"], ["show", "wonju-2024-implementation-plan.md"],
    ["diff"], ["report", "{tmp}/r.html"],
], ids=lambda a: " ".join(a))
def test_reading_commands_import_neither_spacy_nor_pandas(demo_db, tmp_path, args):
    argv = [a.format(tmp=tmp_path) for a in args] + ([] if args == ["--help"] else ["--db", str(demo_db)])
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv)], capture_output=True, text=True, timeout=120)
    report = json.loads(out.stdout.rsplit("\nMODULES", 1)[1])
    assert report["code"] in (0, None), out.stderr
    loaded = {m.split(".")[0] for m in report["modules"]}
    assert not loaded & set(HEAVY), f"{' '.join(args)} imported {sorted(loaded & set(HEAVY))}"
    if args[0] == "serve":
        assert "datasette" in loaded  # the probe really built the app


START_PROBE = """
import json, sys
from pathlib import Path
import pipeline.executors as executors
before = sorted(sys.modules)
early = executors.prestarted("local", Path(sys.argv[1]), 1, executors.Limits())
pids = [s.proc.pid for s in early.supervisors]
early.close()
print(json.dumps({"before": before, "started": pids}))
"""


def test_a_new_databases_workers_start_before_the_run_loads_the_pipeline(tmp_path):
    """`run` into a new database starts its workers from modules that load no extractor, normaliser or writer,
    so the children import while the run loads the rest (the one-file start-up target)."""
    out = subprocess.run([sys.executable, "-c", START_PROBE, str(tmp_path / "new.db")], capture_output=True,
                         text=True, timeout=120)
    report = json.loads(out.stdout)
    assert report["started"], out.stderr
    loaded = {m for m in report["before"] if m.split(".")[0] in ("extractors", "normalizers", "rich")}
    loaded |= {m for m in report["before"] if m in ("pipeline.job", "pipeline.load", "pipeline.run")}
    assert not loaded, f"the workers' module loads {sorted(loaded)}"


def test_version_is_printed_on_stdout():
    out = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("planextract ") and not out.stderr
