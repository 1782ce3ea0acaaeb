"""The command palette (Ctrl+P), in Japanese throughout.

:class:`GuideCommands` offers the guide's articles and the last answer's sources by name;
:func:`system_commands` replaces Textual's English system entries (Keys, Maximize, Quit, Screenshot,
Theme) with the app's own actions, named in Japanese.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from .text import one_line

if TYPE_CHECKING:
    from .app import AssistantApp

Entry = tuple[str, Callable[[], Any], str]


class GuideCommands(Provider):
    """The guide's articles (like the table of contents) and the last answer's sources."""

    def _entries(self) -> list[Entry]:
        from .app import AssistantApp

        app = self.app
        if not isinstance(app, AssistantApp):
            return []
        entries: list[Entry] = []
        for link in app.last_links:
            if link.number is not None:
                title = f"出典 [{link.number}] を開く: {one_line(link.title)}"
                entries.append((title, lambda link=link: app.open_link_item(link), "ブラウザで開きます"))
        for doc in app.docs:
            title = f"記事: {one_line(doc.title) or doc.doc_id}"
            entries.append((title, lambda d=doc.doc_id: app.show_article(d), "記事全体を会話に表示します"))
        return entries

    async def discover(self) -> Hits:
        for title, callback, help_text in self._entries()[:60]:
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._entries():
            score = matcher.match(title)
            if score > 0:
                # Content (not a str): titles come from the corpus and must never be read as markup.
                yield Hit(score, Content(title), callback, text=title, help=help_text)


def system_commands(app: "AssistantApp") -> Iterable[SystemCommand]:
    """The palette's fixed entries: every one in Japanese, none of Textual's English ones."""
    yield SystemCommand("目次を開く/閉じる", "ガイドの章と記事の一覧（Ctrl+T）", app.action_toggle_toc)
    yield SystemCommand("出典を番号で開く", "続けて 1-9 を押します（Ctrl+O）", app.action_link_mode)
    yield SystemCommand("回答をコピー", "最後の回答を出典のリンクごとコピーし、ファイルにも保存（Ctrl+Y）",
                        app.action_copy_answer)
    yield SystemCommand("会話を消す", "会話を最初の状態に戻す（Ctrl+L）", app.action_clear_chat)
    yield SystemCommand("明るい/暗い配色の切り替え", "画面の配色を切り替えます", app.action_toggle_dark)
    yield SystemCommand("終了", "アシスタントを終了します（Ctrl+Q）", app.action_quit)
