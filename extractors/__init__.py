"""Layer 1: one module (or package) per input format, each exposing only `extract(path) -> Document`.

`FORMATS` is the one table of what is read: a lower-case suffix, the format
name stored in `documents.format`, and the module that reads it. Modules are
imported on first use, so reading a text file never pays for PDF libraries.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from extractors.document import Document, UnsupportedFormat


@dataclass(frozen=True)
class Format:
    """One readable format: its name in `documents.format` and the module exposing `extract`."""

    name: str
    module: str


FORMATS: dict[str, Format] = {
    ".txt": Format("txt", "extractors.text"),
    ".md": Format("md", "extractors.text"),
    ".html": Format("html", "extractors.html"),
    ".htm": Format("html", "extractors.html"),
    ".xhtml": Format("html", "extractors.html"),
    ".pdf": Format("pdf", "extractors.pdf"),
    ".docx": Format("docx", "extractors.docx"),
    ".hwpx": Format("hwpx", "extractors.hancom.hwpx"),
    ".hwp": Format("hwp", "extractors.hancom.hwp"),
}


def format_of(path: Path) -> str | None:
    """The format name of `path`'s suffix (`documents.format`), or None when no extractor reads it."""
    found = FORMATS.get(Path(path).suffix.lower())
    return found.name if found else None


def extractor_for(path: Path) -> Callable[[Path], Document]:
    """The `extract` function for `path`'s suffix, or `UnsupportedFormat` naming what would work."""
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        available = " ".join(sorted(FORMATS))
        raise UnsupportedFormat(f"no extractor for '{path.suffix or path.name}'; available: {available}")
    extract: Callable[[Path], Document] = importlib.import_module(found.module).extract
    return extract


def extract(path: Path) -> Document:
    """Read any supported file into a `Document`."""
    return extractor_for(Path(path))(Path(path))
