"""The guide's table of contents: chapters and their articles, in corpus order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree

from ..text import one_line

if TYPE_CHECKING:
    from ...index import DocInfo


class TocPanel(Tree[str]):
    """Chapters as branches, articles as leaves (data: doc id). Labels are plain text, never markup."""

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
            branch = self.root.add(Text(one_line(chapter), style="bold"), expand=True)
            for doc in items:
                branch.add_leaf(Text(one_line(doc.title) or doc.doc_id), data=doc.doc_id)
        if not docs:
            self.root.add_leaf(Text("記事がありません", style="dim"))
        else:
            self.call_after_refresh(self._cursor_to_first_article)

    def _cursor_to_first_article(self) -> None:
        if self.cursor_line < 1:
            self.cursor_line = 1  # line 0 is the first chapter, line 1 its first article

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node.data:
            self.post_message(self.ArticleChosen(event.node.data))
