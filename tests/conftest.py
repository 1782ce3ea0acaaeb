"""Shared fixtures: a private cache folder for every test, small corpora, the guide assistant."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DOCS = SHARED / "corpora" / "k8s-docs-ja"
SEED = SHARED / "seed" / "000_62a22b83b5bcc26d.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test module writes its index cache into its own temporary folder."""
    monkeypatch.setenv("K8S_ASSISTANT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def guide(tmp_path_factory):
    """The assistant over the shipped guide corpus (built once per test run)."""
    from assistant.engine import Assistant
    return Assistant.open(cache_dir=tmp_path_factory.mktemp("guide-cache"))


def write_corpus(folder: Path, files: dict[str, str]) -> Path:
    """Create a corpus folder from {relative path: text}."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def article(doc_id: str, title: str, body: str, source: str | None = None, order: int = 1) -> str:
    link = f"source: {source}\n" if source else ""
    return f"---\nid: {doc_id}\ntitle: {title}\nchapter: テスト\norder: {order}\n{link}---\n{body}\n"


SMALL = {
    "a.md": article("pods", "Podの基本", "## Podとは？\n\nPodはコンテナをまとめて動かす最小の単位です。ポッドには一つ以上のコンテナが入ります。\n\n"
                    "## Podを作るには？\n\nkubectl run でPodを作成できます。マニフェストを書いて kubectl apply する方法もあります。",
                    "https://example.com/pods", 1),
    "b.md": article("svc", "Serviceの基本", "## Serviceとは？\n\nServiceはPodの集まりに安定したIPアドレスとDNS名を与え、通信を振り分けます。\n\n"
                    "## NodePortとは？\n\nNodePortはノードのポートでServiceを外部に公開する方式で、番号は30000から32767です。",
                    "https://example.com/svc", 2),
    "c.md": article("logs", "ログの見方", "## ログを見るには？\n\nkubectl logs でコンテナの標準出力に出たログを表示します。-f を付けると追いかけて表示します。\n\n"
                    "## 再起動前のログは？\n\n--previous を付けると、クラッシュして再起動する前のコンテナのログが見られます。",
                    "https://example.com/logs", 3),
}


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "small", SMALL)


def command() -> list[str]:
    """The installed console command, or the module when the script is not beside the interpreter."""
    script = Path(sys.executable).parent / "k8s-assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def run_cli(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess and capture its output as text."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([*command(), *args], input=stdin, capture_output=True, env=full_env,
                          cwd=cwd, timeout=timeout)
    proc.stdout = proc.stdout.decode("utf-8", "replace")  # type: ignore[assignment]
    proc.stderr = proc.stderr.decode("utf-8", "replace")  # type: ignore[assignment]
    return proc


def needs_docs():
    return pytest.mark.skipif(not DOCS.is_dir(), reason=f"the real docs corpus is not at {DOCS} (../shared absent)")


def needs_seed():
    return pytest.mark.skipif(not SEED.is_file(), reason=f"the guide index file is not at {SEED} (../shared absent)")
