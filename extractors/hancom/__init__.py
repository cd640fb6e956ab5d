"""Hancom formats: `hwp` (HWP 5.x binary, OLE compound file) and `hwpx` (OWPML zip), each with `extract`.

What both share (paragraph shapes, outline numbering, cells to tables, the
title) is in `common`; `records` parses HWP records, `package` opens HWPX zips.
"""
