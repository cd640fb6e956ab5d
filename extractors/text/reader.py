"""Text exported from HWP/PDF (`.txt`, `.md`) -> `Document`.

Reads UTF-8 (with or without BOM), UTF-16 and CP949/EUC-KR, detected from the
bytes. Markdown `#` lines become headings, `- `/`* ` lines list items, runs of
tab-separated or `|`-piped lines tables (two-row headers become merged header
cells; a chunk that repeats the previous table's header after a break is
stitched onto it). Every other non-blank line is a paragraph with its line
number. Printed Korean numbering stays in the text for the normalisers.
"""
from __future__ import annotations

import codecs
import html
import re
from pathlib import Path

from extractors.document import (
    Block,
    Document,
    ExtractError,
    Heading,
    Issue,
    ListItem,
    Paragraph,
    Source,
    Table,
    read_file,
)
from extractors.grid import infer_header_rows, is_caption_line, spans_from_blank_headers, unit_hint_in

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST = re.compile(r"^(\s*)([-*+])\s+(.*)$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DASH_ROW = re.compile(r"^[\s\-=:]+$")
_TAG = re.compile(r"<[^>]+>")
_CHECKBOX = re.compile(r"<input\b[^>]*type=[\"']?checkbox[^>]*>", re.I)
_BREAK = re.compile(r"</p>\s*<p[^>]*>|<br\s*/?>", re.I)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")


def extract(path: Path) -> Document:
    """Read a `.txt` or `.md` export into a `Document`."""
    path = Path(path)
    data = read_file(path)
    data, issues = strip_stray_nuls(data)
    text, encoding, defects = _text_with_defects(data)
    issues += defects
    lines = text.splitlines()
    blocks = lines_to_blocks(lines)
    fmt = "md" if path.suffix.lower() == ".md" else "txt"
    return Document(path=str(path), format=fmt, blocks=tuple(blocks),
                    title=blocks_to_title(blocks), encoding=encoding, issues=issues)


def strip_stray_nuls(data: bytes) -> tuple[bytes, tuple[Issue, ...]]:
    """Drop a few stray NUL bytes (padding left by some exporters) from otherwise 8-bit text.

    UTF-16 (NULs at alternating offsets) and binary data (NULs over 1% of
    the bytes) are left alone for `bytes_to_text` to judge.
    """
    count = data.count(b"\x00")
    if not count or count > len(data) * 0.01 or _utf16_without_bom(data) or data[:2] in (
            codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or _control_bytes(data) > 8:
        return data, ()
    return data.replace(b"\x00", b""), (Issue("nul-bytes", f"removed {count} stray NUL bytes from the text"),)


def bytes_to_text(data: bytes) -> tuple[str, str]:
    """Decode bytes, detecting the encoding; returns (text, encoding name).

    Tries BOMs, then UTF-16 without BOM (many NULs at alternating offsets),
    then strict UTF-8, then strict CP949 (which must read as mostly Hangul).
    Raises `ExtractError` for empty, binary or undecodable input.
    """
    if not data.strip():
        raise ExtractError("empty file: no text to extract")
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode_checked(data[len(bom):], name.replace("-sig", ""), name)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _decode_checked(data, utf16, utf16)
    if b"\x00" in data or _control_bytes(data) > max(8, len(data[:20000]) * 0.01):
        raise ExtractError("binary content: NUL or control bytes in a text file (is this really a text export?)")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError:
            raise ExtractError(
                f"cannot decode text: not UTF-8 (bad byte at offset {utf8_error.start}), "
                "not UTF-16 and not CP949/EUC-KR") from None
    if _hangul_share(text) < 0.5:
        raise ExtractError("cannot decode text: not UTF-8, and as CP949 it does not read as Korean")
    return _checked(text, "cp949")


def _text_with_defects(data: bytes) -> tuple[str, str, tuple[Issue, ...]]:
    """`bytes_to_text`, or, for UTF-8 text with a few lines that are not (a CP949 line pasted in, a
    lone surrogate), those lines read as CP949 where they are Korean and with U+FFFD otherwise, and
    an `encoding-defect` issue naming them. More than a tenth of the lines undecodable fails."""
    try:
        return (*bytes_to_text(data), ())
    except ExtractError as exc:
        if not str(exc).startswith("cannot decode text"):
            raise
        lines = data.split(b"\n")
        out, cp949, replaced = [], [], []
        for n, raw in enumerate(lines, start=1):
            try:
                out.append(raw.decode("utf-8"))
                continue
            except UnicodeDecodeError:
                pass
            try:
                line = raw.decode("cp949")
                if _hangul_share(line) < 0.5:
                    raise UnicodeDecodeError("cp949", raw, 0, 1, "not Korean")
                out.append(line)
                cp949.append(n)
            except UnicodeDecodeError:
                out.append(raw.decode("utf-8", errors="replace"))
                replaced.append(n)
        if (len(cp949) + len(replaced)) * 10 > sum(1 for raw in lines if raw.strip()):
            raise
        parts = ([f"line(s) {_line_list(cp949)} read as CP949"] if cp949 else []) + (
            [f"undecodable bytes on line(s) {_line_list(replaced)} replaced by U+FFFD"] if replaced else [])
        return "\n".join(out), "utf-8", (Issue("encoding-defect", "UTF-8 text with defects: " + "; ".join(parts)),)


def _line_list(numbers: list[int], shown: int = 5) -> str:
    return ", ".join(map(str, numbers[:shown])) + (f" (+{len(numbers) - shown} more)" if len(numbers) > shown else "")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _control_bytes(data: bytes) -> int:
    """Control bytes other than NUL and whitespace in the first 20 kB (text has almost none)."""
    return sum(1 for b in data[:20000] if 0 < b < 32 and b not in (9, 10, 11, 12, 13, 27))


def _decode_checked(data: bytes, codec: str, name: str) -> tuple[str, str]:
    """Decode a UTF-16/BOM candidate; random bytes decode too, so the result must read as Korean."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ExtractError(f"cannot decode text as {name}: bad bytes at offset {exc.start}") from None
    if _hangul_share(text) < 0.5:
        raise ExtractError(f"cannot decode text: as {name} it does not read as Korean or ASCII text")
    return _checked(text, name)


def _checked(text: str, encoding: str) -> tuple[str, str]:
    """Reject decoded text that is mostly control characters (binary data)."""
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(text[:20000]) * 0.01):
        raise ExtractError("binary content: too many control characters for a text file")
    if not text.strip():
        raise ExtractError("empty file: no text to extract")
    return text, encoding


def _hangul_share(text: str) -> float:
    """Share of Hangul syllables among non-ASCII letters."""
    non_ascii = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not non_ascii:
        return 1.0
    return sum(1 for ch in non_ascii if "\uac00" <= ch <= "\ud7a3") / len(non_ascii)


def lines_to_blocks(lines: list[str]) -> list[Block]:
    """Classify lines into headings, list items, paragraphs and tables (1-based line numbers)."""
    blocks: list[Block] = []
    repeats: list[Table] = []   # chunks repeating the header of the table blocks[-1], stitched on once
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_table_line(line):
            j = i
            while j < len(lines) and _is_table_line(lines[j]):
                j += 1
            table = rows_to_table(lines[i:j], first_line=i + 1)
            prev = blocks[-1] if blocks else None
            if isinstance(prev, Table) and _repeats_header(prev, table):
                repeats.append(table)
            else:
                _stitch_repeats(blocks, repeats)
                _add_table(blocks, table)
            i = j
            continue
        block = line_to_block(line, i + 1)
        if block is not None:
            _stitch_repeats(blocks, repeats)
            blocks.append(block)
        i += 1
    _stitch_repeats(blocks, repeats)
    return blocks


def _stitch_repeats(blocks: list[Block], repeats: list[Table]) -> None:
    """Stitch the collected chunks onto the last table in one pass (linear in the cells), emptying `repeats`."""
    if repeats:
        last = blocks[-1]
        assert isinstance(last, Table), "repeats follow their table"
        blocks[-1] = stitch_tables(last, *repeats)
        repeats.clear()


def _is_table_line(line: str) -> bool:
    stripped = line.strip()
    if "\t" in line and stripped:
        return True
    return stripped.startswith("|") and stripped.count("|") >= 2


def line_to_block(line: str, number: int) -> Block | None:
    """One non-table line as a Heading, ListItem or Paragraph (None when blank)."""
    if not line.strip():
        return None
    src = Source(line=number)
    m = _HEADING.match(line)
    if m:
        return Heading(level=len(m.group(1)), title=clean_inline(m.group(2)), source=src)
    m = _LIST.match(line)
    if m and m.group(3).strip():
        depth = len(m.group(1).expandtabs(4)) // 2
        return ListItem(text=clean_inline(m.group(3)), marker=m.group(2), depth=depth, source=src)
    return Paragraph(text=clean_inline(line), source=src)


def clean_inline(text: str) -> str:
    """Markdown emphasis, HTML fragments and entities removed; whitespace collapsed."""
    text = _CHECKBOX.sub(lambda m: "☑" if "checked" in m.group(0).lower() else "☐", text)
    text = _BREAK.sub(" ", text)
    text = _TAG.sub("", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = html.unescape(text)
    return " ".join(text.split())


def rows_to_table(lines: list[str], first_line: int) -> Table:
    """Tab- or pipe-separated lines as a `Table`, header rows inferred and spans rebuilt."""
    piped = all(ln.strip().startswith("|") for ln in lines)
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    header_rows = None
    for k, line in enumerate(lines):
        if (_PIPE_SEPARATOR.match(line) if piped else _DASH_ROW.match(line.replace("\t", ""))):
            header_rows = len(rows) if rows else header_rows
            continue
        rows.append(_split_row(line, piped))
        line_numbers.append(first_line + k)
    if header_rows is None:
        header_rows = infer_header_rows(rows)
    sources = [[Source(line=n)] * len(r) for n, r in zip(line_numbers, rows)]
    table = spans_from_blank_headers(rows, header_rows, sources)
    return Table(cells=table.cells, n_rows=table.n_rows, n_cols=table.n_cols,
                 header_rows=table.header_rows, source=Source(line=first_line))


def _split_row(line: str, piped: bool) -> list[str]:
    if piped:
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") else body
        return [clean_inline(c) for c in body.split("|")]
    return [clean_inline(c) for c in line.split("\t")]


def _add_table(blocks: list[Block], table: Table) -> None:
    """Append a table with the unit line and caption printed before it."""
    unit, caption = _unit_and_caption(blocks)
    blocks.append(Table(cells=table.cells, n_rows=table.n_rows, n_cols=table.n_cols,
                        header_rows=table.header_rows, caption=caption, unit_hint=unit,
                        source=table.source))


def _unit_and_caption(blocks: list[Block]) -> tuple[str | None, str | None]:
    """Unit line and caption among the (up to two) paragraphs just before a table."""
    unit = caption = None
    for block in reversed(blocks[-2:]):
        if not isinstance(block, (Paragraph, Heading)):
            break
        text = block.text if isinstance(block, Paragraph) else block.title
        unit = unit or unit_hint_in(text)
        if caption is None and isinstance(block, Paragraph) and is_caption_line(text):
            caption = text
    return unit, caption


def _header_texts(table: Table) -> list[tuple[str, ...]]:
    """The header rows' texts (built from the header cells alone: cheap on a long table)."""
    rows = [[""] * table.n_cols for _ in range(table.header_rows)]
    for cell in table.cells:
        if cell.row < table.header_rows and cell.col < table.n_cols:
            rows[cell.row][cell.col] = cell.text
    return [tuple(_trim(r)) for r in rows]


def _trim(row: list[str]) -> list[str]:
    out = list(row)
    while out and not out[-1].strip():
        out.pop()
    return out


def _repeats_header(prev: Table, nxt: Table) -> bool:
    return prev.header_rows > 0 and nxt.header_rows == prev.header_rows and \
        _header_texts(prev) == _header_texts(nxt)


def stitch_tables(first: Table, *rest: Table) -> Table:
    """Append the body rows of each of `rest` to `first` (their repeated headers dropped)."""
    cells = list(first.cells)
    n_rows, n_cols = first.n_rows, first.n_cols
    for second in rest:
        offset = n_rows - second.header_rows
        cells += [type(c)(row=c.row + offset, col=c.col, text=c.text, row_span=c.row_span,
                          col_span=c.col_span, is_header=False, source=c.source)
                  for c in second.cells if c.row >= second.header_rows]
        n_rows += second.n_rows - second.header_rows
        n_cols = max(n_cols, second.n_cols)
    return Table(cells=tuple(cells), n_rows=n_rows, n_cols=n_cols, header_rows=first.header_rows,
                 caption=first.caption, unit_hint=first.unit_hint, source=first.source,
                 page_end=first.page_end)


def blocks_to_title(blocks: list[Block]) -> str | None:
    """The first heading's title, else the first short paragraph."""
    for block in blocks:
        if isinstance(block, Heading) and block.title:
            return block.title
    for block in blocks[:10]:
        if isinstance(block, Paragraph) and 2 <= len(block.text) <= 80:
            return block.text
    return None
