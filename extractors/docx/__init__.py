"""DOCX → `Document`: headings from styles and outline levels, list numbering, tables with real spans.

The package exposes only `extract`; the modules beside this one are its parts.
"""
from extractors.docx.reader import extract

__all__ = ["extract"]
