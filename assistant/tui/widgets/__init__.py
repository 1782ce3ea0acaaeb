"""Widgets of the chat app."""

from ..markdown import MarkdownView
from .chat import (AnswerMessage, ArticleMessage, ChatLog, ExpandItem, NoticeMessage, PassagesView, PreparedAnswer,
                   QuestionMessage, TypeAhead, WelcomeMessage)
from .history_input import HistoryInput
from .links import LinkItem
from .status import StatusLine
from .toc import TocPanel

__all__ = ["AnswerMessage", "ArticleMessage", "ChatLog", "ExpandItem", "HistoryInput", "LinkItem", "MarkdownView",
           "NoticeMessage", "PassagesView", "PreparedAnswer", "QuestionMessage", "StatusLine", "TocPanel",
           "TypeAhead", "WelcomeMessage"]
