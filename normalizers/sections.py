"""Blocks -> the heading tree (`sections`), using the printed-marker rules in rules/headings.toml.

A heading is either marked up by the format (`Heading` block) or a paragraph
whose printed marker (`Ⅰ.`, `1.`, `가.`, `1)`, `(1)`, `①`, `□` …) opens a
section and whose rest reads like a title. Levels: a marked-up heading keeps
its format level; a numbered paragraph ranks below the nearest marked-up
heading by the order in which its marker type first appeared there, so
`Ⅰ. / 1. / 가.` nest whatever level the document starts them at.

A table of contents (a heading such as "[ 목 차 ]") is a section of its own
whose entries are its text, never headings; it closes before the first
chapter, so the chapters do not nest under it (`toc_span`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.document import Block, Document, Heading, ListItem, Paragraph, Table
from normalizers import rules
from normalizers.record import Section

_TITLE_ON_NEXT_LINE = {"chapter", "part"}  # "PARTⅠ- 1" / "제2장" alone: the title is the next line


@dataclass(frozen=True)
class MarkedLine:
    """A line split into its printed marker type, number and title."""

    marker: str
    role: str
    number: str | None
    title: str


def split_marker(text: str, *, marked_up: bool = False) -> MarkedLine | None:
    """The first marker rule matching `text` (roles 'marked' only for marked-up headings)."""
    stripped = text.strip()
    for marker in rules.headings().marker:
        if marker.role == "marked" and not marked_up:
            continue
        m = marker.pattern.match(stripped)
        if m:
            number = (m.group("num") or "").strip() or None
            return MarkedLine(marker.name, marker.role, number, (m.group("title") or "").strip())
    return None


def is_title_like(title: str) -> bool:
    """Short, not a sentence, not a table-of-contents line."""
    title_rules = rules.headings().title
    if not title or len(title) > title_rules.max_chars or title_rules.toc_pattern.search(title):
        return False
    return not is_sentence(title)


def is_sentence(text: str) -> bool:
    """True when `text` ends like a sentence ('…한다.', '…함', '…음') rather than a title."""
    return any(p.search(text) for p in rules.headings().title.sentence_endings)


def kind_of(title: str) -> str | None:
    """Canonical heading key (`strategy`, `program`, `budget`, …) from words in a title."""
    for rule in rules.headings().kind:
        if rule.pattern.search(title):
            return rule.kind
    return None


@dataclass
class _Open:
    """A section being built (mutable while its body is collected)."""

    section_id: str
    parent_id: str | None
    seq: int
    level: int
    number: str | None
    title: str
    page: int | None
    line: int | None
    marker: str | None
    body: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, text: str) -> int | None:
        """Append a block's text to the body; returns where it starts in the joined body."""
        if not text:
            return None
        start = self.length + 1 if self.body else 0
        self.body.append(text)
        self.length = start + len(text)
        return start


@dataclass(frozen=True)
class SectionTree:
    """The heading tree, the section holding each block, and where each block's text starts in it.

    `block_offsets[i]` indexes `Section.text` of `block_sections[i]`; it is None
    for blocks that are headings (or the title line of one).
    """

    sections: tuple[Section, ...]
    block_sections: tuple[str | None, ...]
    block_offsets: tuple[int | None, ...]


def document_to_sections(doc: Document) -> SectionTree:
    """The heading tree of `doc`, with every block placed in it."""
    opened: list[_Open] = []
    stack: list[_Open] = []
    markers_under: list[str] = []
    block_sections: list[str | None] = []
    offsets: list[int | None] = []
    base_level = 0
    untitled: _Open | None = None
    toc_end = -1
    for index, block in enumerate(doc.blocks):
        if index < toc_end:
            offsets.append(stack[-1].add(_entry_text(block)))
            block_sections.append(stack[-1].section_id)
            continue
        if index == toc_end:
            stack.pop()
        if untitled is not None and isinstance(block, Paragraph) and is_title_like(block.text) \
                and block_to_heading(block) is None:
            untitled.title = block.text
            block_sections.append(untitled.section_id)
            offsets.append(None)
            untitled = None
            continue
        untitled = None
        heading = block_to_heading(block)
        if heading is not None:
            level, number, title, marker = heading
            if marker is None or isinstance(block, Heading):
                base_level = level
                markers_under = []
            else:
                if marker not in markers_under:
                    markers_under.append(marker)
                else:
                    del markers_under[markers_under.index(marker) + 1:]
                level = base_level + markers_under.index(marker) + 1
            while stack and stack[-1].level >= level:
                stack.pop()
            seq = len(opened) - (opened[0].section_id == "s0" if opened else 0) + 1   # s0 is only ever first
            sec = _Open(f"s{seq}", stack[-1].section_id if stack else None, seq,
                        level, number, title, block.source.page, block.source.line, marker)
            opened.append(sec)
            stack.append(sec)
            block_sections.append(sec.section_id)
            offsets.append(None)
            untitled = sec if not title else None
            if rules.headings().toc_title.pattern.match(title):
                toc_end = toc_span(doc.blocks, index)
            continue
        if not stack:
            sec = _Open("s0", None, 0, 1, None, doc.title or "", block.source.page, block.source.line, None)
            opened.insert(0, sec)
            stack.append(sec)
        offsets.append(stack[-1].add(block_to_text(block)))
        block_sections.append(stack[-1].section_id)
    sections = tuple(Section(section_id=s.section_id, parent_id=s.parent_id, seq=s.seq, level=s.level,
                             number=s.number, title=s.title, kind=kind_of(s.title), page=s.page,
                             text="\n".join(s.body), line=s.line) for s in opened)
    return SectionTree(sections, tuple(block_sections), tuple(offsets))


def toc_span(blocks: tuple[Block, ...], start: int) -> int:
    """The index after the last entry of the table of contents headed by `blocks[start]`.

    Entries run on while lines are listed (leader dots or a page number) or
    unlisted but followed by a listed one within three blocks (a chapter
    name over its items). The contents end at the first block repeating an
    entry (the first chapter), at an unlisted block on a later page than the
    last listed one, or at prose.
    """
    listed = rules.headings().title.toc_pattern
    seen: set[str] = set()
    last_page = blocks[start].source.page if not isinstance(blocks[start], Table) else None
    end = start + 1
    for i in range(start + 1, len(blocks)):
        text = _entry_text(blocks[i])
        key = _entry_key(text)
        if key in seen:
            break
        page = blocks[i].source.page
        if listed.search(text):
            last_page = page or last_page
        elif ((page and last_page and page > last_page)
              or not any(listed.search(_entry_text(b)) for b in blocks[i + 1:i + 4])):
            break
        seen.add(key)
        end = i + 1
    return end


def _entry_text(block: Block) -> str:
    """A block's text as a table-of-contents entry (a heading's title included)."""
    return block.title if isinstance(block, Heading) else block_to_text(block)


def _entry_key(text: str) -> str:
    """An entry without its leader dots, page number and spaces ("Ⅰ. 2021년 평가 ····· 1" -> "Ⅰ.2021년평가")."""
    text = re.split(r"·{3,}|…{2,}|\.{4,}", text, maxsplit=1)[0]
    return re.sub(r"\s+", "", re.sub(r"\s\d{1,3}\s*$", "", text))


def block_to_heading(block: Block) -> tuple[int, str | None, str, str | None] | None:
    """(level, number, title, marker type) when the block opens a section, else None."""
    if isinstance(block, Heading):
        split = split_marker(block.title, marked_up=True)
        if split and split.role != "bullet":
            return block.level, block.number or split.number, split.title, split.marker
        return block.level, block.number, block.title, None
    if isinstance(block, Paragraph):
        split = split_marker(block.text)
        if split and split.role == "heading" and (
                is_title_like(split.title) or (not split.title and split.marker in _TITLE_ON_NEXT_LINE)):
            return 0, split.number, split.title, split.marker
    return None


def block_to_text(block: Block) -> str:
    """A block's text for a section body; tables as tab-separated rows."""
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, ListItem):
        return "  " * block.depth + f"{block.marker} {block.text}"
    if isinstance(block, Table):
        return "\n".join("\t".join(row) for row in block.rows_text())
    return ""
