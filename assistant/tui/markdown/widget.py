"""The widget that draws a parsed Markdown document as one visual (selectable, copyable).

Textual's ``Markdown`` mounts a widget for every block (a list item alone is four widgets), which
made a passage with a short list cost about 50 ms to mount before it could be painted. Here the
whole document is one ``Visual``. Colours come from component classes (``md--*``) styled by the
widget's own DEFAULT_CSS, theme variables only. Links are never opened here: a click posts
:class:`MarkdownView.LinkClicked` and the app decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from textual.content import Content
from textual.message import Message
from textual.visual import Visual
from textual.widget import Widget

from .blocks import Line
from .parser import MarkdownDocument, parse_markdown

if TYPE_CHECKING:
    from textual.css.styles import RulesMap
    from textual.selection import Selection
    from textual.strip import Strip
    from textual.visual import RenderOptions

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
        self._cache: tuple[tuple[int, bool, bool], list[Line], Content | None] | None = None

    @property
    def source(self) -> str:
        return self.document.source

    def render(self) -> Visual:
        return self._visual

    def _lines(self, width: int) -> list[Line]:
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

