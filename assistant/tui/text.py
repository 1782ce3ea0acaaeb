"""Plain-text helpers for the chat app: no corpus text is ever read as markup or control codes.

Everything shown outside a ``Markdown`` widget goes through :func:`plain` (a Rich ``Text`` built
from the raw string, never from markup) after :func:`clean` has removed terminal control
characters (ESC, BEL, C1 codes, bidi overrides) so a passage cannot move the cursor, set the
title or write the clipboard.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rich.text import Text

from ..sanitize import one_line as sanitize_one_line
from ..sanitize import terminal_text

# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates that
# can reorder what the terminal shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None) -> str:
    """The text without terminal escape sequences, control, bidi and zero-width characters (tab
    and newline stay): the core sanitizer, shared with the command line."""
    return terminal_text(text)


def one_line(text: str | None) -> str:
    """Cleaned text on one line (for titles, headings and history entries), not shortened."""
    return sanitize_one_line(text, None)


def plain(text: str | None, style: str = "") -> Text:
    """A Rich ``Text`` holding exactly the characters of ``text``: brackets are never markup."""
    return Text(clean(text), style=style)


def is_web_url(url: str | None) -> bool:
    """Only http and https links are ever opened (no javascript:, file:, data: …)."""
    if not url:
        return False
    url = url.strip()
    if _CONTROL.search(url) or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def short_url(url: str, limit: int = 56) -> str:
    """A link on one line for a notice: whole when short, else its start and end around "…" (a
    toast's line breaking would otherwise split it anywhere)."""
    url = one_line(url)
    if len(url) <= limit:
        return url
    keep = limit - 1
    return url[: keep * 2 // 3] + "…" + url[-(keep - keep * 2 // 3):]


def fit_question(text: str, limit: int) -> tuple[str, bool]:
    """``text`` within ``limit`` characters, keeping what matters in a long paste: its start (the
    context) and its end (where the question usually is). Returns (text, was_shortened)."""
    if len(text) <= limit:
        return text, False
    head = limit // 4
    tail = limit - head - 3
    return text[:head].rstrip() + " … " + text[-tail:].lstrip(), True


def fold_echo(question: str, limit: int = 160) -> str:
    """A long question as echoed in the conversation: start and end, with how much is left out."""
    question = one_line(question)
    if len(question) <= limit:
        return question
    head, tail = limit // 3, limit * 2 // 3
    return f"{question[:head]} …（{len(question) - head - tail:,} 文字省略）… {question[-tail:]}"


_FENCE = re.compile(r"^\s*(```|~~~)")


_INLINE_MARKUP = re.compile(r"\*\*|__|`")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def markdown_excerpt(markdown: str, limit: int = 220) -> tuple[str, bool]:
    """A short plain-text excerpt of a passage (no code blocks, tables or markup), cut after a
    sentence near ``limit`` characters. Returns (text, was_cut)."""
    lines: list[str] = []
    fence: str | None = None
    dropped = False
    for line in clean(markdown).split("\n"):
        match = _FENCE.match(line)
        if match:
            if fence is None:
                fence = match.group(1)
                dropped = True
            elif match.group(1) == fence:
                fence = None
            continue
        stripped = line.strip()
        if fence is not None or stripped.startswith("|"):
            dropped = dropped or fence is not None or stripped.startswith("|")
            continue
        stripped = stripped.lstrip("#>").strip()
        stripped = _LIST_MARK.sub("・", stripped)
        stripped = _LINK.sub(r"\1", stripped)
        stripped = _INLINE_MARKUP.sub("", stripped)
        if stripped:
            lines.append(stripped)
    text = "\n".join(lines)
    if len(text) <= limit:
        return text, dropped
    cut = limit
    for end in ("。", "！", "？", "\n"):
        position = text.find(end, int(limit * 0.6), int(limit * 1.3))
        if position != -1:
            cut = position + 1
            break
    return text[:cut].rstrip() + ("" if text[cut - 1:cut] in ("。", "！", "？") else "…"), True


def answer_as_text(answer) -> str:
    """The answer as plain text with its links, for the clipboard."""
    lines: list[str] = [f"質問: {one_line(answer.query)}", ""]
    if not answer.answered:
        lines.append(one_line(answer.message))
        if answer.suggestions:
            lines.append("")
            lines.append("触れている箇所:" if answer.coverage == "mention" else "近い話題:")
            for s in answer.suggestions:
                lines.append(f"- {one_line(s.title)}" + (f" {s.source}" if s.source else ""))
        return "\n".join(lines).strip() + "\n"
    if answer.summary:
        lines.append("要点:")
        for s in answer.summary:
            lines.append(f"- {one_line(s.text)} [{s.source_number}]")
        lines.append("")
    for hit in answer.hits:
        lines.append(f"[{hit.rank}] {one_line(hit.heading_path)}")
        lines.append(clean(hit.text).strip())
        lines.append("")
    lines.append("出典:")
    for hit in answer.hits:
        lines.append(f"[{hit.rank}] {one_line(hit.title)} {hit.source or hit.path}")
    return "\n".join(lines).strip() + "\n"
