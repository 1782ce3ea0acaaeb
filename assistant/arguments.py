"""The command line's argparse parser, in Japanese; imported only when :func:`assistant.cli.quick_ask`
cannot read the arguments itself (argparse costs a warm ``ask`` about 4 ms)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .cli import EXIT_USAGE, _err


class JapaneseParser(argparse.ArgumentParser):
    """argparse with its usage errors said in Japanese (exit code 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if sys.stderr is not None:
            self.print_usage(sys.stderr)
        translated = (message.replace("the following arguments are required", "次の引数が必要です")
                      .replace("unrecognized arguments", "知らない引数です")
                      .replace("invalid int value", "整数ではありません")
                      .replace("invalid choice", "選べない値です")
                      .replace("expected one argument", "値が必要です"))
        _err(f"{self.prog}: エラー: {translated}\n")
        raise SystemExit(EXIT_USAGE)


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"整数ではありません: {value!r}") from None
    if not 1 <= number <= 100:
        raise argparse.ArgumentTypeError("1 から 100 までの整数で指定してください")
    return number


def _corpus_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", action="append", type=Path, metavar="PATH",
                        help="既定のガイドの代わりに索引するフォルダかファイル（複数指定できます）")
    parser.add_argument("--base-url", metavar="URL",
                        help="source を持たないページのリンクの基準アドレス（例: https://kubernetes.io/ja/docs/）")


def build_parser() -> argparse.ArgumentParser:
    parser = JapaneseParser(
        prog="k8s-assistant",
        description="kubernetes 入門ガイドに日本語で質問できるアシスタント。引数なしで起動するとチャット画面が開きます。",
        epilog="終了コード: 0 回答あり / 1 ガイドに該当なし・触れているだけ / 2 使い方や入力の誤り",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--no-history", action="store_true", help="チャット画面で質問の履歴を保存しない")
    _corpus_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=JapaneseParser)

    ask = sub.add_parser("ask", help="質問に一度だけ答える", description="質問に一度だけ答えます。")
    ask.add_argument("question", metavar="QUESTION", help="質問。`-` なら標準入力から1行に1問ずつ読みます")
    ask.add_argument("--json", action="store_true", help="JSON で出力する（`-` のときは1行1オブジェクト）")
    ask.add_argument("-k", type=_positive_int, default=3, metavar="N", help="表示する段落の数（既定 3）")
    _corpus_options(ask)

    index = sub.add_parser("index", help="索引を作成して内容を表示する", description="索引を作成（またはキャッシュから読み込み）して、その内容を表示します。")
    index.add_argument("--rebuild", action="store_true", help="キャッシュを使わずに作り直す")
    _corpus_options(index)

    ev = sub.add_parser("eval", help="質問セットで検索の質を測る", description="質問セットで Recall@1・Recall@3・MRR などを測ります。")
    ev.add_argument("file", nargs="?", type=Path, metavar="FILE", help="質問セット（YAML）。既定は tests/data/questions.yaml")
    ev.add_argument("--json", action="store_true", help="結果を JSON で出力する")
    ev.add_argument("-k", type=_positive_int, default=5, metavar="N", help="Recall@N の N の上限（既定 5）")
    _corpus_options(ev)
    return parser
