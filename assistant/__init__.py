"""kubernetes 入門 assistant: answers Japanese questions with passages from the guide."""

__version__ = "0.1.0"
