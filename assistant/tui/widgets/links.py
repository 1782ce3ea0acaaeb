"""Focusable, clickable lines: a source link, an example question, a suggested topic.

Markdown links are reachable only by mouse; these are reachable by Tab and open with Enter (or a
click). They post :class:`LinkItem.Selected` and never open anything themselves.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static


class LinkItem(Static, can_focus=True):
    """One selectable line. ``kind`` is "url" (value: the link), "ask" (a question) or "article" (doc id)."""

    BINDINGS = [Binding("enter,space", "select", "選ぶ", show=False)]

    class Selected(Message):
        def __init__(self, item: "LinkItem") -> None:
            super().__init__()
            self.item = item

        @property
        def control(self) -> "LinkItem":
            return self.item

    def __init__(self, label: Text, kind: str, value: str | None, *, number: int | None = None,
                 fallback: str = "", title: str = "", classes: str | None = None) -> None:
        super().__init__(label, classes=classes)
        self.title = title or label.plain  # plain text, for the command palette
        self.kind = kind
        self.value = value
        self.number = number
        self.fallback = fallback  # what to show when there is no link (a file path)
        self.label = label

    def action_select(self) -> None:
        self.post_message(self.Selected(self))

    def on_click(self) -> None:
        self.action_select()
