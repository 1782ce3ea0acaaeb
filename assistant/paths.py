"""Default places: the shipped corpus, the index cache folder and the user data folder.

One home for every default path, so the engine, the command line and the chat app agree.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "k8s-assistant"
CACHE_ENV = "K8S_ASSISTANT_CACHE_DIR"


def default_corpus_path() -> Path:
    """The guide corpus shipped inside the package (``corpus/`` in a checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "data"  # installed: the corpus is package data
    if packaged.is_dir() and any(packaged.glob("*.md")):
        return packaged
    checkout = here.parent / "corpus"
    return checkout if checkout.is_dir() else packaged


def default_cache_dir() -> Path:
    """``$K8S_ASSISTANT_CACHE_DIR``, else the platform's user cache folder."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir
    return Path(user_cache_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    """The platform's user data folder (question history, saved answers)."""
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False))
