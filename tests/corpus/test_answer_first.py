"""Answer-first openings: each `##` heading is a question and its first sentence answers it on its own."""

from __future__ import annotations

import pytest

from _helpers import check_corpus, guide_articles, line_of, listing, plant


def test_every_section_of_the_guide_opens_with_its_answer():
    findings = check_corpus.check_answer_first(guide_articles())
    assert not findings, listing(findings)


GOOD = """## Podのログを見るには？

Pod のログを見るには `kubectl logs <Pod名>` を実行します。コンテナの標準出力がそのまま表示されます。

```bash
kubectl logs web
```

## ログを追いかけるには？（-f）

ログを追いかけて表示するには `kubectl logs -f <Pod名>` を使います。

## Podとは何ですか？

Pod とは、1つ以上のコンテナをまとめて動かす Kubernetes の最小単位です。
"""


def test_question_headings_with_standalone_answers_pass(tmp_path):
    assert check_corpus.check_answer_first([plant(tmp_path, GOOD)]) == []


def test_a_heading_that_is_not_a_question_fails(tmp_path):
    article = plant(tmp_path, GOOD.replace("## Podとは何ですか？", "## Podの概要"))
    findings = check_corpus.check_answer_first([article])
    assert [(f.line, "質問の形" in f.message) for f in findings] == [(line_of(article, "## Podの概要"), True)]


@pytest.mark.parametrize("opening", ["これは", "その場合は", "このように", "こうした", "それでは", "そこで", "また、", "ただし、"])
def test_a_first_sentence_that_leans_on_the_one_before_fails(tmp_path, opening):
    article = plant(tmp_path, GOOD.replace("Pod とは、1つ以上", f"{opening}Pod は1つ以上"))
    findings = check_corpus.check_answer_first([article])
    assert [f.line for f in findings] == [line_of(article, "Pod は1つ以上")], listing(findings)
    assert "前の文に頼らず" in findings[0].message


def test_a_leaning_second_sentence_is_fine(tmp_path):
    article = plant(tmp_path, GOOD.replace("最小単位です。", "最小単位です。これはノードに配置されます。"))
    assert check_corpus.check_answer_first([article]) == []


@pytest.mark.parametrize("heading", ["Podのログを見るには？", "Podのログを見る方法は？", "Podのログを確認するにはどうする？",
                                     "Podのログを確認したい", "ログを追いかけるには？（-f）"])
def test_a_how_to_heading_without_the_command_inline_fails(tmp_path, heading):
    body = f"## {heading}\n\nPod のログは kubectl の logs サブコマンドで見られます。\n\n```bash\nkubectl logs web\n```\n"
    article = plant(tmp_path, body)
    findings = check_corpus.check_answer_first([article])
    assert [f.line for f in findings if "コマンド" in f.message] == [line_of(article, "Pod のログは")], listing(findings)


def test_a_heading_followed_by_a_code_block_or_table_instead_of_a_sentence_fails(tmp_path):
    body = "## Podの一覧を見るには？\n\n```bash\nkubectl get pods\n```\n\n## 違いは？\n\n| 項目 | Pod |\n|---|---|\n| 単位 | 最小 |\n"
    article = plant(tmp_path, body)
    findings = check_corpus.check_answer_first([article])
    assert [f.line for f in findings] == [line_of(article, "```bash"), line_of(article, "| 項目")], listing(findings)
    assert all("直後が文ではありません" in f.message for f in findings)


@pytest.mark.parametrize("opening", [
    "Pod とは、" + "1つ以上のコンテナをまとめ、同じネットワークとストレージを共有させて、" * 6 + "動かす単位です。",
    "Pod とコンテナを比べると次のとおりです。",
])
def test_a_first_sentence_the_summary_cannot_quote_fails(tmp_path, opening):
    # Too long for the 要点, or only announcing a table: the section would be answered without a 要点.
    article = plant(tmp_path, GOOD.replace("Pod とは、1つ以上のコンテナをまとめて動かす Kubernetes の最小単位です。", opening))
    findings = check_corpus.check_answer_first([article])
    assert [f.line for f in findings] == [line_of(article, opening[:12])], listing(findings)
    assert "要点に引用できません" in findings[0].message
