"""Widgets of the chat app."""

from .chat import AnswerMessage, ArticleMessage, ChatLog, NoticeMessage, QuestionMessage, WelcomeMessage
from .history_input import HistoryInput
from .links import LinkItem
from .status import StatusLine
from .toc import TocPanel

__all__ = ["AnswerMessage", "ArticleMessage", "ChatLog", "HistoryInput", "LinkItem", "NoticeMessage",
           "QuestionMessage", "StatusLine", "TocPanel", "WelcomeMessage"]
