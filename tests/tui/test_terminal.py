"""The real app in a real terminal (tmux): what Pilot cannot see, because Pilot hands the app keys
that were never through a terminal's escape-sequence parser.

Each test starts ``k8s-assistant`` over the small fixed corpus in a private tmux server (its own
socket), with a private cache and history folder and a stand-in ``$BROWSER`` (a script that appends
its argument to a file), sends keys as a terminal does (``send-keys``) and polls the screen
(``capture-pane``) with a deadline, so a hang fails fast. Skipped where tmux is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ._helpers import app_corpus

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

REPO = Path(__file__).resolve().parents[2]


class Terminal:
    """One tmux session running the chat app."""

    def __init__(self, tmp_path: Path, width: int = 100, height: int = 30) -> None:
        self.tmp = tmp_path
        self.socket = f"k8s-test-{os.getpid()}-{id(self)}"
        self.opened = tmp_path / "opened.txt"
        browser = tmp_path / "browser.sh"
        browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{self.opened}"\n', encoding="utf-8")
        browser.chmod(0o755)
        corpus = app_corpus(tmp_path / "corpus")
        env = {
            "BROWSER": str(browser), "K8S_ASSISTANT_CACHE_DIR": str(tmp_path / "cache"),
            "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path), "TERM": "xterm-256color",
            "PYTHONPATH": str(REPO), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "ESCDELAY": "100",
        }
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        command = f"env {exports} {_quote(sys.executable)} -m assistant --corpus {_quote(str(corpus))}; " \
                  f"echo EXITED=$?; sleep 30"
        self.tmux("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "app", command)

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True,
                              text=True, timeout=30).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "app", *(["-l"] if literal else []), *keys)

    def raw(self, data: str) -> None:
        """Bytes exactly as a terminal sends them (e.g. ESC + digit for Alt+digit), in one write."""
        self.tmux("send-keys", "-t", "app", "-H", *(f"{b:02x}" for b in data.encode("utf-8")))

    def opened_urls(self) -> list[str]:
        return self.opened.read_text(encoding="utf-8").split() if self.opened.exists() else []

    def wait_opened(self, count: int, timeout: float = 10) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.opened_urls()) < count:
            time.sleep(0.1)
        return self.opened_urls()

    def pid(self) -> int:
        """The app's process id (the python child of the pane's shell)."""
        shell = int(self.tmux("display-message", "-p", "-t", "app", "#{pane_pid}").strip())
        out = subprocess.run(["pgrep", "-P", str(shell)], capture_output=True, text=True).stdout.split()
        return int(out[0]) if out else shell

    def close(self) -> None:
        self.tmux("kill-server")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(tmp_path)
    try:
        term.wait_for("準備完了")
        yield term
    finally:
        term.close()


def ask(term: Terminal, question: str) -> None:
    term.keys(question, literal=True)
    term.keys("Enter")


def test_ctrl_o_then_digit_opens_the_source_and_link_mode_is_visible(terminal):
    ask(terminal, "Serviceとは")
    terminal.wait_for("https://example.com/svc")
    terminal.keys("C-o")
    terminal.wait_for("出典を開く: 番号 1-9")
    terminal.keys("1", literal=True)
    assert terminal.wait_opened(1) == ["https://example.com/svc"]
    # Link mode ended with the digit: the next digits are typed.
    terminal.keys("2つのコンテナ", literal=True)
    screen = terminal.wait_for("2つのコンテナ")
    assert "出典を開く: 番号" not in screen
    assert terminal.opened_urls() == ["https://example.com/svc"]


def test_link_mode_ends_on_a_non_digit_which_is_typed(terminal):
    ask(terminal, "Serviceとは")
    terminal.wait_for("https://example.com/svc")
    terminal.keys("C-o")
    terminal.wait_for("出典を開く: 番号 1-9")
    terminal.keys("a1", literal=True)
    terminal.wait_for("a1")
    time.sleep(0.3)
    assert terminal.opened_urls() == []


def test_alt_digit_and_esc_digit_as_a_terminal_sends_them(terminal):
    ask(terminal, "Serviceとは")
    terminal.wait_for("https://example.com/svc")
    terminal.raw("\x1b1")  # Alt+1 in xterm, GNOME Terminal, tmux, Windows Terminal: ESC then 1 at once
    assert terminal.wait_opened(1) == ["https://example.com/svc"]
    terminal.keys("M-1")  # tmux's own Alt+1
    assert terminal.wait_opened(2)[1] == "https://example.com/svc"
    screen = terminal.screen()
    assert "¡" not in screen and "™" not in screen  # nothing typed into the question box


def test_digits_after_esc_are_typed_not_taken_as_source_keys(terminal):
    ask(terminal, "Serviceとは")
    terminal.wait_for("https://example.com/svc")
    terminal.keys("Escape")
    time.sleep(0.3)  # a separate key, not Alt+2
    terminal.keys("2つのコンテナ", literal=True)
    terminal.wait_for("2つのコンテナ")
    time.sleep(0.3)
    assert terminal.opened_urls() == []


def test_burst_of_three_questions_asks_each_in_order(terminal):
    terminal.raw("Serviceとは\rNamespaceとは\rログを見るには\r")  # one write, as a paste-less burst
    terminal.wait_for("あなた  ログを見るには")
    terminal.keys("C-l")
    terminal.wait_for("会話を消しました")
    history = (terminal.tmp / "data" / "k8s-assistant" / "history.json").read_text(encoding="utf-8")
    assert history.index("Serviceとは") < history.index("Namespaceとは") < history.index("ログを見るには")
    assert "ServiceとはNamespaceとは" not in history


def test_ctrl_q_quits_and_restores_the_terminal(terminal):
    terminal.keys("C-q")
    screen = terminal.wait_for("EXITED=0")
    assert "準備完了" not in screen  # the alternate screen is gone


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_restore_the_terminal(terminal, signum):
    os.kill(terminal.pid(), signum)
    screen = terminal.wait_for(f"EXITED={128 + signum}", timeout=10)
    assert "準備完了" not in screen
    # the cursor is shown again and mouse reporting is off (tmux tracks both for the pane)
    flags = terminal.tmux("display-message", "-p", "-t", "app", "#{cursor_flag} #{mouse_any_flag} #{alternate_on}")
    assert flags.split() == ["1", "0", "0"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_closing_the_terminal_while_answering_never_leaves_the_app_running(terminal):
    # Closing the window (tmux kill-server) hangs up the app right after a burst of work; writing the
    # restore sequences to a terminal that is gone could block its exit forever.
    pid = terminal.pid()
    terminal.raw("Serviceとは\rNamespaceとは\rログを見るには\r")
    terminal.wait_for("あなた  ログを見るには")
    terminal.keys("C-l")
    terminal.wait_for("会話を消しました")
    terminal.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    alive = _alive(pid)
    if alive:
        os.kill(pid, signal.SIGKILL)
    assert not alive, "the app kept running after its terminal was closed"
