"""Japanese line breaking for the chat app.

Rich and Textual wrap text only at spaces. Japanese has none, so a sentence such as
"英語の pod には「クジラやイルカの小さな群れ」という意味があり…" is broken right after "pod " and
the whole rest is pushed to the next line, leaving half-empty lines after every English word or
inline code. Here every CJK character becomes a break opportunity (closing punctuation such as
、。」 stays with the character before it, opening brackets with the one after), as Japanese
typesetting expects. Rich's word splitter (``rich._wrap.re_word``, used by Textual's ``Content``
and so by Static and Markdown) is replaced once, in the chat app's process only; if a future
Rich changes that module, this does nothing and text simply wraps as before.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CJK = "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"
_OPEN = "（「『【〔［｛〈《“‘"
_CLOSE = "、。，．・：；？！）」』】〕］｝〉》”’ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ…‥"


@lru_cache(maxsize=1)
def japanese_word() -> re.Pattern:
    """The word splitter, compiled on first use (about 4 ms, which the first frame does without)."""
    return re.compile(rf"\s*[{_OPEN}]*[{_CJK}][{_CLOSE}]*\s*|\s*[^\s{_CJK}]+\s*")


def enable_japanese_line_breaking() -> bool:
    """Let Rich/Textual break lines between Japanese characters. Returns True when it applied."""
    try:
        from rich import _wrap
    except ImportError:  # pragma: no cover
        return False
    current = getattr(_wrap, "re_word", None)
    if current is japanese_word():
        return True
    if not isinstance(current, re.Pattern) or current.pattern != r"\s*\S+\s*":
        return False  # not the splitter this was written for: leave it alone
    _wrap.re_word = japanese_word()
    return True
