"""Index cache: reused when nothing changed, rebuilt when the corpus changes or the cache is damaged."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assistant.analyzer import Analyzer
from assistant.cache import open_index
from assistant.corpus import load_corpus
from assistant.engine import Assistant
from assistant.index import IndexSettings, build_index
from conftest import SMALL, article, command, run_cli, write_corpus


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


# --- round 2: a cache that is never wrong ----------------------------------------------------------

def _index_folders(cache: Path) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.name.startswith("index-")) if cache.is_dir() else []


def test_an_edit_during_a_cold_build_never_reaches_the_cache(small_corpus, tmp_path):
    """The file changes after the key was computed but before the loader reads it: the index of
    the edited text must not be saved under the key of the original text."""
    cache = tmp_path / "cache"
    paths = [small_corpus.resolve()]
    original = (small_corpus / "c.md").read_text("utf-8")
    analyzer = Analyzer()

    def build_after_an_edit():
        (small_corpus / "c.md").write_text(original.replace("--previous", "--edited-away"), "utf-8")
        corpus = load_corpus(paths)
        return build_index(corpus, analyzer), corpus

    notices: list[str] = []
    index = open_index(paths, None, lambda: IndexSettings(analyzer=analyzer.settings), build_after_an_edit,
                       cache, notices.append)
    assert any("変わった" in n for n in notices) and index.stats.cache_path is None
    (small_corpus / "c.md").write_text(original, "utf-8")  # restored
    answer = _open(small_corpus, cache).ask("再起動前のログ")
    assert "--previous" in answer.hits[0].text and "--edited-away" not in answer.hits[0].text


@pytest.mark.parametrize("name", ["sections.json", "passages.jsonl", "impacts.npy", "meta.json"])
def test_damage_that_keeps_the_size_is_seen_and_rebuilt(small_corpus, tmp_path, name):
    cache = tmp_path / "cache"
    folder = Path(_open(small_corpus, cache).index.stats.cache_path)
    (folder / name).write_bytes(b"\0" * (folder / name).stat().st_size)
    notices: list[str] = []
    assistant = _open(small_corpus, cache, notices)
    assert any("作り直します" in n for n in notices)
    assert assistant.ask("NodePortの番号は？").hits[0].title == "Serviceの基本"
    again = _open(small_corpus, cache)
    assert again.index.stats.from_cache and again.ask("NodePortの番号は？").hits[0].title == "Serviceの基本"


def test_index_rebuild_writes_exactly_the_index_ask_reads(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    (small_corpus / "concepts.yaml").write_text("NodePort:\n  - 外から入る口\n", "utf-8")  # the key once missed it
    proc = run_cli("index", "--rebuild", "--corpus", str(small_corpus), env={"K8S_ASSISTANT_CACHE_DIR": str(cache)})
    assert proc.returncode == 0, proc.stderr
    written = [line.split(": ", 1)[1] for line in proc.stdout.splitlines() if line.startswith("キャッシュ: ")]
    assert written and written[0] == str(_index_folders(cache)[0])
    stamp = (Path(written[0]) / "meta.json").stat().st_mtime_ns
    opened = _open(small_corpus, cache)
    assert opened.index.stats.from_cache and opened.index.stats.cache_path == written[0]
    ask = run_cli("ask", "NodePortの番号は？", "--corpus", str(small_corpus), env={"K8S_ASSISTANT_CACHE_DIR": str(cache)})
    assert ask.returncode == 0 and "索引を作成" not in ask.stderr
    assert _index_folders(cache) == [Path(written[0])] and (Path(written[0]) / "meta.json").stat().st_mtime_ns == stamp
    again = run_cli("index", "--rebuild", "--corpus", str(small_corpus), env={"K8S_ASSISTANT_CACHE_DIR": str(cache)})
    assert again.returncode == 0 and "キャッシュから" not in again.stdout and _index_folders(cache) == [Path(written[0])]


def test_a_relative_and_an_absolute_corpus_path_share_one_cache(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    env = {"K8S_ASSISTANT_CACHE_DIR": str(cache)}
    first = run_cli("ask", "NodePortの番号は？", "--corpus", small_corpus.name, env=env, cwd=small_corpus.parent)
    second = run_cli("ask", "NodePortの番号は？", "--corpus", str(small_corpus.resolve()), env=env)
    assert first.returncode == second.returncode == 0
    assert len(_index_folders(cache)) == 1 and first.stdout == second.stdout


def test_every_cache_file_has_a_checksum_in_meta(small_corpus, tmp_path):
    folder = Path(_open(small_corpus, tmp_path / "cache").index.stats.cache_path)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    assert sorted(meta["files"]) == sorted(p.name for p in folder.iterdir() if p.name != "meta.json")
    assert meta["settings"]["title_weight"] == IndexSettings().title_weight and meta["settings"]["analyzer"]


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_temporaries_of_dead_writers_are_removed_on_the_next_save(small_corpus, tmp_path):
    from assistant.cache import HOST_TAG
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = _dead_pid()
    killed = cache / f".tmp-{dead}-{HOST_TAG}-0a0a0a0a"  # a writer killed while saving an index
    killed.mkdir()
    (killed / "impacts.npy").write_bytes(b"\0" * 100)
    (cache / f".tmp-{dead}-{HOST_TAG}-0b0b0b0b").write_text("{")  # a manifest cut short by a full disk
    alive = f".tmp-{os.getpid()}-{HOST_TAG}-0c0c0c0c"  # a writer still at work
    elsewhere = f".tmp-{dead}-0000abcd-0d0d0d0d"  # a writer on another host sharing the folder
    for name in (alive, elsewhere):
        (cache / name).mkdir()
    _open(small_corpus, cache)
    left = sorted(p.name for p in cache.iterdir() if p.name.startswith(".tmp-"))
    assert left == sorted([alive, elsewhere])


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))  # any cache file beyond 6 kB fails
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE (POSIX)")
def test_a_full_disk_is_said_in_japanese_and_leaves_no_temporaries(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    proc = subprocess.run([*command(), "ask", "NodePortの番号は？", "--corpus", str(small_corpus)],
                          capture_output=True, timeout=120, preexec_fn=_limit_file_size,
                          env={**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(cache)})
    err = proc.stderr.decode()
    assert proc.returncode == 0 and "Serviceの基本" in proc.stdout.decode()
    assert err.count("ディスクの空きが足りません") == 1 and "requested" not in err and "written" not in err
    assert not [p for p in cache.iterdir() if p.name.startswith((".tmp-", "index-"))]


# --- permissions: root drops its override capabilities, so file modes apply as to anyone ----------

def _without_override() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be taken away")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]


def _ask_without_permission(corpus: Path, cache: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([*_without_override(), *command(), "ask", "NodePortの番号は？", "--corpus", str(corpus)],
                          capture_output=True, timeout=120, env={**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(cache)})
    proc.stdout, proc.stderr = proc.stdout.decode(), proc.stderr.decode()  # type: ignore[assignment]
    return proc


def test_a_cache_folder_without_write_permission_answers_from_memory_with_one_notice(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    os.chmod(cache, 0o555)
    try:
        proc = _ask_without_permission(small_corpus, cache)
    finally:
        os.chmod(cache, 0o755)
    assert proc.returncode == 0, proc.stderr
    assert "Serviceの基本" in proc.stdout and "Traceback" not in proc.stderr
    assert proc.stderr.count("今回はメモリ上の索引で答えます") == 1 and "権限がありません" in proc.stderr


def test_another_users_index_folder_in_a_shared_cache_answers_from_memory_with_one_notice(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    folder = Path(_open(small_corpus, cache).index.stats.cache_path)
    os.chmod(folder, 0o000)  # as another user's private (0700) folder looks to us
    try:
        proc = _ask_without_permission(small_corpus, cache)
        second = _ask_without_permission(small_corpus, cache)
    finally:
        os.chmod(folder, 0o755)
    for run in (proc, second):
        assert run.returncode == 0, run.stderr
        assert "Serviceの基本" in run.stdout and "Traceback" not in run.stderr
        assert run.stderr.count("今回はメモリ上の索引で答えます") == 1


def test_index_folders_follow_the_umask_so_a_shared_cache_can_be_read(small_corpus, tmp_path):
    folder = Path(_open(small_corpus, tmp_path / "cache").index.stats.cache_path)
    umask = os.umask(0)
    os.umask(umask)
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask


def _sampled(size: int) -> list[tuple[int, int]]:
    """The byte ranges cache.file_checksum reads of a large file."""
    from assistant import cache as c
    starts = [0, size - 65536] + [size * i // c.SAMPLES for i in range(1, c.SAMPLES)]
    return [(s, s + (65536 if s in (0, size - 65536) else c.SAMPLE_BYTES)) for s in starts]


def test_damage_between_the_samples_of_a_large_file_is_reported_and_repaired(tmp_path):
    from assistant import cache as c
    body = "\n\n".join(f"## 記録{i}とは？\n\n" + "ジャーナル記録の行です。" * 40 for i in range(900))
    root = write_corpus(tmp_path / "big", {**SMALL, "big.md": article("big", "大きな記録", body, order=4)})
    env = {"K8S_ASSISTANT_CACHE_DIR": str(tmp_path / "cache")}
    assert run_cli("index", "--corpus", str(root), env=env).returncode == 0
    folder = _index_folders(tmp_path / "cache")[0]
    passages = folder / "passages.jsonl"
    size = passages.stat().st_size
    assert size > c.FULL_CHECK_BYTES  # checked by samples
    offsets = np.load(folder / "passage_offsets.npy")
    ranges = _sampled(size)
    raw = passages.read_bytes()
    for pid in range(len(offsets) - 1):  # a passage of big.md with bytes that no sample reads
        start, end = int(offsets[pid]), int(offsets[pid + 1])
        row = json.loads(raw[start:end])
        unread = [b for b in range(start, end - 1) if all(not s <= b < e for s, e in ranges)]
        if row["s"].startswith("記録") and len(unread) > 16:
            break
    else:
        pytest.skip("every passage is read whole by the samples")
    data = bytearray(raw)
    for b in unread:
        data[b] = 0xFF  # never valid UTF-8: the row cannot be read as it was
    passages.write_bytes(bytes(data))
    recorded = json.loads((folder / "meta.json").read_text("utf-8"))["files"]["passages.jsonl"]
    assert c.file_checksum(passages) == recorded  # the damage is not seen on load
    question = row["s"].replace("？", "") + "について"
    damaged = run_cli("ask", question, "--corpus", str(root), env=env)
    assert damaged.returncode == 2 and "索引キャッシュが壊れていました" in damaged.stderr
    assert "Traceback" not in damaged.stderr
    repaired = run_cli("ask", question, "--corpus", str(root), env=env)
    assert repaired.returncode == 0, repaired.stderr
    assert row["s"].replace("？", "") in repaired.stdout


def test_index_rebuild_repairs_a_damaged_cache(small_corpus, tmp_path):
    cache = tmp_path / "cache"
    env = {"K8S_ASSISTANT_CACHE_DIR": str(cache)}
    folder = Path(_open(small_corpus, cache).index.stats.cache_path)
    (folder / "sections.json").write_bytes(b"\0" * (folder / "sections.json").stat().st_size)
    rebuilt = run_cli("index", "--rebuild", "--corpus", str(small_corpus), env=env)
    assert rebuilt.returncode == 0 and str(folder) in rebuilt.stdout, rebuilt.stderr
    ask = run_cli("ask", "NodePortの番号は？", "--corpus", str(small_corpus), env=env)
    assert ask.returncode == 0 and "Serviceの基本" in ask.stdout and ask.stderr == ""


def test_a_passage_that_quotes_json_reads_back_whole_from_the_cache(tmp_path):
    """A row's word table is found as its last field: text that itself looks like that field
    (「, "m": 」 in a code sample) must not cut the row."""
    body = ('## ConfigMap の JSON を見るには？\n\nConfigMap の中身は JSON で `{"a": 1, "m": [2]}` のように表示されます。'
            'kubectl get configmap app -o json で確かめます。\n')
    corpus = write_corpus(tmp_path / "c", {"a.md": article("cm", "ConfigMap の確認", body)})
    built = Assistant.open([corpus], cache_dir=tmp_path / "cache")
    cached = Assistant.open([corpus], cache_dir=tmp_path / "cache")
    assert cached.index.stats.from_cache
    first, again = built.ask("ConfigMap の JSON を見るには？"), cached.ask("ConfigMap の JSON を見るには？")
    assert again.hits[0].text == first.hits[0].text and '"m": [2]' in again.hits[0].text
    assert again.hits[0].highlights == first.hits[0].highlights and again.summary == first.summary


def test_a_marked_topic_declines_only_a_corpus_that_lacks_its_name(small_corpus, tmp_path):
    # 「?Fluentd」 marks a topic a corpus may not cover. Unmarked, the phrase only helps ranking and the small
    # corpus answers from its log article; marked, a corpus that never says Fluentd does not; once an article
    # names it, that article answers.
    question = "ログを集めて見るには？"
    (small_corpus / "concepts.yaml").write_text("Fluentd: [ログを集め]\n", "utf-8")
    assert _open(small_corpus, tmp_path / "c1").ask(question).answered
    (small_corpus / "concepts.yaml").write_text('"?Fluentd": [ログを集め]\n', "utf-8")
    assert not _open(small_corpus, tmp_path / "c2").ask(question).answered
    (small_corpus / "d.md").write_text(article("fluentd", "Fluentd", "## Fluentdとは？\n\n"
                                               "Fluentd はノードのログを集めて転送するエージェントです。"), "utf-8")
    answer = _open(small_corpus, tmp_path / "c3").ask(question)
    assert answer.answered and answer.hits[0].title == "Fluentd"
