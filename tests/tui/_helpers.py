"""Shared helpers for the chat-app tests: a small fixed corpus (so screens do not change when the
guide does), stand-ins for the browser and the clipboard, and Pilot helpers. No real browser or
clipboard is ever used: both are injected."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.tui.app import AssistantApp
from assistant.tui.widgets import AnswerMessage

from conftest import article, write_corpus

# A fixed corpus for the app tests and the snapshots. Long enough to need trimming and folding,
# with a code table and a ```text diagram wider than 80 columns.
APP_CORPUS = {
    "pods.md": article(
        "pods", "Podの基本",
        "## Podとは？\n\nPodはコンテナをまとめて動かす最小の単位です。ポッドには一つ以上のコンテナが入り、"
        "同じPodのコンテナはネットワークとストレージを共有します。\n\n"
        "Podは使い捨てを前提にした単位で、壊れたPodは直さずに新しいPodに置き換えます。"
        "そのため、Podを直接作ることは少なく、Deploymentなどのコントローラーに作らせるのが普通です。\n\n"
        "```text\n"
        "┌──────────── Pod ─────────────────────────────────────────────────────────────────────────┐\n"
        "│  コンテナ A（アプリ）   コンテナ B（ログ収集）   共有: ネットワーク名前空間・ボリューム        │\n"
        "└──────────────────────────────────────────────────────────────────────────────────────────┘\n"
        "```\n\n"
        "PodのIPアドレスはPodが作り直されるたびに変わります。\n\n"
        "## Podの状態を見るには？\n\nkubectl get pods でPodの一覧と状態を表示します。\n\n"
        "```console\n$ kubectl get pods\nNAME        READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n"
        "web-6d4b   1/1     Running   0          5m    10.1.0.12    node-1   <none>           <none>\n```\n",
        "https://example.com/pods", 1),
    "svc.md": article(
        "svc", "Serviceの基本",
        "## Serviceとは？\n\nServiceはPodの集まりに安定したIPアドレスとDNS名を与え、通信を振り分けます。\n\n"
        "## NodePortとは？\n\nNodePortはノードのポートでServiceを外部に公開する方式で、番号は30000から32767です。",
        "https://example.com/svc", 2),
    "logs.md": article(
        "logs", "ログの見方",
        "## ログを見るには？\n\nkubectl logs でコンテナの標準出力に出たログを表示します。-f を付けると追いかけて表示します。\n\n"
        "## 再起動前のログは？\n\n--previous を付けると、クラッシュして再起動する前のコンテナのログが見られます。",
        "https://example.com/logs", 3),
    "ns.md": article(
        "ns", "Namespaceの基本",
        "## Namespaceとは？\n\nNamespaceはクラスターの中を名前で区切る仕組みで、チームや環境ごとにリソースを分けられます。",
        "https://example.com/ns", 4),
}


def app_corpus(folder: Path) -> Path:
    return write_corpus(folder, APP_CORPUS)


class Recorder:
    """Stands in for the browser and the clipboard: records what it was given."""

    def __init__(self, result=True) -> None:
        self.calls: list[str] = []
        self.result = result

    def __call__(self, value: str):
        self.calls.append(value)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


class NotedApp(AssistantApp):
    """The app, recording every notification's text (tests read ``notes``)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []

    def notify(self, message, **kwargs) -> None:  # type: ignore[override]
        self.notes.append(str(kwargs.get("title", "")) + ": " + str(message))
        super().notify(message, **kwargs)


def make_app(tmp_path: Path, corpus: Path | None = None, **kwargs) -> NotedApp:
    """The app over ``corpus`` (default: the fixed test corpus), with private cache and history."""
    corpus = corpus or app_corpus(tmp_path / "corpus")
    kwargs.setdefault("history_path", tmp_path / "history.json")
    kwargs.setdefault("open_url", Recorder())
    kwargs.setdefault("clipboard", Recorder(None))
    kwargs.setdefault("cache_dir", tmp_path / "cache")
    app = NotedApp([corpus], **kwargs)
    app.copy_path = tmp_path / "copied.txt"
    return app


async def wait_for(pilot, predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.assistant is not None or pilot.app.load_error is not None)


def finished(app: AssistantApp) -> list[AnswerMessage]:
    return [m for m in app.query(AnswerMessage) if m.answer is not None or m.error is not None]


async def ask(pilot, question: str) -> AnswerMessage:
    app = pilot.app
    before = len(finished(app))
    app.question_input.value = question  # pilot.press drops full-width punctuation (？、。)
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(finished(app)) > before)
    await pilot.pause()
    return finished(app)[-1]


def screen_text(app: AssistantApp) -> str:
    """What the screen shows, as text, read from the public SVG export (no private compositor)."""
    import html
    import re

    from rich.cells import cell_len

    svg = app.export_screenshot()
    char_width = 0.61 * 20  # Rich's SVG export: font size 20, characters 0.61 em wide
    line_height, first = 0.61 * 20 * 2, 20.0  # rows are 24.4 apart, the first at y=20
    rows: dict[int, list[tuple[int, str]]] = {row: [] for row in range(app.size.height)}
    for match in re.finditer(r'<text[^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        x, y, body = match.groups()
        row = (float(y) - first) / line_height
        if abs(row - round(row)) > 0.05 or round(row) not in rows:
            continue  # the window title of the export, not a screen row
        text = html.unescape(re.sub("<[^>]+>", "", body)).replace("\xa0", " ")
        rows[round(row)].append((round(float(x) / char_width), text))
    lines = []
    for _row, parts in sorted(rows.items()):
        line = ""
        for column, text in sorted(parts):
            gap = column - cell_len(line)
            line += " " * max(0, gap) + text
        lines.append(line.rstrip())
    return "\n".join(lines)
