"""Prepare: one corpus file read, cut into passages and analyzed — a build worker's unit of work.

A cold build hands the corpus files out to the building process and its analysis children
(:mod:`assistant.pool`); each reads its files, chunks them and analyzes every passage, so nothing
but merging the results runs in one process alone. Whoever does a file, the result is the same:
the building process runs exactly this code for its share, and for the files a child fails to
return. Results travel as plain tuples, lists, dicts and strings (a child's marshal frames);
:func:`file_result` turns one back into objects.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from .analyzer import Analyzer
from .chunking import SECTION_SEPARATOR, Passage, chunk_document
from .corpus import Document, FileLoad, Problem, load_file

Analyzed = tuple[list[str], dict[str, str]]  # (terms, surface -> term) of one text


@dataclass(frozen=True)
class Shaping:
    """What of the index settings preparing a passage depends on (``index.IndexSettings``)."""

    max_chars: int  # longer sections are split at paragraph boundaries
    min_chars: int  # shorter pieces join a neighbour
    title_weight: int  # repetitions of the title field's terms in the passage's terms
    section_weight: int  # repetitions of the heading path's terms


@dataclass(frozen=True)
class PassageTerms:
    """How one passage was analyzed: what BM25 needs of it, its heading's terms for re-ranking."""

    counts: dict[str, int]  # term -> frequency in body + title x title_weight + heading path x section_weight
    length: int  # number of those terms
    section: tuple[str, ...]  # distinct single-word terms of the heading path
    own_heading: tuple[str, ...]  # distinct terms of the passage's own (last) heading


@dataclass(frozen=True)
class Prepared:
    """One document cut into passages, every passage analyzed: all an index needs of it. The
    passages themselves travel as their cache rows (text, link and analyzed words in one line)."""

    title_terms: tuple[str, ...]  # distinct terms of the article title alone (DocInfo.title_terms)
    sections: list[str]  # each passage's heading path
    terms: list[PassageTerms]
    rows: list[bytes]  # each passage's line of the cache's passages.jsonl (see passage_row)


def passage_row(passage: Passage, surfaces: dict[str, str], doc_source: str | None) -> bytes:
    """A passage's line in the index cache's ``passages.jsonl``: heading path, text, how each word
    was analyzed, and its own link where it differs from the page's (a docs section's #anchor).
    Made where the passage is analyzed, so a cold build's workers share the encoding too."""
    row: dict = {"s": passage.section, "t": passage.text}
    if passage.source != doc_source:
        row["u"] = passage.source
    row["m"] = list(surfaces.items())  # last: a reader that needs only the text stops before it
    return json.dumps(row, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n"


def passage_fields(passage: Passage, description: str) -> tuple[str, str, str]:
    """(title, section, body) texts of a passage; the description joins the title field."""
    section = passage.section.replace(SECTION_SEPARATOR, "\n")
    return (passage.title + ("\n" + description if description else ""), section, passage.text)


def prepare_document(doc: Document, analyzer: Analyzer, shaping: Shaping,
                     seen: dict[str, Analyzed] | None = None) -> Prepared:
    """Chunk one document and analyze its passages. Title, heading path and body are analyzed
    separately, then weighted by repetition. A text is analyzed once: within the document, and
    across the documents that share ``seen`` (a worker's texts so far: titles and headings that
    recur, copies of a page)."""
    seen = {} if seen is None else seen

    def analyze(text: str) -> Analyzed:
        found = seen.get(text)
        if found is None:
            found = seen[text] = analyzer.analyze(text)
        return found

    passages = chunk_document(doc, shaping.max_chars, shaping.min_chars)
    terms: list[PassageTerms] = []
    rows: list[bytes] = []
    for passage in passages:
        (title, _), (section, _), (body, surfaces) = (analyze(t) for t in passage_fields(passage, doc.description))
        weighted = body + title * shaping.title_weight + section * shaping.section_weight
        own = passage.section.split(SECTION_SEPARATOR)[-1]
        terms.append(PassageTerms(dict(Counter(weighted)), len(weighted),
                                  tuple(dict.fromkeys(t for t in section if " " not in t)),
                                  tuple(dict.fromkeys(analyze(own)[0])) if own else ()))
        rows.append(passage_row(passage, surfaces, doc.source))
    return Prepared(tuple(dict.fromkeys(analyze(doc.title)[0])), [p.section for p in passages], terms, rows)


# --- the build task: plain data in, plain data out ------------------------------------------------

FileJob = tuple[str, str, str, int]  # (path, relative name, root as given, root number)


def file_worker(analyzer: Analyzer, context: dict[str, Any]) -> Callable[[FileJob], tuple]:
    """What a build worker does with one file: ``context`` holds the base URL, each root's
    glossary and the shaping (see Shaping). Named as the pool's task: see :func:`assistant.pool.run_tasks`."""
    base_url = context["base_url"]
    glossaries = context["glossaries"]
    shaping = Shaping(*context["shaping"])
    seen: dict[str, Analyzed] = {}  # every text this worker analyzed, for the files still to come

    def work(job: FileJob) -> tuple:
        path, rel, root, number = job
        load = load_file(path, rel, root, base_url, glossaries[number])
        docs = []
        for doc in load.documents:
            prepared = prepare_document(doc, analyzer, shaping, seen)
            docs.append((tuple(doc.__dict__.values()), prepared.title_terms, prepared.sections,
                         [(t.counts, t.length, t.section, t.own_heading) for t in prepared.terms], prepared.rows))
        problem = load.parse_problem
        return (load.key, load.digest, [(p.path, p.message) for p in load.read_problems],
                (problem.path, problem.message) if problem else None, docs)

    return work


TASK = f"{__name__}:file_worker"


def file_result(data: tuple) -> tuple[FileLoad, list[Prepared]]:
    """One file's result from plain data again: its load (documents included) and their preparation."""
    key, digest, read_problems, parse_problem, docs = data
    documents: list[Document] = []
    prepared: list[Prepared] = []
    for fields, title_terms, sections, terms, rows in docs:
        documents.append(Document(*fields))
        prepared.append(Prepared(tuple(title_terms), sections,
                                 [PassageTerms(counts, length, tuple(section), tuple(own))
                                  for counts, length, section, own in terms],
                                 rows))
    load = FileLoad(key, digest, [Problem(*p) for p in read_problems], documents,
                    Problem(*parse_problem) if parse_problem else None)
    return load, prepared
