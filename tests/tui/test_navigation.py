"""The whole app: regression tests for navigation, answers and notices (issue 12), on the small
fixed corpus of ``_helpers`` (not the shipped guide)."""

from __future__ import annotations

from assistant.tui.desktop import clipboard_problem
from assistant.tui.text import fit_question, fold_echo, short_url
from assistant.tui.widgets import ExpandItem, LinkItem, QuestionMessage, TocPanel
from assistant.tui.widgets.history_input import QUESTION_LIMIT

from ._helpers import Recorder, ask, loaded, make_app, screen_text, wait_for


def _inside(widget, container) -> bool:
    return container.region.contains_region(widget.region) and widget.region.height > 0


async def test_summary_and_first_link_fit_the_first_screen_and_others_are_folded(tmp_path):
    for size in ((80, 24), (120, 40)):
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await loaded(pilot)
            message = await ask(pilot, "Podとは何ですか？")
            await pilot.pause(0.2)
            chat = app.chat
            summary = message.query_one(".summary")
            first = [link for link in message.query(LinkItem) if link.kind == "url"][0]
            assert _inside(summary, chat) and _inside(first, chat), size
            if size == (120, 40):  # the first passage too (trimmed; "続きを表示" opens the rest)
                assert _inside(message.query_one(".passages"), chat)
            assert "https://example.com/pods" in str(first.label)  # the link is on the heading line
            # the 要点's sentence is not repeated in the passage under it
            text = screen_text(app)
            assert text.count("最小の単位です") == 1
            # other passages are folded until opened
            folds = [item for item in message.query(ExpandItem)]
            assert folds
            before = len(message.children)
            folds[-1].focus()
            await pilot.press("enter")
            await pilot.pause(0.1)
            assert len(message.children) == before  # the fold became the passage


async def test_tab_from_the_input_goes_to_the_latest_answers_sources(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await ask(pilot, "Serviceとは？")
        latest = await ask(pilot, "ログを見るには？")
        app.question_input.focus()
        await pilot.press("tab")
        assert isinstance(app.focused, LinkItem) and app.focused in latest.sources
        assert app.focused is latest.sources[0]
        await pilot.press("down")
        assert app.focused is latest.links[1]  # ↓ moves to the next link of the same answer


async def test_arrow_keys_move_between_welcome_examples(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("tab")
        examples = list(app.query(".example").results(LinkItem))
        assert app.focused is examples[0]
        await pilot.press("down")
        assert app.focused is examples[1]
        await pilot.press("up", "up")
        assert app.focused is examples[0]  # stays at the first


async def test_history_keeps_the_draft_and_restarts_after_an_edit(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        for question in ("Podとは？", "Serviceとは？", "ログを見るには？"):
            await ask(pilot, question)
        box = app.question_input
        box.value = "下書き"
        await pilot.press("up", "up", "down")
        assert box.value == "ログを見るには？"
        box.value = "ログを見るには？（編集）"
        await pilot.pause()
        await pilot.press("up")
        assert box.value == "ログを見るには？"  # from the newest again, not the middle
        await pilot.press("down")
        assert box.value == "ログを見るには？（編集）"  # the edited text is the draft, kept
        await pilot.press("down")
        assert box.value == "ログを見るには？（編集）"


async def test_toc_gives_typing_back_esc_closes_and_keeps_the_reading_position(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, "Podとは何ですか？")
        await pilot.pause(0.2)
        question = message.question_widget
        top = question.region.y
        await pilot.press("ctrl+t")
        await pilot.pause(0.2)
        toc = app.query_one(TocPanel)
        assert toc.display and app.focused is toc
        assert app.chat.region.contains_region(question.region) and question.region.y <= top  # still in view
        await pilot.press("l", "o", "g")
        assert app.focused is app.question_input and app.question_input.value == "log"
        toc.focus()
        await pilot.pause()
        await pilot.press("escape")
        assert not toc.display and app.focused is app.question_input


async def test_resize_keeps_the_answer_being_read_in_view(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, "Podとは何ですか？")
        await pilot.pause(0.2)
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.3)
        assert app.chat.region.contains_region(message.question_widget.region)


async def test_declined_answer_keeps_source_keys_on_the_last_answer_with_sources(tmp_path):
    browser = Recorder()
    app = make_app(tmp_path, open_url=browser)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        answered = await ask(pilot, "Serviceとは？")
        declined = await ask(pilot, "今日の東京の天気は？")
        assert not declined.answer.answered
        await pilot.press("ctrl+o", "1")
        await app.workers.wait_for_complete()
        assert browser.calls == [answered.answer.hits[0].source]


async def test_mention_answer_says_so_and_folds_the_mentions(tmp_path):
    from dataclasses import replace

    from assistant.tui.widgets import PreparedAnswer

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, "Serviceとは？")
        answer = replace(message.answer, answered=False, summary=(),
                         message="ガイドでは詳しく扱っていません。触れている箇所:")
        answer = replace(answer, coverage="mention")
        prepared = PreparedAnswer(answer)
        assert prepared.coverage == "mention"
        await message.show_answer(prepared)
        await pilot.pause()
        assert "触れている箇所" in screen_text(app)
        assert message.query(ExpandItem)
        assert "passages" not in [kind for kind, _payload, _classes in prepared.parts]  # all folded


async def test_long_paste_keeps_the_question_at_its_end_and_the_echo_is_folded(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        from textual import events

        text = "前置きの文章です。" * 350 + "Serviceとは何ですか？"
        app.question_input.post_message(events.Paste(text))
        await pilot.pause()
        assert len(app.question_input.value) <= QUESTION_LIMIT
        assert app.question_input.value.endswith("Serviceとは何ですか？")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.query(QuestionMessage)))
        echo = app.query(QuestionMessage).last()
        assert echo.region.height <= 4


def test_text_helpers_for_long_input_and_links():
    kept, cut = fit_question("あ" * 3000 + "質問？", 2000)
    assert cut and len(kept) <= 2000 and kept.endswith("質問？")
    assert "文字省略" in fold_echo("い" * 500)
    url = "https://example.com/" + "a" * 200 + "/end"
    assert len(short_url(url)) <= 56 and short_url(url).endswith("end")


def test_copy_notice_knows_tmux_drops_application_copies():
    problem = clipboard_problem({"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color",
                                 "K8S_ASSISTANT_TMUX_SET_CLIPBOARD": "external"})
    assert problem and "set-clipboard" in problem
    assert clipboard_problem({"TMUX": "x", "K8S_ASSISTANT_TMUX_SET_CLIPBOARD": "on", "TERM": "tmux"}) is None
    assert clipboard_problem({"TERM": "xterm-256color"}) is None
    assert clipboard_problem({"TERM_PROGRAM": "Apple_Terminal"})


async def test_command_palette_is_japanese_throughout(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles and all(any("\u3040" <= c <= "\u9fff" for c in title) for title in titles)
        assert not {"Keys", "Maximize", "Quit", "Screenshot", "Theme"} & set(titles)


async def test_resize_keeps_an_older_answer_being_read_in_view(tmp_path):
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        older = await ask(pilot, "Podとは何ですか？")
        for question in ("Serviceとは？", "ログを見るには？", "Namespaceとは？"):
            await ask(pilot, question)
        await pilot.pause(0.2)
        app.chat.focus()
        for _ in range(30):  # the reader goes back to the first answer
            if app.chat.region.overlaps(older.region) and older.region.y <= app.chat.region.y + 3:
                break
            await pilot.press("pageup")
            await pilot.pause(0.05)
        assert app.chat.region.overlaps(older.region)
        await pilot.resize_terminal(70, 22)
        await pilot.pause(0.3)
        assert app.chat.region.overlaps(older.region)
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.3)
        assert app.chat.region.overlaps(older.region)
