"""Every kubectl line in the guide's code blocks is parsed by the real kubectl (server unreachable)."""

from __future__ import annotations

import shutil

import pytest

from _helpers import check_corpus, guide_articles, line_of, listing, plant

needs_kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")


# --- finding the lines (no kubectl needed) -----------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("kubectl get pods -l app=web   # app=web のもの", [["kubectl", "get", "pods", "-l", "app=web"]]),
    ("kubectl logs web 2>/dev/null | grep error", [["kubectl", "logs", "web"], ["grep", "error"]]),
    ("kubectl get pod <Pod名> -o yaml > pod.yaml", [["kubectl", "get", "pod", "<Pod名>", "-o", "yaml"]]),
    ("kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
     [["kubectl", "get", "pods", "-o", "jsonpath={.items[*].metadata.name}"]]),
    ("kubectl create ns dev && kubectl get ns", [["kubectl", "create", "ns", "dev"], ["kubectl", "get", "ns"]]),
    ("kubectl exec web -- sh -c 'ls | wc -l'", [["kubectl", "exec", "web", "--", "sh", "-c", "ls | wc -l"]]),
])
def test_a_command_line_is_split_like_the_shell_would(line, expected):
    assert check_corpus.split_command(line) == expected


def test_lines_are_found_in_bash_and_console_blocks_with_continuations_joined(tmp_path):
    body = ("## 例は？\n\n例です。\n\n```bash\n# コメントの行\nkubectl create deployment web \\\n  --image=nginx:1.27 \\\n"
            "  --replicas=3\necho done\n```\n\n```console\n$ kubectl get pods\nNAME   READY\nkubectl-output   1/1\n```\n\n"
            "```yaml\nargs: [\"kubectl\", \"get\", \"pods\"]\n```\n")
    article = plant(tmp_path, body)
    lines = check_corpus.kubectl_lines([article])
    assert [(l.line, l.args) for l in lines] == [
        (line_of(article, "kubectl create deployment"), ("create", "deployment", "web", "--image=nginx:1.27", "--replicas=3")),
        (line_of(article, "$ kubectl get pods"), ("get", "pods")),
    ]


def test_inline_commands_of_the_prose_are_found_with_their_marks_in_words(tmp_path):
    body = ("## ログを見るには？\n\nログを見るには `kubectl logs <Pod名>` を実行します。\n\n"
            "古い書き方（`kubectl exec web ls`）は kubectl 1.31 で削除されました。`kubectl exec web -- ls` を使います。\n\n"
            "kubectl 1.34 からは `kubectl autoscale deployment web --cpu=70%` と書きます。\n")
    article = plant(tmp_path, body)
    found = [(l.line, l.args, l.needs_minor, l.expect_error) for l in check_corpus.kubectl_lines([article])]
    assert found == [
        (line_of(article, "ログを見るには `"), ("logs", "<Pod名>"), None, False),
        (line_of(article, "古い書き方"), ("exec", "web", "ls"), None, True),
        (line_of(article, "古い書き方"), ("exec", "web", "--", "ls"), None, False),
        (line_of(article, "1.34 から"), ("autoscale", "deployment", "web", "--cpu=70%"), 34, False),
    ]
    assert check_corpus.kubectl_lines([article], inline=False) == []


def test_a_newer_kubectl_mark_and_an_expected_error_mark_are_read(tmp_path):
    article = plant(tmp_path, "```bash\nkubectl get pods --newflag   # kubectl 1.99 以降\n"
                              "kubectl exec web ls   # エラーになる（1.31 で削除）\n```\n")
    newer, wrong = check_corpus.kubectl_lines([article])
    assert (newer.needs_minor, newer.expect_error, newer.args) == (99, False, ("get", "pods", "--newflag"))
    assert (wrong.needs_minor, wrong.expect_error, wrong.args) == (None, True, ("exec", "web", "ls"))


def test_a_placeholder_in_an_int_flag_is_not_the_writers_mistake():
    assert check_corpus.parse_failure('error: invalid argument "<数>" for "--replicas" flag') == ""
    assert check_corpus.parse_failure('Error: invalid argument "three" for "--replicas" flag: strconv') != ""
    assert check_corpus.parse_failure("The connection to the server 127.0.0.1:9 was refused") == ""


# --- parsing by the real kubectl --------------------------------------------------------------------

@needs_kubectl
def test_every_kubectl_line_of_the_guide_is_accepted_by_kubectl():
    articles = guide_articles()
    assert len(check_corpus.kubectl_lines(articles)) >= 60
    findings = check_corpus.check_kubectl(articles)
    assert not findings, listing(findings)


PLANTED = """## 間違いを仕込んだ例は？

例です。

```bash
kubectl get pods -o wide
kubectl exec web ls
kubectl get pods --all-namespace
kubectl get pods -Z
kubectl gett pods
kubectl scale deployment web --replicas=<数>
kubectl logs -f web
kubectl port-forward svc/web 8080:80
```
"""


@needs_kubectl
def test_removed_syntax_unknown_flags_and_commands_fail_with_file_and_line(tmp_path):
    article = plant(tmp_path, PLANTED)
    findings = check_corpus.check_kubectl([article])
    wrong = ["kubectl exec web ls", "--all-namespace", "-Z", "kubectl gett"]
    assert [f.line for f in findings] == [line_of(article, w) for w in wrong], listing(findings)
    assert all(str(f).startswith(f"planted.md:{f.line}: ") for f in findings)
    assert "not supported anymore" in findings[0].message
    assert "unknown flag: --all-namespace" in findings[1].message
    assert "unknown shorthand flag: 'Z'" in findings[2].message
    assert 'unknown command "gett"' in findings[3].message


@needs_kubectl
def test_prose_calling_a_removed_form_merely_deprecated_fails(tmp_path):
    """The issue's first finding: the guide called `kubectl exec web ls` deprecated; kubectl 1.31 removed it."""
    body = ("## 区切りの -- は何？\n\n`--` は kubectl のオプションとの区切りです。"
            "`--` を付けない古い書き方（`kubectl exec web ls`）は非推奨になっているので、必ず `--` を付けましょう。\n")
    article = plant(tmp_path, body)
    findings = check_corpus.check_kubectl([article])
    assert [f.line for f in findings] == [line_of(article, "古い書き方")], listing(findings)
    assert "not supported anymore" in findings[0].message
    fixed = plant(tmp_path, body.replace("非推奨になっているので", "kubectl 1.31 で削除されたので"), "fixed.md")
    assert check_corpus.check_kubectl([fixed]) == []


@needs_kubectl
def test_a_line_marked_for_a_newer_kubectl_is_skipped_with_its_reason(tmp_path):
    article = plant(tmp_path, "```bash\nkubectl get pods --no-such-flag-yet   # kubectl 1.99 以降\n```\n")
    kubectl, minor = check_corpus.local_kubectl()
    [result] = check_corpus.run_kubectl_lines(check_corpus.kubectl_lines([article]), kubectl, minor)
    assert result.ok and result.skipped == f"kubectl 1.99 以降向け（手元は 1.{minor}）"
    skipped: list[str] = []
    assert check_corpus.check_kubectl([article], skipped) == []
    assert skipped == [f"planted.md:{line_of(article, '--no-such-flag-yet')}: kubectl 1.99 以降向け（手元は 1.{minor}）: "
                       "kubectl get pods --no-such-flag-yet   # kubectl 1.99 以降"]


@needs_kubectl
def test_a_line_shown_as_an_error_must_really_be_rejected(tmp_path):
    article = plant(tmp_path, "```bash\nkubectl exec web ls         # エラーになる\nkubectl exec web -- ls      # エラーになる\n```\n")
    findings = check_corpus.check_kubectl([article])
    assert [f.line for f in findings] == [line_of(article, "kubectl exec web -- ls")], listing(findings)


@needs_kubectl
def test_a_line_that_would_run_forever_is_stopped_and_counts_as_parsed(tmp_path):
    # `kubectl proxy` never talks to the server: it parses, then serves until it is stopped.
    article = plant(tmp_path, "```bash\nkubectl proxy --port=0\nkubectl get pods --watch\n```\n")
    assert check_corpus.check_kubectl([article]) == []


def test_without_kubectl_the_check_reports_nothing_and_the_script_says_why(tmp_path, monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv("PATH", str(tmp_path))  # no kubectl here
    assert check_corpus.local_kubectl() == (None, None)
    article = plant(tmp_path, "```bash\nkubectl exec web ls\n```\n")
    assert check_corpus.check_kubectl([article]) == []
    proc = subprocess.run([sys.executable, str(check_corpus.__file__), str(tmp_path / "planted.md"), "--only", "kubectl"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "kubectl が PATH にないため" in proc.stderr
