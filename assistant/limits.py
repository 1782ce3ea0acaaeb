"""Limits shared by the core, the command line and the chat app (one home for each value)."""

from __future__ import annotations

MAX_QUESTION_CHARS = 2_000  # a question longer than this is cut for searching: a question, not a document
