"""Evaluation: measure answer quality on a question set, the way a learner reads an answer.

A question set is YAML with three lists:

- ``in_scope``: ``{q, expect: [article id or path, ...], kind, section?, facts?}``. ``section`` is a
  substring of the heading that answers the question (the last part of the hit's section path) in the
  first expected article; ``facts`` are the facts a correct answer states, each a list of accepted
  variants (a command, flag, value or term).
- ``out_of_scope``: ``{q, kind}`` questions about other things entirely; they must be declined.
- ``near_miss``: ``{q, kind, topic}`` Kubernetes-adjacent questions the guide does not cover; the
  answer must be declined or marked "mention", never answered as covered.

Article figures (Recall@k, MRR) come from the article ranking, whether or not the question was then
declined. Answer figures come from ``Assistant.ask`` as a user gets it: section R@1 (the first passage
is the answering section), fact in 要点, fact in the first passage, in-scope answered (coverage "full").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

IN_SCOPE, OUT_OF_SCOPE, NEAR_MISS = "in_scope", "out_of_scope", "near_miss"


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[str, ...]  # empty for out-of-scope and near-miss questions
    kind: str = ""
    section: str = ""  # substring of the answering section's heading in expect[0]
    facts: tuple[tuple[str, ...], ...] = ()  # every fact needs one of its variants in the answer
    group: str = IN_SCOPE  # in_scope, out_of_scope or near_miss
    topic: str = ""  # for near-miss questions: what the guide does not cover


@dataclass
class Miss:
    """An in-scope question that missed one of the figures, and what the learner saw instead."""

    question: str
    expected: tuple[str, ...]
    got: str  # the article that came first instead
    rank: int | None  # rank of the first acceptable article, None when not in the list
    declined: bool
    failed: tuple[str, ...] = ()  # which figures it missed: article, section, summary, passage, answered
    section: str = ""  # the expected section label
    shown_section: str = ""  # the first hit's section
    shown_summary: str = ""  # the first 要点 line
    missing_facts: tuple[str, ...] = ()  # the first variant of each fact not found in the 要点


@dataclass
class Report:
    in_scope: int = 0
    out_of_scope: int = 0
    near_miss: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mrr: float = 0.0
    answered: float = 0.0
    declined: float = 0.0  # out-of-scope questions not answered as covered
    near_miss_declined: float = 0.0  # near-miss questions declined or marked "mention"
    near_miss_mention: float = 0.0  # of them, the share marked "mention"
    section_r1: float = 0.0
    fact_summary: float = 0.0
    fact_passage: float = 0.0
    with_section: int = 0
    with_facts: int = 0
    per_article: dict[str, dict[str, float]] = field(default_factory=dict)
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    wrongly_answered: list[tuple[str, str]] = field(default_factory=list)  # out-of-scope answered: (q, article)
    near_miss_answered: list[tuple[str, str]] = field(default_factory=list)  # near-miss answered: (q, section)
    wrongly_declined: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "in_scope": self.in_scope, "out_of_scope": self.out_of_scope, "near_miss": self.near_miss,
            "recall": {f"@{k}": round(v, 4) for k, v in self.recall.items()}, "mrr": round(self.mrr, 4),
            "section_r1": round(self.section_r1, 4), "fact_in_summary": round(self.fact_summary, 4),
            "fact_in_first_passage": round(self.fact_passage, 4),
            "with_section": self.with_section, "with_facts": self.with_facts,
            "answered": round(self.answered, 4), "declined": round(self.declined, 4),
            "near_miss_declined_or_mention": round(self.near_miss_declined, 4),
            "near_miss_mention": round(self.near_miss_mention, 4),
            "per_article": self.per_article, "per_kind": self.per_kind,
            "misses": [asdict(m) for m in self.misses],
            "wrongly_answered": [{"q": q, "answered_with": a} for q, a in self.wrongly_answered],
            "near_miss_answered": [{"q": q, "answered_with": a} for q, a in self.near_miss_answered],
            "wrongly_declined": self.wrongly_declined,
        }


def normalize(text: str) -> str:
    """Text as facts are compared: NFKC, lower case, no whitespace, no Markdown emphasis or code marks."""
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+|\*\*|`", "", text)


def states(text: str, facts: tuple[tuple[str, ...], ...]) -> list[str]:
    """The facts (by their first variant) that the text does not state; empty when it states them all."""
    plain = normalize(text)
    return [fact[0] for fact in facts if not any(normalize(v) in plain for v in fact)]


def _facts(item: dict) -> tuple[tuple[str, ...], ...]:
    raw = item.get("facts") or []
    if not isinstance(raw, list):
        raise ValueError(f"facts はリストにしてください: {item}")
    out = []
    for fact in raw:
        variants = fact if isinstance(fact, list) else [fact]
        if not variants or not all(isinstance(v, (str, int, float)) for v in variants):
            raise ValueError(f"facts の各要素は文字列のリストにしてください: {item}")
        out.append(tuple(str(v) for v in variants))
    return tuple(out)


def load_question_set(path: Path) -> list[Question]:
    """Read a question set. Raises ValueError when its shape is wrong."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"YAML として読めません: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("in_scope・out_of_scope・near_miss を持つ YAML にしてください")
    out: list[Question] = []
    for item in data.get(IN_SCOPE) or []:
        if not isinstance(item, dict):
            raise ValueError(f"q と expect が必要です: {item}")
        expect = item.get("expect") or []
        if not item.get("q") or not expect:
            raise ValueError(f"q と expect が必要です: {item}")
        out.append(Question(str(item["q"]), tuple(str(e) for e in expect), str(item.get("kind", "")),
                            str(item.get("section") or ""), _facts(item)))
    for group in (OUT_OF_SCOPE, NEAR_MISS):
        for item in data.get(group) or []:
            text = item.get("q") if isinstance(item, dict) else item
            if not text:
                raise ValueError(f"q が必要です: {item}")
            meta = item if isinstance(item, dict) else {}
            out.append(Question(str(text), (), str(meta.get("kind", "")), group=group,
                                topic=str(meta.get("topic", ""))))
    return out


def _matches(doc, expected: tuple[str, ...]) -> bool:
    return doc.doc_id in expected or doc.path in expected


def _doc_matches(hit, expected: tuple[str, ...]) -> bool:
    return hit.doc_id in expected[:1] or hit.path in expected[:1]


def _last_heading(section: str) -> str:
    from .chunking import SECTION_SEPARATOR
    return section.split(SECTION_SEPARATOR)[-1] if section else ""


def evaluate(assistant, questions: list[Question], depth: int = 5, ks: tuple[int, ...] = (1, 3, 5)) -> Report:
    """Ask every question as a user would, and compute the article and answer figures."""
    report = Report()
    hits_at = defaultdict(int)
    reciprocal = 0.0
    answered = declined = nm_declined = nm_mention = 0
    section_hits = summary_hits = passage_hits = 0
    article = defaultdict(lambda: defaultdict(float))
    kind_stats = defaultdict(lambda: defaultdict(float))
    for question in questions:
        answer = assistant.ask(question.text)
        covered = answer.coverage == "full"
        if question.group in (OUT_OF_SCOPE, NEAR_MISS):  # must not be answered as covered
            near = question.group == NEAR_MISS
            if near:
                report.near_miss += 1
            else:
                report.out_of_scope += 1
            if covered:
                shown = answer.hits[0].heading_path if answer.hits else ""
                (report.near_miss_answered if near else report.wrongly_answered).append((question.text, shown))
            elif near:
                nm_declined += 1
                nm_mention += answer.coverage == "mention"
            else:
                declined += 1
            continue
        report.in_scope += 1
        docs, _covered, _coverage = assistant.rank_documents(question.text, depth=max(depth, max(ks)))
        rank = next((i for i, d in enumerate(docs, 1) if _matches(d, question.expect)), None)
        for k in ks:
            if rank is not None and rank <= k:
                hits_at[k] += 1
        reciprocal += 1.0 / rank if rank else 0.0
        failed: list[str] = []
        if rank != 1:
            failed.append("article")
        if covered:
            answered += 1
        else:
            failed.append("answered")
            report.wrongly_declined.append(question.text)
        first = answer.hits[0] if answer.hits else None
        summary = "\n".join(s.text for s in answer.summary)
        stats = article[question.expect[0]]
        kinds = kind_stats[question.kind or "-"]
        for bucket in (stats, kinds):
            bucket["n"] += 1
            bucket["r1"] += rank == 1
            bucket["r3"] += rank is not None and rank <= 3
        missing: list[str] = []
        if question.section:
            report.with_section += 1
            ok = first is not None and _doc_matches(first, question.expect) \
                and normalize(question.section) in normalize(_last_heading(first.section) or first.title)
            section_hits += ok
            for bucket in (stats, kinds):
                bucket["sn"] += 1
                bucket["sec"] += ok
            if not ok:
                failed.append("section")
        if question.facts:
            report.with_facts += 1
            missing = states(summary, question.facts)
            in_passage = first is not None and not states(first.text, question.facts)
            summary_hits += not missing
            passage_hits += in_passage
            for bucket in (stats, kinds):
                bucket["fn"] += 1
                bucket["fs"] += not missing
                bucket["fp"] += in_passage
            if missing:
                failed.append("summary")
            if not in_passage:
                failed.append("passage")
        if failed:
            got = f"{docs[0].doc_id}（{docs[0].title}）" if docs else "（なし）"
            report.misses.append(Miss(question.text, question.expect, got, rank, not covered, tuple(failed),
                                      question.section, first.section if first else "",
                                      answer.summary[0].text if answer.summary else "", tuple(missing)))
    n = max(report.in_scope, 1)
    report.recall = {k: hits_at[k] / n for k in ks}
    report.mrr = reciprocal / n
    report.answered = answered / n
    report.declined = declined / report.out_of_scope if report.out_of_scope else 1.0
    report.near_miss_declined = nm_declined / report.near_miss if report.near_miss else 1.0
    report.near_miss_mention = nm_mention / report.near_miss if report.near_miss else 0.0
    report.section_r1 = section_hits / report.with_section if report.with_section else 0.0
    report.fact_summary = summary_hits / report.with_facts if report.with_facts else 0.0
    report.fact_passage = passage_hits / report.with_facts if report.with_facts else 0.0
    report.per_article = {a: _table_row(s) for a, s in sorted(article.items())}
    report.per_kind = {k: _table_row(s) for k, s in sorted(kind_stats.items())}
    return report


def _table_row(s: dict[str, float]) -> dict[str, float]:
    row = {"n": int(s["n"]), "recall@1": round(s["r1"] / s["n"], 3), "recall@3": round(s["r3"] / s["n"], 3)}
    if s["sn"]:
        row["section@1"] = round(s["sec"] / s["sn"], 3)
    if s["fn"]:
        row["fact_summary"] = round(s["fs"] / s["fn"], 3)
        row["fact_passage"] = round(s["fp"] / s["fn"], 3)
    return row


def _cell(row: dict[str, float], key: str) -> str:
    return f"{row[key]:>6.2f}" if key in row else f"{'-':>6}"


_FAILED_LABELS = {"article": "記事", "section": "節", "summary": "要点", "passage": "第1段落", "answered": "回答"}


def format_report(report: Report) -> str:
    """The report as text for a terminal."""
    lines = [f"質問数: 範囲内 {report.in_scope}（節つき {report.with_section}・事実つき {report.with_facts}）"
             f" / 範囲外 {report.out_of_scope} / 扱っていない近い話題 {report.near_miss}", ""]
    lines.append("記事 " + "  ".join(f"Recall@{k}: {v:.3f}" for k, v in report.recall.items())
                 + f"  MRR: {report.mrr:.3f}")
    lines.append(f"節 Recall@1: {report.section_r1:.3f}  要点に事実: {report.fact_summary:.3f}"
                 f"  第1段落に事実: {report.fact_passage:.3f}")
    lines.append(f"範囲内で回答した割合: {report.answered:.3f}  範囲外で断った割合: {report.declined:.3f}"
                 f"  近い話題で断った・「触れている箇所」にした割合: {report.near_miss_declined:.3f}"
                 f"（うち触れている箇所 {report.near_miss_mention:.3f}）")
    for title, table in (("記事", report.per_article), ("種類", report.per_kind)):
        lines.append("")
        lines.append(f"{title:<26} {'問数':>4} {'R@1':>6} {'R@3':>6} {'節@1':>6} {'要点':>6} {'段落':>6}")
        for name, s in table.items():
            lines.append(f"{name:<28} {s['n']:>4} {s['recall@1']:>6.2f} {s['recall@3']:>6.2f} "
                         f"{_cell(s, 'section@1')} {_cell(s, 'fact_summary')} {_cell(s, 'fact_passage')}")
    if report.misses:
        lines.append("")
        lines.append(f"外した質問 ({len(report.misses)}):")
        for m in report.misses:
            where = f"{m.rank}位" if m.rank else "圏外"
            lines.append(f"  ・{m.question}  [{'・'.join(_FAILED_LABELS[f] for f in m.failed)}]")
            if "article" in m.failed:
                declined = "（断った）" if m.declined else ""
                lines.append(f"      期待 {', '.join(m.expected)} は{where}、1位は {m.got}{declined}")
            if "section" in m.failed or "passage" in m.failed:
                lines.append(f"      節: 期待「{m.section}」 表示「{m.shown_section}」")
            if "summary" in m.failed:
                lines.append(f"      要点に無い: {', '.join(m.missing_facts)}  要点1行目「{m.shown_summary[:80]}」")
    if report.wrongly_declined:
        lines.append("")
        lines.append(f"断ってしまった範囲内の質問 ({len(report.wrongly_declined)}): "
                     + " / ".join(report.wrongly_declined))
    if report.wrongly_answered:
        lines.append("")
        lines.append(f"答えてしまった範囲外の質問 ({len(report.wrongly_answered)}):")
        lines.extend(f"  ・{q} → {a}" for q, a in report.wrongly_answered)
    if report.near_miss_answered:
        lines.append("")
        lines.append(f"扱っていないのに答えてしまった近い話題 ({len(report.near_miss_answered)}):")
        lines.extend(f"  ・{q} → {a}" for q, a in report.near_miss_answered)
    return "\n".join(lines)
