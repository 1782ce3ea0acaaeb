"""Index: analyze passages into weighted fields, score them with BM25, and cache the result.

The cache is plain data (JSON, JSON Lines and ``.npy`` arrays memory-mapped on load), never pickle.
It lives in one folder per cache key (corpus content, analyzer settings, index settings, package
version), written to a temporary folder and renamed into place, so readers never see half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import __version__
from .analyzer import Analyzer, Concepts, Synonyms, synonyms_from_json, synonyms_to_json, terms_of
from .bm25 import ImpactIndex, build_impact_index
from .chunking import CHUNKING_VERSION, MAX_PASSAGE_CHARS, MIN_PASSAGE_CHARS, Passage, chunk_documents
from .corpus import Corpus, Problem

INDEX_FORMAT = "10"
TITLE_WEIGHT = 3
SECTION_WEIGHT = 2
DESCRIPTION_WEIGHT = 1
KEEP_CACHES = 12

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DocInfo:
    """What the interfaces need to list and link a document."""

    doc_id: str
    title: str
    source: str | None
    path: str
    chapter: str
    order: int
    first_passage: int
    passage_count: int
    description: str = ""
    title_terms: tuple[str, ...] = ()
    kind: str = ""  # task, tutorial, concept, reference, from the page's front matter
    kubernetes: str = ""  # version the article was checked against ("1.34"), "" when not stamped
    checked: str = ""  # date of that check ("2026-11-29"), "" when not stamped


@dataclass
class IndexStats:
    documents: int
    passages: int
    tokens: int
    build_seconds: float = 0.0
    cache_path: str | None = None
    from_cache: bool = False


@dataclass
class SearchIndex:
    """Passages, documents and the BM25 impact index; passage texts are read on demand."""

    docs: list[DocInfo]
    passage_doc: np.ndarray  # int32: passage -> document index
    defines: np.ndarray  # int8: 1 where the passage's own heading asks "what is" (とは, 何ですか)
    opens: np.ndarray  # int8: 1 where the passage is the first piece of its section
    scorer: ImpactIndex
    stats: IndexStats
    problems: list[Problem] = field(default_factory=list)
    synonyms: Synonyms = field(default_factory=Synonyms)
    concepts: Concepts = field(default_factory=Concepts)
    notices: list[str] = field(default_factory=list)  # said on every open (e.g. an unusable synonym file)
    _section_terms: list[tuple[str, ...]] | None = None
    _section_file: Path | None = None
    _passages: list[Passage] | None = None
    _surfaces: list[dict[str, str]] | None = None
    _passage_file: Path | None = None
    _passage_offsets: np.ndarray | None = None

    def _row(self, pid: int) -> dict:
        assert self._passage_file is not None and self._passage_offsets is not None
        start, end = int(self._passage_offsets[pid]), int(self._passage_offsets[pid + 1])
        with self._passage_file.open("rb") as handle:
            handle.seek(start)
            return json.loads(handle.read(end - start))

    def passage(self, pid: int) -> Passage:
        """One passage, read from memory or from the cache file."""
        if self._passages is not None:
            return self._passages[pid]
        row = self._row(pid)
        doc = self.docs[int(self.passage_doc[pid])]
        return Passage(doc.doc_id, doc.title, row["s"], row["t"], doc.source, doc.path, doc.chapter)

    def surfaces(self, pid: int) -> dict[str, str]:
        """How each word of a passage's text was analyzed (surface -> term), for highlighting
        and quoting without running the analyzer again."""
        if self._surfaces is not None:
            return self._surfaces[pid]
        return dict(self._row(pid)["m"])

    def section_terms(self, pid: int) -> tuple[str, ...]:
        """Analyzed heading path of one passage (read from the cache on first use)."""
        if self._section_terms is None:
            assert self._section_file is not None
            self._section_terms = [tuple(s.split(" ")) if s else () for s in
                                   json.loads(self._section_file.read_text("utf-8"))]
        return self._section_terms[pid]

    def doc_passages(self, doc_index: int) -> list[Passage]:
        """All passages of one document, in reading order."""
        doc = self.docs[doc_index]
        return [self.passage(p) for p in range(doc.first_passage, doc.first_passage + doc.passage_count)]

    @property
    def n_passages(self) -> int:
        return int(self.scorer.n_passages)


# --- building --------------------------------------------------------------------------------------

def passage_fields(passage: Passage, description: str) -> tuple[str, str, str]:
    """(title, section, body) texts of a passage; the description joins the title field."""
    section = passage.section.replace(" › ", "\n")
    return (passage.title + ("\n" + description if description else ""), section, passage.text)


Analyzed = tuple[list[str], dict[str, str]]  # (terms, surface -> term) of one text
PROCESS_THRESHOLD = 1_000_000  # characters: below this, worker processes cost more than they save
_worker_analyzer: Analyzer | None = None


def _analyze_one(analyzer: Analyzer, text: str) -> Analyzed:
    tokens = analyzer.tokens(text)
    return terms_of(tokens), {t.surface: t.term for t in tokens if t.surface.strip()}


def _init_worker(rows: dict, digest: str) -> None:
    global _worker_analyzer
    _worker_analyzer = Analyzer(synonyms_from_json(rows, digest))


def _analyze_batch(texts: list[str]) -> list[Analyzed]:
    assert _worker_analyzer is not None
    return [_analyze_one(_worker_analyzer, text) for text in texts]


def _analyze_all(texts: list[str], analyzer: Analyzer, progress: Progress | None) -> list[Analyzed]:
    """Analyze texts on every core: worker processes for a large corpus (Sudachi holds the GIL for
    most of its work), threads with one tokenizer each otherwise. Same result either way."""
    workers = max(1, min(os.cpu_count() or 1, 8))
    step = 64
    batches = [texts[i:i + step] for i in range(0, len(texts), step)]
    results: list[Analyzed] = []
    if workers > 1 and sum(map(len, texts)) > PROCESS_THRESHOLD:
        try:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor
            context = multiprocessing.get_context("spawn")  # no fork: the caller may run threads (the chat app)
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                     initargs=(synonyms_to_json(analyzer.synonyms), analyzer.synonyms.digest)) as pool:
                for batch in pool.map(_analyze_batch, batches):
                    results.extend(batch)
                    if progress:
                        progress(len(results), len(texts))
            return results
        except (OSError, RuntimeError, ImportError):  # no processes here (sandbox, frozen app): use threads
            results = []

    from concurrent.futures import ThreadPoolExecutor

    def run(batch: list[str]) -> list[Analyzed]:
        return [_analyze_one(analyzer, text) for text in batch]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for batch in pool.map(run, batches):
            results.extend(batch)
            if progress:
                progress(len(results), len(texts))
    return results


def build_index(corpus: Corpus, analyzer: Analyzer, progress: Progress | None = None) -> SearchIndex:
    """Chunk, analyze and score a loaded corpus."""
    started = time.perf_counter()
    documents = sorted(corpus.documents, key=lambda d: (d.order == 0, d.order, d.path, d.doc_id)) \
        if all(d.order for d in corpus.documents) else list(corpus.documents)
    passages: list[Passage] = []
    docs: list[DocInfo] = []
    owner: list[int] = []
    descriptions: list[str] = []
    for di, doc in enumerate(documents):
        mine = chunk_documents([doc])
        docs.append(DocInfo(doc.doc_id, doc.title, doc.source, doc.path, doc.chapter, doc.order,
                            len(passages), len(mine), doc.description, tuple(dict.fromkeys(analyzer.terms(doc.title))),
                            doc.kind, doc.kubernetes, doc.checked))
        passages.extend(mine)
        owner.extend([di] * len(mine))
        descriptions.extend([doc.description] * len(mine))
    # Title, section and body are analyzed separately, then weighted by repetition.
    texts: list[str] = []
    for passage, description in zip(passages, descriptions):
        texts.extend(passage_fields(passage, description))
    unique = list(dict.fromkeys(texts))  # a title is shared by all passages of its document
    analyzed_unique = dict(zip(unique, _analyze_all(unique, analyzer, progress)))
    analyzed = [analyzed_unique[t] for t in texts]
    corpus_terms: list[list[str]] = []
    section_terms: list[tuple[str, ...]] = []
    surfaces: list[dict[str, str]] = []
    for i in range(len(passages)):
        (title, _), (section, _), (body, body_surfaces) = analyzed[3 * i: 3 * i + 3]
        corpus_terms.append(body + title * TITLE_WEIGHT + section * SECTION_WEIGHT)
        section_terms.append(tuple(dict.fromkeys(t for t in section if " " not in t)))
        surfaces.append(body_surfaces)
    scorer = build_impact_index(corpus_terms)
    stats = IndexStats(len(docs), len(passages), sum(len(t) for t in corpus_terms),
                       time.perf_counter() - started)
    defines = np.asarray([_is_definition_heading(p.section) for p in passages], dtype=np.int8)
    opens = np.asarray([i == 0 or passages[i - 1].section != p.section or passages[i - 1].doc_id != p.doc_id
                        for i, p in enumerate(passages)], dtype=np.int8)
    return SearchIndex(docs, np.asarray(owner, dtype=np.int32), defines, opens, scorer, stats, list(corpus.problems),
                       _section_terms=section_terms, _passages=passages, _surfaces=surfaces)


_DEFINITION = re.compile(r"とは|って何|ってなに|何ですか|なんですか|是什么|what is", re.I)


def _is_definition_heading(section: str) -> bool:
    """The passage answers "what is X": its own heading asks it, or it is an article's lead."""
    own = section.split(" › ")[-1] if section else ""
    return not section or bool(_DEFINITION.search(own))


def corpus_terms_for(index: SearchIndex, analyzer: Analyzer) -> list[list[str]]:
    """The weighted terms of every passage again (for checks against the reference scorer)."""
    out: list[list[str]] = []
    for pid in range(index.n_passages):
        p = index.passage(pid)
        doc = index.docs[int(index.passage_doc[pid])]
        title, section, body = (analyzer.terms(t) for t in passage_fields(p, doc.description))
        out.append(body + title * TITLE_WEIGHT + section * SECTION_WEIGHT)
    return out


# --- cache -----------------------------------------------------------------------------------------

def default_cache_dir() -> Path:
    """``$K8S_ASSISTANT_CACHE_DIR``, else the platform's user cache folder."""
    env = os.environ.get("K8S_ASSISTANT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir
    return Path(user_cache_dir("k8s-assistant", appauthor=False))


def cache_key(fingerprint: list[tuple[str, str]], analyzer_settings: str, base_url: str | None) -> str:
    """Key of an index: corpus content, analyzer and index settings, package version."""
    h = hashlib.sha256()
    chunking = f"{CHUNKING_VERSION},{MAX_PASSAGE_CHARS},{MIN_PASSAGE_CHARS}"
    for part in (INDEX_FORMAT, __version__, analyzer_settings, base_url or "", chunking,
                 f"{TITLE_WEIGHT},{SECTION_WEIGHT},{DESCRIPTION_WEIGHT}"):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for path, digest in sorted(fingerprint):
        h.update(path.encode("utf-8", "surrogateescape") + b"\0" + digest.encode() + b"\0")
    return h.hexdigest()[:32]


_ARRAYS = ("offsets", "passage_ids", "impacts", "idf", "passage_doc", "defines", "opens", "passage_offsets")


def save_index(index: SearchIndex, folder: Path) -> Path:
    """Write an index into ``folder`` atomically; returns the folder. Raises OSError when it cannot."""
    import shutil
    import tempfile

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        offsets = [0]
        with (tmp / "passages.jsonl").open("wb") as handle:
            for pid in range(index.n_passages):
                p = index.passage(pid)
                row = {"s": p.section, "t": p.text, "m": list(index.surfaces(pid).items())}
                line = json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n"
                handle.write(line)
                offsets.append(offsets[-1] + len(line))
        arrays = {
            "offsets": index.scorer.offsets, "passage_ids": index.scorer.passage_ids,
            "impacts": index.scorer.impacts, "idf": index.scorer.idf,
            "passage_doc": index.passage_doc, "defines": index.defines, "opens": index.opens,
            "passage_offsets": np.asarray(offsets, dtype=np.int64),
        }
        for name, array in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        (tmp / "concepts.json").write_text(json.dumps(
            [[list(phrases), list(terms)] for phrases, terms in index.concepts.entries], ensure_ascii=False), "utf-8")
        (tmp / "synonyms.json").write_text(json.dumps(synonyms_to_json(index.synonyms), ensure_ascii=False), "utf-8")
        (tmp / "sections.json").write_text(json.dumps(
            [" ".join(index.section_terms(pid)) for pid in range(index.n_passages)], ensure_ascii=False), "utf-8")
        (tmp / "vocab.json").write_text(json.dumps(list(index.scorer.vocab), ensure_ascii=False), "utf-8")
        meta = {
            "format": INDEX_FORMAT, "version": __version__, "docs": [asdict(d) for d in index.docs],
            "stats": asdict(index.stats), "problems": [asdict(p) for p in index.problems],
            "notices": index.notices, "synonyms_digest": index.synonyms.digest,
            "sizes": {name: (tmp / f"{name}.npy").stat().st_size for name in _ARRAYS},
            "n_passages": index.n_passages,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        try:
            os.replace(tmp, folder)  # atomic; fails if another process already put a whole one there
        except OSError:
            if not (folder / "meta.json").is_file():
                shutil.rmtree(folder, ignore_errors=True)
                os.replace(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return folder


class CacheDamaged(Exception):
    """The cached index cannot be used and must be rebuilt."""


def load_index(folder: Path) -> SearchIndex:
    """Open a cached index (arrays memory-mapped). Raises CacheDamaged on anything unexpected."""
    try:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        if meta.get("format") != INDEX_FORMAT or meta.get("version") != __version__:
            raise CacheDamaged("古い形式")
        for name in _ARRAYS:
            if (folder / f"{name}.npy").stat().st_size != meta["sizes"][name]:
                raise CacheDamaged(f"{name}.npy の大きさが違う")
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS}
        vocab_list = json.loads((folder / "vocab.json").read_text("utf-8"))
        n = int(meta["n_passages"])
        docs = [DocInfo(**{**d, "title_terms": tuple(d.get("title_terms", ()))}) for d in meta["docs"]]
        ok = (len(arrays["offsets"]) == len(vocab_list) + 1 == len(arrays["idf"]) + 1
              and len(arrays["passage_ids"]) == len(arrays["impacts"]) == int(arrays["offsets"][-1])
              and len(arrays["passage_doc"]) == n == len(arrays["defines"]) == len(arrays["opens"]) and len(arrays["passage_offsets"]) == n + 1
              and (folder / "passages.jsonl").stat().st_size == int(arrays["passage_offsets"][-1])
              and (folder / "sections.json").is_file())
        if not ok:
            raise CacheDamaged("配列の大きさが合わない")
        scorer = ImpactIndex({t: i for i, t in enumerate(vocab_list)}, arrays["offsets"],
                             arrays["passage_ids"], arrays["impacts"], arrays["idf"], n)
        stats = IndexStats(**meta["stats"])
        stats.cache_path, stats.from_cache = str(folder), True
        problems = [Problem(**p) for p in meta.get("problems", [])]
        synonyms = synonyms_from_json(json.loads((folder / "synonyms.json").read_text("utf-8")),
                                      str(meta["synonyms_digest"]))
        concepts = Concepts([(tuple(p), tuple(t)) for p, t in json.loads((folder / "concepts.json").read_text("utf-8"))])
        return SearchIndex(docs, arrays["passage_doc"], arrays["defines"], arrays["opens"], scorer, stats, problems, synonyms,
                           concepts, list(meta["notices"]),
                           _section_file=folder / "sections.json", _passage_file=folder / "passages.jsonl",
                           _passage_offsets=arrays["passage_offsets"])
    except CacheDamaged:
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise CacheDamaged(exc.__class__.__name__) from exc


def _manifest_file(root: Path, paths: list[Path]) -> Path:
    name = hashlib.sha256("\0".join(os.path.abspath(p) for p in paths).encode("utf-8", "surrogateescape"))
    return root / f"files-{name.hexdigest()[:16]}.json"


def load_manifest(root: Path, paths: list[Path]) -> dict[str, list]:
    """What is known of the corpus files' digests (see corpus.fingerprint_files); empty when unreadable."""
    try:
        data = json.loads(_manifest_file(root, paths).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_manifest(root: Path, paths: list[Path], manifest: dict[str, list]) -> None:
    """Write the manifest atomically; a cache folder that cannot be written is not an error here."""
    import tempfile

    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=root)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, ensure_ascii=False)
        os.replace(tmp, _manifest_file(root, paths))
    except OSError:
        pass


def discard_index(folder: Path) -> None:
    """Move a damaged index folder out of the way (atomically), then delete it; never fails."""
    import shutil
    import tempfile

    try:
        trash = Path(tempfile.mkdtemp(prefix=".trash-", dir=folder.parent))
        os.replace(folder, trash / "old")
        shutil.rmtree(trash, ignore_errors=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def prune_caches(root: Path, keep: int = KEEP_CACHES) -> None:
    """Remove the least recently used index folders beyond ``keep``; never fails."""
    import shutil

    try:
        for stale in root.glob(".t*-*"):  # left by a process that was killed mid-write
            if time.time() - stale.stat().st_mtime > 3600:
                shutil.rmtree(stale, ignore_errors=True)
        folders = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("index-")]
        folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[keep:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
