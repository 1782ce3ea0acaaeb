"""Markdown parsed into blocks (``blocks.py``) with markdown-it's "gfm-like" rules, on any thread.

Parsing and code highlighting are done where the answer is prepared (the worker thread), so the UI
thread only draws. Control characters are removed before parsing; links become click actions that
the widget reports and never opens.
"""

from __future__ import annotations

import re
import threading

from textual.content import Content, Span
from textual.style import Style

from ..text import clean
from .blocks import Block, Code, Heading, ListBlock, Line, Paragraph, Quote, Rule, Table, stack

_SPACE = re.compile(r"\s+")

_local = threading.local()


def _parser():
    parser = getattr(_local, "parser", None)
    if parser is None:
        from markdown_it import MarkdownIt

        parser = _local.parser = MarkdownIt("gfm-like")
    return parser


class MarkdownDocument:
    """Parsed Markdown, ready to draw at any width. Safe to build on a worker thread."""

    def __init__(self, source: str, blocks: list[Block], top_margin: bool = True) -> None:
        self.source = source
        self.blocks = blocks
        self.top_margin = top_margin  # keep the first block's space above (a heading's), as Textual does

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        return stack(self.blocks, max(1, width), ansi, dark, top=self.top_margin)


def parse_markdown(source: str, *, ansi: bool = False, dark: bool = True) -> MarkdownDocument:
    """Parse Markdown (control characters removed) into blocks; code is highlighted for the theme."""
    source = clean(source)
    tokens = _parser().parse(source)
    top: list[Block] = []
    open_blocks: list[Block] = []  # Paragraph/Heading/Quote/ListBlock/Table, innermost last
    items: list[list[Block]] = []  # the open list items' blocks
    cell: list[Content] | None = None

    def add(block: Block) -> None:
        parent = open_blocks[-1] if open_blocks else None
        if isinstance(parent, Quote):
            parent.blocks.append(block)
        elif isinstance(parent, ListBlock) and items:
            items[-1].append(block)
        else:
            top.append(block)

    def nested() -> bool:
        return bool(open_blocks)

    for token in tokens:
        kind = token.type
        if kind == "paragraph_open":
            open_blocks.append(Paragraph(nested=nested()))
        elif kind == "heading_open":
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            open_blocks.append(Heading(level))
        elif kind == "inline":
            content = inline_content(token)
            if cell is not None:
                cell.append(content)
            elif open_blocks and isinstance(open_blocks[-1], Paragraph):
                open_blocks[-1].content = content
        elif kind in ("paragraph_close", "heading_close"):
            if open_blocks and isinstance(open_blocks[-1], Paragraph):
                block = open_blocks.pop()
                add(block)
        elif kind == "blockquote_open":
            open_blocks.append(Quote())
        elif kind in ("bullet_list_open", "ordered_list_open"):
            depth = sum(1 for b in open_blocks if isinstance(b, ListBlock) and not b.ordered)
            open_blocks.append(ListBlock(kind == "ordered_list_open", nested(), depth))
        elif kind == "list_item_open":
            if open_blocks and isinstance(open_blocks[-1], ListBlock):
                open_blocks[-1].items.append([])
                open_blocks[-1].numbers.append(token.info or "")
                items.append(open_blocks[-1].items[-1])
        elif kind == "list_item_close":
            if items:
                items.pop()
        elif kind in ("blockquote_close", "bullet_list_close", "ordered_list_close", "table_close"):
            if open_blocks:
                block = open_blocks.pop()
                add(block)
        elif kind == "table_open":
            open_blocks.append(Table())
        elif kind == "thead_open":
            if open_blocks and isinstance(open_blocks[-1], Table):
                open_blocks[-1].in_head = True
        elif kind == "thead_close":
            if open_blocks and isinstance(open_blocks[-1], Table):
                open_blocks[-1].in_head = False
        elif kind == "tr_open":
            table = open_blocks[-1] if open_blocks and isinstance(open_blocks[-1], Table) else None
            if table is not None:
                if table.in_head:
                    cell = table.header
                else:
                    table.rows.append([])
                    cell = table.rows[-1]
        elif kind == "tr_close":
            cell = None
        elif kind in ("fence", "code_block"):
            language = (token.info or "").strip().split(" ")[0] if kind == "fence" else ""
            code = Code(token.content.rstrip(), language or guess_language(token.content))
            code.highlighted(ansi, dark)  # highlight here (off the UI thread when called there)
            add(code)
        elif kind == "hr":
            add(Rule())
        # anything else (raw HTML) is not shown, as in Textual's Markdown
    while open_blocks:  # unbalanced input: keep what was read
        add(open_blocks.pop())
    return MarkdownDocument(source, top)


def inline_content(token) -> Content:
    """Inline Markdown as Content (as Textual's Markdown does), styled by component classes."""
    if not token.children:
        return Content("")
    parts: list[str] = []
    spans: list[Span] = []
    styles: list[tuple[str | Style, int]] = []
    position = 0

    def add(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    def close() -> None:
        if styles:
            style, start = styles.pop()
            if position > start:
                spans.append(Span(start, position, style))

    for child in token.children:
        kind = child.type
        if kind == "text":
            add(_SPACE.sub(" ", child.content))
        elif kind == "hardbreak":
            add("\n")
        elif kind == "softbreak":
            add(" ")
        elif kind == "code_inline":
            styles.append((".md--code-inline", position))
            add(child.content)
            close()
        elif kind == "em_open":
            styles.append((".md--em", position))
        elif kind == "strong_open":
            styles.append((".md--strong", position))
        elif kind == "s_open":
            styles.append((".md--s", position))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            styles.append((Style.from_meta({"@click": f"link({href!r})"}), position))
        elif kind == "image":
            href = str(child.attrs.get("src", ""))
            styles.append((Style.from_meta({"@click": f"link({href!r})"}), position))
            alt = str(child.attrs.get("alt", "") or "")
            add("🖼  " + (f"({alt})" if alt else ""))
            close()
        elif kind.endswith("_close"):
            close()
    return Content("".join(parts), spans=spans)


def guess_language(code: str) -> str:
    """A cheap guess for unlabelled code (Pygments' own guess can take 0.3 s): shell or YAML, else text."""
    first = next((line.strip() for line in code.splitlines() if line.strip()), "")
    if first.startswith("$ "):
        return "console"
    if first.split(" ")[0] in ("kubectl", "helm", "docker", "minikube", "kind", "sudo", "curl", "cd", "export"):
        return "bash"
    if re.match(r"^(apiVersion|kind|metadata|spec)\s*:", first) or re.match(r"^[\w.-]+:(\s|$)", first):
        return "yaml"
    return "text"


def warm_up() -> None:
    """Pay the first-use costs (parser rules, lexer lookup, wrapping) on a worker thread."""
    sample = ("## a\n\n**b** `c` [d](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
              "```yaml\nx: 1\n```\n\n```bash\nkubectl get pods\n```\n\n```console\n$ ls\n```\n\n"
              "- d\n  - e\n1. f\n\n> g\n\n---\n")
    document = parse_markdown(sample)
    document.lines(40)

