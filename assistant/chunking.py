"""Chunk: cut documents into passages by heading, keeping the heading path.

A passage is what the assistant shows: one section (or part of a long one) of one document.
Fenced code blocks and tables are never cut; very short fragments join a neighbour.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # documents are only chunked when building: a warm start needs Passage alone
    from .corpus import Document

CHUNKING_VERSION = "3"  # part of the index cache key: change it when passages come out differently
SECTION_SEPARATOR = " › "
MAX_PASSAGE_CHARS = 900
MIN_PASSAGE_CHARS = 40

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ANCHOR = re.compile(r"\s*\{#[^}]*\}\s*$")
_ANCHOR_ID = re.compile(r"\{#([^}\s]+)\}\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


class Passage(NamedTuple):
    """A retrievable piece of a document, with everything needed to show and link it."""

    doc_id: str
    title: str
    section: str  # heading path inside the document, "見出し › 小見出し"; "" for the lead
    text: str
    source: str | None
    path: str
    chapter: str = ""

    @property
    def heading_path(self) -> str:
        """``記事タイトル › 見出し › 小見出し``."""
        return SECTION_SEPARATOR.join(p for p in (self.title, self.section) if p)


def split_blocks(body: str) -> list[str]:
    """Split Markdown into blocks at blank lines, keeping fenced code blocks whole."""
    blocks: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line) if "```" in line or "~~~" in line else None  # (most lines hold neither)
        if fence is not None:
            current.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and line.strip() == match.group(1):
                fence = None
            continue
        if match:
            fence = match.group(1)
            current.append(line)
            continue
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def heading_anchor(heading: str) -> str:
    """The id Hugo gives a heading without ``{#id}`` (its default "github" style): lower case, inline
    code and emphasis marks dropped, spaces to ``-``, other punctuation removed; letters of any
    script (漢字, かな) kept."""
    text = re.sub(r"[`*_]{1,2}([^`*_]+)[`*_]{1,2}", r"\1", heading.strip()).lower()
    return "".join("-" if ch.isspace() else ch for ch in text if ch.isalnum() or ch in "-_" or ch.isspace())


def _sections(body: str, anchors: dict[str, str] | None = None,
              generate: bool = False) -> list[tuple[list[str], list[str]]]:
    """(heading path, blocks) for each heading-delimited section, in order. Fills ``anchors`` with the
    link anchor of each heading path: its ``{#id}``, or (with ``generate``) the id Hugo makes."""
    sections: list[tuple[list[str], list[str]]] = []
    path: list[tuple[int, str]] = []
    blocks: list[str] = []
    for block in split_blocks(body):
        first, _, rest = block.partition("\n")
        heading = _HEADING.match(first) if not _FENCE.match(first) else None
        if heading:
            sections.append(([t for _, t in path], blocks))
            level = len(heading.group(1))
            explicit = _ANCHOR_ID.search(heading.group(2))
            title = _ANCHOR.sub("", heading.group(2)).strip()
            path = [(lv, t) for lv, t in path if lv < level] + [(level, title)]
            blocks = [rest] if rest.strip() else []
            anchor = explicit.group(1) if explicit else (heading_anchor(title) if generate else "")
            if anchors is not None and anchor:
                anchors.setdefault(SECTION_SEPARATOR.join(t for _, t in path), anchor)
        else:
            blocks.append(block)
    sections.append(([t for _, t in path], blocks))
    return [(p, b) for p, b in sections if b or p]


def _units(blocks: list[str]) -> list[str]:
    """Blocks with each code block or table joined to the paragraph that introduces it, so that a
    passage never starts with code that its explanation is cut away from."""
    units: list[str] = []
    for block in blocks:
        first = block.lstrip()
        is_code = bool(_FENCE.match(block)) or first.startswith("|")
        if is_code and units and not (_FENCE.match(units[-1]) or units[-1].lstrip().startswith("|")):
            units[-1] = units[-1] + "\n\n" + block
        else:
            units.append(block)
    return units


def _pack(blocks: list[str], limit: int) -> list[str]:
    """Group blocks into pieces of at most ``limit`` characters (a single large block stays whole)."""
    blocks = _units(blocks)
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for block in blocks:
        if current and size + len(block) > limit:
            pieces.append("\n\n".join(current))
            current, size = [], 0
        current.append(block)
        size += len(block) + 2
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def chunk_document(doc: Document, max_chars: int | None = None,
                   min_chars: int | None = None) -> list[Passage]:
    """Passages of one document, in reading order."""
    max_chars = max_chars or MAX_PASSAGE_CHARS
    min_chars = min_chars or MIN_PASSAGE_CHARS
    raw: list[tuple[str, str]] = []  # (section, text)
    # A section links to its own anchor: the heading's {#id}, or for a page without an id of its own
    # (Hugo docs: the id is the file path) the id Hugo generates. Guide articles link to the page.
    anchors: dict[str, str] = {}
    for path, blocks in _sections(doc.body, anchors, generate=doc.doc_id == doc.path):
        section = SECTION_SEPARATOR.join(path)
        for piece in _pack(blocks, max_chars):
            raw.append((section, piece))
        if not blocks:
            raw.append((section, ""))
    merged: list[tuple[str, str]] = []
    for section, text in raw:
        if merged and len(merged[-1][1]) < min_chars and _can_merge(merged[-1][0], section):
            prev_section, prev_text = merged[-1]
            if prev_section == "":
                merged[-1] = (section, (prev_text + "\n\n" + text).strip())
                continue
            sub = section[len(prev_section):].lstrip(" ›")
            joined = prev_text + (f"\n\n**{sub}**\n\n" if sub else "\n\n") + text
            merged[-1] = (prev_section, joined.strip())
        else:
            merged.append((section, text))
    if len(merged) > 1 and len(merged[-1][1]) < min_chars:
        section, text = merged.pop()
        prev_section, prev_text = merged[-1]
        label = section[len(prev_section):].lstrip(" ›") if section.startswith(prev_section) else section
        merged[-1] = (prev_section, (prev_text + (f"\n\n**{label}**\n\n" if label else "\n\n") + text).strip())
    passages = [Passage(doc.doc_id, doc.title, section, text.strip(), _link(doc.source, anchors.get(section)),
                        doc.path, doc.chapter)
                for section, text in merged if text.strip() or section]
    if not passages:
        passages = [Passage(doc.doc_id, doc.title, "", doc.description or doc.title, doc.source,
                            doc.path, doc.chapter)]
    return [p if p.text else Passage(p.doc_id, p.title, p.section, p.section.split(SECTION_SEPARATOR)[-1],
                                     p.source, p.path, p.chapter) for p in passages]


def _link(source: str | None, anchor: str | None) -> str | None:
    """The page's link, pointing at the section's anchor when it has one (only web pages)."""
    if not source or not anchor or "#" in source or not source.startswith(("http://", "https://")):
        return source
    return f"{source}#{anchor}"


def _can_merge(previous: str, section: str) -> bool:
    """A short fragment joins the next one when it is the same section or its parent."""
    return section == previous or section.startswith(previous + SECTION_SEPARATOR) or previous == ""


def chunk_documents(documents: list[Document], max_chars: int | None = None) -> list[Passage]:
    """All passages of all documents."""
    out: list[Passage] = []
    for doc in documents:
        out.extend(chunk_document(doc, max_chars))
    return out
