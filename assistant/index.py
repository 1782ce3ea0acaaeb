"""Index: analyze passages into weighted fields and score them with BM25.

What shapes an index is one frozen :class:`IndexSettings`, written into the cache's ``meta.json``
and part of its key. Saving and loading live in :mod:`assistant.cache`.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .analyzer import Analyzer, Concepts, Synonyms
from .bm25 import ImpactIndex, impact_index_from_counts
from .chunking import CHUNKING_VERSION, MAX_PASSAGE_CHARS, MIN_PASSAGE_CHARS, SECTION_SEPARATOR, Passage
from .files import Problem

if TYPE_CHECKING:  # loading and preparing are imported when building: a warm start never does
    from .corpus import Corpus, Document
    from .prepare import FileJob, Prepared, Shaping


@dataclass(frozen=True)
class IndexSettings:
    """What shapes an index: passed to ``build_index``, saved in the cache's meta.json and part of its key."""

    title_weight: int = 3
    """Repetitions of a passage's title terms (article title + description): title words rank first."""
    section_weight: int = 2
    """Repetitions of its heading path's terms: a passage under a matching heading outranks a mention."""
    max_passage_chars: int = MAX_PASSAGE_CHARS
    """Longer sections are split at paragraph boundaries (code blocks kept whole)."""
    min_passage_chars: int = MIN_PASSAGE_CHARS
    """Shorter pieces are joined to their neighbour."""
    chunking: str = CHUNKING_VERSION
    """Version of the chunking rules."""
    analyzer: str = ""
    """The analyzer's settings and the digests of the synonym and concept files."""

    def as_key(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    def shaping(self) -> "Shaping":
        """What of these settings preparing a passage depends on (handed to every build worker)."""
        from .prepare import Shaping
        return Shaping(self.max_passage_chars, self.min_passage_chars, self.title_weight, self.section_weight)


INDEX_SETTINGS = IndexSettings()

Progress = Callable[[int, int], None]


class CacheDamaged(Exception):
    """The cached index cannot be used and must be rebuilt; ``folder`` is the index folder when
    the damage is found after opening (a passage read on demand)."""

    def __init__(self, what: str, folder: Path | None = None) -> None:
        super().__init__(what)
        self.folder = folder


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
    explained_at: str = ""  # a glossary entry's full_link, as a page key (corpus.page_key)


@dataclass
class IndexStats:
    documents: int
    passages: int
    tokens: int
    build_seconds: float = 0.0
    cache_path: str | None = None
    from_cache: bool = False


_WORD_TABLE = b', "m": '  # how the last field of a passage row starts (prepare.passage_row)


@dataclass
class SearchIndex:
    """Passages, documents and the BM25 impact index; passage texts are read on demand."""

    docs: list[DocInfo]
    passage_doc: np.ndarray  # int32: passage -> document index
    defines: np.ndarray  # int8: 1 where the passage's own heading asks "what is" (とは, 何ですか)
    opens: np.ndarray  # int8: 1 where the passage is the first piece of its section
    postings: ImpactIndex
    stats: IndexStats
    problems: list[Problem] = field(default_factory=list)
    synonyms: Synonyms = field(default_factory=Synonyms)
    concepts: Concepts = field(default_factory=Concepts)
    notices: list[str] = field(default_factory=list)  # said on every open (e.g. an unusable synonym file)
    _section_terms: list[tuple[str, ...]] | None = None
    _section_file: Path | None = None
    _own_headings: list[tuple[str, ...]] | None = None
    howto: np.ndarray | None = None  # int8: 1 where the passage's own heading asks how (「…するには？」)
    _own_heading_file: Path | None = None
    _passage_file: Path | None = None
    _passage_offsets: np.ndarray | None = None
    _rows: list[bytes] | None = None  # a fresh build's passages.jsonl lines (prepare.passage_row), kept in memory
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """What the asking path derives from this index once and reuses (vocabulary by length, heading
    sets, title pointers, recent passage rows…), named by key; never saved."""

    def _row(self, pid: int) -> dict:
        """One passage's row of the cache file; the last few are kept, since answering reads a shown
        passage's text and then its surfaces."""
        rows = self.memo.setdefault("_recent_rows", {})
        row = rows.get(pid)
        if row is None:
            if len(rows) >= 64:
                rows.clear()
            row = rows[pid] = self._read_row(pid)
        return row

    def _read_row(self, pid: int) -> dict:
        """A row's heading path, text and link; its word table (the last field, most of the line) is
        kept as bytes and decoded only when ``surfaces`` asks (most shown passages never need it)."""
        try:
            if self._rows is not None:  # a fresh build: the very lines it saves
                raw = self._rows[pid]
            else:
                assert self._passage_file is not None and self._passage_offsets is not None
                start, end = int(self._passage_offsets[pid]), int(self._passage_offsets[pid + 1])
                rows = self.memo.get("_passage_map")
                if rows is None:  # mapped once: opening the file for every row was a tenth of a question's time
                    with self._passage_file.open("rb") as handle:
                        rows = self.memo["_passage_map"] = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                raw = rows[start:end]
            # In JSON text a quote inside a string is escaped, so the last ', "m": ' is the key itself.
            cut = raw.rfind(_WORD_TABLE)
            body = raw.rstrip()
            if cut < 0 or not body.endswith(b"}"):
                raise ValueError("no word table")
            row = json.loads(raw[:cut] + b"}")
            if not isinstance(row, dict):
                raise ValueError("not an object")
            row["m"] = body[cut + len(_WORD_TABLE):-1]
            return row
        except (OSError, ValueError) as exc:  # large files are checked by samples on load
            raise self._damaged(pid) from exc

    def _damaged(self, pid: int) -> CacheDamaged:
        """The error for a passage row that cannot be read (named by the cache folder it came from)."""
        return CacheDamaged(f"passages.jsonl の {pid} 番目", self._passage_file.parent if self._passage_file else Path("."))

    def passage(self, pid: int) -> Passage:
        """One passage, read from its row (in memory after a build, else in the cache file)."""
        row = self._row(pid)
        doc = self.docs[int(self.passage_doc[pid])]
        return Passage(doc.doc_id, doc.title, row["s"], row["t"], row.get("u") or doc.source, doc.path, doc.chapter)

    def surfaces(self, pid: int) -> dict[str, str]:
        """How each word of a passage's text was analyzed (surface -> term), for highlighting
        and quoting without running the analyzer again."""
        row = self._row(pid)
        table = row["m"]
        if isinstance(table, bytes):  # decoded on first use, then kept with the row
            try:
                table = row["m"] = json.loads(table)
            except ValueError as exc:
                raise self._damaged(pid) from exc
        return dict(table)

    def section_terms(self, pid: int) -> tuple[str, ...]:
        """Analyzed heading path of one passage (read from the cache on first use)."""
        if self._section_terms is None:
            assert self._section_file is not None
            self._section_terms = [tuple(s.split(" ")) if s else () for s in
                                   json.loads(self._section_file.read_text("utf-8"))]
        return self._section_terms[pid]

    def own_heading(self, pid: int) -> tuple[str, ...] | None:
        """Distinct terms of a passage's own (last) heading, analyzed when the index was built (read
        from the cache on first use); None for an index that does not have them."""
        if self._own_headings is None:
            if self._own_heading_file is None:
                return None
            self._own_headings = [tuple(t) for t in json.loads(self._own_heading_file.read_bytes())]
        return self._own_headings[pid]

    def doc_passages(self, doc_index: int) -> list[Passage]:
        """All passages of one document, in reading order."""
        doc = self.docs[doc_index]
        return [self.passage(p) for p in range(doc.first_passage, doc.first_passage + doc.passage_count)]

    @property
    def n_passages(self) -> int:
        return int(self.postings.n_passages)


# --- building --------------------------------------------------------------------------------------

PROCESS_THRESHOLD = 2_000_000  # bytes of corpus files: below this, a child process costs more than it saves


def build_index(corpus: Corpus, analyzer: Analyzer, progress: Progress | None = None,
                settings: IndexSettings = INDEX_SETTINGS) -> SearchIndex:
    """Chunk, analyze and score a loaded corpus, in this process (``build_corpus_index`` reads,
    chunks and analyzes the files on every core and gives the same index)."""
    from .prepare import prepare_document  # lazily, as everything that only builds: a warm start never does

    started = time.perf_counter()
    prepared = []
    seen: dict = {}
    for i, doc in enumerate(corpus.documents):
        prepared.append(prepare_document(doc, analyzer, settings.shaping(), seen))
        if progress:
            progress(i + 1, len(corpus.documents))
    return assemble_index(corpus.documents, prepared, corpus.problems, settings, started)


class BuildPlan:
    """A cold build under way: the corpus roots listed (what they hold, the problems seen so far)
    and the children started, so that their start-up overlaps the rest of the opening."""

    def __init__(self, paths: list[Path]) -> None:
        from .corpus import Corpus, open_root
        from .pool import start_children, usable_cores  # lazily: a warm start never builds

        self.started = time.perf_counter()
        self.paths = paths
        self.corpus = Corpus()
        self.listings = [open_root(Path(p), self.corpus) for p in paths]  # CorpusError: no child started yet
        size = sum(info.st_size for listing in self.listings for info in listing.stats.values())
        self.children = start_children(min(usable_cores(), 8) - 1) if size > PROCESS_THRESHOLD else []

    def close(self) -> None:
        """End the children at once (the build failed or was interrupted)."""
        from .pool import close_all
        close_all(self.children, kill=True)
        self.children = []


def build_corpus_index(plan: BuildPlan, base_url: str | None, analyzer: Analyzer, progress: Progress | None = None,
                       settings: IndexSettings = INDEX_SETTINGS) -> tuple[SearchIndex, Corpus]:
    """Read, chunk and analyze every file of a planned build (here and in its children, one file
    at a time from a shared list), then merge in corpus order: the index and corpus
    ``build_index(load_corpus(paths))`` gives. Raises CorpusError when no document was readable."""
    from .corpus import add_loads, finish_corpus, listed_files, read_glossary
    from .pool import run_tasks
    from .prepare import TASK, file_result, prepare_document

    try:
        jobs: list[FileJob] = []
        sizes: list[int] = []
        glossaries: list[dict[str, str]] = []
        for number, listing in enumerate(plan.listings):
            glossaries.append(read_glossary(listing))
            for path, rel, size in listed_files(listing):
                jobs.append((path, rel, listing.root, number))
                sizes.append(size)
        context = {"base_url": base_url, "glossaries": glossaries, "shaping": tuple(settings.shaping().__dict__.values())}
        results = run_tasks(TASK, analyzer, context, jobs, sizes, plan.children, progress)
    except BaseException:
        plan.close()
        raise
    corpus = plan.corpus
    roots: list[str] = []
    prepared: list[Prepared] = []
    by_root: list[list] = [[] for _ in plan.listings]
    for job, data in zip(jobs, results):
        by_root[job[3]].append(file_result(data))
    for root, loads in zip(plan.paths, by_root):
        add_loads(corpus, [load for load, _ in loads])
        for load, mine in loads:
            prepared.extend(mine)
            roots.extend([os.fspath(root)] * len(load.documents))
    loaded = list(corpus.documents)
    finish_corpus(corpus, plan.paths, roots)
    seen: dict = {}
    for i, (before, doc) in enumerate(zip(loaded, corpus.documents)):
        if doc is not before:  # given a unique id: its passages carry the new one (and link by it)
            prepared[i] = prepare_document(doc, analyzer, settings.shaping(), seen)
    return assemble_index(corpus.documents, prepared, corpus.problems, settings, plan.started), corpus


def assemble_index(documents: list[Document], prepared: list[Prepared], problems: list[Problem],
                   settings: IndexSettings, started: float) -> SearchIndex:
    """The index of prepared documents: guide articles in chapter order, other corpora as listed."""
    order = list(range(len(documents)))
    if all(d.order for d in documents):
        order.sort(key=lambda i: (documents[i].order == 0, documents[i].order, documents[i].path, documents[i].doc_id))
    docs: list[DocInfo] = []
    owner: list[int] = []
    sections: list[str] = []
    doc_ids: list[str] = []
    counts: list[dict[str, int]] = []
    lengths: list[int] = []
    section_terms: list[tuple[str, ...]] = []
    own_headings: list[tuple[str, ...]] = []
    rows: list[bytes] = []
    for di, i in enumerate(order):
        doc, mine = documents[i], prepared[i]
        count = len(mine.sections)
        docs.append(DocInfo(doc.doc_id, doc.title, doc.source, doc.path, doc.chapter, doc.order,
                            len(sections), count, doc.description, mine.title_terms,
                            doc.kind, doc.kubernetes, doc.checked, doc.explained_at))
        sections.extend(mine.sections)
        doc_ids.extend([doc.doc_id] * count)
        owner.extend([di] * count)
        rows.extend(mine.rows)
        for terms in mine.terms:
            counts.append(terms.counts)
            lengths.append(terms.length)
            section_terms.append(terms.section)
            own_headings.append(terms.own_heading)
    postings = impact_index_from_counts(counts, lengths)
    stats = IndexStats(len(docs), len(sections), sum(lengths), time.perf_counter() - started)
    defines = np.asarray([_is_definition_heading(s) for s in sections], dtype=np.int8)
    opens = np.asarray([i == 0 or sections[i - 1] != s or doc_ids[i - 1] != doc_ids[i]
                        for i, s in enumerate(sections)], dtype=np.int8)
    # Each passage's own heading was analyzed when it was prepared, not on first use when asking
    # (re-ranking asks for it; search.own_heading_terms); whether it asks how is found here.
    howto = np.asarray([bool(HOWTO_HEADING.search(s.split(SECTION_SEPARATOR)[-1].strip())) for s in sections],
                       dtype=np.int8)
    return SearchIndex(docs, np.asarray(owner, dtype=np.int32), defines, opens, postings, stats, list(problems),
                       _section_terms=section_terms, _own_headings=own_headings, howto=howto, _rows=rows)


_DEFINITION = re.compile(r"とは|って何|ってなに|何ですか|なんですか|是什么|what is", re.I)


HOWTO_HEADING = re.compile(r"(?:には|方法は|どうする|どう書く|どう取る|どう用意する|流れは|手順は)(?:[？?]|$)|(?:するには|には)[？?（(]"
                           r"|の手順$")
"""A heading that asks how to do something (「…を見るには？」, 「…の方法は？」, 「…を作る流れは？」, 「計算の手順」)."""


def _is_definition_heading(section: str) -> bool:
    """The passage answers "what is X": its own heading asks it, or it is an article's lead."""
    own = section.split(SECTION_SEPARATOR)[-1] if section else ""
    return not section or bool(_DEFINITION.search(own))


def corpus_terms_for(index: SearchIndex, analyzer: Analyzer,
                     settings: IndexSettings = INDEX_SETTINGS) -> list[list[str]]:
    """The weighted terms of every passage again (for checks against the reference scorer)."""
    from .prepare import passage_fields

    out: list[list[str]] = []
    for pid in range(index.n_passages):
        p = index.passage(pid)
        doc = index.docs[int(index.passage_doc[pid])]
        title, section, body = (analyzer.terms(t) for t in passage_fields(p, doc.description))
        out.append(body + title * settings.title_weight + section * settings.section_weight)
    return out
