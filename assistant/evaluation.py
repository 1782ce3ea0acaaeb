"""Evaluation: measure retrieval quality on a question set.

A question set is YAML: ``in_scope`` items ``{q, expect: [article id or path, ...], kind}`` and
``out_of_scope`` items ``{q, kind}`` that must be declined. Ranking figures (Recall@k, MRR) are over
articles, whether or not the question was then declined; declining is measured separately.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Question:
    text: str
    expect: tuple[str, ...]  # empty for out-of-scope
    kind: str = ""


@dataclass
class Miss:
    question: str
    expected: tuple[str, ...]
    got: str  # what came first instead
    rank: int | None  # rank of the first acceptable article, None when not in the list
    declined: bool


@dataclass
class Report:
    in_scope: int = 0
    out_of_scope: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mrr: float = 0.0
    answered: float = 0.0
    declined: float = 0.0
    per_article: dict[str, dict[str, float]] = field(default_factory=dict)
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    wrongly_answered: list[tuple[str, str]] = field(default_factory=list)  # out-of-scope answered: (q, article)
    wrongly_declined: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "in_scope": self.in_scope, "out_of_scope": self.out_of_scope,
            "recall": {f"@{k}": round(v, 4) for k, v in self.recall.items()}, "mrr": round(self.mrr, 4),
            "answered": round(self.answered, 4), "declined": round(self.declined, 4),
            "per_article": self.per_article, "per_kind": self.per_kind,
            "misses": [m.__dict__ for m in self.misses],
            "wrongly_answered": [{"q": q, "answered_with": a} for q, a in self.wrongly_answered],
            "wrongly_declined": self.wrongly_declined,
        }


def load_question_set(path: Path) -> list[Question]:
    """Read a question set. Raises ValueError when its shape is wrong."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"YAML として読めません: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("in_scope と out_of_scope を持つ YAML にしてください")
    out: list[Question] = []
    for item in data.get("in_scope") or []:
        expect = item.get("expect") or []
        if not item.get("q") or not expect:
            raise ValueError(f"q と expect が必要です: {item}")
        out.append(Question(str(item["q"]), tuple(str(e) for e in expect), str(item.get("kind", ""))))
    for item in data.get("out_of_scope") or []:
        text = item.get("q") if isinstance(item, dict) else item
        out.append(Question(str(text), (), str(item.get("kind", "")) if isinstance(item, dict) else ""))
    return out


def _matches(doc, expected: tuple[str, ...]) -> bool:
    return doc.doc_id in expected or doc.path in expected


def evaluate(assistant, questions: list[Question], depth: int = 5, ks: tuple[int, ...] = (1, 3, 5)) -> Report:
    """Ask every question and compute the figures."""
    report = Report()
    hits_at = defaultdict(int)
    reciprocal = 0.0
    answered = declined = 0
    article = defaultdict(lambda: {"n": 0, "r1": 0.0, "r3": 0.0})
    kind_stats = defaultdict(lambda: {"n": 0, "r1": 0.0})
    for question in questions:
        docs, covered, _coverage = assistant.rank_documents(question.text, depth=max(depth, max(ks)))
        if not question.expect:
            report.out_of_scope += 1
            if covered:
                report.wrongly_answered.append((question.text, docs[0].title if docs else ""))
            else:
                declined += 1
            continue
        report.in_scope += 1
        rank = next((i for i, d in enumerate(docs, 1) if _matches(d, question.expect)), None)
        for k in ks:
            if rank is not None and rank <= k:
                hits_at[k] += 1
        reciprocal += 1.0 / rank if rank else 0.0
        if covered:
            answered += 1
        else:
            report.wrongly_declined.append(question.text)
        stats = article[question.expect[0]]
        stats["n"] += 1
        stats["r1"] += rank == 1
        stats["r3"] += rank is not None and rank <= 3
        kind_stats[question.kind or "-"]["n"] += 1
        kind_stats[question.kind or "-"]["r1"] += rank == 1
        if rank != 1:
            got = f"{docs[0].doc_id}（{docs[0].title}）" if docs else "（なし）"
            report.misses.append(Miss(question.text, question.expect, got, rank, not covered))
    n = max(report.in_scope, 1)
    report.recall = {k: hits_at[k] / n for k in ks}
    report.mrr = reciprocal / n
    report.answered = answered / n
    report.declined = declined / max(report.out_of_scope, 1) if report.out_of_scope else 1.0
    report.per_article = {a: {"n": s["n"], "recall@1": round(s["r1"] / s["n"], 3), "recall@3": round(s["r3"] / s["n"], 3)}
                          for a, s in sorted(article.items())}
    report.per_kind = {k: {"n": s["n"], "recall@1": round(s["r1"] / s["n"], 3)} for k, s in sorted(kind_stats.items())}
    return report


def format_report(report: Report) -> str:
    """The report as text for a terminal."""
    lines = [f"質問数: 範囲内 {report.in_scope} / 範囲外 {report.out_of_scope}", ""]
    lines.append("  ".join(f"Recall@{k}: {v:.3f}" for k, v in report.recall.items()) + f"  MRR: {report.mrr:.3f}")
    lines.append(f"範囲内で回答した割合: {report.answered:.3f}  範囲外で断った割合: {report.declined:.3f}")
    lines.append("")
    lines.append(f"{'記事':<28} {'問数':>4} {'R@1':>6} {'R@3':>6}")
    for name, s in report.per_article.items():
        lines.append(f"{name:<28} {s['n']:>4} {s['recall@1']:>6.2f} {s['recall@3']:>6.2f}")
    lines.append("")
    lines.append("種類別 Recall@1: " + "  ".join(f"{k} {v['recall@1']:.2f}({v['n']})" for k, v in report.per_kind.items()))
    if report.misses:
        lines.append("")
        lines.append(f"1位を外した質問 ({len(report.misses)}):")
        for m in report.misses:
            where = f"{m.rank}位" if m.rank else "圏外"
            lines.append(f"  ・{m.question} → 期待 {', '.join(m.expected)} は{where}、1位は {m.got}"
                         + ("（断った）" if m.declined else ""))
    if report.wrongly_declined:
        lines.append("")
        lines.append(f"断ってしまった範囲内の質問 ({len(report.wrongly_declined)}): " + " / ".join(report.wrongly_declined))
    if report.wrongly_answered:
        lines.append("")
        lines.append(f"答えてしまった範囲外の質問 ({len(report.wrongly_answered)}):")
        lines.extend(f"  ・{q} → {a}" for q, a in report.wrongly_answered)
    return "\n".join(lines)
