"""The HWPX package layer: a size-bounded zip, XML parsed with defusedxml, the OPF spine and metadata.

Safety: XML is parsed with defusedxml (no DTDs, entities or external
references), a member larger than `MAX_MEMBER_BYTES` is refused, and so is
an archive whose uncompressed total exceeds both `MAX_TOTAL_FLOOR` and
`MAX_EXPANSION` times the file size. Password-protected packages (zip
encryption or `encryption-data` in META-INF/manifest.xml) are refused.
Elements are matched by local name, since OWPML namespace URIs vary by
writer version.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import olefile
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from extractors.document import ExtractError, Issue

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest uncompressed zip member read."""
MAX_EXPANSION = 100
"""An archive expanding more than this many times its size (and past the floor) is a zip bomb."""
MAX_TOTAL_FLOOR = 50 * 1024 * 1024
"""Uncompressed totals up to this size are always accepted."""
HWPX_MIMETYPE = b"application/hwp+zip"

_SECTION_NAME = re.compile(r"(?:^|/)section(\d+)\.xml$", re.IGNORECASE)


@dataclass(frozen=True)
class Package:
    """What the package files say: section parts in reading order, the OPF title, oddities found."""

    sections: tuple[str, ...]
    title: str | None
    issues: tuple[Issue, ...] = ()


def open_zip(path: Path) -> zipfile.ZipFile:
    """The HWPX zip, or `ExtractError` saying what the file is instead."""
    if not zipfile.is_zipfile(path):
        if olefile.isOleFile(str(path)):
            raise ExtractError(f"{path.name} is an HWP 5 binary (OLE compound file), not HWPX; "
                               "rename it to .hwp")
        raise ExtractError(f"{path.name} is not a zip archive, so not HWPX (a zip of OWPML XML); "
                           "the file is damaged or has the wrong suffix")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ExtractError(f"{path.name}: corrupt HWPX zip ({error}); re-save it from Hangul") from error


def checked_names(archive: zipfile.ZipFile, file_size: int) -> set[str]:
    """Member names, after refusing oversized members, zip bombs and password protection."""
    infos = archive.infolist()
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise ExtractError(f"zip member {info.filename} expands to {info.file_size:,} bytes "
                               f"(limit {MAX_MEMBER_BYTES:,}); refused as a possible zip bomb")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_FLOOR and total > MAX_EXPANSION * max(file_size, 1):
        raise ExtractError(f"zip expands to {total:,} bytes from {file_size:,} "
                           f"(over {MAX_EXPANSION}x); refused as a possible zip bomb")
    names = {info.filename for info in infos}
    encrypted = any(info.flag_bits & 0x1 for info in infos) or (
        "META-INF/manifest.xml" in names and b"encryption-data" in read_member(archive, "META-INF/manifest.xml"))
    if encrypted:
        raise ExtractError("HWPX file is password-encrypted; open it in Hangul, remove the password "
                           "and save it again (or save as PDF)")
    return names


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes, never more than `MAX_MEMBER_BYTES` whatever the zip header claims."""
    try:
        with archive.open(name) as member:
            data = member.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ExtractError(f"zip member {name} is corrupt ({error}); re-save the file from Hangul") from error
    except RuntimeError as error:
        raise ExtractError(f"zip member {name} is encrypted ({error}); remove the password in Hangul") from error
    if len(data) > MAX_MEMBER_BYTES:
        raise ExtractError(f"zip member {name} expands past {MAX_MEMBER_BYTES:,} bytes; refused")
    return data


def parse_member(archive: zipfile.ZipFile, name: str) -> Element:
    """A member parsed as XML without DTDs, entity expansion or external references.

    Raises `ParseError` for malformed XML (the caller decides whether that
    is an issue) and `ExtractError` for XML that tries DTDs or entities.
    """
    data = read_member(archive, name)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise ExtractError(f"{name} declares a DTD or entities ({error!r}); refused for safety") from error


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
    """Direct children with local name `name`."""
    return (child for child in element if local_name(child) == name)


def descendants(element: Element, name: str) -> Iterator[Element]:
    """`element` and everything below it with local name `name`."""
    return (el for el in element.iter() if local_name(el) == name)


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
