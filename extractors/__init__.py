"""Layer 1: one module per input format, each exposing `extract(path) -> Document`.

`EXTRACTORS` maps a lower-case suffix to the module that reads it; modules are
imported on first use so that reading text files never pays for PDF libraries.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from extractors.document import Document, UnsupportedFormat

EXTRACTORS: dict[str, str] = {
    ".txt": "extractors.text",
    ".md": "extractors.text",
    ".html": "extractors.html",
    ".htm": "extractors.html",
    ".pdf": "extractors.pdf",
    ".docx": "extractors.docx",
    ".hwpx": "extractors.hwpx",
    ".hwp": "extractors.hwp",
}

FORMAT_OF: dict[str, str] = {
    ".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf",
    ".docx": "docx", ".hwpx": "hwpx", ".hwp": "hwp",
}


def extractor_for(path: Path) -> Callable[[Path], Document]:
    """The `extract` function for `path`'s suffix, or `UnsupportedFormat` naming what would work."""
    suffix = path.suffix.lower()
    if suffix not in EXTRACTORS:
        available = " ".join(sorted(EXTRACTORS))
        raise UnsupportedFormat(f"no extractor for '{path.suffix or path.name}'; available: {available}")
    return importlib.import_module(EXTRACTORS[suffix]).extract


def extract(path: Path) -> Document:
    """Read any supported file into a `Document`."""
    return extractor_for(Path(path))(Path(path))
