"""`planextract run --executor dask`: a LocalCluster of two workers gives the same database as a local run."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES
from test_faults import snapshot

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'planextract[dask]')")


def _run(db, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", str(SAMPLES), "--db", str(db), "--quiet",
                           "--jobs", "2", *extra], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_a_local_cluster_run_equals_a_local_run(tmp_path):
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    assert _run(local).returncode == 0
    done = _run(dask, "--executor", "dask")
    assert done.returncode == 0, done.stderr[-2000:]
    assert snapshot(dask) == snapshot(local)
    assert "unchanged" in _run(dask, "--executor", "dask").stdout   # same ledger: a rerun skips everything


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    done = _run(tmp_path / "x.db", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 1 and "cannot reach the Dask scheduler" in done.stderr and "Traceback" not in done.stderr
