"""The conversation: questions, answers, articles and notices in one scrolling column.

Corpus text reaches the screen two ways only: as Markdown (a :class:`MarkdownView`, which opens no
link itself; links are checked by the app) or as plain ``rich.text.Text`` built from the raw string.
Control characters are removed from both.

Speed: an answer is prepared (:class:`PreparedAnswer`: texts, the parsed best passage) on the worker
thread that asked, and shown with a few light widgets (the passages are one) in one screen refresh.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content, Span
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from ..text import clean, is_web_url, markdown_excerpt, one_line, plain
from .links import LinkItem
from .markdown_view import Block, Indent, MarkdownDocument, MarkdownView, Paragraph, parse_markdown

if TYPE_CHECKING:  # the core is imported lazily: the screen must appear before it loads
    from textual.geometry import Region
    from textual.strip import Strip

    from ...answer import Answer, Hit
    from ...index import DocInfo


def source_label(number: int | None, title: str, link: str | None, fallback: str = "") -> Text:
    text = Text()
    if number is not None:
        text.append(f"[{number}] ", style="bold")
    text.append(one_line(title) or "（無題）", style="bold")
    shown = link if link else fallback
    if shown:
        text.append("  ")
        text.append(one_line(shown), style="underline" if link and is_web_url(link) else "dim")
    return text


class ChatLog(VerticalScroll, can_focus=True):
    """The scrolling conversation. Printable keys typed here go back to the question box."""

    BINDINGS = [
        Binding("home", "scroll_home", "先頭へ", show=False),
        Binding("end", "scroll_end", "末尾へ", show=False),
    ]

    class TypeAhead(Message):
        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def __init__(self, *children: Widget, **kwargs) -> None:
        super().__init__(*children, **kwargs)
        self.user_scrolled = False  # set when the reader scrolls by hand; the app then leaves the view alone

    def on_key(self, event: events.Key) -> None:
        if event.key in ("up", "down", "pageup", "pagedown", "home", "end"):
            self.user_scrolled = True
        elif event.is_printable and event.character and not event.character.isdigit() \
                and event.character != " ":
            event.stop()
            event.prevent_default()
            self.post_message(self.TypeAhead(event.character))

    def on_mouse_scroll_up(self) -> None:
        self.user_scrolled = True

    def on_mouse_scroll_down(self) -> None:
        self.user_scrolled = True


class QuestionMessage(Static):
    def __init__(self, question: str) -> None:
        text = Text.assemble(("あなた  ", "bold"))
        text.append(clean(question))
        super().__init__(text, classes="message question")


class NoticeMessage(Static):
    def __init__(self, message: str, severity: str = "information") -> None:
        super().__init__(plain(message), classes=f"message notice {severity}")


class PreparedAnswer:
    """Everything an answer shows, built from the core's ``Answer`` without touching any widget, so it
    can be made on the worker thread that asked (the UI thread then only mounts a few widgets)."""

    def __init__(self, answer: "Answer", *, ansi: bool = False, dark: bool = True) -> None:
        self.answer = answer
        # (kind, payload, classes): kind "static" (a Rich Text), "passages" (a MarkdownDocument) or
        # "link" (LinkItem arguments)
        self.parts: list[tuple[str, Any, str]] = []
        if answer.answered:
            self._answer(answer, ansi, dark)
        else:
            self._not_covered(answer)

    def _static(self, renderable: Text, classes: str = "") -> None:
        self.parts.append(("static", renderable, classes))

    def _answer(self, answer: "Answer", ansi: bool, dark: bool) -> None:
        from ...answer import highlight_markdown

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
                summary.append(f" [{line.source_number}]", style="bold")
                summary.append("\n")
            summary.rstrip()
            self._static(summary, "summary")
        # The passages, in one widget: each under its title › section, the best one in full (Markdown
        # with the question's words in bold), the others as a short plain excerpt.
        blocks: list[Block] = []
        for position, hit in enumerate(answer.hits):
            blocks.append(Paragraph(True, heading_content(hit), ".passage--heading", top=1))
            if position == 0:
                document = parse_markdown(highlight_markdown(hit.text, hit.highlights), ansi=ansi, dark=dark)
                blocks.append(Indent(document.blocks))
                continue
            excerpt, cut = markdown_excerpt(hit.text)
            body = highlight_words(excerpt, [h for h in hit.highlights if h.strip()])
            if cut:
                body += Content.styled(f"\n（続きは出典 [{hit.rank}] で）", "italic")
            blocks.append(Indent([Paragraph(True, body, ".passage--other")]))
        if blocks:
            self.parts.append(("passages", MarkdownDocument("", blocks, top_margin=False), "passages"))
        self._static(Text("出典", style="bold"), "sources-title")
        for hit in answer.hits:
            self.parts.append(("link", dict(label=source_label(hit.rank, hit.title, hit.source, hit.path),
                                            kind="url", value=hit.source, number=hit.rank, fallback=hit.path,
                                            title=hit.title), "source"))

    def _not_covered(self, answer: "Answer") -> None:
        self._static(plain(answer.message or "この質問はガイドでは扱われていないようです。"), "not-covered")
        if answer.suggestions:
            label = "触れている箇所" if answer.coverage == "mention" else "近い話題"  # mention: where the guide mentions it
            self._static(plain(f"{label}（番号キーかEnterで開きます）:"), "sources-title")
            for number, s in enumerate(answer.suggestions, 1):
                self.parts.append(("link", dict(label=source_label(number, s.title, s.source), kind="url",
                                                value=s.source, number=number, title=s.title), "source"))
        self._static(plain("目次（Ctrl+T）からガイドの記事を選んで読むこともできます。"), "dim-note")

    def widgets(self) -> Iterable[Widget]:
        for kind, payload, classes in self.parts:
            if kind == "passages":
                yield PassagesView(payload, classes=classes)
            elif kind == "link":
                yield LinkItem(**payload, classes=classes)
            else:
                yield Static(payload, classes=classes)


def heading_content(hit: "Hit") -> Content:
    """``[1] title › section`` (plain text, never markup)."""
    parts: list[tuple[str, str] | str] = [(f"[{hit.rank}] ", "bold"), (one_line(hit.title), "bold")]
    if hit.section:
        parts += [" › ", one_line(hit.section)]
    return Content.assemble(*parts)


def highlight_words(text: str, words: list[str], style: str = "bold") -> Content:
    """``text`` (plain, never markup) with every occurrence of ``words`` in ``style``."""
    spans = [Span(match.start(), match.end(), style)
             for word in words if word for match in re.finditer(re.escape(word), text)]
    return Content(text, spans=spans)


class PassagesView(MarkdownView):
    """An answer's passages drawn as one widget (fast to mount; copied as one text)."""

    COMPONENT_CLASSES = MarkdownView.COMPONENT_CLASSES | {"passage--heading", "passage--other"}


class AnswerMessage(Vertical):
    """One answer. Starts as a placeholder ("読み込み中…") and is filled when the core answers."""

    def __init__(self, question: str, waiting: str) -> None:
        super().__init__(classes="message answer pending")
        self.question = question
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
        self.set_class(not self.answer.answered, "not-answered")

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
        yield Static(plain("ガイドの記事から、質問に合う箇所を探して出典つきで見せます（オフライン・文章の生成なし）。"))
        yield Static(plain("索引を読み込んでいます…"), id="welcome-chapters")
        yield Static(plain("例えば（選んで Enter かクリックで質問します）:"), classes="sources-title")
        yield from self._example_items()
        keys = ("Enter 送信 · ↑↓ 前の質問 · PgUp/PgDn スクロール · Esc 会話へ移動 → 1-9 出典を開く · "
                "Tab リンク間の移動 · Ctrl+Y 回答をコピー · Ctrl+T 目次 · Ctrl+L 会話を消す · Ctrl+P コマンド · Ctrl+Q 終了")
        yield Static(plain(keys), classes="dim-note")

    def _example_items(self) -> Iterable[Widget]:
        for example in self.examples:
            label = Text.assemble(("› ", "bold"))
            label.append(one_line(example))
            yield LinkItem(label, "ask", example, classes="example")

    def show_chapters(self, docs: list["DocInfo"]) -> None:
        chapters: dict[str, int] = {}
        for doc in docs:
            chapters[doc.chapter or "その他"] = chapters.get(doc.chapter or "その他", 0) + 1
        text = Text.assemble((f"知っていること: {len(docs)} 本の記事", "bold"))
        for chapter, count in chapters.items():
            text.append("\n・")
            text.append(one_line(chapter))
            text.append(f"（{count} 本）", style="dim")
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
