"""Version stamps: every article says which Kubernetes it was checked against, no stale version goes
unexplained, and `ask` shows the stamp beside the source."""

from __future__ import annotations

import json

import pytest

from _helpers import check_corpus, guide_articles, line_of, listing, plant
from conftest import article, run_cli, write_corpus


def test_every_guide_article_is_stamped_and_states_no_unexplained_old_version():
    findings = check_corpus.check_versions(guide_articles())
    assert not findings, listing(findings)


def test_a_missing_stamp_fails_on_both_fields(tmp_path):
    findings = check_corpus.check_versions([plant(tmp_path, "## 何？\n\n本文です。\n", front="")])
    assert len(findings) == 2 and all(f.line == 1 for f in findings)
    assert "kubernetes:" in findings[0].message and "checked:" in findings[1].message


def test_an_unquoted_stamp_fails_because_yaml_reads_1_30_as_1_3(tmp_path):
    article = plant(tmp_path, "## 何？\n\n本文です。\n", front="kubernetes: 1.30\nchecked: 2026-11-29\n")
    findings = check_corpus.check_versions([article])
    assert [(f.line, "引用符" in f.message) for f in findings] == [(line_of(article, "kubernetes: 1.30"), True)]


def test_a_checked_value_that_is_not_a_date_fails(tmp_path):
    article = plant(tmp_path, "## 何？\n\n本文です。\n", front='kubernetes: "1.34"\nchecked: 最近\n')
    findings = check_corpus.check_versions([article])
    assert [f.line for f in findings] == [line_of(article, "checked:")]


@pytest.mark.parametrize("sentence", [
    "ノードのバージョンは v1.30.4 です。",
    "Kubernetes 1.29 の新機能を使います。",
    "minikube start --kubernetes-version=v1.30.0 で起動します。",
    "kubectl 1.28 で動作を確かめました。",
])
def test_an_old_version_without_a_reason_fails_at_its_line(tmp_path, sentence):
    article = plant(tmp_path, f"## 何？\n\n前置きの文です。\n\n{sentence}\n")
    findings = check_corpus.check_versions([article])
    assert [f.line for f in findings] == [line_of(article, sentence)], listing(findings)
    assert "1.32 以降" in findings[0].message


def test_an_old_version_in_command_output_fails(tmp_path):
    body = "## 何？\n\nノードの一覧です。\n\n```text\nNAME   STATUS   VERSION\ncp-1   Ready    v1.30.4\n```\n"
    article = plant(tmp_path, body)
    assert [f.line for f in check_corpus.check_versions([article])] == [line_of(article, "v1.30.4")]


@pytest.mark.parametrize("sentence", [
    "v1 の Endpoints API は Kubernetes 1.33 から非推奨です。",
    "Kubernetes 1.24 で dockershim が削除されました。",
    "1.29以降（1.33でGA）では、ネイティブのサイドカーが使えます。",
    "kubectl 1.30 以前は creationTimestamp: null が出力されていました。",
    "ノードは v1.32.3 と v1.34.1 が混在しても動きます。",
    "nginx:1.27 のイメージを使い、約1.5倍のメモリを見込みます。",
    "イメージ myapp:v1.2 を registry.example.com/team/app:v1.0 から取得します。",
])
def test_a_dated_statement_a_version_in_the_window_or_an_image_tag_passes(tmp_path, sentence):
    article = plant(tmp_path, f"## 何？\n\n{sentence}\n")
    assert check_corpus.check_versions([article]) == []


def test_the_window_follows_the_articles_own_stamp(tmp_path):
    body = "## 何？\n\nこの例は Kubernetes 1.31 で確かめました。\n"
    old = plant(tmp_path, body, "old.md", front='kubernetes: "1.33"\nchecked: 2026-01-10\n')
    new = plant(tmp_path, body, "new.md")
    assert check_corpus.check_versions([old]) == []
    assert len(check_corpus.check_versions([new])) == 1


# --- shown to the user ------------------------------------------------------------------------------

STAMPED = article("stamped", "スケジューラー", "## スケジューラーとは？\n\nkube-scheduler はPodを置くノードを決める部品です。",
                  "https://example.com/scheduler").replace("order: 1\n", 'order: 1\nkubernetes: "1.34"\nchecked: 2026-11-29\n')
UNSTAMPED = article("plain", "ノード", "## ノードとは？\n\nノードはPodが動くマシンです。", "https://example.com/node", 2)


@pytest.fixture
def stamped_corpus(tmp_path):
    return write_corpus(tmp_path / "stamped", {"a.md": STAMPED, "b.md": UNSTAMPED})


def test_ask_shows_the_stamp_beside_the_source_link(stamped_corpus):
    proc = run_cli("ask", "kube-scheduler は何を決める？", "-k", "1", "--corpus", str(stamped_corpus))
    assert proc.returncode == 0, proc.stderr
    assert "    → https://example.com/scheduler  （Kubernetes 1.34 時点）" in proc.stdout.splitlines()


def test_an_unstamped_article_shows_its_link_alone(stamped_corpus):
    proc = run_cli("ask", "ノードとは？", "-k", "1", "--corpus", str(stamped_corpus))
    assert proc.returncode == 0, proc.stderr
    assert "    → https://example.com/node" in proc.stdout.splitlines()
    assert "時点" not in proc.stdout


def test_json_hits_carry_kubernetes_only_when_stamped(stamped_corpus):
    proc = run_cli("ask", "-", "--json", "--corpus", str(stamped_corpus),
                   stdin="kube-scheduler は何を決める？\nノードとは？\n".encode())
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first["hits"][0]["path"] == "a.md" and first["hits"][0]["kubernetes"] == "1.34"
    assert second["hits"][0]["path"] == "b.md" and "kubernetes" not in second["hits"][0]


def test_the_stamp_survives_the_index_cache(stamped_corpus, tmp_path):
    from assistant.engine import Assistant

    built = Assistant.open([stamped_corpus], cache_dir=tmp_path / "cache")
    cached = Assistant.open([stamped_corpus], cache_dir=tmp_path / "cache")
    assert cached.index.stats.from_cache
    for assistant in (built, cached):
        stamps = {d.path: (d.kubernetes, d.checked) for d in assistant.documents()}
        assert stamps == {"a.md": ("1.34", "2026-11-29"), "b.md": ("", "")}
