"""The assistant as one object: open a corpus (from the cache when it can), answer questions.

This is the only entry point the interfaces use; it runs the pipeline load → chunk → analyze →
index (cached) and search → answer, and reports problems as Japanese notices instead of raising.
"""

from __future__ import annotations

import gc
import itertools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .analyzer import (APPLICATION_STACK, ENGLISH_FUNCTION_WORDS, Analyzer, Synonyms, Token, apply_synonyms, load_concepts, load_synonyms, question_tokens,
                       synonym_digest)
from .answer import (DEFAULT_ANSWER, MENTIONED_ONLY, NO_TERMS, NO_TOPIC, NOT_COVERED, TOPICLESS_WORDS, Answer,
                     AnswerSettings, Conversation, Suggestion, asks_definition, asks_overview, asks_task, build_summary, defined_phrase,
                     choose_hits, is_follow_up, make_hits)
from .cache import open_index
from .files import CONCEPT_FILE_NAMES, SYNONYM_FILE_NAMES, CorpusError, shown_name
from .index import BuildPlan, DocInfo, IndexSettings, Progress, SearchIndex, build_corpus_index
from .limits import MAX_QUESTION_CHARS
from .paths import default_corpus_path
from .sanitize import terminal_text
from .search import (ALNUM_NAME, DEFAULT_SEARCH, MENTION, SearchResult, SearchSettings, bind_heading_analyzer,
                     correct_term, heading_vocabulary, is_near_known, said_outside_code_blocks, search, writes_alnum_name,
                     written_lowercase)

if TYPE_CHECKING:
    from .corpus import Corpus

Notify = Callable[[str], None]


class QuestionError(ValueError):
    """A question that cannot be asked (empty or blank)."""


@dataclass
class Assistant:
    """A searchable corpus and the analyzer that reads it."""

    index: SearchIndex
    analyzer: Analyzer
    corpus_paths: list[Path]
    notices: list[str] = field(default_factory=list)
    search_settings: SearchSettings = DEFAULT_SEARCH
    answer_settings: AnswerSettings = DEFAULT_ANSWER
    _generic: frozenset[str] = frozenset()
    _variants: dict[str, str] = field(default_factory=dict)
    _phrase_terms: dict[str, list[str]] = field(default_factory=dict)  # concept phrase -> its terms
    _english_typos: dict[str, str | None] = field(default_factory=dict, repr=False)  # asked of Sudachi once per word
    _last_expansion: tuple[str, list[str], tuple[str, ...]] | None = field(default=None, repr=False, compare=False)
    _why_words: tuple[str, ...] | None = field(default=None, repr=False, compare=False)  # WHY_KUBERNETES analyzed
    _read: tuple[str, str] | None = field(default=None, repr=False, compare=False)  # last question, as analyzed

    # --- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, corpus_paths: list[Path] | None = None, base_url: str | None = None,
             cache_dir: Path | None = None, progress: Progress | None = None,
             notify: Notify | None = None, use_cache: bool = True, rebuild: bool = False) -> "Assistant":
        """Open the default corpus or the given paths. Raises CorpusError for unusable paths.

        The index comes from :func:`assistant.cache.open_index` (the one cache entry point);
        ``rebuild`` builds it again and replaces the cached one (``index --rebuild``).

        Python's cycle collector is paused meanwhile: opening allocates objects that all stay
        alive (modules, the index, a build's term lists) and makes next to no cyclic garbage, so
        its passes found nothing and cost 3 ms of a warm start and 30 ms of a cold build."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._open(corpus_paths, base_url, cache_dir, progress, notify, use_cache, rebuild)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _open(cls, corpus_paths: list[Path] | None, base_url: str | None, cache_dir: Path | None,
              progress: Progress | None, notify: Notify | None, use_cache: bool, rebuild: bool) -> "Assistant":
        notices: list[str] = []

        def say(message: str) -> None:
            notices.append(message)
            if notify:
                notify(message)

        given = [Path(p) for p in corpus_paths] if corpus_paths else [default_corpus_path()]
        for p in given:
            if not os.path.lexists(p):
                raise CorpusError(f"コーパスのパス {shown_name(os.fspath(p))} が見つかりません")
        paths = [p.resolve() for p in given]  # docs and /abs/path/docs share one cache
        synonym_files = _vocabulary_files(paths, SYNONYM_FILE_NAMES)
        concept_files = _vocabulary_files(paths, CONCEPT_FILE_NAMES)
        analyzer = Analyzer(Synonyms({}, synonym_digest(synonym_files)))  # the table comes with the index

        def settings() -> IndexSettings:  # read again after a build: an edit meanwhile is seen
            probe = Analyzer(Synonyms({}, synonym_digest(synonym_files)))
            return IndexSettings(analyzer=f"{probe.settings}|{synonym_digest(concept_files)}")

        def build() -> tuple[SearchIndex, Corpus]:
            plan = BuildPlan(paths)  # lists the corpus and starts the children first: they overlap what follows
            try:
                table, synonym_notices = load_synonyms(synonym_files, analyzer)
                analyzer.synonyms = table
                concepts, concept_notices = load_concepts(concept_files, analyzer)
            except BaseException:
                plan.close()
                raise
            built, corpus = build_corpus_index(plan, base_url, analyzer, progress, settings())
            built.synonyms, built.concepts = table, concepts
            built.notices = synonym_notices + concept_notices
            return built, corpus

        index = open_index(paths, base_url, settings, build, cache_dir, say, use_cache, rebuild)
        analyzer.synonyms = index.synonyms
        for notice in index.notices:
            say(notice)
        for problem in index.problems:
            say(f"読み飛ばしたファイル: {problem}")
        bind_heading_analyzer(index, analyzer)
        assistant = cls(index, analyzer, paths, notices)
        assistant._generic = frozenset(t for w in TOPICLESS_WORDS for t in analyzer.terms(w))
        assistant._variants = {**analyzer.synonyms.spellings,
                               **{"".join(k): v for k, v in analyzer.synonyms.table.items()}}
        return assistant

    # --- asking -------------------------------------------------------------------------------------

    def analyze_question(self, question: str) -> list[str]:
        """The question's terms, fitted to the index's vocabulary.

        A compound the corpus never uses is replaced by its parts (設定方法 → 設定), an unknown
        katakana or Latin compound is split into two known words (ヘッドレスサービス → ヘッドレス + サービス),
        and a small typo is corrected to the one known word it is close to. English function words
        and stray single letters are left out (``analyzer.question_tokens``).
        """
        return self._analyze(question)[0]

    def _analyze(self, question: str) -> tuple[list[str], bool, frozenset[str], frozenset[str]]:
        """The question's terms, whether it names something in Latin letters that the guide never uses
        and that is no typo of a word it does (Helm, Velero, kustomize), the terms it writes in Latin
        letters, and those a Japanese question writes with a capital letter (ConfigMap, VPA: names)."""
        vocab = self.index.postings.vocab
        out: list[str] = []
        unknown_name = False
        corrected_any = False
        spelled = 0  # English typos tried (each asks Sudachi about a few hundred spellings)
        latin: set[str] = set()
        named: set[str] = set()  # written with a capital letter in a Japanese question
        text = terminal_text(question[:MAX_QUESTION_CHARS])  # escape sequences are no words of a question
        text = self._katakana_loanwords(text)
        tokens = self.analyzer.tokens(text, parts=True)
        if any(t.term not in vocab and _HIRAGANA.fullmatch(t.surface) for t in tokens):
            # a word typed in hiragana that Sudachi could not read (げんいん → げん, いん): read it again
            rewritten = self._hiragana_words(text)
            if rewritten != text:
                text, tokens = rewritten, self.analyzer.tokens(rewritten, parts=True)
        if any(t.term not in vocab and _KANJI.fullmatch(t.surface) for t in tokens):
            # a compound mistyped with a homophone (宣現 for 宣言, 制現 for 制限): Sudachi takes it apart
            rewritten = self._kanji_homophones(text)
            if rewritten != text:
                text, tokens = rewritten, self.analyzer.tokens(rewritten, parts=True)
        if any(t.term not in vocab and _LOOKALIKE_RUN.fullmatch(t.surface) for t in tokens):
            # ソ typed for ン, ツ for シ (パターソ, サイドカーコソテナ): the lookalike the guide writes
            rewritten = self._katakana_lookalikes(text)
            if rewritten != text:
                text, tokens = rewritten, self.analyzer.tokens(rewritten, parts=True)
        self._read = (question, text)
        english = _ENGLISH_SENTENCE.search(text) is not None
        what = _WHAT_IS.search(text) if english else None
        defined = what.group(1).lower() if what else None  # the X of "what is X"
        for found in ALNUM_NAME.finditer(text):
            word = found.group(0)
            # a tool the guide never names, written in letters and digits (k9s, k0s): Sudachi takes it
            # apart and its letters would be dropped as stray, leaving only the digit
            if len(word) >= 2 and word.lower() not in vocab and word.lower() not in self._variants \
                    and not self._counted_word(word, text[found.end():found.end() + 1]) \
                    and not writes_alnum_name(self.index, word):
                unknown_name = True
                latin.add(word.lower())
        for token in question_tokens(self._english_words(tokens), text):
            term = token.term
            known_parts = [p for p in token.parts if p in vocab]
            capital = not english and _capitalized(text, token.surface)
            if (term.isascii() and (_latin_name(token.surface) or (len(term) >= 3 and term.isalpha()))) \
                    or (capital and _latin_name(token.surface)):
                # (restart → リスタート: an English word, no name; ネットワークポリシー → networkpolicy and
                # 「Operatorってなに」 → オペレーター: names; in English, a word the guide writes only in command
                # output, "machine", is English)
                if not (english and term in vocab and token.surface.islower()
                        and not said_outside_code_blocks(self.index, term)):
                    latin.add(term)
                if capital:
                    named.add(term)
            if term in vocab and token.surface.lower() == defined:
                latin.add(term)  # "what is an operator": the thing asked about is named, whatever its spelling
            if term in vocab:
                # "files" is in the corpus only as the name Azure Files; in an English question it is ファイル
                # (requests stays: the corpus writes the field in lower case)
                lemma = self._english_lemma(term) if english and token.surface.islower() \
                    and not written_lowercase(self.index, term) else None
                out.append(lemma or term)
                continue
            if known_parts:  # the compound is unknown but some of its parts are not: search for the parts
                if any(len(p) > 1 for p in known_parts):  # the unknown parts count as unknown (年末|調整)
                    out.extend(p for p in token.parts if p in vocab or len(p) > 1)
                else:  # only a suffix (化, 的) is known
                    out.extend(known_parts)
                continue
            # A capitalized word of a Japanese question is a name (Kubecost is no kube + cost).
            split = None if capital else self._decompound(term)
            if split:
                out.extend(split)
                continue
            lemma = self._english_lemma(term)
            if lemma is not None:  # images → image → イメージ, deleted → delete
                out.append(lemma)
                continue
            # A Latin word Sudachi spelled in katakana (taint → テイント) is corrected as spelled in letters,
            # never as the katakana of another word (テイント → ポイント)
            transliterated = token.surface.isascii() and not term.isascii()
            corrected = None if transliterated else correct_term(term, self.index, self._variants)
            if (english and corrected in ENGLISH_FUNCTION_WORDS) or token.surface.lower() in APPLICATION_STACK \
                    or (len(token.surface) > 3 and _written_upper(text, token.surface)):
                corrected = None  # (bare is a word, not a typo of "are"; React and VLOOKUP are names, not typos)
            if corrected is None and not english and spelled < MAX_SPELLED:  # (in English: a real word, stuck ≠ stack)
                spelled += 1
                corrected = self._english_typo(term)
            # In a question written in English, a lower-case unknown word is English ("difference"), not a name.
            written_as_name = not english or any(c.isupper() for c in token.surface) or _acronym(text, token.surface)
            # (a word Sudachi spelled in katakana is a typo only when near a known word both as read and as typed)
            if corrected is None and _latin_name(token.surface) and written_as_name \
                    and token.surface.lower() not in APPLICATION_STACK \
                    and not (is_near_known(self.index, term) and not _acronym(text, token.surface)
                             and (not transliterated or is_near_known(self.index, token.surface.lower()))):
                unknown_name = True
            out.append(corrected or term)
            corrected_any = corrected_any or corrected is not None
            if corrected and corrected.isascii() and (_latin_name(token.surface) or (len(corrected) >= 3 and corrected.isalpha())):
                latin.add(corrected)
        if corrected_any:  # a corrected word may complete a synonym (persistant volume → persistentvolume)
            out = [t.term for t in apply_synonyms([Token(t, t) for t in out], self.analyzer.synonyms)]
        return out, unknown_name, frozenset(latin), frozenset(named)

    def _counted_word(self, word: str, after: str) -> bool:
        """A word the guide uses, then a count (「web10個、api6個のPod」, 「worker2台」): no name, unlike k9s,
        S3 or M365. Written in lower case or followed by a counter (Route53 is a name)."""
        letters = word.rstrip("0123456789")
        return len(letters) >= 2 and letters.isalpha() and len(letters) < len(word) \
            and (letters.islower() or after in _COUNTERS) \
            and all(t.term in self.index.postings.vocab for t in self.analyzer.tokens(letters))

    def _katakana_loanwords(self, text: str) -> str:
        """The question with loanwords typed in hiragana (せきゅりてぃこんてきすと, ろーるあうと) written in
        katakana, where the katakana spelling analyzes to at most two words the guide knows. Only a run
        of four or more hiragana holding a long-vowel mark or a small vowel (ー, ぃ…), which Japanese
        words rarely have, is tried; Sudachi would cut it into unrelated words."""
        if not _LOANWORD_MARK.search(text):
            return text
        vocab = self.index.postings.vocab

        def known(word: str) -> bool:
            terms = self.analyzer.terms(word)
            return 0 < len(terms) <= 2 and all(t in vocab for t in terms)

        def rewrite(match: re.Match[str]) -> str:
            run = match.group(0)

            def katakana(i: int, j: int) -> str | None:
                piece = run[i:j]
                if _LOANWORD_MARK.search(piece) and known(spelled := piece.translate(_TO_KATAKANA)):
                    return spelled
                return None
            return _rewrite_pieces(run, katakana, shortest=4, longest=len(run))

        return _HIRAGANA_RUN.sub(lambda m: rewrite(m) if _LOANWORD_MARK.search(m.group(0)) else m.group(0), text)

    def _defined(self, question: str, terms: list[str]) -> frozenset[str]:
        """For a "what is X" question, its terms that name X when it names more than X (「kubectl get の -L
        オプションって何」 → l, オプション); empty otherwise."""
        phrase = defined_phrase(question)
        vocab = self.index.postings.vocab
        named = frozenset(t for t in self.analyzer.terms(phrase) if t in terms and t in vocab) if phrase else frozenset()
        return named if named and named != frozenset(terms) else frozenset()

    def _hiragana_words(self, text: str) -> str:
        """The question with the guide's words that a learner typed in hiragana (IME off) written as the
        guide writes them: げんいん → 原因, じどうせいせい → 自動生成, ろぐ → ログ, めもり → メモリ. Only a
        run of hiragana that Sudachi reads into a word the guide does not know is rewritten (ひょうじ and
        かくにん it reads as 表示 and 確認 itself), and not one that ends a word written in kanji (大きい,
        尽くさないように), piece by piece, longest first: a piece of three or more
        letters read like one of the guide's kanji words, or a piece whose katakana spelling is one of the
        guide's loanwords; the letters between (particles, endings) stay."""
        vocab = self.index.postings.vocab
        runs = [m for m in _HIRAGANA_WORDS.finditer(text)
                if not (m.start() and _KANJI.match(text[m.start() - 1]))  # (okurigana: 大きい, 動かせない)
                and any(t not in vocab for t in self.analyzer.terms(m.group(0)))]
        if not runs:
            return text
        readings = self._kanji_readings()

        def loanword(katakana: str) -> bool:
            terms = self.analyzer.terms(katakana)
            return len(terms) == 1 and terms[0] in vocab and _LOANWORD.fullmatch(terms[0]) is not None

        def rewrite(run: str) -> str:
            def word(i: int, j: int) -> str | None:
                katakana = run[i:j].translate(_TO_KATAKANA)
                found = readings.get(katakana) if j - i >= 3 else None
                # a two-letter piece only stands alone between particles (ろぐで → ログで, not いっぱい → いっパイ)
                alone = j - i >= 3 or ((not i or run[i - 1] in _PARTICLES) and (j == len(run) or run[j] in _PARTICLES + "っ"))
                if found is None and alone and loanword(katakana):
                    found = katakana
                return found
            return _rewrite_pieces(run, word, shortest=2, longest=12)

        for m in reversed(runs):
            text = text[:m.start()] + rewrite(m.group(0)) + text[m.end():]
        return text

    def _kanji_homophones(self, text: str) -> str:
        """The question with each run of kanji that Sudachi takes apart into letters the guide does not know
        written as the guide's word that reads the same (宣現的 → 宣言的, リソース制現 → リソース制限); a run
        whose reading is no guide word stays as it is."""
        vocab = self.index.postings.vocab
        readings = self._kanji_readings()
        for m in reversed(list(_KANJI_RUN.finditer(text))):
            run = m.group(0)
            if all(t in vocab for t in self.analyzer.terms(run)):
                continue
            for end in range(len(run), 1, -1):  # the longest start of the run read like a guide word
                word = readings.get(self.analyzer.reading(run[:end]))
                if word is not None and word != run[:end]:
                    text = text[:m.start()] + word + text[m.start() + end:]
                    break
        return text

    def _katakana_lookalikes(self, text: str) -> str:
        """The question with each katakana run that holds words the guide does not know rewritten with its
        lookalike letters swapped (ソ/ン, シ/ツ), when every word of the swapped spelling is a guide word."""
        vocab = self.index.postings.vocab

        def rewrite(match: re.Match[str]) -> str:
            run = match.group(0)
            if all(t in vocab for t in self.analyzer.terms(run)):
                return run
            spots = [i for i, c in enumerate(run) if c in _LOOKALIKES]
            if len(spots) > 4:
                return run
            for n in range(1, len(spots) + 1):  # fewest swaps first
                for chosen in itertools.combinations(spots, n):
                    spelled = "".join(_LOOKALIKES[c] if i in chosen else c for i, c in enumerate(run))
                    terms = self.analyzer.terms(spelled)
                    if terms and all(t in vocab for t in terms):
                        return spelled
            return run

        return _LOOKALIKE_RUN.sub(rewrite, text)

    def _kanji_readings(self) -> dict[str, str]:
        """The guide's kanji words (two or more letters) by their katakana reading, one word per reading
        (a reading two words share is left out); worked out once per index, when first needed."""
        found = self.index.memo.get("_kanji_readings")
        if found is None:
            by_reading: dict[str, set[str]] = {}
            for term in self.index.postings.vocab:
                if len(term) >= 2 and _KANJI.search(term):
                    by_reading.setdefault(self.analyzer.reading(term), set()).add(term)
            found = self.index.memo["_kanji_readings"] = {r: next(iter(ts)) for r, ts in by_reading.items()
                                                            if len(ts) == 1 and len(r) >= 3}
        return found

    def _english_lemma(self, term: str) -> str | None:
        """The known term of an English word's base form as Sudachi reads it (images → image → イメージ,
        classes → class → クラス), or None: Sudachi reads a base form, rarely an inflected one."""
        if not (term.isascii() and term.isalpha() and term.islower() and len(term) >= 4):
            return None
        vocab = self.index.postings.vocab
        for base in _english_bases(term):
            words = self.analyzer.terms(base)
            if len(words) == 1 and words[0] in vocab and not words[0].isascii() and len(words[0]) >= 3:
                # (a base form in Latin letters is a command more often than not, runs ≠ kubectl run; and a
                # reading of two kana is a fragment of other words, run → ラン as in ドライラン)
                return words[0]
        return None

    def _english_typo(self, term: str) -> str | None:
        """The one known word that an English word one edit away stands for, or None: the guide's
        English words are mostly indexed as Sudachi reads them (client → クライアント), so a typo of
        one (cliant, templete, ambassdor) is corrected by asking Sudachi about each spelling one
        edit away (a few hundred short strings, only for a Latin word the guide does not know)."""
        if not (term.isascii() and term.isalpha() and 5 <= len(term) <= 20):
            return None
        memo = self._english_typos
        if term not in memo:
            if len(memo) > 4096:  # (a long chat session: kept small)
                memo.clear()
            memo[term] = self._english_typo_found(term)
        return memo[term]

    def _english_typo_found(self, term: str) -> str | None:
        """``_english_typo`` worked out (Sudachi asked about every spelling one edit away)."""
        vocab = self.index.postings.vocab
        found: set[str] = set()
        for spelling in _one_edit(term):
            if spelling[0] != term[0]:
                continue  # a typo keeps the first letter: Knative is no native, vcluster no cluster
            words = self.analyzer.terms(spelling)
            if len(words) == 1 and words[0] in vocab and not words[0].isascii():
                found.add(words[0])
                if len(found) > 1:
                    return None
        return found.pop() if found else None

    def _english_words(self, tokens: list[Token]) -> list[Token]:
        """Tokens with Sudachi's English compounds that hold a function word taken apart: "service in"
        is サービスイン (a Japanese business word) to Sudachi, but in "what is a service in kubernetes"
        it is the word service followed by in."""
        out: list[Token] = []
        for token in tokens:
            words = token.surface.lower().split()
            if len(words) > 1 and token.surface.isascii() and any(w in ENGLISH_FUNCTION_WORDS for w in words):
                for word in words:
                    out.extend(self.analyzer.tokens(word, parts=True))
            else:
                out.append(token)
        return out

    def expand(self, question: str, terms: list[str]) -> list[str]:
        """Concept words the question's phrases point to (corpus/concepts.yaml), known to the index."""
        last = self._last_expansion  # (searching and the 要点 both ask, one after the other)
        if last is not None and last[0] == question and last[1] == terms:
            return list(last[2])
        vocab = self.index.postings.vocab
        found = [t for t in self.index.concepts.expand(self._as_read(question)) if t in vocab and t not in terms]
        if _ABOUT_DOMAIN.search(question) and _ASKS_BENEFIT.search(question):
            # what Kubernetes does for a learner (「Kubernetesを入れると何ができるようになるの」): the words of the
            # overview's why-Kubernetes section, however the question puts it
            if self._why_words is None:
                self._why_words = tuple(self.analyzer.terms(WHY_KUBERNETES))
            found += [t for t in self._why_words if t in vocab and t not in terms and t not in found]
        self._last_expansion = (question, list(terms), tuple(found))
        return found

    def _as_read(self, question: str) -> str:
        """The question as its analysis read it (hiragana and mistyped kanji written as the guide's words),
        for matching learner phrases: 「りそーす制現」 says リソース制限."""
        read = self._read
        return read[1] if read is not None and read[0] == question else question

    def _specific_concept(self, question: str) -> frozenset[str] | None:
        """The words of the concept that the question's longest learner phrase points to: when two concepts
        match (「アクセスが増えたときだけPodの数を増やしたい」 says 数を増やし too), the longer phrase describes
        the need more closely. None when no phrase matches."""
        matches = self.index.concepts.matches(self._as_read(question))
        if not matches:
            return None
        longest = max(len(phrase) for phrase, _ in matches)
        return frozenset(t for phrase, words in matches if len(phrase) == longest for t in words)

    def judged_terms(self, question: str, terms: list[str]) -> list[str]:
        """The terms whether the corpus covers a question is judged on: a learner phrase that points to a
        concept (concepts.yaml: 毎回打つ → alias, 落ちる前 → previous) stands for the concept's words the
        corpus knows, so its everyday words (打つ, 毎回) do not count as missing from the guide."""
        vocab = self.index.postings.vocab
        # A word that frames the question (メリット, 手順, 理由) says nothing about the topic: when the
        # guide never uses it, it does not count as a word the guide lacks.
        terms = [t for t in terms if t in vocab or t not in self._generic]
        context = self._context_words(question, terms)
        if context:
            terms = [t for t in terms if t not in context]
        explained: set[str] = set()
        concepts: list[str] = []
        for phrase, concept in self.index.concepts.matches(self._as_read(question)):
            known = [c for c in concept if c in vocab]
            if known:
                if phrase not in self._phrase_terms:  # a phrase's analysis never changes: once per phrase
                    self._phrase_terms[phrase] = self.analyzer.terms(phrase)
                if not self._phrase_terms[phrase] and phrase.endswith("方"):
                    continue  # 作り方, 書き方: how the question is framed, not its topic (「肉じゃがの作り方」)
                explained.update(self._phrase_terms[phrase])
                concepts.extend(c for c in known if c not in concepts)
        if not concepts:
            return terms
        kept = [t for t in terms if t not in explained]
        return kept + [c for c in concepts if c not in kept]

    def _context_words(self, question: str, terms: list[str]) -> frozenset[str]:
        """The words only the sentences before a long question's last one say, that no heading of the guide
        uses (「社内ツールをk8sに載せてみたところです。…」): the learner's situation, not what the guide must hold."""
        sentences = [s for s in _QUESTION_SENTENCE.split(question.strip()) if s.strip()]
        if len(sentences) < 2:
            return frozenset()
        read = self._read  # (analyzing the last sentence alone must not change how the question was read)
        try:
            asked = self.analyze_question(sentences[-1])
        finally:
            self._read = read
        vocab = self.index.postings.vocab
        if sum(1 for t in asked if t in vocab) < 2 or any(t not in vocab and t not in self._generic for t in asked):
            # 「…ってある？VPAってやつ」: the last sentence is an aside; 「…監査ログを設定する方法を教えて」: what is
            # asked holds a word the guide never uses, and the guide's words of the situation are all it has
            return frozenset()
        headings = heading_vocabulary(self.index)
        return frozenset(t for t in terms if t not in asked and t not in headings and not t.isascii())

    def _absent_concept(self, question: str) -> bool:
        """A learner phrase of the question points to a topic (concepts.yaml ``?Name``) whose name the corpus
        never uses (「Pod名やNamespaceを環境変数で知りたい」 → Downward API, which the guide does not cover;
        the docs have a page on it): the question is about something the corpus lacks, like a Latin name it
        never uses. (Only marked topics: a corpus of one's own that lacks the word previous still answers
        「再起動前のログ」.)"""
        vocab = self.index.postings.vocab
        return any(topic and topic[0] not in vocab for topic in self.index.concepts.topics(self._as_read(question)))

    def _decompound(self, term: str) -> list[str] | None:
        """Two known words that make up an unknown one, the most balanced split first."""
        if len(term) < 4:
            return None
        vocab = self.index.postings.vocab
        known = lambda w: vocab.get(w) is not None and w or self._variants.get(w)  # noqa: E731
        for i in sorted(range(2, len(term) - 1), key=lambda i: abs(len(term) / 2 - i)):
            if term.isascii() and not _latin_pieces(term[:i], term[i:]):
                continue
            left, right = known(term[:i]), known(term[i:])
            if left and right and left in vocab and right in vocab:
                return [left, right]
        return None

    def search_question(self, question: str, depth: int = 10,
                        conversation: Conversation | None = None) -> tuple[list[str], bool, SearchResult | None]:
        """The one way a question is searched (``ask``, ``eval`` and scripts/calibrate.py all use it):
        its terms, whether it follows up the conversation's topic, and the search result (None when
        there is nothing to search for)."""
        query = question.strip()
        terms, unknown_name, latin, named = self._analyze(query)
        about_domain = bool(_ABOUT_DOMAIN.search(query) and _ASKS_ABOUT.search(query))
        # (kube-proxy: kube is part of a name; 「マネージドKubernetes」: Kubernetes is half of a compound)
        if not _COMPONENT.search(query) and not about_domain and not _DOMAIN_COMPOUND.search(query):
            terms = _without_domain(terms, self.index.postings.vocab, self._generic)
        elif about_domain and _DOCKER_ALONE.search(query):
            # 「Dockerだけじゃなくてわざわざk8sを使う理由」: Docker is what Kubernetes is weighed against, not the
            # topic (its word drew the dockershim migration pages)
            terms = [t for t in terms if t != "docker"]
        follow_up = False
        if conversation and conversation.terms and is_follow_up(query, terms, self._generic):
            follow_up = True
            terms = list(conversation.terms) + [t for t in terms if t not in conversation.terms]
        if not terms or (not follow_up and all(t in self._generic for t in terms)):
            return terms, follow_up, None
        definition = asks_definition(query)
        result = search(self.index, terms, depth, prefer=conversation.topic if follow_up and conversation else None,
                        definition=definition or about_domain, extra=self.expand(query, terms),
                        task=asks_task(query), unknown_name=unknown_name, overview=asks_overview(query) or about_domain,
                        subject=DOMAIN_WORDS if about_domain else frozenset(  # (about Kubernetes itself: not Docker)
                            t for t in terms if t not in self._generic and t in self.index.postings.vocab),
                        latin=latin, judged=self.judged_terms(query, terms),
                        defined=self._defined(query, terms) if definition else frozenset(), named=named,
                        concept=self._specific_concept(query), settings=self.search_settings,
                        lacking=self._absent_concept(query))
        return terms, follow_up, result

    def ask(self, question: str, k: int = 3, conversation: Conversation | None = None) -> Answer:
        """Answer one question. Raises QuestionError for an empty or blank question."""
        if not question or not question.strip():
            raise QuestionError("質問が空です。聞きたいことを日本語で入力してください。")
        query = question.strip()
        terms, follow_up, result = self.search_question(query, conversation=conversation)
        if result is None:
            # Nothing to search for, or only words like コマンド/設定 with no topic to attach them to.
            answer = Answer(query, False, message=NO_TERMS if not terms else NO_TOPIC, terms=tuple(terms))
            if conversation:
                conversation.remember(answer)
            return answer
        if result.covered:
            hits = make_hits(self.index, choose_hits(result, max(1, k)), terms)
            extra = self.expand(query, terms)
            summary = build_summary(hits, terms, self.index, extra, asks_task(query), self.answer_settings, query)
            answer = Answer(query, True, tuple(hits), summary, terms=tuple(terms), follow_up=follow_up)
        elif result.grade == MENTION:
            # The guide only mentions the subject in passing: say so, and list where it does.
            picks = list(result.mentions[:max(1, k)])
            hits = make_hits(self.index, picks, terms)
            # The mentions double as suggestions, so an interface that lists suggestions links them too.
            places = tuple(Suggestion(h.heading_path, h.source) for h in hits)
            answer = Answer(query, False, tuple(hits), (), places, MENTIONED_ONLY, tuple(terms), follow_up, MENTION)
        else:
            suggestions = tuple(Suggestion(self.index.docs[d.doc_index].title, self.index.docs[d.doc_index].source)
                                for d in result.docs[:3])
            answer = Answer(query, False, (), (), suggestions, NOT_COVERED, tuple(terms), follow_up)
        if conversation:
            conversation.remember(answer)
        return answer

    def rank_documents(self, question: str, depth: int = 10) -> tuple[list[DocInfo], bool, float]:
        """The best articles for a question (even when it is not covered), whether it is covered,
        and the coverage: what the evaluation measures."""
        _terms, _follow_up, result = self.search_question(question, depth)
        if result is None:
            return [], False, 0.0
        return [self.index.docs[d.doc_index] for d in result.docs], result.covered, result.coverage

    # --- browsing -----------------------------------------------------------------------------------

    def documents(self) -> list[DocInfo]:
        """Every document, in corpus order (chapter and order for the guide)."""
        return list(self.index.docs)

    def article_markdown(self, doc_id: str) -> str:
        """The whole article as Markdown, rebuilt from its passages."""
        for i, doc in enumerate(self.index.docs):
            if doc.doc_id == doc_id:
                parts = []
                shown: list[str] = []
                for p in self.index.doc_passages(i):
                    if p.section and p.section != (shown[-1] if shown else None):
                        parts.append(f"## {p.section}")
                        shown.append(p.section)
                    parts.append(p.text)
                return "\n\n".join(parts)
        raise KeyError(doc_id)


_WHAT_IS = re.compile(r"\bwhat(?:'s| is| are) (?:an? |the )?(?:(?:kubernetes|k8s) )?([a-z][a-z-]+)\b", re.I)
_QUESTION_SENTENCE = re.compile(r"(?<=[。！？])|(?<=[!?])\s+")
_ENGLISH_SENTENCE = re.compile(r"\b(?:what|how|why|when|where|which|is|are|do|does|can|the|a|an|to|of|in|and|or|"
                               r"vs|versus|between|with|for|my|i|need|many|much|into)\b", re.I)


DOMAIN_WORDS = frozenset({"kubernetes"})
_COMPONENT = re.compile(r"kube-", re.I)
_DOMAIN_COMPOUND = re.compile(r"[ァ-ヺー]{3,}\s?(?:kubernetes|k8s)", re.I)  # マネージドKubernetes, オンプレk8s: one concept
# A question whose topic is Kubernetes itself (「Kubernetesって何をしてくれるの」「k8sを使うと何が楽？」):
# answered like "what is Kubernetes", by the overview.
_ABOUT_DOMAIN = re.compile(r"^\s*(?:kubernetes|k8s|クバネティス|クーバネティス)\s*(?:って|は|とは|を|に|で|の)"
                           r"|(?:kubernetes|k8s)\s*(?:を|で|って|は)?\s*(?:使う|使わ|使っ|導入|入れ|動か|要る|要ら|いる\b|いら|必要)", re.I)
_ASKS_ABOUT = re.compile(r"何を|なにを|してくれ|やってくれ|できる|できない|なぜ|なんで|理由|メリット|必要|要る|要ら|いる[?？]|いら|役に立|自動化|"
                         r"うれしい|嬉しい|\bwhy\b", re.I)
WHY_KUBERNETES = "Kubernetes 必要な理由 提供する機能"  # the why-Kubernetes concept of corpus/concepts.yaml
# what it makes possible or why to use it (「何をしてくれるの」 asks what it is: the guide's definition answers)
_ASKS_BENEFIT = re.compile(r"できる|できない|理由|役に立|うれしい|嬉しい")
_DOCKER_ALONE = re.compile(r"docker\s*(?:だけ|があるのに|があれば|で十分|でいい|で足り|じゃなく|ではなく)", re.I)
_NAME_TERM = re.compile(r"^[a-z0-9ァ-ヶー・.-]+$")  # a name (pod, サイドカー), not a word like 仕組み


_COUNTERS = frozenset("個つ台本件回人枚")  # what follows a count


def _without_domain(terms: list[str], vocab, generic: frozenset[str]) -> list[str]:
    """The question's terms without the assistant's own domain word ("… in kubernetes", 「k8sで…」)
    when it names another thing (in Latin letters or katakana): every article is about Kubernetes, so the word only pulls the
    question towards the overview article."""
    topics = [t for t in terms if t in vocab and t not in generic and t not in DOMAIN_WORDS and _NAME_TERM.match(t)]
    return [t for t in terms if t not in DOMAIN_WORDS] if topics else terms


MAX_SPELLED = 3  # unknown English words per question tried as typos: a question of many names stays quick


_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]{4,}")
_HIRAGANA_WORDS = re.compile(r"[ぁ-ゖー]{2,}")
_HIRAGANA = re.compile(r"[ぁ-ゖー]+")
_PARTICLES = "のをがでにはとへもや"  # (and っ of 〜って after a word)
_KANJI = re.compile(r"[一-龥]")
_KANJI_RUN = re.compile(r"[一-龥]{2,6}")
_LOANWORD = re.compile(r"[ァ-ヶー・a-z0-9.-]+")  # a loanword, or the Latin name a synonym gives it
_LOANWORD_MARK = re.compile(r"[ーぁぃぅぇぉゔ]")
_LOOKALIKES = {"ソ": "ン", "ン": "ソ", "ツ": "シ", "シ": "ツ"}
_LOOKALIKE_RUN = re.compile(r"[ァ-ヺー]*[ソンツシ][ァ-ヺー]*")
_TO_KATAKANA = {c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)}


def _latin_pieces(left: str, right: str) -> bool:
    """Two pieces a word in Latin letters may be made of: not English function words alone (Isto is no
    is + to), and no two-letter piece but a function word (nods is no no + ds, node + DaemonSet; mypod is
    my + pod)."""
    pieces = (left, right)
    return not all(p in ENGLISH_FUNCTION_WORDS for p in pieces) \
        and all(len(p) >= 3 or p in ENGLISH_FUNCTION_WORDS for p in pieces)


def _one_edit(word: str) -> set[str]:
    """Every spelling one deletion, swap of neighbours, replacement or insertion away (a-z)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in cuts if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    out |= {a + c + b[1:] for a, b in cuts if b for c in letters}
    out |= {a + c + b for a, b in cuts for c in letters}
    out.discard(word)
    return out




def _rewrite_pieces(run: str, replace: Callable[[int, int], str | None], shortest: int, longest: int) -> str:
    """The run with pieces replaced, the longest first from each position (``replace(i, j)`` gives the
    word for ``run[i:j]``, or None); letters no piece covers stay as they are."""
    out, i = [], 0
    while i < len(run):
        for j in range(min(len(run), i + longest), i + shortest - 1, -1):
            word = replace(i, j)
            if word:
                out.append(word)
                i = j
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def _english_bases(word: str) -> list[str]:
    """The base forms an English word may be inflected from, likeliest first (no dictionary: the caller
    keeps the one the analyzer knows)."""
    bases: list[str] = []
    if word.endswith("ies"):
        bases.append(word[:-3] + "y")
    if word.endswith(("ses", "xes", "ches", "shes")):
        bases.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        bases.append(word[:-1])
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            bases += [stem, stem + "e"]
            if len(stem) >= 4 and stem[-1] == stem[-2]:  # running → run
                bases.append(stem[:-1])
    return bases


def _written_upper(text: str, surface: str) -> bool:
    """The question writes this (lower-cased) word in capitals only: VLOOKUP, NFS (names, not typos)."""
    at = text.lower().find(surface.lower())
    return at >= 0 and text[at:at + len(surface)].isupper()


def _capitalized(text: str, surface: str) -> bool:
    """The question writes this (lower-cased) word with a capital first letter: 「Operatorってなに」."""
    at = text.lower().find(surface.lower())
    return at >= 0 and text[at].isupper()


def _acronym(text: str, surface: str) -> bool:
    """The question writes this word as an acronym in capitals (GPU, VPA): no typo of the word one letter
    away (CPU)."""
    return len(surface) >= 3 and surface.isalpha() and _written_upper(text, surface)


def _latin_name(surface: str) -> bool:
    """A word of three or more Latin letters (a product or tool name, when the guide never uses it)."""
    word = surface.strip()
    return len(word) >= 3 and word.isascii() and any(c.isalpha() for c in word) and " " not in word


def _vocabulary_files(paths: list[Path], names: tuple[str, ...]) -> list[Path]:
    """The shipped vocabulary file (synonyms or concepts) plus one at the top of each corpus folder."""
    files: list[Path] = []
    seen: set[Path] = set()
    for folder in [default_corpus_path(), *[p for p in paths if p.is_dir()]]:
        for name in names:
            candidate = folder / name
            if candidate.is_file() and candidate.resolve() not in seen:
                seen.add(candidate.resolve())
                files.append(candidate)
    return files


__all__ = ["Assistant", "CorpusError", "QuestionError"]
