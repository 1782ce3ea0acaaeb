"""Calibrate the coverage decision of assistant/search.py on the tuning question set.

Usage: python scripts/calibrate.py [tests/data/questions.yaml] [--corpus PATH]

1. "Covered or not" (``SearchSettings.answer_weights`` / ``answer_bias``): fits a logistic model of
   in-scope questions against out-of-scope ones, over (coverage, match strength, unknown-word share).
   Out-of-scope questions weigh five times: a wrong article shown with confidence is worse than a
   question to rephrase.
2. "About it, not a passing mention" (``mention_max_passages``): prints the share of in-scope questions
   answered as "full" and of near-miss questions (Kubernetes-adjacent topics the guide only mentions)
   declined or marked "mention", for each value of the rule's threshold.

Every question goes through ``Assistant.search_question``, the same entry point as ``ask`` and ``eval``.
Prints the values to paste into ``SearchSettings`` and the rates they reach on the fitting set. Fit on
the tuning set only; held-out sets are for ``k8s-assistant eval``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.engine import Assistant  # noqa: E402
from assistant.evaluation import IN_SCOPE, NEAR_MISS, OUT_OF_SCOPE, load_question_set  # noqa: E402

OUT_WEIGHT = 5.0
L2 = 0.003


def features(assistant: Assistant, path: Path) -> tuple[list[tuple], list[str]]:
    """(answer features, group) of every question that has terms to search for."""
    rows, groups = [], []
    for question in load_question_set(path):
        _terms, _follow_up, result = assistant.search_question(question.text)
        if result is None or not result.docs:
            continue
        rows.append(result.features)
        groups.append(question.group)
    return rows, groups


def fit(x: np.ndarray, y: np.ndarray, negative_weight: float) -> np.ndarray:
    """Weighted, L2-regularized logistic regression by gradient descent (bias last)."""
    z = np.c_[x, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    sample = np.where(y == 0, negative_weight, 1.0)
    for _ in range(30000):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ ((p - y) * sample) / len(y) + L2 * np.r_[w[:-1], 0])
    return w


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.c_[x, np.ones(len(x))] @ w))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=Path("tests/data/questions.yaml"))
    parser.add_argument("--corpus", action="append", type=Path, help="corpus to fit on (default: the guide)")
    parser.add_argument("--refit-answer", action="store_true",
                        help="grade with the refitted answer model (default: the current one)")
    args = parser.parse_args()
    assistant = Assistant.open(args.corpus)
    answer_rows, groups = features(assistant, args.file)
    g = np.asarray(groups)
    x = np.asarray(answer_rows)
    keep = g != NEAR_MISS
    y = (g[keep] == IN_SCOPE).astype(float)
    w = fit(x[keep], y, OUT_WEIGHT)
    print(f"answer_weights=({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f}), answer_bias={w[3]:.2f}")
    answered = predict(w, x) >= 0.5
    print(f"  in-scope answered {answered[g == IN_SCOPE].mean():.3f}, "
          f"out-of-scope declined {(~answered[g == OUT_OF_SCOPE]).mean():.3f}")
    if args.refit_answer:
        assistant.search_settings = dataclasses.replace(
            assistant.search_settings, answer_weights=tuple(round(float(v), 2) for v in w[:3]),
            answer_bias=round(float(w[3]), 2))
    questions = [q for q in load_question_set(args.file) if q.group != OUT_OF_SCOPE]
    for most in (1, 2, 3, 5, 8):
        assistant.search_settings = dataclasses.replace(assistant.search_settings, mention_max_passages=most)
        graded = [(q.group, assistant.search_question(q.text)[2]) for q in questions]
        full = [(group, result is not None and result.covered) for group, result in graded]
        answered = np.mean([f for group, f in full if group == IN_SCOPE])
        declined = np.mean([not f for group, f in full if group == NEAR_MISS])
        print(f"mention_max_passages={most}: in-scope full {answered:.3f}, near-miss not full {declined:.3f}")

if __name__ == "__main__":
    main()
