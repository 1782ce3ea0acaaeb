"""The terminal the chat app needs, and giving it back.

Without a terminal (standard input or output not a TTY, or ``TERM=dumb``) a full-screen app only
writes escape codes into a pipe and waits forever, so it refuses to start and points to the
one-shot command. SIGTERM and SIGHUP end the app through its normal exit, which leaves the
alternate screen, turns mouse reporting off and shows the cursor again; a process whose terminal is
gone and cannot be restored still ends (a watchdog), instead of lingering without one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

NO_TERMINAL_MESSAGE = ("エラー: チャット画面は端末（TTY）の中でだけ開けます。"
                       "パイプやファイルから質問するときは `k8s-assistant ask -` を使ってください"
                       "（1 行に 1 つの質問を読みます）。")

# Exit codes after a signal, as shells report them (128 + the signal's number).
SIGNAL_EXIT = {signal.SIGTERM: 128 + signal.SIGTERM, signal.SIGHUP: 128 + signal.SIGHUP}


def has_terminal(stdin: IO | None = None, stdout: IO | None = None, term: str | None = None) -> bool:
    """True when both standard streams are terminals and TERM is not "dumb"."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    term = os.environ.get("TERM", "") if term is None else term
    try:
        ttys = stdin is not None and stdout is not None and stdin.isatty() and stdout.isatty()
    except (ValueError, OSError):  # a closed stream
        return False
    return bool(ttys) and term != "dumb"


def exit_on_signals(app: "App") -> None:
    """Make SIGTERM and SIGHUP exit ``app`` normally (restoring the terminal). Call on the app's loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for signum, code in SIGNAL_EXIT.items():
        try:
            loop.add_signal_handler(signum, _exit, app, code)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
            pass


# After a signal the app gets this long to exit normally. When the terminal is already gone (SIGHUP
# from a closed window), writing the restore sequences can block the app's writer thread forever,
# and the process would linger without a terminal: then it ends without them.
EXIT_GRACE_SECONDS = 3.0


def _exit(app: "App", code: int) -> None:
    watchdog = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(code,))
    watchdog.daemon = True
    watchdog.start()
    app.exit(code, return_code=code)
