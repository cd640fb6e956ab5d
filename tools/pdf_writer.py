"""A PDF file from numbered objects, for the sample scripts and the hostile-file generator.

`objects_to_pdf([catalog, pages, ...])` numbers the objects 1..n (object 1 is the catalog),
writes them with a correct cross-reference table and returns the bytes; `trailer` adds
entries to the trailer dictionary (`/Info 9 0 R /ID [...]`). Deterministic: the same objects
give the same bytes.
"""
from __future__ import annotations


def objects_to_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """Serialise numbered objects (1..n, object 1 the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)
