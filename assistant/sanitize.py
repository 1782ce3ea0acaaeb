"""One sanitizer for text shown in a terminal (the command line and the chat app).

Corpus text, file names and questions are untrusted: they may hold escape sequences that move the
cursor or write the clipboard, C0/C1 controls, bidi controls that reorder what is shown
(``https://example.com/\u202egnp.exe`` displays as ``…exe.png``), zero-width characters that hide
text, or megabytes on one line. Everything printed goes through :func:`terminal_text` (multi-line
text) or :func:`one_line` (titles, headings, sources, notices). JSON output keeps the exact text.
"""

from __future__ import annotations

import os
import re

ELLIPSIS = "…"
LINE_LIMIT = 200  # characters of a title, heading or notice shown on one line
SOURCE_LIMIT = 300  # characters of a link or file path

# Whole escape sequences first, so their parameters ("[31m", "]52;c;...") do not stay behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"              # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL / ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"       # DCS, SOS, PM, APC
    r"|\x1b[@-Z\\-_]"                        # two-character sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"                # 8-bit CSI
)
# C0 controls except tab and newline, DEL, C1 controls; every format character (Unicode category
# Cf: bidi embeddings, overrides, isolates and marks such as U+202E and U+2066-2069, zero-width
# characters U+200B-200D, U+2060 and U+FEFF, invisible operators, tag characters); and lone
# surrogates, which no terminal can show.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n|[\u2028\u2029]")
_SPACE_RUN = re.compile(r"\s+")


def terminal_text(text: str | None, limit: int | None = None) -> str:
    """Text safe to print: no escape sequences, controls, bidi or zero-width characters.

    Newlines and tabs stay; ``limit`` bounds the length (cut with …)."""
    if not text:
        return ""
    text = _LINE_BREAK.sub("\n", text)
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    return bound(text, limit) if limit is not None else text


def one_line(text: str | None, limit: int | None = LINE_LIMIT) -> str:
    """:func:`terminal_text` on one line (newlines and runs of spaces become one space), bounded."""
    if not text:
        return ""
    flat = _SPACE_RUN.sub(" ", _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", _LINE_BREAK.sub("\n", text)))).strip()
    return bound(flat, limit) if limit is not None else flat


def bound(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut marked with …."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def shown_path(path: str | os.PathLike[str]) -> str:
    """A file name as a person can read it: bytes that are not UTF-8 (surrogate escapes) shown
    as ``\\xff``, controls removed, on one line."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        raw = os.fspath(path).encode("utf-8", "backslashreplace")
    return one_line(raw.decode("utf-8", "backslashreplace"), SOURCE_LIMIT)
