"""Fuzzing each extractor (hypothesis): mutated samples never crash the runner, never run past the budget,
and always end as an ok / partial / failed document with a reason."""
from __future__ import annotations

import io
import zipfile

import pytest
from conftest import SAMPLES
from hostile import SHARED_HWP
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.inputs import discover
from pipeline.job import Task
from pipeline.workers import Limits, Supervisor

SEEDS = {
    ".txt": SAMPLES / "yangpyeong-2023-plan-summary.txt",
    ".md": SAMPLES / "wonju-2024-implementation-plan.md",
    ".html": SAMPLES / "goesan-2023-plan-program-cards.html",
    ".pdf": SAMPLES / "wonju-2024-implementation-plan.pdf",
    ".docx": SAMPLES / "wonju-2024-implementation-plan.docx",
    ".hwpx": SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwpx",
    ".hwp": SHARED_HWP,
}
LIMITS = Limits(timeout=20, max_memory=400 * 1024 ** 2)
XML_MEMBERS = {".docx": "word/document.xml", ".hwpx": "Contents/section0.xml"}

edits = st.lists(st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]),
                           st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6)


def mutate(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    """Apply byte-level edits at relative positions (a repeat doubles a slice: growth without bound checks)."""
    buf = bytearray(data)
    for op, where, extra in ops:
        at = int(where * len(buf))
        if op == "flip" and buf:
            buf[min(at, len(buf) - 1)] ^= extra[0] or 1
        elif op == "insert":
            buf[at:at] = extra
        elif op == "delete":
            del buf[at:at + len(extra) * 16]
        elif op == "truncate":
            del buf[at:]
        elif op == "repeat":
            buf[at:at] = buf[at:at + 256] * (extra[0] % 16 + 1)
    return bytes(buf)


def mutate_member(data: bytes, name: str, ops) -> bytes:
    """The zip package with one XML member's bytes mutated (the zip itself stays valid)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info.filename, mutate(body, ops) if info.filename == name else body)
    return out.getvalue()


@pytest.fixture(scope="module")
def supervisor():
    sup = Supervisor(LIMITS)
    yield sup
    sup.stop()


@pytest.mark.parametrize("suffix", sorted(SEEDS))
def test_mutated_files_end_as_documents_with_reasons(suffix, supervisor, tmp_path_factory):
    seed = SEEDS[suffix]
    if not seed.exists():
        pytest.skip(f"no {suffix} seed file ({seed} missing)")
    original = seed.read_bytes()
    folder = tmp_path_factory.mktemp(f"fuzz{suffix}")

    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(ops=edits, inside=st.booleans())
    def check(ops, inside):
        data = mutate_member(original, XML_MEMBERS[suffix], ops) if inside and suffix in XML_MEMBERS \
            else mutate(original, ops)
        path = folder / f"fuzzed{suffix}"
        path.write_bytes(data)
        result = supervisor.run(Task(discover([path])[0], "f" * 64, "fuzz"))
        assert not result.crashed, result.error
        assert result.status in ("ok", "partial", "failed")
        assert result.status == "ok" or result.error, "a failed or partial document says why"
        assert "timed out" not in (result.error or ""), f"{suffix}: {ops} ran past {LIMITS.timeout} s"

    check()
