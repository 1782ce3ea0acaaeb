"""The question box: single line, wide characters, Up/Down recall earlier questions.

Enter empties the box at once and posts :class:`HistoryInput.Asked` with the line: keys typed
while the app is still busy with that line (a fast typist, a burst from the terminal) start the
next question, so every Enter asks its own line, in order.

History: Up saves what is being typed (the draft) and shows the newest entry; Down past the newest
brings the draft back; editing a recalled entry makes it the draft, so the next Up starts again from
the newest entry.

Pasted text is joined onto one line (the stock Input keeps only the first line). Over the question
limit, its start and its end are kept (the question is usually at the end), with a notice.
"""

from __future__ import annotations

import time

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from ...limits import MAX_QUESTION_CHARS
from ..text import clean, fit_question

QUESTION_LIMIT = MAX_QUESTION_CHARS  # the core reads at most this much of a question (one shared limit)


class HistoryInput(Input):
    BINDINGS = [
        Binding("up", "history_previous", "前の質問", show=False),
        Binding("down", "history_next", "次の質問", show=False),
        Binding("escape", "leave", "会話へ", show=False, tooltip="入力欄から会話へ移ります（↑↓ でスクロール）"),
        Binding("tab", "to_sources", "出典へ", show=False),
    ]

    class Leave(Message):
        """The user pressed Escape: move to the conversation."""

    class ToSources(Message):
        """Tab: move to the latest answer's sources."""

    class Asked(Message):
        """Enter: ``text`` is a question (the box is already empty). ``sent``: when Enter was pressed."""

        def __init__(self, text: str, sent: float | None) -> None:
            super().__init__()
            self.text = text
            self.sent = sent

    def __init__(self, *args, history: list[str] | None = None, **kwargs) -> None:
        kwargs.setdefault("max_length", QUESTION_LIMIT)
        kwargs.setdefault("select_on_focus", False)  # type-ahead lands here with a focus: keep what it typed
        super().__init__(*args, **kwargs)
        self.history: list[str] = history if history is not None else []
        self._position: int | None = None  # index into history while browsing, None = the draft
        self._draft = ""
        self._warned_long = False
        self._enter_at: float | None = None
        self._showing: str | None = None  # the history entry put into the box (to notice an edit)

    def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            # Taken here, in the order the keys arrived, not through the Enter binding: a binding runs
            # when the key has come back to the app, after the keys typed behind it were inserted, so a
            # burst "A⏎B⏎" would ask "AB" and then an empty question.
            event.stop()
            event.prevent_default()
            self._enter_at = time.perf_counter()  # the question is "sent" from here (answer timing)
            self._submit_line()

    async def action_submit(self) -> None:
        """Enter by other means (a binding, a test): the same as the key."""
        self._submit_line()

    def _submit_line(self) -> None:
        """Take the line and empty the box now, so the next keys start the next question."""
        text = self.value
        sent = self.take_enter_time()
        self._showing = None
        self.value = ""
        self.reset_history_position()
        self.post_message(self.Asked(text, sent))

    def action_to_sources(self) -> None:
        self.post_message(self.ToSources())

    def take_enter_time(self) -> float | None:
        """When Enter was pressed for the question just submitted (None if it was not Enter)."""
        at, self._enter_at = self._enter_at, None
        return at if at is not None and time.perf_counter() - at < 5 else None

    # --- history ---------------------------------------------------------------------------------

    def watch_value(self, value: str) -> None:
        if self._position is not None and value != self._showing:
            # A recalled question was edited: it is now the draft, and Up starts from the newest again.
            self._position = None
            self._draft = value

    def action_history_previous(self) -> None:
        if not self.history:
            return
        if self._position is None:
            self._draft = self.value
            self._position = len(self.history) - 1
        elif self._position > 0:
            self._position -= 1
        else:
            return
        self._show(self.history[self._position])

    def action_history_next(self) -> None:
        if self._position is None:
            return
        if self._position < len(self.history) - 1:
            self._position += 1
            self._show(self.history[self._position])
        else:
            self._position = None
            self._show(self._draft)

    def reset_history_position(self) -> None:
        self._position = None
        self._draft = ""

    def _show(self, text: str) -> None:
        self._showing = text[: QUESTION_LIMIT]
        self.value = self._showing
        self.cursor_position = len(self.value)

    def action_leave(self) -> None:
        self.post_message(self.Leave())

    # --- long input ------------------------------------------------------------------------------

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = " ".join(clean(event.text).split())
        if not text:
            return
        start, end = sorted(self.selection)
        room = QUESTION_LIMIT - (len(self.value) - (end - start))
        if len(text) > room:
            text, _ = fit_question(text, max(0, room))
            self._warn_long()
        if text:
            self.replace(text, start, end)

    def restricted(self) -> None:
        self._warn_long()

    def _warn_long(self) -> None:
        if not self._warned_long:
            self._warned_long = True
            self.app.notify(f"質問は {QUESTION_LIMIT:,} 文字までです。長い貼り付けは最初と最後（質問の部分）を残し、"
                            "間を「…」で省きました。",
                            title="長い入力", severity="warning", markup=False)
            self.set_timer(5, self._allow_warning)
        else:
            self.app.bell()

    def _allow_warning(self) -> None:
        self._warned_long = False
