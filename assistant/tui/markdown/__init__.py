"""Markdown for the chat app, split by job: ``blocks`` (drawing), ``parser`` (any thread), ``widget``."""

from .blocks import Block, Indent, Paragraph, fit_columns
from .parser import MarkdownDocument, guess_language, parse_markdown, warm_up
from .widget import MarkdownView

__all__ = ["Block", "Indent", "MarkdownDocument", "MarkdownView", "Paragraph", "fit_columns", "guess_language",
           "parse_markdown", "warm_up"]
