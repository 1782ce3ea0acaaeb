"""Screens as a learner sees them (pytest-textual-snapshot), each at 80x24 and 120x40, over the small
fixed corpus of ``_helpers`` so they change only when the app does, not when the guide's text does.
Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the SVGs in ``__snapshots__``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.tui.widgets import PreparedAnswer

from ._helpers import ask, loaded, make_app

pytest.importorskip("pytest_textual_snapshot", reason="pytest-textual-snapshot is not installed")

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def _app(tmp_path):
    # no history file, no notices: nothing on screen depends on the machine
    return make_app(tmp_path, history_path=None)


async def settled(pilot) -> None:
    """The screen at rest: no blinking cursor, every late layout (scroll bar, chapters) done."""
    pilot.app.question_input.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.3)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


class TestWelcome:
    @pytest.mark.parametrize("size", SIZES)
    def test_welcome(self, snap_compare, tmp_path, size):
        async def ready(pilot):
            await loaded(pilot)
            await settled(pilot)

        assert snap_compare(_app(tmp_path), terminal_size=size, run_before=ready)


class TestAnswer:
    @pytest.mark.parametrize("size", SIZES)
    def test_answer(self, snap_compare, tmp_path, size):
        async def asked(pilot):
            await loaded(pilot)
            await ask(pilot, "Podとは何ですか？")
            await settled(pilot)

        assert snap_compare(_app(tmp_path), terminal_size=size, run_before=asked)

    @pytest.mark.parametrize("size", SIZES)
    def test_declined_answer(self, snap_compare, tmp_path, size):
        async def asked(pilot):
            await loaded(pilot)
            await ask(pilot, "今日の東京の天気は？")
            await settled(pilot)

        assert snap_compare(_app(tmp_path), terminal_size=size, run_before=asked)

    @pytest.mark.parametrize("size", SIZES)
    def test_mention_answer(self, snap_compare, tmp_path, size):
        async def asked(pilot):
            await loaded(pilot)
            message = await ask(pilot, "Serviceとは？")
            answer = replace(message.answer, answered=False, summary=(),
                             message="ガイドでは詳しく扱っていません。触れている箇所:")
            answer = replace(answer, coverage="mention")
            await message.show_answer(PreparedAnswer(answer))
            await settled(pilot)

        assert snap_compare(_app(tmp_path), terminal_size=size, run_before=asked)


class TestTableOfContents:
    @pytest.mark.parametrize("size", SIZES)
    def test_toc_open(self, snap_compare, tmp_path, size):
        async def opened(pilot):
            await loaded(pilot)
            await ask(pilot, "Serviceとは？")
            await pilot.press("ctrl+t")
            await settled(pilot)

        assert snap_compare(_app(tmp_path), terminal_size=size, run_before=opened)
