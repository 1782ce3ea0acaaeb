"""Shared by the corpus checks' tests: the check module, the guide's articles, planted articles."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import check_corpus  # noqa: E402
from check_corpus import Article, Finding  # noqa: E402

GUIDE = sorted((REPO / "corpus").glob("*.md"))
STAMP = 'kubernetes: "1.34"\nchecked: 2026-11-29\n'


def guide_articles() -> list[Article]:
    """The shipped guide's articles, read the way the checks read them."""
    return [check_corpus.read_article(p) for p in GUIDE]


def plant(tmp_path: Path, body: str, name: str = "planted.md", front: str = STAMP) -> Article:
    """An article file holding ``body`` (a planted mistake), read like a guide article."""
    text = f"---\nid: planted\ntitle: 仕込んだ記事\nchapter: テスト\norder: 1\n{front}---\n{body}"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_corpus.read_article(path, shown=name)


def line_of(article: Article, needle: str, nth: int = 1) -> int:
    """File line number (1-based) of the nth line that contains ``needle``."""
    hits = [i + 1 for i, line in enumerate(article.lines) if needle in line]
    return hits[nth - 1]


def listing(findings: list[Finding]) -> str:
    """Findings as the writer sees them, one ``file:line: message`` per line."""
    return "\n" + "\n".join(str(f) for f in findings)


def plant_in_guide(tmp_path: Path, article: Article, line: int, new_text: str) -> Article:
    """A copy of a guide article with its file line ``line`` (1-based) replaced: a mistake planted in real text."""
    lines = list(article.lines)
    lines[line - 1] = new_text
    path = tmp_path / Path(article.path).name
    path.write_text("\n".join(lines), encoding="utf-8")
    return check_corpus.read_article(path, shown=article.path)
