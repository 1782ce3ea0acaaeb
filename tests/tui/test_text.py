"""Text helpers of the chat app without the app: Japanese line breaking, the 要点 not repeated,
long passages trimmed, the source keys as terminals send them."""

from __future__ import annotations

from assistant.tui.keys import OPTION_DIGITS, source_key
from assistant.tui.widgets.chat import trim_passage, without_summary
from assistant.tui.wrap import SOURCE_MARK, break_offsets


def _lines(text: str, width: int) -> list[str]:
    offsets = break_offsets(text, width)
    return [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)])]


def test_opening_brackets_never_end_a_line_and_source_marks_stay_with_their_sentence():
    text = "Podは「Kubernetesが1つ以上のコンテナをまとめて扱うための入れ物」です。" + SOURCE_MARK.format(1)
    for width in range(6, 40):
        lines = _lines(text, width)
        assert not any(line.rstrip().endswith("「") for line in lines), width
        assert not any(line.strip() == "[1]" for line in lines), width
        assert not any(line.startswith(("、", "。", "」")) for line in lines), width


def test_latin_words_wrap_at_spaces_and_long_words_fold():
    assert _lines("English words still wrap", 12) == ["English ", "words still ", "wrap"]
    assert all(len(line) <= 10 for line in _lines("x" * 35, 10))


def test_summary_sentence_is_removed_through_inline_markup():
    passage = "Podとは、**コンテナをまとめて動かす最小の単位**です。\n\n次の段落です。"
    assert without_summary(passage, ["Podとは、コンテナをまとめて動かす最小の単位です。"]) == "次の段落です。"
    assert without_summary(passage, ["関係のない文がここにあります。"]) == passage
    listed = "前置きの段落です。\n\n- 項目の中にある長い文はそのまま残ります。"
    assert without_summary(listed, ["項目の中にある長い文はそのまま残ります。"]) == listed  # lists keep their text


def test_long_passages_are_trimmed_at_paragraphs_never_inside_code():
    code = "```text\n" + "┌─┐\n" * 30 + "```"
    passage = "最初の段落です。\n\n" + code + "\n\n" + "あ" * 400
    shown, trimmed = trim_passage(passage, limit=50)
    assert trimmed and shown == "最初の段落です。"
    shown, trimmed = trim_passage("短い段落です。", limit=50)
    assert not trimmed


def test_alt_digit_as_terminals_send_it():
    # ESC+digit arrives as the macOS Option character; reporting terminals send alt+N
    assert [source_key("x", c) for c in OPTION_DIGITS] == list(range(1, 10))
    assert source_key("alt+3", None) == 3
    assert source_key("1", "1") is None and source_key("a", "a") is None


def test_readme_key_table_lists_every_key_the_app_shows():
    import re
    from pathlib import Path

    from assistant.tui.keys import KEY_HELP

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### チャット画面"):readme.index("### 一度だけ聞く")]
    table = {cell for row in re.findall(r"^\| (.+?) \|", section, re.M) for cell in re.findall(r"`([^`]+)`", row)}
    for keys, _what in KEY_HELP:
        for key in re.findall(r"Ctrl\+\w|Enter|Tab|PgUp|PgDn|↑|↓|Alt\+1", keys):
            assert any(cell.startswith(key) for cell in table), key
