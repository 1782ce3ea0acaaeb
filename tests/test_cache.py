"""Index cache: reused when nothing changed, rebuilt when the corpus changes or the cache is damaged."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from assistant.engine import Assistant
from conftest import SMALL, article, run_cli


def _open(corpus: Path, cache: Path, notices: list[str] | None = None) -> Assistant:
    return Assistant.open([corpus], cache_dir=cache, notify=(notices.append if notices is not None else None))


def test_second_open_reads_the_cache(small_corpus, tmp_path):
    first = _open(small_corpus, tmp_path / "cache")
    second = _open(small_corpus, tmp_path / "cache")
    assert not first.index.stats.from_cache and second.index.stats.from_cache
    assert first.ask("NodePortの番号は？").hits[0].text == second.ask("NodePortの番号は？").hits[0].text


def test_the_cache_is_plain_data(small_corpus, tmp_path):
    assistant = _open(small_corpus, tmp_path / "cache")
    folder = Path(assistant.index.stats.cache_path)
    names = sorted(p.name for p in folder.iterdir())
    assert "meta.json" in names and all(n.endswith((".json", ".jsonl", ".npy")) for n in names)
    json.loads((folder / "meta.json").read_text("utf-8"))


def test_changed_added_and_removed_files_are_seen(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    assert not _open(small_corpus, cache).ask("Ingressのホスト名ルーティング").answered
    (small_corpus / "d.md").write_text(article("ing", "Ingress", "## Ingressとは？\n\nIngressはホスト名やパスでHTTPを振り分けるルーティングの仕組みです。"), "utf-8")
    answer = _open(small_corpus, cache).ask("Ingressのホスト名ルーティング")
    assert answer.answered and answer.hits[0].title == "Ingress"
    (small_corpus / "c.md").write_text(SMALL["c.md"].replace("--previous", "--before"), "utf-8")
    assert "--before" in _open(small_corpus, cache).ask("再起動前のログ").hits[0].text
    (small_corpus / "d.md").unlink()
    assert not _open(small_corpus, cache).ask("Ingressのホスト名ルーティング").answered


@pytest.mark.parametrize("damage", ["truncate", "garbage", "version", "delete"])
def test_damaged_cache_is_rebuilt_with_a_notice(small_corpus, tmp_path, damage):
    cache = tmp_path / "cache"
    folder = Path(_open(small_corpus, cache).index.stats.cache_path)
    if damage == "truncate":
        data = (folder / "impacts.npy").read_bytes()
        (folder / "impacts.npy").write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        (folder / "meta.json").write_bytes(os.urandom(300))
    elif damage == "version":
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        meta["format"] = "0"
        (folder / "meta.json").write_text(json.dumps(meta), "utf-8")
    else:
        (folder / "vocab.json").unlink()
    notices: list[str] = []
    assistant = _open(small_corpus, cache, notices)
    assert any("作り直します" in n for n in notices)
    assert assistant.ask("NodePortの番号は？").hits[0].title == "Serviceの基本"
    assert _open(small_corpus, cache).index.stats.from_cache  # whole again


def test_unwritable_cache_still_answers_and_says_so_once(small_corpus, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")  # a file where the cache folder should be: works even as root
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(small_corpus),
                   env={"K8S_ASSISTANT_CACHE_DIR": str(blocker / "cache")})
    assert proc.returncode == 0, proc.stderr
    assert "Serviceの基本" in proc.stdout
    assert proc.stderr.count("保存できません") == 1


def test_concurrent_builds_all_answer_and_leave_a_whole_cache(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(cache)}
    from conftest import command
    procs = [subprocess.Popen([*command(), "ask", "--json", "NodePortの番号は？", "--corpus", str(small_corpus)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err.decode()
        assert json.loads(out)["hits"][0]["title"] == "Serviceの基本"
    folders = [p for p in cache.iterdir() if p.name.startswith("index-")]
    assert len(folders) == 1 and not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]
    assert _open(small_corpus, cache).index.stats.from_cache
