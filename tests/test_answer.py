"""Answers: the defining passage for "what is", an extractive 要点, highlights, follow-up questions."""

from __future__ import annotations

import re

from assistant.answer import Conversation, highlight_markdown


def test_what_is_question_gets_the_defining_passage(guide):
    for question, section in [("svcとは", "Serviceとは何ですか？"), ("Podって何", "Podとは何ですか？"),
                              ("ネームスペースの意味", "Namespaceとは何ですか？")]:
        assert guide.ask(question).hits[0].section == section


def test_summary_quotes_sentences_of_the_shown_passages_with_their_numbers(guide):
    answer = guide.ask("Podとコンテナの違いは？")
    assert 1 <= len(answer.summary) <= 3
    plain = {h.rank: re.sub(r"\*\*|`", "", h.text) for h in answer.hits}
    for line in answer.summary:
        assert line.text in plain[line.source_number]  # quoted, never written
        assert "記事" not in line.text  # a pointer to another article is not an answer
    assert "違い" in answer.summary[0].text


def test_highlights_are_the_question_words_as_written_in_the_passage(guide):
    hit = guide.ask("ネームスペースの作り方").hits[0]
    assert any(h in ("Namespace", "ネームスペース", "名前空間") for h in hit.highlights)
    assert all(h in hit.text for h in hit.highlights)


def test_highlight_markdown_leaves_code_alone():
    text = "Podは単位です。\n\n```yaml\nkind: Pod\n```\n\n`Pod` と Pod"
    out = highlight_markdown(text, ("Pod",))
    assert out.startswith("**Pod**は") and "kind: Pod\n" in out and "`Pod`" in out and out.endswith("**Pod**")


def test_follow_up_questions_continue_the_previous_topic(guide):
    conversation = Conversation()
    first = guide.ask("Deploymentとは", conversation=conversation)
    assert first.hits[0].doc_id == "deployment" and not first.follow_up
    follow = guide.ask("そのロールバック方法は？", conversation=conversation)
    assert follow.follow_up and follow.answered
    assert follow.hits[0].doc_id == "deployment" and "ロールバック" in follow.hits[0].section
    again = guide.ask("それのコマンドは？", conversation=conversation)
    assert again.hits[0].doc_id == "deployment"  # the topic stays Deployment, not "rollback + command"


def test_one_shot_has_no_context_and_a_bare_generic_question_is_declined(guide):
    answer = guide.ask("コマンドは？")
    assert not answer.answered and "対象" in answer.message


def test_an_uncovered_question_drops_the_topic(guide):
    conversation = Conversation()
    guide.ask("Serviceのタイプは？", conversation=conversation)
    guide.ask("今日の東京の天気は？", conversation=conversation)
    assert not guide.ask("それのコマンドは？", conversation=conversation).follow_up


def test_not_covered_answer_suggests_the_closest_topics(guide):
    answer = guide.ask("Terraformのstateの管理方法")
    assert not answer.answered and answer.hits == ()
    assert "ガイドでは扱われていない" in answer.message
    assert 1 <= len(answer.suggestions) <= 3 and all(s.title for s in answer.suggestions)


def test_concept_words_help_ranking_but_not_the_decision_to_answer(guide):
    # "パスワード" points to Secret, which the guide barely covers: the question stays declined.
    assert not guide.ask("Wi-Fiのパスワードを忘れた").answered


def test_the_passage_shown_first_answers_the_question_it_was_chosen_for(guide):
    # "何ですか" in a comparison is not a definition question; a code block keeps its explanation.
    first = guide.ask("Podとコンテナの違いは何ですか？").hits[0]
    assert first.doc_id == "pod-vs-container" and "違" in first.section
    enter = guide.ask("コンテナに入るには？")
    assert enter.hits[0].text.startswith("動いているコンテナに入るには")
    assert enter.summary and "kubectl exec" in enter.summary[0].text


def test_question_intent_is_read_from_the_wording():
    from assistant.answer import asks_definition, asks_task
    assert asks_definition("svcとは") and asks_definition("Podって何？") and asks_definition("ネームスペースの意味")
    assert not asks_definition("Podとコンテナの違いは何ですか？")  # a comparison
    assert asks_task("定期的にバッチ処理を実行したい") and asks_task("コンテナに入るには？") and asks_task("ロールバックの方法")
    assert not asks_task("Serviceのタイプは？")


def test_highlighting_leaves_text_that_is_already_bold_alone():
    text = "Podとコンテナの違いは、**コンテナが実行単位である**という点です。コンテナ"
    out = highlight_markdown(text, ("コンテナ",))
    assert out == "Podと**コンテナ**の違いは、**コンテナが実行単位である**という点です。**コンテナ**"
    assert out.count("**") % 2 == 0
