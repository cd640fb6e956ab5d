"""HTML (`.html`, `.htm`, Hangul's "save as HTML") -> `Document`.

The package exposes only `extract`; the modules beside this one are its parts.
"""
from extractors.html.reader import extract

__all__ = ["extract"]
