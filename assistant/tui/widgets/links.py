"""Focusable, clickable lines: a source link, an example question, a suggested topic.

Markdown links are reachable only by mouse; these are reachable by Tab and open with Enter (or a
click), and ↑/↓ move between the links of one message (the welcome's examples, an answer's
sources). They post :class:`LinkItem.Selected` and never open anything themselves. The focused
link is shown by more than colour: bold, underlined, with a ▶ in front.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static


class LinkItem(Static, can_focus=True):
    """One selectable line. ``kind`` is "url" (value: the link), "ask" (a question) or "article" (doc id)."""

    BINDINGS = [
        Binding("enter,space", "select", "選ぶ", show=False),
        Binding("down", "move(1)", "次へ", show=False),
        Binding("up", "move(-1)", "前へ", show=False),
    ]

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

    def action_move(self, step: int) -> None:
        """Focus the previous/next link of the same message (stays put at either end)."""
        parent = self.parent
        while parent is not None and parent.parent is not None and not parent.has_class("message"):
            parent = parent.parent
        if parent is None:
            return
        links = [link for link in parent.query(LinkItem).results(LinkItem) if link.display]
        if self not in links:
            return
        index = links.index(self) + step
        if 0 <= index < len(links):
            links[index].focus(scroll_visible=True)

    def on_focus(self) -> None:
        self.update(Text("▶ ") + self.label)

    def on_blur(self) -> None:
        self.update(self.label)

    def on_click(self) -> None:
        self.action_select()
