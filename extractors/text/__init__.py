"""Text exported from HWP/PDF (`.txt`, `.md`) -> `Document`.

The package exposes only `extract`; the modules beside this one are its parts.
"""
from extractors.text.reader import extract

__all__ = ["extract"]
