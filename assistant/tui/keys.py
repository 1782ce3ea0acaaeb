"""The chat app's keys, in one place: the bindings' help, the welcome's key list and the README agree.

Opening a source by number must work in xterm, GNOME Terminal, tmux, iTerm2 and Windows Terminal and
never take text being typed. Two ways do:

- **Ctrl+O, then 1-9** (link mode). Ctrl+O reaches every terminal as its own key (tmux's prefix is
  Ctrl+B; no terminal binds Ctrl+O). The status line says the mode is on; the next key ends it: a
  digit opens that source, anything else is typed or acted on as usual (nothing is lost).
- **Alt+1..9.** Terminals send Alt+digit as ESC followed by the digit. Textual reads that pair as the
  macOS Option character of the digit (``\\x1b1`` → ``¡``), which is also what Option+digit types on a
  Mac. Those nine characters (¡™£¢∞§¶•ª) are never part of a typed Japanese question, so they are
  read as Alt+digit. Pasted text comes as a paste, not as keys, so it keeps them.

Bare digits always type (in the question box, and from the conversation they go to the question
box), so 「2つのコンテナ」 is never taken as "open source 2".
"""

from __future__ import annotations

# What ESC+digit (Alt+digit) and macOS Option+digit arrive as, for 1..9.
OPTION_DIGITS = "¡™£¢∞§¶•ª"

LINK_MODE_PROMPT = "出典を開く: 番号 1-9 を押してください（ほかのキーで取り消し）"

# (keys, what they do): shown by the welcome message and listed in the README's key table.
KEY_HELP: list[tuple[str, str]] = [
    ("Enter", "質問を送る"),
    ("Ctrl+O 1-9", "出典を開く・Alt+1-9"),
    ("Tab", "最新の出典へ移る"),
    ("↑ ↓", "前の質問・項目の移動"),
    ("PgUp / PgDn", "会話をスクロール"),
    ("Ctrl+Y", "回答をコピー・保存"),
    ("Ctrl+T", "目次（Esc で閉じる）"),
    ("Ctrl+L", "会話を消す"),
    ("Ctrl+P", "コマンド"),
    ("Ctrl+Q", "終了"),
]


def option_digit(character: str | None) -> int | None:
    """The digit 1-9 that Alt+digit (ESC+digit, read as a macOS Option character) stands for."""
    if character and len(character) == 1 and character in OPTION_DIGITS:
        return OPTION_DIGITS.index(character) + 1
    return None



def source_key(key: str, character: str | None) -> int | None:
    """The source number an Alt+digit key stands for, as it arrives: ``alt+1`` (terminals that report
    modifiers) or the Option character (ESC+digit as Textual reads it, or Option+digit on a Mac)."""
    if key.startswith("alt+") and key[4:].isdigit() and key[4:] != "0":
        return int(key[4:])
    return option_digit(character)
