"""Load: our Markdown, Hugo docs and the guide-index file become the right documents."""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path

import pytest

from assistant.corpus import (NOT_REGULAR, CorpusError, hugo_url, is_guide_index, load_corpus, page_key,
                              parse_guide_index, markdown_document, read_bytes, split_front_matter, strip_hugo)
from assistant.engine import Assistant
from conftest import DOCS, SEED, SMALL, article, command, needs_docs, needs_seed, run_cli, write_corpus

GUIDE_SAMPLE = """
[:contents]

# 入門ガイド

## 第1章

### [記事A](https://example.com/a)

Aの説明です。

### [記事B]()

## 第2章

### [記事C](https://example.com/c)

Cの説明です。

page:https://example.com/index
"""


def test_markdown_front_matter_gives_title_source_and_order():
    doc = markdown_document("---\nid: pod\ntitle: Pod とは何か?\nchapter: リソース\norder: 5\nsource: https://x/pod\n---\n## 見出し\n本文\n",
                         "05-pod.md", None)
    assert (doc.doc_id, doc.title, doc.chapter, doc.order, doc.source) == ("pod", "Pod とは何か?", "リソース", 5, "https://x/pod")
    assert doc.body.strip().startswith("## 見出し")


def test_hugo_shortcodes_reduce_to_visible_text_and_comments_vanish():
    text = ('{{< glossary_tooltip text="コンテナ" term_id="container" >}}を使います。<!-- 内緒 -->\n'
            '{{% heading "prerequisites" %}}\n{{< note >}}注意です{{< /note >}}\n'
            '{{< glossary_tooltip term_id="deployment" >}}')
    out = strip_hugo(text, {"deployment": "Deployment"})
    assert "コンテナを使います。" in out
    assert "内緒" not in out and "{{" not in out and "heading" not in out
    assert "注意です" in out and "Deployment" in out


@pytest.mark.parametrize("path, slug, url", [
    ("concepts/workloads/pods/_index.md", None, "https://kubernetes.io/ja/docs/concepts/workloads/pods/"),
    ("concepts/overview/components.md", None, "https://kubernetes.io/ja/docs/concepts/overview/components/"),
    ("concepts/overview/components.md", "parts", "https://kubernetes.io/ja/docs/concepts/overview/parts/"),
    ("_index.md", None, "https://kubernetes.io/ja/docs/"),
])
def test_hugo_page_links(path, slug, url):
    assert hugo_url("https://kubernetes.io/ja/docs/", path, slug) == url


def test_page_without_source_is_linked_under_base_url(tmp_path):
    root = write_corpus(tmp_path / "docs", {"tasks/run/_index.md": "---\ntitle: 実行\n---\n本文です。\n"})
    corpus = load_corpus([root], base_url="https://kubernetes.io/ja/docs/")
    assert corpus.documents[0].source == "https://kubernetes.io/ja/docs/tasks/run/"
    assert corpus.documents[0].path == "tasks/run/_index.md"
    assert load_corpus([root]).documents[0].source is None


def test_guide_index_gives_one_document_per_linked_article():
    docs = parse_guide_index(GUIDE_SAMPLE, "guide.txt")
    assert [d.title for d in docs] == ["記事A", "記事B", "記事C"]
    assert [d.source for d in docs] == ["https://example.com/a", "https://example.com/index", "https://example.com/c"]
    assert [d.chapter for d in docs] == ["第1章", "第1章", "第2章"]
    assert "Aの説明" in docs[0].body and "page:" not in docs[2].body


def test_guide_index_without_page_line_leaves_empty_link_unlinked():
    docs = parse_guide_index(GUIDE_SAMPLE.replace("page:https://example.com/index", ""), "guide.txt")
    assert docs[1].source is None


@needs_seed()
def test_the_real_guide_index_loads():
    corpus = load_corpus([SEED])
    titles = [d.title for d in corpus.documents]
    assert is_guide_index(SEED.read_text(encoding="utf-8"))
    assert len(corpus.documents) == 19
    assert "Podとコンテナの違い" in titles
    pv = next(d for d in corpus.documents if d.title.startswith("PersistentVolu"))
    assert pv.source == "https://minegishirei.hatenablog.com/entry/2023/10/11/103809"


@needs_docs()
def test_the_real_docs_load_without_markup():
    corpus = load_corpus([DOCS], base_url="https://kubernetes.io/ja/docs/")
    assert len(corpus.documents) > 500
    pod = next(d for d in corpus.documents if d.path == "concepts/workloads/pods/_index.md")
    assert pod.title == "Pod" and pod.source == "https://kubernetes.io/ja/docs/concepts/workloads/pods/"
    assert "glossary_tooltip" not in pod.body and "<!--" not in pod.body


@pytest.mark.parametrize("link, key", [
    ("/docs/concepts/storage/persistent-volumes/", "concepts/storage/persistent-volumes"),
    ("/ja/docs/concepts/overview/working-with-objects/annotations", "concepts/overview/working-with-objects/annotations"),
    ("/docs/concepts/workloads/pods/#pod-os", "concepts/workloads/pods"),
    ("concepts/workloads/pods/_index.md", "concepts/workloads/pods"),
    ("reference/command-line-tools-reference/feature-gates/index.md", "reference/command-line-tools-reference/feature-gates"),
    ("https://github.com/google/cadvisor/", ""),
    ("", ""),
])
def test_a_glossary_link_and_a_page_path_give_the_same_page_key(link, key):
    assert page_key(link) == key


def test_missing_path_and_empty_folder_are_clear_errors(tmp_path):
    with pytest.raises(CorpusError, match="見つかりません"):
        load_corpus([tmp_path / "nothing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="Markdown"):
        load_corpus([tmp_path / "empty"])


def test_damaged_files_are_reported_by_name_and_the_rest_loads(tmp_path):
    root = write_corpus(tmp_path / "c", {"good.md": "---\ntitle: 良い記事\n---\n正しく読める本文です。\n",
                                         "bad-yaml.md": "---\ntitle: [壊れた\n---\n本文\n",
                                         "empty.md": ""})
    (root / "sjis.md").write_bytes("---\ntitle: 日本語\n---\nシフトJISの本文です。\n".encode("shift_jis"))
    (root / "binary.md").write_bytes(b"\x00\x01\x02\xff" * 100)
    (root / "loop").symlink_to(root)
    corpus = load_corpus([root])
    assert [d.title for d in corpus.documents] == ["良い記事"]
    reported = {p.path for p in corpus.problems}
    assert {"bad-yaml.md", "empty.md", "sjis.md", "binary.md"} <= reported
    assert any("ループ" in p.message for p in corpus.problems)
    assert any("UTF-8" in p.message for p in corpus.problems if p.path == "sjis.md")


# --- round 2: corpora that cannot hang the reader, exhaust it, or fail it as a whole ----------------

def test_a_fifo_named_md_is_skipped_by_name_without_being_opened(tmp_path):
    root = write_corpus(tmp_path / "c", dict(SMALL))
    os.mkfifo(root / "pipe.md")  # opening it for reading would wait for a writer forever
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(root), timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert "Serviceの基本" in proc.stdout and "pipe.md" in proc.stderr and "FIFO" in proc.stderr
    warm = run_cli("index", "--corpus", str(root), timeout=30)
    assert warm.returncode == 0 and "キャッシュから" in warm.stdout and "pipe.md" in warm.stderr


def test_read_bytes_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "p.md")
    assert read_bytes(tmp_path / "p.md") == (None, NOT_REGULAR)


def test_a_file_name_that_is_not_utf8_loads_and_is_shown_escaped(tmp_path):
    root = write_corpus(tmp_path / "c", dict(SMALL))
    name = os.fsencode(root) + b"/ingress\xff.md"
    with open(name, "wb") as handle:
        body = "## Ingressとは？\n\nIngressはホスト名でHTTPを振り分けるルーティングの仕組みです。"
        handle.write(article("ing", "Ingress", body).encode())
    cache = tmp_path / "cache"
    for _ in range(2):  # cold, then warm
        proc = run_cli("ask", "--json", "Ingressのホスト名ルーティング", "--corpus", str(root),
                       env={"K8S_ASSISTANT_CACHE_DIR": str(cache)})
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["hits"][0]["path"] == "ingress\\xff.md"
    assert run_cli("index", "--corpus", str(root), env={"K8S_ASSISTANT_CACHE_DIR": str(cache)}).returncode == 0
    assert not [p for p in cache.iterdir() if p.name.startswith(".tmp-")]


def _bounded_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def _alias_bomb(levels: int, key: str = "title") -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghijklmnop"
    for i in range(1, levels):
        lines.append(f"{names[i]}: &{names[i]} [" + ",".join([f"*{names[i - 1]}"] * 9) + "]")
    lines.append(f"{key}: *{names[levels - 1]}")
    return "---\n" + "\n".join(lines) + "\n---\n## 本文\n\n爆弾です。\n"


@pytest.mark.parametrize("levels,key", [(9, "title"), (7, "title"), (8, "id")])
def test_a_yaml_alias_bomb_is_refused_quickly_and_the_rest_loads(tmp_path, levels, key):
    root = write_corpus(tmp_path / "c", {**SMALL, "bomb.md": _alias_bomb(levels, key)})
    proc = subprocess.run([*command(), "ask", "NodePortの番号は？", "--corpus", str(root)], capture_output=True,
                          timeout=30, preexec_fn=_bounded_memory, text=True)  # a regression fails, not swaps
    assert proc.returncode == 0, proc.stderr
    assert "Serviceの基本" in proc.stdout and "bomb.md" in proc.stderr and "エイリアス" in proc.stderr
    assert len(proc.stdout) < 10_000


def test_front_matter_without_anchors_still_reads_quoted_ampersands():
    meta, _ = split_front_matter('---\ntitle: "A & B"\nid: amp\n---\n本文\n')
    assert meta == {"title": "A & B", "id": "amp"}


def test_a_corpus_nested_1200_levels_deep_loads(tmp_path):
    root = write_corpus(tmp_path / "c", dict(SMALL))
    folders = [str(root)]
    for _ in range(1200):  # os.makedirs and Path.mkdir(parents=True) recurse
        folders.append(folders[-1] + "/d")
        os.mkdir(folders[-1])
    body = "## 深いとは？\n\n深い階層のジャーナル記事です。"
    Path(folders[-1], "deep.md").write_text(article("deep", "深い記事", body), "utf-8")
    try:
        corpus = load_corpus([root])
        assert "深い記事" in [d.title for d in corpus.documents]
        proc = run_cli("ask", "深い階層のジャーナル", "--corpus", str(root), timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert "深い記事" in proc.stdout
    finally:  # shutil.rmtree recurses too: pytest could not clean this up
        os.unlink(Path(folders[-1], "deep.md"))
        for folder in reversed(folders[1:]):
            os.rmdir(folder)


def test_two_files_with_the_same_id_are_named_and_each_opens_its_own_text(tmp_path):
    root = write_corpus(tmp_path / "c", {
        "a.md": article("same", "一つ目", "## 一つ目とは？\n\nりんごの話です。"),
        "b.md": article("same", "二つ目", "## 二つ目とは？\n\nみかんの話です。", order=2),
    })
    notices: list[str] = []
    assistant = Assistant.open([root], cache_dir=tmp_path / "cache", notify=notices.append)
    assert any("a.md" in n and "b.md" in n and "same" in n for n in notices)
    ids = [d.doc_id for d in assistant.documents()]
    assert len(set(ids)) == 2 and "same" in ids
    texts = {d.title: assistant.article_markdown(d.doc_id) for d in assistant.documents()}
    assert "りんご" in texts["一つ目"] and "みかん" in texts["二つ目"]
