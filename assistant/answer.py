"""Answer: turn a search result into what a learner reads.

Chooses the passages to show (the best passage of each of the best articles first), quotes a short
要点 of one to three sentences that answer the question most directly (extractive, never written
here), marks the question's words for highlighting, suggests the closest topics when the corpus does
not cover the question, and keeps the little state that follow-up questions need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .chunking import SECTION_SEPARATOR
from .index import SearchIndex
from .search import SearchResult

NOT_COVERED = "この質問はガイドでは扱われていないようです。"
NO_TERMS = "質問から手がかりになる言葉を見つけられませんでした。キーワードを入れて聞き直してください。"
NO_TOPIC = "何についての質問かが分かりませんでした。「Podの」「Serviceの」のように対象を添えて聞き直してください。"


@dataclass(frozen=True)
class Hit:
    """One passage shown to the user (the JSON ``hits`` item, plus what the interfaces need)."""

    rank: int
    score: float
    title: str
    section: str
    source: str | None
    path: str
    text: str
    doc_id: str = ""
    chapter: str = ""
    highlights: tuple[str, ...] = ()  # the passage's words that match the question, longest first
    matches: tuple[tuple[str, str], ...] = ()  # (surface, term) behind the highlights
    kubernetes: str = ""  # version the article was checked against ("1.34"), "" when not stamped

    @property
    def heading_path(self) -> str:
        return SECTION_SEPARATOR.join(p for p in (self.title, self.section) if p)

    def to_json(self) -> dict:
        return {"rank": self.rank, "score": round(self.score, 6), "title": self.title, "section": self.section,
                "source": self.source, "path": self.path, "text": self.text,
                **({"kubernetes": self.kubernetes} if self.kubernetes else {})}


@dataclass(frozen=True)
class SummaryLine:
    """A quoted sentence and the number of the source it came from (``[n]``)."""

    text: str
    source_number: int


@dataclass(frozen=True)
class Suggestion:
    title: str
    source: str | None


@dataclass(frozen=True)
class Answer:
    query: str
    answered: bool
    hits: tuple[Hit, ...] = ()
    summary: tuple[SummaryLine, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    message: str = ""
    terms: tuple[str, ...] = ()
    follow_up: bool = False

    def to_json(self) -> dict:
        data: dict = {"query": self.query, "answered": self.answered, "hits": [h.to_json() for h in self.hits]}
        data["summary"] = [{"text": s.text, "source": s.source_number} for s in self.summary]
        if not self.answered:
            data["message"] = self.message
            data["suggestions"] = [{"title": s.title, "source": s.source} for s in self.suggestions]
        return data


@dataclass
class Conversation:
    """What a follow-up question ("それのコマンドは？") needs from the previous one."""

    terms: tuple[str, ...] = ()
    topic: str = ""  # doc_id of the article the topic was answered from
    history: list[str] = field(default_factory=list)

    def remember(self, answer: Answer) -> None:
        """Keep the topic of the last question that stood on its own; a follow-up keeps that topic,
        and a new question the guide does not cover drops it."""
        self.history.append(answer.query)
        if answer.follow_up:
            return
        if answer.answered:
            self.terms = answer.terms
            self.topic = answer.hits[0].doc_id if answer.hits else ""
        else:
            self.terms, self.topic = (), ""


_DEFINITION_QUESTION = re.compile(r"とは|って(何|なに|なん)|は何|はなに|何ですか|なんですか|意味|what is", re.I)


_COMPARISON = re.compile(r"違い|違う|比較|比べ|差|どっち|どちら|vs", re.I)


def asks_definition(question: str) -> bool:
    """The question asks what something is (〜とは, 〜って何, 〜の意味), not how two things differ."""
    return bool(_DEFINITION_QUESTION.search(question)) and not _COMPARISON.search(question)


_TASK_QUESTION = re.compile(r"たい|には[?？]?$|には(どう|何)|方法|やり方|手順|仕方|どうやって|どうすれば|どうしたら")


def asks_task(question: str) -> bool:
    """The question asks how to do something (〜したい, 〜するには, 方法)."""
    return bool(_TASK_QUESTION.search(question.strip()))


_DEMONSTRATIVES = ("それ", "その", "これ", "この", "あれ", "あの", "そっち", "こっち", "そこ", "さっき", "前の",
                   "同じ", "じゃあ", "では", "なら", "他に", "ほかに", "もっと", "詳しく", "続き")


def is_follow_up(question: str, terms: list[str], generic: frozenset[str]) -> bool:
    """A question that points back ("それ", "その設定例") or has no topic word of its own."""
    text = question.strip()
    if any(text.startswith(d) or d in text[:12] for d in _DEMONSTRATIVES):
        return True
    return bool(terms) and all(t in generic for t in terms)


# Words that name no topic of their own: a question made only of them continues the previous one.
GENERIC_SOURCES = ("コマンド", "設定", "例", "設定例", "サンプル", "書き方", "作り方", "確認", "作成", "削除", "使う",
                   "オプション", "違い", "yaml", "詳細", "注意", "注意点", "メリット", "デメリット", "理由", "なぜ",
                   "具体", "具体例", "手順", "実行", "やる", "見る", "調べる", "一覧", "種類", "例えば")


_SENTENCE_END = re.compile(r"(?<=[。！？!?])\s*")
_MARKUP = re.compile(r"\*\*|__|`|^\s*(?:[-*+]|\d+\.)\s+|^>\s*", re.M)


def sentences(markdown: str) -> list[str]:
    """Plain sentences of a passage: no code blocks, tables or headings."""
    out: list[str] = []
    in_fence = False
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
            continue
        if in_fence or not stripped or stripped.startswith("|") or stripped.startswith("#"):
            continue
        plain = _MARKUP.sub("", stripped)
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain)
        for sentence in _SENTENCE_END.split(plain):
            sentence = sentence.strip()
            if 8 <= len(sentence) <= 220:
                out.append(sentence)
    return out


def build_summary(hits: list[Hit], terms: list[str], index: SearchIndex, limit: int = 3) -> tuple[SummaryLine, ...]:
    """One to three sentences from the best passages that contain the most of the question.

    A sentence contains a question term when it contains one of the surfaces that the passage's
    analysis (done when indexing) mapped to that term: no analysis at answer time.
    """
    wanted = set(terms)
    if not wanted:
        return ()
    weight = {t: index.scorer.term_idf(t) for t in wanted}
    total = sum(weight.values())
    titles = [f"「{d.title}」" for d in index.docs]
    scored: list[tuple[float, int, int, str]] = []
    for hit in hits[:3]:
        for position, sentence in enumerate(sentences(hit.text)):
            found = {term for surface, term in hit.matches if surface in sentence and term in wanted}
            if not found:
                continue
            value = sum(weight[t] for t in found) / total
            if re.search(r"とは|のこと|です。|ます。", sentence):
                value += 0.15
            if "記事" in sentence or "」を参照" in sentence or any(t in sentence for t in titles):
                continue  # a pointer to another article is not an answer
            value -= 0.2 * (hit.rank - 1) + 0.02 * position
            scored.append((value, hit.rank, position, sentence))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    chosen: list[SummaryLine] = []
    best = scored[0][0] if scored else 0.0
    for value, rank, _position, sentence in scored:
        if len(chosen) >= limit or value < best * 0.6:
            break
        if any(sentence == c.text for c in chosen):
            continue
        chosen.append(SummaryLine(sentence, rank))
    return tuple(chosen)


def matching_words(text: str, surfaces: dict[str, str], terms: list[str]) -> tuple[tuple[str, str], ...]:
    """(word as written in the passage, term) for the passage's words that match the question,
    longest first. The analysis saw the text lower-cased, so the written form is looked up again."""
    wanted = set(terms)
    found: dict[str, str] = {}
    for surface, term in surfaces.items():
        if term not in wanted:
            continue
        pattern = re.escape(surface)
        if surface.isascii():  # "ns" is a word, not the end of "DNS"
            pattern = rf"(?<![A-Za-z0-9_-]){pattern}(?![A-Za-z0-9_])"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            found.setdefault(match.group(0), term)
    return tuple(sorted(found.items(), key=lambda m: -len(m[0])))


_CODE_SPLIT = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`|\*\*[^\n]*?\*\*)", re.S)  # code and text already bold


def highlight_markdown(markdown: str, surfaces: tuple[str, ...]) -> str:
    """Bold the highlighted words outside code and outside text that is bold already, for a Markdown view."""
    if not surfaces:
        return markdown
    pattern = re.compile("|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True) if s))
    parts = _CODE_SPLIT.split(markdown)
    for i in range(0, len(parts), 2):
        lines = parts[i].split("\n")
        parts[i] = "\n".join(line if line.lstrip().startswith(("#", "|")) else
                             pattern.sub(lambda m: f"**{m.group(0)}**", line) for line in lines)
    return "".join(parts).replace("****", "")


def choose_hits(index: SearchIndex, result: SearchResult, k: int) -> list[tuple[int, float]]:
    """(pid, score) to show, best first: the best passage of each of the best articles (scored as its
    article), then, when fewer articles than ``k`` match, their next best passages."""
    chosen = [(d.best_passage, d.score) for d in result.docs[:k]]
    if len(chosen) < k:
        rest = sorted((p for d in result.docs for p in d.passages[1:]), key=lambda p: -p[1])
        chosen.extend(rest[: k - len(chosen)])
    return sorted(chosen, key=lambda p: -p[1])


def make_hits(index: SearchIndex, picks: list[tuple[int, float]], terms: list[str]) -> list[Hit]:
    hits = []
    for rank, (pid, score) in enumerate(picks, 1):
        p = index.passage(pid)
        matches = matching_words(p.text, index.surfaces(pid), terms)
        hits.append(Hit(rank, score, p.title, p.section, p.source, p.path, p.text, p.doc_id, p.chapter,
                        tuple(m[0] for m in matches), matches,
                        index.docs[int(index.passage_doc[pid])].kubernetes))
    return hits
