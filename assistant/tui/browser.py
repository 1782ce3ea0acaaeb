"""Opening links from inside a full-screen terminal app, safely.

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
