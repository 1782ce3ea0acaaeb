"""One line above the question box: loading progress, then what the assistant is ready to answer."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

_SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class StatusLine(Static):
    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._busy_text = ""
        self._frame = 0
        self._timer = None
        self._last = Text("")
        self._prompt_saved: Text | None = None

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._tick, pause=not self.has_class("busy"))

    def busy(self, text: str) -> None:
        self._busy_text = text
        self.add_class("busy")
        self._render_busy()
        if self._timer is not None:
            self._timer.resume()

    def prompt(self, text: str) -> None:
        """A mode the next key answers (link mode): shown until :meth:`end_prompt`."""
        if self._prompt_saved is None:
            self._prompt_saved = self.visual_text
        self.add_class("prompt")
        self.update(Text(text))

    def end_prompt(self) -> None:
        if self._prompt_saved is not None:
            self.remove_class("prompt")
            self.update(self._prompt_saved)
            self._prompt_saved = None

    @property
    def visual_text(self) -> Text:
        return self._last

    def update(self, content=None, **kwargs) -> None:  # type: ignore[override]
        if isinstance(content, Text):
            self._last = content
        super().update(content, **kwargs)

    def ready(self, text: str, error: bool = False) -> None:
        if self._timer is not None:
            self._timer.pause()
        self.remove_class("busy")
        self.set_class(error, "error")
        self.update(Text(text))

    def _tick(self) -> None:
        self._frame = (self._frame + 1) % len(_SPINNER)
        self._render_busy()

    def _render_busy(self) -> None:
        if self._prompt_saved is not None:
            return
        self.update(Text(f"{_SPINNER[self._frame]} {self._busy_text}"))
