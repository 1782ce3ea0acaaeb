"""Hostile input: nothing crashes, nothing reaches the terminal raw, every returned passage is real."""

from __future__ import annotations

import json
import os
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.analyzer import Analyzer
from assistant.chunking import chunk_document
from assistant.corpus import Document, load_corpus
from assistant.sanitize import one_line, shown_path
from conftest import SMALL, article, command, run_cli, write_corpus

ESCAPES = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b[31m\x9b31m\x07"


def test_escape_sequences_in_a_question_are_not_echoed_raw():
    proc = run_cli("ask", ESCAPES + "Podとは")
    assert proc.returncode == 0, proc.stderr
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in proc.stdout and raw not in proc.stderr
    data = json.loads(run_cli("ask", "--json", ESCAPES + "Podとは").stdout)  # JSON escapes them
    assert data["query"].startswith("\x1b]52")


def test_escape_sequences_and_markup_in_the_corpus_are_shown_as_plain_text(tmp_path):
    body = f"## Podとは？\n\nPodは[bold red]最小単位[/]です。{ESCAPES}[危ない](javascript:alert(1)) コンテナをまとめます。"
    root = write_corpus(tmp_path / "c", {"a.md": article("p", "Pod", body, "javascript:alert(1)")})
    proc = run_cli("ask", "Podとは", "--corpus", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout and "\x9b" not in proc.stdout
    assert "[bold red]最小単位[/]" in proc.stdout  # literally, not interpreted


def test_a_question_of_100000_characters_on_stdin_is_answered_or_declined():
    question = ("Podとコンテナの違いを教えてください。" * 6000)[:100_000]
    proc = run_cli("ask", "--json", "-", stdin=(question + "\n").encode())
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["query"] == question
    assert "Traceback" not in proc.stderr


def test_invalid_utf8_on_stdin_is_reported_and_the_other_lines_answered():
    data = "Podとは\n".encode() + "壊れた\n".encode("shift_jis") + "svcって何\n".encode()
    proc = run_cli("ask", "--json", "-", stdin=data)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["Podとは", "svcって何"]
    assert "2 行目" in proc.stderr and "UTF-8" in proc.stderr
    assert proc.returncode == 2


@pytest.mark.parametrize("question", ["🐳Podって何？🚀", "ＰＯＤとは", "ｻｰﾋﾞｽとは", "Pod과 컨테이너", "Что такое Pod"])
def test_emoji_mixed_scripts_and_widths_are_handled(question):
    proc = run_cli("ask", "--json", question)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["query"] == question


def test_folder_without_markdown_is_a_clear_error(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("テキスト", "utf-8")
    proc = run_cli("ask", "Pod", "--corpus", str(tmp_path / "notes"))
    assert proc.returncode == 2 and "Markdown" in proc.stderr and "Traceback" not in proc.stderr


def test_damaged_files_are_named_on_stderr_and_the_rest_answers(tmp_path):
    root = write_corpus(tmp_path / "c", dict(SMALL))
    (root / "bad.md").write_text("---\ntitle: [壊\n---\n本文\n", "utf-8")
    (root / "sjis.md").write_bytes("---\ntitle: 日本語\n---\n本文です\n".encode("shift_jis"))
    (root / "bin.md").write_bytes(bytes(range(256)) * 10)
    (root / "empty.md").write_text("", "utf-8")
    (root / "loop").symlink_to(root)
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(root))
    assert proc.returncode == 0, proc.stderr
    assert "Serviceの基本" in proc.stdout
    for name in ("bad.md", "sjis.md", "bin.md", "empty.md", "loop"):
        assert name in proc.stderr


def test_a_huge_file_is_read_as_far_as_it_can_be(tmp_path):
    root = write_corpus(tmp_path / "c", dict(SMALL))
    paragraph = "## 巨大な節\n\n" + "ジャーナルの記録を延々と続けます。" * 40 + "\n\n"
    (root / "huge.md").write_text("---\ntitle: 巨大\n---\n" + paragraph * 7000, "utf-8")  # about 22 MB
    corpus = load_corpus([root])
    assert any(p.path == "huge.md" and "大きすぎる" in p.message for p in corpus.problems)
    assert "巨大" in [d.title for d in corpus.documents] and "Serviceの基本" in [d.title for d in corpus.documents]


def test_unreadable_synonym_file_is_reported_and_ignored(tmp_path):
    root = write_corpus(tmp_path / "c", dict(SMALL))
    (root / "synonyms.yaml").write_text("pod: [po\n", "utf-8")
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(root))
    assert proc.returncode == 0 and "同義語ファイル" in proc.stderr


# --- property-based -----------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_analyzer_never_fails_and_is_deterministic(analyzer, text):
    first = analyzer.terms(text)
    assert first == analyzer.terms(text)
    assert all(isinstance(t, str) and t.strip() for t in first)


@settings(max_examples=60, deadline=None)
@given(body=st.lists(st.one_of(TEXT, st.sampled_from(["## 見出し", "### 小", "```", "```yaml", "| a | b |", "", "- 項目"])),
                     max_size=40).map("\n".join))
def test_chunker_never_fails_and_loses_no_text(body):
    passages = chunk_document(Document("d", "題", body, "d.md"))
    assert passages and passages == chunk_document(Document("d", "題", body, "d.md"))
    joined = "\n".join(p.text for p in passages)
    for word in ("見出し",):
        if f"## {word}" in body and body.count("```") == 0:
            assert word in joined or any(word in p.section for p in passages)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=TEXT)
def test_ask_never_fails_and_returns_only_real_passages(guide, question):
    from assistant.engine import QuestionError
    try:
        answer = guide.ask(question)
    except QuestionError:
        assert not question.strip()
        return
    assert answer == guide.ask(question)
    texts = {guide.index.passage(i).text for i in range(guide.index.n_passages)}
    for hit in answer.hits:
        assert hit.text in texts and hit.source
    if answer.coverage == "none":  # a "mention" answer lists the passages that mention the subject
        assert answer.hits == ()


# --- round 2: terminal output is neutralised and bounded; JSON keeps the exact text ----------------

BIDI_AND_ZERO_WIDTH = "\u202e\u2066\u2067\u2068\u2069\u200b\u200d\u200e\ufeff"


def test_bidi_and_zero_width_characters_never_reach_the_terminal_but_json_keeps_them(tmp_path):
    source = "https://example.com/\u202egnp.exe"
    body = "## NodePortとは？\n\nNodePortは\u200bノードの\u2066ポート\u2069で公開する方式で、番号は30000から32767です。"
    root = write_corpus(tmp_path / "c", {"a.md": article("np", "Node\u202ePort\u200d", body, source)})
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(root))
    assert proc.returncode == 0, proc.stderr
    assert not any(c in proc.stdout for c in BIDI_AND_ZERO_WIDTH)
    assert "→ https://example.com/gnp.exe" in proc.stdout
    data = json.loads(run_cli("ask", "--json", "NodePortの番号は？", "--corpus", str(root)).stdout)
    assert data["hits"][0]["source"] == source and data["hits"][0]["title"] == "Node\u202ePort\u200d"


def test_a_newline_in_a_file_name_does_not_split_the_link_line(tmp_path):
    root = write_corpus(tmp_path / "c", {"ノード\nポート.md": "## NodePortとは？\n\nNodePortの番号は30000から32767です。\n"})
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(root))
    assert proc.returncode == 0, proc.stderr
    links = [line for line in proc.stdout.splitlines() if line.strip().startswith("→")]
    assert links and links[0].strip() == "→ ノード ポート.md"


def test_a_huge_title_and_heading_are_bounded_in_human_output(tmp_path):
    title = "巨大なタイトル" * 85_000  # about 1.8 MB on one line
    heading = "長い見出し" * 5_000
    root = write_corpus(tmp_path / "c", {"a.md": f"---\ntitle: {title}\n---\n## {heading}NodePortとは？\n\n"
                                                  "NodePortの番号は30000から32767です。\n"})
    proc = run_cli("ask", "NodePortの番号は？", "--corpus", str(root))
    assert proc.returncode == 0, proc.stderr
    assert max(len(line) for line in proc.stdout.splitlines()) < 1_000
    assert "巨大なタイトル" in proc.stdout and "…" in proc.stdout


def test_a_closed_standard_output_exits_2_with_a_message(small_corpus):
    proc = subprocess.run([*command(), "ask", "NodePortの番号は？", "--corpus", str(small_corpus)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
                          preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert "標準出力" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is not on this system")
@pytest.mark.parametrize("args", [["ask", "NodePortの番号は？"], ["ask", "--json", "NodePortの番号は？"], ["index"]])
def test_writing_to_a_full_device_exits_2_in_japanese(small_corpus, args):
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*command(), *args, "--corpus", str(small_corpus)], stdout=full,
                              stderr=subprocess.PIPE, timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "標準出力に書き込めません" in err
    assert "Traceback" not in err and "Exception ignored" not in err and "Errno" not in err


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), limit=st.integers(min_value=1, max_value=300))
def test_one_line_never_lets_controls_bidi_or_line_breaks_through_and_respects_its_limit(text, limit):
    shown = one_line(text, limit)
    assert len(shown) <= limit
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in shown)


def test_file_names_that_are_not_utf8_are_shown_escaped_on_one_line():
    assert shown_path(os.fsdecode(b"docs/ingress\xff\n.md")) == "docs/ingress\\xff .md"
