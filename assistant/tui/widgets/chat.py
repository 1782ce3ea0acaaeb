"""The conversation: questions, answers, articles and notices in one scrolling column.

Corpus text reaches the screen two ways only: as Markdown (a :class:`MarkdownView`, which opens no
link itself; links are checked by the app) or as plain ``rich.text.Text`` built from the raw string.
Control characters are removed from both.

Speed: an answer is prepared (:class:`PreparedAnswer`: texts, the parsed best passage) on the worker
thread that asked, and shown with a few light widgets in one screen refresh.

Compact answers, sources in view: the 要点 first, then every passage under a heading line that is
its source link (``[1] title › section  https://…``, Enter or click opens it). Only the first
passage is open, without the sentences the 要点 already quotes, and trimmed when long ("続きを表示"
opens the rest); the others are folded until opened ("本文を表示", by key or click).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from ...chunking import SECTION_SEPARATOR
from ..keys import KEY_HELP
from ..markdown import MarkdownDocument, MarkdownView, parse_markdown
from ..text import clean, fold_echo, is_web_url, one_line, plain
from ..wrap import SOURCE_MARK
from .links import LinkItem

if TYPE_CHECKING:  # the core is imported lazily: the screen must appear before it loads
    from textual.geometry import Region
    from textual.strip import Strip

    from ...answer import Answer, Hit
    from ...index import DocInfo


MENTION_MESSAGE = "ガイドでは詳しく扱っていません。触れている箇所:"
TRIM_CHARACTERS = 320  # an open passage longer than this shows its first paragraphs and "続きを表示"


class TypeAhead(Message):
    """A printable key typed outside the question box (conversation, table of contents): it belongs
    in the question box."""

    def __init__(self, character: str) -> None:
        super().__init__()
        self.character = character


def source_label(number: int | None, title: str, link: str | None, fallback: str = "", section: str = "",
                 kubernetes: str = "") -> Text:
    """``[1] title › section  https://…  Kubernetes 1.34 時点`` (plain text, never markup)."""
    text = Text()
    if number is not None:
        text.append(f"[{number}] ", style="bold")
    text.append(one_line(title) or "（無題）", style="bold")
    if section:
        text.append(SECTION_SEPARATOR)
        text.append(one_line(section))
    shown = link if link else fallback
    if shown:
        text.append("  ")
        text.append(one_line(shown), style="underline" if link and is_web_url(link) else "dim")
    if kubernetes:
        text.append(f"  Kubernetes {one_line(kubernetes)} 時点", style="dim")
    return text


def _paragraphs(markdown: str) -> list[str]:
    """Markdown split at blank lines outside code fences (a code block stays one piece)."""
    pieces: list[str] = []
    current: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            mark = stripped[:3]
            fence = None if fence == mark else (fence or mark)
        if not stripped and fence is None:
            if current:
                pieces.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        pieces.append("\n".join(current))
    return pieces


_MARKUP_GAP = r"(?:\*\*|__|[*_`]|\s)*"  # inline markup or a line break between a sentence's characters


def without_summary(markdown: str, sentences: Iterable[str]) -> str:
    """The passage without the sentences the 要点 already shows where they open a paragraph of prose
    (an answer-first section's first sentence), found through inline markup (``**…**``) or line
    breaks inside them. Sentences inside lists, tables or code stay: taking them out would change
    what the list says."""
    pieces = _paragraphs(markdown)
    for sentence in sentences:
        sentence = "".join(sentence.split())
        if len(sentence) < 8:
            continue
        pattern = re.compile(r"(?:\*\*|__)?" + _MARKUP_GAP.join(re.escape(c) for c in sentence) + r"(?:\*\*|__)?")
        for index, piece in enumerate(pieces):
            if piece.lstrip().startswith(("-", "*", "+", "|", "#", ">", "```", "~~~")) or re.match(r"\s*\d+[.)]", piece):
                continue
            match = pattern.match(piece.lstrip())
            if match:
                pieces[index] = piece.lstrip()[match.end():].strip()
                break
    return "\n\n".join(p for p in pieces if p.strip())


def trim_passage(markdown: str, limit: int = TRIM_CHARACTERS) -> tuple[str, bool]:
    """The first paragraphs of a passage, about ``limit`` characters (never cutting a code block or a
    table). Returns (text, was_trimmed)."""
    pieces = _paragraphs(markdown)
    kept: list[str] = []
    size = 0
    for piece in pieces:
        if kept and size + len(piece) > limit:
            break
        kept.append(piece)
        size += len(piece)
    return "\n\n".join(kept), len(kept) < len(pieces)


class ChatLog(VerticalScroll, can_focus=True):
    """The scrolling conversation. Printable keys typed here (digits too) go back to the question box."""

    BINDINGS = [
        Binding("home", "move('home')", "先頭へ", show=False),
        Binding("end", "move('end')", "末尾へ", show=False),
        Binding("pageup", "move('pageup')", "上へ", show=False),
        Binding("pagedown", "move('pagedown')", "下へ", show=False),
        Binding("up", "move('up')", "上へ", show=False),
        Binding("down", "move('down')", "下へ", show=False),
    ]

    def __init__(self, *children: Widget, **kwargs) -> None:
        super().__init__(*children, **kwargs)
        self.user_scrolled = False  # set when the reader scrolls by hand; the app then leaves the view alone
        self._reading: tuple[Widget, float] | None = None  # (message at the top, how far into it)
        self.following: Widget | None = None  # the newest question, put at the top by the app

    def action_move(self, where: str) -> None:
        """The reader scrolls: at once (no animation), so the position read is noted exactly."""
        self.user_scrolled = True
        {"home": self.scroll_home, "end": self.scroll_end, "pageup": self.scroll_page_up,
         "pagedown": self.scroll_page_down, "up": self.scroll_up, "down": self.scroll_down}[where](animate=False)
        self.call_after_refresh(self.note_reading_position)

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.character != " ":
            event.stop()
            event.prevent_default()
            self.post_message(TypeAhead(event.character))

    def note_reading_position(self) -> None:
        """Remember which message is at the top of the view and how far into it (called whenever the
        view is moved on purpose: by the reader or by the app showing an answer)."""
        top = self.scroll_y
        for child in self.children:
            region = child.virtual_region
            if region.y <= top < region.y + max(1, region.height) + 1:
                self._reading = (child, (top - region.y) / max(1, region.height))
                return

    def keep_reading_position(self) -> None:
        """The layout is about to change (the table of contents opens or closes): note the position
        now; :meth:`on_resize` puts it back once the new layout is known."""
        self.note_reading_position()

    def on_resize(self) -> None:
        following = self.following
        if not self.user_scrolled and following is not None and following.is_attached:
            # reading the newest answer: keep its question at the top, as when it arrived
            self.call_after_refresh(self.scroll_to_widget, following, top=True, animate=False, immediate=True)
            return
        reading = self._reading
        if reading is None:
            return
        child, fraction = reading

        def restore() -> None:
            if child.is_attached:
                region = child.virtual_region
                self.scroll_to(y=region.y + round(fraction * region.height), animate=False, immediate=True)

        self.call_after_refresh(restore)

    def on_mouse_scroll_up(self) -> None:
        self.user_scrolled = True
        self.call_after_refresh(self.note_reading_position)

    def on_mouse_scroll_down(self) -> None:
        self.user_scrolled = True
        self.call_after_refresh(self.note_reading_position)


class QuestionMessage(Static):
    """The question as asked; a long one (a paste) is folded to its start and end."""

    def __init__(self, question: str) -> None:
        text = Text.assemble(("あなた  ", "bold"))
        text.append(fold_echo(question))
        super().__init__(text, classes="message question")
        self.question = question


class NoticeMessage(Static):
    def __init__(self, message: str, severity: str = "information") -> None:
        super().__init__(plain(message), classes=f"message notice {severity}")


class PreparedAnswer:
    """Everything an answer shows, built from the core's ``Answer`` without touching any widget, so it
    can be made on the worker thread that asked (the UI thread then only mounts a few widgets)."""

    def __init__(self, answer: "Answer", *, ansi: bool = False, dark: bool = True) -> None:
        self.answer = answer
        # (kind, payload, classes): kind "static" (a Rich Text), "passages" (a MarkdownDocument),
        # "link" (LinkItem arguments) or "expand" (ExpandItem arguments: a folded passage)
        self.parts: list[tuple[str, Any, str]] = []
        self.coverage = answer.coverage
        if self.coverage == "full":
            self._answer(answer, ansi, dark)
        elif self.coverage == "mention" and answer.hits:
            self._mention(answer, ansi, dark)
        else:
            self._not_covered(answer)

    def _static(self, renderable: Text, classes: str = "") -> None:
        self.parts.append(("static", renderable, classes))

    def _answer(self, answer: "Answer", ansi: bool, dark: bool) -> None:
        if answer.follow_up:
            self._static(plain("（前の質問の続きとして探しました）"), "dim-note")
        if answer.summary:
            summary = Text.assemble(("要点\n", "bold"))
            marks = {hit.rank: [h for h in hit.highlights if h.strip()] for hit in answer.hits}
            for line in answer.summary:
                summary.append("・")
                sentence = Text(one_line(line.text))
                sentence.highlight_words(marks.get(line.source_number, []), style="bold")
                summary.append_text(sentence)
                summary.append(SOURCE_MARK.format(line.source_number), style="bold")
                summary.append("\n")
            summary.rstrip()
            self._static(summary, "summary")
        self._passages(answer, ansi, dark)

    def _passages(self, answer: "Answer", ansi: bool, dark: bool, open_first: bool = True) -> None:
        """Each passage under its heading line (the source link); the first open, the others folded."""
        from ...answer import highlight_markdown

        for position, hit in enumerate(answer.hits):
            self._heading(hit)
            quoted = [line.text for line in answer.summary if line.source_number == hit.rank]
            body = without_summary(clean(hit.text), quoted)
            if not body.strip():
                continue
            if position == 0 and open_first:
                shown, trimmed = trim_passage(body)
                document = parse_markdown(highlight_markdown(shown, hit.highlights), ansi=ansi, dark=dark)
                self.parts.append(("passages", document, "passages"))
                if trimmed:
                    self.parts.append(("expand", dict(markdown=highlight_markdown(body, hit.highlights),
                                                      label="続きを表示", replace=True), "expand"))
            else:
                self.parts.append(("expand", dict(markdown=highlight_markdown(body, hit.highlights),
                                                  label="本文を表示", replace=False), "expand"))

    def _heading(self, hit: "Hit") -> None:
        kubernetes = hit.kubernetes
        label = source_label(hit.rank, hit.title, hit.source, hit.path, hit.section, kubernetes)
        self.parts.append(("link", dict(label=label, kind="url", value=hit.source, number=hit.rank,
                                        fallback=hit.path, title=hit.title), "source passage-heading"))

    def _mention(self, answer: "Answer", ansi: bool, dark: bool) -> None:
        """Coverage "mention": the guide names the subject only in passing; the mentions, all folded."""
        self._static(plain(answer.message or MENTION_MESSAGE), "not-covered")
        self._passages(answer, ansi, dark, open_first=False)

    def _not_covered(self, answer: "Answer") -> None:
        self._static(plain(answer.message or "この質問はガイドでは扱われていないようです。"), "not-covered")
        if answer.suggestions:
            label = "触れている箇所" if self.coverage == "mention" else "近い話題"  # mention: where the guide mentions it
            self._static(plain(f"{label}（Tab で移り、↑↓ で選んで Enter で開きます）:"), "sources-title")
            for number, s in enumerate(answer.suggestions, 1):
                self.parts.append(("link", dict(label=source_label(None, s.title, s.source), kind="url",
                                                value=s.source, title=s.title), "suggestion"))
        self._static(plain("目次（Ctrl+T）からガイドの記事を選んで読むこともできます。"), "dim-note")

    def widgets(self) -> Iterable[Widget]:
        for kind, payload, classes in self.parts:
            if kind == "passages":
                yield PassagesView(payload, classes=classes)
            elif kind == "link":
                yield LinkItem(**payload, classes=classes)
            elif kind == "expand":
                yield ExpandItem(**payload, classes=classes)
            else:
                yield Static(payload, classes=classes)


class ExpandItem(LinkItem):
    """「▸ 本文を表示」 / 「▸ 続きを表示」: Enter or a click opens the folded passage in its place."""

    def __init__(self, markdown: str, label: str, replace: bool, classes: str | None = None) -> None:
        super().__init__(Text.assemble(("▸ ", "bold"), (label, "italic"), ("（Enter / クリック）", "dim")),
                         "expand", None, classes=classes)
        self.markdown = markdown
        self.replace = replace  # True: the text above is the start of this passage (replace it)

    async def expand(self) -> None:
        parent = self.parent
        if parent is None:
            return
        view = PassagesView(parse_markdown(self.markdown, ansi=bool(self.app.native_ansi_color),
                                           dark=bool(self.app.current_theme.dark)), classes="passages")
        if self.replace:
            children = list(parent.children)
            index = children.index(self)
            if index > 0 and isinstance(children[index - 1], PassagesView):
                await children[index - 1].remove()
        await parent.mount(view, after=self)
        await self.remove()


class PassagesView(MarkdownView):
    """An answer's passages drawn as one widget (fast to mount; copied as one text)."""



class AnswerMessage(Vertical):
    """One answer. Starts as a placeholder ("読み込み中…") and is filled when the core answers."""

    def __init__(self, question: str, waiting: str, question_widget: Widget | None = None) -> None:
        super().__init__(classes="message answer pending")
        self.question = question
        self.question_widget = question_widget  # the question's own message (scrolled to the top)
        self.shown_at: float | None = None  # when the answer was first drawn (perf_counter)
        self.answer: "Answer | None" = None
        self.prepared: PreparedAnswer | None = None
        self.error: str | None = None
        self.waiting = waiting
        # Called (once, on the app's loop) right after the first screen refresh that draws the
        # finished answer: the app times answers up to there.
        self.on_painted: Callable[[], Any] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if self.on_painted is not None and (self.answer is not None or self.error is not None):
            callback, self.on_painted = self.on_painted, None
            self.app.call_next(callback)  # runs once this refresh is complete
        return lines

    def compose(self) -> ComposeResult:
        yield Static(Text("アシスタント", style="bold"), classes="role")
        if self.error is not None:
            yield Static(plain(self.error), classes="error-text")
            return
        if self.answer is None:
            yield Static(plain(self.waiting), classes="waiting")
            return
        if self.prepared is None:
            self.prepared = PreparedAnswer(self.answer)
        yield from self.prepared.widgets()

    def fill(self, answer: "Answer | PreparedAnswer") -> None:
        """Set the answer (prepared on a worker thread, preferably); shown when (re)composed."""
        if isinstance(answer, PreparedAnswer):
            self.prepared, self.answer = answer, answer.answer
        else:
            self.prepared, self.answer = None, answer
        self.remove_class("pending")
        coverage = self.answer.coverage
        self.set_class(coverage != "full", "not-answered")
        self.set_class(coverage == "mention", "mention")

    async def show_answer(self, answer: "Answer | PreparedAnswer") -> None:
        """Show the answer in place of the waiting message, in one refresh of the screen."""
        with self.app.batch_update():
            self.fill(answer)
            await self.recompose()

    async def show_error(self, message: str) -> None:
        self.error = message
        self.remove_class("pending")
        self.add_class("failed")
        await self.recompose()

    def set_waiting(self, text: str) -> None:
        self.waiting = text
        if self.answer is None and self.error is None:
            for widget in self.query(".waiting").results(Static):
                widget.update(plain(text))

    @property
    def links(self) -> list[LinkItem]:
        return list(self.query(LinkItem).results(LinkItem))

    @property
    def sources(self) -> list[LinkItem]:
        """The numbered source links (what Ctrl+O and Alt+digit open)."""
        return [link for link in self.links if link.number is not None and link.kind == "url"]


class ArticleMessage(Vertical):
    """A whole guide article, chosen from the table of contents."""

    def __init__(self, doc: "DocInfo", markdown: "str | MarkdownDocument") -> None:
        super().__init__(classes="message article")
        self.doc = doc
        self.document = parse_markdown(markdown) if isinstance(markdown, str) else markdown

    def compose(self) -> ComposeResult:
        heading = Text.assemble(("記事  ", "bold"))
        heading.append(one_line(self.doc.title), style="bold")
        if self.doc.chapter:
            heading.append("  （")
            heading.append(one_line(self.doc.chapter))
            heading.append("）")
        yield Static(heading, classes="passage-heading")
        yield MarkdownView(self.document, classes="passage article-body")
        yield LinkItem(source_label(None, "元の記事", self.doc.source, self.doc.path), "url", self.doc.source,
                       fallback=self.doc.path, classes="source")


class WelcomeMessage(Vertical):
    """What the assistant knows and a few questions to start with (selecting one asks it)."""

    def __init__(self, examples: list[str]) -> None:
        super().__init__(classes="message welcome")
        self.examples = examples

    def compose(self) -> ComposeResult:
        yield Static(Text("Kubernetes 入門アシスタント", style="bold"), classes="welcome-title")
        yield Static(plain("ガイドから質問に合う箇所を探し、出典つきで見せます（オフライン）。"))
        yield Static(plain("索引を読み込んでいます…"), id="welcome-chapters")
        yield Static(plain("例えば（Tab で移り ↑↓ で選んで Enter、またはクリック）:"), classes="sources-title")
        yield from self._example_items()
        with Grid(classes="key-help"):
            for keys, what in KEY_HELP:
                yield Static(Text.assemble((keys.ljust(13), "bold"), what), classes="dim-note")

    def on_resize(self) -> None:
        """Two columns of keys where they fit whole (no line breaking inside a key's description), one
        where the message is narrow (a small terminal, or the table of contents open beside it)."""
        columns = 2 if self.size.width >= 72 else 1
        for grid in self.query(".key-help").results(Grid):
            if grid.styles.grid_size_columns != columns:
                grid.styles.grid_size_columns = columns

    def _example_items(self) -> Iterable[Widget]:
        for example in self.examples:
            label = Text.assemble(("› ", "bold"))
            label.append(one_line(example))
            yield LinkItem(label, "ask", example, classes="example")

    def show_chapters(self, docs: list["DocInfo"]) -> None:
        chapters: dict[str, int] = {}
        for doc in docs:
            chapters[doc.chapter or "その他"] = chapters.get(doc.chapter or "その他", 0) + 1
        # One line: the chapters themselves are in the table of contents (Ctrl+T).
        text = Text.assemble((f"知っていること: {len(docs)} 本の記事", "bold"))
        text.append(f"（{len(chapters)} 章。一覧は Ctrl+T の目次）")
        self.query_one("#welcome-chapters", Static).update(text)

    def show_failure(self, message: str) -> None:
        self.query_one("#welcome-chapters", Static).update(plain(message, style="bold red"))

    async def set_examples(self, examples: list[str]) -> None:
        if examples == self.examples:
            return
        self.examples = examples
        await self.query(".example").remove()
        title = self.query(".sources-title").first()
        await self.mount_all(list(self._example_items()), after=title)

