"""The guide's table of contents: chapters and their articles, in corpus order.

Typing while it has focus goes to the question box (the TOC is for choosing, the box for typing);
Esc closes it; PgUp/PgDn scroll the conversation; the cursor is shown reversed and bold, not by
colour alone. Titles longer than the panel end with "…" instead of being cut mid-word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree

from ..text import one_line
from .chat import TypeAhead

LABEL_ROOM = 25  # cells for a title in the panel (34 wide, less padding, border, guides and the cursor)


def fit_label(text: str, room: int = LABEL_ROOM) -> str:
    """``text`` within ``room`` cells, ending with "…" when it had to be shortened."""
    if cell_len(text) <= room:
        return text
    out = ""
    for character in text:
        if cell_len(out + character) > room - 1:
            break
        out += character
    return out + "…"

if TYPE_CHECKING:
    from ...index import DocInfo


class TocPanel(Tree[str]):
    """Chapters as branches, articles as leaves (data: doc id). Labels are plain text, never markup."""

    BINDINGS = [
        Binding("escape", "close", "閉じる"),
        Binding("pageup", "scroll_chat(-1)", "上へ", show=False),
        Binding("pagedown", "scroll_chat(1)", "下へ", show=False),
    ]

    class Close(Message):
        """Esc: close the table of contents."""

    class ScrollChat(Message):
        def __init__(self, direction: int) -> None:
            super().__init__()
            self.direction = direction

    class ArticleChosen(Message):
        def __init__(self, doc_id: str) -> None:
            super().__init__()
            self.doc_id = doc_id

    def __init__(self, **kwargs) -> None:
        super().__init__(Text("目次"), **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self.root.add_leaf(Text("読み込み中…", style="dim"))

    def show_documents(self, docs: list["DocInfo"]) -> None:
        self.clear()
        chapters: dict[str, list["DocInfo"]] = {}
        for doc in docs:
            chapters.setdefault(doc.chapter or "その他", []).append(doc)
        for chapter, items in chapters.items():
            branch = self.root.add(Text(fit_label(one_line(chapter)), style="bold"), expand=True)
            for doc in items:
                branch.add_leaf(Text(fit_label(one_line(doc.title) or doc.doc_id)), data=doc.doc_id)
        if not docs:
            self.root.add_leaf(Text("記事がありません", style="dim"))
        else:
            self.call_after_refresh(self._cursor_to_first_article)

    def _cursor_to_first_article(self) -> None:
        if self.cursor_line < 1:
            self.cursor_line = 1  # line 0 is the first chapter, line 1 its first article

    def action_close(self) -> None:
        self.post_message(self.Close())

    def action_scroll_chat(self, direction: int) -> None:
        self.post_message(self.ScrollChat(direction))

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and event.character != " ":
            event.stop()
            event.prevent_default()
            self.post_message(TypeAhead(event.character))

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.ArticleChosen(event.node.data))
