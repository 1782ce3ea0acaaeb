"""Check the guide corpus like code: manifests, kubectl lines, version stamps, diagrams, openings.

Usage: python scripts/check_corpus.py [FILE_OR_FOLDER ...] [--only CHECK[,CHECK...]]

Without paths it checks ``corpus/*.md``. Every problem is printed as ``file:line: message`` so a
writer can jump to it; the exit code is 1 when there is any problem, 0 when there is none and 2 on bad
usage. The tests in ``tests/corpus/`` call the same functions, so the script and the test suite never
disagree.

The checks (names for ``--only``):

- ``manifests``: every Kubernetes object in a ```yaml block is validated strictly (unknown fields are
  errors) with kubernetes-validate against :data:`SCHEMA_VERSION`. Objects of other tools (their
  apiVersion group is in :data:`OTHER_TOOL_GROUPS`) and kubeconfig files are skipped by name.
- ``kubectl``: every ``kubectl …`` / ``$ kubectl …`` line of a code block, and every inline code span of
  the prose that is a kubectl command, is parsed by the real kubectl against a kubeconfig whose server
  is unreachable; unknown commands and flags and removed syntax fail.
  ``# kubectl 1.NN 以降`` at the end of a line skips it where the local kubectl is older; ``# エラーになる``
  marks a line that is shown because kubectl rejects it (the check then insists that it does).
- ``versions``: the front matter says ``kubernetes: "1.34"`` and ``checked: YYYY-MM-DD``, and no sentence
  states a version older than the stamp minus :data:`SUPPORTED_MINORS` without saying why.
- ``diagrams``: in every ```text block drawn with box-drawing characters, each box closes at the same
  terminal cell column on every row, and no line is wider than :data:`MAX_DIAGRAM_CELLS` cells.
- ``answer-first``: every ``##`` heading is a question, the first sentence after it stands on its own
  and is one the 要点 can quote (at most 220 characters, not only announcing what follows), and a how-to
  heading gets inline code in its first paragraph.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant.cli import cell_width  # noqa: E402  (one width rule for the checks and for `ask`)
from assistant.answer import quotable, sentence_lines  # noqa: E402  (what the 要点 can quote)
from assistant.corpus import split_front_matter  # noqa: E402

CORPUS = REPO / "corpus"
SCHEMA_VERSION = "1.34"  # manifests are validated against the newest schema kubernetes-validate ships <= this
SUPPORTED_MINORS = 2  # an article stamped 1.34 may state 1.32 and newer without a reason
MAX_DIAGRAM_CELLS = 76
KUBECTL_TIMEOUT = 4.0  # seconds before a line that parsed and then waits (proxy, watch) is stopped
UNREACHABLE_SERVER = "https://127.0.0.1:9"

# apiVersion groups of tools other than Kubernetes itself: their objects have no schema in
# kubernetes-validate and are skipped by name (a group matches itself and its subdomains).
OTHER_TOOL_GROUPS = (
    "kind.x-k8s.io", "eksctl.io", "karpenter.sh", "karpenter.k8s.aws", "metallb.io",
    "kubeadm.k8s.io", "kubelet.config.k8s.io", "kubeproxy.config.k8s.io", "kustomize.config.k8s.io",
    "apiserver.config.k8s.io", "audit.k8s.io", "k3s.cattle.io", "helm.cattle.io", "cert-manager.io",
    "monitoring.coreos.com", "argoproj.io", "gateway.networking.k8s.io",
)
# (apiVersion, kind) of files that look like objects but are client configuration.
OTHER_TOOL_KINDS = {("v1", "Config")}  # kubeconfig

CHECKS = ("manifests", "kubectl", "versions", "diagrams", "answer-first")


@dataclass(frozen=True)
class Finding:
    """One problem at one line of one file."""

    path: str
    line: int
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# --- reading articles -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A fenced code block. ``line`` is the file line of its first content line (after the fence)."""

    path: str
    line: int
    lang: str
    lines: tuple[str, ...]


@dataclass
class Article:
    """A corpus file split into front matter and numbered lines."""

    path: str  # as shown in findings
    meta: dict
    lines: list[str]  # every line of the file
    body_start: int  # index into ``lines`` of the first body line
    problem: str = ""  # why the front matter could not be read
    blocks: list[Block] = field(default_factory=list)
    in_code: set[int] = field(default_factory=set)  # indexes of fence and code lines


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)")


def read_article(path: Path, shown: str | None = None) -> Article:
    """Read one Markdown file: front matter, numbered lines and fenced code blocks (a broken front matter
    is kept as ``problem`` instead of raising)."""
    text = path.read_text("utf-8").replace("\r\n", "\n")
    lines = text.split("\n")
    shown = shown or _shown(path)
    try:
        meta, body = split_front_matter(text)
        problem = ""
    except ValueError as exc:
        meta, body, problem = {}, text, str(exc)
    start = text[: len(text) - len(body)].count("\n")
    article = Article(shown, meta, lines, start, problem)
    fence: tuple[str, str, int] | None = None  # (marker, lang, opening index)
    for i in range(start, len(lines)):
        match = _FENCE.match(lines[i])
        if fence is None and match:
            fence = (match.group(1), match.group(2).lower(), i)
            article.in_code.add(i)
        elif fence is not None:
            article.in_code.add(i)
            if match and match.group(1)[0] == fence[0][0] and len(match.group(1)) >= len(fence[0]) \
                    and not lines[i].strip().strip(fence[0][0]):
                article.blocks.append(Block(shown, fence[2] + 2, fence[1], tuple(lines[fence[2] + 1:i])))
                fence = None
    return article


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def guide_files(paths: Iterable[Path] | None = None) -> list[Path]:
    """The Markdown files to check: the given files, the .md files of given folders, else corpus/*.md."""
    out: list[Path] = []
    for p in (list(paths) if paths else [CORPUS]):
        out.extend(sorted(p.glob("*.md")) if p.is_dir() else [p])
    return out


def _prose(article: Article) -> Iterator[tuple[int, str]]:
    """(file line number, line) of the body outside code blocks."""
    for i in range(article.body_start, len(article.lines)):
        if i not in article.in_code:
            yield i + 1, article.lines[i]


# --- 1. manifests -----------------------------------------------------------------------------------

def is_other_tool(api_version: str, kind: str) -> bool:
    """An object of another tool, skipped by name (see OTHER_TOOL_GROUPS / OTHER_TOOL_KINDS)."""
    if (api_version, kind) in OTHER_TOOL_KINDS:
        return True
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    return any(group == g or group.endswith("." + g) for g in OTHER_TOOL_GROUPS)


def _node_line(root: yaml.Node, path: Iterable, unexpected: str | None) -> int:
    """0-based line (within the document's text) of the node at ``path``, or of an unexpected key."""
    node = root
    line = root.start_mark.line
    for step in path:
        found = None
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            for key, value in node.value:
                if key.value == step:
                    found, line = value, key.start_mark.line
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            found = node.value[step]
            line = found.start_mark.line
        if found is None:
            break
        node = found
    if unexpected and isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if key.value == unexpected:
                return key.start_mark.line
    return line


@dataclass(frozen=True)
class Manifest:
    """One YAML document of a code block that is an object (it has apiVersion and kind)."""

    path: str
    line: int  # file line where the document starts
    first_line: int  # file line of the block's first line (node lines count from here)
    node: yaml.Node
    data: dict

    @property
    def api_version(self) -> str:
        return self.data["apiVersion"]

    @property
    def kind(self) -> str:
        return self.data["kind"]


def manifests(articles: list[Article]) -> tuple[list[Manifest], list[Finding]]:
    """Every object in the ```yaml blocks (multi-document blocks too), and blocks that are not YAML."""
    found: list[Manifest] = []
    broken: list[Finding] = []
    for article in articles:
        for block in article.blocks:
            if block.lang not in ("yaml", "yml"):
                continue
            try:
                nodes = list(yaml.compose_all("\n".join(block.lines), Loader=yaml.SafeLoader))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                broken.append(Finding(block.path, block.line + (mark.line if mark else 0), "manifests",
                                      f"YAML として読めません: {exc}"))
                continue
            for node in nodes:
                if node is None:
                    continue
                data = yaml.SafeLoader("").construct_document(node)
                if (isinstance(data, dict) and isinstance(data.get("apiVersion"), str)
                        and isinstance(data.get("kind"), str)):  # anything else is a fragment
                    found.append(Manifest(block.path, block.line + node.start_mark.line, block.line, node, data))
    return found, broken


def check_manifests(articles: list[Article], version: str = SCHEMA_VERSION) -> list[Finding]:
    """Validate every object strictly against ``version``'s schema; point each error at the offending key."""
    import kubernetes_validate as kv
    from kubernetes_validate.utils import SchemaNotFoundError, ValidationError

    objects, findings = manifests(articles)
    for obj in objects:
        if is_other_tool(obj.api_version, obj.kind):
            continue
        try:
            kv.validate(obj.data, version, strict=True)
        except ValidationError as exc:
            unexpected = re.search(r"\('([^']+)' was unexpected\)", exc.message)
            line = obj.first_line + _node_line(obj.node, exc.path, unexpected.group(1) if unexpected else None)
            where = ".".join(str(p) for p in exc.path) or "(先頭)"
            findings.append(Finding(obj.path, line, "manifests",
                                    f"{obj.kind} ({obj.api_version}) が Kubernetes {exc.version} のスキーマに合いません: "
                                    f"{where}: {exc.message}"))
        except SchemaNotFoundError:
            findings.append(Finding(obj.path, obj.line, "manifests",
                                    f"{obj.kind} ({obj.api_version}) は Kubernetes {version} にありません"
                                    "（apiVersion が古いか誤り。別のツールのものなら OTHER_TOOL_GROUPS に追加）"))
    return findings


# --- 2. kubectl lines -------------------------------------------------------------------------------

@dataclass(frozen=True)
class KubectlLine:
    """One kubectl command found in a code block."""

    path: str
    line: int
    text: str  # the logical line as written (continuations joined)
    args: tuple[str, ...]  # arguments after ``kubectl``
    needs_minor: int | None = None  # from "# kubectl 1.NN 以降"
    expect_error: bool = False  # from "# エラーになる"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class KubectlResult:
    line: KubectlLine
    ok: bool
    skipped: str = ""  # reason when not run
    output: str = ""


_NEWER = re.compile(r"#.*?kubectl\s*v?1\.(\d+)\s*以降")
_EXPECT_ERROR = re.compile(r"#.*エラーになる")
_PLACEHOLDER = re.compile(r"<[^<>\s|;&]+>")
_OPERATORS = {"|", "||", "&&", ";", "&", ";;", "|&"}
_REDIRECTS = {">", ">>", "<", "<<", "<<<", ">&", "&>", "<>", ">|", "&>>"}


def _strip_comment(line: str) -> str:
    """The line without a trailing shell comment (a # at a word start, outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line


def split_command(text: str) -> list[list[str]]:
    """Shell words of each command of a line (split at | && || ;), redirections and comments removed.
    ``<Pod名>``-style placeholders stay single words."""
    holders: list[str] = []

    def hold(match: re.Match[str]) -> str:
        holders.append(match.group(0))
        return f"\ue000{len(holders) - 1}\ue001"

    source = _PLACEHOLDER.sub(hold, _strip_comment(text))
    lexer = shlex.shlex(source, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: keep what the shell would see up to there
        tokens = source.split()
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        if token in _OPERATORS:
            commands.append([])
        elif token in _REDIRECTS:
            if commands[-1] and commands[-1][-1].isdigit():
                commands[-1].pop()  # the 2 of 2>/dev/null
            skip_next = True
        else:
            commands[-1].append(re.sub("\ue000(\\d+)\ue001", lambda m: holders[int(m.group(1))], token))
    return [c for c in commands if c]


def kubectl_lines(articles: list[Article], inline: bool = True) -> list[KubectlLine]:
    """Every kubectl command in the code blocks (``kubectl …`` or ``$ kubectl …``), with its file line,
    and (``inline``) every inline code span of the prose that is a kubectl command."""
    out: list[KubectlLine] = []
    for article in articles:
        for block in article.blocks:
            if block.lang in ("yaml", "yml", "json"):
                continue
            i = 0
            while i < len(block.lines):
                first = i
                logical = block.lines[i]
                while logical.rstrip().endswith("\\") and i + 1 < len(block.lines):
                    i += 1
                    logical = logical.rstrip()[:-1] + " " + block.lines[i].strip()
                i += 1
                stripped = logical.strip()
                if stripped.startswith("$ "):
                    stripped = stripped[2:].lstrip()
                if not re.match(r"kubectl(\s|$)", stripped):
                    continue
                newer = _NEWER.search(stripped)
                expect_error = bool(_EXPECT_ERROR.search(stripped))
                for words in split_command(stripped):
                    if words[0] == "kubectl":
                        out.append(KubectlLine(block.path, block.line + first, stripped, tuple(words[1:]),
                                               int(newer.group(1)) if newer else None, expect_error))
        if inline:
            out.extend(_inline_kubectl(article))
    return sorted(out, key=lambda line: (line.path, line.line))


# In prose the marks are words: 「kubectl 1.34 から（以降）」 anywhere in the paragraph says which kubectl a
# span needs; 「1.31 で削除」 or kubectl's own "not supported anymore" in the span's sentence says it is shown
# because kubectl rejects it (plain 削除 or エラー is not enough: 「Namespace を削除する」).
_PROSE_NEWER = re.compile(r"kubectl\s*v?1\.(\d+)\s*(?:以降|から)")
_PROSE_ERROR = re.compile(r"1\.\d+\s*で削除|not supported anymore")
_INLINE_KUBECTL = re.compile(r"`(kubectl\s[^`]+)`")


def _inline_kubectl(article: Article) -> list[KubectlLine]:
    out: list[KubectlLine] = []
    for number, text in _prose(article):
        if text.startswith("#"):
            continue
        newer = _PROSE_NEWER.search(text)
        for match in _INLINE_KUBECTL.finditer(text):
            expect_error = bool(_PROSE_ERROR.search(_sentence_at(text, match.start())))
            for words in split_command(match.group(1)):
                if words[0] == "kubectl":
                    out.append(KubectlLine(article.path, number, match.group(1), tuple(words[1:]),
                                           int(newer.group(1)) if newer else None, expect_error))
    return out


# Messages by which kubectl says it did not understand the command line (cobra/pflag and kubectl's
# own checks for removed syntax). A connection error means parsing succeeded.
_PARSE_ERROR = re.compile(
    r"unknown command|unknown flag|unknown shorthand flag|not supported anymore|flag needs an argument"
    r"|bad flag syntax|flags cannot be placed before plugin name|invalid argument \"(?P<value>[^\"]*)\" for")


def parse_failure(output: str) -> str:
    """The line of kubectl's output that says it rejected the command line, or "" if it did not."""
    for line in output.splitlines():
        match = _PARSE_ERROR.search(line)
        if not match:
            continue
        value = match.group("value")
        if value is not None and (_PLACEHOLDER.search(value) or re.search(r"[^\x00-\x7f]", value)):
            continue  # a placeholder such as --replicas=<数> is not the writer's mistake
        return line.strip()
    return ""


def local_kubectl() -> tuple[str | None, int | None]:
    """(path, minor version) of the kubectl on PATH, or (None, None)."""
    path = shutil.which("kubectl")
    if not path:
        return None, None
    try:
        proc = subprocess.run([path, "version", "--client", "-o", "json"], capture_output=True, text=True,
                              timeout=20, stdin=subprocess.DEVNULL)
        minor = json.loads(proc.stdout)["clientVersion"]["minor"]
        return path, int(re.sub(r"\D", "", minor))
    except (OSError, subprocess.SubprocessError, ValueError, KeyError):
        return path, None


_KUBECONFIG = f"""apiVersion: v1
kind: Config
clusters:
- name: unreachable
  cluster:
    server: {UNREACHABLE_SERVER}
    insecure-skip-tls-verify: true
contexts:
- name: unreachable
  context:
    cluster: unreachable
    user: nobody
    namespace: default
current-context: unreachable
users:
- name: nobody
  user:
    token: not-a-real-token
"""


def _run_kubectl(kubectl: str, args: tuple[str, ...], home: Path) -> tuple[str, bool]:
    """Run kubectl on one command line in its own HOME and kubeconfig; (output, timed out)."""
    home.mkdir(parents=True)
    config = home / "config"
    config.write_text(_KUBECONFIG, "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUBE", "KUBECTL_"))}
    env.update(HOME=str(home), KUBECONFIG=str(config), KUBECACHEDIR=str(home / "cache"))
    words = list(args)
    at = words.index("--") if "--" in words else len(words)
    words[at:at] = ["--request-timeout=1s"]  # flags go after the command (before a plugin name is refused)
    proc = subprocess.Popen([kubectl, *words], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, cwd=home, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=KUBECTL_TIMEOUT)
        return out.decode("utf-8", "replace"), False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return out.decode("utf-8", "replace"), True


def run_kubectl_lines(lines: list[KubectlLine], kubectl: str, local_minor: int | None,
                      workers: int = 4) -> list[KubectlResult]:
    """Have kubectl parse every line (in a thread pool); a line kubectl waits on is stopped after
    KUBECTL_TIMEOUT seconds and counts as parsed."""
    with tempfile.TemporaryDirectory(prefix="kubectl-check-") as tmp:
        def one(numbered: tuple[int, KubectlLine]) -> KubectlResult:
            n, line = numbered
            if line.needs_minor is not None and local_minor is not None and local_minor < line.needs_minor:
                return KubectlResult(line, True, f"kubectl 1.{line.needs_minor} 以降向け（手元は 1.{local_minor}）")
            output, timed_out = _run_kubectl(kubectl, line.args, Path(tmp) / str(n))
            failure = "" if timed_out else parse_failure(output)
            if line.expect_error:
                return KubectlResult(line, bool(failure), output=failure or "kubectl が受け付けました")
            return KubectlResult(line, not failure, output=failure)

        unique = list({(line.args, line.needs_minor, line.expect_error): line for line in lines}.values())
        with ThreadPoolExecutor(max_workers=workers) as pool:
            done = {(r.line.args, r.line.needs_minor, r.line.expect_error): r for r in pool.map(one, enumerate(unique))}
        return [KubectlResult(line, r.ok, r.skipped, r.output) for line in lines
                for r in [done[(line.args, line.needs_minor, line.expect_error)]]]


def check_kubectl(articles: list[Article], skipped: list[str] | None = None) -> list[Finding]:
    """Findings for lines kubectl rejects; lines meant for a newer kubectl go to ``skipped`` with the reason."""
    kubectl, minor = local_kubectl()
    if kubectl is None:
        return []
    findings = []
    for result in run_kubectl_lines(kubectl_lines(articles), kubectl, minor):
        if result.skipped and skipped is not None:
            skipped.append(f"{result.line.where}: {result.skipped}: {result.line.text}")
        if result.ok:
            continue
        line = result.line
        if line.expect_error:
            message = f"「# エラーになる」の行を kubectl 1.{minor} が受け付けました: {line.text}"
        else:
            message = f"kubectl 1.{minor} が受け付けません（{result.output}）: {line.text}"
        findings.append(Finding(line.path, line.line, "kubectl", message))
    return findings


# --- 3. version stamps ------------------------------------------------------------------------------

# A Kubernetes version in text: v1.30(.4), or 1.30 after a product name or before a word that dates it.
_VERSION = re.compile(
    r"(?<![\w.:/@-])v1\.(?P<v>\d{1,2})(?![\d])"  # not an image tag (myapp:v1.2)
    r"|(?:Kubernetes|kubernetes|k8s|K8s|kubectl|kubeadm|kubelet|EKS|GKE|AKS|バージョン)\s*v?1\.(?P<p>\d{1,2})(?!\d)"
    r"|(?<![\w.:/-])1\.(?P<b>[1-4]\d)(?!\d)(?=(?:\.\d+)?\s*(?:以降|以前|から|まで|系|では|で|の時点|時点|未満|より))")
# Words by which a sentence says why it names an old version (history, not the present).
REASON_WORDS = ("以前", "以降", "まで", "当時", "終了", "削除", "廃止", "非推奨", "から", "GA", "導入", "追加",
                "登場", "古い", "旧", "EOL", "サポート切れ", "ベータ", "アルファ", "変わ", "なりました", "deprecated")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def _sentence_at(line: str, start: int) -> str:
    pos = 0
    for sentence in _SENTENCE_END.split(line):
        if pos <= start < pos + len(sentence):
            return sentence
        pos += len(sentence)
    return line


def _stamp_minor(meta: dict) -> int | None:
    value = meta.get("kubernetes")
    if isinstance(value, str) and re.fullmatch(r"1\.\d+", value.strip()):
        return int(value.strip().split(".")[1])
    return None


def check_versions(articles: list[Article]) -> list[Finding]:
    """Front-matter stamp present and well-formed; no unexplained version older than the supported window."""
    findings: list[Finding] = []
    for article in articles:
        stamp_line = next((i + 1 for i, l in enumerate(article.lines[:article.body_start])
                           if l.startswith("kubernetes:")), 1)
        value = article.meta.get("kubernetes")
        if value is None:
            findings.append(Finding(article.path, 1, "versions",
                                    f'フロントマターに kubernetes: "{SCHEMA_VERSION}"（確かめた Kubernetes のバージョン）がありません'))
        elif _stamp_minor(article.meta) is None:
            findings.append(Finding(article.path, stamp_line, "versions",
                                    f'kubernetes: は "1.34" のように引用符で囲んだ「1.マイナー」の文字列にしてください（{value!r}）'))
        checked = article.meta.get("checked")
        if checked is None:
            findings.append(Finding(article.path, 1, "versions", "フロントマターに checked: YYYY-MM-DD（確かめた日付）がありません"))
        elif not isinstance(checked, dt.date) and not _is_iso_date(str(checked)):
            line = next((i + 1 for i, l in enumerate(article.lines[:article.body_start]) if l.startswith("checked:")), 1)
            findings.append(Finding(article.path, line, "versions", f"checked: は YYYY-MM-DD の日付にしてください（{checked!r}）"))
        stamp = _stamp_minor(article.meta) or int(SCHEMA_VERSION.split(".")[1])  # unstamped: judged as current
        oldest = stamp - SUPPORTED_MINORS
        for i in range(article.body_start, len(article.lines)):
            line = article.lines[i]
            for match in _VERSION.finditer(line):
                minor = int(match.group("v") or match.group("p") or match.group("b"))
                if minor >= oldest:
                    continue
                sentence = line if i in article.in_code else _sentence_at(line, match.start())
                if any(word in sentence for word in REASON_WORDS):
                    continue
                findings.append(Finding(article.path, i + 1, "versions",
                                        f"「{match.group(0).strip()}」は Kubernetes 1.{stamp} 時点の対応範囲（1.{oldest} 以降）より古いのに、"
                                        "同じ文に理由（以前・当時・廃止・から など）がありません。新しい版に直すか理由を書いてください"))
    return findings


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
        return True
    except ValueError:
        return False


# --- 4. diagrams ------------------------------------------------------------------------------------

BOX_CHARS = re.compile(r"[\u2500-\u257f]")
_LEFT_SIDE = set("│┃║├┝┠┣╟╠┼╋╬")
_RIGHT_SIDE = set("│┃║┤┥┨┫╢╣┼╋╬")
_TOP = set("─━═┬┴┼┯┷╤╧╪")
_TOP_LEFT, _TOP_RIGHT = set("┌┏╔╭"), set("┐┓╗╮")
_BOTTOM_LEFT, _BOTTOM_RIGHT = set("└┗╚╰"), set("┘┛╝╯")


def _cells(line: str) -> list[str]:
    """The line as terminal cells: a wide character fills its cell and a "" after it."""
    cells: list[str] = []
    for ch in line:
        w = cell_width(ch)
        if w == 0 and cells:
            cells[-1] += ch
        else:
            cells.append(ch)
            if w == 2:
                cells.append("")
    return cells


def _at(row: list[str], col: int) -> str:
    return row[col] if 0 <= col < len(row) else " "


def _near(row: list[str], col: int, wanted: set[str]) -> int | None:
    """The column nearest to ``col`` (within 6) holding one of ``wanted``."""
    for d in range(1, 7):
        for c in (col - d, col + d):
            if _at(row, c) in wanted:
                return c
    return None


def diagram_problems(lines: tuple[str, ...] | list[str]) -> list[tuple[int, str]]:
    """(line index, message) for every misaligned box edge and every too-wide line of one diagram."""
    problems: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if "\t" in line:
            problems.append((i, "図にタブ文字があります（端末での幅が決まらないので空白にしてください）"))
        width = cell_width(line)
        if width > MAX_DIAGRAM_CELLS:
            problems.append((i, f"図の行が {width} 桁あります（{MAX_DIAGRAM_CELLS} 桁以内にしてください）"))
    rows = [_cells(line) for line in lines]
    for top, row in enumerate(rows):
        for left, ch in enumerate(row):
            if ch not in _TOP_LEFT:
                continue
            right = left + 1  # the top edge may carry a label: ┌─ コントロールプレーン ───┐
            while right < len(row) and row[right] not in _TOP_RIGHT | _TOP_LEFT:
                right += 1
            if _at(row, right) not in _TOP_RIGHT or _at(row, left + 1) not in _TOP or top + 1 >= len(rows):
                continue
            below = rows[top + 1]
            if _at(below, left) not in _LEFT_SIDE and _at(below, right) not in _RIGHT_SIDE:
                continue  # a connector (┌──▶, ┌──┴──┐ over arrows), not a box
            problems.extend(_box_problems(rows, top, left, right))
    return problems


def _box_problems(rows: list[list[str]], top: int, left: int, right: int) -> list[tuple[int, str]]:
    """Follow one box down from its top edge (┌ at ``left``, ┐ at ``right``) to its bottom edge."""
    for r in range(top + 1, len(rows)):
        row = rows[r]
        lc, rc = _at(row, left), _at(row, right)
        if lc in _BOTTOM_LEFT:
            if rc in _BOTTOM_RIGHT:
                return []
            found = next((c for c in range(left + 1, len(row)) if row[c] in _BOTTOM_RIGHT), None)
            where = f"{found + 1} 桁目にあります" if found is not None else "見つかりません"
            return [(r, f"箱の下端の ┘ が上端の ┐（{right + 1} 桁目）と揃っていません（┘ は {where}）")]
        if lc not in _LEFT_SIDE:
            near = _near(row, left, _LEFT_SIDE | _BOTTOM_LEFT)
            where = f"{near + 1} 桁目にあります" if near is not None else "ありません"
            return [(r, f"箱の左の縦線が上端の ┌（{left + 1} 桁目）と揃っていません（この行の縦線は {where}）")]
        if rc not in _RIGHT_SIDE:
            near = _near(row, right, _RIGHT_SIDE)
            where = f"{near + 1} 桁目にあります" if near is not None else "ありません"
            return [(r, f"箱の右の縦線が上端の ┐（{right + 1} 桁目）と揃っていません（この行の縦線は {where}。"
                        "全角文字は 2 桁で数えます）")]
    return [(len(rows) - 1, f"{top + 1} 行目からの箱が閉じていません（下端の └…┘ がありません）")]


def check_diagrams(articles: list[Article]) -> list[Finding]:
    """Boxes of every ```text diagram line up; box drawings outside a ```text block are reported."""
    findings: list[Finding] = []
    for article in articles:
        for block in article.blocks:
            drawn = any(BOX_CHARS.search(line) for line in block.lines)
            if not drawn:
                continue
            if block.lang != "text":
                if any(re.search(r"[┌┐└┘]", line) for line in block.lines):
                    findings.append(Finding(block.path, block.line - 1, "diagrams",
                                            "罫線の図は ```text のコードブロックに入れてください（表示側が図として扱います）"))
                continue
            for index, message in diagram_problems(block.lines):
                findings.append(Finding(block.path, block.line + index, "diagrams", message))
    return findings


# --- 5. answer-first openings -----------------------------------------------------------------------

WEAK_OPENINGS = ("これ", "それ", "その", "この", "こう", "そこで", "また", "ただし")
_HOW_TO = re.compile(r"(?:には|方法は)[？?]\s*$|するには|したい")
_QUESTION_TAIL = re.compile(r"\s*[（(][^（）()]*[）)]$")  # a short （-f） may follow the question mark
_QUESTION = re.compile(r"[？?](?:\s*[（(][^（）()]*[）)])?$")
_NOT_PROSE = re.compile(r"^\s*(?:#|\||[-*+]\s|\d+[.)]\s|>|<|!\[)")


def _plain_start(sentence: str) -> str:
    return re.sub(r"^[\s*_「『（(]+", "", sentence)


_QUOTE_LIMIT = 220  # the 要点 quotes sentences of at most this many characters (assistant.answer.sentence_lines)


def _quoted_first(paragraph: str, first: str) -> bool:
    """The 要点 can quote the paragraph's first sentence: it is short enough and does not only announce
    what follows (a section whose opening cannot be quoted gets no 要点 at all)."""
    lines = sentence_lines(paragraph)
    if not lines:
        return False
    quoted = lines[0][0]
    plain_first = re.sub(r"[`*]", "", first).strip()
    return quoted.startswith(plain_first[:8]) and quotable(quoted)


def check_answer_first(articles: list[Article]) -> list[Finding]:
    """Question headings, openings that stand on their own, and commands inline in how-to openings."""
    findings: list[Finding] = []
    for article in articles:
        for number, line in _prose(article):
            if not line.startswith("## "):
                continue
            heading = line[3:].strip()
            question = _QUESTION_TAIL.sub("", heading)  # 「ログを追いかけるには？（-f）」 asks 「…には？」
            if not _QUESTION.search(heading):
                findings.append(Finding(article.path, number, "answer-first",
                                        f"見出し「{heading}」が質問の形（？で終わる）になっていません"))
            index = next((j for j in range(number, len(article.lines)) if article.lines[j].strip()), None)
            if index is None:
                continue
            if index in article.in_code or _NOT_PROSE.match(article.lines[index]):
                findings.append(Finding(article.path, index + 1, "answer-first",
                                        f"「{heading}」の直後が文ではありません。最初の1〜2文で答えてから、"
                                        "コード・表・箇条書きを続けてください"))
                continue
            paragraph: list[str] = []
            for j in range(index, len(article.lines)):
                text = article.lines[j]
                if not text.strip() or j in article.in_code or text.startswith("#"):
                    break
                paragraph.append(text.strip())
            joined = " ".join(paragraph)
            first = _SENTENCE_END.split(joined)[0]
            weak = next((w for w in WEAK_OPENINGS if _plain_start(first).startswith(w)), None)
            if weak:
                findings.append(Finding(article.path, index + 1, "answer-first",
                                        f"「{heading}」の最初の文が「{weak}」で始まっています。前の文に頼らず、"
                                        f"概念の名前から答えてください: {first[:40]}"))
            elif not _quoted_first(joined, first):
                findings.append(Finding(article.path, index + 1, "answer-first",
                                        f"「{heading}」の最初の文は要点に引用できません（{_QUOTE_LIMIT}字を超える、"
                                        f"または「次のとおり」で終わる）。短い答えの文で始めてください: {first[:40]}"))
            if _HOW_TO.search(question) and not re.search(r"`[^`]+`", joined):
                findings.append(Finding(article.path, index + 1, "answer-first",
                                        f"やり方を聞く見出し「{heading}」の最初の段落にコマンド（`kubectl …` などのインラインコード）がありません"))
    return findings


# --- running ----------------------------------------------------------------------------------------

CHECK_FUNCTIONS: dict[str, Callable[[list[Article]], list[Finding]]] = {
    "manifests": check_manifests, "kubectl": check_kubectl, "versions": check_versions,
    "diagrams": check_diagrams, "answer-first": check_answer_first,
}


def run_checks(paths: Iterable[Path] | None = None, only: Iterable[str] = CHECKS,
               skipped: list[str] | None = None) -> list[Finding]:
    """Run the named checks over the files (default corpus/*.md); findings sorted by file and line."""
    articles = [read_article(p) for p in guide_files(paths)]
    findings = [Finding(a.path, 1, "front-matter", a.problem) for a in articles if a.problem]
    for name in only:
        if name == "kubectl":
            findings.extend(check_kubectl(articles, skipped))
        else:
            findings.extend(CHECK_FUNCTIONS[name](articles))
    return sorted(findings, key=lambda f: (f.path, f.line, f.check))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ガイドのコーパスを検査します（問題を file:line: メッセージ で表示）。")
    parser.add_argument("paths", nargs="*", type=Path, help="検査する .md ファイルかフォルダ（既定は corpus/）")
    parser.add_argument("--only", default=",".join(CHECKS), help=f"行う検査（カンマ区切り）: {', '.join(CHECKS)}")
    args = parser.parse_args(argv)
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in only if c not in CHECKS]
    missing = [p for p in args.paths if not p.exists()]
    if unknown or missing:
        sys.stderr.write(f"エラー: 知らない検査 {unknown} / 見つからないパス {[str(p) for p in missing]}\n")
        return 2
    if "kubectl" in only and local_kubectl()[0] is None:
        sys.stderr.write("注意: kubectl が PATH にないため kubectl の検査は行いません。\n")
    skipped: list[str] = []
    findings = run_checks(args.paths, only, skipped)
    for note in skipped:
        print(f"飛ばした行: {note}", file=sys.stderr)
    for finding in findings:
        print(finding)
    print(f"{len(findings)} 件の問題（検査: {', '.join(only)}）", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
