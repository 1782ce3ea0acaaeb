"""Widgets of the chat app."""

from .chat import (AnswerMessage, ArticleMessage, ChatLog, NoticeMessage, PassagesView, PreparedAnswer,
                   QuestionMessage, WelcomeMessage)
from .history_input import HistoryInput
from .links import LinkItem
from .markdown_view import MarkdownView
from .status import StatusLine
from .toc import TocPanel

__all__ = ["AnswerMessage", "ArticleMessage", "ChatLog", "HistoryInput", "LinkItem", "MarkdownView",
           "NoticeMessage", "PassagesView", "PreparedAnswer", "QuestionMessage", "StatusLine", "TocPanel",
           "WelcomeMessage"]
