"""Load: our Markdown, Hugo docs and the guide-index file become the right documents."""

from __future__ import annotations

import pytest

from assistant.corpus import (CorpusError, hugo_url, is_guide_index, load_corpus, parse_guide_index,
                              parse_markdown, strip_hugo)
from conftest import DOCS, SEED, needs_docs, needs_seed, write_corpus

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
    doc = parse_markdown("---\nid: pod\ntitle: Pod とは何か?\nchapter: リソース\norder: 5\nsource: https://x/pod\n---\n## 見出し\n本文\n",
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
