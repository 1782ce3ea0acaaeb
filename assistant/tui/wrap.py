"""Japanese line breaking for the chat app.

Rich and Textual wrap text only at spaces. Japanese has none, so a sentence such as
"英語の pod には「クジラやイルカの小さな群れ」という意味があり…" is broken right after "pod " and
the whole rest is pushed to the next line, leaving half-empty lines after every English word or
inline code. Here every CJK character is a break opportunity, as Japanese typesetting expects:
closing punctuation (、。」 and small kana) stays with the character before it, opening brackets
(「（) with the one after, and a source mark written ``\\u00a0[1]`` stays with its sentence.

:func:`break_offsets` is ours and used by the Markdown view (public APIs only). Textual's own text
(Static, toasts, the help line) is wrapped by Rich's word splitter; :func:`enable_japanese_line_breaking`
swaps that one regular expression for ours, in the chat app's process only. It is the one place the
app touches a Rich internal: it checks the splitter is exactly the one it was written for and does
nothing otherwise (text then wraps at spaces, as before), and a test fails if Rich changes it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len

_CJK = "\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"
_OPEN = "（「『【〔［｛〈《“‘"
_CLOSE = "、。，．・：；？！）」』】〕］｝〉》”’ーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ…‥"
SOURCE_MARK = "\u00a0[{}]"  # a no-break space glues "[1]" to the sentence it closes
RICH_WORD = r"\s*\S+\s*"  # Rich's own splitter, which enable_japanese_line_breaking replaces


@lru_cache(maxsize=1)
def japanese_word() -> re.Pattern:
    """The word splitter, compiled on first use (about 4 ms, which the first frame does without)."""
    mark = r"(?:\u00a0\[\d{1,3}\])?"
    # Latin first, so an opening bracket before a Latin word (「Kubernetes) stays with the word.
    return re.compile(rf"\s*[{_OPEN}]*[^\s{_CJK}]+{mark}\s*|\s*[{_OPEN}]*[{_CJK}][{_CLOSE}]*{mark}\s*")


def break_offsets(text: str, width: int) -> list[int]:
    """Offsets at which to break ``text`` so no line is wider than ``width`` cells: between Japanese
    characters or at spaces; a word wider than a whole line is folded by characters."""
    width = max(1, width)
    offsets: list[int] = []
    used = 0
    for match in japanese_word().finditer(text):
        word, start = match.group(), match.start()
        visible = cell_len(word.rstrip())
        if used and used + visible > width:
            offsets.append(start)
            used = 0
        if visible > width:
            for index, character in enumerate(word):
                cells = cell_len(character)
                if used and used + cells > width:
                    offsets.append(start + index)
                    used = 0
                used += cells
            continue
        used += cell_len(word)
    return offsets


def enable_japanese_line_breaking() -> bool:
    """Let Rich/Textual break lines between Japanese characters. Returns True when it applied."""
    try:
        from rich import _wrap
    except ImportError:  # pragma: no cover
        return False
    current = getattr(_wrap, "re_word", None)
    if current is japanese_word():
        return True
    if not isinstance(current, re.Pattern) or current.pattern != RICH_WORD:
        return False  # not the splitter this was written for: leave it alone
    _wrap.re_word = japanese_word()
    return True
