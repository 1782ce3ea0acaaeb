"""Search: rank passages and articles for a question's terms, and decide whether the corpus covers it.

Passages are scored with BM25 (``bm25.ImpactIndex``). Articles are ranked by their best passage,
supported a little by their next best, so one long article cannot crowd out the rest. Coverage is
the share of the question's IDF mass that the best article contains: a question whose rare words
appear nowhere in the best article is "not covered", however high the common words score.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .index import SearchIndex

SUPPORT_WEIGHT = 0.3  # how much an article's second-best passage adds to its best
MIN_COVERAGE = 0.5  # calibrated on tests/data/questions.yaml (see scripts/evaluate.py)
MIN_SCORE = 1.0


@dataclass(frozen=True)
class RankedDoc:
    doc_index: int
    score: float
    best_passage: int
    passages: tuple[tuple[int, float], ...]  # (pid, score), best first


@dataclass(frozen=True)
class SearchResult:
    terms: tuple[str, ...]
    docs: tuple[RankedDoc, ...]
    coverage: float  # share of the question's IDF found in the best article
    covered: bool


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most ``limit`` (banded, early exit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


@lru_cache(maxsize=4)
def _vocab_by_length(vocab_key: int, words: tuple[str, ...]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = {}
    for word in words:
        buckets.setdefault(len(word), []).append(word)
    return buckets


def correct_term(term: str, index: SearchIndex, variants: dict[str, str]) -> str | None:
    """The known term closest to an unknown one (a small typo), or None.

    Only words of four or more characters are corrected, by one edit (two from eight characters),
    and only when exactly one best candidate exists, so that unknown words stay unknown.
    """
    if len(term) < 4 or term.isascii() and len(term) < 5:
        return None
    limit = 1 if len(term) < 8 else 2
    vocab = index.scorer.vocab
    words = tuple(vocab) + tuple(variants)
    buckets = _vocab_by_length(id(vocab), words)
    found: set[str] = set()
    for length in range(len(term) - limit, len(term) + limit + 1):
        for word in buckets.get(length, ()):
            if word[0] != term[0] and word[-1] != term[-1]:
                continue
            if _edit_distance_at_most(term, word, limit):
                found.add(variants.get(word, word))
    found = {w for w in found if w in vocab}
    return found.pop() if len(found) == 1 else None


def search(index: SearchIndex, terms: list[str], depth: int = 10) -> SearchResult:
    """Rank the articles for these terms and measure how well the best one covers them."""
    scorer = index.scorer
    scores = scorer.get_scores(terms)
    candidates = np.flatnonzero(scores > 0)
    if not len(candidates):
        return SearchResult(tuple(terms), (), 0.0, False)
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    per_doc: dict[int, list[tuple[int, float]]] = {}
    for pid in order:
        per_doc.setdefault(int(index.passage_doc[pid]), []).append((int(pid), float(scores[pid])))
    ranked = []
    for doc_index, hits in per_doc.items():
        doc_score = hits[0][1] + (SUPPORT_WEIGHT * hits[1][1] if len(hits) > 1 else 0.0)
        ranked.append(RankedDoc(doc_index, doc_score, hits[0][0], tuple(hits[:5])))
    ranked.sort(key=lambda d: (-d.score, d.doc_index))
    ranked = ranked[:depth]
    coverage = _coverage(index, terms, ranked[0].doc_index)
    covered = coverage >= MIN_COVERAGE and ranked[0].score >= MIN_SCORE
    return SearchResult(tuple(terms), tuple(ranked), coverage, covered)


def _coverage(index: SearchIndex, terms: list[str], doc_index: int) -> float:
    """Share of the terms' IDF mass found somewhere in one article."""
    doc = index.docs[doc_index]
    lo, hi = doc.first_passage, doc.first_passage + doc.passage_count
    total = found = 0.0
    for term in set(terms):
        idf = index.scorer.term_idf(term)
        total += idf
        ids, _ = index.scorer.postings(term)
        if len(ids):
            at = int(np.searchsorted(ids, lo))
            if at < len(ids) and ids[at] < hi:
                found += idf
    return found / total if total else 0.0
