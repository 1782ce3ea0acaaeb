"""What the desktop around the terminal can do for the app: open a link, receive a copy.

Both are checked here, together, so the app's notices say what actually happened.

Clipboard: the app copies through the terminal (OSC 52). Where that is known not to arrive (macOS
Terminal.app, the Linux console, tmux unless ``set-clipboard on``) :func:`clipboard_problem` says
why, and the app saves the answer to a file (:func:`save_answer`) and names it instead.

Browser:

``webbrowser.open`` is not quite right here: without a graphical display it falls back to console
browsers (lynx, w3m, ``www-browser``) that would fight the chat app for the terminal, and the
helpers it starts inherit the terminal, so their messages ("Opening in existing browser
session.") land on top of the screen. This opener starts a graphical browser with its standard
streams closed, refuses console browsers, and returns False when there is no browser to use; the
app then shows the link instead.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from .text import is_web_url

CONSOLE_BROWSERS = {"www-browser", "lynx", "links", "links2", "elinks", "w3m", "browsh", "netrik", "carbonyl"}


def _is_console(command: str) -> bool:
    return os.path.basename(command) in CONSOLE_BROWSERS


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _commands(url: str) -> Iterator[list[str]]:
    """Candidate commands, best first: $BROWSER (graphical entries only), then the platform's opener."""
    for entry in os.environ.get("BROWSER", "").split(os.pathsep):
        try:
            parts = shlex.split(entry)
        except ValueError:
            continue
        if not parts or _is_console(parts[0]) or not shutil.which(parts[0]):
            continue
        if any("%s" in p for p in parts):
            yield [p.replace("%s", url) for p in parts]
        else:
            yield [*parts, url]
    if sys.platform == "darwin":
        yield ["open", url]
        return
    if os.environ.get("WSL_DISTRO_NAME") and shutil.which("wslview"):
        yield ["wslview", url]
    if _has_display():
        for helper in (["xdg-open"], ["gio", "open"]):
            if shutil.which(helper[0]):
                yield [*helper, url]


def open_in_browser(url: str) -> bool:
    """Open an http(s) URL in a graphical browser. False when there is none (or the URL is refused).

    Blocks for up to a few seconds while the helper starts: call it from a worker thread.
    """
    if not is_web_url(url):
        return False
    if sys.platform == "win32":  # pragma: no cover - not exercised on the CI platform
        try:
            os.startfile(url)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    for command in _commands(url):
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True)
        except OSError:
            continue
        try:
            if process.wait(timeout=5) != 0:
                continue  # the helper found nothing to open the link with
        except subprocess.TimeoutExpired:
            pass  # a browser that stays in the foreground: it is open
        return True
    return False


# --- clipboard ---------------------------------------------------------------------------------------


def _tmux_set_clipboard() -> str | None:
    """tmux's ``set-clipboard`` option ("on", "external", "off"), None when it cannot be read."""
    if not shutil.which("tmux"):
        return None
    try:
        result = subprocess.run(["tmux", "show-options", "-gv", "set-clipboard"], capture_output=True,
                                text=True, timeout=2, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None if result.returncode == 0 else None


def clipboard_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why the terminal clipboard (OSC 52) will not receive a copy here, or None when it may.

    tmux passes an application's OSC 52 on only with ``set-clipboard on``; its default, "external",
    lets tmux itself set the clipboard but drops what applications inside it send."""
    env = os.environ if environ is None else environ
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return "macOS のターミナル.app は端末経由のコピー（OSC 52）に対応していません"
    if env.get("TERM", "") == "linux":
        return "Linux のコンソールにはクリップボードがありません"
    if env.get("TERM", "") == "dumb":
        return "この端末（TERM=dumb）はクリップボードに対応していません"
    if env.get("TMUX") or env.get("TERM", "").startswith(("tmux", "screen")):
        setting = _tmux_set_clipboard() if environ is None else env.get("K8S_ASSISTANT_TMUX_SET_CLIPBOARD")
        if setting != "on":
            shown = setting or "不明"
            return (f"tmux（set-clipboard が {shown}）は、アプリからのコピーを手元のクリップボードに渡しません"
                    "（tmux.conf に set -g set-clipboard on を書くと届きます）")
    return None


def default_copy_path() -> Path:
    from ..paths import default_data_dir

    return default_data_dir() / "last-answer.txt"


def save_answer(text: str, path: Path | None = None) -> Path:
    """Write the answer to ``path`` (default: last-answer.txt in the user data folder); returns it."""
    target = path or default_copy_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
