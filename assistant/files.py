"""Corpus files on disk: listing a corpus root, reading a file safely, and the fingerprint the
index cache key names.

Kept apart from :mod:`assistant.corpus` (what the files say: front matter, Hugo markup, guide
indexes, documents) because every start fingerprints the corpus but only a build reads it: a warm
``ask`` imports this module alone, not the loader's dataclasses and patterns.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_FILE_BYTES = 2 * 1024 * 1024  # larger files are read up to this size, with a notice
SYNONYM_FILE_NAMES = ("synonyms.yaml", "synonyms.yml")
CONCEPT_FILE_NAMES = ("concepts.yaml", "concepts.yml")


@dataclass(frozen=True)
class Problem:
    """A file that could not be read as it should, said in Japanese for the user."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CorpusError(Exception):
    """A corpus path that cannot be used at all (missing, unreadable, empty)."""


# --- reading files -------------------------------------------------------------------------------

NOT_REGULAR = "not-a-regular-file"  # digest recorded for a FIFO, device or socket: never opened
UNREADABLE = "unreadable"


def read_bytes(path: str | os.PathLike[str]) -> tuple[bytes | None, str | None]:
    """The first ``MAX_FILE_BYTES + 1`` bytes of a regular file, or (None, reason).

    Opened without blocking and checked with ``fstat`` before reading, so a FIFO, device or socket
    (even one put in place of a file after it was listed) is never read and can never hang."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return None, exc.strerror or str(exc)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, NOT_REGULAR
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), None
    except OSError as exc:
        return None, exc.strerror or str(exc)
    finally:
        os.close(fd)


def digest_of(raw: bytes | None, reason: str | None) -> str:
    """What the cache key records for one file: the sha256 of the bytes read, or why none were."""
    if raw is None:
        return NOT_REGULAR if reason == NOT_REGULAR else UNREADABLE
    return hashlib.sha256(raw).hexdigest()


# --- walking corpus roots ------------------------------------------------------------------------

@dataclass(frozen=True)
class Listing:
    """What one corpus root holds: Markdown files to read, and entries refused without opening."""

    root: str  # the root as given (resolved by the caller), the first part of every file key
    base: str  # the folder file names are relative to
    files: list[str]  # paths of regular (or to be checked) Markdown files, in reading order
    skipped: list[tuple[str, str]]  # (path, reason) of Markdown names that are not regular files
    problems: list[Problem]
    stats: dict[str, os.stat_result] = field(default_factory=dict)  # path -> stat taken while listing


def file_key(root: str, rel: str) -> str:
    """How a corpus file is named in the cache key: its root and its path below it."""
    return f"{root}:{rel}"


def shown_name(rel: str) -> str:
    """A relative file name as text that is always valid (bytes that are not UTF-8 shown as \\xff)."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("utf-8", "backslashreplace")


def list_root(root: Path) -> Listing:
    """The Markdown files of one corpus root (a folder or a single file), without opening any.

    Folders are walked without recursion (any depth), sorted by name, following symlinks with
    loops reported; names that are not regular files (FIFOs, devices, sockets) are listed in
    ``skipped`` and never opened. Raises CorpusError when the root itself cannot be used."""
    root_s = os.fspath(root)
    try:
        info = os.stat(root_s)
    except OSError:
        raise CorpusError(f"コーパスのパス {shown_name(root_s)} が見つかりません") from None
    if stat.S_ISREG(info.st_mode):
        return Listing(root_s, os.path.dirname(root_s), [root_s], [], [], {root_s: info})
    if not stat.S_ISDIR(info.st_mode):
        raise CorpusError(f"コーパスのパス {shown_name(root_s)} はファイルでもフォルダでもありません")
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    problems: list[Problem] = []
    stats: dict[str, os.stat_result] = {}
    seen_dirs: set[tuple[int, int]] = set()
    stack: list[tuple[str, "list[os.DirEntry[str]]"]] = []

    def enter(folder: str) -> None:
        try:
            folder_info = os.stat(folder)
        except OSError as exc:
            problems.append(Problem(_rel(folder, root_s), f"フォルダを開けません（{exc.strerror or exc}）"))
            return
        key = (folder_info.st_dev, folder_info.st_ino)
        if key in seen_dirs:
            problems.append(Problem(_rel(folder, root_s), "シンボリックリンクがループしているため読み飛ばしました"))
            return
        seen_dirs.add(key)
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name, reverse=True)  # popped from the end
        except OSError as exc:
            problems.append(Problem(_rel(folder, root_s), f"フォルダを開けません（{exc.strerror or exc}）"))
            return
        stack.append((folder, entries))

    enter(root_s)
    while stack:
        _, entries = stack[-1]
        if not entries:
            stack.pop()
            continue
        entry = entries.pop()
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            problems.append(Problem(_rel(entry.path, root_s), "シンボリックリンクがループしているため読み飛ばしました"))
            continue
        if is_dir:
            enter(entry.path)
            continue
        if not entry.name.lower().endswith(MARKDOWN_SUFFIXES):
            continue
        try:
            info = entry.stat()  # follows a symlink; no open
        except OSError:
            problems.append(Problem(_rel(entry.path, root_s), "リンク先がないか、ループしているため読み飛ばしました"))
            continue
        if stat.S_ISREG(info.st_mode):
            files.append(entry.path)
            stats[entry.path] = info
        else:
            skipped.append((entry.path, NOT_REGULAR))
    return Listing(root_s, root_s, files, skipped, problems, stats)


def listed_files(listing: Listing) -> list[tuple[str, str, int]]:
    """(path, name relative to the root, size in bytes from the listing) of each file to read, in order."""
    return [(path, _rel(path, listing.base), info.st_size if (info := listing.stats.get(path)) else 0)
            for path in listing.files]


def _rel(path: str, base: str) -> str:
    prefix = base.rstrip(os.sep) + os.sep
    return path[len(prefix):] if path.startswith(prefix) else path


NOT_REGULAR_MESSAGE = "通常のファイルではない（FIFO・デバイス・ソケットなど）ため、開かずに読み飛ばしました"


Manifest = dict[str, list]  # file path -> [size, mtime_ns, ctime_ns, inode, sha256]


def fingerprint_files(paths: list[Path], manifest: Manifest | None = None) -> list[tuple[str, str]]:
    """(file key, sha256) of every file a load would read: the corpus part of the cache key,
    without parsing anything. The keys and digests are those :func:`load_corpus` records in
    ``read_digests`` for the same content (plus the corpus folders' vocabulary files).

    This runs on every warm start: a file whose size, times and inode are those recorded in
    ``manifest`` keeps its recorded digest instead of being read again; ``manifest`` is updated
    in place. Raises CorpusError when a root cannot be used."""
    out: list[tuple[str, str]] = []
    known = manifest if manifest is not None else {}

    def _digest(path: str, info: os.stat_result | None = None) -> str:
        try:
            info = info or os.stat(path)
        except OSError:
            return UNREADABLE
        if not stat.S_ISREG(info.st_mode):
            return NOT_REGULAR
        stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        seen = known.get(path)
        if seen is not None and seen[:4] == stamp:
            return seen[4]
        digest = digest_of(*read_bytes(path))
        if digest not in (UNREADABLE, NOT_REGULAR):
            known[path] = [*stamp, digest]
        return digest

    for root in paths:
        listing = list_root(Path(root))
        if listing.base == listing.root:
            for name in SYNONYM_FILE_NAMES + CONCEPT_FILE_NAMES:
                candidate = os.path.join(listing.root, name)
                if os.path.isfile(candidate):
                    out.append((f"vocabulary:{file_key(listing.root, name)}", _digest(candidate)))
        for path, reason in listing.skipped:
            out.append((file_key(listing.root, _rel(path, listing.base)), reason))
        for path in listing.files:
            out.append((file_key(listing.root, _rel(path, listing.base)), _digest(path, listing.stats.get(path))))
    return out
