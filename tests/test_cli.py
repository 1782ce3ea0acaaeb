"""The installed command: exit codes, JSON contract, standard-input batches, help, index and eval."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import DOCS, SEED, needs_docs, needs_seed, run_cli

HIT_FIELDS = {"rank": int, "score": float, "title": str, "section": str, "path": str, "text": str}


def test_answer_from_the_default_corpus_with_the_articles_link(tmp_path):
    proc = run_cli("ask", "--json", "Podとコンテナの違い", cwd=tmp_path)  # any directory
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["query"] == "Podとコンテナの違い" and data["answered"] is True
    first = data["hits"][0]
    assert first["title"] == "Podとコンテナの違い"
    assert first["source"] == "https://minegishirei.hatenablog.com/entry/2023/11/02/093812"
    assert first["path"] == "06-pod-vs-container.md"
    for hit in data["hits"]:
        for name, kind in HIT_FIELDS.items():
            assert isinstance(hit[name], kind)
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]
    scores = [h["score"] for h in data["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_human_output_shows_heading_path_text_and_link():
    proc = run_cli("ask", "svcって何")
    assert proc.returncode == 0, proc.stderr
    assert "[1] Service とは何か?" in proc.stdout
    assert "https://minegishirei.hatenablog.com/entry/2023/10/13/091613" in proc.stdout
    assert "要点:" in proc.stdout


def test_k_limits_the_passages():
    data = json.loads(run_cli("ask", "--json", "-k", "1", "コンテナに入るには").stdout)
    assert len(data["hits"]) == 1 and data["hits"][0]["title"] == "kubectl execでコンテナに入る"


def test_out_of_scope_question_exits_1_with_a_japanese_message():
    proc = run_cli("ask", "今日の東京の天気は？")
    assert proc.returncode == 1
    assert "ガイドでは扱われていない" in proc.stdout
    data = json.loads(run_cli("ask", "--json", "今日の東京の天気は？").stdout)
    assert data["answered"] is False and data["hits"] == []


@pytest.mark.parametrize("question", ["", "   ", "\u3000\u3000"])
def test_empty_question_exits_2(question):
    proc = run_cli("ask", question)
    assert proc.returncode == 2
    assert "質問が空です" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_stdin_batch_answers_each_line_as_json_lines():
    proc = run_cli("ask", "--json", "-", stdin="Podとは何ですか\n\nsvcって何\n今日の天気は？\n".encode())
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["Podとは何ですか", "svcって何", "今日の天気は？"]
    assert [r["answered"] for r in rows] == [True, True, False]
    assert proc.returncode == 1  # one question was not covered


def test_stdin_batch_all_answered_exits_0():
    proc = run_cli("ask", "-", stdin="Podとは何ですか\nコンテナに入るには\n".encode())
    assert proc.returncode == 0 and proc.stdout.count("質問:") == 2


def test_bad_usage_exits_2_in_japanese():
    proc = run_cli("ask")
    assert proc.returncode == 2 and "エラー" in proc.stderr
    proc = run_cli("ask", "-k", "zero", "Pod")
    assert proc.returncode == 2 and "整数" in proc.stderr


def test_missing_corpus_exits_2_naming_it(tmp_path):
    proc = run_cli("ask", "Pod", "--corpus", str(tmp_path / "nowhere"))
    assert proc.returncode == 2
    assert "nowhere" in proc.stderr and "見つかりません" in proc.stderr and "Traceback" not in proc.stderr


def test_help_is_japanese_and_lists_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for word in ("ask", "index", "eval", "終了コード"):
        assert word in proc.stdout
    assert "--json" in run_cli("ask", "--help").stdout


def test_index_prints_what_it_indexed(small_corpus):
    proc = run_cli("index", "--corpus", str(small_corpus))
    assert proc.returncode == 0, proc.stderr
    assert "文書数: 3" in proc.stdout and "段落数:" in proc.stdout and "トークン数:" in proc.stdout
    assert "キャッシュ:" in proc.stdout and "時間:" in proc.stdout


def test_own_markdown_corpus_answers_with_its_links(small_corpus):
    data = json.loads(run_cli("ask", "--json", "再起動する前のログを見たい", "--corpus", str(small_corpus)).stdout)
    assert data["hits"][0]["source"] == "https://example.com/logs"
    assert data["hits"][0]["section"] == "再起動前のログは？"


def test_python_dash_m_is_the_same_command():
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "svcとは"], capture_output=True)
    assert proc.returncode == 0 and json.loads(proc.stdout)["hits"][0]["title"] == "Service とは何か?"


@needs_seed()
def test_the_guide_index_file_loads_with_corpus():
    data = json.loads(run_cli("ask", "--json", "ReplicaSetの仕事", "--corpus", str(SEED)).stdout)
    assert data["hits"][0]["title"] == "ReplicaSetとは何か?"
    assert data["hits"][0]["source"] == "https://minegishirei.hatenablog.com/entry/2023/10/13/091443"


@needs_docs()
def test_the_real_docs_load_with_corpus_and_base_url():
    proc = run_cli("ask", "--json", "定期的にバッチ処理を実行したい", "--corpus", str(DOCS),
                   "--base-url", "https://kubernetes.io/ja/docs/", timeout=300)
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)["hits"]
    assert all(h["source"].startswith("https://kubernetes.io/ja/docs/") for h in hits)
    assert any("cron" in h["path"] for h in hits)


def test_eval_prints_the_figures(tmp_path):
    qs = tmp_path / "q.yaml"
    qs.write_text("in_scope:\n  - q: svcって何\n    expect: [service]\nout_of_scope:\n  - q: 今日の天気は？\n", "utf-8")
    proc = run_cli("eval", str(qs))
    assert proc.returncode == 0, proc.stderr
    assert "Recall@1: 1.000" in proc.stdout and "MRR" in proc.stdout and "範囲外で断った割合: 1.000" in proc.stdout
    report = json.loads(run_cli("eval", str(qs), "--json").stdout)
    assert report["recall"]["@1"] == 1.0 and report["declined"] == 1.0


@needs_docs()
def test_learner_words_find_the_docs_page_they_mean():
    proc = run_cli("ask", "--json", "-k", "1", "毎日決まった時刻にジョブを実行したい", "--corpus", str(DOCS),
                   "--base-url", "https://kubernetes.io/ja/docs/", timeout=300)
    assert "cron" in json.loads(proc.stdout)["hits"][0]["path"]


def test_a_question_longer_than_the_limit_is_answered_with_a_note(tmp_path):
    from assistant.limits import MAX_QUESTION_CHARS
    question = "Podとコンテナの違いを教えてください。" * (MAX_QUESTION_CHARS // 10)
    proc = run_cli("ask", "--json", question)
    assert proc.returncode in (0, 1) and json.loads(proc.stdout)["query"] == question
    assert f"{MAX_QUESTION_CHARS:,} 文字までで検索しました" in proc.stderr
    short = run_cli("ask", "Podとコンテナの違い")
    assert "文字までで検索しました" not in short.stderr


@pytest.mark.parametrize("argv", [["ask", "Podとは"], ["ask", "--json", "Podとは"], ["ask", "-"], ["ask", "--json", "-"],
                                  ["ask", ""], ["ask", "Pod とは --json"]])
def test_the_plain_ask_forms_read_without_argparse_mean_what_argparse_reads(argv):
    from assistant.arguments import build_parser
    from assistant.cli import quick_ask

    assert vars(quick_ask(argv)) == vars(build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["ask", "-k", "2", "Q"], ["ask", "--js", "Q"], ["ask", "Q", "--json"], ["ask", "-x"],
                                  ["ask", "--help"], ["--corpus", "c", "ask", "Q"], ["ask"], ["index"], []])
def test_every_other_command_line_is_left_to_argparse(argv):
    from assistant.cli import quick_ask

    assert quick_ask(argv) is None


def test_a_warm_ask_imports_nothing_only_a_build_or_other_commands_need(tmp_path):
    """What a warm start must not pay for (issue 14): the corpus loader, the build workers, YAML,
    argparse and shutil. Checked by what is imported, not by timing."""
    env = {**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(tmp_path)}
    # Both runs start outside the checkout, so both import the installed package and ask its corpus
    # (from the checkout, `python -c` would import the source tree, whose corpus path, and so cache
    # key, differs from a non-editable install's).
    assert run_cli("ask", "Podとは？", env=env, cwd=tmp_path).returncode == 0  # builds the cache
    code = ("import sys\nfrom assistant.cli import main\ncode = main(['ask', 'Podとは？'])\n"
            "print('LOADED', sorted(m for m in ('assistant.corpus', 'assistant.prepare', 'assistant.pool', "
            "'assistant.arguments', 'yaml', 'argparse', 'shutil') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "LOADED []"
