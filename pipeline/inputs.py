"""Which files a run reads: walking input folders safely and hashing file bytes.

Only regular files are read. A FIFO, a device or a socket would block or
never end, and a symbolic link may point anywhere: a link is followed only
when its target is a regular file inside the same input folder. Such files
are not read but still reported (a `failed` row saying why), so every file a
researcher sees in a folder is accounted for. File names that are not valid
UTF-8 are stored with the bad bytes escaped (`bad-\\xff.txt`).
"""
from __future__ import annotations

import errno
import fnmatch
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.files import NOT_DOCUMENTS

# Files that sit beside documents but are not documents.
IGNORED = ("README*", "LICENSE*", "*.py", "*.sh", "*.css", "*.js", "*.png", "*.jpg", "*.jpeg",
           "*.gif", "*.bmp", "*.svg", "*.json", "*.toml", "*.yml", "*.yaml", "Makefile",
           "SHA256SUMS", "*.db", "*.sqlite", "*.db-wal", "*.db-shm", "*.db-journal", *NOT_DOCUMENTS)
_IGNORED = re.compile("|".join(fnmatch.translate(p) for p in IGNORED))   # one match per name, not 23
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


@dataclass(frozen=True)
class InputFile:
    """A file to read: `rel` is its printable path relative to the input root, `root` that root (absolute).

    `path` is what to open (a link's target inside the root); `problem` says
    why the file is not read at all (None: read it).
    """

    path: Path
    rel: str
    root: str
    problem: str | None = None
    size: int | None = None


def printable(name: str) -> str:
    """A file name as valid text: bytes that were not UTF-8 (surrogate escapes) shown as `\\xNN`."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def input_file(path: Path, rel: str, root: Path, anywhere: bool = False) -> InputFile:
    """A directory entry under `root` (resolved): what to open, or why it must not be read.

    A link may point outside `root` only when `anywhere` (a file named on the command line).
    """
    def refused(problem: str) -> InputFile:
        return InputFile(path, printable(rel), str(root), problem)

    try:
        st = os.lstat(path)
    except OSError as exc:
        return refused(f"cannot read file: {exc.strerror or exc}")
    target = path
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            why = "broken symbolic link" if exc.errno == errno.ENOENT else f"symbolic link: {exc.strerror}"
            return refused(f"cannot read file: {why}")
        target = Path(os.path.realpath(path))
        if not anywhere and not target.is_relative_to(root):
            return refused(f"not read: symbolic link to {printable(str(target))}, outside the input folder")
    for test, kind in _KINDS:
        if test(st.st_mode):
            return refused(f"not read: {kind}, not a regular file")
    return InputFile(target, printable(rel), str(root), None, st.st_size)


def discover(paths: list[Path]) -> list[InputFile]:
    """Every candidate document under `paths` (files or folders), sorted, hidden/companion files left out.

    Folders are walked without following links to other folders.
    """
    found: list[InputFile] = []
    for given in paths:
        if not given.is_dir():
            root = given.parent.resolve()
            found.append(input_file(root / given.name, given.name, root, anywhere=True))
            continue
        root = given.resolve()
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
            for name in sorted(filenames):
                if name.startswith(".") or _IGNORED.match(name):
                    continue
                full = Path(dirpath) / name
                found.append(input_file(full, full.relative_to(root).as_posix(), root))
    return found


def sha256_of(path: Path) -> str:
    """SHA-256 hex of a regular file's bytes; OSError for anything else (opened without blocking)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{printable(str(path))} is not a regular file")
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def path_id(item: InputFile) -> str:
    """The id of a file that is not read: the hash of its place, since its bytes are unknown."""
    return hashlib.sha256(f"unreadable:{item.root}/{item.rel}".encode("utf-8", "backslashreplace")).hexdigest()
