"""The conversation: questions, answers, articles and notices in one scrolling column.

Corpus text reaches the screen two ways only: as Markdown (``Markdown`` widgets with
``open_links=False``; links are checked by the app) or as plain ``rich.text.Text`` built from the
raw string. Control characters are removed from both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from ..text import clean, is_web_url, markdown_excerpt, one_line, plain
from .links import LinkItem

if TYPE_CHECKING:  # the core and Markdown are imported lazily: the screen must appear before they load
    from textual.widgets import Markdown

    from ...answer import Answer, Hit
    from ...index import DocInfo


def safe_markdown(markdown: str, **kwargs) -> "Markdown":
    """A Markdown view of corpus text: control characters removed, links handled by the app."""
    from textual.widgets import Markdown

    return Markdown(clean(markdown), open_links=False, **kwargs)


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


class AnswerMessage(Vertical):
    """One answer. Starts as a placeholder ("読み込み中…") and is filled when the core answers."""

    def __init__(self, question: str, waiting: str) -> None:
        super().__init__(classes="message answer pending")
        self.question = question
        self.answer: "Answer | None" = None
        self.error: str | None = None
        self.waiting = waiting

    def compose(self) -> ComposeResult:
        yield Static(Text("アシスタント", style="bold"), classes="role")
        if self.error is not None:
            yield Static(plain(self.error), classes="error-text")
            return
        answer = self.answer
        if answer is None:
            yield Static(plain(self.waiting), classes="waiting")
            return
        if answer.answered:
            yield from self._compose_answer(answer)
        else:
            yield from self._compose_not_covered(answer)

    def _compose_answer(self, answer: "Answer") -> Iterable[Widget]:
        from ...answer import highlight_markdown

        if answer.follow_up:
            yield Static(plain("（前の質問の続きとして探しました）"), classes="dim-note")
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
            yield Static(summary, classes="summary")
        for position, hit in enumerate(answer.hits):
            if position == 0:
                yield Static(self._heading(hit), classes="passage-heading")
                yield safe_markdown(highlight_markdown(hit.text, hit.highlights), classes="passage best")
                continue
            # The other passages, shorter: a plain excerpt (two light widgets each keep the answer fast).
            yield Static(self._heading(hit), classes="passage-heading")
            excerpt, cut = markdown_excerpt(hit.text)
            body = Text(excerpt)
            body.highlight_words([h for h in hit.highlights if h.strip()], style="bold")
            if cut:
                body.append(f"\n（続きは出典 [{hit.rank}] で）", style="italic")
            yield Static(body, classes="passage other")
        yield Static(Text("出典", style="bold"), classes="sources-title")
        for hit in answer.hits:
            yield LinkItem(source_label(hit.rank, hit.title, hit.source, hit.path), "url", hit.source,
                           number=hit.rank, fallback=hit.path, title=hit.title, classes="source")

    def _compose_not_covered(self, answer: "Answer") -> Iterable[Widget]:
        yield Static(plain(answer.message or "この質問はガイドでは扱われていないようです。"), classes="not-covered")
        if answer.suggestions:
            yield Static(plain("近い話題（番号キーかEnterで開きます）:"), classes="sources-title")
            for number, s in enumerate(answer.suggestions, 1):
                yield LinkItem(source_label(number, s.title, s.source), "url", s.source, number=number,
                               title=s.title, classes="source")
        yield Static(plain("目次（Ctrl+T）からガイドの記事を選んで読むこともできます。"), classes="dim-note")

    @staticmethod
    def _heading(hit: "Hit") -> Text:
        text = Text.assemble((f"[{hit.rank}] ", "bold"))
        text.append(one_line(hit.title), style="bold")
        if hit.section:
            text.append(" › ")
            text.append(one_line(hit.section))
        return text

    async def show_answer(self, answer: "Answer") -> None:
        self.answer = answer
        self.remove_class("pending")
        self.set_class(not answer.answered, "not-answered")
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

    def __init__(self, doc: "DocInfo", markdown: str) -> None:
        super().__init__(classes="message article")
        self.doc = doc
        self.markdown = markdown

    def compose(self) -> ComposeResult:
        heading = Text.assemble(("記事  ", "bold"))
        heading.append(one_line(self.doc.title), style="bold")
        if self.doc.chapter:
            heading.append("  （")
            heading.append(one_line(self.doc.chapter))
            heading.append("）")
        yield Static(heading, classes="passage-heading")
        yield safe_markdown(self.markdown, classes="passage article-body")
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
