"""Search: rank passages and articles for a question's terms, and decide whether the corpus covers it.

Passages are scored with BM25 (``bm25.ImpactIndex``). Articles are ranked by their best passage,
supported a little by their next best, so one long article cannot crowd out the rest. Coverage is
the share of the question's IDF mass that the best article contains: a question whose rare words
appear nowhere in the best article is "not covered", however high the common words score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .bm25 import K1
from .index import SearchIndex

SUPPORT_WEIGHT = 0.3  # how much an article's second-best passage adds to its best
TITLE_BOOST = 0.6  # an article whose title is the question's subject ranks higher
SECTION_BOOST = 0.5  # inside an article, the passage whose heading matches the question is preferred
RERANK_DEPTH = 30
EXPANSION_WEIGHT = 0.7  # a concept word a phrase points to counts half as much as a word of the question
DEFINITION_BOOST = 0.5
TASK_BOOST = 0.2
OPENING_BOOST = 0.2
DEFINITION_SUPPORT = 0.0  # "what is X" is answered by one defining passage: more passages count for less
FOLLOW_UP_BOOST = 1.0  # a follow-up question ("その設定例は？") stays with the previous answer's article
# "Covered or not" is a logistic model over three features of the question and its best match:
# coverage (share of the question's IDF in the best article), match strength (best passage score
# over the score a passage containing every term would reach) and the share of the question's words
# that the corpus never uses. Weights from scripts/calibrate.py on tests/data/questions.yaml.
DECLINE_WEIGHTS = (0.97, 2.64, -4.06)
DECLINE_BIAS = -0.86
UNKNOWN_WEIGHT = 0.0  # unknown words are no evidence for coverage; their share is a feature of its own


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
    features: tuple[float, float, float] = (0.0, 0.0, 1.0)
    confidence: float = 0.0  # probability, by the calibrated model, that the corpus covers the question


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Edit distance (with adjacent transpositions, 'exce' → 'exec') of a and b is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = current[j - 1] + 1, previous[j] + 1, previous[j - 1] + (ca != cb)
            current[j] = min(cost)
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


@lru_cache(maxsize=4)
def _vocab_by_length(vocab_key: int, words: tuple[str, ...]) -> dict[int, list[str]]:
    buckets: dict[int, list[str]] = {}
    for word in words:
        buckets.setdefault(len(word), []).append(word)
    return buckets


def correct_term(term: str, index: SearchIndex, variants: dict[str, str]) -> str | None:
    """The known term closest to an unknown one (a small typo), or None.

    Only words of four or more characters are corrected, by one edit or swap (two from eight characters),
    and only when exactly one best candidate exists, so that unknown words stay unknown.
    """
    if len(term) < 4:
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


def search(index: SearchIndex, terms: list[str], depth: int = 10, prefer: str | None = None,
           definition: bool = False, extra: list[str] | None = None, task: bool = False) -> SearchResult:
    """Rank the articles for these terms and measure how well the best one covers them.

    ``prefer`` is the article a follow-up question most likely continues: it counts for more.
    ``definition`` says the question asks what something is: inside an article, the passage that
    defines it (its lead, or a heading that asks "〜とは") is preferred. ``extra`` are concept words
    the question points to: they help ranking, but whether the corpus covers the question is
    judged on the question's own words."""
    scorer = index.scorer
    own_scores = scorer.get_scores(terms)
    scores = own_scores
    if extra:
        scores = own_scores.copy()
        for term in extra:
            ids, contributions = scorer.postings(term)
            scores[ids] += EXPANSION_WEIGHT * contributions
    candidates = np.flatnonzero(scores > 0)
    if not len(candidates):
        return SearchResult(tuple(terms), (), 0.0, False)
    best_raw = float(own_scores.max())
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    owners = index.passage_doc[order]
    # Per article: its best passage and (as support) its second best, found without a Python loop.
    doc_ids, first = np.unique(owners, return_index=True)
    best = scores[order[first]]
    rest = np.ones(len(order), dtype=bool)
    rest[first] = False
    second = np.zeros(len(doc_ids))
    if rest.any():
        rest_docs, rest_first = np.unique(owners[rest], return_index=True)
        second[np.searchsorted(doc_ids, rest_docs)] = scores[order[rest][rest_first]]
    base = best + (DEFINITION_SUPPORT if definition else SUPPORT_WEIGHT) * second
    query = set(terms) | set(extra or ())
    docs = []
    for i in np.argsort(-base, kind="stable")[:RERANK_DEPTH]:
        doc_index = int(doc_ids[i])
        mine = order[owners == doc_index][:8]
        boost = 1.0 + TITLE_BOOST * _overlap(query, index.docs[doc_index].title_terms)
        if prefer is not None and index.docs[doc_index].doc_id == prefer:
            boost *= 1.0 + FOLLOW_UP_BOOST
        if task and index.docs[doc_index].kind in ("task", "tutorial"):
            boost *= 1.0 + TASK_BOOST  # "〜したい" is answered by a how-to page when the corpus says which those are
        passages = sorted(((int(pid), float(scores[pid]) * _passage_boost(index, query, int(pid), definition))
                           for pid in mine), key=lambda p: -p[1])
        docs.append(RankedDoc(doc_index, float(base[i]) * boost, passages[0][0], tuple(passages[:5])))
    docs.sort(key=lambda d: (-d.score, d.doc_index))
    ranked = docs[:depth]
    coverage = _coverage(index, terms, ranked[0].doc_index)
    ideal = sum(_weight(index, t) for t in terms) * (K1 + 1)
    unknown = sum(1 for t in terms if t not in scorer.vocab) / len(terms)
    features = (coverage, best_raw / ideal if ideal else 0.0, unknown)
    confidence = decline_confidence(features)
    return SearchResult(tuple(terms), tuple(ranked), coverage, confidence >= 0.5, features, confidence)


def decline_confidence(features: tuple[float, float, float]) -> float:
    """Probability that the corpus covers a question, from its three features."""
    z = DECLINE_BIAS + sum(w * f for w, f in zip(DECLINE_WEIGHTS, features))
    return 1.0 / (1.0 + math.exp(-z))


def _passage_boost(index: SearchIndex, query: set[str], pid: int, definition: bool) -> float:
    heading = index.section_terms(pid)
    overlap = _overlap(query, heading)
    boost = 1.0 + SECTION_BOOST * overlap
    # A defining passage is preferred when it defines what was asked (its heading shares a word with
    # the question), or is the article's lead: "サイドカーとは？" does not answer "Podとは？".
    if definition and index.defines[pid] and (overlap > 0 or not heading):
        boost *= 1.0 + DEFINITION_BOOST
    if index.opens[pid]:  # a section's opening answers its heading's question; later pieces elaborate
        boost *= 1.0 + OPENING_BOOST
    return boost


def _overlap(query: set[str], terms: tuple[str, ...]) -> float:
    """Jaccard overlap of the question's terms and a title's or heading's terms."""
    if not terms:
        return 0.0
    heading = set(terms)
    return len(query & heading) / len(query | heading)


def _weight(index: SearchIndex, term: str) -> float:
    """A term's IDF; an unknown word gets UNKNOWN_WEIGHT times the IDF of a word found nowhere."""
    idf = index.scorer.term_idf(term)
    return idf if term in index.scorer.vocab else UNKNOWN_WEIGHT * idf


def _coverage(index: SearchIndex, terms: list[str], doc_index: int) -> float:
    """Share of the terms' IDF mass found somewhere in one article."""
    doc = index.docs[doc_index]
    lo, hi = doc.first_passage, doc.first_passage + doc.passage_count
    total = found = 0.0
    for term in set(terms):
        idf = _weight(index, term)
        total += idf
        ids, _ = index.scorer.postings(term)
        if len(ids):
            at = int(np.searchsorted(ids, lo))
            if at < len(ids) and ids[at] < hi:
                found += idf
    return found / total if total else 0.0
