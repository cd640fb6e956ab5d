"""A generator of hostile input files, built in a folder beside copies of good samples.

    python tests/hostile.py OUT_DIR [--full]

Every case is a file (or a FIFO, a link, an odd name) that a batch over
downloaded plans may meet: zip bombs (built by streaming zeros through the
compressor, never written expanded), XML entity bombs and XXE, declared sizes
far beyond the content for each format, truncations at 10/50/90 %, wrong
suffixes, encodings, name oddities, FIFOs and symbolic links, huge tables,
deep nesting and patterns that make naive code quadratic. `--full` uses the
sizes of the reports in issue 13 (minutes to run); the default sizes keep
the test suite fast while still tripping reduced time and memory budgets.

`build(folder, full=False)` returns the cases: each with what a run must
make of it (`states`, and a fragment the reason must contain where the
runner itself decides it). Deterministic: same folder contents every time.
"""
from __future__ import annotations

import io
import os
import shutil
import sys
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))   # run as a script too: `python tests/hostile.py OUT_DIR`

from tools.pdf_writer import objects_to_pdf  # noqa: E402

SAMPLES = ROOT / "samples"
SHARED_HWP = ROOT.parent / "shared" / "corpus" / "hwp" / "moef-fiscal-stats-2014-08.hwp"
SHARED_HWP_TABLES = ROOT.parent / "shared" / "corpus" / "hwp" / "chart-exercise-tables.hwp"   # sections > 4 KB
GOOD = ("yangpyeong-2023-plan-summary.txt", "wonju-2024-implementation-plan.md",
        "goesan-2023-plan-program-cards.html", "wonju-2024-implementation-plan.pdf",
        "wonju-2024-implementation-plan.docx", "gwangju-seogu-2024-elderly-basic-plan.hwpx",
        "iksan-2022-council-report.cp949.txt")
BAD = frozenset({"failed", "partial"})
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Case:
    """One hostile file: its name (bytes allowed), what a run may make of it, and a reason fragment."""

    name: str | bytes
    states: frozenset[str] = BAD
    reason: str = ""
    about: str = ""

    @property
    def rel(self) -> str:
        """The path a run stores (bytes that are not UTF-8 escaped as \\xNN)."""
        raw = self.name if isinstance(self.name, bytes) else self.name.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "backslashreplace")


# --- helpers ------------------------------------------------------------------------------------

def rezip(src: Path, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip package with some members replaced and some added (deterministic)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            zout.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zeros_member_zip(src: Path | io.BytesIO, member: str, size: int) -> bytes:
    """A zip package with `member` holding `size` zero bytes, compressed as it streams (never in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(zipfile.ZipInfo(info.filename, ZIP_DATE), zin.read(info.filename), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(member, ZIP_DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = bytes(1 << 20)
        with zout.open(info, "w", force_zip64=True) as fh:
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return out.getvalue()


def docx_image_bomb(src: Path, size: int) -> bytes:
    """A DOCX whose document references an image member of `size` zero bytes."""
    with zipfile.ZipFile(src) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>')
    types = types.replace("</Types>", '<Default Extension="png" ContentType="image/png"/></Types>')
    inner = rezip(src, {"word/_rels/document.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()})
    return zeros_member_zip(io.BytesIO(inner), "word/media/image1.png", size)


def member(src: Path, name: str) -> str:
    with zipfile.ZipFile(src) as z:
        return z.read(name).decode("utf-8")


def docx_body(paragraphs_xml: str, prolog: str = "") -> bytes:
    """A sample DOCX's document.xml with its body replaced (namespaces kept)."""
    xml = member(SAMPLES / "wonju-2024-implementation-plan.docx", "word/document.xml")
    head, rest = xml.split("<w:body>", 1)
    tail = rest[rest.index("<w:sectPr"):]
    if prolog:
        head = head.replace("?>", "?>" + prolog, 1)
    return (head + "<w:body>" + paragraphs_xml + tail).encode("utf-8")


def docx_with(paragraphs_xml: str, prolog: str = "") -> bytes:
    return rezip(SAMPLES / "wonju-2024-implementation-plan.docx", {"word/document.xml": docx_body(paragraphs_xml, prolog)})


def hwpx_section_with(body: str, prolog: str = "") -> bytes:
    """The sample HWPX with section0.xml's paragraphs replaced by `body` (namespaces kept)."""
    src = SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwpx"
    xml = member(src, "Contents/section0.xml")
    start = xml.index(">", xml.index("<hs:sec")) + 1
    if prolog:
        xml = xml.replace("?>", "?>" + prolog, 1)
        start = xml.index(">", xml.index("<hs:sec")) + 1
    return rezip(src, {"Contents/section0.xml": (xml[:start] + body + "</hs:sec>").encode("utf-8")})


def hwpx_para(text: str) -> str:
    return f'<hp:p paraPrIDRef="0" styleIDRef="0"><hp:run charPrIDRef="0"><hp:t>{text}</hp:t></hp:run></hp:p>'


def hwpx_table(rows: int, cols: int, cells: list[tuple[int, int, str]]) -> str:
    tcs = "".join(f'<hp:tr><hp:tc><hp:cellAddr colAddr="{c}" rowAddr="{r}"/><hp:cellSpan colSpan="1" rowSpan="1"/>'
                  f'<hp:subList>{hwpx_para(t)}</hp:subList></hp:tc></hp:tr>' for r, c, t in cells)
    return f'<hp:p><hp:run><hp:tbl rowCnt="{rows}" colCnt="{cols}">{tcs}</hp:tbl></hp:run></hp:p>'


def w_p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def entity_bomb(root_open: str, use: str) -> tuple[str, str]:
    """(DOCTYPE prolog, body) of a billion-laughs bomb; `root_open` names the document element."""
    levels = ['<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    return f"<!DOCTYPE {root_open} [{''.join(levels)}]>", use.replace("TEXT", "&a9;")


def xxe(root_open: str, use: str) -> tuple[str, str]:
    return f'<!DOCTYPE {root_open} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', use.replace("TEXT", "&xxe;")


def truncated(data: bytes, share: float) -> bytes:
    return data[: int(len(data) * share)]


def flate_pdf_bomb(size: int) -> bytes:
    """A one-page PDF whose content stream inflates to `size` bytes of spaces (compressed as it streams)."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(comp.compress(chunk) for _ in range(size // len(chunk))) + comp.flush()
    return objects_to_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"])


def hwp_table_patched(src: Path, rows: int, cols: int) -> bytes | None:
    """The HWP file with its first TABLE record's row and column counts patched (same stream size), or None."""
    import olefile

    buf = io.BytesIO(src.read_bytes())
    ole = olefile.OleFileIO(buf, write_mode=True)
    try:
        for path in (p for p in ole.listdir() if p[0] == "BodyText"):
            name = "/".join(path)
            data = ole.openstream(name).read()
            if len(data) < ole.minisectorcutoff:
                continue
            raw = zlib.decompressobj(-15).decompress(data)
            patched = _patch_table(raw, rows, cols)
            if patched is None:
                continue
            for level in range(9, 0, -1):
                comp = zlib.compressobj(level, zlib.DEFLATED, -15)
                packed = comp.compress(patched) + comp.flush()
                if len(packed) <= len(data):
                    ole.write_stream(name, packed + bytes(len(data) - len(packed)))
                    return buf.getvalue()
        return None
    finally:
        ole.close()


def _patch_table(raw: bytes, rows: int, cols: int) -> bytes | None:
    """HWP records with the first TABLE record's counts set (UINT32 properties, UINT16 rows, UINT16 cols)."""
    pos = 0
    while pos + 4 <= len(raw):
        header = int.from_bytes(raw[pos:pos + 4], "little")
        tag, size, start = header & 0x3FF, header >> 20, pos + 4
        if size == 0xFFF:
            size, start = int.from_bytes(raw[start:start + 4], "little"), start + 4
        if tag == 0x10 + 61:
            return raw[:start + 4] + rows.to_bytes(2, "little") + cols.to_bytes(2, "little") + raw[start + 8:]
        pos = start + size
    return None


# --- the cases -----------------------------------------------------------------------------------

def cases(full: bool) -> list[tuple[Case, Callable[[], bytes] | str]]:
    """Every case with its content (bytes, or 'fifo' / 'link:TARGET' for special files)."""
    big = 1 if full else 0
    zip_bomb = (4 << 30) if full else (160 << 20)
    hwpx_src = SAMPLES / "gwangju-seogu-2024-elderly-basic-plan.hwpx"
    docx_src = SAMPLES / "wonju-2024-implementation-plan.docx"
    pdf = (SAMPLES / "wonju-2024-implementation-plan.pdf").read_bytes()
    docx = docx_src.read_bytes()
    hwpx = hwpx_src.read_bytes()
    text = (SAMPLES / "yangpyeong-2023-plan-summary.txt").read_bytes()
    html = (SAMPLES / "goesan-2023-plan-program-cards.html").read_bytes()
    docx_bomb, docx_bomb_body = entity_bomb("w:document", w_p("TEXT"))
    hwpx_bomb, hwpx_bomb_body = entity_bomb("hs:sec", hwpx_para("TEXT"))
    docx_xxe, docx_xxe_body = xxe("w:document", w_p("TEXT"))
    hwpx_xxe, hwpx_xxe_body = xxe("hs:sec", hwpx_para("TEXT"))
    tab_rows = 3000 if full else 1500
    lines = 700_000 if full else 20_000
    out: list[tuple[Case, Callable[[], bytes] | str]] = [
        # zip bombs and zip oddities
        (Case("bomb-image.docx", about="4 GB of zeros as a DOCX image member, referenced from the text"),
         lambda: docx_image_bomb(docx_src, zip_bomb)),
        (Case("bomb-section.hwpx", about="HWPX section of zeros"),
         lambda: zeros_member_zip(hwpx_src, "Contents/section0.xml", zip_bomb)),
        (Case("bomb-document.docx", about="DOCX document.xml of zeros"),
         lambda: zeros_member_zip(docx_src, "word/document.xml", zip_bomb)),
        (Case("dotdot-member.docx", BAD | {"ok"}, about="a ../ member name; nothing is written anywhere"),
         lambda: rezip(docx_src, {}, {"../../evil.txt": b"evil"})),
        # XML entity bombs and external entities
        (Case("entity-bomb.docx"), lambda: docx_with(docx_bomb_body, docx_bomb)),
        (Case("entity-bomb.hwpx"), lambda: hwpx_section_with(hwpx_bomb_body, hwpx_bomb)),
        (Case("xxe.docx", BAD | {"ok"}, about="external entity to /etc/passwd; its text must not be read"),
         lambda: docx_with(docx_xxe_body, docx_xxe)),
        (Case("xxe.hwpx", BAD | {"ok"}), lambda: hwpx_section_with(hwpx_xxe_body, hwpx_xxe)),
        (Case("xxe.html", BAD | {"ok"}), lambda: b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                                  b"<html><body><p>&x; \xea\xb3\xc4\xed\x9a\x8d</p></body></html>"),
        # declared sizes beyond the content
        (Case("declared-65535.hwpx", BAD | {"ok"}, about='<hp:tbl rowCnt="65535" colCnt="65535"> with 4 cells'),
         lambda: hwpx_section_with(hwpx_table(65535, 65535, [(0, 0, "구분"), (0, 1, "2023"), (1, 0, "돌봄"),
                                                             (1, 1, "1,000")]))),
        (Case("gridspan.docx", BAD | {"ok"}, about='<w:gridSpan w:val="100000000"/>'),
         lambda: docx_with('<w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc><w:tcPr>'
                           '<w:gridSpan w:val="100000000"/></w:tcPr>' + w_p("구분") + "</w:tc></w:tr>"
                           "<w:tr><w:tc>" + w_p("1") + "</w:tc></w:tr></w:tbl>" + w_p("끝"))),
        (Case("spans.html", BAD | {"ok"}, about="rowspan=1000 colspan=1000, repeated"),
         lambda: ("<html><body><table>" + "<tr>" + '<td rowspan="1000" colspan="1000">가</td>' * 40 + "</tr>"
                  + "<tr><td>1</td></tr>" * 40 + "</table></body></html>").encode()),
        (Case("pdf-deflate-bomb.pdf", BAD | {"ok"}, about="a content stream that inflates far past its size"),
         lambda: flate_pdf_bomb((2 << 30) if full else (200 << 20))),
        (Case("pdf-count.pdf", BAD | {"ok"}, about="/Count 2147483647 pages declared, one page present"),
         lambda: pdf.replace(b"/Count 1", b"/Count 2147483647", 1) if b"/Count 1" in pdf else pdf + b" "),
        # empty, truncated, wrong suffix, garbage
        (Case("empty.txt", reason="empty"), lambda: b""),
        (Case("tiny-garbage.pdf"), lambda: b"%PDF-1.7\n%%EOF"),
        *[(Case(f"truncated-{int(s * 100)}.{kind}"), (lambda d=data, s=s: truncated(d, s)))
          for kind, data in (("pdf", pdf), ("docx", docx), ("hwpx", hwpx)) for s in (0.1, 0.5, 0.9)],
        # (a trailing byte keeps their bytes apart from the good copies: a document is identified by its bytes)
        (Case("pdf-named.docx"), lambda: pdf + b"\n"),
        (Case("docx-named.pdf"), lambda: docx + b"\0"),
        (Case("hwpx-named.hwp"), lambda: hwpx + b"\0"),
        (Case("text-named.pdf"), lambda: text + b"\n" * 6),
        (Case("html-named.docx"), lambda: html + b"\n"),
        (Case("random.hwp"), lambda: bytes((i * 7919 + 13) % 256 for i in range(50_000))),
        (Case("random.html", BAD | {"ok"}), lambda: bytes((i * 31 + 7) % 256 for i in range(50_000))),
        # encodings
        (Case("utf16-nobom.txt", BAD | {"ok"}), lambda: text.decode("utf-8").encode("utf-16-le")),
        (Case("lone-surrogate.txt", BAD | {"ok"}, about="one UTF-8-encoded lone surrogate in good text"),
         lambda: text.replace("사업".encode(), b"\xed\xa0\x80", 1)),
        (Case("mixed-cp949.txt", BAD | {"ok"}, about="a CP949 line inside UTF-8 text"),
         lambda: text + "\n추가 사업 5억원\n".encode("cp949")),
        (Case("latin1.html", BAD | {"ok"}), lambda: "<html><body><p>café 12 £ ©</p></body></html>".encode("latin-1")),
        # names
        (Case(b"bad-\xff.txt", BAD | {"ok"}, about="a file name that is not UTF-8"), lambda: text + b"\n"),
        (Case("line\nbreak.txt", BAD | {"ok"}), lambda: text + b"\n\n"),
        (Case("-rf --force.md", BAD | {"ok"}), lambda: text + b"\n\n\n"),
        (Case("x" * 240 + ".txt", BAD | {"ok"}), lambda: text + b"\n\n\n\n"),
        (Case("nfd-\u1100\u1161.txt", BAD | {"ok"}), lambda: text + b"\n\n\n\n\n"),
        # special files
        (Case("fifo.txt", frozenset({"failed"}), "not a regular file"), "fifo"),
        (Case("zero-link.txt", frozenset({"failed"}), "outside the input folder"), "link:/dev/zero"),
        (Case("passwd-link.txt", frozenset({"failed"}), "outside the input folder"), "link:/etc/passwd"),
        (Case("loop-link.txt", frozenset({"failed"}), "cannot read"), "link:loop-link.txt"),
        (Case("dangling-link.txt", frozenset({"failed"}), "cannot read"), "link:nowhere.txt"),
        (Case("inside-link.md", frozenset({"ok"}), about="a link to a file inside the folder is read (once)"),
         f"link:good/{GOOD[1]}"),
        (Case("root-dir-link", frozenset()), "dirlink:/"),
        # huge tables, deep nesting, quadratic patterns
        (Case("tab-table.txt", BAD | {"ok"}, about=f"a {tab_rows}×40 tab table, its header repeated after every row"),
         lambda: "\n\n".join("\t".join(f"항목{c}" for c in range(40)) + "\n" + "\t".join(
             f"{(r * 40 + c) % 9973:,}" for c in range(40)) for r in range(tab_rows)).encode()),
        (Case("parens.txt", BAD | {"ok"}, about="400 KB of nested ( where the issuer is looked for"),
         lambda: ("(" * 400_000 + "\n").encode()),
        (Case("boxes.txt", BAD | {"ok"}, about="14,000 □ headings"),
         lambda: "\n".join(f"□ 추진 과제 {i}" for i in range(14_000)).encode()),
        (Case("lines.txt", BAD | {"ok"}, about=f"{lines:,} lines"),
         lambda: "\n".join(f"{i}. 사업 {i} 예산 {i}백만원" for i in range(lines)).encode()),
        # read, not timed out: the line numbers of 62,500 mentions on one line are found in one pass
        # (a count of the line breaks before each mention was quadratic), budgets indexed by owner
        (Case("long-line.txt", BAD | {"ok"} if full else {"ok"}, about="one line of several MB"),
         lambda: ("총 사업비 5억원 사업 내용 " * ((20_000_000 if full else 1_000_000) // 16)).encode()),
        (Case("budget-table.md", {"ok"}, about="a 2,000-row table of 30 yearly budgets"),
         lambda: ("(단위: 백만원)\n\n| 사업명 | " + " | ".join(f"{2000 + j}" for j in range(30)) + " |\n|"
                  + "---|" * 31 + "\n" + "".join(f"| 사업{i} | " + " | ".join(str(i * 10 + j) for j in range(30))
                                                  + " |\n" for i in range(2000))).encode()),
        # more than the test's 250 MB budget once read (a few seconds): the budget must stop it and say so
        (Case("memory-hog.md", BAD | {"ok"} if full else frozenset({"failed"}), reason="" if full else "--max-memory",
              about="a 120,000-row table"),
         lambda: ("| 사업명 | 2023 | 2024 |\n|---|---|---|\n" + "".join(
             f"| 사업{i} | {i},000 | {i + 1},000 |\n" for i in range(120_000))).encode()),
        (Case("rows-10000.md", BAD | {"ok"}, about="a 10,000-row table"),
         lambda: ("| 사업명 | 2023 | 2024 |\n|---|---|---|\n" + "".join(
             f"| 사업{i} | {i},000 | {i + 1},000 |\n" for i in range(10_000))).encode()),
        (Case("deep-divs.html", BAD | {"ok"}, about="100,000 nested <div>"),
         lambda: ("<html><body>" + "<div>" * 100_000 + "깊이" + "</div>" * 100_000 + "</body></html>").encode()),
        (Case("deep-tables.docx", BAD | {"ok"}, about="tables nested 300 deep"),
         lambda: docx_with("<w:tbl><w:tr><w:tc>" * 300 + w_p("깊이") + "</w:tc></w:tr></w:tbl>" * 300 + w_p("끝"))),
        (Case("deep.hwpx", BAD | {"ok"}, about="10,000 nested elements"),
         lambda: hwpx_section_with("<hp:p>" * 10_000 + "</hp:p>" * 10_000)),
        (Case("digits.txt", BAD | {"ok"}, about="a 5,000-digit number"),
         lambda: ("사업비 " + "9" * 5000 + "원\n").encode()),
        (Case("huge-amount.txt", BAD, "too large to store", about="10,000,000조원 in text"),
         lambda: "제5기 괴산군 지역사회보장계획\n\n□ 총 사업비 10,000,000조원을 투입\n".encode()),
        (Case("huge-cell.md", BAD, "too large to store", about="99999999999999 under (단위 : 백만원)"),
         lambda: ("(단위 : 백만원)\n\n| 사업명 | 2023 | 2024 |\n|---|---|---|\n"
                  "| 돌봄 | 99999999999999 | 1 |\n").encode()),
        (Case("big-html.html", BAD | {"ok"}, about="a large HTML file"),
         lambda: ("<html><body>" + "<p>문단 <b>굵게</b> 5억원</p>\n" * ((1_500_000 if full else 0) * big + 10_000)
                  + "</body></html>").encode()),
    ]
    if SHARED_HWP.exists():
        hwp = SHARED_HWP.read_bytes()
        out += [(Case(f"truncated-{int(s * 100)}.hwp"), (lambda s=s: truncated(hwp, s))) for s in (0.1, 0.5, 0.9)]
        patched = hwp_table_patched(SHARED_HWP_TABLES, 65535, 65535) if SHARED_HWP_TABLES.exists() else None
        if patched is not None:
            out.append((Case("declared-65535.hwp", BAD | {"ok"}, about="TABLE record patched to 65535 × 65535"), lambda: patched))
    return out


def build(folder: Path, full: bool = False) -> list[Case]:
    """Write the good samples (under good/) and every hostile case into `folder`; returns the cases."""
    good = folder / "good"
    good.mkdir(parents=True, exist_ok=True)
    for name in GOOD:
        shutil.copy(SAMPLES / name, good / name)
    built = []
    for case, content in cases(full):
        path = os.path.join(os.fsencode(folder), case.name if isinstance(case.name, bytes) else os.fsencode(case.name))
        if content == "fifo":
            os.mkfifo(path)
        elif isinstance(content, str) and content.startswith("link:"):
            os.symlink(content[5:], path)
        elif isinstance(content, str) and content.startswith("dirlink:"):
            os.symlink(content[8:], path, target_is_directory=True)
        else:
            assert callable(content)
            with open(path, "wb") as fh:
                fh.write(content())
        built.append(case)
    return built


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, help="folder to write the cases into (made if missing)")
    parser.add_argument("--full", action="store_true", help="also the multi-gigabyte cases")
    args = parser.parse_args()
    target = args.out_dir
    made = build(target, full=args.full)
    print(f"{len(made)} hostile cases and {len(GOOD)} good samples in {target}")
