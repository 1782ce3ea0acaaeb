"""Analyze: Japanese text to index terms, the same way for passages and questions.

SudachiPy (core dictionary, mode C) after NFKC and lower-casing; each morpheme becomes its
normalized form; particles, auxiliaries, symbols and question scaffolding are dropped; the domain
synonym file then maps variants (kubectl short names, katakana/English/kanji spellings) to one term.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple
from pathlib import Path


ANALYZER_VERSION = "4"  # 4: concept phrases also with を and が swapped; 3: synonym spellings from three letters (pdo → pod)
_OOV_WORD_IDS = 0xF000_0000  # word ids from here on are unknown words: one id per part of speech, not per word
CHUNK_BYTES = 40_000  # stay well below Sudachi's limit

STOP_POS = frozenset({"助詞", "助動詞", "補助記号", "記号", "空白", "接続詞", "感動詞", "代名詞", "副詞", "連体詞"})
# Adverbs that carry a topic (「ReplicaSetを直接作らないのはなぜ？」): kept although adverbs are stop words.
CONTENT_ADVERBS = frozenset({"直接"})
# Normalized forms that carry no topic: light verbs and question scaffolding (教えて, 方法, 何ですか).
STOP_WORDS = frozenset({
    "為る", "有る", "居る", "成る", "出来る", "教える", "下さる", "呉れる", "貰う", "頂く", "知る", "思う", "言う",
    "分かる", "見る", "良い", "欲しい", "行く", "来る", "置く", "仕舞う", "願う", "御願い", "お願い",
    "遣る", "つく", "みたい", "感じ", "ください", "下さい",
    "作り方", "書き方", "見方", "調べ方", "決め方", "やり方", "使い道", "設定方法",
    "方法", "遣り方", "仕方", "使い方", "事", "物", "様", "の", "ん", "場合", "時", "他", "以下", "次",
    "とき", "ため", "為", "など", "等", "よう", "について", "それぞれ", "いう", "こと", "もの",
    "ー", "-", "_", "何", "どう", "どんな", "如何", "どの", "いつ", "どこ",
})


class Token(NamedTuple):
    """One index term with the text it came from (for highlighting).

    ``parts`` are the terms of Sudachi's short units when the long unit is a compound
    (設定方法 → 設定, 方法): indexed too, so a question can match either granularity.
    """

    term: str
    surface: str
    parts: tuple[str, ...] = ()


@dataclass
class Synonyms:
    """Variant token sequences mapped to one canonical term, matched longest first."""

    table: dict[tuple[str, ...], str] = field(default_factory=dict)
    digest: str = ""
    spellings: dict[str, str] = field(default_factory=dict)  # written forms (svc, service) -> term, for typos

    @property
    def max_len(self) -> int:
        return max((len(k) for k in self.table), default=0)

    def sizes_from(self) -> dict[str, tuple[int, ...]]:
        """For each first term of a variant, the lengths of the variants starting with it, longest first.

        Lets ``apply_synonyms`` skip every position whose term starts no variant (almost all of them).
        Cached; rebuilt when the table is replaced or grows.
        """
        cached = self.__dict__.get("_sizes_from")
        if cached is not None and cached[0] is self.table and cached[1] == len(self.table):
            return cached[2]
        sizes: dict[str, set[int]] = {}
        for key in self.table:
            sizes.setdefault(key[0], set()).add(len(key))
        index = {first: tuple(sorted(found, reverse=True)) for first, found in sizes.items()}
        self.__dict__["_sizes_from"] = (self.table, len(self.table), index)
        return index


def _sudachi_id() -> str:
    """SudachiPy's version and the dictionary file's size and date, without importing metadata."""
    import importlib.util
    import os
    version = "?"
    spec = importlib.util.find_spec("sudachipy")
    if spec and spec.origin:
        import sudachipy
        version = getattr(sudachipy, "__version__", "?")
    dic = importlib.util.find_spec("sudachidict_core")
    if dic and dic.origin:
        try:
            info = os.stat(os.path.join(os.path.dirname(dic.origin), "resources", "system.dic"))
            return f"{version}:{info.st_size}:{info.st_mtime_ns}"
        except OSError:
            pass
    return version


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def normalize_text(text: str) -> str:
    """NFKC and lower-case; control characters (no word contains them) become spaces."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text).lower())


def split_for_sudachi(text: str, limit: int = CHUNK_BYTES) -> list[str]:
    """Cut text into pieces of at most ``limit`` UTF-8 bytes, at line or sentence ends where possible."""
    if len(text.encode("utf-8")) <= limit:
        return [text]
    pieces: list[str] = []
    start = 0
    while start < len(text):
        # Characters are at most 4 bytes: limit // 4 characters always fit.
        end = min(len(text), start + limit // 4)
        window = text[start:end]
        if end < len(text):
            cut = max(window.rfind("\n"), window.rfind("。"), window.rfind(". "))
            if cut > len(window) // 2:
                end = start + cut + 1
        pieces.append(text[start:end])
        start = end
    return pieces


class Analyzer:
    """Thread-safe analyzer: one Sudachi tokenizer per thread over a shared dictionary."""

    _dictionary = None
    _dictionary_lock = threading.Lock()

    def __init__(self, synonyms: Synonyms | None = None) -> None:
        self.synonyms = synonyms or Synonyms()
        self._local = threading.local()
        self._known: dict[int, str] = {}  # dictionary word id -> its term, "" when dropped

    @classmethod
    def _dict(cls):
        with cls._dictionary_lock:
            if cls._dictionary is None:
                from sudachipy import Dictionary
                cls._dictionary = Dictionary()
            return cls._dictionary

    def _tokenizer(self):
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            from sudachipy import SplitMode
            tok = self._dict().tokenizer(mode=SplitMode.C)
            self._local.tokenizer = tok
        return tok

    @property
    def settings(self) -> str:
        """Everything that changes the terms produced: part of the index cache key."""
        return "|".join([ANALYZER_VERSION, "C", _sudachi_id(), ",".join(sorted(STOP_POS)),
                         hashlib.sha256("\n".join(sorted(STOP_WORDS)).encode()).hexdigest()[:16],
                         ",".join(sorted(CONTENT_ADVERBS)),
                         self.synonyms.digest])

    def _stop_pos(self):
        """A test of a morpheme: its part of speech carries no topic (and it is not a content adverb)."""
        test = getattr(self._local, "stop_pos", None)
        if test is None:
            matcher = self._dict().pos_matcher(lambda pos: pos[0] in STOP_POS)

            def test(morpheme) -> bool:
                return matcher(morpheme) and morpheme.normalized_form() not in CONTENT_ADVERBS
            self._local.stop_pos = test
        return test

    def _content(self, text: str) -> tuple[list[str], list[str]]:
        """Terms and surfaces of the content morphemes, before synonyms: the hot path of an index build.

        What a dictionary word becomes (its term, or nothing for a stop word) depends only on the
        word, so it is worked out once per word id and then looked up; unknown words (OOV, which
        share ids) are worked out each time. Same result as ``base_tokens`` without parts.
        """
        tokenizer = self._tokenizer()
        known = self._known
        terms: list[str] = []
        surfaces: list[str] = []
        add_term, add_surface = terms.append, surfaces.append
        for piece in split_for_sudachi(normalize_text(text)):
            for m in tokenizer.tokenize(piece):
                wid = m.word_id()
                term = known.get(wid)
                if term is None:
                    term = self._term_of(m)
                    if wid < _OOV_WORD_IDS:
                        known[wid] = term
                if term:
                    add_term(term)
                    add_surface(m.surface())
        return terms, surfaces

    def _term_of(self, morpheme) -> str:
        """The index term of one morpheme; "" when it is dropped (stop part of speech or stop word)."""
        if self._stop_pos()(morpheme):
            return ""
        term = morpheme.normalized_form().lower()
        return "" if term in STOP_WORDS or not term.strip() else term

    def analyze(self, text: str) -> tuple[list[str], dict[str, str]]:
        """Index terms of a text and how each word was analyzed (surface -> term), synonyms applied.

        Equal to ``terms(text)`` and ``{t.surface: t.term for t in tokens(text) if t.surface.strip()}``,
        without building a Token per word.
        """
        terms, surfaces = _synonyms_on_lists(*self._content(text), self.synonyms)
        return terms, {s: t for s, t in zip(surfaces, terms) if s.strip()}

    def base_tokens(self, text: str, parts: bool = False) -> list[Token]:
        """Normalized content morphemes, before synonyms; with ``parts``, the short units of compounds."""
        if not parts:
            return [Token(t, s) for t, s in zip(*self._content(text))]
        tokenizer = self._tokenizer()
        stop = self._stop_pos()
        out: list[Token] = []
        for piece in split_for_sudachi(normalize_text(text)):
            for m in tokenizer.tokenize(piece):
                if stop(m):
                    continue
                term = m.normalized_form().lower()
                if term in STOP_WORDS or not term.strip():
                    continue
                out.append(Token(term, m.surface(), self._parts(m, term)))
        return out

    def _parts(self, morpheme, term: str) -> tuple[str, ...]:
        from sudachipy import SplitMode
        subs = morpheme.split(SplitMode.A)
        if len(subs) < 2:
            return ()
        stop = self._stop_pos()
        return tuple(p for p in (s.normalized_form() for s in subs if not stop(s))
                     if p not in STOP_WORDS and p.strip() and p != term)

    def tokens(self, text: str, parts: bool = False) -> list[Token]:
        """Index terms with their surfaces, synonyms applied."""
        return apply_synonyms(self.base_tokens(text, parts), self.synonyms)

    def terms(self, text: str) -> list[str]:
        """Index terms of a text."""
        return _synonyms_on_lists(*self._content(text), self.synonyms)[0]

    def reading(self, text: str) -> str:
        """How a text is read, in katakana (原因 → ゲンイン), as Sudachi's dictionary gives it."""
        return "".join(m.reading_form() for m in self._tokenizer().tokenize(text))


# --- the question side: English wording and stray letters ------------------------------------------

# English words that carry no topic ("what is a pod", "how do I see pod logs"): kept out of a
# question's terms so that "a", "is" or "t" never match a flag or a code fragment. (Not "explain":
# kubectl explain is a command.)
ENGLISH_FUNCTION_WORDS = frozenset("""
a an the is are am was were be been being do does did done i you we they he she it its my your our me us
to of in on at for with from by as and or not no what how why when where which who whom whose can could
should would will shall may might must please tell about this that these those there here
see show use using used want wanna need needs get-to let know mean means meaning
non many much one ones some any into onto between vs versus way ways possible best good should shall
also just really very so if then than them their theirs his her i'm i've it's what's how's that's
don't doesn't can't isn't there's where's who's let's
shouldn't wouldn't couldn't didn't aren't wasn't weren't haven't hasn't won't shouldn wouldn couldn didn aren
wasn weren haven hasn doesn isn
actually each every without with other others still only always again even ever yet
instead per across single inside has have had enough
happen happens happened went until like through except given known more put belong belongs
give gives lets
""".split())
_FLAG = re.compile(r"(?<![\w-])-([A-Za-z]{1,3})(?![\w-])")


# Words of a learner's framing, not of the topic (「先輩に…と言われたのですが、…さっぱりです」): left out of
# a question's terms so that a long question is not judged by how much of its chatter the guide holds.
QUESTION_CHATTER = frozenset({"先輩", "上司", "さっぱり", "いまいち", "ざっくり", "具体的", "一般的", "結局", "全然",
                              "困る", "最近", "初心者", "色々", "いろいろ", "ちょっと", "なんか", "教え", "詳しい", "一言", "今",
                              "おく", "皆", "さん", "皆さん", "普通", "やばい", "大丈夫",
                              "いま", "入門", "勉強", "勉強会", "会社", "腑", "一気", "怖い", "ぽい",
                              "そんな", "捲る", "聞く", "手っ取り", "急", "突然",
                              "打ち明ける", "奴", "抑",  # ぶっちゃけ, やつ, そもそも
                              "めんどい", "怠い", "駄目",  # めんどい, だるい, だめ
                              "略",  # 「RWO ってなんの略？」 asks what RWO is
                              "さっき", "再"})  # 「さっきのバージョン」; 再デプロイ (the prefix alone)


# What a learner's own application is built with (「MySQLをPodで動かしてたら…」): context of a Kubernetes
# question, never its topic, so the guide not naming it does not make the question one it does not cover.
APPLICATION_STACK = frozenset({
    "mysql", "postgresql", "postgres", "mariadb", "mongodb", "redis", "memcached", "elasticsearch",
    "java", "python", "ruby", "php", "golang", "nodejs", "node.js", "spring", "boot", "springboot", "rails",
    "django", "flask", "laravel", "express", "nextjs", "next.js", "react", "wordpress", "tomcat", "apache", "docker",
})


def question_flags(question: str) -> set[str]:
    """The short flags written in a question, without their dash (``-it`` → it, ``-n`` → n)."""
    return {m.group(1).lower() for m in _FLAG.finditer(question)}


_GET_VERB = re.compile(r"\bget\s+(?:a|an|the|into|in|inside|to|my|your|rid|started|access|logs?)\b", re.I)
_KUBECTL_GET = re.compile(r"\b(?:kubectl|k)\s+get\b", re.I)
_ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}\b")
_COMMAND_RUN = re.compile(r"\b(?:kubectl|docker|k|minikube|kind)\s+run\b", re.I)


def question_tokens(tokens: list[Token], question: str) -> list[Token]:
    """A question's tokens without English function words and without single Latin letters that are
    not a flag the question writes: a letter left over from a typo (デプロイメンt) or a word
    ("a") must not match ``-t`` or ``-a``. A combined flag (``-it``) becomes one token per letter."""
    flags = question_flags(question)
    verb_get = bool(_GET_VERB.search(question)) and not _KUBECTL_GET.search(question)
    # In an English sentence, "run" is the verb (「run a single command inside a container」), not kubectl run,
    # and "state" the cluster's 状態 (in a Japanese question, 「Reactのstate」 is a name of the learner's stack)
    low = question.lower()
    sentence = ("run" in low or "state" in low) and len(_ENGLISH_WORDS.findall(question)) >= 4
    verb_run = sentence and "run" in low and not _COMMAND_RUN.search(question)
    out: list[Token] = []
    for token in tokens:
        surface = token.surface.lower().replace("\u2019", "'")
        words = surface.split()
        if verb_get and surface == "get":
            continue  # "how do I get a shell": the verb, not kubectl get
        if verb_run and surface == "run":
            out.append(token._replace(term="実行", parts=()))
            continue
        if sentence and surface == "state":
            out.append(token._replace(term="状態", parts=()))
            continue
        if surface.isascii() and "'" in surface and all(w in ENGLISH_FUNCTION_WORDS for w in words):
            continue  # what's, it's
        if token.term in QUESTION_CHATTER:
            continue
        if surface.isascii() and words and all(w.isalpha() for w in words):
            if surface in flags and len(surface) > 1:  # -it: the flags -i and -t
                out.extend(Token(c, c) for c in surface)
                continue
            if len(surface) == 1 and surface in flags:  # -A is a flag, though "a" is a function word
                out.append(token)
                continue
            if all(w in ENGLISH_FUNCTION_WORDS for w in words) or len(surface) == 1:
                continue
        out.append(token)
    return out


def apply_synonyms(tokens: list[Token], synonyms: Synonyms) -> list[Token]:
    """Replace the longest matching variant sequence at each position by its canonical term."""
    if not synonyms.table:
        return tokens
    table, sizes_from = synonyms.table, synonyms.sizes_from()
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        for size in sizes_from.get(tokens[i].term, ()):
            if i + size > len(tokens):
                continue
            canonical = table.get(tuple(t.term for t in tokens[i:i + size]))
            if canonical is not None:
                out.append(Token(canonical, "".join(t.surface for t in tokens[i:i + size])))
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _synonyms_on_lists(terms: list[str], surfaces: list[str], synonyms: Synonyms) -> tuple[list[str], list[str]]:
    """``apply_synonyms`` on parallel lists of terms and surfaces (no Token objects).

    Only positions whose term starts some variant are tried (found in one pass at C speed); the
    words between matches are copied as slices. Same result as scanning every position."""
    if not synonyms.table:
        return terms, surfaces
    table, sizes_from = synonyms.table, synonyms.sizes_from()
    if sizes_from.keys().isdisjoint(terms):
        return terms, surfaces
    n = len(terms)
    out_terms: list[str] = []
    out_surfaces: list[str] = []
    done = 0  # terms[:done] are in the output
    for i in [i for i, term in enumerate(terms) if term in sizes_from]:
        if i < done:  # inside a variant matched just before
            continue
        for size in sizes_from[terms[i]]:
            if i + size > n:
                continue
            canonical = table.get(tuple(terms[i:i + size]))
            if canonical is not None:
                out_terms += terms[done:i]
                out_surfaces += surfaces[done:i]
                out_terms.append(canonical)
                out_surfaces.append("".join(surfaces[i:i + size]))
                done = i + size
                break
    if not done:
        return terms, surfaces
    out_terms += terms[done:]
    out_surfaces += surfaces[done:]
    return out_terms, out_surfaces


def _read_vocabulary(file: Path, kind: str, shape: str, notices: list[str]) -> dict:
    """A YAML mapping file; an unusable one adds a Japanese notice and reads as empty."""
    import yaml

    try:
        # libyaml's safe loader where present: the same data, 8 times faster (20 ms on a cold build)
        data = yaml.load(file.read_bytes().decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        notices.append(f"{kind} {file} を読み込めません（{exc.__class__.__name__}）。このファイルは使わずに続けます。")
        return {}
    if not isinstance(data, dict):
        notices.append(f"{kind} {file} は「{shape}」の形にしてください。このファイルは使わずに続けます。")
        return {}
    return data


def synonym_digest(files: list[Path]) -> str:
    """Digest of the synonym files' bytes: enough to key a cached index without analyzing them."""
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(file.read_bytes())
        except OSError:
            digest.update(b"unreadable:" + str(file).encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load_synonyms(files: list[Path], analyzer: Analyzer | None = None) -> tuple[Synonyms, list[str]]:
    """Read synonym files: ``canonical: [variant, ...]``; variants are analyzed like any text.

    Returns the table and a Japanese notice for each file that could not be used (it is skipped).
    """
    base = analyzer or Analyzer()
    table: dict[tuple[str, ...], str] = {}
    spellings: dict[str, str] = {}
    notices: list[str] = []
    for file in files:
        data = _read_vocabulary(file, "同義語ファイル", "代表語: [言い換え, ...]", notices)
        for canonical, variants in data.items():
            if not isinstance(variants, list):
                continue
            head = [t.term for t in base.base_tokens(str(canonical))]
            if not head:
                continue
            term = "".join(head)
            for variant in [str(canonical), *map(str, variants)]:
                key = tuple(t.term for t in base.base_tokens(variant))
                if key and key != (term,):
                    table.setdefault(key, term)
                written = normalize_text(variant).replace(" ", "")
                if len(written) >= 3:
                    spellings.setdefault(written, term)
    return Synonyms(table, synonym_digest(files), spellings), notices


def synonyms_to_json(synonyms: Synonyms) -> dict:
    return {"table": [[list(key), term] for key, term in synonyms.table.items()], "spellings": synonyms.spellings}


def synonyms_from_json(data: dict, digest: str) -> Synonyms:
    return Synonyms({tuple(key): term for key, term in data["table"]}, digest, dict(data["spellings"]))


@dataclass
class Concepts:
    """Learner phrases that point to a Kubernetes concept (query expansion, see corpus/concepts.yaml)."""

    entries: list[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # (phrases, terms)

    def matches(self, question: str) -> list[tuple[str, tuple[str, ...]]]:
        """(phrase, concept terms) of every phrase found in the question."""
        return [(p, _unmarked(self.entries[i][1])) for i, p in self._found(question)]

    def expand(self, question: str) -> list[str]:
        """The concept terms of every phrase found in the question (normalized like any text)."""
        out: list[str] = []
        for i in dict.fromkeys(i for i, _ in self._found(question)):
            out.extend(t for t in _unmarked(self.entries[i][1]) if t not in out)
        return out

    def topics(self, question: str) -> list[tuple[str, ...]]:
        """The terms of every topic the question's phrases point to: a concept written ``?Name`` in the
        file, one a corpus may not cover at all (the guide has no Downward API; the docs do)."""
        return [self.entries[i][1][1:] for i in dict.fromkeys(i for i, _ in self._found(question))
                if self.entries[i][1][:1] == (TOPIC_MARK,)]

    def _found(self, question: str) -> tuple[tuple[int, str], ...]:
        """(entry number, phrase) of every phrase found in the question, in entry order. A question is
        matched once: asking expands it and judges it by the same phrases, so the last one is kept."""
        last = self.__dict__.get("_last")
        if last is not None and last[0] == question:
            return last[1]
        text = normalize_text(question)
        plain = _ASIDE_ADVERBS.sub("", text)  # 「アクセスが急に増え」 says 「アクセスが増え」
        by_first = self._by_first()
        # Only the phrases whose first character the question holds can be in it.
        maybe = sorted(c for ch in {"", *text} for c in by_first.get(ch, ()))
        found = tuple((i, p) for i, _, p in maybe if _contains(text, p) or (plain != text and _contains(plain, p)))
        self.__dict__["_last"] = (question, found)
        return found

    def _by_first(self) -> dict[str, list[tuple[int, int, str]]]:
        """(entry number, phrase number, phrase) by the phrase's first character, made once."""
        table = self.__dict__.get("_by_first_table")
        if table is None:
            table = {}
            for i, (phrases, _) in enumerate(self.entries):
                for j, p in enumerate(phrases):
                    table.setdefault(p[:1], []).append((i, j, p))
            self.__dict__["_by_first_table"] = table
        return table


# Adverbs of degree and suddenness that a learner puts inside a phrase (「アクセスが急に増えた」).
_ASIDE_ADVERBS = re.compile(r"急に|突然|いきなり|一気に|どんどん|すぐに|ちゃんと|きちんと")


def _contains(text: str, phrase: str) -> bool:
    if phrase not in text:  # (most phrases: no regular expression is compiled or run)
        return False
    if phrase.isascii():  # "db" is a word, not the middle of "dbg"
        return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text) is not None
    return True


_PARTICLE = re.compile(r"(?<=[一-龯ァ-ヶー])([をが])(?=[一-龯ぁ-ゖ])")


def _swap_particle(phrase: str) -> str:
    """The phrase with its one を between a noun and a verb said as が, or its が as を ("" when none)."""
    found = _PARTICLE.findall(phrase)
    if len(found) != 1:
        return ""
    return _PARTICLE.sub(lambda m: "が" if m.group(1) == "を" else "を", phrase)


def _drop_particle(phrase: str) -> str:
    """The phrase without its one を or が between a noun and a verb ("" when none)."""
    found = _PARTICLE.findall(phrase)
    return _PARTICLE.sub("", phrase) if len(found) == 1 else ""


def load_concepts(files: list[Path], analyzer: Analyzer) -> tuple[Concepts, list[str]]:
    """Read concept files (``Concept: [phrase, ...]``); returns them and a notice per unusable file."""
    entries: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    notices: list[str] = []
    for file in files:
        data = _read_vocabulary(file, "概念ファイル", "概念: [言い方, ...]", notices)
        for concept, phrases in data.items():
            if not isinstance(phrases, list):
                continue
            topic = str(concept).startswith(TOPIC_MARK)
            terms = tuple(dict.fromkeys(analyzer.terms(str(concept).lstrip(TOPIC_MARK))))
            written = tuple(normalize_text(str(p)) for p in phrases if str(p).strip())
            # 「データを残」 is also said 「データが残」: a phrase's object marker may be its subject marker
            written += tuple(w for p in written for w in (_swap_particle(p),) if w and w not in written)
            # and a casual question drops it altogether (「アクセス増えたら」 for 「アクセスが増え」)
            written += tuple(w for p in written for w in (_drop_particle(p),) if w and w not in written)
            if terms and written:
                entries.append((written, (TOPIC_MARK, *terms) if topic else terms))
    return Concepts(entries), notices


TOPIC_MARK = "?"  # a concept file's ``?Name``: a topic a corpus may lack (no term is ever "?")


def _unmarked(terms: tuple[str, ...]) -> tuple[str, ...]:
    return terms[1:] if terms[:1] == (TOPIC_MARK,) else terms
