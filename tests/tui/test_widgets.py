"""Widgets alone, each mounted on a small host app without the corpus or the core."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Vertical

from assistant.tui.widgets import ExpandItem, HistoryInput, LinkItem, TocPanel, TypeAhead
from assistant.tui.widgets.chat import PassagesView


class Host(App):
    """A bare app holding the widgets under test; records the messages they post."""

    def __init__(self, *widgets) -> None:
        super().__init__()
        self.widgets = widgets
        self.asked: list[str] = []
        self.typed: list[str] = []
        self.closed = 0

    def compose(self) -> ComposeResult:
        yield from self.widgets

    def on_history_input_asked(self, event: HistoryInput.Asked) -> None:
        self.asked.append(event.text)

    def on_type_ahead(self, event: TypeAhead) -> None:
        self.typed.append(event.character)

    def on_toc_panel_close(self) -> None:
        self.closed += 1


async def test_every_enter_submits_its_own_line_in_order():
    box = HistoryInput(history=[])
    app = Host(box)
    async with app.run_test() as pilot:
        box.focus()
        await pilot.press(*"abc", "enter", *"def", "enter", "enter", *"ghi", "enter")
        await pilot.pause()
        assert app.asked == ["abc", "def", "", "ghi"]  # the empty one is refused by the app
        assert box.value == ""


async def test_history_draft_survives_browsing_and_an_edit_restarts_from_the_newest():
    box = HistoryInput(history=["一つ目", "二つ目", "三つ目"])
    app = Host(box)
    async with app.run_test() as pilot:
        box.focus()
        box.value = "書きかけ"
        await pilot.press("up", "up")
        assert box.value == "二つ目"
        await pilot.press("down", "down")
        assert box.value == "書きかけ"  # past the newest: the draft is back, not an empty box
        await pilot.press("up", "up")
        box.value = "二つ目を直した"
        await pilot.pause()
        await pilot.press("up")
        assert box.value == "三つ目"


async def test_link_items_move_with_arrow_keys_within_their_message():
    items = [LinkItem(Text(f"例 {n}"), "ask", f"質問 {n}") for n in range(3)]
    app = Host(Vertical(*items, classes="message"))
    async with app.run_test() as pilot:
        items[0].focus()
        await pilot.press("down", "down", "down")
        assert app.focused is items[2]  # stays at the last one
        await pilot.press("up")
        assert app.focused is items[1]
        assert str(items[1].render()).startswith("▶")  # focus shown by a mark, not by colour alone


async def test_toc_hands_typing_to_the_question_box_and_closes_on_escape():
    toc = TocPanel()
    app = Host(toc)
    async with app.run_test() as pilot:
        toc.focus()
        await pilot.press("l", "o", "g", "escape")
        assert app.typed == ["l", "o", "g"] and app.closed == 1


async def test_folded_passage_opens_in_place():
    fold = ExpandItem("## 見出し\n\n畳まれていた本文です。", "本文を表示", replace=False)
    message = Vertical(LinkItem(Text("[2] 記事"), "url", "https://example.com/a", number=2), fold,
                       classes="message")
    app = Host(message)
    async with app.run_test() as pilot:
        await fold.expand()
        await pilot.pause()
        assert not app.query(ExpandItem)
        view = app.query_one(PassagesView)
        assert "畳まれていた本文です。" in view.source
