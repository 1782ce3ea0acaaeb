"""Scoring: the IDF stays positive, and the fast scorer ranks exactly as rank-bm25 does."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from assistant.bm25 import build_impact_index, make_reference
from assistant.index import corpus_terms_for


def test_a_term_in_half_the_passages_still_scores_above_zero():
    corpus = [["pod", "x"], ["pod", "y"], ["svc", "z"], ["log", "w"]]
    assert BM25Okapi(corpus).get_scores(["pod"])[0] == 0  # the pitfall of rank-bm25's IDF
    assert make_reference(corpus).get_scores(["pod"])[0] > 0
    assert build_impact_index(corpus).get_scores(["pod"])[0] > 0


def test_a_term_in_every_passage_scores_above_zero():
    corpus = [["pod", "a"], ["pod", "b"], ["pod", "c"]]
    assert (build_impact_index(corpus).get_scores(["pod"]) > 0).all()


def _random_corpus(seed: int, n: int = 300) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(200)]
    return [[rng.choice(words[: rng.randint(5, 200)]) for _ in range(rng.randint(1, 60))] for _ in range(n)]


@pytest.mark.parametrize("seed", range(5))
def test_fast_scores_equal_rank_bm25_exactly(seed):
    corpus = _random_corpus(seed)
    reference, fast = make_reference(corpus), build_impact_index(corpus)
    rng = random.Random(seed + 100)
    for _ in range(30):
        query = [f"w{rng.randint(0, 220)}" for _ in range(rng.randint(1, 6))]  # unknown and repeated terms too
        expected, got = reference.get_scores(query), fast.get_scores(query)
        assert np.array_equal(expected, got)
        assert list(np.argsort(-expected, kind="stable")) == list(np.argsort(-got, kind="stable"))


@pytest.mark.parametrize("seed", range(3))
def test_an_index_from_term_counts_is_the_index_from_terms(seed):
    """A cold build's workers send each passage's term counts, not its terms: same postings, bit for bit."""
    from collections import Counter

    from assistant.bm25 import impact_index_from_counts

    corpus = _random_corpus(seed) + [[]]  # a passage without terms too
    if seed == 2:  # a vocabulary beyond 65,536 terms (no longer sorted as 16-bit keys)
        corpus += [[f"t{i % 70_001}" for i in range(j, j + 40)] for j in range(0, 80_000, 40)]
    rng = random.Random(seed)
    counts = [dict(sorted(Counter(terms).items(), key=lambda _: rng.random())) for terms in corpus]  # any order
    a, b = build_impact_index(corpus), impact_index_from_counts(counts, [len(terms) for terms in corpus])
    assert a.vocab == b.vocab and a.n_passages == b.n_passages
    for name in ("offsets", "passage_ids", "impacts", "idf"):
        assert np.array_equal(getattr(a, name), getattr(b, name)) and getattr(a, name).dtype == getattr(b, name).dtype


def test_guide_index_scores_equal_rank_bm25_on_real_questions(guide):
    terms = corpus_terms_for(guide.index, guide.analyzer)
    reference = make_reference(terms)
    for question in ["Podとコンテナの違いは？", "svcって何", "コンテナに入るには", "ネームスペースの作り方", "ログ 過去"]:
        query = guide.analyze_question(question)
        assert np.array_equal(reference.get_scores(query), guide.index.postings.get_scores(query))


def test_cached_index_scores_equal_rank_bm25(tmp_path):
    from assistant.engine import Assistant

    Assistant.open(cache_dir=tmp_path)  # builds and saves
    cached = Assistant.open(cache_dir=tmp_path)  # memory-mapped arrays
    assert cached.index.stats.from_cache
    reference = make_reference(corpus_terms_for(cached.index, cached.analyzer))
    for question in ["Podとコンテナの違いは？", "svcって何", "ログ 過去 ログ"]:
        query = cached.analyze_question(question)
        assert np.array_equal(reference.get_scores(query), cached.index.postings.get_scores(query))
