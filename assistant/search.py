"""Search: rank passages and articles for a question's terms, and decide whether the corpus covers it.

Passages are scored with BM25 (``bm25.ImpactIndex``). Articles are ranked by their best passage,
supported a little by their next best, so one long article cannot crowd out the rest. Coverage is
the share of the question's IDF mass that the best article contains: a question whose rare words
appear nowhere in the best article is "not covered", however high the common words score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, NamedTuple

import numpy as np

from .analyzer import APPLICATION_STACK
from .bm25 import K1
from .chunking import SECTION_SEPARATOR
from .index import HOWTO_HEADING, SearchIndex

@dataclass(frozen=True)
class SearchSettings:
    """The tuning values of ranking and of the coverage decision, passed to ``search``.

    Each value's effect was measured with ``k8s-assistant eval`` on tests/data/questions.yaml by setting
    it to 0 (or the value named) with the others as they are; the figures are (article R@1, section
    R@1, fact in 要点, in-scope answered, near-miss declined or mention) = 0.949, 0.744, 0.819, 0.939,
    0.895 with these defaults.
    """

    support_weight: float = 0.3
    """How much an article's second-best passage adds to its best (0 → article R@1 0.922)."""
    title_boost: float = 0.6
    """An article whose title shares the question's words ranks higher, by Jaccard overlap × this (0 → R@1 0.929)."""
    section_boost: float = 0.5
    """A passage whose heading path shares the question's words is preferred (0 → section R@1 0.697, 要点 0.776)."""
    own_heading_boost: float = 1.0
    """A passage whose own (last) heading holds the question's words is preferred, by IDF share × this
    (0 → in-scope answered 0.932: the about-it model sees the right heading less often)."""
    rerank_depth: int = 30
    """How many articles are re-scored with title and heading boosts (10: no change on the 19-article guide)."""
    passages_per_doc: int = 8
    """How many of an article's best passages are re-scored to pick the one shown (4 → section R@1 0.713)."""
    expansion_weight: float = 0.7
    """A concept word a learner phrase points to (concepts.yaml) counts this much of a question word
    (0 → R@1 0.946, section R@1 0.732)."""
    definition_boost: float = 0.5
    """For "what is X", the passage defining X (own heading 〜とは, or the lead) is preferred
    (0: no change on the tuning set; keeps 「svcとは」 on the defining section, tests/test_answer.py)."""
    task_boost: float = 0.2
    """For "how do I", a how-to page (Hugo content_type task/tutorial) ranks higher (docs corpus only)."""
    subject_doc_boost: float = 3.0
    """For "what is X / why X", a page whose description opens by naming X (「Kubernetesは、…」) ranks higher
    (docs: "what is Kubernetes" questions at the overview page 0/7 → 4/7; 1.0 → 3/7)."""
    glossary_weight: float = 0.5
    """A glossary entry (reference/glossary/) is a definition stub: unless the question shares a word of its term, it
    scores this share, so a question-style query reaches the page that explains ("そもそもk8sって何を
    してくれるの" reached the immutable-infrastructure entry)."""
    glossary_defers: bool = True
    """A glossary entry that would come first gives its place to the page it links to as the term's full
    explanation (its ``full_link``), when that page matches the question too, and comes right after it: a
    learner asking 「pvcってなに」 needs the page that explains PVCs more than the two-line definition."""
    named_page_boost: float = 0.5
    """For "why X" (not "what is X": there the glossary entry answers), a concept page whose title names X
    (the question's rarest Latin or katakana word) ranks higher: 「Namespaceって何のために分けるの」 → the
    page 「Namespace(名前空間)」 (docs learner tuning R@1 0.721 → 0.727; 0.5 and 1.0 the same)."""
    howto_boost: float = 0.3
    """For "how do I", a passage whose own heading asks how (「…するには？」) is preferred
    (0 → section R@1 0.771, 0.15 → 0.779, 0.3 → 0.781, 0.5 → 0.779)."""
    opening_boost: float = 0.2
    """A section's opening piece is preferred over its later pieces: it answers the heading (0 → 要点 0.780)."""
    definition_support: float = 0.0
    """Second-passage support for "what is" questions: one defining passage answers them."""
    defining_doc_boost: float = 0.2
    """For "what is X", an article with a section that defines X (「X とは？」) ranks higher: 「etcd ってなに」 is
    answered by 「etcd とは？」, not by the backup section of another article (tuning R@1 0.950 → 0.952,
    answered 0.959 → 0.961; dev and docs unchanged; 0.1 the same, 0.4 → 0.950)."""
    concept_page_boost: float = 0.3
    """A page (not a glossary entry) whose title is the concept a learner's phrase points to (concepts.yaml)
    ranks higher: 「一回実行したら終わる処理」 → the page Job (docs tuning R@1 0.727 → 0.770, docs learner
    dev 0.645 → 0.661; guide tuning R@1 0.945 → 0.947, guide dev 0.945 → 0.940; 0.6 → docs 0.770, 0.645)."""
    tutorial_weight: float = 0.6
    """A tutorial (Hugo content_type tutorial) counts this much for a question that does not ask how to do
    something and whose concept does not name it: a learner describing a problem (「DBのパスワードを
    平文で書きたくない」, 「IPが変わるなら通信先は？」) needs the page that explains the concept, not a
    walkthrough that deploys WordPress and so shares all its words. Docs R@1: tuning 0.855 → 0.867, learner dev2 0.865 →
    0.885, dev5 0.818 → 0.836, dev6 0.774 → 0.792, dev8 0.768 → 0.786, the others unchanged; 0.4 and 0.5
    the same, 0.8 less; applied to how-to questions too it lost dev4 and dev8 questions. The guide marks no kinds."""
    concept_kind_boost: float = 0.5
    """Such a page ranks higher again when the corpus marks it as explaining a concept (Hugo docs' concepts/
    folder; the guide marks none): a learner describing what a concept solves (「DBのパスワードを平文で書きたく
    ない」) needs the page that explains it, more than a tutorial that happens to share the words (the how-to
    boost lifts those). Docs R@1: tuning 0.800 → 0.842, learner dev 0.774 → 0.790, dev2 0.808 → 0.827,
    dev5 0.709 → 0.782, dev6 0.755 → 0.774, dev7 0.769 → 0.808, but dev3 0.786 → 0.768 and dev4 0.868 →
    0.830 (HPA's page is a task page); 0.4 and 0.7 a little less in all."""
    follow_up_boost: float = 1.0
    """A follow-up question ("その設定例は？") stays with the previous answer's article (tests/test_answer.py)."""
    answer_weights: tuple[float, float, float] = (0.97, 2.64, -4.06)
    """Logistic weights of (coverage, match strength, unknown-word share) for "the corpus covers it";
    fitted by scripts/calibrate.py (out-of-scope questions weigh five times; a refit on today's set
    declines fewer out-of-scope questions, 0.75, so these stay)."""
    answer_bias: float = -0.86
    """Bias of that logistic model."""
    answer_threshold: float = 0.5
    """Probability of answering at or above which the question counts as covered."""
    unknown_weight: float = 0.0
    """An unknown word's IDF counts this much in coverage: unknown words are no evidence either way."""
    mention_max_passages: int = 3
    """A subject that no heading names, that the answering passage's headings do not name and that
    passage says once at most, and that is said in at most this many passages of the corpus, is only
    mentioned: the answer is "mention" (tuning set: near-miss declined or mention 0.447 → 0.868,
    in-scope answered 0.970 → 0.953; 2 → 0.789, 0.959; 5 → 0.895, 0.939). A rule of two numbers
    instead of a fitted model: a logistic model over the same features reached 0.895 / 0.939 on the
    tuning set but graded 15% of the held-out learner questions "mention"."""
    min_focus: float = 0.3
    """A one-word question ("ConfigMapの使い方") is "full" only when its word is at least this IDF share of
    the answering heading: a heading about generating ConfigMap YAML does not teach using ConfigMaps
    (0 → answered 0.949, near-miss 0.868)."""
    answering_heading: float = 0.5
    """A passage whose heading path holds at least this share of the question's IDF is about the question,
    even when the question's rarest name is only mentioned there (「serviceのtypeをNodePortにしてexposeしたい」
    is answered by the NodePort section that mentions expose once; 0.4 or 0.5 → answered 0.950 → 0.952, 要点
    0.818 → 0.820, near-miss unchanged; 0.6: no change)."""
    subject_max_passages: int = 20
    """A question word found in more passages than this is too common to be its subject (10 → near-miss 0.868)."""
    rest_words: int = 4
    """A question with at least this many known words besides its rare subject, all of them in the answering
    passage, is about that passage even though the passage names the subject only once (dev set: in-scope
    answered 0.895 → 0.905, near-miss declined 0.641 → 0.625)."""
    absent_subject: bool = True
    """The rarest name a Japanese question writes with a capital letter (ConfigMap, Job), when the answering
    passage never says it, makes the answer a mention at most (near misses declined or mentioned: tuning 0.797
    → 0.847, development sets +0.04 to +0.08; in-scope answered −0.005 to −0.010 on three of the six sets)."""
    named_max_passages: int = 40
    """A capitalized name found in more passages than this is too common to be the question's topic (Pod, Web)."""
    mention_read: int = 40
    """For a "mention" answer, at most this many of the passages naming the subject are read (to find one
    that explains it in a labelled list item) and listed; an answer shows only the first few."""
    mention_min: float = 0.2
    """Below this probability of answering, a question is "none" even when a word of it is mentioned."""


DEFAULT_SEARCH = SearchSettings()


FULL, MENTION, NONE = "full", "mention", "none"


@dataclass(frozen=True)
class RankedDoc:
    """An article as ranked for a question. Its passages are re-scored only when first asked for
    (most answers show the best passage of the first few articles only)."""

    doc_index: int
    score: float
    rescore: Callable[[], list[tuple[int, float]]] = field(repr=False, compare=False)

    @cached_property
    def _ranked(self) -> list[tuple[int, float]]:
        return self.rescore()

    @property
    def best_passage(self) -> int:
        return self._ranked[0][0]

    @property
    def passages(self) -> tuple[tuple[int, float], ...]:
        """(pid, score) of its best passages, best first (at most five)."""
        return tuple(self._ranked[:5])


@dataclass(frozen=True)
class SearchResult:
    terms: tuple[str, ...]
    docs: tuple[RankedDoc, ...]
    coverage: float  # share of the question's IDF found in the best article
    covered: bool  # the guide is about the question: coverage grade "full"
    features: tuple[float, float, float] = (0.0, 0.0, 1.0)
    confidence: float = 0.0  # probability, by the calibrated model, that the corpus covers the question
    grade: str = NONE  # "full", "mention" (the guide only mentions the subject) or "none"
    about_features: tuple[float, ...] = ()
    about: float = 0.0  # 1.0 when the best passage is about the question, 0.0 for a passing mention
    mentions: tuple[tuple[int, float], ...] = ()  # for "mention": (pid, score) of the passages that mention the subject


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


def _vocab_by_length(index: SearchIndex, variants: dict[str, str] | None = None) -> dict[int, list[str]]:
    """The index's known words (and the variant spellings given) by length, grouped once per index."""
    cache = index.memo.setdefault("_vocab_by_length", {})
    key = None if variants is None else (id(variants), len(variants))
    buckets = cache.get(key)
    if buckets is None:
        buckets = {}
        for word in (*index.postings.vocab, *(variants or ())):
            buckets.setdefault(len(word), []).append(word)
        cache[key] = buckets
    return buckets


_MEMO_WORDS = 4096  # words a per-index memo keeps before it starts again (a long chat session stays small)


def _word_memo(index: SearchIndex, name: str) -> dict:
    """A per-index memo of answers about single words, emptied when it grows past ``_MEMO_WORDS``."""
    memo = index.memo.get(name)
    if memo is None or len(memo) > _MEMO_WORDS:
        memo = index.memo[name] = {}
    return memo


def correct_term(term: str, index: SearchIndex, variants: dict[str, str]) -> str | None:
    """The known term closest to an unknown one (a small typo), or None.

    Words of four or more characters are corrected by one edit or swap (two from eight characters);
    a three-letter word only by swapping two neighbours (pdo → pod). The correction is the one known
    word at the smallest distance; when two differ at that distance, the word stays unknown
    (replicaste → replicaset at one swap, not replicas at two edits; a tie stays unknown).
    """
    if len(term) < 3:
        return None
    memo = _word_memo(index, "_corrections")
    key = (term, id(variants), len(variants))
    if key not in memo:
        memo[key] = _correct_term(term, index, variants)
    return memo[key]


def _correct_term(term: str, index: SearchIndex, variants: dict[str, str]) -> str | None:
    """``correct_term`` worked out (a scan of the known words of about the same length)."""
    limit = 1 if len(term) < 8 else 2
    vocab = index.postings.vocab
    if len(term) == 3:  # the two neighbour swaps, looked up (no scan of every three-letter word)
        swaps = {term[1] + term[0] + term[2], term[0] + term[2] + term[1]} - {term}
        found = {variants.get(w, w) for w in swaps if w in vocab or w in variants}
        found = {w for w in found if w in vocab}
        return found.pop() if len(found) == 1 else None
    buckets = _vocab_by_length(index, variants)
    for distance in range(1, limit + 1):
        near: dict[str, str] = {}  # word as spelled -> the known term it stands for
        for length in range(len(term) - distance, len(term) + distance + 1):
            for word in buckets.get(length, ()):
                if word[0] != term[0] and word[-1] != term[-1]:
                    continue
                if sum(c not in word for c in term) > distance:  # each missing letter costs an edit
                    continue
                if _edit_distance_at_most(term, word, distance):
                    near[word] = variants.get(word, word)
        found = {t for t in near.values() if t in vocab}
        if len(found) > 1:
            # A typo mostly drops or swaps letters: the word holding every letter typed wins
            # (limts → limits, not lists).
            found = {t for w, t in near.items() if t in vocab and all(c in w for c in term)}
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def _is_swap(a: str, b: str) -> bool:
    """b is a with two neighbouring letters swapped."""
    diff = [i for i in range(len(a)) if a[i] != b[i]] if len(a) == len(b) else []
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def search(index: SearchIndex, terms: list[str], depth: int = 10, prefer: str | None = None,
           definition: bool = False, extra: list[str] | None = None, task: bool = False,
           unknown_name: bool = False, overview: bool = False, subject: frozenset[str] | None = None,
           latin: frozenset[str] | None = None, judged: list[str] | None = None,
           defined: frozenset[str] = frozenset(), named: frozenset[str] = frozenset(),
           concept: frozenset[str] | None = None, settings: SearchSettings = DEFAULT_SEARCH,
           lacking: bool = False) -> SearchResult:
    """Rank the articles for these terms and measure how well the best one covers them.

    ``prefer`` is the article a follow-up question most likely continues: it counts for more.
    ``definition`` says the question asks what something is: inside an article, the passage that
    defines it (its lead, or a heading that asks "〜とは") is preferred. ``task`` says it asks how to
    do something: a passage whose heading asks how and that shows a command is preferred. ``extra``
    are concept words the question points to: they help ranking, but whether the corpus covers the
    question is judged on the question's own words. ``unknown_name`` says the question names something
    the guide never uses (a feature of the "about it" model). ``overview`` says it asks what something
    is or why one would use it: a page whose description opens by naming it (``subject``, the question's
    topic words; by default its known words) is preferred. ``latin`` are the terms the question writes
    in Latin letters (names, for telling "about it" from "mentions it"). ``judged`` are the terms whether
    the corpus covers the question is judged on (default ``terms``): a learner phrase that points to a
    concept (毎回打つのだるい → alias) is judged by the concept's word, not by its everyday words.
    ``defined`` are, for "what is X", the terms of X when the question names more than X (「kubectl get
    の -L オプションって何」 asks what -L is, not what kubectl get is): only a passage defining them counts
    as the defining one (default: any question word). ``named`` are the terms a Japanese question writes
    as a name, with a capital letter (ConfigMap, VPA): a named subject the answering passage never
    mentions makes the answer a mention at most. ``concept`` are the words of the concept the question
    describes most specifically (default: every ``extra`` word): a page named by it ranks higher. ``lacking``
    says a learner phrase of the question points to a topic the corpus lacks (concepts.yaml ``?Name``): no
    section is about the question, which is at most a mention of what the corpus does name."""
    postings = index.postings
    own_scores = postings.get_scores(terms)
    scores = own_scores
    if extra:
        scores = own_scores.copy()
        for term in extra:
            ids, contributions = postings.term_postings(term)
            scores[ids] += settings.expansion_weight * contributions
    articles = _articles(index, scores, definition, settings)
    if articles is None:
        return SearchResult(tuple(terms), (), 0.0, False)
    query = set(terms) | set(extra or ())
    weights = {t: _weight(index, t, settings) * (1.0 if t in terms else settings.expansion_weight) for t in query}
    intent = Intent(definition, task, defined)
    own = subject if subject is not None else frozenset(t for t in terms if t in postings.vocab)
    scored = _reranked(index, articles, terms, query, own, prefer, definition, task, overview, extra, settings,
                       defined, concept)
    # Passages are re-scored only for the articles kept, when first asked for: which passage is shown
    # does not move an article.
    total = sum(weights.values())
    candidates, found, starts, ends = articles.candidates, articles.found, articles.starts, articles.ends

    def rescore(i: int) -> Callable[[], list[tuple[int, float]]]:
        def passages() -> list[tuple[int, float]]:
            pids = candidates[starts[i]:ends[i]]
            mine = pids[np.argsort(-found[starts[i]:ends[i]], kind="stable")][:settings.passages_per_doc]
            return sorted(((int(pid), float(scores[pid]) * passage_boost(index, query, weights, int(pid), intent,
                                                                         settings, total)) for pid in mine),
                          key=lambda p: -p[1])
        return passages

    ranked = [RankedDoc(doc_index, score, rescore(i)) for score, doc_index, i in scored[:depth]]
    judged_docs = tuple(ranked)  # whether the corpus covers the question is judged before a glossary entry defers
    if settings.glossary_defers and (first := _explaining_page(index, articles, ranked[0], rescore, intent, query)):
        ranked = [first] + [d for d in ranked if d.doc_index != first.doc_index][:depth - 1]
    best_raw = float(own_scores.max())
    if judged is not None and judged != list(terms):
        best_raw = float(postings.get_scores(judged).max()) if judged else 0.0
    judged = list(terms) if judged is None else judged
    coverage = _coverage(index, judged, judged_docs[0].doc_index, settings) if judged else 0.0
    ideal = sum(_weight(index, t, settings) for t in judged) * (K1 + 1)
    unknown = sum(1 for t in judged if t not in postings.vocab) / len(judged) if judged else 1.0
    features = (coverage, best_raw / ideal if ideal else 0.0, unknown)
    probability = answer_probability(features, settings)
    stack = APPLICATION_STACK & (named | (latin or frozenset()))
    if _MANIFEST_WORDS & set(terms):
        # 「今動いてるdeployからYAMLを抜き出してGitで管理したい」: where the learner keeps the manifest
        stack |= VERSION_CONTROL & (named | (latin or frozenset()))
    if stack and _about_kubernetes(index, terms, extra):
        # 「起動に時間がかかるJavaアプリがヘルスチェックで殺される」: the learner's stack is context, not the subject
        # the guide must be about (「PostgreSQLでインデックスが使われない」 says nothing of Kubernetes: it stays one)
        latin = latin - stack if latin is not None else None
        named = named - stack
    graded, about, about_feats, mentions = grade(index, terms, judged_docs, probability, scores, unknown_name,
                                                 query, latin, settings, named, definition, task, lacking)
    if graded == MENTION and definition and not lacking and probability >= settings.answer_threshold \
            and (explaining := _explaining_mention(index, mentions, terms)) is not None:
        # 「kubeletとは」: a passage the answer would only list as a mention labels the word and says what it is
        # (「- **kubelet**：ノードごとに動くエージェント…」); it answers the question, first
        pid, score = explaining
        first = RankedDoc(int(index.passage_doc[pid]), score, lambda: [(pid, score)])
        ranked = [first] + [d for d in ranked if d.doc_index != first.doc_index][:depth - 1]
        graded, about, mentions = FULL, 1.0, ()
    return SearchResult(tuple(terms), tuple(ranked), coverage, graded == FULL, features, probability,
                        graded, about_feats, about, mentions)


class _Articles(NamedTuple):
    """The articles with a matching passage (their passages are consecutive in ``candidates``)."""

    candidates: np.ndarray  # matching passages, in corpus order
    found: np.ndarray  # their scores
    starts: np.ndarray  # where each article's passages start in ``candidates``
    ends: np.ndarray
    doc_ids: np.ndarray  # each article's document index
    base: np.ndarray  # each article's score: its best passage and, as support, its second best


def _articles(index: SearchIndex, scores: np.ndarray, definition: bool, settings: SearchSettings) -> _Articles | None:
    """Per article, its best passage and (as support) its second best, without sorting every passage;
    None when no passage matches."""
    candidates = np.flatnonzero(scores > 0)
    if not len(candidates):
        return None
    found = scores[candidates]
    owners = index.passage_doc[candidates]
    starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
    ends = np.append(starts[1:], len(candidates))
    best = np.maximum.reduceat(found, starts)
    at_best = found == np.repeat(best, ends - starts)
    others = np.where(at_best, 0.0, found)
    second = np.where(np.add.reduceat(at_best.astype(np.int64), starts) > 1, best, np.maximum.reduceat(others, starts))
    base = best + (settings.definition_support if definition else settings.support_weight) * second
    return _Articles(candidates, found, starts, ends, owners[starts], base)


def _reranked(index: SearchIndex, articles: _Articles, terms: list[str], query: set[str], own: frozenset[str],
              prefer: str | None, definition: bool, task: bool, overview: bool, extra: list[str] | None,
              settings: SearchSettings, defined: frozenset[str] = frozenset(),
              concept: frozenset[str] | None = None) -> list[tuple[float, int, int]]:
    """(score, document index, position in ``articles.doc_ids``) of the best articles, best first: their
    scores times what their titles, kinds and headings say about the question (see ``search``)."""
    postings = index.postings
    doc_ids, base = articles.doc_ids, articles.base
    rerank = _top(base, settings.rerank_depth)
    if overview and settings.subject_doc_boost and own:
        # The page that names the subject in its description joins the re-ranking however common the word.
        for named, pages in subject_pages(index).items():
            if not named <= own:
                continue
            for doc_index in pages:
                at = int(np.searchsorted(doc_ids, doc_index))
                if at < len(doc_ids) and doc_ids[at] == doc_index and at not in rerank:
                    rerank.append(at)
    names = [t for t in own if _NAME.match(t) and t not in _DOMAIN] if overview and not definition else []
    name = max(names, key=postings.term_idf) if names else None
    concept_words = frozenset(extra or () if concept is None else concept) - set(terms)
    scored: list[tuple[float, int, int]] = []
    pages = _page_facts(index)
    n_query = len(query)
    for i, doc_index in zip(rerank, doc_ids[rerank].tolist()):
        title, stub, kind = pages[doc_index]
        shared = len(query & title) if title else 0  # Jaccard overlap of the question and the title
        boost = 1.0 + settings.title_boost * (shared / (n_query + len(title) - shared) if shared else 0.0)
        if prefer is not None and index.docs[doc_index].doc_id == prefer:
            boost *= 1.0 + settings.follow_up_boost
        if overview and settings.subject_doc_boost and own and names_subject(index, doc_index, own):
            # "Kubernetesとは" → the page that says "Kubernetesは、…"; a concept page explains, a portal links
            boost *= 1.0 + settings.subject_doc_boost * (1.0 if kind == "concept" else 0.5)
        if settings.glossary_weight != 1.0 and stub and not _names_term(title, query):
            boost *= settings.glossary_weight  # a glossary entry answers "what is <its term>" only
        if name and settings.named_page_boost and kind == "concept" and name in title:
            boost *= 1.0 + settings.named_page_boost  # "Namespaceって何のため" → the page named Namespace
        if definition and settings.defining_doc_boost and _defines_here(
                index, articles.candidates[articles.starts[i]:articles.ends[i]], defined or query):
            boost *= 1.0 + settings.defining_doc_boost  # 「etcd ってなに」 → the article with 「etcd とは？」
        named_concept = bool(concept_words and title and not stub
                             and _names_concept(index, doc_index, title, query, concept_words))
        if named_concept:
            boost *= 1.0 + settings.concept_page_boost  # 「パスワードを書きたくない」 → the page titled Secret
            if kind == "concept":
                boost *= 1.0 + settings.concept_kind_boost
        if kind == "tutorial" and not task and not named_concept:
            boost *= settings.tutorial_weight  # a problem described needs the concept's page, not a walkthrough
        if task and kind in ("task", "tutorial"):
            boost *= 1.0 + settings.task_boost  # "〜したい": a how-to page, when the corpus says which those are
        scored.append((float(base[i]) * boost, doc_index, i))
    scored.sort(key=lambda d: (-d[0], d[1]))
    return scored


def _explaining_page(index: SearchIndex, articles: _Articles, top: RankedDoc,
                     rescore: Callable[[int], Callable[[], list[tuple[int, float]]]], intent: Intent,
                     query: set[str]) -> RankedDoc | None:
    """The page a first-ranked glossary entry links to (``DocInfo.explained_at``), ranked in its place, when
    that page has a passage matching the question and, for "what is X", its best passage says X in its
    prose (not only in a heading over a YAML block: no answer to quote); None otherwise."""
    target = _page_indexes(index).get(index.docs[top.doc_index].explained_at) \
        if _page_facts(index)[top.doc_index][1] else None
    if target is None or target == top.doc_index:
        return None
    at = int(np.searchsorted(articles.doc_ids, target))
    if at >= len(articles.doc_ids) or articles.doc_ids[at] != target:
        return None  # the page shares no word with the question: the entry stays first
    page = RankedDoc(target, top.score, rescore(at))
    if intent.definition and not _says_in_prose(index, page.best_passage, intent.defined or query):
        return None
    return page


def _page_indexes(index: SearchIndex) -> dict[str, int]:
    """Document index of every page by its page key (corpus.page_key of its path), worked out once per index."""
    pages = index.memo.get("_page_indexes")
    if pages is None:
        from .corpus import page_key  # (the loader's: a warm ask on the guide never gets here, nor imports it)
        pages = index.memo["_page_indexes"] = {page_key(d.path): i for i, d in enumerate(index.docs)
                                               if page_key(d.path)}
    return pages


_COMMON_TITLE_SHARE = 0.01  # a word in more titles than this names no page of its own (使用, 設定, Pod)


def _names_concept(index: SearchIndex, doc_index: int, title: frozenset[str], query: set[str],
                   concept_words: frozenset[str]) -> bool:
    """The page's title names a concept the question points to and nothing the question does not say: all
    its words, or all its own words (``_title_core``: 「Taint と Toleration」, 「実行中のコンテナへのシェルを取得する」)."""
    if title <= query and title & concept_words:
        return True
    core = _title_core(index, doc_index)
    return bool(core) and core <= query and bool(core & concept_words)


def _title_core(index: SearchIndex, doc_index: int) -> frozenset[str]:
    """The words of a page's title that few other titles share: 「実行中のコンテナへのシェルを取得する」 is
    about シェル and 取得 (with 実行, 中), 「Podとコンテナにセキュリティコンテキストを設定する」 about
    securityContext. Worked out for every page once per index, when first asked."""
    cores = index.memo.get("_title_cores")
    if cores is None:
        counts = Counter(t for d in index.docs for t in set(d.title_terms))
        limit = max(1, int(len(index.docs) * _COMMON_TITLE_SHARE))
        cores = index.memo["_title_cores"] = [frozenset(t for t in d.title_terms if counts[t] <= limit)
                                              for d in index.docs]
    return cores[doc_index]


def _defines_here(index: SearchIndex, pids: np.ndarray, query: set[str]) -> bool:
    """One of these passages (of one article) defines a word of the question: its own heading asks
    what that word is (「etcd とは？」)."""
    for pid in pids[index.defines[pids] != 0]:  # (most passages define nothing: skipped without a loop)
        if _heading_sets(index, int(pid))[1] & query:
            return True
    return False


def _top(values: np.ndarray, n: int) -> list[int]:
    """Positions of the n largest values, largest first, ties in position order: what a stable argsort
    of ``-values`` cut to n gives, found by partitioning instead of sorting them all."""
    if len(values) <= n:
        return [int(i) for i in np.argsort(-values, kind="stable")]
    negated = -values
    kth = np.partition(negated, n - 1)[n - 1]
    chosen = np.flatnonzero(negated <= kth)
    return [int(i) for i in chosen[np.argsort(negated[chosen], kind="stable")][:n]]


_NAME = re.compile(r"^[a-z0-9ァ-ヶー・.-]+$")
_QUANTITIES = frozenset({"cpu", "メモリー"})  # what a question measures, not a topic it names
# A state kubectl shows (「いつまでもReadyにならない」): the symptom the question reports, not a topic it names
_STATES = frozenset({"ready", "running", "pending", "completed", "succeeded", "failed", "terminating"})
_MANIFEST_WORDS = frozenset({"yaml", "manifest"})  # (manifest: synonyms.yaml's word for マニフェスト)
VERSION_CONTROL = frozenset({"git", "github", "gitlab"})
_DOMAIN = frozenset({"kubernetes", "kubectl"})  # the assistant's domain itself names no topic (kube-scheduler → kube)


def _about_kubernetes(index: SearchIndex, terms: list[str], extra: list[str] | None) -> bool:
    """The question points to a concept of the guide (a learner phrase's concept) or names a thing some
    heading names, besides the application it runs."""
    headings = heading_vocabulary(index)
    return bool(extra) or any(t in headings and _NAME.match(t) and t not in APPLICATION_STACK for t in terms)


def heading_vocabulary(index: SearchIndex) -> frozenset[str]:
    """Every term of every heading and title (computed once per index)."""
    cached = index.memo.get("_heading_vocabulary_cache")
    if cached is None:
        words: set[str] = set()
        for pid in range(index.n_passages):
            words.update(index.section_terms(pid))
        for doc in index.docs:
            words.update(doc.title_terms)
        cached = frozenset(words)
        index.memo["_heading_vocabulary_cache"] = cached
    return cached


def subject_of(index: SearchIndex, terms: list[str], latin: frozenset[str] | None = None,
               settings: SearchSettings = DEFAULT_SEARCH) -> str | None:
    """The question's subject: its rarest known name, if one is rare enough to name a topic. A name is
    a word the question writes in Latin letters (OpenShift, ConfigMap, Operator), or a katakana word
    that some heading of the corpus uses (サイドカー); everyday loanwords (アプリ, リリース) are not.
    Without ``latin`` (the terms written in Latin letters), every Latin or katakana term counts."""
    headings = heading_vocabulary(index)
    names = [t for t in dict.fromkeys(terms) if t in index.postings.vocab and _NAME.match(t) and t not in _DOMAIN
             and len(index.postings.term_postings(t)[0]) <= settings.subject_max_passages
             and (latin is None or t in latin or t in headings)]
    return max(names, key=index.postings.term_idf) if names else None


_FENCED = re.compile(r"```.*?```", re.S)
ALNUM_NAME = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+[0-9]+[A-Za-z0-9]*(?![A-Za-z0-9])")


def _any_text(index: SearchIndex, pids, pattern: re.Pattern[str]) -> bool:
    """Some of these passages' raw text matches the pattern."""
    return any(pattern.search(index.passage(int(pid)).text) for pid in pids)


def writes_alnum_name(index: SearchIndex, word: str) -> bool:
    """The corpus writes this word of letters then digits (k3s, ec2, t3), in any case. Sudachi takes such a
    word apart (k9s → k, 9, s), so the passages holding its digits are read for it."""
    memo = _word_memo(index, "_alnum_names")
    key = word.lower()
    if key not in memo:
        digits = re.search(r"[0-9]+", key)
        ids = index.postings.term_postings(digits.group(0))[0] if digits else ()
        memo[key] = _any_text(index, ids, re.compile(rf"(?<![A-Za-z0-9]){re.escape(key)}(?![A-Za-z0-9])", re.I))
    return memo[key]


def written_lowercase(index: SearchIndex, term: str) -> bool:
    """Some passage writes the term in lower case (``requests``), not only as a capitalized name (Azure Files)."""
    memo = _word_memo(index, "_lowercase")
    if term not in memo:  # (case-sensitive: the word as written)
        memo[term] = _any_text(index, index.postings.term_postings(term)[0],
                               re.compile(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])"))
    return memo[term]


def said_outside_code_blocks(index: SearchIndex, term: str) -> bool:
    """Some passage says the term in its prose, a heading or inline code, not only inside a code block:
    an English word found only in command output (``already present on machine``) is no topic of the
    guide."""
    memo = _word_memo(index, "_outside_code")
    if term not in memo:
        memo[term] = any(_outside_code(index, int(pid), term) for pid in index.postings.term_postings(term)[0])
    return memo[term]


def _outside_code(index: SearchIndex, pid: int, term: str) -> bool:
    """The passage's headings or its text outside code blocks say the term."""
    return term in index.section_terms(pid) or _says_in_prose(index, pid, {term})


def _says_in_prose(index: SearchIndex, pid: int, terms: set[str] | frozenset[str]) -> bool:
    """The passage's text outside code blocks says one of the terms."""
    prose = _FENCED.sub(" ", index.passage(pid).text).lower()
    return any(s.lower() in prose for s, t in index.surfaces(pid).items() if t in terms and s)


def is_near_known(index: SearchIndex, term: str) -> bool:
    """A known word lies within two edits of this one (one edit for words under six letters): a typo,
    not a name the guide does not know."""
    vocab = index.postings.vocab
    stem = re.sub(r"(?:ing|ed|es|s)$", "", term)  # debugging → debugg, pods → pod: an English form of a known word
    if stem != term and len(stem) >= 3 and (stem in vocab or is_near_known(index, stem)):
        return True
    buckets = _vocab_by_length(index)
    limit = 2 if len(term) >= 6 else 1
    near = (w for n in range(len(term) - limit, len(term) + limit + 1) for w in buckets.get(n, ()))
    # Each letter of the term that a word lacks costs at least one edit: a cheap, exact pre-check.
    return any(_edit_distance_at_most(term, w, limit) for w in near
               if sum(c not in w for c in term) <= limit)


def _joined_name(surface: str) -> bool:
    """The surface may be a name of several words the analysis joined (「Pod Security Standards」 is
    podsecuritystandards): found in a text only with its spaces taken out."""
    return surface.isascii() and " " not in surface and len(surface) >= 6


def _count(text: str, surfaces: dict[str, str], term: str) -> int:
    """How often the passage says the term, however it is written and cased."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: let the pattern engine fold cases
        return sum(len(re.findall(re.escape(s), text, re.IGNORECASE)) for s, t in surfaces.items() if t == term)
    total, compact = 0, ""
    for surface, found_term in surfaces.items():
        if found_term != term or not surface:
            continue
        key = surface.lower()
        found = low.count(key)
        if not found and _joined_name(surface):
            compact = compact or re.sub(r"\s", "", low)
            found = compact.count(key)
        total += found
    return total


def about_features(index: SearchIndex, terms: list[str], docs: tuple[RankedDoc, ...], confidence: float,
                   unknown_name: bool = False, query: set[str] | None = None, latin: frozenset[str] | None = None,
                   settings: SearchSettings = DEFAULT_SEARCH) -> tuple[tuple[float, ...], str | None]:
    """Features that tell a section about the question from a passing mention of its subject, and
    the subject. A guide that is about OpenShift has a heading with it and says it more than once;
    a table row that lists it does not."""
    best = docs[0].best_passage
    doc = index.docs[docs[0].doc_index]
    weights = {t: _weight(index, t, settings) for t in dict.fromkeys(terms)}
    total = sum(weights.values()) or 1.0
    path = set(index.section_terms(best)) | set(doc.title_terms)
    heading = sum(w for t, w in weights.items() if t in path) / total
    subject = subject_of(index, terms, latin, settings)
    if subject is None:
        in_heading, count, spread, here = 1.0, 1.0, 1.0, 1.0
    else:
        passage = index.passage(best)
        in_heading = float(subject in heading_vocabulary(index))
        here = float(subject in path)
        count = min(_count(passage.text, index.surfaces(best), subject), 3) / 3
        spread = math.log(len(index.postings.term_postings(subject)[0]) + 1) / math.log(settings.subject_max_passages + 1)
    # A question of one topic word ("ConfigMapの使い方") asks about that thing as a whole: the heading
    # that answers it is mostly about it, not about generating its YAML.
    own = [t for t in dict.fromkeys(terms) if t in index.postings.vocab]
    focus = 1.0
    heading_terms = set(own_heading_terms(index, best))
    if len(own) == 1 and heading_terms and description_subject(index, docs[0].doc_index) != frozenset(own):
        # (a page whose description opens by naming the word is about it, whatever the section)
        idf = {t: index.postings.term_idf(t) for t in heading_terms}
        focus = sum(w for t, w in idf.items() if t in (query or set(terms))) / sum(idf.values())
    return (confidence, in_heading, count, spread, heading, float(unknown_name), focus, here), subject


def grade(index: SearchIndex, terms: list[str], docs: tuple[RankedDoc, ...], confidence: float, scores: np.ndarray,
          unknown_name: bool = False, query: set[str] | None = None, latin: frozenset[str] | None = None,
          settings: SearchSettings = DEFAULT_SEARCH, named: frozenset[str] = frozenset(), definition: bool = False,
          task: bool = False, lacking: bool = False) -> tuple[str, float, tuple[float, ...], tuple[tuple[int, float], ...]]:
    """(coverage grade, 1.0 when the best passage is about the question else 0.0, the features that
    decide it, the passages mentioning the subject).

    "full": a section is about the question. "mention": the guide only mentions the question's
    subject in passing (its passages are listed). "none": nothing in the guide is about it."""
    if not docs:
        return NONE, 0.0, (), ()
    features, subject = about_features(index, terms, docs, confidence, unknown_name, query, latin, settings)
    rare = subject is not None and len(index.postings.term_postings(subject)[0]) <= settings.mention_max_passages
    passing = rare and features[1] == 0 and features[7] == 0 and features[2] <= 1 / 3 \
        and features[4] < settings.answering_heading \
        and not (features[2] > 0 and _rest_answered(index, terms, subject, docs, settings)) \
        and not _in_code(index, docs[0].best_passage, subject, fenced=not definition)
    if settings.absent_subject and named and not passing and features[4] < settings.answering_heading \
            and (absent := _named_absent(index, docs, named, settings)):
        # The question names its topic (「ConfigMapを設定ファイルとしてマウントしたい」) and the answering passage
        # never says it: the passage answers the question's other words (マウント), not the question. The
        # places that mention are those that name the topic.
        passing, subject = True, absent
    if passing and not task and _item_says(index, docs[0].best_passage, terms, subject):
        # 「kube-proxyのモードってiptables以外に何があるの」: the list item labelled kube-proxy says iptables, the
        # rare subject: the item explains the thing the question names, the subject included (how to switch
        # to it, 「ipvsモードに切り替えるには」, is another matter)
        passing = False
    # A rare field the passage writes as code in its prose (「`spec.revisionHistoryLimit`（デフォルト10）で決まります」)
    # is documented there, though the heading is about something else (the rollback)
    focused = features[6] >= settings.min_focus or (
        rare and _in_code(index, docs[0].best_passage, subject, fenced=False))
    if (passing or not focused) and subject is not None and (
            _labels(index, docs[0].best_passage, subject)
            or (definition and (_expands(index, docs[0].best_passage, subject)
                                or _explains(index, docs[0].best_passage, subject)))):
        # A list item labelled with the subject explains it (「- `ImagePullBackOff`: イメージを取得できません。…」),
        # and so does, for 「RWXってなに」, the name an abbreviation stands for (「`ReadWriteMany`（RWX）」), for
        # 「Allocatableってなに」 a gloss (「Allocatable（割り当て可能量）」), a heading asking 「… X とは？」 or a
        # table row giving its meaning (``_explains``).
        passing, focused = False, True
    about = 0.0 if passing or unknown_name or lacking or not focused else 1.0
    if confidence >= settings.answer_threshold and about:
        return FULL, about, features, ()
    own = [t for t in dict.fromkeys(terms) if t in index.postings.vocab]
    if subject is None and not focused and len(own) == 1:
        # A one-word question ("kubeletとは") whose word many passages use, none of them under a heading
        # about it: the guide mentions it in many places, which is not "nothing in the guide".
        subject = own[0]
    if subject is None or unknown_name or confidence < settings.mention_min:
        # Nothing named, a name the guide never uses (Terraform), or too little in common: not in the guide.
        return NONE, about, features, ()
    ids, _ = index.postings.term_postings(subject)
    # The best-scoring passages that touch on the subject (one that says it only in a code comment or as a
    # YAML key, 「operator: In」, does not), read until ``mention_read`` are found: only the first few are shown.
    ranked = []
    for p in sorted(ids, key=lambda p: -scores[p]):
        if not _named_only_aside(index, int(p), subject):
            ranked.append(int(p))
            if len(ranked) == settings.mention_read:
                break
    if not ranked:
        return NONE, about, features, ()
    # A passage that explains the word in a labelled list item (「- **kubelet**：ノードごとに動く…」) is
    # the most useful place to point to.
    explains = {p for p in ranked if _labels(index, p, subject)}
    mentions = tuple((p, float(scores[p])) for p in sorted(ranked, key=lambda p: p not in explains))
    return MENTION, about, features, mentions


_LABEL = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(?:\*\*([^*\n]+)\*\*|(`[^`\n]+`(?:\s*/\s*`[^`\n]+`)*))\s*[:：]", re.M)


def _named_absent(index: SearchIndex, docs: tuple[RankedDoc, ...], named: frozenset[str],
                  settings: SearchSettings = DEFAULT_SEARCH) -> str | None:
    """The rarest name the question writes with a capital letter, when it is nowhere in the answering
    passage, its headings or its article's title; else None. Names too common to be a topic (Pod, Web)
    and quantities (CPU) do not count."""
    postings = index.postings
    known = [t for t in named if t in postings.vocab and t not in _DOMAIN and t not in _QUANTITIES
             and t not in _STATES and len(t) > 2
             and len(postings.term_postings(t)[0]) <= settings.named_max_passages]
    if not known:
        return None
    best = docs[0].best_passage
    rarest = max(known, key=postings.term_idf)
    surfaces = index.surfaces(best)  # (decoded once: the aside check reads them too)
    absent = (rarest not in surfaces.values() or _named_only_aside(index, best, rarest, surfaces)) \
        and rarest not in index.section_terms(best) and rarest not in index.docs[docs[0].doc_index].title_terms
    return rarest if absent else None


_COMMENT = re.compile(r"(?m)(?:^|\s)#\s.*$")


def _named_only_aside(index: SearchIndex, pid: int, term: str, surfaces: dict[str, str] | None = None) -> bool:
    """The passage names the term only in a comment of its code (「# 環境変数を確認（ConfigMap や Secret が
    正しく渡っているか）」) or as a lowercase YAML key (``operator: In`` for 「Operatorってなに」): an aside or
    another thing, not what the passage is about (「ConfigMapの値を環境変数としてコンテナに渡すには」 is not
    answered by how to run one command in a container)."""
    raw = index.passage(pid).text
    text = _COMMENT.sub(" ", raw) if "#" in raw else raw
    forms = {s.lower() for s, t in (surfaces if surfaces is not None else index.surfaces(pid)).items() if t == term}
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: let the pattern engine fold cases
        found = [(m.group(0), text[m.end():m.end() + 1]) for s in forms
                 for m in re.finditer(re.escape(s), text, re.I)]
        return all(word.isascii() and word.islower() and after == ":" for word, after in found)
    for form in forms:
        at = low.find(form)
        if at < 0 and _joined_name(form) and form in re.sub(r"\s", "", low):
            return False  # (「Microsoft 365」 is microsoft365)
        while form and at >= 0:
            end = at + len(form)
            word = text[at:end]
            if not (word.isascii() and word.islower() and text[end:end + 1] == ":"):
                return False
            at = low.find(form, end)
    return True


def _labels(index: SearchIndex, pid: int, term: str) -> bool:
    """The passage has a list item labelled with the term, in bold or as code (a definition list)."""
    surfaces = {s.lower() for s, t in index.surfaces(pid).items() if t == term} | {term}
    labels = [label.strip(" `").lower() for m in _LABEL.finditer(index.passage(pid).text)
              for label in ([m.group(1)] if m.group(1) else m.group(2).split("/"))]  # (「`A` / `B`:」 names both)
    return any(label in surfaces or re.sub(r"\s", "", label) in surfaces  # (「**Pod Security Standards**：」)
               or _GLOSS.sub("", label) in surfaces  # (「**kind（Kubernetes in Docker）**：」)
               or _VALUE.sub("", label) in surfaces  # (「**runAsNonRoot: true**：」)
               for label in labels)


_GLOSS = re.compile(r"\s*[（(][^）)]*[）)]$")
_VALUE = re.compile(r"\s*[:=]\s*\S+$")


def _forms(index: SearchIndex, pid: int, term: str) -> set[str]:
    """How the passage writes the term (its surfaces for it, lower-cased)."""
    return {s.lower() for s, t in index.surfaces(pid).items() if t == term and s}


def _item_says(index: SearchIndex, pid: int, terms: list[str], subject: str | None) -> bool:
    """The passage has a list item labelled with another word of the question that says the subject."""
    if subject is None:
        return False
    surfaces = index.surfaces(pid)
    named = {s.lower() for s, t in surfaces.items() if t in terms and t != subject and s}
    forms = _forms(index, pid, subject)
    text = index.passage(pid).text

    def asked(label: str) -> bool:  # (「**kube-proxy**」: each piece is a word of the question)
        pieces = [p for p in re.split(r"[\s\-_./]+", label.strip(" `").lower()) if p]
        return bool(pieces) and all(p in named for p in pieces)

    for m in _LABEL.finditer(text):
        if not any(asked(label) for label in ([m.group(1)] if m.group(1) else m.group(2).split("/"))):
            continue
        end = text.find("\n", m.end())
        item = text[m.end():end if end >= 0 else len(text)].lower()
        if any(form in item for form in forms):
            return True
    return False


def _explaining_mention(index: SearchIndex, mentions: tuple[tuple[int, float], ...],
                        terms: list[str]) -> tuple[int, float] | None:
    """The first of a "mention" answer's passages that labels the question's subject in a list item or
    explains it otherwise (``_explains``), when the question is that subject alone."""
    own = [t for t in dict.fromkeys(terms) if t in index.postings.vocab]
    if len(own) != 1:
        return None
    subject = own[0]
    for pid, score in mentions:
        if _labels(index, pid, subject) or _explains(index, pid, subject):
            return pid, score
    return None


_TABLE_ROW = re.compile(r"^\|\s*`?([^|`]+?)`?(?:（[^）|]*）)?\s*\|\s*([^|]+?)\s*\|", re.M)


def _explains(index: SearchIndex, pid: int, term: str) -> bool:
    """The passage explains the term: its own heading asks what it is (「EKS のマネージドノードグループと
    Fargate とは？」), a table row gives its meaning (「| failureThreshold（3） | 何回続けて失敗したら…|」; a row
    of short names, 「| PodDisruptionBudget | pdb |」, gives none), or it glosses the term in parentheses just
    after it (「Allocatable（割り当て可能量）」; 「`cm`（ConfigMap）」 only names the same thing twice)."""
    forms = _forms(index, pid, term)
    heading = index.passage(pid).section.split(SECTION_SEPARATOR)[-1].lower()
    if any(re.search(rf"{re.escape(form)}\s*とは", heading) for form in forms):
        return True
    text = index.passage(pid).text
    if any(cell.strip().lower() in forms and len(meaning) >= 12 and not meaning.isascii()
           for cell, meaning in _TABLE_ROW.findall(text)):
        return True
    return any(m.group(1).strip("` ").lower() not in forms
               for form in forms
               for m in re.finditer(rf"(?<![A-Za-z0-9_-]){re.escape(form)}`?（([^）\n]{{2,20}})）", text, re.I))


def _expands(index: SearchIndex, pid: int, term: str | None) -> bool:
    """The passage gives the term as the abbreviation of a name written just before it: 「`ReadWriteMany`（RWX）」."""
    if term is None:
        return False
    text = index.passage(pid).text
    return any(re.search(rf"[^\s（(]\s?[（(]`?{re.escape(form)}`?[）)]", text, re.I) for form in _forms(index, pid, term))


_CODE_SPANS = re.compile(r"```.*?```|`[^`\n]+`", re.S)


def _in_code(index: SearchIndex, pid: int, subject: str | None, fenced: bool = True) -> bool:
    """The passage writes the subject as code (`revisionHistoryLimit`, a manifest field): it documents it,
    where a product named in prose (OpenShift) is only mentioned (tuning answered 0.961 → 0.968, dev
    0.930 → 0.935, near-miss unchanged on both)."""
    if subject is None:
        return False
    text = index.passage(pid).text if fenced else _FENCED.sub(" ", index.passage(pid).text)
    spans = " ".join(_CODE_SPANS.findall(text)).lower()
    return any(form in spans for form in _forms(index, pid, subject))


def _rest_answered(index: SearchIndex, terms: list[str], subject: str | None, docs: tuple[RankedDoc, ...],
                   settings: SearchSettings = DEFAULT_SEARCH) -> bool:
    """The answering passage holds every other known word of a question that says enough besides its
    rare subject: 「kubectl exec web ls を実行したら is not supported anymore というエラーになった」 is
    answered by the section on exec's ``--``, which quotes that error once."""
    rest = [t for t in dict.fromkeys(terms) if t != subject and t in index.postings.vocab]
    if len(rest) < settings.rest_words:
        return False
    best = docs[0].best_passage
    held = set(index.surfaces(best).values()) | set(index.section_terms(best))
    return all(t in held for t in rest)


def answer_probability(features: tuple[float, float, float], settings: SearchSettings = DEFAULT_SEARCH) -> float:
    """Probability, by the calibrated logistic model, that the corpus covers a question, from its
    three features (coverage, match strength, unknown-word share)."""
    z = settings.answer_bias + sum(w * f for w, f in zip(settings.answer_weights, features))
    return 1.0 / (1.0 + math.exp(-z))


class Intent(NamedTuple):
    """What kind of answer the question asks for, read from its wording. (A named tuple: made at
    import like a dataclass, at a fifth of the cost, and a warm ``ask`` imports every module.)"""

    definition: bool = False  # "what is X"
    task: bool = False  # "how do I X"
    defined: frozenset[str] = frozenset()  # the terms of X, when the question names more than X


def own_heading_terms(index: SearchIndex, pid: int) -> tuple[str, ...]:
    """The terms of a passage's own (last) heading, analyzed once and kept with the index.

    The index keeps each passage's heading path as one list of distinct terms, so a sub-section
    that repeats its parent's words (「ConfigMap と Secret の YAML を生成するには？」 under 「Service・
    ConfigMap・Secret… の YAML も自動生成できる？」) cannot be told apart by them: its own heading is
    analyzed again (when the index is built, ``SearchIndex.own_heading``; for an index without them, here
    with the analyzer ``bind_heading_analyzer`` gave the index)."""
    cache = index.memo.setdefault("_own_heading_cache", {})
    found = cache.get(pid)
    if found is None:
        analyzer = index.memo.get("_heading_analyzer")
        if analyzer is None:
            found = index.section_terms(pid)
        elif (stored := index.own_heading(pid)) is not None:  # analyzed when the index was built
            found = stored
        else:
            heading = index.passage(pid).section.split(SECTION_SEPARATOR)[-1]
            found = tuple(dict.fromkeys(analyzer.terms(heading))) if heading else ()
        cache[pid] = found
    return found


_SUBJECT_CLAUSE = re.compile(r"^(.{1,40}?)(?:とは|は、|は|（)")


def description_subject(index: SearchIndex, doc_index: int) -> frozenset[str]:
    """The terms of what a page's description opens by naming (「Kubernetesは、…」 → kubernetes);
    empty when it opens otherwise. Analyzed once per page, when first asked."""
    cache = index.memo.setdefault("_description_subjects", {})
    found = cache.get(doc_index)
    if found is None:
        analyzer = index.memo.get("_heading_analyzer")
        match = _SUBJECT_CLAUSE.match(index.docs[doc_index].description.strip())
        found = frozenset(analyzer.terms(match.group(1))) if analyzer is not None and match else frozenset()
        cache[doc_index] = found
    return found


def names_subject(index: SearchIndex, doc_index: int, own: frozenset[str]) -> bool:
    """The page's description opens by naming the question's subject: all of what it names is among the
    question's topic words (「そもそもk8sって何をしてくれるの」 asks about Kubernetes, with a filler word)."""
    named = description_subject(index, doc_index)
    return bool(named) and named <= own


def subject_pages(index: SearchIndex) -> dict[frozenset[str], tuple[int, ...]]:
    """Pages by what their description opens by naming (computed once per index, when first asked)."""
    pages = index.memo.get("_subject_pages")
    if pages is None:
        grouped: dict[frozenset[str], list[int]] = {}
        for doc_index in range(len(index.docs)):
            subject = description_subject(index, doc_index)
            if subject:
                grouped.setdefault(subject, []).append(doc_index)
        pages = {k: tuple(v) for k, v in grouped.items()}
        index.memo["_subject_pages"] = pages
    return pages


def bind_heading_analyzer(index: SearchIndex, analyzer) -> None:
    """Give the index the analyzer that analyzes its headings again (``own_heading_terms``)."""
    index.memo["_heading_analyzer"] = analyzer
    index.memo["_own_heading_cache"] = {}
    index.memo["_heading_sets_cache"] = {}




def is_howto_heading(index: SearchIndex, pid: int) -> bool:
    """The passage's own heading asks how to do something (「…を見るには？」, 「…の方法は？」)."""
    if index.howto is not None:  # found when the index was built
        return bool(index.howto[pid])
    cache = index.memo.setdefault("_howto_cache", {})
    found = cache.get(pid)
    if found is None:
        heading = index.passage(pid).section.split(SECTION_SEPARATOR)[-1].strip()
        found = cache[pid] = bool(HOWTO_HEADING.search(heading))
    return found


def _heading_sets(index: SearchIndex, pid: int) -> tuple[frozenset[str], frozenset[str], bool]:
    """(terms of the heading path, terms of the own heading, whether the path is empty) of a passage, as
    sets, kept with the index: re-ranking asks for them again for every question."""
    cache = index.memo.get("_heading_sets_cache")
    if cache is None:
        cache = index.memo["_heading_sets_cache"] = {}
    found = cache.get(pid)
    if found is None:
        path = index.section_terms(pid)
        found = cache[pid] = (frozenset(path), frozenset(own_heading_terms(index, pid)), not path)
    return found


def heading_match(index: SearchIndex, weights: dict[str, float], pid: int, total: float | None = None) -> float:
    """How well the passage's own heading asks the question (0..1): the IDF share of the question's
    words found in it. (``total``: the sum of ``weights``, when the caller has it.)"""
    if total is None:
        total = sum(weights.values())
    own = _heading_sets(index, pid)[1]
    if not total or not own:
        return 0.0
    return sum(w for t, w in weights.items() if t in own) / total


def passage_boost(index: SearchIndex, query: set[str], weights: dict[str, float], pid: int, intent: Intent,
                  settings: SearchSettings = DEFAULT_SEARCH, total: float | None = None) -> float:
    """How much better than its BM25 score a passage answers the question: its heading asks what
    was asked, it defines what a "what is" question asks about, it opens its section. (``total``: the
    sum of ``weights``, when the caller has it.)"""
    heading, own, no_heading = _heading_sets(index, pid)
    shared = len(query & heading) if heading else 0  # Jaccard
    boost = 1.0 + settings.section_boost * (shared / (len(query) + len(heading) - shared) if shared else 0.0)
    if settings.own_heading_boost:
        if total is None:
            total = sum(weights.values())
        match = sum(w for t, w in weights.items() if t in own) / total \
            if total and own and not own.isdisjoint(weights) else 0.0
        boost *= 1.0 + settings.own_heading_boost * match  # (heading_match, inline: some 20 passages a question)
    # A defining passage is preferred when it defines what was asked (its own heading shares a word
    # with the question), or is the article's lead: "サイドカーとは？" does not answer "Podとは？", and
    # "startup probe とは？" under "liveness probeとreadiness probeの違いは？" does not answer "liveness probeとは".
    if intent.definition and (index.defines[pid] and (no_heading or own & (intent.defined or query))
                              or not index.defines[pid] and _opens_by_defining(index, pid, intent.defined or query)):
        boost *= 1.0 + settings.definition_boost
    if intent.task and settings.howto_boost and is_howto_heading(index, pid):
        boost *= 1.0 + settings.howto_boost  # "どうやって見るの" → 「…を見るには？」, not 「…はどこに保存されている？」
    if index.opens[pid]:  # a section's opening answers its heading's question; later pieces elaborate
        boost *= 1.0 + settings.opening_boost
    return boost


# A sentence that opens with a name (bold, italic or code marks around it), maybe its short form in
# brackets, then は: 「_PersistentVolumeClaim_ (PVC)は…」 → PersistentVolumeClaim, PVC.
_DEFINING = re.compile(r"(?:^|(?<=[。\n]))[ \t>*_`「]*([^\s。、は（(]{2,40}?)[*_`」]*"
                       r"\s*(?:[（(]([^）)\n]{1,40})[）)])?\s*(?:と|って)?は[、,]?")


def _opens_by_defining(index: SearchIndex, pid: int, query: set[str] | frozenset[str]) -> bool:
    """A sentence of the passage opens by defining a word of the question, its name first and then は
    (「_PersistentVolumeClaim_ (PVC)はユーザーによって要求される…」), though no heading says "what is":
    the docs explain a term in a section named 概要."""
    names = {s for s, t in index.surfaces(pid).items() if t in query}  # (surfaces are kept in lower case)
    if not names:
        return False
    for match in _DEFINING.finditer(index.passage(pid).text):
        if match.group(1).lower() in names or (match.group(2) or "").strip().lower() in names:
            return True
    return False


GLOSSARY_FOLDER = "reference/glossary/"


def is_stub(index: SearchIndex, doc_index: int) -> bool:
    """The page is a glossary entry (Hugo docs' reference/glossary/): a short definition of one term."""
    return _page_facts(index)[doc_index][1]


def _names_term(title: frozenset[str], query: set[str]) -> bool:
    """The question shares a word of a page's title; "kubernetes" counts only when the title is that word
    alone (every question about the docs says Kubernetes; kube-controller-manager's title says it too)."""
    return bool((title & query) - _DOMAIN or (title and title <= _DOMAIN and title <= query))


def _page_facts(index: SearchIndex) -> list[tuple[frozenset[str], bool, str]]:
    """(title terms as a set, whether a glossary entry, kind) of every page, worked out once per index:
    re-ranking asks for some 30 pages per question."""
    facts = index.memo.get("_page_facts")
    if facts is None:
        facts = index.memo["_page_facts"] = [
            (frozenset(d.title_terms), d.path.replace("\\", "/").startswith(GLOSSARY_FOLDER), d.kind)
            for d in index.docs]
    return facts


def _weight(index: SearchIndex, term: str, settings: SearchSettings = DEFAULT_SEARCH) -> float:
    """A term's IDF; an unknown word gets ``unknown_weight`` times the IDF of a word found nowhere."""
    idf = index.postings.term_idf(term)
    return idf if term in index.postings.vocab else settings.unknown_weight * idf


def _coverage(index: SearchIndex, terms: list[str], doc_index: int, settings: SearchSettings = DEFAULT_SEARCH) -> float:
    """Share of the terms' IDF mass found somewhere in one article."""
    doc = index.docs[doc_index]
    lo, hi = doc.first_passage, doc.first_passage + doc.passage_count
    total = found = 0.0
    for term in set(terms):
        idf = _weight(index, term, settings)
        total += idf
        ids, _ = index.postings.term_postings(term)
        if len(ids):
            at = int(np.searchsorted(ids, lo))
            if at < len(ids) and ids[at] < hi:
                found += idf
    return found / total if total else 0.0
