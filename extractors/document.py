"""The one intermediate model every extractor produces: `Document`.

An extractor turns a file into a flat, reading-ordered tuple of blocks
(`Heading`, `Paragraph`, `ListItem`, `Table`); every block and every table
cell carries a `Source` (page, line, bbox). Extractors only report structure
the format itself marks (markdown `#`, `<h2>`, a DOCX heading style, an HWPX
outline level, a larger PDF font); printed Korean numbering such as `Ⅰ.`,
`가.` or `①` stays in the paragraph text and is read by the normalisers, so
the same rules apply to every format.

Ids are positional, the model is immutable, and `SCHEMA_VERSION` changes
whenever the serialised shape changes.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


class ExtractError(Exception):
    """The file cannot be read as its format (corrupt, encrypted, empty...)."""


class UnsupportedFormat(ExtractError):
    """No extractor handles this file's suffix."""


def read_file(path: Path) -> bytes:
    """A file's bytes, or `ExtractError` saying why it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ExtractError(f"cannot read file: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class Source:
    """Where something was printed: 1-based page and line, PDF bbox (x0, top, x1, bottom) in points."""

    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class Heading:
    """A heading the format marks up; `level` 1 is the top, `number` is printed numbering if split off."""

    level: int
    title: str
    number: str | None = None
    source: Source = Source()


@dataclass(frozen=True)
class Paragraph:
    """Running text as printed (bullets and numbering included); `style` is the format's style name."""

    text: str
    source: Source = Source()
    style: str | None = None


@dataclass(frozen=True)
class ListItem:
    """A list item the format marks up; `marker` is the bullet or number, `depth` 0 is outermost."""

    text: str
    marker: str = "-"
    depth: int = 0
    source: Source = Source()


@dataclass(frozen=True)
class Cell:
    """One anchor cell of a table grid; positions it covers through spans are absent from `Table.cells`."""

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    is_header: bool = False
    source: Source = Source()


@dataclass(frozen=True)
class Table:
    """A table as a grid of anchor cells with spans.

    `header_rows` is how many top rows are headers; `caption` is printed text
    naming the table; `unit_hint` is the printed unit line or caption part
    such as "(단위 : 백만원)" (normalisers parse it). `source.page` is the
    first page, `page_end` the last when a table runs over pages (a PDF's
    tables stitched across pages; HWP/HWPX: from the height its rows need).
    """

    cells: tuple[Cell, ...]
    n_rows: int
    n_cols: int
    header_rows: int = 0
    caption: str | None = None
    unit_hint: str | None = None
    source: Source = Source()
    page_end: int | None = None

    def grid(self) -> list[list[Cell | None]]:
        """Expand spans: position (r, c) holds the anchor cell covering it, or None."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, min(cell.row + cell.row_span, self.n_rows)):
                for c in range(cell.col, min(cell.col + cell.col_span, self.n_cols)):
                    out[r][c] = cell
        return out

    def rows_text(self) -> list[list[str]]:
        """Each row as texts; a spanned cell's text only at its anchor, "" elsewhere."""
        out = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            if cell.row < self.n_rows and cell.col < self.n_cols:
                out[cell.row][cell.col] = cell.text
        return out


Block = Heading | Paragraph | ListItem | Table


DISTRIBUTION_PROTECTED = "distribution-protected"   # a 배포용 HWP, decrypted and read in full
FONTS_NOT_EMBEDDED = "fonts-not-embedded"           # a PDF drawn with the machine's fonts for those it lacks
NOTE_CODES = frozenset({DISTRIBUTION_PROTECTED, FONTS_NOT_EMBEDDED})
"""Issue codes that say how a file was read, not that anything read is in doubt: kept in `documents.issues`,
but the document stays `ok`."""


@dataclass(frozen=True)
class Issue:
    """A recoverable oddity found while extracting; any issue makes the document `partial` (except the
    notes on how a file was read, `NOTE_CODES`)."""

    code: str
    message: str
    source: Source | None = None


@dataclass(frozen=True)
class Document:
    """Everything an extractor read from one file."""

    path: str
    format: str
    blocks: tuple[Block, ...]
    title: str | None = None
    encoding: str | None = None
    pages: int | None = None
    issues: tuple[Issue, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    schema_version: int = SCHEMA_VERSION

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


_KIND_OF = {Heading: "heading", Paragraph: "paragraph", ListItem: "list_item", Table: "table"}


def _plain(value: Any) -> Any:
    """Dataclass/tuple tree to JSON-ready values, dropping defaults to keep snapshots small."""
    if hasattr(value, "__dataclass_fields__"):
        out: dict[str, Any] = {}
        if type(value) in _KIND_OF:
            out["type"] = _KIND_OF[type(value)]
        for f in fields(value):
            v = getattr(value, f.name)
            if v == f.default or v is None or v == ():
                continue
            out[f.name] = _plain(v)
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def document_to_dict(doc: Document) -> dict[str, Any]:
    """A `Document` as a JSON-ready dict (the golden snapshot format)."""
    out = _plain(doc)
    out["schema_version"] = doc.schema_version
    return out


def table_from_rows(rows: list[list[str]], header_rows: int = 0, **kw: Any) -> Table:
    """Build a span-free `Table` from rows of strings (ragged rows are padded)."""
    n_cols = max((len(r) for r in rows), default=0)
    cells = tuple(
        Cell(row=r, col=c, text=text, is_header=r < header_rows)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    )
    return Table(cells=cells, n_rows=len(rows), n_cols=n_cols, header_rows=header_rows, **kw)


__all__ = [
    "SCHEMA_VERSION",
    "Block",
    "Cell",
    "Document",
    "ExtractError",
    "Heading",
    "Issue",
    "ListItem",
    "Paragraph",
    "Source",
    "Table",
    "UnsupportedFormat",
    "document_to_dict",
    "read_file",
    "table_from_rows",
]
