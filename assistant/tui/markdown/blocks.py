"""Markdown blocks drawn as lines: paragraphs, headings, lists, quotes, code, tables, rules.

A parsed document (see ``parser.py``) is a list of these blocks. Each draws itself for a width as a
list of ``Line`` (a ``Content`` plus what copying needs to know), so a whole passage becomes one
visual in ``widget.py`` instead of a widget per paragraph. Lines are broken with the Japanese rules
of ``..wrap`` (public APIs only). Code blocks (commands, ``text`` diagrams, tables drawn in code)
are never wrapped: a line wider than the view is cut with a visible mark and a note says so.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple

from rich.cells import cell_len
from textual.content import Content

from ..wrap import break_offsets

BULLETS = ["• ", "▪ ", "‣ ", "⭑ ", "◦ "]  # as Textual's Markdown, by depth
WIDE_CODE_NOTE = "（→ 横に長い図・表です。右側が切れています。端末を {width} 桁以上に広げると全体が見えます）"

class Line(NamedTuple):
    content: Content
    joins: bool = False  # a wrapped continuation of the line above (copied without a line break)
    skip: int = 0  # characters of indentation at the start that copying leaves out


# --- blocks -----------------------------------------------------------------------------------------


class Block:
    """A block of the document. ``top`` and ``bottom`` are blank lines around it (collapsed)."""

    top = 0
    bottom = 0

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:  # pragma: no cover
        raise NotImplementedError


class Paragraph(Block):
    def __init__(self, nested: bool, content: Content | None = None, style: str = "",
                 top: int = 0) -> None:
        self.content = content or Content("")
        self.top = top
        self.bottom = 0 if nested else 1
        self.style = style  # e.g. a component class: ".md--h2"

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        content = self.content.stylize_before(self.style) if self.style else self.content
        return wrap(content, width)


class Heading(Paragraph):
    def __init__(self, level: int) -> None:
        super().__init__(nested=True)
        self.level = level
        self.top = 2 if level <= 2 else 1  # the margins of Textual's Markdown headers
        self.bottom = 1
        self.style = f".md--h{level}"

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        lines = super().lines(width, ansi, dark)
        if self.level == 1:  # centred, as in Textual's Markdown
            lines = [Line(line.content.center(width), line.joins, line.skip) for line in lines]
        return lines


class ListBlock(Block):
    def __init__(self, ordered: bool, nested: bool, depth: int) -> None:
        self.ordered = ordered
        self.depth = depth
        self.items: list[list[Block]] = []
        self.numbers: list[str] = []
        self.bottom = 0 if nested else 1

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
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
        out: list[Line] = []
        for label, blocks in zip(labels, self.items):
            indent = cell_len(label)
            inner = stack(blocks, max(1, width - indent), ansi, dark) or [Line(Content(""))]
            bullet = Content.styled(label, ".md--bullet")
            pad = Content(" " * indent)
            for index, line in enumerate(inner):
                prefix = bullet if index == 0 else pad
                # copying keeps the indentation of nested lines, not that of wrapped continuations
                skip = line.skip + (len(label) if line.joins else 0)
                out.append(Line(prefix + line.content, line.joins, skip))
        return out


class Quote(Block):
    top = 1
    bottom = 1

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        bar = Content.styled("▌ ", ".md--quote-bar")
        out = []
        for line in stack(self.blocks, max(1, width - 3), ansi, dark) or [Line(Content(""))]:
            body = (bar + line.content).pad_right(max(0, width - 2 - line.content.cell_length))
            out.append(Line(body.stylize_before(".md--quote"), line.joins, line.skip + 2))
        return out


class Indent(Block):
    """Blocks drawn ``width`` cells to the right (copied without the indentation)."""

    def __init__(self, blocks: list[Block], width: int = 1, top: int = 0, bottom: int = 0) -> None:
        self.blocks = blocks
        self.width = width
        self.top = top
        self.bottom = bottom

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        pad = Content(" " * self.width)
        return [Line(pad + line.content, line.joins, line.skip + self.width)
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

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        """The code as written, never wrapped: a line wider than the view is cut with a ``›`` at the
        edge, and a note under the block says how wide the terminal must be to see it whole."""
        inner = max(1, width - 3)
        out: list[Line] = []  # no blank lines inside: the block's margins space it (one blank line each side)
        widest = 0
        for source_line in self.highlighted(ansi, dark).split("\n", allow_blank=True):
            widest = max(widest, source_line.cell_length)
            if source_line.cell_length > inner:
                source_line = source_line.truncate(max(1, inner - 1)) + Content.styled("›", "bold")
            body = Content("  ") + source_line
            body = body.pad_right(max(0, width - body.cell_length)).stylize_before(".md--code")
            out.append(Line(body, False, 2))
        if widest > inner:
            out.extend(wrap(Content.styled(WIDE_CODE_NOTE.format(width=widest + 8), "italic"), width))
        return out


class Rule(Block):
    top = 1
    bottom = 1

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
        return [Line(Content.styled("─" * width, ".md--hr"))]


class Table(Block):
    bottom = 1

    def __init__(self) -> None:
        self.header: list[Content] = []
        self.rows: list[list[Content]] = []
        self.in_head = False

    def lines(self, width: int, ansi: bool = False, dark: bool = True) -> list[Line]:
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

        def rule(left: str, middle: str, right: str) -> Line:
            return Line(Content.styled(left + middle.join("─" * (w + 2) for w in widths) + right, border))

        out = [rule("┌", "┬", "┐")]
        out.extend(self._row([c.stylize_before(".md--th") for c in header], widths))
        for row in rows:
            out.append(rule("├", "┼", "┤"))
            out.extend(self._row(row, widths))
        out.append(rule("└", "┴", "┘"))
        return out

    @staticmethod
    def _row(cells: list[Content], widths: list[int]) -> list[Line]:
        wrapped = [[line.content for line in wrap(cell, w)] or [Content("")] for cell, w in zip(cells, widths)]
        bar = Content.styled("│", ".md--table-border")
        out = []
        for y in range(max(len(lines) for lines in wrapped)):
            parts: list[Content] = [bar]
            for lines, w in zip(wrapped, widths):
                piece = lines[y] if y < len(lines) else Content("")
                parts += [Content(" "), piece.pad_right(max(0, w - piece.cell_length)), Content(" "), bar]
            out.append(Line(Content("").join(parts), skip=0))
        return out

    @staticmethod
    def _as_list(header: list[Content], rows: list[list[Content]], width: int) -> list[Line]:
        out: list[Line] = []
        for row in rows:
            for name, cell in zip(header, row):
                out.extend(wrap(name.stylize_before(".md--th") + Content(": ") + cell, width))
            out.append(Line(Content("")))
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


def wrap(content: Content, width: int) -> list[Line]:
    """Wrap each line of ``content`` to ``width`` cells with Japanese line breaking (``..wrap``);
    wrapped parts are marked as continuations."""
    out: list[Line] = []
    for line in content.split("\n", allow_blank=True):
        if line.cell_length <= width:
            out.append(Line(line))
            continue
        parts = line.divide(break_offsets(line.plain, width))
        last = len(parts) - 1
        for index, part in enumerate(parts):
            out.append(Line(part if index == last else part.rstrip(), index > 0))
    return out


def stack(blocks: Iterable[Block], width: int, ansi: bool = False, dark: bool = True,
          top: bool = False) -> list[Line]:
    """The lines of ``blocks`` one below the other, with collapsed margins: none after the last block,
    and none before the first unless ``top`` (a document's first heading keeps its space)."""
    out: list[Line] = []
    gap = 0
    for block in blocks:
        lines = block.lines(width, ansi, dark)
        if not lines:
            continue
        if out or top:
            out.extend([Line(Content(""))] * max(gap, block.top))
        out.extend(lines)
        gap = block.bottom
    return out


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
