"""Chunk: passages by heading, heading paths kept, code blocks and tables never cut."""

from __future__ import annotations

from assistant.chunking import chunk_document, split_blocks
from assistant.corpus import Document


def doc(body: str) -> Document:
    return Document("d", "記事", body, "d.md", "https://x/d")


def test_heading_path_is_kept():
    body = "導入の文章です。" * 20 + "\n\n## 見出し\n\n" + "本文です。" * 30 + "\n\n### 小見出し\n\n" + "詳しい説明です。" * 30
    passages = chunk_document(doc(body))
    assert [p.section for p in passages] == ["", "見出し", "見出し › 小見出し"]
    assert passages[2].heading_path == "記事 › 見出し › 小見出し"
    assert all(p.source == "https://x/d" and p.path == "d.md" and p.doc_id == "d" for p in passages)


def test_code_block_with_blank_lines_and_headings_stays_whole():
    code = "```yaml\napiVersion: v1\n\n# not a heading\nkind: Pod\n\n\nspec: {}\n```"
    body = "## 例\n\n" + ("説明文です。" * 120) + "\n\n" + code + "\n\n" + ("後の文章です。" * 120)
    passages = chunk_document(doc(body), max_chars=300)
    holding = [p for p in passages if "apiVersion" in p.text]
    assert len(holding) == 1 and code in holding[0].text
    assert all(p.section == "例" for p in passages)


def test_table_is_one_block():
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"
    assert table in split_blocks("前\n\n" + table + "\n\n後")


def test_long_section_splits_at_paragraphs():
    paragraphs = [f"段落{i}の内容です。" * 15 for i in range(10)]
    passages = chunk_document(doc("## 長い節\n\n" + "\n\n".join(paragraphs)), max_chars=400)
    assert len(passages) > 3
    for p in passages:  # every paragraph is whole in exactly one passage
        assert p.text.startswith("段落")
    assert sum(p.text.count("段落") for p in passages) == sum(x.count("段落") for x in paragraphs)


def test_short_fragment_merges_with_its_neighbour():
    body = "## 親\n\n短い。\n\n### 子\n\n" + "子の本文です。" * 30
    passages = chunk_document(doc(body))
    assert len(passages) == 1
    assert "短い。" in passages[0].text and "子の本文" in passages[0].text and "**子**" in passages[0].text


def test_heading_anchor_is_not_part_of_the_section():
    passages = chunk_document(doc("## ログを調べる {#examine-logs}\n\n" + "本文です。" * 30))
    assert passages[0].section == "ログを調べる"
