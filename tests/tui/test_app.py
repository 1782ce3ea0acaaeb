"""Pilot tests of the chat app (``k8s-assistant`` without arguments), driving the real app over the
real default corpus. No real browser or clipboard is ever used: both are injected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual import events
from textual.selection import Selection

from assistant.tui.app import run
from assistant.tui.text import clean, is_web_url
from assistant.tui.widgets import AnswerMessage, ArticleMessage, ChatLog, LinkItem, MarkdownView, QuestionMessage, TocPanel
from assistant.tui.markdown import fit_columns, guess_language, parse_markdown

from ._helpers import NotedApp, Recorder, ask, finished, loaded, screen_text, wait_for  # noqa: E402

QUESTION = "Podとコンテナの違いは何ですか？"
WEATHER = "今日の東京の天気は？"


# --- helpers ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """One index cache for the module: the first app builds it, the others load it."""
    return tmp_path_factory.mktemp("cache")


def make_app(cache_dir: Path, tmp_path: Path, **kwargs) -> NotedApp:
    """The app over the shipped guide (or ``corpus_paths``), with stand-ins for browser and clipboard."""
    kwargs.setdefault("history_path", tmp_path / "history.json")
    kwargs.setdefault("open_url", Recorder())
    kwargs.setdefault("clipboard", Recorder(None))
    return NotedApp(kwargs.pop("corpus_paths", None), cache_dir=cache_dir, **kwargs)


async def scroll_to_end(pilot) -> None:
    pilot.app.chat.scroll_end(animate=False)
    await pilot.pause()


# --- start, loading, asking ------------------------------------------------------------------------


def gated_opener(gate: threading.Event):
    """Assistant.open that waits for ``gate``: keeps the app in its loading state as long as a test needs."""

    def slow_open(*args, **kwargs):
        from assistant.engine import Assistant

        gate.wait(10)
        return Assistant.open(*args, **kwargs)

    return slow_open


async def test_start_shows_loading_state_then_chapters(cache_dir, tmp_path):
    gate = threading.Event()
    app = make_app(cache_dir, tmp_path, opener=gated_opener(gate))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, type(app.question_input))  # typing works from the start
        text = screen_text(app)
        assert "索引を読み込んでいます" in text
        assert "Kubernetes 入門アシスタント" in text
        assert "Podとコンテナの違いは何ですか？" in text  # an example question
        gate.set()
        await loaded(pilot)
        await pilot.pause()
        text = screen_text(app)
        assert "準備完了" in text
        chapters = len({doc.chapter for doc in app.docs})
        assert f"知っていること: {len(app.docs)} 本の記事（{chapters} 章" in text  # what the guide covers
        assert app.timings["input_ready"] < app.timings["loaded"]


async def test_question_sent_while_loading_is_answered_after_load(cache_dir, tmp_path):
    gate = threading.Event()
    app = make_app(cache_dir, tmp_path, opener=gated_opener(gate))
    async with app.run_test(size=(120, 40)) as pilot:
        app.question_input.value = QUESTION
        await pilot.press("enter")
        await pilot.pause()
        pending = app.query_one(AnswerMessage)
        assert pending.answer is None
        assert "読み込みが終わりしだい答えます" in screen_text(app)
        gate.set()
        await wait_for(pilot, lambda: pending.answer is not None)
        assert pending.answer.answered


async def test_answer_with_full_width_punctuation_shows_article_and_numbered_sources(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, QUESTION)
        answer = message.answer
        assert answer is not None and answer.answered
        assert "pod-vs-container" in [h.doc_id for h in answer.hits]
        text = screen_text(app)
        assert QUESTION in text  # the question, ？ included
        assert f"[1] {answer.hits[0].title}" in text  # best passage under title › section
        if answer.summary:
            assert "要点" in text
        await scroll_to_end(pilot)
        bottom = app.chat.scroll_y
        await pilot.press("pageup")  # scrolls the conversation from the question box
        await pilot.pause()
        assert app.chat.scroll_y < bottom and app.focused is app.question_input
        await scroll_to_end(pilot)
        text = screen_text(app)
        assert "出典" in text
        for hit in answer.hits:
            assert f"[{hit.rank}] {hit.title}" in text
            assert hit.source and hit.source in text
        target = next(h for h in answer.hits if h.doc_id == "pod-vs-container")
        assert "https://minegishirei.hatenablog.com/entry/2023/11/02/093812" == target.source
        # A follow-up uses the conversation ("それ" = the previous topic).
        follow = await ask(pilot, "それのコマンドは？")
        assert follow.answer is not None and follow.answer.follow_up


async def test_not_covered_message_with_suggestions(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, WEATHER)
        assert message.answer is not None and not message.answer.answered
        await scroll_to_end(pilot)
        text = screen_text(app)
        assert "ガイドでは扱われていない" in text
        if message.answer.suggestions:
            assert "近い話題" in text
            assert message.answer.suggestions[0].title in text
        # blank input is refused with a message, nothing is sent
        count = len(app.query(QuestionMessage))
        app.question_input.value = "\u3000 \u3000"
        await pilot.press("enter")
        await pilot.pause()
        assert len(app.query(QuestionMessage)) == count
        assert any("質問が空です" in n for n in app.notes)


# --- sources, links, copy --------------------------------------------------------------------------


async def test_open_source_by_number_key_and_by_link(cache_dir, tmp_path):
    browser = Recorder()
    app = make_app(cache_dir, tmp_path, open_url=browser)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, QUESTION)
        hits = message.answer.hits
        # In the question box digits are typed, not taken as keys.
        await pilot.press("1")
        assert app.question_input.value == "1" and browser.calls == []
        app.question_input.value = ""
        await pilot.press("escape")  # to the conversation: digits typed there go to the question box
        assert isinstance(app.focused, ChatLog)
        await pilot.press("2")
        assert app.focused is app.question_input and app.question_input.value == "2" and browser.calls == []
        app.question_input.value = ""
        await pilot.press("ctrl+o", "2")  # link mode: the next digit opens that source
        await app.workers.wait_for_complete()
        assert browser.calls == [hits[1].source]
        assert app.question_input.value == ""
        await pilot.press("alt+1")  # works from anywhere
        await app.workers.wait_for_complete()
        assert browser.calls[-1] == hits[0].source
        await pilot.press("ctrl+o", "9")
        assert any("出典 [9] はありません" in n for n in app.notes)
        # A source line is focusable and opens with Enter.
        link = [item for item in message.query(LinkItem) if item.kind == "url"][-1]
        link.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert browser.calls[-1] == hits[-1].source
        # Typing in the conversation goes back to the question box.
        app.chat.focus()
        await pilot.press("a")
        assert app.focused is app.question_input and app.question_input.value.endswith("a")


async def test_no_browser_and_no_clipboard_give_clear_notices(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path, open_url=Recorder(False), clipboard=Recorder(OSError("no clipboard")))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+y")
        assert any("コピーする回答がまだありません" in n for n in app.notes)
        await pilot.press("alt+1")
        assert any("まだ出典のある回答がありません" in n for n in app.notes)
        await ask(pilot, QUESTION)
        await pilot.press("alt+1")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("ブラウザを開けませんでした" in n for n in app.notes)
        await pilot.press("ctrl+y")
        assert any("クリップボードを使えません" in n for n in app.notes)
        assert app.is_running


async def test_copy_last_answer_with_links(cache_dir, tmp_path):
    clipboard = Recorder(None)
    app = make_app(cache_dir, tmp_path, clipboard=clipboard)
    app.copy_path = tmp_path / "copied.txt"
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, QUESTION)
        await pilot.press("ctrl+y")
        assert len(clipboard.calls) == 1
        copied = clipboard.calls[0]
        assert QUESTION in copied
        for hit in message.answer.hits:
            assert hit.source in copied
        assert any("クリップボードに送りました" in n for n in app.notes)
        saved = app.copy_path or tmp_path / "missing"
        assert saved.read_text(encoding="utf-8") == copied  # the fallback file, named in the notice
        assert any(str(saved) in n for n in app.notes)


# --- history ---------------------------------------------------------------------------------------


async def test_history_recall_and_persistence(cache_dir, tmp_path):
    history = tmp_path / "data" / "history.json"
    app = make_app(cache_dir, tmp_path, history_path=history)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await ask(pilot, "Serviceとは？")
        await ask(pilot, QUESTION)
        await pilot.press("ctrl+q")
    assert json.loads(history.read_text(encoding="utf-8"))["questions"] == ["Serviceとは？", QUESTION]

    app = make_app(cache_dir, tmp_path, history_path=history)
    async with app.run_test(size=(120, 40)) as pilot:
        box = app.question_input
        box.value = "下書き"
        await pilot.press("up")
        assert box.value == QUESTION
        await pilot.press("up")
        assert box.value == "Serviceとは？"
        await pilot.press("up")
        assert box.value == "Serviceとは？"
        await pilot.press("down")
        assert box.value == QUESTION
        await pilot.press("down")
        assert box.value == "下書き"


async def test_history_disabled_unwritable_or_damaged_never_crashes(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path, history_path=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await ask(pilot, "Serviceとは？")
    assert not (tmp_path / "history.json").exists()

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = make_app(cache_dir, tmp_path, history_path=blocker / "history.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await ask(pilot, "Serviceとは？")
        await ask(pilot, QUESTION)
        assert sum("履歴を" in n and "保存できません" in n for n in app.notes) == 1  # said once
        await pilot.press("up")
        assert app.question_input.value == QUESTION  # still kept in memory

    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(b"\x00\xff{not json")
    app = make_app(cache_dir, tmp_path, history_path=damaged)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("履歴" in n for n in app.notes)
        assert app.is_running


# --- table of contents, palette, clear -------------------------------------------------------------


async def test_table_of_contents_shows_an_article(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+t")
        toc = app.query_one(TocPanel)
        assert toc.display and app.focused is toc
        text = screen_text(app)
        assert "kubernetes概要" in text and "kubernetesの全体像" in text
        await pilot.press("enter")  # the cursor starts on the first article
        await wait_for(pilot, lambda: len(app.query(ArticleMessage)) == 1)
        article = app.query_one(ArticleMessage)
        assert article.doc.doc_id == "overview"
        await pilot.pause(0.2)
        assert "記事  kubernetesの全体像" in screen_text(app)
        await pilot.press("ctrl+t")
        assert not toc.display and app.focused is app.question_input

        # The command palette offers the same articles.
        await pilot.press("ctrl+p")
        await pilot.press(*"Service")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.query(ArticleMessage)) == 2)
        assert "Service" in app.query(ArticleMessage).last().doc.title

        await pilot.press("ctrl+l")
        await pilot.pause()
        assert len(app.query(ArticleMessage)) == 0 and len(app.query(QuestionMessage)) == 0


async def test_example_question_can_be_selected(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: bool(app.query(LinkItem).filter(".example")))
        await pilot.pause()
        example = app.query(LinkItem).filter(".example").first()
        example.focus()  # keyboard, not a click: a click can miss while the welcome is still laid out
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(finished(app)) == 1)
        assert app.query_one(QuestionMessage).render().plain.endswith(example.value)


# --- hardening -------------------------------------------------------------------------------------


async def test_long_paste_rapid_keys_and_tiny_terminal(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path)
    async with app.run_test(size=(40, 10)) as pilot:
        await loaded(pilot)
        app.question_input.post_message(events.Paste("Podについて。\n" + "あ" * 10_000))
        await pilot.pause()
        assert len(app.question_input.value) == 2_000
        assert any("2,000 文字まで" in n for n in app.notes)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(finished(app)) == 1)
        # Rapid keys of every kind, at a tiny size, while answers arrive.
        app.question_input.value = "Serviceとは？"
        await pilot.press("enter", "ctrl+t", "down", "enter", "ctrl+t", "escape", "1", "up", "end",
                          "x", "up", "down", "enter", "ctrl+l", "ctrl+y", *"abc", "enter", "escape",
                          "2", "tab", "tab", "enter", "ctrl+t", "ctrl+t")
        app.theme = "textual-light"  # the stylesheet uses theme variables only
        await pilot.resize_terminal(20, 5)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q")
    assert app.return_code == 0


async def test_corpus_markup_and_escapes_are_shown_literally(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "markup.md").write_text(
        "---\nid: markup\ntitle: \"[red]危険[/red]な表示テスト\"\nchapter: テスト\norder: 1\n"
        "source: https://example.com/markup\n---\n\n"
        "## 表示テストとは？\n\n表示テストとは、[bold]x[/] と \x1b[31m赤い文字\x1b[0m と "
        "\x1b]52;c;aGVsbG8=\x07 を含む節です。[開く](javascript:alert(1)) も書かれています。\n\n"
        "- [link=https://evil.example]罠[/link] の行\n", encoding="utf-8")
    (corpus / "other.md").write_text(
        "---\nid: other\ntitle: 別の記事\nchapter: テスト\norder: 2\nsource: https://example.com/other\n---\n\n"
        "## Serviceとは？\n\nServiceはPodへの通信をまとめる仕組みです。\n", encoding="utf-8")
    browser = Recorder()
    app = make_app(tmp_path / "cache", tmp_path, corpus_paths=[corpus], open_url=browser)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        message = await ask(pilot, "表示テストとは？")
        assert message.answer.answered
        await pilot.pause(0.2)
        text = screen_text(app)
        # heading line with its source link
        assert "[1] [red]危険[/red]な表示テスト › 表示テストとは？  https://example.com/markup" in text
        assert "・表示テストとは、[bold]x[/] と" in text  # 要点 (plain text)
        assert "[link=https://evil.example]罠[/link]" in text  # passage (Markdown)
        assert "\x1b" not in text and "\x07" not in text
        assert "赤い文字" in text
        # A javascript: link in a passage is refused.
        markdown = message.query_one(MarkdownView)
        markdown.post_message(MarkdownView.LinkClicked(markdown, "javascript:alert(1)"))
        await pilot.pause()
        assert browser.calls == []
        assert any("http/https 以外のリンクは開きません" in n for n in app.notes)
        # The table of contents shows the title as plain text too.
        await pilot.press("ctrl+t")
        await pilot.pause()
        toc = app.query_one(TocPanel)
        label = [node.label.plain for node in toc.root.children[0].children][0]
        assert label.startswith("[red]危険[/red]な表示")  # literal text, shortened with … to fit the panel


async def test_passage_markdown_links_lists_code_and_tables(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "---\nid: linktest\ntitle: リンクの記事\nchapter: テスト\norder: 1\nsource: https://example.com/a\n---\n\n"
        "## リンクテストとは？\n\nリンクテストとは、[公式サイト](https://example.com/docs) と [別の記事](b.md) への"
        "リンクを含む節です。\n\n- 項目その一\n- 項目その二はとても長い説明の文章で、折り返しが起きるように十分な長さを"
        "持たせています。折り返しが起きるように十分な長さを持たせています。\n  1. 入れ子\n\n```yaml\nkind: Pod\n```\n\n"
        "| 列A | 列B |\n|---|---|\n| 1 | 二 |\n", encoding="utf-8")
    (corpus / "b.md").write_text(
        "---\nid: other\ntitle: 別の記事\nchapter: テスト\norder: 2\nsource: https://example.com/b\n---\n\n"
        "## 別の記事とは？\n\n別の記事です。\n", encoding="utf-8")
    browser = Recorder()
    app = make_app(tmp_path / "cache", tmp_path, corpus_paths=[corpus], open_url=browser)
    async with app.run_test(size=(100, 50)) as pilot:
        await loaded(pilot)
        message = await ask(pilot, "リンクテストとは？")
        assert message.answer.answered
        assert app.timings["answer"] > 0 and message.shown_at  # timed up to the screen refresh
        lines = screen_text(app).splitlines()
        item = next(i for i, line in enumerate(lines) if "• 項目その二" in line)
        assert lines[item + 1].index("し") > lines[item].index("•")  # a hanging indent
        assert any("1. 入れ子" in line for line in lines)
        assert any("kind: Pod" in line for line in lines)
        assert any("│ 列A" in line for line in lines) and any("┌" in line for line in lines)
        view = message.query_one(MarkdownView)
        copied = view.get_selection(Selection(None, None))[0]
        assert "持たせています。折り返しが起きる" in copied  # wrapped lines are copied as one
        # Links: a click on a web link opens it, one to another article shows that article.
        for word, check in (("公式サイト", lambda: browser.calls == ["https://example.com/docs"]),
                            ("別の記事", lambda: bool(app.query(ArticleMessage)))):
            # (the passage's line, not the 要点's plain quote of the same sentence above it)
            y = max(i for i, line in enumerate(screen_text(app).splitlines()) if "へのリンク" in line)
            line = screen_text(app).splitlines()[y]
            await pilot.click(offset=(cell_len(line[:line.index(word)]) + 1, y))
            await wait_for(pilot, check)
        assert app.query(ArticleMessage).last().doc.doc_id == "other"


def test_markdown_blocks_without_the_app():
    document = parse_markdown("# 見出し\n\n> 引用\n\n---\n\n1. a\n2. b\n\n```\n$ kubectl get pods\n```\n")
    lines = [line.content.plain for line in document.lines(30)]
    heading = next(line for line in lines if line.strip())
    assert heading.strip() == "見出し" and heading.startswith("    ")  # h1 centred
    assert any(line.startswith("▌ 引用") for line in lines)
    assert "─" * 30 in lines
    assert " 1. a" in lines and " 2. b" in lines
    assert any(line.startswith("  $ kubectl get pods") for line in lines)  # unlabelled: a shell guess
    assert guess_language("apiVersion: v1\nkind: Pod") == "yaml"
    assert fit_columns([5, 40, 40], 50) == [5, 22, 23]  # narrow columns keep their width


async def test_reader_scrolled_up_is_not_moved_by_a_late_answer(cache_dir, tmp_path):
    from assistant.engine import Assistant

    hold = threading.Event()
    hold.set()

    class SlowAssistant:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def ask(self, *args, **kwargs):
            hold.wait(10)
            return self.inner.ask(*args, **kwargs)

    def opener(*args, **kwargs):
        return SlowAssistant(Assistant.open(*args, **kwargs))

    app = make_app(cache_dir, tmp_path, opener=opener)
    async with app.run_test(size=(100, 24)) as pilot:
        await loaded(pilot)
        await ask(pilot, QUESTION)
        await ask(pilot, "Serviceとは？")
        hold.clear()
        app.question_input.value = "コンテナに入るには？"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape", "home")  # the reader goes back to the start
        await pilot.pause(0.3)
        assert app.chat.scroll_y == 0
        hold.set()
        await wait_for(pilot, lambda: len(finished(app)) == 3)
        await pilot.pause(0.3)
        assert app.chat.scroll_y == 0
        assert any("新しい回答があります" in n for n in app.notes)


async def test_unusable_corpus_is_reported_in_the_app(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("Markdown ではないファイル", encoding="utf-8")
    app = make_app(tmp_path / "cache", tmp_path, corpus_paths=[empty])
    async with app.run_test(size=(80, 24)) as pilot:
        app.question_input.value = QUESTION
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.load_error is not None)
        await wait_for(pilot, lambda: len(finished(app)) == 1)
        assert finished(app)[0].error == app.load_error
        assert "コーパス" in screen_text(app) or "索引" in screen_text(app)
        await pilot.press("ctrl+q")
    assert app.return_code == 2


async def test_quit_with_ctrl_q(cache_dir, tmp_path):
    app = make_app(cache_dir, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert not app.is_running
    assert app.return_code == 0


# --- small pieces ----------------------------------------------------------------------------------


def test_text_helpers_refuse_controls_and_non_web_links():
    assert clean("a\x1b[31mb\x1b]52;c;aGk=\x07c\x9b31md\u202ee\x85f") == "abcdef"
    assert clean("改行\nとタブ\tは残す") == "改行\nとタブ\tは残す"
    assert is_web_url("https://example.com/x") and is_web_url("http://example.com")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "https://a b", "", "05-pod.md",
                "https://example.com/\x1b[31m"):
        assert not is_web_url(bad)


def test_run_refuses_to_start_without_a_terminal(tmp_path, capsys):
    # pytest's standard streams are not a terminal: the app must not start and write escape codes
    assert run([tmp_path / "missing"], None, history=False) == 2
    err = capsys.readouterr().err
    assert "端末" in err and "k8s-assistant ask -" in err


def test_command_without_a_terminal_exits_2_and_points_to_ask(tmp_path):
    from conftest import run_cli

    piped = run_cli(stdin="Podとは？\n".encode())  # k8s-assistant < questions.txt
    assert piped.returncode == 2 and "k8s-assistant ask -" in piped.stderr
    assert "\x1b" not in piped.stdout  # no escape codes written into the pipe
    dumb = run_cli(env={"TERM": "dumb"})
    assert dumb.returncode == 2 and "端末" in dumb.stderr


def test_one_stylesheet_and_no_core_import_before_the_screen():
    tui = Path(__file__).resolve().parents[2] / "assistant" / "tui"
    assert [p.name for p in tui.rglob("*.tcss")] == ["app.tcss"]
    code = ("import sys, assistant.tui.app; "
            "print(sorted(m for m in ('assistant.engine', 'sudachipy', 'numpy', 'textual.widgets._markdown', "
            "'markdown_it', 'pygments') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_japanese_lines_break_between_characters_not_only_at_spaces():
    from rich._wrap import divide_line

    from assistant.tui.wrap import enable_japanese_line_breaking

    assert enable_japanese_line_breaking()
    text = "英語の pod には「クジラやイルカの小さな群れ」という意味があり、Dockerのロゴにちなんでいます。"
    first = divide_line(text, 30)[0]
    assert first > len("英語の pod ")  # the line is filled, not broken right after "pod "
    assert not text[first].startswith(("、", "。", "」"))  # closing punctuation never starts a line
    assert divide_line("English words still wrap at spaces only", 12) == [8, 20, 28]  # as before


def test_one_shot_ask_never_imports_textual(tmp_path):
    code = ("import sys\nfrom assistant.cli import main\ncode = main(['ask', 'Podとは？'])\n"
            "print('TEXTUAL', sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "TEXTUAL []"
