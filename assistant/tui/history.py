"""Question history kept between runs: a small JSON list of questions in the user's data folder.

Only the questions typed into the chat are stored (no answers, no paths, nothing else), at most
``limit`` of them. A missing, damaged or unwritable file never stops the app: it reports one
problem (through ``problem``) and keeps the history in memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..limits import MAX_QUESTION_CHARS
from .text import one_line

HISTORY_LIMIT = 500
ENTRY_LIMIT = MAX_QUESTION_CHARS


def default_history_path() -> Path:
    from ..paths import default_data_dir

    return default_data_dir() / "history.json"


class History:
    def __init__(self, path: Path | None, limit: int = HISTORY_LIMIT) -> None:
        self.path = path
        self.limit = limit
        self.entries: list[str] = []
        self.problem: str | None = None  # the first problem met, shown once by the app
        self._write_failed = False

    def load(self) -> list[str]:
        if self.path is None:
            return self.entries
        try:
            raw = self.path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return self.entries  # no history yet (saving will say if the folder cannot be used)
        except (OSError, UnicodeDecodeError) as exc:
            self.problem = f"質問の履歴 {self.path} を読めません（{_reason(exc)}）。今回の履歴は保存しません。"
            self._write_failed = True  # do not overwrite a file we could not read
            return self.entries
        import json  # here, not at start-up

        try:
            data = json.loads(raw)
            if isinstance(data, dict):
                data = data.get("questions", [])
            if not isinstance(data, list):
                raise ValueError("not a list")
        except ValueError:
            self.problem = f"質問の履歴 {self.path} が壊れていたので、空の履歴から始めます。"
            data = []
        entries = [e for e in (one_line(x)[:ENTRY_LIMIT] for x in data if isinstance(x, str)) if e]
        self.entries[:] = entries[-self.limit:]  # in place: the question box holds this list
        return self.entries

    def add(self, question: str) -> str | None:
        """Remember a question; returns a problem message the first time saving fails."""
        entry = one_line(question)[:ENTRY_LIMIT]
        if not entry:
            return None
        if self.entries and self.entries[-1] == entry:
            return None
        self.entries.append(entry)
        del self.entries[: -self.limit]
        return self.save()

    def save(self) -> str | None:
        if self.path is None or self._write_failed:
            return None
        import json

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".history-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({"version": 1, "questions": self.entries}, f, ensure_ascii=False, indent=0)
                os.replace(tmp, self.path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError as exc:
            self._write_failed = True
            self.problem = f"質問の履歴を {self.path} に保存できません（{_reason(exc)}）。今回の履歴はメモリ上だけに残ります。"
            return self.problem
        return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__
