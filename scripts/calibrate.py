"""Fit the "covered or not" model of assistant/search.py on a question set.

Usage: python scripts/calibrate.py [tests/data/questions.yaml] [--holdout tests/data/questions_holdout.yaml]

Prints the weights to paste into DECLINE_WEIGHTS / DECLINE_BIAS, and the share of in-scope
questions answered and out-of-scope questions declined with them, on the fitting set and the
held-out set. Out-of-scope questions weigh five times: a wrong article shown with confidence is worse
than a question the user has to rephrase.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.engine import Assistant  # noqa: E402
from assistant.evaluation import load_question_set  # noqa: E402
from assistant.search import DECLINE_BIAS, DECLINE_WEIGHTS, search  # noqa: E402

OUT_WEIGHT = 5.0
L2 = 0.01


def features(assistant: Assistant, path: Path) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for question in load_question_set(path):
        terms = assistant.analyze_question(question.text)
        if not terms:
            continue
        result = search(assistant.index, terms)
        rows.append(result.features)
        labels.append(1.0 if question.expect else 0.0)
    return np.asarray(rows), np.asarray(labels)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weighted, L2-regularized logistic regression by gradient descent (bias last)."""
    z = np.c_[x, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    sample = np.where(y == 0, OUT_WEIGHT, 1.0)
    for _ in range(20000):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ ((p - y) * sample) / len(y) + L2 * np.r_[w[:-1], 0])
    return w


def rates(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    answered = (1 / (1 + np.exp(-np.c_[x, np.ones(len(x))] @ w))) >= 0.5
    return float(answered[y == 1].mean()), float((~answered[y == 0]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=Path("tests/data/questions.yaml"))
    parser.add_argument("--holdout", type=Path, default=Path("tests/data/questions_holdout.yaml"))
    args = parser.parse_args()
    assistant = Assistant.open()
    x, y = features(assistant, args.file)
    w = fit(x, y)
    print(f"DECLINE_WEIGHTS = ({w[0]:.2f}, {w[1]:.2f}, {w[2]:.2f})")
    print(f"DECLINE_BIAS = {w[3]:.2f}")
    print("fit set: answered %.3f, declined %.3f" % rates(w, x, y))
    current = np.asarray([*DECLINE_WEIGHTS, DECLINE_BIAS])
    print("current constants, fit set: answered %.3f, declined %.3f" % rates(current, x, y))
    if args.holdout.exists():
        xh, yh = features(assistant, args.holdout)
        print("held-out set: answered %.3f, declined %.3f" % rates(w, xh, yh))
        print("current constants, held-out set: answered %.3f, declined %.3f" % rates(current, xh, yh))


if __name__ == "__main__":
    main()
