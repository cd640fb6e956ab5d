"""The HWPX package layer: a size-bounded zip, XML parsed with lxml safely, the OPF spine and metadata.

Safety: member sizes and totals are bounded by `extractors.archive`. XML is
parsed by lxml (libxml2) with DTD loading, entity resolution and network
access off and libxml2's own size limits on (no `huge_tree`); a member that
declares a DTD (where entity bombs and XXE live) is refused outright.
Password-protected packages (zip encryption or `encryption-data` in
META-INF/manifest.xml) are refused.
Elements are matched by local name, since OWPML namespace URIs vary by
writer version.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import olefile
from lxml import etree

from extractors.archive import MAX_MEMBER_BYTES, checked_infos
from extractors.archive import read_member as archive_read_member
from extractors.document import ExtractError, Issue

HWPX_MIMETYPE = b"application/hwp+zip"
Element: TypeAlias = Any
"""An lxml element (lxml ships no type stubs here)."""
ParseError = etree.XMLSyntaxError
"""Raised for XML that is not well-formed."""
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)

_SURROGATE_REF = re.compile(r"&#(?:x[dD][89a-fA-F][0-9a-fA-F]{2}|5[5-7]\d{3});")
"""Character references to UTF-16 surrogates (U+D800-U+DFFF), which XML forbids; decimal form roughly bounded."""
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SECTION_NAME = re.compile(r"(?:^|/)section(\d+)\.xml$", re.IGNORECASE)


@dataclass(frozen=True)
class Package:
    """What the package files say: section parts in reading order, the OPF title, oddities found."""

    sections: tuple[str, ...]
    title: str | None
    issues: tuple[Issue, ...] = ()


def open_zip(path: Path) -> zipfile.ZipFile:
    """The HWPX zip, or `ExtractError` saying what the file is instead."""
    if path.stat().st_size == 0:
        raise ExtractError(f"empty file: {path.name} has no bytes, so no HWPX zip")
    if not zipfile.is_zipfile(path):
        if olefile.isOleFile(str(path)):
            raise ExtractError(f"{path.name} is an HWP 5 binary (OLE compound file), not HWPX; "
                               "rename it to .hwp")
        raise ExtractError(f"{path.name} is not a zip archive, so not HWPX (a zip of OWPML XML); "
                           "the file is damaged or has the wrong suffix")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as error:
        raise ExtractError(f"{path.name}: corrupt HWPX zip ({error}); re-save it from Hangul") from error


def checked_names(archive: zipfile.ZipFile, file_size: int) -> set[str]:
    """Member names, after refusing oversized members, zip bombs and password protection."""
    infos = checked_infos(archive, file_size, MAX_MEMBER_BYTES)
    names = {info.filename for info in infos}
    encrypted = any(info.flag_bits & 0x1 for info in infos) or (
        "META-INF/manifest.xml" in names and b"encryption-data" in read_member(archive, "META-INF/manifest.xml"))
    if encrypted:
        raise ExtractError("HWPX file is password-encrypted; open it in Hangul, remove the password "
                           "and save it again (or save as PDF)")
    return names


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes, never more than `MAX_MEMBER_BYTES` whatever the zip header claims."""
    return archive_read_member(archive, name, MAX_MEMBER_BYTES)


def parse_member(archive: zipfile.ZipFile, name: str) -> Element:
    """A member parsed as XML without DTDs, entity expansion or external references.

    Raises `ParseError` for malformed XML (the caller decides whether that
    is an issue) and `ExtractError` for XML that tries DTDs or entities.
    """
    return _parse_bytes(read_member(archive, name), name)


def parse_member_mended(archive: zipfile.ZipFile, name: str) -> tuple[Element, int]:
    """`parse_member`, and when the XML is malformed only by its characters (bytes that are not UTF-8, a
    character reference to a lone surrogate), the member parsed with those replaced by U+FFFD.

    Returns the root and how many characters were replaced; raises `ParseError` when it stays malformed.
    """
    data = read_member(archive, name)
    try:
        return _parse_bytes(data, name), 0
    except ParseError:
        text = data.decode("utf-8", errors="replace")
        mended, refs = _SURROGATE_REF.subn("\ufffd", text)
        replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd") + refs
        if not replaced:
            raise
        body = _XML_DECLARATION.sub("", mended, count=1).encode("utf-8")
        return _parse_bytes(body, name), replaced


def _parse_bytes(data: bytes, name: str) -> Element:
    root = etree.fromstring(data, _PARSER)
    if root.getroottree().docinfo.doctype or b"<!ENTITY" in data[:65536]:
        raise ExtractError(f"{name} declares a DTD or entities; refused for safety")
    return root


def describe_mimetype(archive: zipfile.ZipFile, names: set[str]) -> str:
    """A short description of the package's mimetype member for error messages."""
    if "mimetype" not in names:
        return "no mimetype member"
    value = read_member(archive, "mimetype")[:80]
    return "mimetype ok" if value == HWPX_MIMETYPE else f"mimetype {value.decode('latin-1')!r}"


def read_package(archive: zipfile.ZipFile, names: set[str]) -> Package:
    """Sections in Contents/content.hpf spine order (else section0..N by number) and the OPF title."""
    root, issues = None, []
    if "Contents/content.hpf" in names:
        try:
            root = parse_member(archive, "Contents/content.hpf")
        except ParseError as error:
            issues.append(Issue("package-unreadable", f"Contents/content.hpf is not well-formed ({error}); "
                                                      "sections read in number order"))
    sections = _spine_sections(root, names) if root is not None else []
    if not sections:
        found = [(int(m.group(1)), n) for n in names if n.startswith("Contents/") and (m := _SECTION_NAME.search(n))]
        sections = [name for _, name in sorted(found)]
    title = next(descendants(root, "title"), None) if root is not None else None
    return Package(tuple(sections), _text(title), tuple(issues))


def _spine_sections(package: Element, names: set[str]) -> list[str]:
    """Section hrefs listed by the OPF spine, resolved against the zip's member names."""
    hrefs = {item.get("id"): item.get("href", "") for item in descendants(package, "item")}
    out = []
    for ref in descendants(package, "itemref"):
        href = hrefs.get(ref.get("idref"), "")
        resolved = href if href in names else f"Contents/{href}"
        if _SECTION_NAME.search(href) and resolved in names and resolved not in out:
            out.append(resolved)
    return out


def package_meta(archive: zipfile.ZipFile, names: set[str], package: Package) -> tuple[tuple[str, str], ...]:
    """Section count, format version (version.xml) and the package title as metadata pairs."""
    meta = [("sections", str(len(package.sections)))]
    try:
        version = parse_member(archive, "version.xml") if "version.xml" in names else None
    except ParseError:
        version = None
    if version is not None:
        numbers = (version.get(k, "0") for k in ("major", "minor", "micro", "buildNumber"))
        meta += [("hwpx_version", ".".join(numbers)), ("xml_version", version.get("xmlVersion", ""))]
    return tuple(meta + ([("package_title", package.title)] if package.title else []))


def local_name(element: Element) -> str:
    """Tag name without namespace."""
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def children(element: Element, name: str) -> Iterator[Element]:
    """Direct children with local name `name` (any namespace)."""
    return element.iterchildren(f"{{*}}{name}")


def descendants(element: Element, name: str) -> Iterator[Element]:
    """`element` and everything below it with local name `name` (any namespace)."""
    return element.iter(f"{{*}}{name}")


def int_attr(element: Element | None, name: str, default: int = 0) -> int:
    """An integer attribute, `default` when the element or attribute is absent or malformed."""
    value = element.get(name) if element is not None else None
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _text(element: Element | None) -> str | None:
    """An element's stripped text, None when absent or blank."""
    text = (element.text or "").strip() if element is not None else ""
    return text or None
