"""PDF → `Document`: text lines and paragraphs, headings by font size, tables stitched across pages.

The package exposes only `extract`; the modules beside this one are its parts.
"""
from extractors.pdf.reader import extract

__all__ = ["extract"]
