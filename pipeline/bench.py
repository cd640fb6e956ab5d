"""Extraction speed and peak memory per format.

    python -m pipeline.bench [PATH ...] [--synthetic PAGES]

PATHs are files or folders (default: samples/ and, when present,
../shared/corpus). Every file is extracted through `extractors.extract` in a
fresh Python process, so peak RSS (`ru_maxrss`) is that file's own and the
timing excludes interpreter start-up and imports. Per format it prints files,
pages (KB for formats without pages), seconds, pages/s, chars/s and the
largest peak RSS. `--synthetic N` also builds an N-page PDF by repeating the
PDF samples (pypdfium2 page import) and measures it the same way: the
memory target is < 400 MB on 300 pages.

The text layer is measured too, in one fresh process: the time to load the
Korean spaCy pipeline (import to first document), then characters per second
of `document_to_text_facts` (mentions, executions, regions) and of the whole
`normalise` over the text exports given (and ../shared/seeds by default);
targets: < 2 s, >= 200,000 chars/s for the text facts.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATHS = (ROOT / "samples", ROOT.parent / "shared" / "corpus")


@dataclass(frozen=True)
class Run:
    """One file's measurement (from its own process)."""

    path: str
    format: str
    pages: int | None
    kb: float
    seconds: float
    chars: int
    peak_rss_mb: float
    error: str | None = None


def measure_one(path: Path) -> Run:
    """Extract `path` in this process and measure it (used inside the child process)."""
    import resource
    import time

    from extractors import extract, extractor_for, format_of

    fmt = format_of(path) or path.suffix.lower().lstrip(".")
    kb = path.stat().st_size / 1024
    try:
        extractor_for(path)                     # import the format's module before the clock starts
        start = time.perf_counter()
        doc = extract(path)
        seconds = time.perf_counter() - start
    except Exception as exc:  # a benchmark reports every failure instead of stopping at the first
        return Run(str(path), fmt, None, kb, 0.0, 0, _peak_rss_mb(resource), f"{type(exc).__name__}: {exc}")
    chars = _doc_chars(doc)
    return Run(str(path), doc.format, doc.pages, kb, seconds, chars, _peak_rss_mb(resource))


def _peak_rss_mb(resource) -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_in_child(path: Path) -> Run:
    """`measure_one` in a fresh interpreter, so memory and imports of other files do not count."""
    done = subprocess.run([sys.executable, "-m", "pipeline.bench", "--one", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        return Run(str(path), path.suffix.lower().lstrip("."), None, path.stat().st_size / 1024, 0.0, 0, 0.0,
                   (done.stderr.strip().splitlines() or ["child failed"])[-1])
    return Run(**json.loads(done.stdout))


def input_files(paths: list[Path]) -> list[Path]:
    """The documents `planextract run` would read under `paths`, with an extractor (oracle dumps skipped)."""
    from extractors import FORMATS
    from pipeline.run import discover

    return [f.path for f in discover(paths)
            if f.path.suffix.lower() in FORMATS and "oracle" not in f.path.parts]


def synthetic_pdf(pages: int, folder: Path) -> Path:
    """An N-page PDF made by repeating the PDF samples' pages."""
    import pypdfium2 as pdfium

    sources = sorted((ROOT / "samples").glob("*.pdf"))
    sources = [s for s in sources if "broken" not in s.name]
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


def measure_text_layer(paths: list[Path]) -> dict:
    """Load time of the spaCy pipeline and chars/s of the text layer (run inside the child process)."""
    import time

    start = time.perf_counter()
    from normalizers.textfacts.nlp import get_nlp
    get_nlp()("예산 998백만원, 참여율 95%")
    load = time.perf_counter() - start
    from extractors import extract
    from normalizers.meta import document_to_meta
    from normalizers.plan import normalise
    from normalizers.sections import document_to_sections
    from normalizers.textfacts.reader import document_to_text_facts

    docs = [extract(p) for p in paths]
    chars = sum(_doc_chars(d) for d in docs)
    prepared = [(d, document_to_sections(d), document_to_meta(d)) for d in docs]
    start = time.perf_counter()
    for doc, tree, meta in prepared:
        document_to_text_facts(doc, tree, meta)
    facts = time.perf_counter() - start
    start = time.perf_counter()
    for doc in docs:
        normalise(doc)
    whole = time.perf_counter() - start
    return {"files": len(docs), "chars": chars, "load_s": load, "facts_cps": chars / facts,
            "normalise_cps": chars / whole}


def _doc_chars(doc) -> int:
    from extractors.document import Heading, Table

    return sum(len(c.text) for b in doc.blocks if isinstance(b, Table) for c in b.cells) + \
        sum(len(b.title if isinstance(b, Heading) else b.text) for b in doc.blocks if not isinstance(b, Table))


def text_layer_in_child(paths: list[Path]) -> dict:
    out = subprocess.run([sys.executable, "-m", "pipeline.bench", "--text-layer", *map(str, paths)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summarise(runs: list[Run]) -> list[str]:
    """One line per format (and one per failure)."""
    lines = [f"{'format':7} {'files':>5} {'pages':>6} {'KB':>8} {'seconds':>8} {'pages/s':>8} "
             f"{'chars/s':>9} {'peak RSS MB':>11}"]
    for fmt in sorted({r.format for r in runs}):
        ok = [r for r in runs if r.format == fmt and not r.error]
        if not ok:
            lines.append(f"{fmt:7} {'-':>5}  no file extracted")
            continue
        seconds = sum(r.seconds for r in ok)
        pages = sum(r.pages or 0 for r in ok)
        rate = f"{pages / seconds:8.1f}" if pages and seconds else f"{'-':>8}"
        chars = f"{sum(r.chars for r in ok) / seconds:9.0f}" if seconds else f"{'-':>9}"
        lines.append(f"{fmt:7} {len(ok):5d} {pages or '-':>6} {sum(r.kb for r in ok):8.0f} {seconds:8.2f} "
                     f"{rate} {chars} {max(r.peak_rss_mb for r in ok):11.0f}")
    lines += [f"  failed: {Path(r.path).name}: {r.error}" for r in runs if r.error]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extraction speed and peak memory per format.")
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: samples/, ../shared/corpus)")
    parser.add_argument("--synthetic", type=int, metavar="PAGES", help="also measure an N-page PDF built from samples")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--text-layer", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure_one(args.one).__dict__))
        return 0
    if args.text_layer:
        print(json.dumps(measure_text_layer(args.paths)))
        return 0
    paths = args.paths or [p for p in DEFAULT_PATHS if p.exists()]
    files = input_files(paths)
    runs = [measure_in_child(path) for path in files]
    print("\n".join(summarise(runs)))
    texts = [p for p in files if p.suffix.lower() in (".txt", ".md")]
    seeds = ROOT.parent / "shared" / "seeds"
    texts += sorted(seeds.glob("*.txt")) if seeds.exists() and not args.paths else []
    if texts:
        t = text_layer_in_child(texts)
        print(f"text layer: spaCy pipeline loads in {t['load_s']:.2f} s; {t['chars']:,} characters in "
              f"{t['files']} text files: text facts {t['facts_cps']:,.0f} chars/s, "
              f"whole normalise {t['normalise_cps']:,.0f} chars/s")
    if args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            run = measure_in_child(synthetic_pdf(args.synthetic, Path(tmp)))
        rate = f"{run.pages / run.seconds:.1f} pages/s" if run.pages and run.seconds else run.error
        print(f"synthetic PDF: {run.pages} pages in {run.seconds:.2f} s ({rate}), peak RSS {run.peak_rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
