"""Command line: ``k8s-assistant`` (chat app), ``ask``, ``index`` and ``eval``.

Parses arguments, calls the engine, prints. No retrieval logic lives here. Exit codes:
0 answered, 1 not covered by the corpus, 2 bad usage or bad input. Messages are Japanese; no
traceback reaches a user.
"""

from __future__ import annotations

import errno
import gc
import json
import os
import re
import sys
import threading
import time
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import argparse

from .limits import MAX_QUESTION_CHARS
from .sanitize import SOURCE_LIMIT, one_line, shown_path, terminal_text

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE = 0, 1, 2
TEXT_LIMIT = 600  # characters of a passage in human output
SUMMARY_LIMIT = 400  # characters of one 要点 sentence
NOTICE_LIMIT = 500  # characters of one notice on standard error
INDENT = 4  # spaces before each line of a passage



def _json_line(data: dict) -> str:
    """One JSON object on one line; C1 control characters escaped as well as C0."""
    raw = json.dumps(data, ensure_ascii=False)
    if raw.isprintable():  # (a C scan, a third of the pattern's time: nearly every answer has none of them)
        return raw
    return _LINE_BREAKERS.sub(lambda m: f"\\u{ord(m.group(0)):04x}", raw)


_LINE_BREAKERS = re.compile(r"[\x7f-\x9f\u2028\u2029]")  # (all of them fail str.isprintable)


def quick_ask(argv: list[str]) -> SimpleNamespace | None:
    """The arguments of the plain forms ``ask QUESTION`` and ``ask --json QUESTION``, read without
    argparse: importing it (with gettext and locale) and building the parser cost about 4 ms of a
    warm ``ask``. None for anything else, which :func:`assistant.arguments.build_parser` parses
    as always (a question that starts with ``-`` included: argparse decides what it is)."""
    if len(argv) not in (2, 3) or argv[0] != "ask" or (len(argv) == 3 and argv[1] != "--json"):
        return None
    question = argv[-1]
    if question.startswith("-") and question != "-":
        return None
    return SimpleNamespace(command="ask", question=question, json=len(argv) == 3, k=3, corpus=None,
                           base_url=None, no_history=False)


def _merge_corpus(args: argparse.Namespace) -> tuple[list[Path] | None, str | None]:
    corpus = getattr(args, "corpus", None)
    base_url = getattr(args, "base_url", None)
    return corpus, base_url


class ProgressBar:
    """A progress bar on standard error, shown only for builds that take more than a second."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if time.perf_counter() - self.started < 1.0 or not total or self.stream is None:
            return
        if not self.stream.isatty():
            if not self.shown:
                self.stream.write("索引を作成しています…\n")
                self.shown = True
            return
        self.shown = True
        width = 30
        filled = int(width * done / total)
        self.stream.write(f"\r索引を作成中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _open(corpus: list[Path] | None, base_url: str | None, rebuild: bool = False):
    gc.disable()  # importing the core, like opening it (Assistant.open), makes no cyclic garbage to collect
    try:
        from .engine import Assistant
    finally:
        gc.enable()
    assistant = Assistant.open(corpus, base_url, progress=ProgressBar(),
                               notify=lambda m: _err(one_line(m, NOTICE_LIMIT) + "\n"), rebuild=rebuild)
    # The index lives until the command ends: frozen, the collector's full passes no longer walk its
    # million objects while a batch of questions runs (docs corpus, 500 questions: 0.94 → 0.89 ms each).
    gc.freeze()
    return assistant


# --- output ----------------------------------------------------------------------------------------

_FENCE_LINE = re.compile(r"^\s{0,3}```")
_BOX_DRAWING = re.compile(r"[\u2500-\u257f]")


def cell_width(text: str) -> int:
    """Width of one line in terminal cells: East Asian Wide and Fullwidth characters take two."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _diagram_spans(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line indexes of every ```text block drawn with box-drawing characters, fences included."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    is_text = False
    for i, line in enumerate(lines):
        if not _FENCE_LINE.match(line):
            continue
        if start is None:
            start, is_text = i, line.strip()[3:].strip().lower() == "text"
        else:
            if is_text and any(_BOX_DRAWING.search(x) for x in lines[start + 1:i]):
                spans.append((start, i))
            start = None
    return spans


def _trim(text: str, limit: int = TEXT_LIMIT) -> str:
    """A passage shortened at a line end, without cutting a code block open or a diagram at all."""
    text = terminal_text(text).replace("**", "").strip()  # bold marks read badly in a terminal
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit)
    cut = cut if cut > limit // 2 else limit
    lines = text.split("\n")
    for first, last in _diagram_spans(lines):
        start = sum(len(x) + 1 for x in lines[:first])
        end = sum(len(x) + 1 for x in lines[:last + 1]) - 1
        if start < cut < end:  # a diagram is shown whole or not at all
            cut = end
            break
    if cut >= len(text):
        return text
    head = text[:cut].rstrip()
    if head.count("```") % 2:
        head += "\n```"
    return head + "\n…"


def _link(source: str | None, path: str) -> str:
    """The link line's target: the source address, else the file path, on one bounded line."""
    return one_line(source, SOURCE_LIMIT) if source else shown_path(path)


def _passage_lines(text: str, columns: int) -> list[str]:
    """A hit's text, indented; after a diagram wider than the terminal, one line saying how wide it needs."""
    lines = _trim(text).split("\n")
    notes = {}
    for first, last in _diagram_spans(lines):
        needed = INDENT + max(cell_width(x) for x in lines[first:last + 1])
        if needed > columns:
            notes[last] = f"図の幅が端末より広いため、端末の幅を {needed} 桁以上にすると崩れずに表示されます。"
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(" " * INDENT + line)
        if i in notes:
            out.append(" " * INDENT + notes[i])
    return out


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it ($COLUMNS, else the terminal,
    else 80), without importing shutil (and with it bz2 and lzma: 2 ms of a warm ``ask``)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def format_answer(answer) -> str:
    """Human-readable answer. Every corpus string is neutralised (no escapes, controls, bidi or
    zero-width characters) and titles, headings and links are bounded to one line."""
    columns = _terminal_columns()
    shown = one_line(answer.query, None)
    if len(shown) > 200:
        shown = shown[:200] + f"…（{len(answer.query):,} 文字）"
    lines: list[str] = [f"質問: {shown}", ""]
    if answer.coverage == "mention":  # the guide only mentions the subject: where it does
        lines.append(answer.message)
        for hit in answer.hits:
            lines.append(f"  [{hit.rank}] {one_line(hit.heading_path)}")
            lines.append(f"      → {_link(hit.source, hit.path)}")
        return "\n".join(lines)
    if not answer.answered:
        lines.append(answer.message)
        if answer.suggestions:
            lines.append("近い話題:")
            lines.extend(f"  ・{one_line(s.title)}" + (f"  {one_line(s.source, SOURCE_LIMIT)}" if s.source else "")
                         for s in answer.suggestions)
        return "\n".join(lines)
    if answer.summary:
        lines.append("要点:")
        lines.extend(f"  ・{one_line(s.text, SUMMARY_LIMIT)} [{s.source_number}]" for s in answer.summary)
        lines.append("")
    for hit in answer.hits:
        lines.append(f"[{hit.rank}] {one_line(hit.heading_path)}")
        lines.extend(_passage_lines(hit.text, columns))
        stamp = f"  （Kubernetes {one_line(hit.kubernetes, 20)} 時点）" if hit.kubernetes else ""
        lines.append(f"    → {_link(hit.source, hit.path)}{stamp}")
        lines.append("")
    return "\n".join(lines).rstrip()


# --- commands --------------------------------------------------------------------------------------

def _read_stdin_questions() -> tuple[list[tuple[int, str | None]], int]:
    """(line number, question or None when unreadable) for each non-blank line of standard input."""
    data = sys.stdin.buffer.read()
    out: list[tuple[int, str | None]] = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            line = raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            out.append((number, None))
            continue
        if line.strip():
            out.append((number, line))
    return out, len(out)


def _note_long(question: str, number: int | None = None) -> None:
    """Say when a question is longer than the engine reads (the same limit as the chat app)."""
    if len(question) > MAX_QUESTION_CHARS:
        where = f"標準入力の {number} 行目の" if number is not None else ""
        _err(f"お知らせ: {where}質問が長いため（{len(question):,} 文字）、{MAX_QUESTION_CHARS:,} 文字までで検索しました。\n")


def cmd_ask(args: argparse.Namespace) -> int:
    from .engine import QuestionError

    if args.question != "-" and not args.question.strip():
        _err("エラー: 質問が空です。聞きたいことを日本語で入力してください。\n")
        return EXIT_USAGE
    assistant = _open(*_merge_corpus(args))
    if args.question != "-":
        _note_long(args.question)
        answer = assistant.ask(args.question, k=args.k)
        _out(_json_line(answer.to_json()) if args.json else format_answer(answer))
        return EXIT_OK if answer.answered else EXIT_NOT_FOUND
    questions, _ = _read_stdin_questions()
    if not questions:
        _err("エラー: 標準入力に質問がありません（1行に1問ずつ入力してください）。\n")
        return EXIT_USAGE
    code = EXIT_OK
    for number, question in questions:
        if question is None:
            _err(f"エラー: 標準入力の {number} 行目は UTF-8 として読めないため飛ばしました。\n")
            code = EXIT_USAGE
            continue
        _note_long(question, number)
        try:
            answer = assistant.ask(question, k=args.k)
        except QuestionError:
            continue
        if args.json:
            _out(_json_line(answer.to_json()))
        else:
            _out(format_answer(answer))
            _out("\n" + "─" * 40)
        _flush()
        if not answer.answered and code == EXIT_OK:
            code = EXIT_NOT_FOUND
    return code


def cmd_index(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    assistant = _open(*_merge_corpus(args), rebuild=args.rebuild)  # the same cache entry point as ask
    stats = assistant.index.stats
    elapsed = time.perf_counter() - started
    _out(f"文書数: {stats.documents}")
    _out(f"段落数: {stats.passages}")
    _out(f"トークン数: {stats.tokens}")
    if stats.from_cache:
        _out(f"時間: {elapsed:.2f} 秒（キャッシュから読み込み。作成時は {stats.build_seconds:.2f} 秒）")
    else:
        _out(f"時間: {elapsed:.2f} 秒（作成 {stats.build_seconds:.2f} 秒）")
    _out(f"キャッシュ: {shown_path(stats.cache_path) if stats.cache_path else '保存なし（メモリ上のみ）'}")
    if assistant.index.problems:
        _out(f"読み飛ばしたファイル: {len(assistant.index.problems)} 件（標準エラーに表示）")
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import evaluate, format_report, load_question_set
    file = args.file or Path("tests/data/questions.yaml")
    try:
        questions = load_question_set(file)
    except (OSError, ValueError) as exc:
        _err(f"エラー: 質問セット {file} を読み込めません（{exc}）。\n")
        return EXIT_USAGE
    assistant = _open(*_merge_corpus(args))
    report = evaluate(assistant, questions, depth=max(args.k, 5))
    _out(_json_line(report.to_json()) if args.json else format_report(report))
    return EXIT_OK


class OutputError(Exception):
    """Standard output could not be written (not a broken pipe: that ends quietly)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _out(text: str = "") -> None:
    """Print one line to standard output; a write that fails becomes :class:`OutputError`."""
    try:
        sys.stdout.write(text + "\n")
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(exc) from exc


def _flush() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(exc) from exc


def _err(message: str) -> None:
    """Write to standard error if there is one (``2>&-`` closes it); never fails."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(message)
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _output_failed(exc: OSError) -> int:
    """Standard output could not be written (``>/dev/full``, a closed descriptor): say so, exit 2."""
    _silence_stdout()
    reason = "ディスクの空きがありません" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else (exc.strerror or "書き込めません")
    _err(f"エラー: 標準出力に書き込めません（{reason}）。出力先を確かめてください。\n")
    return EXIT_USAGE


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = None
        args = quick_ask(argv)
        if args is None:
            from .arguments import build_parser
            parser = build_parser()
            args = parser.parse_args(argv)
        if args.command is None:
            return _chat(args)
        if sys.stdout is None:  # started with >&-: answers would vanish silently
            _err("エラー: 標準出力が閉じられています（>&- など）。出力先を指定してください。\n")
            return EXIT_USAGE
        command = {"ask": cmd_ask, "index": cmd_index, "eval": cmd_eval}[args.command]
        # Options given before the command (k8s-assistant --corpus X ask ...) count too.
        top = parser.parse_known_args(argv[: argv.index(args.command)])[0] \
            if parser is not None and args.command in argv else None
        if top is not None:
            if getattr(args, "corpus", None) is None and top.corpus:
                args.corpus = top.corpus
            if getattr(args, "base_url", None) is None and top.base_url:
                args.base_url = top.base_url
        code = command(args)
        _flush()  # a full disk shows here, not in the interpreter's last flush
        return code
    except OutputError as exc:
        return _output_failed(exc.error)
    except KeyboardInterrupt:
        _err("\n中断しました。\n")
        return 130
    except BrokenPipeError:  # the reader went away (| head): not an error of ours
        _silence_stdout()
        return EXIT_OK
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence: no traceback for users
        from .files import CorpusError
        from .index import CacheDamaged
        if isinstance(exc, CacheDamaged) and exc.folder is not None:
            from .cache import discard_index
            discard_index(exc.folder)
            _err(f"エラー: 索引キャッシュが壊れていました（{one_line(str(exc))}）。"
                 "消したので、もう一度実行すると作り直します。\n")
            return EXIT_USAGE
        if isinstance(exc, CorpusError):
            _err(f"エラー: {one_line(str(exc), NOTICE_LIMIT)}\n")
            return EXIT_USAGE
        _err(f"エラー: 予期しない問題が起きました（{exc.__class__.__name__}: {one_line(str(exc))}）。\n")
        return EXIT_USAGE


def _chat(args: argparse.Namespace) -> int:
    """The chat app; without a terminal (a pipe, TERM=dumb) it refuses with exit 2 and points to ``ask -``."""
    from .tui.terminal import NO_TERMINAL_MESSAGE, has_terminal

    if not has_terminal():
        sys.stderr.write(NO_TERMINAL_MESSAGE + "\n")
        return EXIT_USAGE
    try:
        from .tui.app import run
    except ImportError:
        from .arguments import build_parser
        build_parser().print_help()
        return EXIT_OK
    return run(args.corpus, args.base_url, history=not args.no_history)


def run() -> None:
    """The ``k8s-assistant`` command and ``python -m assistant``: :func:`main`, then the process ends.

    After a one-shot command (``ask``, ``index``, ``eval``) everything is written and flushed, so
    the process ends at once (``os._exit``) instead of tearing the interpreter down: freeing the
    Sudachi dictionary, numpy and a built index costs 15 ms or more per run and has no effect a
    user could see. The chat app (Textual loaded) ends the ordinary way, with every exit handler."""
    code = main()
    if "textual" in sys.modules or threading.active_count() > 1:
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # already said (main flushed standard output itself)
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
