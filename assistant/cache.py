"""The index cache: key, manifest, load, save, prune and discard, in one place.

The engine (``ask``, the chat app) and ``index``/``index --rebuild`` all go through
:func:`open_index`, so they can never disagree about a key.

What makes the cache trustworthy:

- The key names the corpus content (sha256 of every file), the :class:`IndexSettings`, the base
  URL, the cache format and the package version. After a build it is checked against the digests
  of the bytes the loader actually read; if a file changed in between, nothing is saved.
- Every cache file's size and CRC-32 (sampled for large files) is in ``meta.json`` and checked on
  load; a damaged cache is discarded and rebuilt with a notice.
- An index is written into ``.tmp-<pid>-…`` and renamed into place, so readers never see half of
  one; leftovers of writers whose process is gone are removed on the next save.
- A cache folder that cannot be read or written (permissions, a full disk, another user's folder)
  is not an error: the index is built in memory and one notice says so.

It is plain data (JSON, JSON Lines and ``.npy`` arrays memory-mapped on load), never pickle.
"""

from __future__ import annotations

import errno
import hashlib
import json
import functools
import os
import re
import time
import zlib
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from . import __version__
from .analyzer import Concepts, synonyms_from_json, synonyms_to_json
from .bm25 import ImpactIndex
from .files import Problem, fingerprint_files
from .index import CacheDamaged, DocInfo, IndexSettings, IndexStats, SearchIndex
from .paths import default_cache_dir

if TYPE_CHECKING:
    from .corpus import Corpus

INDEX_FORMAT = "16"  # 16: a glossary entry keeps its full_link (DocInfo.explained_at); 15: headings asking for a procedure (流れは？, 手順) count as how-to; 14: a passage row's word table ("m") is its last field; 13: each passage's own heading analyzed (own_headings.json) and how-to flag (howto.npy); 12: passage ids as int64
KEEP_CACHES = 12  # index folders kept, least recently used removed first
STALE_SECONDS = 3600  # a temporary older than this is removed even if its pid is alive (pid reuse)
FULL_CHECK_BYTES = 1024 * 1024  # files up to this size are checked whole, larger ones sampled
SAMPLE_BYTES = 4096
SAMPLES = 256

Notify = Callable[[str], None]
Fingerprint = list[tuple[str, str]]

# Notices (documented in the README's 困ったときは).
DAMAGED = "索引キャッシュが壊れていたため作り直します（{what}）。"
NOT_SAVED = "索引をキャッシュ {root} に保存できません（{reason}）。今回はメモリ上の索引で答えます。"
NOT_READABLE = "索引キャッシュ {root} を読めません（{reason}）。今回はメモリ上の索引で答えます。"
CHANGED = "索引の作成中にコーパスのファイルが変わったため、この索引はキャッシュに保存しません（次回作り直します）。"

_ARRAYS = ("offsets", "passage_ids", "impacts", "idf", "passage_doc", "defines", "opens", "howto", "passage_offsets")


class CacheUnusable(Exception):
    """The cache folder cannot be read or written here (permissions, full disk); said in Japanese."""


# --- key and manifest -------------------------------------------------------------------------------

def cache_key(fingerprint: Fingerprint, settings: IndexSettings, base_url: str | None) -> str:
    """Key of an index: corpus content, index settings (analyzer included), base URL, format, version."""
    h = hashlib.sha256()
    for part in (INDEX_FORMAT, __version__, settings.as_key(), base_url or ""):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path, digest in sorted(fingerprint):
        h.update(path.encode("utf-8", "surrogateescape") + b"\0" + digest.encode() + b"\0")
    return h.hexdigest()[:32]


def index_folder(root: Path, key: str) -> Path:
    return root / f"index-{key}"


def _manifest_file(root: Path, paths: list[Path]) -> Path:
    name = hashlib.sha256("\0".join(os.fspath(p) for p in paths).encode("utf-8", "surrogateescape"))
    return root / f"files-{name.hexdigest()[:16]}.json"


def load_manifest(root: Path, paths: list[Path]) -> dict[str, list]:
    """What is known of the corpus files' digests (see corpus.fingerprint_files); empty when unreadable."""
    try:
        data = json.loads(_manifest_file(root, paths).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_manifest(root: Path, paths: list[Path], manifest: dict[str, list]) -> None:
    """Write the manifest atomically; a cache folder that cannot be written is not an error here.
    File names that are not UTF-8 are kept as JSON escapes (ASCII output)."""
    tmp: Path | None = None
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / _temp_name()
        with tmp.open("x", encoding="ascii") as handle:
            json.dump(manifest, handle, ensure_ascii=True)
        os.replace(tmp, _manifest_file(root, paths))
        tmp = None
    except (OSError, ValueError):
        pass
    finally:
        if tmp is not None:
            _remove(tmp)


def corpus_fingerprint(root: Path, paths: list[Path]) -> Fingerprint:
    """The corpus part of the key, reading only files whose stat changed since the last run."""
    manifest = load_manifest(root, paths)
    before = {k: list(v) for k, v in manifest.items()}
    fingerprint = fingerprint_files(paths, manifest)
    if manifest != before:
        save_manifest(root, paths, manifest)
    return fingerprint


# --- checksums --------------------------------------------------------------------------------------

def file_checksum(path: Path) -> list[int]:
    """[size, CRC-32] of a cache file: whole for files up to 8 MB, else of 256 evenly spaced 4 KB
    samples plus the first and last 64 KB (damage that keeps the size is still seen)."""
    size = path.stat().st_size
    crc = 0
    with path.open("rb") as handle:
        if size <= FULL_CHECK_BYTES:
            while chunk := handle.read(1 << 20):
                crc = zlib.crc32(chunk, crc)
        else:
            offsets = [0, size - 65536] + [size * i // SAMPLES for i in range(1, SAMPLES)]
            for offset in offsets:
                handle.seek(offset)
                crc = zlib.crc32(handle.read(65536 if offset in (0, size - 65536) else SAMPLE_BYTES), crc)
    return [size, crc]


# --- save -------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _host_tag() -> str:
    """A short tag of this machine's name: a pid only says something about processes here (a cache
    folder shared between containers or machines holds other hosts' pids). Worked out on first use:
    a warm start never writes, so it never pays for importing socket."""
    import socket
    return hashlib.sha256(socket.gethostname().encode("utf-8", "surrogateescape")).hexdigest()[:8]


def __getattr__(name: str) -> str:
    """``HOST_TAG``, the tag of this machine (see ``_host_tag``), computed when first asked for."""
    if name == "HOST_TAG":
        return _host_tag()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _temp_name(kind: str = "tmp") -> str:
    """``.tmp-<pid>-<host>-<random>``: the pid lets a later run see that the writer is gone."""
    import secrets  # only when writing: a warm start skips random, base64 and hmac
    return f".{kind}-{os.getpid()}-{_host_tag()}-{secrets.token_hex(4)}"


def save_index(index: SearchIndex, folder: Path, settings: IndexSettings, replace: bool = False) -> Path:
    """Write an index into ``folder`` atomically; returns the folder.

    With ``replace``, an existing index there is discarded first (``index --rebuild``).
    Raises CacheUnusable with the reason in Japanese when it cannot be written."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder.parent)
        tmp = folder.parent / _temp_name()
        os.mkdir(tmp, 0o777)  # the umask decides who else may read it (a shared cache folder)
    except OSError as exc:
        raise CacheUnusable(_reason(exc)) from exc
    try:
        _write_files(index, tmp, settings)
        if replace and _exists(folder):
            discard_index(folder)
        try:
            os.replace(tmp, folder)  # atomic; fails if another process already put a whole one there
        except OSError:
            if _exists(folder / "meta.json"):
                return folder  # another writer finished first: same key, same content
            _rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
    except OSError as exc:
        raise CacheUnusable(_reason(exc)) from exc
    finally:
        if tmp.exists():
            _rmtree(tmp, ignore_errors=True)
    return folder


def _write_files(index: SearchIndex, tmp: Path, settings: IndexSettings) -> None:
    rows = index._rows  # made by the build's workers; an index read from a cache has none
    if rows is None:
        from .prepare import passage_row
        rows = [passage_row(index.passage(pid), index.surfaces(pid), index.docs[int(index.passage_doc[pid])].source)
                for pid in range(index.n_passages)]
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in rows], out=offsets[1:])
    with (tmp / "passages.jsonl").open("wb") as handle:
        handle.write(b"".join(rows))
    arrays = {
        "offsets": index.postings.offsets, "passage_ids": index.postings.passage_ids,
        "impacts": index.postings.impacts, "idf": index.postings.idf,
        "passage_doc": index.passage_doc, "defines": index.defines, "opens": index.opens,
        "howto": index.howto if index.howto is not None else np.zeros(0, dtype=np.int8),
        "passage_offsets": offsets,
    }
    for name, array in arrays.items():
        try:
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        except OSError as exc:  # numpy says "N requested and M written": a full disk
            raise OSError(exc.errno or errno.ENOSPC, os.strerror(exc.errno or errno.ENOSPC)) from exc
    _write_json(tmp / "concepts.json", [[list(phrases), list(terms)] for phrases, terms in index.concepts.entries])
    _write_json(tmp / "synonyms.json", synonyms_to_json(index.synonyms))
    _write_json(tmp / "sections.json", [" ".join(index.section_terms(pid)) for pid in range(index.n_passages)])
    _write_json(tmp / "own_headings.json", [list(index.own_heading(pid) or ()) for pid in range(index.n_passages)])
    _write_json(tmp / "vocab.json", list(index.postings.vocab))
    files = {p.name: file_checksum(p) for p in sorted(tmp.iterdir())}
    meta = {
        "format": INDEX_FORMAT, "version": __version__, "settings": asdict(settings),
        "docs": [dict(d.__dict__) for d in index.docs],  # asdict's deep copies cost 30 ms on the docs
        "stats": asdict(index.stats), "problems": [asdict(p) for p in index.problems],
        "notices": index.notices, "synonyms_digest": index.synonyms.digest,
        "files": files, "n_passages": index.n_passages,
    }
    _write_json(tmp / "meta.json", meta)


def _write_json(path: Path, data: object) -> None:
    """JSON in UTF-8; text that cannot be UTF-8 (lone surrogates) is kept as JSON escapes."""
    try:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raw = json.dumps(data, ensure_ascii=True).encode("ascii")
    with path.open("wb") as handle:
        handle.write(raw)


def _rmtree(path: Path, ignore_errors: bool = False) -> None:
    """``shutil.rmtree``, imported only when something is removed: a warm start never does."""
    import shutil
    shutil.rmtree(path, ignore_errors=ignore_errors)


def _reason(exc: OSError) -> str:
    """Why a cache folder could not be used, in Japanese (never a library's English text)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "ディスクの空きが足りません"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "権限がありません"
    if exc.errno == errno.EROFS:
        return "読み取り専用です"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "フォルダではないものがあります"
    return "書き込めません"


# --- load -------------------------------------------------------------------------------------------

def _exists(path: Path) -> bool:
    """Whether ``path`` exists; a folder we may not look into raises CacheUnusable."""
    try:
        os.stat(path)
        return True
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False
    except OSError as exc:
        raise CacheUnusable(_reason(exc)) from exc


def _small_file(path: Path) -> bytes | None:
    """The whole content of a cache file checked whole (up to FULL_CHECK_BYTES); None for a larger one."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size > FULL_CHECK_BYTES:
            return None
        return handle.read()


_NPY_HEADER = re.compile(rb"\x93NUMPY\x01\x00..\{'descr': '([<>|][a-z]\d{1,2})', 'fortran_order': False, "
                         rb"'shape': \((\d+),\), \} *\n", re.S)
"""The header ``np.save`` writes for a one-dimensional array (format 1.0): read without numpy's
literal parser, which compiles it with ``ast`` (a quarter of a millisecond for nine arrays)."""


def _array(path: Path, raw: bytes | None) -> np.ndarray:
    """A saved one-dimensional array: straight from the bytes already read for a small file, else
    memory-mapped. Either way a plain read-only ndarray (indexing a np.memmap costs a subclass
    object each time)."""
    if raw is not None and (header := _NPY_HEADER.match(raw)):
        dtype = np.dtype(header.group(1).decode("ascii"))
        if not dtype.hasobject:
            return np.frombuffer(raw, dtype=dtype, count=int(header.group(2)), offset=header.end())
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def load_index(folder: Path) -> SearchIndex:
    """Open a cached index (arrays memory-mapped) after checking every file's checksum.

    Raises CacheDamaged on anything unexpected, CacheUnusable when it may not be read."""
    try:
        meta = json.loads((folder / "meta.json").read_bytes())
        if meta.get("format") != INDEX_FORMAT or meta.get("version") != __version__:
            raise CacheDamaged("古い形式")
        expected = meta["files"]
        present = sorted(p.name for p in folder.iterdir() if p.name != "meta.json")
        if present != sorted(expected):
            raise CacheDamaged("ファイルが足りないか多すぎます")
        read: dict[str, bytes] = {}  # small files, read once for both their check and their content
        for name, checksum in expected.items():
            raw = _small_file(folder / name)
            if raw is not None:
                read[name] = raw
            if ([len(raw), zlib.crc32(raw)] if raw is not None else file_checksum(folder / name)) != checksum:
                raise CacheDamaged(f"{name} の中身が記録と違います")
        arrays = {name: _array(folder / f"{name}.npy", read.get(f"{name}.npy")) for name in _ARRAYS}
        vocab_list = json.loads(read.get("vocab.json") or (folder / "vocab.json").read_bytes())
        n = int(meta["n_passages"])
        docs = [DocInfo(**{**d, "title_terms": tuple(d.get("title_terms", ()))}) for d in meta["docs"]]
        ok = (len(arrays["offsets"]) == len(vocab_list) + 1 == len(arrays["idf"]) + 1
              and len(arrays["passage_ids"]) == len(arrays["impacts"]) == int(arrays["offsets"][-1])
              and len(arrays["passage_doc"]) == n == len(arrays["defines"]) == len(arrays["opens"])
              and len(arrays["howto"]) in (0, n)
              and len(arrays["passage_offsets"]) == n + 1
              and (folder / "passages.jsonl").stat().st_size == int(arrays["passage_offsets"][-1]))
        if not ok:
            raise CacheDamaged("配列の大きさが合いません")
        postings = ImpactIndex(dict(zip(vocab_list, range(len(vocab_list)))), arrays["offsets"],
                             arrays["passage_ids"], arrays["impacts"], arrays["idf"], n)
        stats = IndexStats(**meta["stats"])
        stats.cache_path, stats.from_cache = str(folder), True
        problems = [Problem(**p) for p in meta.get("problems", [])]
        synonyms = synonyms_from_json(json.loads(read.get("synonyms.json") or (folder / "synonyms.json").read_bytes()),
                                      str(meta["synonyms_digest"]))
        concepts = Concepts([(tuple(p), tuple(t)) for p, t in
                             json.loads(read.get("concepts.json") or (folder / "concepts.json").read_bytes())])
        return SearchIndex(docs, arrays["passage_doc"], arrays["defines"], arrays["opens"], postings, stats, problems,
                           synonyms, concepts, list(meta["notices"]),
                           _section_file=folder / "sections.json", _own_heading_file=folder / "own_headings.json",
                           _passage_file=folder / "passages.jsonl", howto=arrays["howto"] if len(arrays["howto"]) else None,
                           _passage_offsets=arrays["passage_offsets"])
    except (CacheDamaged, CacheUnusable):
        raise
    except PermissionError as exc:
        raise CacheUnusable(_reason(exc)) from exc
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
        raise CacheDamaged(exc.__class__.__name__) from exc


# --- discard and prune ------------------------------------------------------------------------------

def discard_index(folder: Path) -> None:
    """Move a damaged index folder out of the way (atomically), then delete it; never fails."""
    try:
        trash = folder.parent / _temp_name("trash")
        os.mkdir(trash, 0o700)
        os.replace(folder, trash / "old")
        _rmtree(trash, ignore_errors=True)
    except OSError:
        _rmtree(folder, ignore_errors=True)


def _writer_gone(name: str) -> bool:
    """Whether the process named in ``.tmp-<pid>-<host>-…`` has ended (False when unknown, alive or
    on another host)."""
    parts = name.split("-")
    if len(parts) != 4 or not parts[1].isdigit() or parts[2] != _host_tag() or os.name != "posix":
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, owned by someone else
        return False
    return False


def remove_stale_temporaries(root: Path) -> None:
    """Remove ``.tmp-*``/``.trash-*`` files and folders whose writer is gone (or that are older
    than an hour: pids are reused); never fails."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if not entry.name.startswith((".tmp-", ".trash-")):
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
        except OSError:
            continue
        if old or _writer_gone(entry.name):
            _remove(Path(entry.path))


def _remove(path: Path) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            _rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def prune_caches(root: Path, keep: int = KEEP_CACHES) -> None:
    """Remove the least recently used index folders beyond ``keep``; never fails."""
    try:
        folders = [p for p in root.iterdir() if p.name.startswith("index-") and p.is_dir()]
        folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[keep:]:
            _rmtree(old, ignore_errors=True)
    except OSError:
        pass


def _touch(folder: Path) -> None:
    """Mark an index folder as recently used (for pruning); never fails."""
    try:
        now = time.time()
        os.utime(folder, (now, now))
    except OSError:
        pass


# --- the one entry point ----------------------------------------------------------------------------

Build = Callable[[], "tuple[SearchIndex, Corpus]"]  # the corpus says what the build read


def open_index(paths: list[Path], base_url: str | None, settings: Callable[[], IndexSettings], build: Build,
               cache_dir: Path | None = None, notify: Notify | None = None, use_cache: bool = True,
               rebuild: bool = False) -> SearchIndex:
    """The index of ``paths``: from the cache when it holds a whole one for this content and these
    settings, else built (and saved when the content read is the content the key names).

    ``settings`` is called before and after the build: a vocabulary file edited meanwhile also
    keeps the index out of the cache. ``rebuild`` builds even when a cached index exists and
    replaces it. Problems are said through ``notify`` (at most one notice about the folder)."""
    say = notify or (lambda message: None)
    if not use_cache:
        return build()[0]
    root = cache_dir or default_cache_dir()
    wanted = settings()
    fingerprint = corpus_fingerprint(root, paths)
    folder = index_folder(root, cache_key(fingerprint, wanted, base_url))
    told = False
    if not rebuild:
        try:
            if _exists(folder / "meta.json"):
                index = load_index(folder)
                _touch(folder)
                return index
        except CacheDamaged as exc:
            say(DAMAGED.format(what=exc))
            discard_index(folder)
        except CacheUnusable as exc:
            say(NOT_READABLE.format(root=root, reason=exc))
            told = True
    index, corpus = build()
    from .corpus import read_fingerprint

    if sorted(read_fingerprint(corpus, fingerprint)) != sorted(fingerprint) or settings() != wanted:
        say(CHANGED)
        return index
    try:
        save_index(index, folder, wanted, replace=rebuild)
        index.stats.cache_path = str(folder)
        prune_caches(root)
    except CacheUnusable as exc:
        if not told:
            say(NOT_SAVED.format(root=root, reason=exc))
    return index
