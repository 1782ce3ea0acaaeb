"""The terminal chat app: ask in Japanese, read answers built from the guide, open their sources.

Layout (posting style): this module holds the App and ``run``; widgets live in ``widgets/``, the
Markdown view in ``markdown/`` (blocks, parser, widget), the command palette in ``commands.py``, the
keys in ``keys.py``, browser and clipboard checks in ``desktop.py``, terminal checks and signals in
``terminal.py``; the look is in ``app.tcss``. The app only calls the core (``assistant.engine``), which is imported in
the loading worker, so the screen and the question box appear before the dictionary and the index
are loaded. Questions sent meanwhile wait and are answered in order as soon as the index is ready.

Speed (targets: question box usable within 0.5 s of launch, answer on screen within 0.1 s of Enter):
the first frame holds only the question box, the conversation, the status line and the footer (the
welcome message and the table of contents follow it); questions are answered *and* prepared for the
screen on one worker thread (``PreparedAnswer``); a quick answer is drawn in the same screen refresh
as its question; an answer is a handful of widgets (only its first passage is drawn, the others are
folded); and the
loader pays every first-use cost (parser, highlighting, a sample question) before "ready".
``timings["answer"]`` runs from the Enter key to the end of the first screen refresh showing the answer.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import MountError
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from .commands import GuideCommands, system_commands
from .desktop import clipboard_problem, save_answer
from .history import History
from .keys import LINK_MODE_PROMPT, source_key
from .markdown import MarkdownDocument, MarkdownView, parse_markdown
from .text import answer_as_text, clean, is_web_url, one_line, short_url
from .widgets import (AnswerMessage, ArticleMessage, ChatLog, HistoryInput, LinkItem, NoticeMessage, PassagesView,
                      PreparedAnswer, QuestionMessage, StatusLine, TocPanel, TypeAhead, WelcomeMessage)
from .wrap import enable_japanese_line_breaking

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

    from ..answer import Answer, Conversation
    from ..engine import Assistant
    from ..index import DocInfo

DEFAULT_EXAMPLES = [
    "Podとコンテナの違いは何ですか？",
    "Serviceとは？",
    "コンテナに入るには？",
    "Podのログを見るには？",
    "kubectlの省略形は？",
]

Opener = Callable[..., "Assistant"]
WARM_UP_QUESTION = "Podとは何ですか？"
QUICK_ANSWER = 0.06  # seconds a question waits, undrawn, for its answer (to be drawn with it)


@dataclass
class PendingQuestion:
    """A question waiting for its answer: what was asked, where the answer goes, when Enter was
    pressed, and its job on the worker thread once started (None until then)."""

    question: str
    placeholder: AnswerMessage
    sent: float
    job: asyncio.Future | None = None


class AssistantApp(App[int]):
    """Chat with the Kubernetes 入門 guide."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: also right for subclasses elsewhere
    TITLE = "Kubernetes 入門アシスタント"
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (18, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (60, "-wide")]
    COMMANDS = App.COMMANDS | {GuideCommands}

    BINDINGS = [
        Binding("ctrl+q", "quit", "終了", priority=True),
        # Sources by number (see keys.py): Ctrl+O then a digit, or Alt+digit as terminals send it.
        # The digits themselves are read in on_event (before any widget, the question box included).
        Binding("ctrl+o", "link_mode", "出典を開く", key_display="^o 1-9", priority=True),
        # Priority: acted on as the key arrives, so keys typed right after (a burst) go where they should.
        Binding("ctrl+y", "copy_answer", "コピー", priority=True),
        Binding("ctrl+t", "toggle_toc", "目次", priority=True),
        Binding("ctrl+l", "clear_chat", "消去", priority=True),
        Binding("pageup", "scroll_chat(-1)", "上へ", show=False),
        Binding("pagedown", "scroll_chat(1)", "下へ", show=False),
        Binding("ctrl+p", "command_palette", "コマンド", show=False, priority=True,
                tooltip="記事や操作を名前で探して実行します"),
    ]

    def __init__(self, corpus_paths: list[Path] | None = None, base_url: str | None = None, *,
                 cache_dir: Path | None = None, history_path: Path | None = None,
                 open_url: Callable[[str], Any] | None = None,
                 clipboard: Callable[[str], Any] | None = None,
                 opener: Opener | None = None, k: int = 3) -> None:
        """``history_path`` None keeps no history; ``open_url`` and ``clipboard`` replace the browser and
        the terminal clipboard (tests); ``opener`` replaces ``Assistant.open`` (same arguments)."""
        self._started = time.perf_counter()
        super().__init__()
        self.corpus_paths = [Path(p) for p in corpus_paths] if corpus_paths else None
        self.base_url = base_url
        self.cache_dir = cache_dir
        self.k = k
        self._open_url_func = open_url or _browser_open
        self._clipboard_func = clipboard or self.copy_to_clipboard
        self._opener = opener
        self.history = History(history_path)
        self.assistant: "Assistant | None" = None
        self.conversation: "Conversation | None" = None
        self.docs: list["DocInfo"] = []
        self.load_error: str | None = None
        self.last_answer: "Answer | None" = None
        self.last_links: list[LinkItem] = []
        self.timings: dict[str, float] = {}  # "input_ready", "loaded", "answer" (seconds), for benchmarks
        # questions waiting for their answer, in order: (question, placeholder, sent at, job or None)
        self._pending: deque[PendingQuestion] = deque()
        self._asking = False
        self._executor: "ThreadPoolExecutor | None" = None
        self._progress: tuple[int, int] | None = None
        self._history_warned = False
        self._toc: TocPanel | None = None
        self._ask_seconds = 0.0  # how long the last answer took (worker thread); see send_question
        self.link_mode = False  # Ctrl+O was pressed: the next digit opens that source
        self.copy_path: Path | None = None  # where Ctrl+Y saves the answer (None: the user data folder)

    # --- layout -------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        """The first screen, with its size classes (-narrow/-wide, -short/-tall) set before anything is
        styled: set at the first resize instead, they restyle and lay out the whole screen again."""
        screen = Screen(id="_default")
        width, height = self.size
        for size, breakpoints in ((width, self.HORIZONTAL_BREAKPOINTS), (height, self.VERTICAL_BREAKPOINTS)):
            names = [name for threshold, name in sorted(breakpoints or []) if size >= threshold]
            if names:
                screen.add_class(names[-1])
        return screen

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):  # the table of contents joins it after the first frame (see toc)
            yield ChatLog(id="chat")  # the welcome message is mounted right after the first frame
        yield StatusLine(id="status")
        yield HistoryInput(placeholder="Kubernetes について日本語で質問してください（Enter で送信）",
                           history=self.history.entries, id="question")
        yield Footer(show_command_palette=False)

    @property
    def chat(self) -> ChatLog:
        return self.query_one("#chat", ChatLog)

    @property
    def question_input(self) -> HistoryInput:
        return self.query_one("#question", HistoryInput)

    @property
    def toc(self) -> TocPanel:
        """The table of contents, hidden until Ctrl+T. Mounted after the first frame (a Tree and its
        styles cost about 10 ms), or when first needed."""
        if self._toc is None:
            self._toc = TocPanel(id="toc")
            self._toc.display = False
            if self.docs:
                self._toc.show_documents(self.docs)
            try:
                self.query_one("#main").mount(self._toc, before=self.chat)
            except Exception:  # the app is closing
                pass
        return self._toc

    def on_mount(self) -> None:
        from .terminal import exit_on_signals

        exit_on_signals(self)
        self.history.load()
        if self.history.problem:
            self._warn_history(self.history.problem)
        self.question_input.focus()
        self.query_one(StatusLine).busy("索引を読み込んでいます…（先に質問を入力できます）")
        self.set_interval(0.2, self._show_progress)
        # Paint first, then load: the loader's imports would otherwise hold the GIL before the first frame.
        self.call_after_refresh(self._start_loading)

    async def _start_loading(self) -> None:
        self.timings.setdefault("input_ready", time.perf_counter() - self._started)
        # Japanese line breaking from the welcome message on (the first frame has no text to wrap).
        enable_japanese_line_breaking()
        self.run_worker(self._load, name="load", group="load", thread=True, exit_on_error=False)
        chat = self.chat
        welcome = WelcomeMessage(self._examples())
        try:
            if chat.children:
                await chat.mount(welcome, before=0)
            else:
                await chat.mount(welcome)
        except MountError:  # the app is already closing (Ctrl+Q at once)
            return
        if self.docs:  # the index was faster than the welcome message
            welcome.show_chapters(self.docs)
            await welcome.set_examples(self._examples())
        _ = self.toc  # mounts it
        # Register the Markdown widgets and their styles now, while the index loads, not with the
        # first answer.
        preload = PassagesView(MarkdownDocument("", []))
        preload.display = False
        try:
            await chat.mount(preload)
            await preload.remove()
        except MountError:
            pass

    def on_unmount(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def _examples(self) -> list[str]:
        if self.corpus_paths is None:
            return list(DEFAULT_EXAMPLES)
        return [f"{one_line(d.title)}とは？" for d in self.docs[:4]]

    # --- loading ------------------------------------------------------------------------------------

    def _load(self) -> "Assistant":
        """Runs in a thread: imports the core, loads the dictionary and the (cached) index."""
        from ..engine import Assistant

        opener = self._opener or Assistant.open
        assistant = opener(self.corpus_paths, base_url=self.base_url, cache_dir=self.cache_dir,
                           progress=self._set_progress)
        # The first-use costs of answering and of showing an answer (Markdown parser, link detection,
        # code highlighting: about 0.1 s), paid here rather than by the first question. Not in a second
        # thread meanwhile: with one interpreter lock that only slows the first screen and the index.
        _warm_up(assistant, self.k)
        return assistant

    def _set_progress(self, done: int, total: int) -> None:
        self._progress = (done, total)  # read by a timer on the app's thread

    def _show_progress(self) -> None:
        if self.assistant is None and self.load_error is None and self._progress:
            done, total = self._progress
            self.query_one(StatusLine).busy(f"索引を作っています… {done}/{total}（先に質問を入力できます）")

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.name != "load":
            return
        if event.state == WorkerState.SUCCESS:
            await self._loaded(worker.result)
        elif event.state == WorkerState.ERROR:
            await self._load_failed(worker.error)

    async def _loaded(self, assistant: "Assistant") -> None:
        from ..answer import Conversation

        self.assistant = assistant
        self.conversation = Conversation()
        self.docs = assistant.documents()
        self.timings["loaded"] = time.perf_counter() - self._started
        self.toc.show_documents(self.docs)
        for welcome in self.query(WelcomeMessage).results(WelcomeMessage):
            welcome.show_chapters(self.docs)
            await welcome.set_examples(self._examples())
        passages = getattr(getattr(assistant.index, "stats", None), "passages", None)
        ready = f"準備完了: {len(self.docs)} 本の記事" + (f"（{passages} 節）" if passages else "") + "から答えます"
        self.query_one(StatusLine).ready(ready)
        notices = [clean(n) for n in assistant.notices]
        if notices:
            shown = notices[:8]
            more = f"\nほか {len(notices) - 8} 件" if len(notices) > 8 else ""
            await self.chat.mount(NoticeMessage("\n".join(shown) + more, "warning"))
            self.notify(shown[0] + (f"（ほか {len(notices) - 1} 件）" if len(notices) > 1 else ""),
                        title="お知らせ", severity="warning", markup=False, timeout=8)
        for pending in self._pending:
            pending.placeholder.set_waiting("探しています…")
        self._pump()

    async def _load_failed(self, error: BaseException | None) -> None:
        from ..corpus import CorpusError

        if isinstance(error, CorpusError):
            message = f"コーパスを読み込めません: {error}"
        else:
            message = f"索引を読み込めませんでした（{type(error).__name__}: {error}）。"
        self.load_error = clean(message)
        self.query_one(StatusLine).ready(self.load_error, error=True)
        for welcome in self.query(WelcomeMessage).results(WelcomeMessage):
            welcome.show_failure(self.load_error)
        while self._pending:
            placeholder = self._pending.popleft().placeholder
            if placeholder.is_attached:
                await placeholder.show_error(self.load_error)
        self.notify(self.load_error, title="エラー", severity="error", markup=False, timeout=10)

    # --- asking -------------------------------------------------------------------------------------

    @on(HistoryInput.Asked)
    async def _asked(self, event: HistoryInput.Asked) -> None:
        """A line ended with Enter. The box has already emptied itself (see HistoryInput), so keys typed
        meanwhile start the next question: a burst of lines becomes as many questions, in order."""
        event.stop()
        if not event.text.strip():
            self.notify("質問が空です。聞きたいことを日本語で入力してください。", severity="warning", markup=False)
            return
        await self.send_question(event.text, sent=event.sent)

    async def send_question(self, text: str, sent: float | None = None) -> None:
        """Show the question, remember it, and answer it now or as soon as the index is ready.

        ``sent`` is when the question was sent (the Enter key); ``timings["answer"]`` runs from there
        to the first screen refresh that shows the answer."""
        sent = sent or time.perf_counter()
        question = one_line(text)
        if not question:
            return
        problem = self.history.add(question)
        if problem:
            self._warn_history(problem)
        if self.load_error:
            waiting = self.load_error
        elif self.assistant is None:
            waiting = "索引を読み込んでいます。読み込みが終わりしだい答えます…"
        else:
            waiting = "探しています…"
        # Start answering at once, on the worker thread (only when every earlier question has started
        # too: the conversation needs them in order).
        job: asyncio.Future | None = None
        if self.assistant is not None and not self.load_error and all(p.job for p in self._pending):
            job = asyncio.wrap_future(self._submit(question))
        chat = self.chat
        asked = QuestionMessage(question)
        placeholder = AnswerMessage(question, waiting, question_widget=asked)
        answer = None
        # Nothing is drawn until the question is mounted: with the answer, when answers are quick and
        # this one comes within QUICK_ANSWER seconds (one screen refresh for both instead of two, the
        # first of which would delay the second), else at once with "探しています…" in its place.
        with self.batch_update():
            if job is not None and not self._pending and not self._asking and self._ask_seconds < QUICK_ANSWER:
                answer = await self._quick_answer(job, placeholder, sent)
            try:
                await chat.mount_all([asked, placeholder])
            except MountError:  # the app is closing
                return
        chat.user_scrolled = False
        if answer is not None:
            self._answered(placeholder, answer, sent)
            return
        self._scroll_to(asked)
        if self.load_error:
            await placeholder.show_error(self.load_error)
            return
        self._pending.append(PendingQuestion(question, placeholder, sent, job))
        self._pump()

    async def _quick_answer(self, job: asyncio.Future, placeholder: AnswerMessage, sent: float) -> "Answer | None":
        """The answer, put into ``placeholder`` before it is mounted, if it is ready within QUICK_ANSWER
        seconds; None otherwise (errors included: the queue reports them)."""
        await asyncio.wait({job}, timeout=QUICK_ANSWER)
        if not job.done() or job.cancelled() or job.exception() is not None:
            return None
        answer, prepared = job.result()
        if not isinstance(prepared, PreparedAnswer):
            return None
        placeholder.fill(prepared)
        placeholder.on_painted = partial(self._answer_shown, placeholder, sent)
        return answer

    def _pump(self) -> None:
        if self.assistant is None or self._asking or not self._pending:
            return
        self._asking = True
        self.run_worker(self._answer_pending(), name="ask", group="ask", exit_on_error=False)

    def _ask_executor(self) -> "ThreadPoolExecutor":
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor

            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="k8s-assistant-ask")
        return self._executor

    def _submit(self, question: str) -> "Future":
        ansi = bool(self.native_ansi_color)
        return self._ask_executor().submit(self._ask, question, ansi, bool(self.current_theme.dark))

    async def _answer_pending(self) -> None:
        """Answer waiting questions one at a time, in order, on one worker thread."""
        try:
            while self._pending and self.assistant is not None:
                await self._answer_one(self._pending.popleft())
        finally:
            self._asking = False
        if self._pending and self.assistant is not None:
            self._pump()

    async def _answer_one(self, pending: PendingQuestion) -> None:
        from ..engine import QuestionError

        question, placeholder, sent, job = pending.question, pending.placeholder, pending.sent, pending.job
        try:
            answer, prepared = await (job or asyncio.wrap_future(self._submit(question)))
        except QuestionError as exc:
            if placeholder.is_attached:
                await placeholder.show_error(str(exc))
            return
        except Exception as exc:  # never let a bad question take the app down
            if placeholder.is_attached:
                await placeholder.show_error(f"答えを作れませんでした（{type(exc).__name__}）。")
            return
        if not placeholder.is_attached:  # the conversation was cleared meanwhile
            return
        placeholder.on_painted = partial(self._answer_shown, placeholder, sent)
        try:
            if isinstance(prepared, Exception):
                raise prepared
            await placeholder.show_answer(prepared)
        except Exception as exc:  # a passage the widgets cannot show: say so, keep going
            placeholder.on_painted = None
            self.log.error("answer rendering failed", exc)
            if placeholder.is_attached:
                await placeholder.show_error(f"回答を表示できませんでした（{type(exc).__name__}）。")
            return
        self._answered(placeholder, answer, sent)

    def _answered(self, placeholder: AnswerMessage, answer: "Answer", sent: float) -> None:
        self.last_answer = answer
        if placeholder.sources:
            # Source keys reach the most recent answer *with sources*: a declined answer (its topics are
            # suggestions, reached by Tab) leaves them on the answer before it.
            self.last_links = placeholder.sources
        self.call_after_refresh(self._answer_shown, placeholder, sent)  # if it is not drawn (out of view)

    def _answer_shown(self, placeholder: AnswerMessage, sent: float) -> None:
        """Runs right after the first screen refresh that shows the answer (once per answer)."""
        if placeholder.shown_at is not None:
            return
        placeholder.shown_at = time.perf_counter()
        placeholder.on_painted = None
        self.timings["answer"] = placeholder.shown_at - sent
        self._scroll_to(placeholder.question_widget or placeholder, announce=True)
        self.refresh_bindings()

    def _ask(self, question: str, ansi: bool = False,
             dark: bool = True) -> "tuple[Answer, PreparedAnswer | Exception]":
        """Runs on the worker thread: the core's answer, and what the screen will show of it."""
        assert self.assistant is not None
        started = time.perf_counter()
        answer = self.assistant.ask(question, k=self.k, conversation=self.conversation)
        try:
            return answer, PreparedAnswer(answer, ansi=ansi, dark=dark)
        except Exception as exc:  # shown as "cannot display" by the UI thread
            return answer, exc
        finally:
            self._ask_seconds = time.perf_counter() - started

    def _scroll_to(self, widget, announce: bool = False) -> None:
        """Put ``widget`` at the top of the view, unless the reader has scrolled away to read."""
        chat = self.chat
        if chat.user_scrolled:
            if announce:
                self.notify("新しい回答があります（会話で End キーを押すと末尾へ移ります）。", markup=False)
            return

        def scroll() -> None:
            if widget.is_attached and not chat.user_scrolled:
                chat.scroll_to_widget(widget, top=True, animate=False, immediate=True)
                chat.following = widget
                chat.note_reading_position()

        self.call_after_refresh(scroll)  # every height is known at mount (no widget grows later)

    def _focus(self, widget) -> None:
        """Move the focus now, not after the keys already waiting (``Widget.focus`` is deferred), so a
        burst of keys (Ctrl+T, then arrows and Enter) reaches the widget each key was meant for."""
        try:
            self.screen.set_focus(widget)
        except Exception:
            widget.focus()

    def _warn_history(self, message: str) -> None:
        if not self._history_warned:
            self._history_warned = True
            self.notify(clean(message), title="履歴", severity="warning", markup=False, timeout=8)

    # --- links and sources --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        behind_dialog = self.screen is not self.screen_stack[0]
        if action in ("toggle_toc", "clear_chat", "copy_answer", "scroll_chat", "link_mode", "open_source") \
                and behind_dialog:
            return False  # not behind the command palette or another dialog
        return True

    async def on_event(self, event: events.Event) -> None:
        """Source keys, read before any widget sees the key (see keys.py): Alt+digit (as it arrives) opens
        that source; after Ctrl+O, a digit opens that source and any other key ends the mode and then
        does what it always does (typing is never lost)."""
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen is self.screen_stack[0]:
            number = source_key(event.key, event.character)
            if number is not None:
                self._end_link_mode()
                self.action_open_source(number)
                return
            if self.link_mode and event.key != "ctrl+o":
                self._end_link_mode()
                if event.character and event.character.isdigit():
                    self.action_open_source(int(event.character))
                    return
        await super().on_event(event)

    def action_link_mode(self) -> None:
        """Ctrl+O: the next digit opens that source; shown on the status line while it lasts."""
        if not self.last_links:
            self.notify("まだ出典のある回答がありません。質問してみてください。", severity="warning", markup=False)
            return
        self.link_mode = True
        self.query_one(StatusLine).prompt(f"{LINK_MODE_PROMPT}　出典は {len(self.last_links)} 件")
        self.refresh_bindings()

    def _end_link_mode(self) -> None:
        if self.link_mode:
            self.link_mode = False
            self.query_one(StatusLine).end_prompt()
            self.refresh_bindings()

    def action_open_source(self, number: int) -> None:
        if not self.last_links:
            self.notify("まだ出典のある回答がありません。質問してみてください。", severity="warning", markup=False)
            return
        for link in self.last_links:
            if link.number == number:
                self.open_link_item(link)
                return
        self.notify(f"出典 [{number}] はありません（最後の回答の出典は {len(self.last_links)} 件です）。",
                    severity="warning", markup=False)

    def open_link_item(self, item: LinkItem) -> None:
        if item.value:
            self.open_link(item.value)
        else:
            where = f"（ファイル: {one_line(item.fallback)}）" if item.fallback else ""
            self.notify(f"この出典にはリンクがありません{where}。", severity="warning", markup=False)

    def open_link(self, url: str) -> bool:
        """Open an http(s) link in the browser (in a worker); anything else is refused with a notice."""
        url = url.strip()
        shown = short_url(url, self._notice_room())
        if not is_web_url(url):
            self.notify(f"http/https 以外のリンクは開きません:\n{shown}", severity="warning", markup=False)
            return False
        self.notify(shown, title="ブラウザで開きます", markup=False, timeout=4)
        self.run_worker(self._open_in_browser(url), name="browser", group="browser", exit_on_error=False)
        return True

    def _notice_room(self) -> int:
        """Cells for one line of a notice (toasts are 72 wide, at most 90% of the screen; see app.tcss)."""
        return max(20, min(72, self.size.width * 9 // 10) - 4)

    async def _open_in_browser(self, url: str) -> None:
        try:
            opened = await asyncio.to_thread(self._open_url_func, url)
        except Exception:
            opened = False
        if opened is False:
            self.notify(f"ブラウザを開けませんでした。このURLを手で開いてください:\n{short_url(url, 400)}",
                        title="ブラウザがありません", severity="warning", markup=False, timeout=12)

    @on(LinkItem.Selected)
    async def _link_selected(self, event: LinkItem.Selected) -> None:
        event.stop()
        item = event.item
        if item.kind == "ask" and item.value:
            await self.send_question(item.value)
            self._focus(self.question_input)
        elif item.kind == "expand":
            await item.expand()
        elif item.kind == "article" and item.value:
            await self.show_article(item.value)
        else:
            self.open_link_item(item)

    @on(MarkdownView.LinkClicked)
    async def _markdown_link_clicked(self, event: MarkdownView.LinkClicked) -> None:
        """Links inside passages (MarkdownView opens nothing itself): http/https only."""
        event.stop()
        href = event.href.strip()
        if not is_web_url(href):
            target = href.split("#")[0].rsplit("/", 1)[-1]
            for doc in self.docs:
                if target and (doc.path.rsplit("/", 1)[-1] == target):
                    await self.show_article(doc.doc_id)
                    return
        self.open_link(href)

    # --- other actions ------------------------------------------------------------------------------

    def action_copy_answer(self) -> None:
        """Copy the last answer through the terminal (OSC 52) and save it to a file, then say which of
        the two reached the user: where OSC 52 is known not to arrive (tmux by default), the file."""
        if self.last_answer is None:
            self.notify("コピーする回答がまだありません。", severity="warning", markup=False)
            return
        text = answer_as_text(self.last_answer)
        try:
            saved: Path | None = save_answer(text, self.copy_path)
        except OSError:
            saved = None
        where = f"\n回答をファイルに保存しました:\n{_home_relative(saved)}" if saved else ""
        problem = clipboard_problem() if self._clipboard_func == self.copy_to_clipboard else None
        if problem is None:
            try:
                self._clipboard_func(text)
            except Exception as exc:
                problem = f"クリップボードを使えません（{type(exc).__name__}）"
        if problem is not None:
            fallback = where or "\nマウスで選択してコピーしてください。"
            self.notify(f"{problem}。{fallback}", title="クリップボードには入りません", severity="warning",
                        markup=False, timeout=12)
            return
        self.notify(f"回答（{len(text)} 文字）を端末のクリップボードに送りました（OSC 52 に対応した端末で届きます）。{where}",
                    title="コピー", markup=False, timeout=8)

    def action_scroll_chat(self, direction: int) -> None:
        """Page Up / Page Down scroll the conversation from anywhere (also from the question box)."""
        chat = self.chat
        chat.user_scrolled = True
        chat.action_move("pageup" if direction < 0 else "pagedown")

    def action_toggle_toc(self) -> None:
        toc = self.toc
        self.chat.keep_reading_position()  # the chat narrows or widens: keep the same text in view
        toc.display = not toc.display
        if toc.display:
            self._focus(toc)
        else:
            self._focus(self.question_input)

    @on(TocPanel.Close)
    def _close_toc(self, event: TocPanel.Close) -> None:
        event.stop()
        if self.toc.display:
            self.action_toggle_toc()

    @on(TocPanel.ScrollChat)
    def _toc_scroll(self, event: TocPanel.ScrollChat) -> None:
        event.stop()
        self.action_scroll_chat(event.direction)

    async def action_clear_chat(self) -> None:
        for pending in self._pending:
            if pending.job is not None:
                pending.job.cancel()  # not started yet: it must not enter the new conversation
        self._pending.clear()
        self.last_answer = None
        self.last_links = []
        if self.assistant is not None:
            from ..answer import Conversation

            self.conversation = Conversation()
        chat = self.chat
        await chat.remove_children()
        welcome = WelcomeMessage(self._examples())
        await chat.mount(welcome)
        if self.docs:
            welcome.show_chapters(self.docs)
        elif self.load_error:
            welcome.show_failure(self.load_error)
        chat.user_scrolled = False
        chat.scroll_home(animate=False)
        self.refresh_bindings()
        self.notify("会話を消しました。", markup=False, timeout=2)

    @on(TocPanel.ArticleChosen)
    async def _article_chosen(self, event: TocPanel.ArticleChosen) -> None:
        event.stop()
        await self.show_article(event.doc_id)

    async def show_article(self, doc_id: str) -> None:
        if self.assistant is None:
            self.notify("索引を読み込み中です。少し待ってからもう一度選んでください。", markup=False)
            return
        doc = next((d for d in self.docs if d.doc_id == doc_id), None)
        if doc is None:
            return
        try:
            markdown = self.assistant.article_markdown(doc_id)
        except KeyError:
            self.notify("この記事は見つかりません。", severity="warning", markup=False)
            return
        # Parsed (and its code highlighted) on the worker thread, after any answer being prepared.
        document = await asyncio.wrap_future(self._ask_executor().submit(
            parse_markdown, markdown, ansi=bool(self.native_ansi_color), dark=bool(self.current_theme.dark)))
        message = ArticleMessage(doc, document)
        chat = self.chat
        await chat.mount(message)
        chat.user_scrolled = False
        self._scroll_to(message)
        if self.size.width < 100:
            self.toc.display = False
            self._focus(self.question_input)

    @on(HistoryInput.Leave)
    def _leave_input(self) -> None:
        self._focus(self.chat)

    @on(HistoryInput.ToSources)
    def _to_sources(self, event: HistoryInput.ToSources) -> None:
        """Tab from the question box: the latest answer's first link (or the examples), not the top."""
        event.stop()
        target = self._latest_links()
        if target:
            self.chat.user_scrolled = True  # the reader moved on purpose: answers must not pull the view
            self._focus(target[0])
            target[0].scroll_visible(animate=False)
        else:
            self.screen.focus_next()

    def _latest_links(self) -> list[LinkItem]:
        """The focusable links of the newest message that has any (an answer's sources, a declined
        answer's topics, an article's link, or the welcome's examples)."""
        for message in reversed(self.chat.children):
            links = list(message.query(LinkItem).results(LinkItem))
            if links:
                return links
        return []

    @on(TypeAhead)
    def _type_ahead(self, event: TypeAhead) -> None:
        box = self.question_input
        self._focus(box)
        box.insert_text_at_cursor(event.character)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return system_commands(self)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(placeholder="記事や操作を検索…（例: Service）", id="--command-palette"))

    def action_quit(self) -> None:  # type: ignore[override]
        code = 2 if self.load_error else 0
        self.exit(code, return_code=code)


def run(corpus_paths: list[Path] | None = None, base_url: str | None = None, history: bool = True) -> int:
    """Run the chat app (``k8s-assistant`` without arguments). Returns the exit code.

    Refuses to start without a terminal (exit 2, see ``terminal.py``); SIGTERM and SIGHUP end the
    app the normal way, so the terminal is given back as it was."""
    import sys

    from .history import default_history_path
    from .terminal import NO_TERMINAL_MESSAGE, has_terminal

    paths = [Path(p) for p in corpus_paths] if corpus_paths else None
    if not has_terminal():
        print(NO_TERMINAL_MESSAGE, file=sys.stderr)
        return 2
    for p in paths or []:
        if not p.exists():
            print(f"エラー: コーパスのパス {p} が見つかりません。", file=sys.stderr)
            return 2
    history_path = None
    if history and os.environ.get("K8S_ASSISTANT_NO_HISTORY", "") in ("", "0"):
        try:
            history_path = default_history_path()
        except Exception:
            history_path = None
    app = AssistantApp(paths, base_url, history_path=history_path)
    app.run()
    return int(app.return_code or 0)


def _warm_up(assistant: "Assistant", k: int) -> None:
    """Answer a sample question (without a conversation: nothing is remembered) and prepare it for the
    screen, off the UI thread, so that the first real question finds everything loaded."""
    from .markdown import warm_up

    try:
        import textual.scrollbar  # noqa: F401  (needed when the first answer makes the conversation scroll)

        warm_up()
        PreparedAnswer(assistant.ask(WARM_UP_QUESTION, k=k))
    except Exception:  # only a warm-up
        pass


def _home_relative(path: Path) -> str:
    """``~/…`` for a path in the home folder (shorter in a notice, so it is not broken mid-name)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _browser_open(url: str) -> bool:
    from .desktop import open_in_browser

    return open_in_browser(url)
