"""Markdown drawn by one widget: passages and articles without a widget per paragraph.

Textual's ``Markdown`` mounts a widget for every block (a list item alone is four widgets), which
made a passage with a short list cost about 50 ms to mount before it could be painted. Here the
Markdown is parsed (with the same markdown-it "gfm-like" parser) into a small tree of blocks, which
can be done off the UI thread (:func:`parse_markdown`), and :class:`MarkdownView` draws the whole
tree as one visual: paragraphs, headings, bullet and numbered lists with hanging indents, block
quotes, code with syntax highlighting, tables and rules. Lines are wrapped for the width at hand
(with the Japanese line breaking of ``wrap.py``); text can be selected and copied as usual.

Colours come from component classes (``md--*``) styled by the widget's own DEFAULT_CSS, theme
variables only, as Textual's Markdown had its own. Links are never opened here: a click posts
:class:`MarkdownView.LinkClicked` and the app decides.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Iterable, NamedTuple
from urllib.parse import unquote

from rich._wrap import divide_line
from rich.cells import cell_len
from textual.content import Content, Span
from textual.message import Message
from textual.style import Style
from textual.visual import Visual
from textual.widget import Widget

from ..text import clean

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.selection import Selection
    from textual.strip import Strip
    from textual.visual import RenderOptions

BULLETS = ["• ", "▪ ", "‣ ", "⭑ ", "◦ "]  # as Textual's Markdown, by depth
_SPACE = re.compile(r"\s+")


class _Line(NamedTuple):
    content: Content
    joins: bool = False  # a wrapped continuation of the line above (copied without a line break)
    skip: int = 0  # characters of indentation at the start that copying leaves out


# --- blocks -----------------------------------------------------------------------------------------


class Block:
    """A block of the document. ``top`` and ``bottom`` are blank lines around it (collapsed)."""

    top = 0
    bottom = 0

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:  # pragma: no cover
        raise NotImplementedError


class Paragraph(Block):
    def __init__(self, nested: bool, content: Content | None = None, style: str = "",
                 top: int = 0) -> None:
        self.content = content or Content("")
        self.top = top
        self.bottom = 0 if nested else 1
        self.style = style  # e.g. a component class: ".md--h2"

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        content = self.content.stylize_before(self.style) if self.style else self.content
        return wrap(content, width)


class Heading(Paragraph):
    def __init__(self, level: int) -> None:
        super().__init__(nested=True)
        self.level = level
        self.top = 2 if level <= 2 else 1  # the margins of Textual's Markdown headers
        self.bottom = 1
        self.style = f".md--h{level}"

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        lines = super().lines(width, ansi, dark)
        if self.level == 1:  # centred, as in Textual's Markdown
            lines = [_Line(line.content.center(width), line.joins, line.skip) for line in lines]
        return lines


class ListBlock(Block):
    def __init__(self, ordered: bool, nested: bool, depth: int) -> None:
        self.ordered = ordered
        self.depth = depth
        self.items: list[list[Block]] = []
        self.numbers: list[str] = []
        self.bottom = 0 if nested else 1

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        if self.ordered:
            try:
                start = int(self.numbers[0]) if self.numbers else 1
            except ValueError:
                start = 1
            labels = [f"{n}. " for n in range(start, start + len(self.items))]
            size = max((len(label) for label in labels), default=0) + 1
            labels = [label.rjust(size) for label in labels]
        else:
            labels = [BULLETS[self.depth % len(BULLETS)]] * len(self.items)
        out: list[_Line] = []
        for label, blocks in zip(labels, self.items):
            indent = cell_len(label)
            inner = stack(blocks, max(1, width - indent), ansi, dark) or [_Line(Content(""))]
            bullet = Content.styled(label, ".md--bullet")
            pad = Content(" " * indent)
            for index, line in enumerate(inner):
                prefix = bullet if index == 0 else pad
                # copying keeps the indentation of nested lines, not that of wrapped continuations
                skip = line.skip + (len(label) if line.joins else 0)
                out.append(_Line(prefix + line.content, line.joins, skip))
        return out


class Quote(Block):
    top = 1
    bottom = 1

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        bar = Content.styled("▌ ", ".md--quote-bar")
        out = []
        for line in stack(self.blocks, max(1, width - 3), ansi, dark) or [_Line(Content(""))]:
            body = (bar + line.content).pad_right(max(0, width - 2 - line.content.cell_length))
            out.append(_Line(body.stylize_before(".md--quote"), line.joins, line.skip + 2))
        return out


class Indent(Block):
    """Blocks drawn ``width`` cells to the right (copied without the indentation)."""

    def __init__(self, blocks: list[Block], width: int = 1, top: int = 0, bottom: int = 0) -> None:
        self.blocks = blocks
        self.width = width
        self.top = top
        self.bottom = bottom

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        pad = Content(" " * self.width)
        return [_Line(pad + line.content, line.joins, line.skip + self.width)
                for line in stack(self.blocks, max(1, width - self.width), ansi, dark)]


class Code(Block):
    top = 1
    bottom = 1

    def __init__(self, code: str, language: str) -> None:
        self.code = code
        self.language = language
        self._highlighted: dict[tuple[bool, bool], Content] = {}

    def highlighted(self, ansi: bool, dark: bool) -> Content:
        key = (ansi, dark and ansi)
        content = self._highlighted.get(key)
        if content is None:
            content = self._highlighted[key] = highlight_code(self.code, self.language, ansi, dark)
        return content

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        inner = max(1, width - 4)
        blank = _Line(Content(" " * width).stylize_before(".md--code"))
        out = [blank]
        for source_line in self.highlighted(ansi, dark).split("\n", allow_blank=True):
            pieces = source_line.fold(inner) if source_line.cell_length > inner else [source_line]
            for index, piece in enumerate(pieces):
                body = Content("  ") + piece
                body = body.pad_right(max(0, width - body.cell_length)).stylize_before(".md--code")
                out.append(_Line(body, index > 0, 2))
        out.append(blank)
        return out


class Rule(Block):
    top = 1
    bottom = 1

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        return [_Line(Content.styled("─" * width, ".md--hr"))]


class Table(Block):
    bottom = 1

    def __init__(self) -> None:
        self.header: list[Content] = []
        self.rows: list[list[Content]] = []
        self._in_head = False

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
        """A ruled grid (as Textual's Markdown draws it), as wide as the view; long cells wrap."""
        columns = max([len(self.header), *(len(row) for row in self.rows)], default=0)
        if not columns:
            return []
        header = self.header + [Content("")] * (columns - len(self.header))
        rows = [row + [Content("")] * (columns - len(row)) for row in self.rows]
        natural = [max(1, *(cell.cell_length for cell in column)) for column in zip(header, *rows)]
        room = width - (columns + 1) - 2 * columns  # borders, and a space each side of every cell
        if room < 2 * columns:  # far too narrow for a grid: one "header: value" line per cell
            return self._as_list(header, rows, width)
        widths = fit_columns(natural, room)
        widths[-1] += max(0, room - sum(widths))  # fill the width, as Textual's table does
        border = ".md--table-border"

        def rule(left: str, middle: str, right: str) -> _Line:
            return _Line(Content.styled(left + middle.join("─" * (w + 2) for w in widths) + right, border))

        out = [rule("┌", "┬", "┐")]
        out.extend(self._row([c.stylize_before(".md--th") for c in header], widths))
        for row in rows:
            out.append(rule("├", "┼", "┤"))
            out.extend(self._row(row, widths))
        out.append(rule("└", "┴", "┘"))
        return out

    @staticmethod
    def _row(cells: list[Content], widths: list[int]) -> list[_Line]:
        wrapped = [[line.content for line in wrap(cell, w)] or [Content("")] for cell, w in zip(cells, widths)]
        bar = Content.styled("│", ".md--table-border")
        out = []
        for y in range(max(len(lines) for lines in wrapped)):
            parts: list[Content] = [bar]
            for lines, w in zip(wrapped, widths):
                piece = lines[y] if y < len(lines) else Content("")
                parts += [Content(" "), piece.pad_right(max(0, w - piece.cell_length)), Content(" "), bar]
            out.append(_Line(Content("").join(parts), skip=0))
        return out

    @staticmethod
    def _as_list(header: list[Content], rows: list[list[Content]], width: int) -> list[_Line]:
        out: list[_Line] = []
        for row in rows:
            for name, cell in zip(header, row):
                out.extend(wrap(name.stylize_before(".md--th") + Content(": ") + cell, width))
            out.append(_Line(Content("")))
        return out[:-1]


def fit_columns(natural: list[int], room: int) -> list[int]:
    """Column widths within ``room``: narrow columns keep their width, wide ones share the rest."""
    if sum(natural) <= room:
        return list(natural)
    widths = [0] * len(natural)
    left, remaining = len(natural), room
    for index in sorted(range(len(natural)), key=natural.__getitem__):
        share = max(1, remaining // left)
        widths[index] = min(natural[index], share)
        remaining -= widths[index]
        left -= 1
    return widths


def wrap(content: Content, width: int) -> list[_Line]:
    """Wrap each line of ``content`` to ``width`` cells, as Textual wraps Content (Rich's line breaking,
    with the Japanese rules of ``wrap.py``); wrapped parts are marked as continuations."""
    out: list[_Line] = []
    for line in content.split("\n", allow_blank=True):
        if line.cell_length <= width:
            out.append(_Line(line))
            continue
        parts = line.divide(divide_line(line.plain, width, fold=True))
        last = len(parts) - 1
        for index, part in enumerate(parts):
            out.append(_Line(part if index == last else part.rstrip(), index > 0))
    return out


def stack(blocks: Iterable[Block], width: int, ansi: bool = False, dark: bool = True,
          top: bool = False) -> list[_Line]:
    """The lines of ``blocks`` one below the other, with collapsed margins: none after the last block,
    and none before the first unless ``top`` (a document's first heading keeps its space)."""
    out: list[_Line] = []
    gap = 0
    for block in blocks:
        lines = block.lines(width, ansi, dark)
        if not lines:
            continue
        if out or top:
            out.extend([_Line(Content(""))] * max(gap, block.top))
        out.extend(lines)
        gap = block.bottom
    return out


# --- parsing (any thread) ------------------------------------------------------------------------------

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

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[_Line]:
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
                open_blocks[-1]._in_head = True
        elif kind == "thead_close":
            if open_blocks and isinstance(open_blocks[-1], Table):
                open_blocks[-1]._in_head = False
        elif kind == "tr_open":
            table = open_blocks[-1] if open_blocks and isinstance(open_blocks[-1], Table) else None
            if table is not None:
                if table._in_head:
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


def highlight_code(code: str, language: str, ansi: bool = False, dark: bool = True) -> Content:
    from textual.highlight import highlight

    if ansi:
        from textual.highlight import ANSIDarkHighlightTheme, ANSILightHighlightTheme

        theme = ANSIDarkHighlightTheme if dark else ANSILightHighlightTheme
    else:
        from textual.highlight import HighlightTheme as theme  # type: ignore[assignment]
    try:
        return highlight(code, language=language or "text", theme=theme)
    except Exception:  # a lexer that fails on odd input: plain text is still readable
        return Content(code)


def warm_up() -> None:
    """Pay the first-use costs (parser rules, lexer lookup, wrapping) on a worker thread."""
    sample = ("## a\n\n**b** `c` [d](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
              "```yaml\nx: 1\n```\n\n```bash\nkubectl get pods\n```\n\n```console\n$ ls\n```\n\n"
              "- d\n  - e\n1. f\n\n> g\n\n---\n")
    document = parse_markdown(sample)
    document.lines(40)


# --- the widget ---------------------------------------------------------------------------------------


class _DocumentVisual(Visual):
    def __init__(self, view: "MarkdownView") -> None:
        self._view = view

    def render_strips(self, width: int, height: int | None, style, options: "RenderOptions") -> list["Strip"]:
        return self._view._content(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: "RulesMap", container_width: int) -> int:
        return container_width

    def get_height(self, rules: "RulesMap", width: int) -> int:
        return len(self._view._lines(width))


class MarkdownView(Widget):
    """A Markdown document (from :func:`parse_markdown`, or a string) drawn as one widget."""

    # Its own look, as Textual's Markdown has (app.tcss styles the app); theme variables only.
    DEFAULT_CSS = """
    MarkdownView {
        height: auto;
        width: 1fr;
        text-wrap: nowrap;  /* the lines come wrapped already */
    }

    MarkdownView > .md--strong { text-style: bold; }
    MarkdownView > .md--em { text-style: italic; }
    MarkdownView > .md--s { text-style: strike; }

    MarkdownView:dark > .md--code-inline {
        background: $warning 10%;
        color: $text-warning 95%;
    }

    MarkdownView:light > .md--code-inline {
        background: $error 5%;
        color: $text-error 95%;
    }

    MarkdownView > .md--h1 {
        color: $markdown-h1-color;
        background: $markdown-h1-background;
        text-style: $markdown-h1-text-style;
    }

    MarkdownView > .md--h2 {
        color: $markdown-h2-color;
        background: $markdown-h2-background;
        text-style: $markdown-h2-text-style;
    }

    MarkdownView > .md--h3 {
        color: $markdown-h3-color;
        background: $markdown-h3-background;
        text-style: $markdown-h3-text-style;
    }

    MarkdownView > .md--h4 {
        color: $markdown-h4-color;
        background: $markdown-h4-background;
        text-style: $markdown-h4-text-style;
    }

    MarkdownView > .md--h5 {
        color: $markdown-h5-color;
        background: $markdown-h5-background;
        text-style: $markdown-h5-text-style;
    }

    MarkdownView > .md--h6 {
        color: $markdown-h6-color;
        background: $markdown-h6-background;
        text-style: $markdown-h6-text-style;
    }

    MarkdownView:dark > .md--bullet { color: $text-primary; }
    MarkdownView:light > .md--bullet { color: $text-secondary; }

    MarkdownView > .md--quote { background: $boost; }
    MarkdownView > .md--quote-bar { color: $text-primary 50%; }

    MarkdownView:dark > .md--code { background: black 10%; }
    MarkdownView:light > .md--code { background: white 30%; }

    MarkdownView > .md--hr { color: $secondary; }
    MarkdownView > .md--th { color: $primary; text-style: bold; }
    MarkdownView > .md--table-border { color: $foreground 20%; }
    """

    COMPONENT_CLASSES = {
        "md--h1", "md--h2", "md--h3", "md--h4", "md--h5", "md--h6", "md--strong", "md--em", "md--s",
        "md--code-inline", "md--bullet", "md--quote", "md--quote-bar", "md--code", "md--hr",
        "md--th", "md--table-border",
    }

    class LinkClicked(Message):
        """A link in the document was clicked (nothing is opened here)."""

        def __init__(self, view: "MarkdownView", href: str) -> None:
            super().__init__()
            self.view = view
            self.href = unquote(href)

        @property
        def control(self) -> "MarkdownView":
            return self.view

    def __init__(self, document: MarkdownDocument | str, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.document = parse_markdown(document) if isinstance(document, str) else document
        self._visual = _DocumentVisual(self)
        self._cache: tuple[tuple[int, bool, bool], list[_Line], Content | None] | None = None

    @property
    def source(self) -> str:
        return self.document.source

    def render(self) -> Visual:
        return self._visual

    def _lines(self, width: int) -> list[_Line]:
        app = self.app
        ansi = bool(getattr(app, "native_ansi_color", False))
        key = (width, ansi, bool(app.current_theme.dark) if ansi else True)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.document.lines(width, ansi, key[2]), None)
        return self._cache[1]

    def _content(self, width: int) -> Content:
        lines = self._lines(width)
        assert self._cache is not None
        key, _lines, content = self._cache
        if content is None:
            content = Content("\n").join(line.content for line in lines)
            self._cache = (key, lines, content)
        return content

    async def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(self, href))

    def get_selection(self, selection: "Selection") -> tuple[str, str] | None:
        # the lines as drawn (selection offsets refer to them)
        lines = self._cache[1] if self._cache is not None else self._lines(self.content_region.width or 80)
        out: list[str] = []
        for y, line in enumerate(lines):
            span = selection.get_span(y)
            if span is None:
                continue
            start, end = span
            text = line.content.plain
            if end == -1:
                end = len(text)
            start = max(start, line.skip)
            piece = text[start:end].rstrip()
            if line.joins and out:
                out[-1] += piece
            else:
                out.append(piece)
        return "\n".join(out), "\n"
