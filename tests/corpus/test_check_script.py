"""scripts/check_corpus.py: every problem as file:line: message, exit 1 on problems, 0 when clean, 2 on bad usage."""

from __future__ import annotations

import subprocess
import sys

from _helpers import REPO, plant

SCRIPT = REPO / "scripts" / "check_corpus.py"
CLEAN = "## Podとは何ですか？\n\nPod とは、コンテナをまとめて動かす最小単位です。\n"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_a_clean_article_exits_0(tmp_path):
    plant(tmp_path, CLEAN)
    proc = _run(str(tmp_path / "planted.md"), "--only", "manifests,versions,diagrams,answer-first")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == "" and "0 件の問題" in proc.stderr


def test_every_problem_is_printed_with_its_file_and_line_and_exits_1(tmp_path):
    body = CLEAN + "\n## 古い例\n\nノードは v1.28.0 で動いています。\n\n```text\n┌────┐\n│ Pod  │\n└────┘\n```\n"
    article = plant(tmp_path, body)
    proc = _run(str(tmp_path), "--only", "versions,diagrams,answer-first")
    assert proc.returncode == 1, proc.stderr
    shown = str(tmp_path / "planted.md")
    lines = proc.stdout.splitlines()
    starts = [line.split(": ", 1)[0] for line in lines]
    assert starts == [f"{shown}:{article.lines.index(text) + 1}" for text in ("## 古い例", "ノードは v1.28.0 で動いています。", "│ Pod  │")]
    assert "3 件の問題" in proc.stderr


def test_an_unknown_check_or_a_missing_path_exits_2(tmp_path):
    assert _run("--only", "spelling").returncode == 2
    proc = _run(str(tmp_path / "missing.md"))
    assert proc.returncode == 2 and "missing.md" in proc.stderr
