"""Scoring: BM25 with an always-positive IDF, computed once per posting.

``PositiveBM25`` is rank-bm25's ``BM25Okapi`` with Lucene's IDF: its ``get_scores`` is the reference.
``ImpactIndex`` stores, for every (term, passage) pair, the exact amount that ``get_scores`` adds
for that term, so a question is scored by touching only the passages that contain its terms.
Same arithmetic in the same order: the scores are equal to the reference, not just close.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain
from typing import Iterable

import numpy as np

K1 = 1.5
B = 0.75


def lucene_idf(n_passages: int, df: int) -> float:
    """ln(1 + (N - n + 0.5) / (n + 0.5)): positive even for a term in every passage."""
    return math.log(1.0 + (n_passages - df + 0.5) / (df + 0.5))


def _bm25_okapi():
    from rank_bm25 import BM25Okapi  # imported lazily: only index builds and tests need it
    return BM25Okapi


def make_reference(corpus_terms: list[list[str]], k1: float = K1, b: float = B):
    """rank-bm25's BM25Okapi over these terms, with the positive IDF (the reference scorer)."""
    base = _bm25_okapi()

    class PositiveBM25(base):  # type: ignore[misc, valid-type]
        """BM25Okapi whose IDF never reaches zero (a term in half the passages still counts)."""

        def _calc_idf(self, nd: dict[str, int]) -> None:
            self.idf = {word: lucene_idf(self.corpus_size, freq) for word, freq in nd.items()}

    return PositiveBM25(corpus_terms, k1=k1, b=b)


@dataclass
class ImpactIndex:
    """Inverted index of precomputed BM25 contributions."""

    vocab: dict[str, int]
    offsets: np.ndarray  # int64, len(vocab) + 1: postings of term i are offsets[i]:offsets[i+1]
    passage_ids: np.ndarray  # intp (int64): numpy's own index type, so scoring never converts it
    impacts: np.ndarray  # float64
    idf: np.ndarray  # float64, per term
    n_passages: int

    def __post_init__(self) -> None:
        # Plain ndarray views of memory-mapped arrays: slicing a np.memmap costs a subclass object each time.
        self.offsets = np.asarray(self.offsets)
        self.passage_ids = np.asarray(self.passage_ids)
        self.impacts = np.asarray(self.impacts)

    def term_postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, contributions) of one term; empty when the term is unknown."""
        i = self.vocab.get(term)
        if i is None:
            return _EMPTY_IDS, _EMPTY_IMPACTS
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        return self.passage_ids[start:end], self.impacts[start:end]

    def get_scores(self, terms: list[str]) -> np.ndarray:
        """Scores of every passage, equal to the reference ``get_scores`` for the same terms.

        The reference adds each term's contribution to a zero score, term by term. Here the first
        known term's postings are written into zeros (0.0 + x == x exactly) and later ones added with
        ``np.add.at``, one unbuffered pass per term in the same order: the same sums, bit for bit,
        touching only the passages that hold a term (bm25s's layout, in float64 for exactness).
        """
        vocab, offsets, ids, impacts = self.vocab, self.offsets, self.passage_ids, self.impacts
        scores = np.zeros(self.n_passages)
        first = True
        for term in terms:
            i = vocab.get(term)
            if i is None:
                continue
            start, end = offsets[i], offsets[i + 1]
            if first:
                scores[ids[start:end]] = impacts[start:end]
                first = False
            else:
                np.add.at(scores, ids[start:end], impacts[start:end])
        return scores

    def term_idf(self, term: str) -> float:
        """IDF of a term; an unknown term gets the IDF of a term found nowhere."""
        i = self.vocab.get(term)
        return float(self.idf[i]) if i is not None else lucene_idf(self.n_passages, 0)


_EMPTY_IDS = np.zeros(0, dtype=np.intp)
_EMPTY_IMPACTS = np.zeros(0, dtype=np.float64)


def build_impact_index(corpus_terms: list[list[str]], k1: float = K1, b: float = B) -> ImpactIndex:
    """Precompute every posting's contribution exactly as rank-bm25 computes it.

    Same statistics as ``BM25Okapi.__init__`` (document lengths, their average, document
    frequencies, the IDF of ``make_reference``) and the same float operations per posting as
    ``get_scores``. Terms become ids in one pass; term frequencies come from one sort of
    (term, passage) keys instead of a Counter per passage.
    """
    n = len(corpus_terms)
    if n == 0:
        return _empty_index()
    flat, vocab_ids = _first_seen_ids(chain.from_iterable(corpus_terms))
    lengths = np.fromiter((len(terms) for terms in corpus_terms), dtype=np.int64, count=n)
    words, rank = _sorted_vocabulary(vocab_ids)
    token_rank = rank[np.asarray(flat, dtype=np.int64)]
    token_pid = np.repeat(np.arange(n, dtype=np.int64), lengths)
    keys, counts = np.unique(token_rank * n + token_pid, return_counts=True)  # sorted: term, then passage
    return _impact_index(words, keys, counts.astype(np.float64), lengths, k1, b)


def impact_index_from_counts(counts: list[dict[str, int]], lengths: list[int], k1: float = K1,
                             b: float = B) -> ImpactIndex:
    """The index :func:`build_impact_index` gives, from each passage's term counts and length
    (number of terms) instead of its terms: a cold build's workers count, so the building process
    handles one entry per distinct (term, passage) instead of one per term."""
    n = len(counts)
    if n == 0:
        return _empty_index()
    pair_terms, vocab_ids = _first_seen_ids(chain.from_iterable(counts))  # (a dict iterates its terms)
    sizes = np.fromiter((len(passage) for passage in counts), dtype=np.int64, count=n)
    pair_tf = np.fromiter(chain.from_iterable(passage.values() for passage in counts), dtype=np.float64,
                          count=len(pair_terms))
    words, rank = _sorted_vocabulary(vocab_ids)
    term_rank = rank[np.asarray(pair_terms, dtype=np.int64)]
    pids = np.repeat(np.arange(n, dtype=np.int64), sizes)
    # Pairs come passage by passage, each (term, passage) once: a stable sort by term alone leaves the
    # passages of a term ascending. Up to 65,536 terms the ranks sort as 16-bit keys (numpy's radix sort).
    order = np.argsort(term_rank.astype(np.uint16) if len(words) <= 1 << 16 else term_rank, kind="stable")
    keys = term_rank[order] * n + pids[order]
    return _impact_index(words, keys, pair_tf[order], np.asarray(lengths, dtype=np.int64), k1, b)


def _empty_index() -> ImpactIndex:
    return ImpactIndex({}, np.zeros(1, dtype=np.int64), _EMPTY_IDS, _EMPTY_IMPACTS, np.zeros(0), 0)


def _first_seen_ids(terms: Iterable[str]) -> tuple[list[int], dict[str, int]]:
    """Each term's id, numbered in the order terms are first seen, and the ids by term."""
    vocab_ids: dict[str, int] = {}
    setdefault = vocab_ids.setdefault
    return [setdefault(term, len(vocab_ids)) for term in terms], vocab_ids


def _sorted_vocabulary(vocab_ids: dict[str, int]) -> tuple[list[str], np.ndarray]:
    """Terms in sorted order (a stable vocabulary file), and each first-seen id's rank in it."""
    words = sorted(vocab_ids)
    rank = np.empty(len(words), dtype=np.int64)
    rank[np.fromiter((vocab_ids[w] for w in words), dtype=np.int64, count=len(words))] = np.arange(len(words))
    return words, rank


def _impact_index(words: list[str], keys: np.ndarray, tf: np.ndarray, lengths: np.ndarray, k1: float,
                  b: float) -> ImpactIndex:
    """Postings from sorted (term rank * n + passage) keys and their term frequencies: the same
    statistics and float operations as rank-bm25."""
    n = len(lengths)
    total = int(lengths.sum())
    avgdl = total / n  # as rank-bm25: sum of lengths / number of passages
    doc_len = lengths.astype(np.float64)
    term_of = keys // n
    pid_arr = (keys - term_of * n).astype(np.intp)
    df = np.bincount(term_of, minlength=len(words))
    idf = np.asarray([lucene_idf(n, int(d)) for d in df], dtype=np.float64)
    norm = k1 * (1 - b + b * doc_len / avgdl)
    impacts = idf[term_of] * (tf * (k1 + 1) / (tf + norm[pid_arr]))
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(df, out=offsets[1:])
    return ImpactIndex({w: i for i, w in enumerate(words)}, offsets, pid_arr, impacts, idf, n)
