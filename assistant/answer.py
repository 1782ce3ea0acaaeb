"""Answer: turn a search result into what a learner reads.

Chooses the passages to show (the best passage of each of the best articles first), quotes a short
要点 of one to three sentences that answer the question most directly (extractive, never written
here), marks the question's words for highlighting, suggests the closest topics when the corpus does
not cover the question, and keeps the little state that follow-up questions need.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterator, NamedTuple

from .chunking import SECTION_SEPARATOR
from .index import SearchIndex
from .search import FULL, NONE, SearchResult

NOT_COVERED = "この質問はガイドでは扱われていないようです。"
NO_TERMS = "質問から手がかりになる言葉を見つけられませんでした。キーワードを入れて聞き直してください。"
MENTIONED_ONLY = "ガイドでは詳しく扱っていません。触れている箇所:"
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
    kubernetes: str = ""  # version the article was checked against ("1.34"), "" when not stamped
    read_surfaces: Callable[[], dict[str, str]] = field(default=dict, repr=False, compare=False)
    terms: tuple[str, ...] = field(default=(), repr=False, compare=False)  # the question's terms

    @functools.cached_property
    def surfaces(self) -> dict[str, str]:
        """The passage's analysis (surface -> term), read from the index when first asked for: JSON
        output never needs the other hits' (decoding a passage's word table was a twentieth of a
        docs question's time)."""
        return self.read_surfaces()

    @functools.cached_property
    def matches(self) -> tuple[tuple[str, str], ...]:
        """(word as written in the passage, term) for the passage's words that match the question,
        longest first; found when first asked for (JSON output never asks for the other hits')."""
        return matching_words(self.text, self.surfaces, list(self.terms))

    @property
    def highlights(self) -> tuple[str, ...]:
        """The passage's words that match the question, longest first."""
        return tuple(m[0] for m in self.matches)

    @property
    def heading_path(self) -> str:
        return SECTION_SEPARATOR.join(p for p in (self.title, self.section) if p)

    def to_json(self) -> dict:
        return {"rank": self.rank, "score": round(self.score, 6), "title": self.title, "section": self.section,
                "source": self.source, "path": self.path, "text": self.text,
                **({"kubernetes": self.kubernetes} if self.kubernetes else {})}


class SummaryLine(NamedTuple):
    """A quoted sentence and the number of the source it came from (``[n]``)."""

    text: str
    source_number: int


class Suggestion(NamedTuple):
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
    coverage: str = ""  # "full" (answered), "mention" (hits only mention the subject) or "none"

    def __post_init__(self) -> None:
        if not self.coverage:
            object.__setattr__(self, "coverage", FULL if self.answered else NONE)

    def to_json(self) -> dict:
        data: dict = {"query": self.query, "answered": self.answered, "coverage": self.coverage,
                      "hits": [h.to_json() for h in self.hits]}
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


# (「何文字」「何台」「何秒」ask for a number, 「なんで」 asks why and 「意味ない」 says "pointless": none asks what X is)
_COUNTED = r"(?![0-9０-９]*(?:文字|台|秒|行|個|回|人|日|時間|分|年|件|倍|番|度|つ|本|枚|ヶ月|か月|バイト|種類|で))"
_DEFINITION_QUESTION = re.compile(rf"とは|の役割|って(?:結局|そもそも|一体|いったい|つまり)?(?:何|なに|なん){_COUNTED}(?!のため)|は何{_COUNTED}(?!のため)"
                                  r"|はなに|何ですか|なんですか|意味(?!(?:が|は)?(?:ない|無い|ねー|ねえ))|what is", re.I)


_COMPARISON = re.compile(r"違い|違う|比較|比べ|差|どっち|どちら|vs", re.I)


# Where "what is X" names its X: X is what comes before it (「…の -L オプション」 in 「kubectl get の -L オプションって何」).
_DEFINED = re.compile(r"って|とは|は(?:何|なに|どういう)|の意味|の役割")


def defined_phrase(question: str) -> str:
    """The X of a "what is X" question that names more than X: the words before its って/とは/の意味,
    from the last の on (「kubectl get の -L オプションって何」 → 「-L オプション」); "" when the question has
    no such marker or no の before it (「svcとは」: X is all it names)."""
    found = _DEFINED.search(question)
    pieces = re.split(r"[のノ、,]", question[:found.start()]) if found else []
    return pieces[-1].strip() if len(pieces) > 1 else ""


def asks_definition(question: str) -> bool:
    """The question asks what something is (〜とは, 〜って何, 〜の意味), not how two things differ."""
    return bool(_DEFINITION_QUESTION.search(question)) and not _COMPARISON.search(question)


_WHY_QUESTION = re.compile(r"なぜ|何故|なんで|どうして|何のため|理由(?!が(?:わから|分から))|何をして|何ができ|できること|メリット|必要なの|必要な理由|要るの|"
                           r"(?:なん|何)なの|何が(?:楽|便利|嬉し|うれし|良い|いい)|楽になる|\bwhy\b", re.I)


def asks_overview(question: str) -> bool:
    """The question asks what something is or why one would use it (〜とは, なぜ〜を使う, 何ができる)."""
    return asks_definition(question) or bool(_WHY_QUESTION.search(question))


_TASK_QUESTION = re.compile(r"たい|には[?？]?$|には(どう|何)|方法|やり方|手順|仕方|どうやって|どうすれば|どうしたら|"
                            r"コマンド(?:は|って|を教えて|ある|[?？]|$)|\bhow (?:do|can|to|should)\b", re.I)


def asks_task(question: str) -> bool:
    """The question asks how to do something (〜したい, 〜するには, 方法)."""
    return bool(_TASK_QUESTION.search(question.strip())) and not _DEFINITION_QUESTION.search(question)


_DEMONSTRATIVES = ("それ", "その", "これ", "この", "あれ", "あの", "そっち", "こっち", "そこ", "さっき", "前の",
                   "同じ", "じゃあ", "では", "なら", "他に", "ほかに", "もっと", "詳しく", "続き")


def is_follow_up(question: str, terms: list[str], generic: frozenset[str]) -> bool:
    """A question that points back ("それ", "その設定例") or has no topic word of its own."""
    text = question.strip()
    if any(text.startswith(d) or d in text[:12] for d in _DEMONSTRATIVES):
        return True
    return bool(terms) and all(t in generic for t in terms)


# Words that name no topic of their own: a question made only of them continues the previous one.
TOPICLESS_WORDS = ("コマンド", "設定", "例", "設定例", "サンプル", "書き方", "作り方", "確認", "作成", "削除", "使う",
                   "オプション", "違い", "yaml", "詳細", "注意", "注意点", "メリット", "デメリット", "理由", "なぜ",
                   "具体", "具体例", "手順", "実行", "やる", "見る", "調べる", "一覧", "種類", "例えば")


_SENTENCE_END = re.compile(r"(?<=[。！？])\s*|(?<=[!?])(?:\s+|$)")  # (ASCII ! and ? end a sentence only before a space: != is code)
_MARKUP = re.compile(r"\*\*|`|^\s*(?:[-*+]|\d+\.)\s+|^>\s*", re.M)  # not "__": __start_kubectl is a name
# A sentence opening with one of these leans on the one before it and cannot be quoted alone.
_DEPENDENT = re.compile(r"^(?:これ|それ|その|この|あの|あれ|こう|そう|こちら|そちら|ここ|そこ|また|ただし|一方|なお|"
                        r"さらに|表のとおり|表の通り|図のとおり|上の|前述|"
                        r"そして|しかし|でも|つまり|そこで|次に|逆に|同様に|加えて|実際(?:には|に|、)|ほかに|他に|前者|後者|上記|以下|下記)")
# A connective that adds a statement without pointing back: the sentence after it stands alone
# (「ただし Fargate では DaemonSet が使えません。」), so it may be quoted without the word.
_CONNECTIVE = re.compile(r"^(?:(?:また|ただし|なお|さらに|加えて|同様に|次に)[、,]?|(?:次|上|下)の例(?:のように|の)[、,]?"
                         r"|(?:上の)?[表図]の(?:とおり|通り)[、,]?)\s*")  # (「上の例のように maxSurge: 1…」「表のとおり、4台は…」)
_CONNECTIVE_STARTS = frozenset("まただなさ加同次上下表図")
# A sentence that goes on from the one before with what to do or what follows (「その場合は…」「そこで…」).
_GOES_ON = re.compile(r"^(?:その場合|この場合|そのとき|その際|そこで|そのため|このため|これにより|そうすれば|そうすると)")
# The opening words of what to do in a case just described (「この場合は、」), dropped when quoted alone.
_REMEDY_OPENING = re.compile(r"^(?:その場合|この場合|そのとき|その際)(?:は|には)?[、,]?\s*")
# A question that describes a problem (「EXTERNAL-IP が払い出されない」「Pending のまま」「消えた」).
_PROBLEM = re.compile(r"ない|なかった|できず|消え|まま|エラー|失敗|落ち|止ま|繰り返|ループ|遅い|困っ|出る|出た|ダメ|だめ|まずい")
_COMMAND = re.compile(r"(?:^|\s|\()(?:kubectl|kubeadm|eksctl|gcloud|az|helm|minikube|kind|alias|source|complete)\s+\S"
                      r"|(?:^|\s)--?[a-z][\w-]*")
_DEFINES = re.compile(r"とは|のこと|です。|ます。")
# A sentence that announces what follows (「次のとおりです。」「表にまとめます。」) says nothing on its own.
_ANNOUNCES = re.compile(r"(?:次の|以下の|下記の|下の)(?:とおり|通り|ように|よう|ような|もの|表|例|[^。、]{0,12}(?:が|を|に)"
                        r"(?:あり|共有|使|示|書|挙|まとめ|紹介|説明|見))|表にまとめ|^.{0,16}(?:説明|紹介)します。$"
                        r"|見てみましょう。$|をまとめます。$|^(?:次|以下|下記|下)の[^。]{0,60}(?:例|サンプル)です。$")


@dataclass(frozen=True)
class AnswerSettings:
    """The tuning values of the 要点 (summary), passed to ``build_summary``.

    Effects measured with ``k8s-assistant eval`` on tests/data/questions.yaml (fact in 要点 = 0.848
    with these defaults; the figures after each value were measured alone, some before the later
    fields were added).
    """

    lines: int = 3
    """At most this many lines are quoted, a how-to's command line included (2 → 0.783)."""
    opening_lines: int = 2
    """The answering section's first sentences quoted as its answer: the corpus is answer-first (1 → 0.787)."""
    short_lead: int = 80
    """An opening sentence shorter than this many characters introduces the answer (「AKS には料金ティアが
    3つあります。」): the next opening sentence is quoted with it even without a question word
    (0 → 要点 0.808, 40 → 0.810, 80 → 0.813, any length → 0.813)."""
    opening_bonus: tuple[float, ...] = (0.5, 0.25)
    """Added to the first, second, … sentence of the answering section when ranking what else to quote."""
    command_bonus: float = 0.4
    """Added to a sentence that shows a command when the question asks how to do something
    (0: no change on the tuning set, whose how-to openings already name the command)."""
    definition_bonus: float = 0.15
    """Added to a sentence that reads as a statement (〜とは, 〜です) rather than a fragment (0: no change)."""
    emphasis_bonus: float = 0.3
    """Added to a sentence holding a bold phrase of at least ``emphasis_chars`` characters: the author's
    point of the section (「一言でまとめると、**…**」); such a sentence may be quoted even when it adds no
    question word (0 → 0.838)."""
    emphasis_chars: int = 12
    """Shorter bold phrases are names or labels, not the section's point (no bold counts → 0.838)."""
    keep_ratio: float = 0.2
    """A further sentence (one that adds question words) is quoted only when it scores at least this share
    of the best one (0.6 → 0.799)."""
    other_hit_penalty: float = 0.2
    """When the answering section has nothing to quote, a sentence of the n-th hit loses n-1 times this."""
    position_penalty: float = 0.02
    """A sentence further down its passage loses this much per position (fallback scoring)."""
    min_chars: int = 10
    """Shorter pieces are fragments, not answers."""
    max_chars: int = 280
    """The quoted lines are at most this long together (the least useful go first; the opening
    stays), so the 要点 and the first link fit an 80x24 screen: the longest, 279 characters under a
    two-line question, still shows the first link in the chat app. 240 → 280: development 要点 0.755 →
    0.770, development 2 0.873 → 0.879, development 4 0.679 → 0.690 (two long answer-first sentences no
    longer push each other out); 320: the same as 280."""
    detail_bonus: float = 0.5
    """Added, in proportion, to a sentence holding the question's words that the answering heading
    does not: they ask for a detail of the section (with ``detail_share``, development set 0.600 →
    0.610; 0.25 or 1.0 the same)."""
    detail_share: float = 0.3
    """The opening's second sentence gives way to a sentence holding at least this share of the question's
    weight in detail words (0.2 → tuning set −0.003; 0.45 the same as 0.3)."""
    literal_bonus: float = 0.3
    """Added, in proportion, to a sentence holding the question's own wording (its three-character
    pieces), which the terms miss when the analysis maps words to one base form (development set
    0.615 → 0.625; 0.6 → tuning set −0.003)."""
    remedy_bonus: float = 0.3
    """Added to a sentence pair that says what to do (「…。その場合は…」) when the question describes a
    problem (development set 0.645 → 0.650; 0.6 and 1.0 the same)."""
    label_bonus: float = 0.5
    """Added to a table row or list item whose label (its first cell, or the words before its colon) names
    a detail word of the question (「periodSeconds（10）: チェックする間隔（秒）」 for 「periodSeconds の既定値は？」);
    such a line is quoted even when the opening already said the word in passing."""
    label_chars: int = 110
    """A labelled item (``label_bonus``) is quoted whole, all its sentences, when at most this long; a
    longer one only by its first sentence, leaving room for the opening and the other items."""
    pair_chars: int = 200
    """A sentence leaning on the one before it (「その場合は MetalLB を…」) is quoted together with that
    sentence, when both come from one paragraph and together are at most this long (0 → 0.846)."""


DEFAULT_ANSWER = AnswerSettings()


_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # a Markdown link reads as its text
_FIRST_STEP = re.compile(r"\s*1[.)]\s")


def table_row(cells: list[str]) -> str:
    """A table row as one readable line: 「-o wide: ノード名と IP も表示」 (first cell, then the rest), without
    Markdown marks, like the sentences of the prose."""
    cells = [c.replace("**", "").replace("`", "").strip() for c in cells]
    cells = [c for c in cells if c and c not in ("-", "—")]
    if len(cells) < 2:
        return ""
    return f"{cells[0]}: {'、'.join(cells[1:])}"


def sentences(markdown: str) -> list[str]:
    """Plain sentences of a passage, list items and table rows (one readable line each, without the
    header row); no code blocks or headings."""
    return [text for text, _line in sentence_lines(markdown)]


def sentence_lines(markdown: str) -> list[tuple[str, int]]:
    """``sentences`` with the number of the Markdown line each comes from (sentences of one
    paragraph share it)."""
    out: list[tuple[str, int]] = []
    in_fence = False
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            in_fence = not in_fence
            continue
        if in_fence or not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("|"):
            header = i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1].strip())
            if not header and not _TABLE_RULE.match(stripped):
                row = table_row(stripped.strip("|").split("|"))
                if 8 <= len(row) <= 220:
                    out.append((row, i))
            continue
        # (most lines have no markup: the patterns run only where they can change something)
        marked = "*" in stripped or "`" in stripped or stripped[0] in "-+>" or stripped[0].isdecimal()
        plain = _MARKUP.sub("", stripped) if marked else stripped
        if "](" in plain:
            plain = _LINK.sub(r"\1", plain)
        for sentence in _split_sentences(plain):
            sentence = sentence.strip()
            if 8 <= len(sentence) <= 220:
                out.append((sentence, i))
    return out


def _split_sentences(text: str) -> list[str]:
    """A paragraph's sentences; a 。 inside parentheses (「（Pod 間ネットワーク。この例では Flannel）」)
    ends no sentence."""
    pieces = _SENTENCE_END.split(text)
    if len(pieces) < 2 or ("（" not in text and "(" not in text):
        return pieces
    out: list[str] = []
    for piece in pieces:
        if out and (out[-1].count("（") > out[-1].count("）") or out[-1].count("(") > out[-1].count(")")):
            out[-1] += piece
        else:
            out.append(piece)
    return out


_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_ITEM_MARK = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


def emphasized(markdown: str, min_chars: int) -> list[str]:
    """Phrases the author set in bold inside a sentence (not a list item's or row's bold label), as
    they read after markup is removed."""
    spans: list[str] = []
    if "**" not in markdown:
        return spans
    for line in markdown.split("\n"):
        body = _ITEM_MARK.sub("", line).strip().lstrip("|").strip()
        for match in _BOLD.finditer(body):
            span = _MARKUP.sub("", match.group(1)).strip()
            if match.start() > 0 and len(span) >= min_chars:
                spans.append(span)
    return spans


# A reason given without its subject (「…ことがあるからです。」) explains the sentence before it.
_BARE_REASON = re.compile(r"(?:から|ため)です[。！]?$")
_DEMONSTRATIVE = re.compile(r"これ|それ|その|この|そこ|ここ")
_REASON_SUBJECT = re.compile(r"のは|理由は|原因は|ためには|ためです。.*のは")


def leans(sentence: str) -> bool:
    """The sentence leans on the one before it: it opens with これ/その/また/ただし…, it is a short one
    pointing back (「本番のデータはこれに保存します。」), or it is a bare reason (「…ことがあるからです。」)."""
    text = sentence.strip()
    if len(text) < 24 and _DEMONSTRATIVE.search(text):  # 「本番のデータはこれに保存します。」
        return True
    return bool(_DEPENDENT.match(text)) or (bool(_BARE_REASON.search(text)) and not _REASON_SUBJECT.search(text))


def quotable(sentence: str, settings: AnswerSettings = DEFAULT_ANSWER) -> bool:
    """A sentence that stands on its own: not leaning on the one before (これ, その, また, ただし…),
    not a fragment (too short, or a label ending in a colon), not an announcement of what follows
    (「次のとおりです。」)."""
    text = sentence.strip()
    if len(text) < settings.min_chars or text.endswith(("：", ":")) or _ANNOUNCES.search(text):
        return False
    if text.count("「") != text.count("」"):  # cut inside a quotation (「Namespace とは何か?」の記事)
        return False
    return not leans(text)


class TitlePointers(NamedTuple):
    """Every article title as it is quoted in a sentence (「title」), kept once per index so that telling
    a pointer from an answer does not compare every title with every sentence."""

    plain: frozenset[str]  # titles without 「 or 」: found as the inside of a 「…」 quote of the sentence
    other: tuple[str, ...]  # 「title」 of the rest, compared whole


_QUOTE = re.compile(r"「([^「」]*)」")


def title_pointers(index: SearchIndex) -> TitlePointers:
    """The index's article titles for ``_pointer`` (computed once per index, when first asked)."""
    found = index.memo.get("_title_pointers")
    if found is None:
        titles = [d.title for d in index.docs]
        found = TitlePointers(frozenset(t for t in titles if "「" not in t and "」" not in t),
                              tuple(dict.fromkeys(f"「{t}」" for t in titles if "「" in t or "」" in t)))
        index.memo["_title_pointers"] = found
    return found


def _pointer(sentence: str, titles: TitlePointers) -> bool:
    """A pointer to another article is not an answer. (「T」 with T free of brackets occurs in a sentence
    exactly when some 「…」 quote of the sentence, holding no bracket, is T.)"""
    if "記事" in sentence or "」を参照" in sentence:
        return True
    if "「" in sentence and any(m.group(1) in titles.plain for m in _QUOTE.finditer(sentence)):
        return True
    return any(t in sentence for t in titles.other)


def build_summary(hits: list[Hit], terms: list[str], index: SearchIndex, extra: list[str] | None = None,
                  task: bool = False, settings: AnswerSettings = DEFAULT_ANSWER,
                  question: str = "") -> tuple[SummaryLine, ...]:
    """The 要点: the answer sentences of the first hit (the answering section), in reading order.

    An answer-first section states its answer in its first sentence or two, so those are quoted
    first; then the sentence holding most of the question's words the opening left out (its own
    wording and the words the heading does not name count more: they ask for a detail); for a
    problem, what to do about it (「その場合は…」); for a how-to question whose sentences show no
    command, the section's command line that holds the question's words. A sentence
    leaning on the one before it is never quoted. Only when the first passage has nothing to quote
    do the other hits' sentences compete. A sentence contains a question term when it contains one
    of the surfaces that the passage's analysis (done when indexing) mapped to that term: no
    analysis at answer time.
    """
    wanted = set(terms) | set(extra or ())
    if not wanted or not hits:
        return ()
    first = hits[0]
    asking = _asking(first, terms, wanted, index, task, settings, question)
    titles = title_pointers(index)
    found = _candidates(asking, titles)
    if not found.scored:  # the first passage's opening is code or a table: its article's other shown passages
        fallback = _fallback_summary(hits, wanted, asking.weight, asking.total, titles, settings)
        opening = next((s for s in sentences(first.text) if quotable(s, settings)), "")
        return fallback or ((SummaryLine(opening, first.rank),) if opening else ())
    if not any(item[3] for item in found.scored):  # no sentence holds a question word: the opening answers the heading
        return _opening_alone(asking, found)
    chosen = _chosen(asking, found)
    command = _how_to_command(asking, chosen) if task else ""
    # An opening that says none of the detail asked for may give way to the row that labels it.
    detail = asking.detail
    opening_stays = not (detail and any(c[2] in found.labelled for c in chosen)
                         and not min(chosen, key=lambda c: c[1])[3] & detail)
    chosen = _within(chosen, settings.max_chars - len(command), asking.weight,
                     settings.lines - 1 if command else settings.lines, opening_stays)
    chosen.sort(key=lambda s: s[1])
    lines = [SummaryLine(sentence, first.rank) for _v, _p, sentence, _f in chosen]
    if command:
        lines.append(SummaryLine(command, first.rank))
    return tuple(lines)


_Scored = tuple[float, int, str, frozenset[str]]  # (value, position in the passage, sentence, question words held)


class _Asking(NamedTuple):
    """What choosing the 要点's sentences knows of the question and of its answering passage. (Named
    tuples, not dataclasses, for these two: a warm ``ask`` imports every module, and a dataclass
    costs five times as much to make.)"""

    first: Hit
    wanted: set[str]
    weight: dict[str, float]  # question term (and "\0" + a piece of its wording) -> how much it counts
    total: float
    detail: frozenset[str]  # the question's words that the answering heading does not hold
    asked: list[tuple[str, str]]  # (surface, term) of the passage words the question asks for
    literal: frozenset[str]  # three-character pieces of the question's own wording
    problem: bool
    task: bool
    settings: AnswerSettings


class _Candidates(NamedTuple):
    """The answering passage's quotable sentences, scored, and what some of them are."""

    bold: list[str]  # the author's bold points
    scored: list[_Scored]
    leaning: dict[str, str]  # a pair quoted together -> the sentence it leans on
    remedies: set[str]  # what to do about a problem (「その場合は…」)
    steps: set[str]  # the first step of a procedure that shows a command
    labelled: set[str]  # rows and items whose label names a detail word
    openers: int  # how many of the first sentences are the opening: those of the first paragraph


def _asking(first: Hit, terms: list[str], wanted: set[str], index: SearchIndex, task: bool,
            settings: AnswerSettings, question: str) -> _Asking:
    weight = {t: index.postings.term_idf(t) * (1.0 if t in terms else 0.5) for t in wanted}
    total = sum(weight.values()) or 1.0
    # The question's own words that its answering heading does not hold ask for a detail of the
    # section (「Flannel を使うとき --pod-network-cidr には何を指定する？」 under 「kubeadm でクラスタを
    # 作る流れは？」): the sentence holding them is the answer, more than the section's opening.
    heading = f"{first.title}\n{first.section}".lower()
    detail = frozenset(term for surface, term in first.matches if term in terms) - \
        frozenset(term for surface, term in first.matches if surface.lower() in heading)
    literal = _trigrams(question) if settings.literal_bonus else frozenset()
    for t in literal:
        weight[f"\0{t}"] = 0.0
    asked = [(surface, term) for surface, term in first.matches if term in wanted]
    if len(wanted) > len(first.terms):  # the concept words a learner phrase points to (一時停止 → pause)
        own = {surface for surface, _term in asked}
        asked += [(surface, term) for surface, term in matching_words(first.text, first.surfaces,
                                                                      [t for t in wanted if t not in terms])
                  if surface not in own]
    return _Asking(first, wanted, weight, total, detail, asked, literal, bool(_PROBLEM.search(question)), task,
                   settings)


def _candidates(asking: _Asking, titles: TitlePointers) -> _Candidates:
    """Every sentence of the answering passage that can be quoted, with its value as the answer."""
    first, settings = asking.first, asking.settings
    units = sentence_lines(first.text)
    # What the author set in bold is the section's point (「一言でまとめると、**…**」).
    # The opening is the first paragraph's first sentences: one after a code block elaborates.
    openers = sum(1 for _unit, at in units[:len(settings.opening_bonus)] if at == units[0][1]) if units else 0
    found = _Candidates(emphasized(first.text, settings.emphasis_chars), [], {}, set(), set(), set(), openers)
    raw_lines = first.text.split("\n")
    # A how-to answered by a procedure: its first step's command is where to start (「1. `kubectl logs …`」).
    first_steps = {i for i, raw in enumerate(raw_lines) if _FIRST_STEP.match(raw)}
    detail_surfaces = [surface for surface, term in first.matches if term in asking.detail]
    label_lines = {at for unit, at in units if detail_surfaces and settings.label_bonus > 0
                   and _labelled(unit, raw_lines[at], detail_surfaces)}
    for position, (sentence, line) in enumerate(units):
        quoted = _as_quoted(sentence, position, line, units, asking, titles, found)
        if quoted is None:
            continue
        sentence = quoted
        is_label = line in label_lines and _labelled(sentence, raw_lines[line], detail_surfaces)
        # The one item asked about is quoted whole (「ImagePullBackOff / ErrImagePull: …できません。…を確認
        # します。」); items compared (Retain and Delete) by their first sentences, side by side.
        if is_label and not asking.task and len(label_lines) == 1:
            whole = sentence + "".join(u for u, at in units[position + 1:] if at == line)
            if len(whole) <= settings.label_chars:
                sentence = whole
        value, held = _value(sentence, position, asking, found)
        if asking.task and line in first_steps and _COMMAND.search(sentence):
            found.steps.add(sentence)
        if is_label:
            value += settings.label_bonus
            found.labelled.add(sentence)
        if held or position < found.openers or sentence in found.steps or sentence in found.remedies:
            found.scored.append((value, position, sentence, held))
    return found


def _as_quoted(sentence: str, position: int, line: int, units: list[tuple[str, int]], asking: _Asking,
               titles: TitlePointers, found: _Candidates) -> str | None:
    """How a sentence is quoted: as it is, without an opening connective (ただし, 次に), together with the
    sentence it leans on (noted in ``found.leaning``), or, for a problem, as what to do without 「この場合は」;
    None when it cannot be quoted."""
    settings = asking.settings
    if _pointer(sentence, titles):
        return None
    alone = quotable(sentence, settings)
    bare = _CONNECTIVE.sub("", sentence, count=1) if not alone and sentence[:1] in _CONNECTIVE_STARTS else sentence
    if bare != sentence and quotable(bare, settings):
        return bare
    if alone:
        return sentence
    before = units[position - 1] if position else None
    text = f"{before[0]}{sentence}" if before else ""
    if before and before[1] == line and leans(sentence) and quotable(before[0], settings) \
            and not _pointer(before[0], titles) and len(text) <= settings.pair_chars:
        found.leaning[text] = before[0]
        return text
    if asking.problem and (cut := _REMEDY_OPENING.match(sentence)) and quotable(sentence[cut.end():], settings):
        # 「この場合は requests を見直すか…」 after a code block: for a problem, what to do stands alone
        found.remedies.add(sentence[cut.end():])
        return sentence[cut.end():]
    return None


def _value(sentence: str, position: int, asking: _Asking, found: _Candidates) -> tuple[float, frozenset[str]]:
    """How well a sentence answers the question, and the question words (and wording pieces) it holds."""
    settings, weight, total = asking.settings, asking.weight, asking.total
    held = frozenset(term for surface, term in asking.asked if surface in sentence)
    value = sum(weight[t] for t in held) / total
    if asking.literal:
        # the question's own wording (「使えない」 where the opening says 「使う」)
        plain = (sentence if unicodedata.is_normalized("NFKC", sentence)
                 else unicodedata.normalize("NFKC", sentence)).lower()
        said = frozenset(g for g in asking.literal if g in plain)  # (= literal & _trigrams(sentence), faster)
        held = held | frozenset(f"\0{g}" for g in said)
        value += settings.literal_bonus * len(said) / len(asking.literal)
    if asking.detail:
        value += settings.detail_bonus * sum(weight[t] for t in held & asking.detail) / total
    if position < found.openers:
        value += settings.opening_bonus[position]
    if asking.task and _COMMAND.search(sentence):
        value += settings.command_bonus
    if _DEFINES.search(sentence):
        value += settings.definition_bonus
    if any(span in sentence for span in found.bold):
        value += settings.emphasis_bonus
    before = found.leaning.get(sentence)
    if asking.problem and (sentence in found.remedies
                           or (before is not None and bool(_GOES_ON.match(sentence[len(before):])))):
        # a problem is answered by what to do about it: 「…pending のままになります。その場合は…」
        value += settings.remedy_bonus
        found.remedies.add(sentence)
    return value, held


def _opening_alone(asking: _Asking, found: _Candidates) -> tuple[SummaryLine, ...]:
    """No sentence holds a question word: the opening answers the heading, and for a how-to the command
    line that holds the question's words (「# Running 以外の Pod だけを表示」 above 「kubectl get pods
    --field-selector status.phase!=Running」)."""
    first = asking.first
    opening = SummaryLine(min(found.scored, key=lambda s: s[1])[2], first.rank)
    command = command_line(first.text, first.matches, asking.wanted) if asking.task else ""
    surfaces = [surface for surface, _term in asking.asked]
    if command and any(s in command for s in surfaces) and not _repeats(command, [opening.text]):
        return opening, SummaryLine(command, first.rank)
    return (opening,)


def _chosen(asking: _Asking, found: _Candidates) -> list[_Scored]:
    """The opening (it answers the heading's question), then what it left out, best first."""
    settings, weight = asking.settings, asking.weight
    scored, leaning = found.scored, found.leaning
    chosen = [item for item in scored if item[1] < found.openers and item[2] not in leaning]
    short_lead = any(item[1] == 0 and len(item[2]) < settings.short_lead for item in chosen)
    chosen = [item for item in chosen if item[3] or item[1] == 0 or short_lead][: settings.opening_lines]
    weighty = settings.detail_share * asking.total
    detail = asking.detail
    if detail and len(chosen) > 1 and not chosen[1][3] & detail and any(
            sum(weight[t] for t in item[3] & detail) >= weighty for item in scored if item not in chosen):
        chosen = chosen[:1]  # the opening states the heading's answer; the detail comes next
    covered = set().union(*(item[3] for item in chosen)) if chosen else set()
    has_command = any(_COMMAND.search(item[2]) for item in chosen)
    best = max(item[0] for item in scored)
    for item in sorted(scored, key=lambda s: (-s[0], s[1])):
        if len(chosen) >= settings.lines:
            break
        if item in chosen or item[0] < best * settings.keep_ratio:
            continue
        adds_words = bool(item[3] - covered) or any(span in item[2] for span in found.bold) \
            or item[2] in found.labelled
        adds_command = asking.task and (not has_command or item[2] in found.steps) and bool(_COMMAND.search(item[2]))
        before = leaning.get(item[2])
        others = [c[2] for c in chosen if c[2] != before]
        # A quoted sentence goes on in the next one (「…起動できません。その場合は…」): its remedy or
        # consequence completes it, even with no new question word.
        continues = (before is not None and before in [c[2] for c in chosen]
                     and bool(_GOES_ON.match(item[2][len(before):]))) or item[2] in found.remedies
        if not (adds_words or adds_command or continues) or _repeats(item[2], others):
            continue
        if before in [c[2] for c in chosen]:  # the pair takes the place of the sentence it leans on
            chosen = [c for c in chosen if c[2] != before]
        chosen.append(item)
        covered |= item[3]
        has_command = has_command or bool(_COMMAND.search(item[2]))
    return chosen


def _how_to_command(asking: _Asking, chosen: list[_Scored]) -> str:
    """The command line a how-to 要点 adds: the section's first one when the quoted sentences show none,
    or, when the quoted commands hold none of the question's words, the section's command line that
    holds one; "" when the quoted sentences already say it."""
    first = asking.first
    has_command = any(_COMMAND.search(c[2]) for c in chosen)
    surfaces = [surface for surface, _term in asking.asked]
    relevant = any(_COMMAND.search(c[2]) and any(s in c[2] for s in surfaces) for c in chosen)
    command = command_line(first.text, first.matches, asking.wanted)
    # The prose names only the command's stem (「gcloud container clusters コマンドを使います」): the
    # code block's full line says what to type.
    words = command.split()
    stem_only = len(words) > 3 and any(_names_stem_only(c[2], " ".join(words[:3])) for c in chosen)
    if not command or not (not has_command or stem_only or (not relevant and any(s in command for s in surfaces))) \
            or _repeats(command, [c[2] for c in chosen]):
        return ""
    return command


_LABEL_END = re.compile(r"[:：]")


def _labelled(unit: str, raw: str, surfaces: list[str]) -> bool:
    """A table row or list item (``raw`` is its Markdown line) whose label holds one of the surfaces."""
    start = raw.lstrip()[:1]
    if not (start == "|" or _ITEM_MARK.match(raw)):
        return False
    cut = _LABEL_END.search(unit)
    label = unit[:cut.start()] if cut and cut.start() <= 40 else ""
    low = label.lower()
    return any(s.lower() in low for s in surfaces)


def _names_stem_only(sentence: str, stem: str) -> bool:
    """The sentence names a command by its first words only (「gcloud container clusters コマンドを使います」),
    not in a full form with placeholders or options (「kubectl expose deployment <Deployment名> --port=…」)."""
    at = sentence.find(stem)
    return at >= 0 and sentence[at + len(stem):].lstrip()[:1] not in ("<", "-", "[", "")


def _trigrams(text: str) -> frozenset[str]:
    """Three-character pieces of the text's words (NFKC, lower case), each holding a character that is
    not hiragana: 「使えない」 gives 使えな; particles and endings alone are not the question's wording."""
    plain = unicodedata.normalize("NFKC", text).lower()
    word = [c.isalnum() for c in plain]  # no spaces, punctuation or underscores inside a piece
    kana = [c == "ー" or "\u3041" <= c <= "\u3096" for c in plain]
    return frozenset(plain[i:i + 3] for i in range(len(plain) - 2)
                     if word[i] and word[i + 1] and word[i + 2] and not (kana[i] and kana[i + 1] and kana[i + 2]))


def _within(chosen: list, max_chars: int, weight: dict[str, float], max_lines: int,
            opening_stays: bool = True) -> list:
    """The chosen sentences without the least useful ones until they fit ``max_chars`` and ``max_lines``
    (the 要点 and the first link must fit an 80x24 screen): first the one whose question words the
    others hold least (by IDF), then the lowest scored; the section's opening sentence stays unless
    ``opening_stays`` is False."""
    chosen = list(chosen)
    while len(chosen) > 1 and (sum(len(item[2]) for item in chosen) > max_chars or len(chosen) > max(1, max_lines)):
        def own(item) -> float:
            others = set().union(*(c[3] for c in chosen if c is not item))
            return sum(weight[t] for t in item[3] - others)
        droppable = [item for item in chosen if not opening_stays or item[1] != min(c[1] for c in chosen)]
        chosen.remove(min(droppable, key=lambda item: (own(item), item[0], -item[1])))
    return chosen


_PROGRAM = re.compile(r"(?:sudo\s+)?(?:kubectl|kubeadm|eksctl|gcloud|az|helm|minikube|kind|alias|source|complete|k3s|k)\s+\S")
_CODE_LANGS = ("", "bash", "sh", "shell", "console", "zsh", "text")
_BACKSLASH = "\\"  # a shell line ending in it goes on in the next line


def command_line(markdown: str, matches: tuple[tuple[str, str], ...], wanted: set[str]) -> str:
    """The command line in the passage's shell code blocks (``kubectl …``, without a ``$`` prompt)
    that holds the most question words, counting the comment above it (「# Running 以外の Pod だけを
    表示」); the first one when none holds any; "" when there is none."""
    commands: list[tuple[str, str]] = []  # (command, the comment just above it)
    fence: str | None = None
    comment = ""
    going_on = attach = False
    for line in markdown.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = None if fence is not None else stripped[3:].strip().lower()
            comment = ""
            continue
        if fence is None or fence not in _CODE_LANGS:
            continue
        if stripped.startswith("#"):
            comment = stripped
            continue
        if going_on:  # the line before ended in a backslash: this line goes on with its command
            going_on = stripped.endswith(_BACKSLASH)
            if attach:
                commands[-1] = (f"{commands[-1][0]} {stripped.rstrip(_BACKSLASH).strip()}".strip(), commands[-1][1])
            continue
        command = stripped[2:] if stripped.startswith("$ ") else stripped
        going_on = command.endswith(_BACKSLASH)
        attach = bool(_PROGRAM.match(command)) and (fence != "console" or stripped.startswith("$ "))
        if attach:
            commands.append((command.rstrip(_BACKSLASH).strip(), comment))
        comment = ""
    best, most = "", 0
    for command, above in commands:
        held = {term for surface, term in matches if term in wanted and (surface in command or surface in above)}
        if len(held) > most:
            best, most = command, len(held)
    return best or (commands[0][0] if commands else "")


def _repeats(sentence: str, chosen: list[str]) -> bool:
    """The sentence says again what a chosen one says (one contains the other)."""
    return any(sentence in c or c in sentence for c in chosen)


def _fallback_summary(hits: list[Hit], wanted: set[str], weight: dict[str, float], total: float, titles: TitlePointers,
                      settings: AnswerSettings) -> tuple[SummaryLine, ...]:
    """When the first passage has no sentence to quote (a table or code only): one to three sentences
    of the passages of the same article that contain the most of the question."""
    scored: list[tuple[float, int, int, str]] = []
    for hit in [h for h in hits[:3] if h.doc_id == hits[0].doc_id]:
        for position, sentence in enumerate(sentences(hit.text)):
            found = {term for surface, term in hit.matches if surface in sentence and term in wanted}
            if not found or not quotable(sentence, settings) or _pointer(sentence, titles):
                continue
            value = sum(weight[t] for t in found) / total
            if _DEFINES.search(sentence):
                value += settings.definition_bonus
            value -= settings.other_hit_penalty * (hit.rank - 1) + settings.position_penalty * position
            scored.append((value, hit.rank, position, sentence))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    chosen: list[SummaryLine] = []
    best = scored[0][0] if scored else 0.0
    for value, rank, _position, sentence in scored:
        if len(chosen) >= settings.lines or value < best * settings.keep_ratio:
            break
        if _repeats(sentence, [c.text for c in chosen]):
            continue
        chosen.append(SummaryLine(sentence, rank))
    return tuple(chosen)


def matching_words(text: str, surfaces: dict[str, str], terms: list[str]) -> tuple[tuple[str, str], ...]:
    """(word as written in the passage, term) for the passage's words that match the question,
    longest first. The analysis saw the text lower-cased, so the written form is looked up again."""
    wanted = set(terms)
    found: dict[str, str] = {}
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: positions would not line up
        low = ""
    compact: dict[str, str] = {}  # the lower-cased text without spaces, made when first needed
    for surface, term in surfaces.items():
        if term not in wanted:
            continue
        for written in _written_forms(text, low, surface, compact):
            found.setdefault(written, term)
    return tuple(sorted(found.items(), key=lambda m: -len(m[0])))


# Letters that continue an ASCII word (not "-": pod stands alone in --pod-network-cidr).
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _written_forms(text: str, low: str, surface: str, compact: dict[str, str]) -> Iterator[str]:
    """Each occurrence of a passage word in its text, as written. A plain search in the lower-cased
    text finds most words without compiling a pattern (compiling one per word was a quarter of a
    docs question's time); an ASCII word must stand alone ("ns" is not the end of "DNS"). A long
    ASCII word may be written with spaces inside ("startup probe"): only then is a pattern needed."""
    key = surface.lower()
    if not low or not surface or len(key) != len(surface):
        yield from (m.group(0) for m in _surface_pattern(surface).finditer(text))
        return
    if _spaced(surface):
        if "text" not in compact:
            compact["text"] = _SPACE.sub("", low)
        if key not in compact["text"]:
            return
        if low.count(key) != compact["text"].count(key):  # written with a space somewhere
            yield from (m.group(0) for m in _surface_pattern(surface).finditer(text))
            return
    size, ascii_word = len(surface), surface.isascii()
    at = low.find(key)
    while at >= 0:
        end = at + size
        if ascii_word and ((at and text[at - 1] in _WORD_CHARS) or (end < len(text) and text[end] in _WORD_CHARS)):
            at = low.find(key, at + 1)
            continue
        yield text[at:end]
        at = low.find(key, end)


_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=8192)
def _surface_pattern(surface: str) -> re.Pattern[str]:
    """How a passage word is found again in its text when a plain search cannot (compiled once:
    re's own cache holds only 512)."""
    pattern = re.escape(surface)
    if surface.isascii():  # "ns" is a word, not the end of "DNS"
        if _spaced(surface):  # a synonym of several words lost its spaces: "startup probe"
            pattern = r"\s?".join(re.escape(c) for c in surface)
        pattern = rf"(?<![A-Za-z0-9_]){pattern}(?![A-Za-z0-9_])"
    return re.compile(pattern, re.IGNORECASE)


def _spaced(surface: str) -> bool:
    """A long ASCII word may be written with spaces inside it in the text."""
    return surface.isascii() and len(surface) >= 6 and surface.isalpha()


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


def choose_hits(result: SearchResult, k: int) -> list[tuple[int, float]]:
    """(pid, score) to show, best first: the best passage of each of the best articles (scored as its
    article, in the articles' order), then, when fewer articles than ``k`` match, their next best
    passages. The first is always the best article's answering passage: article scores and passage
    scores are not on one scale, so they are never sorted together."""
    chosen = [(d.best_passage, d.score) for d in result.docs[:k]]
    if len(chosen) < k:
        rest = sorted((p for d in result.docs for p in d.passages[1:]), key=lambda p: -p[1])
        for pid, score in rest[: k - len(chosen)]:
            chosen.append((pid, min(score, chosen[-1][1])))  # shown scores stay in the order shown
    return chosen


def make_hits(index: SearchIndex, picks: list[tuple[int, float]], terms: list[str]) -> list[Hit]:
    hits = []
    for rank, (pid, score) in enumerate(picks, 1):
        p = index.passage(pid)
        hits.append(Hit(rank, score, p.title, p.section, p.source, p.path, p.text, p.doc_id, p.chapter,
                        index.docs[int(index.passage_doc[pid])].kubernetes, functools.partial(index.surfaces, pid),
                        tuple(terms)))
    return hits
