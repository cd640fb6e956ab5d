"""Zip containers (HWPX, DOCX) opened safely: member sizes, totals and counts bounded before anything is read.

Declared sizes in the zip directory bound what `zipfile` will inflate, so
checking them first keeps a few kilobytes from expanding into gigabytes:
a member larger than `MAX_MEMBER_BYTES` is refused, and so is an archive
whose uncompressed total exceeds both `MAX_TOTAL_FLOOR` and `MAX_EXPANSION`
times the file size, or that has more than `MAX_MEMBERS` members.
"""
from __future__ import annotations

import zipfile
import zlib

from extractors.document import ExtractError
from extractors.grid import TooLarge

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest uncompressed zip member read."""
MAX_EXPANSION = 100
"""An archive expanding more than this many times its size (and past the floor) is a zip bomb."""
MAX_TOTAL_FLOOR = 50 * 1024 * 1024
"""Uncompressed totals up to this size are always accepted."""
MAX_MEMBERS = 20_000
"""More members than this is not a document."""


def checked_infos(archive: zipfile.ZipFile, file_size: int, limit: int | None = None) -> list[zipfile.ZipInfo]:
    """The archive's members, after refusing oversized members, zip bombs and member floods."""
    limit = MAX_MEMBER_BYTES if limit is None else limit
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise TooLarge(f"zip has {len(infos):,} members (limit {MAX_MEMBERS:,}); refused")
    for info in infos:
        if info.file_size > limit:
            raise TooLarge(f"zip member {info.filename} expands to {info.file_size:,} bytes "
                               f"(limit {limit:,}); refused as a possible zip bomb")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_FLOOR and total > MAX_EXPANSION * max(file_size, 1):
        raise TooLarge(f"zip expands to {total:,} bytes from {file_size:,} "
                           f"(over {MAX_EXPANSION}x); refused as a possible zip bomb")
    return infos


def read_member(archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    """One member's bytes, never more than the limit whatever the zip header claims."""
    limit = MAX_MEMBER_BYTES if limit is None else limit
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise ExtractError(f"zip member {name} is corrupt ({error}); re-save the file") from error
    except RuntimeError as error:
        raise ExtractError(f"zip member {name} is encrypted ({error}); remove the password") from error
    if len(data) > limit:
        raise TooLarge(f"zip member {name} expands past {limit:,} bytes; refused")
    return data
