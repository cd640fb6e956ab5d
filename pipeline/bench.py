"""Speed and memory of the pipeline beside the floors, in one run, as ratios.

    python -m pipeline.bench [PATH ...] [--rounds 3] [--batch 1000] [--synthetic PAGES] [--skip-batch]

PATHs are files or folders (default: samples/ and, when present,
../shared/corpus). Each file is measured in a fresh Python process: first our
pipeline end to end (extract + normalise; its peak RSS is recorded before
anything else runs), then our pipeline and the floors in alternating order
for `--rounds` rounds (best round kept), all after imports. Floors: PDF
against pypdfium2 text alone and pdfplumber (text + table finding); HWPX
against a raw lxml parse of its XML members and python-hwpx when installed;
text against reading and decoding the file. It prints per format the time
of ours and of each floor and the ratio ours / floor.

Then the batch runner on `--batch` documents (copies of the samples made
distinct by a trailing line): start-up (a one-file run into a new
database), `--jobs 1` and `--jobs 2` on the batch (scaling; alternating
rounds, best of each, since other load on the machine hits both), an
unchanged rerun, the runner's RSS against documents processed (slope per 1,000) and
database bytes per document. `--synthetic N` also measures an N-page PDF
built from the PDF samples.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = (ROOT / "samples", ROOT.parent / "shared" / "corpus")
PLANEXTRACT = [sys.executable, "-m", "pipeline"]


@dataclass
class FileRun:
    """One file's measurement (from its own process): seconds per tool, best of the rounds."""

    path: str
    format: str
    pages: int | None = None
    kb: float = 0.0
    chars: int = 0
    peak_rss_mb: float = 0.0
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None


# --- floors: the least work that reads the same content -------------------------------------------

def floor_pypdfium2(path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    for page in pdf:
        page.get_textpage().get_text_range()
    pdf.close()


def floor_pdfplumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.find_tables()


def floor_lxml(path: Path) -> None:
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml") and name.startswith("Contents/"):
                etree.fromstring(z.read(name), parser)


def floor_python_hwpx(path: Path) -> None:
    """python-hwpx opening the document and reading what ours reads: its text and every table's grid."""
    from hwpx import HwpxDocument

    doc = HwpxDocument.open(path)
    try:
        doc.text.plain()
        for table in doc.tables:
            table.get_cell_map()
    finally:
        doc.close()


def floor_read(path: Path) -> None:
    from extractors.text.reader import bytes_to_text

    bytes_to_text(path.read_bytes())


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


FLOORS = {
    "pdf": {"pypdfium2 text": floor_pypdfium2, "pdfplumber": floor_pdfplumber},
    "hwpx": {"lxml parse": floor_lxml, **({"python-hwpx": floor_python_hwpx} if _has("hwpx") else {})},
    "txt": {"read+decode": floor_read},
    "md": {"read+decode": floor_read},
}


def measure_one(path: Path, rounds: int) -> FileRun:
    """Measure `path` in this process (used inside the child process)."""
    import resource

    from extractors import extract, extractor_for, format_of
    from normalizers.plan import normalise
    from pipeline.job import warm_up

    run = FileRun(str(path), format_of(path) or path.suffix.lower().lstrip("."), kb=path.stat().st_size / 1024)
    try:
        extractor_for(path)
        warm_up()
        ours = _timed(lambda: normalise(extract(path)))
        run.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        doc = extract(path)
    except Exception as exc:  # a benchmark reports every failure instead of stopping at the first
        run.error = f"{type(exc).__name__}: {exc}"
        return run
    run.pages, run.chars = doc.pages, _doc_chars(doc)
    tools: dict[str, Callable[[], object]] = {"ours": lambda: normalise(extract(path)), "extract": lambda: extract(path)}
    tools.update({name: functools.partial(f, path) for name, f in FLOORS.get(run.format, {}).items()})
    best = {"ours": ours}
    for _ in range(rounds):
        for name, tool in tools.items():
            try:
                best[name] = min(best.get(name, float("inf")), _timed(tool))
            except Exception as exc:   # a floor that cannot read the file is reported, not fatal
                best[name] = float("nan")
                run.error = run.error or f"{name}: {type(exc).__name__}: {exc}"
    run.seconds = best
    return run


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _doc_chars(doc) -> int:
    from extractors.document import Heading, Table

    return sum(len(c.text) for b in doc.blocks if isinstance(b, Table) for c in b.cells) + \
        sum(len(b.title if isinstance(b, Heading) else b.text) for b in doc.blocks if not isinstance(b, Table))


def measure_in_child(path: Path, rounds: int) -> FileRun:
    done = subprocess.run([sys.executable, "-m", "pipeline.bench", "--one", str(path), "--rounds", str(rounds)],
                          cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        return FileRun(str(path), path.suffix.lower().lstrip("."), error=(done.stderr.strip().splitlines()
                                                                          or ["child failed"])[-1])
    return FileRun(**json.loads(done.stdout))


def input_files(paths: list[Path]) -> list[Path]:
    """The documents `planextract run` would read under `paths`, with an extractor (oracle dumps skipped)."""
    from extractors import FORMATS
    from pipeline.inputs import discover

    return [f.path for f in discover(paths)
            if not f.problem and f.path.suffix.lower() in FORMATS and "oracle" not in f.path.parts]


def format_table(runs: list[FileRun]) -> list[str]:
    """Per format: files, pages, ours (s), each floor (s) and ours / floor (end to end, and our extraction
    alone); peak RSS of ours."""
    lines = [f"{'format':6} {'files':>5} {'pages':>6} {'KB':>7} {'ours s':>8} {'s/page':>7} {'RSS MB':>7}  floors"]
    for fmt in sorted({r.format for r in runs}):
        ok = [r for r in runs if r.format == fmt and r.seconds.get("ours")]
        if not ok:
            lines.append(f"{fmt:6} no file measured")
            continue
        ours = sum(r.seconds["ours"] for r in ok)
        pages = sum(r.pages or 0 for r in ok)
        per_page = f"{ours / pages:7.3f}" if pages else f"{'-':>7}"
        floors = []
        for name in FLOORS.get(fmt, {}):   # over the files the floor could read, ours on the same files
            both = [r for r in ok if r.seconds.get(name, float("nan")) == r.seconds.get(name)]
            total = sum(r.seconds[name] for r in both)
            mine = sum(r.seconds["ours"] for r in both)
            extracting = sum(r.seconds.get("extract", 0.0) for r in both)
            if total:   # end to end, and our extraction alone against a floor that only extracts
                floors.append(f"{name} {total:.3f} s (ours {mine / total:.1f}×, extraction alone "
                              f"{extracting / total:.1f}×)")
        lines.append(f"{fmt:6} {len(ok):5d} {pages or '-':>6} {sum(r.kb for r in ok):7.0f} {ours:8.3f} {per_page} "
                     f"{max(r.peak_rss_mb for r in ok):7.0f}  {'; '.join(floors)}")
    lines += [f"  note: {Path(r.path).name}: {r.error}" for r in runs if r.error]
    return lines


# --- the batch runner -----------------------------------------------------------------------------

def make_batch(folder: Path, n: int) -> Path:
    """`n` documents: the samples copied round-robin, each made distinct by a trailing line."""
    sources = input_files([ROOT / "samples"])
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = sources[i % len(sources)]
        data = src.read_bytes()
        tail = {".txt": f"\n(사본 {i})\n", ".md": f"\n(사본 {i})\n", ".html": f"\n<!-- {i} -->\n"}.get(
            src.suffix.lower(), f"\n% {i}\n")
        encoding = "cp949" if "cp949" in src.name else "utf-8"
        (folder / f"{i:05d}-{src.name}").write_bytes(data + tail.encode(encoding))
    return folder


def timed_run(args: list[str]) -> float:
    return cpu_timed_run(args)[0]


def cpu_timed_run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `planextract run`: the CPU of the runner and of its workers,
    which it waits for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*PLANEXTRACT, "run", *args, "--quiet"], cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


RSS_DRIVER = """
import json, sys
from pathlib import Path
from pipeline.run import run
samples = []
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2 ** 20
run([Path(sys.argv[1])], Path(sys.argv[2]), jobs=1, on_done=lambda d: samples.append(rss()))
print(json.dumps(samples))
"""


def rss_slope(batch: Path, db: Path) -> tuple[float, float]:
    """(MB per 1,000 documents over the second half of the batch, peak MB) of the runner process."""
    out = subprocess.run([sys.executable, "-c", RSS_DRIVER, str(batch), str(db)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    samples = json.loads(out.strip().splitlines()[-1])
    half = samples[len(samples) // 2:]
    xs = list(range(len(half)))
    slope = statistics.linear_regression(xs, half).slope if len(half) > 1 else 0.0
    return slope * 1000, max(samples)


def batch_report(n: int, rounds: int = 2) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        batch = make_batch(base / "batch", n)
        one = make_batch(base / "one", 1)
        startup = min(timed_run([str(one), "--db", str(base / f"one{i}.db")]) for i in range(3))
        times: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        for i in range(rounds):   # alternating, best of each: other load on the machine hits both alike
            for jobs in (1, 2):
                times[jobs].append(cpu_timed_run([str(batch), "--db", str(base / f"j{jobs}-{i}.db"),
                                                  "--jobs", str(jobs)]))
        (jobs1, cpu1), (jobs2, cpu2) = min(times[1]), min(times[2])
        rerun = min(timed_run([str(batch), "--db", str(base / "j2-0.db")]) for _ in range(3))
        slope, peak = rss_slope(batch, base / "rss.db")
        size = (base / "j1-0.db").stat().st_size
        shutil.rmtree(batch)
    return [f"start-up (one-file run, new database): {startup:.2f} s (target < 0.7 s)",
            f"{n} documents: --jobs 1 {jobs1:.1f} s, --jobs 2 {jobs2:.1f} s: {jobs1 / jobs2:.2f}× (target ≥ 1.8×; "
            f"best of {rounds} alternating rounds)",
            f"  CPU: --jobs 1 {cpu1:.1f} s ({cpu1 / jobs1:.2f} cores busy), --jobs 2 {cpu2:.1f} s "
            f"({cpu2 / jobs2:.2f} cores busy; {1000 * (cpu2 - cpu1) / n:+.1f} ms per document)",
            f"unchanged rerun of {n} files: {rerun:.2f} s (target < 1 s)",
            f"runner RSS: slope {slope:+.1f} MB per 1,000 documents, peak {peak:.0f} MB (workers are separate)",
            f"database: {size / n / 1024:.0f} KB per document"]


def synthetic_pdf(pages: int, folder: Path) -> Path:
    """An N-page PDF made by repeating the PDF samples' pages."""
    import pypdfium2 as pdfium

    sources = [s for s in sorted((ROOT / "samples").glob("*.pdf")) if "broken" not in s.name]
    target = pdfium.PdfDocument.new()
    while len(target) < pages:
        for source in sources:
            src = pdfium.PdfDocument(source)
            take = min(len(src), pages - len(target))
            target.import_pages(src, list(range(take)))
            src.close()
            if len(target) >= pages:
                break
    path = folder / f"synthetic-{pages}p.pdf"
    target.save(path)
    target.close()
    return path


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else "?"
    load = f" · load average {os.getloadavg()[0]:.1f} at start" if hasattr(os, "getloadavg") else ""
    return f"{date.today()} · {os.cpu_count()} cores · {cpu} · Python {platform.python_version()}{load}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Speed and memory of the pipeline beside the floors.")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: samples/, ../shared/corpus)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per file (best kept)")
    parser.add_argument("--batch", type=int, default=1000, help="documents in the runner batch")
    parser.add_argument("--skip-batch", action="store_true", help="only the per-format table")
    parser.add_argument("--synthetic", type=int, metavar="PAGES", help="also measure an N-page PDF built from samples")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(asdict(measure_one(args.one, args.rounds))))
        return 0
    print(machine())
    paths = args.paths or [p for p in DEFAULT_PATHS if p.exists()]
    runs = [measure_in_child(path, args.rounds) for path in input_files(paths)]
    print("\n".join(format_table(runs)))
    if args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            big = measure_in_child(synthetic_pdf(args.synthetic, Path(tmp)), 1)
        print(f"synthetic PDF: {big.pages} pages in {big.seconds.get('ours', 0):.2f} s, "
              f"pypdfium2 text {big.seconds.get('pypdfium2 text', 0):.2f} s, peak RSS {big.peak_rss_mb:.0f} MB")
    if not args.skip_batch:
        print("\n".join(batch_report(args.batch)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
