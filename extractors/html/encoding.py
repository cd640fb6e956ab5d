"""How HTML bytes are decoded: BOM, declared charset (meta or XML declaration), UTF-8, CP949, mixed defects."""
from __future__ import annotations

import codecs
import re

from extractors.document import ExtractError

_CHARSET = re.compile(rb"""(?:charset|<\?xml[^>]*encoding)\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
_ALIASES = {"ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "euc-kr": "cp949", "euckr": "cp949",
            "x-windows-949": "cp949", "windows-949": "cp949", "ksc5601": "cp949"}
_DEFECT_SHARE = 0.01
"""Up to this share of a UTF-8 file's non-ASCII bytes may be undecodable before CP949 is tried for the whole."""


def bytes_to_html_text(data: bytes) -> tuple[str, str]:
    """Decoded HTML text and its encoding (see `decode_html`)."""
    text, encoding, _ = decode_html(data)
    return text, encoding


def decode_html(data: bytes) -> tuple[str, str, int]:
    """(text, encoding, defects): by BOM, then the declared charset (meta or XML declaration), UTF-8, CP949.

    A UTF-8 (or undeclared) file with a few invalid sequences stays UTF-8:
    each invalid sequence is read as CP949 when it decodes so, else
    replaced; `defects` counts them.
    """
    if not data.strip():
        raise ExtractError("empty file: no HTML to extract")
    if data.startswith(codecs.BOM_UTF8):
        return _decode_mixed(data[3:], "utf-8-sig")
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            text = data[2:].decode(name, errors="replace")
            return text, name, text.count("\ufffd")
    found = _CHARSET.search(data[:4096])
    label = found.group(1).decode("ascii").lower() if found else ""
    declared = _ALIASES.get(label, label)
    for candidate in [c for c in (declared, "utf-8") if c and c != "cp949"]:
        try:
            return data.decode(candidate), candidate, 0
        except LookupError:
            continue
        except UnicodeDecodeError:
            if candidate.replace("_", "-") in ("utf-8", "utf8"):
                text, _, defects = _decode_mixed(data, "utf-8")
                non_ascii = sum(1 for ch in text if ord(ch) > 127) or 1
                if defects <= _DEFECT_SHARE * non_ascii:
                    return text, "utf-8", defects
    try:
        return data.decode("cp949"), "cp949", 0
    except UnicodeDecodeError:
        return _decode_mixed(data, "utf-8")


def _decode_mixed(data: bytes, encoding: str) -> tuple[str, str, int]:
    """UTF-8 text whose invalid sequences are read as CP949 where they decode, else U+FFFD; and their count."""
    out: list[str] = []
    defects = pos = 0
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    while pos < len(data):
        try:
            out.append(decoder.decode(data[pos:], final=True))
            break
        except UnicodeDecodeError as error:
            good = data[pos:pos + error.start]
            out.append(good.decode("utf-8"))
            bad = pos + error.start
            defects += 1
            try:
                out.append(data[bad:bad + 2].decode("cp949"))
                pos = bad + 2
            except UnicodeDecodeError:
                out.append("\ufffd")
                pos = bad + max(1, error.end - error.start)
            decoder.reset()
    return "".join(out), encoding, defects
