"""The question box: single line, wide characters, Up/Down recall earlier questions.

Pasted text is joined onto one line (the stock Input keeps only the first line) and cut at the
question limit with a notice, so a 10,000-character paste neither freezes nor crashes the app.
"""

from __future__ import annotations

import time

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from ..text import clean

QUESTION_LIMIT = 2_000  # the core reads at most this much of a question


class HistoryInput(Input):
    BINDINGS = [
        Binding("up", "history_previous", "前の質問", show=False),
        Binding("down", "history_next", "次の質問", show=False),
        Binding("escape", "leave", "回答へ", tooltip="入力欄から会話へ移ります（1-9 で出典を開けます）"),
    ]

    class Leave(Message):
        """The user pressed Escape: move to the conversation."""

    def __init__(self, *args, history: list[str] | None = None, **kwargs) -> None:
        kwargs.setdefault("max_length", QUESTION_LIMIT)
        super().__init__(*args, **kwargs)
        self.history: list[str] = history if history is not None else []
        self._position: int | None = None  # index into history while browsing, None = the draft
        self._draft = ""
        self._warned_long = False
        self._enter_at: float | None = None

    def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            self._enter_at = time.perf_counter()  # the question is "sent" from here (answer timing)

    def take_enter_time(self) -> float | None:
        """When Enter was pressed for the question just submitted (None if it was not Enter)."""
        at, self._enter_at = self._enter_at, None
        return at if at is not None and time.perf_counter() - at < 5 else None

    # --- history ---------------------------------------------------------------------------------

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
        self.value = text[: QUESTION_LIMIT]
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
            text = text[: max(0, room)]
            self._warn_long()
        if text:
            self.replace(text, start, end)

    def restricted(self) -> None:
        self._warn_long()

    def _warn_long(self) -> None:
        if not self._warned_long:
            self._warned_long = True
            self.app.notify(f"質問は {QUESTION_LIMIT:,} 文字までです。超えた部分は使いません。",
                            title="長い入力", severity="warning", markup=False)
            self.set_timer(5, self._allow_warning)
        else:
            self.app.bell()

    def _allow_warning(self) -> None:
        self._warned_long = False
