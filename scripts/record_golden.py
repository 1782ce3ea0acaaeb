"""Record the golden answers: `ask --json -` output for a fixed question set over the guide.

Usage: python scripts/record_golden.py

tests/test_golden.py checks that the assistant still gives these answers byte for byte, so that an
optimization can never change an answer unnoticed. Re-record only in a commit that changes answer
quality on purpose, and say so in that commit's message.

The questions are a fixed sample of tests/data/questions.yaml (every 5th in-scope question and every
3rd out-of-scope one); the golden file keeps each question inside its own JSON line, so later edits
to questions.yaml do not change what is checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = REPO / "tests" / "data" / "questions.yaml"
GOLDEN = REPO / "tests" / "data" / "golden_answers.jsonl"
IN_SCOPE_STEP = 5
OUT_OF_SCOPE_STEP = 3


def sample_questions(path: Path = QUESTIONS) -> list[str]:
    """The fixed sample: every IN_SCOPE_STEP-th in-scope and every OUT_OF_SCOPE_STEP-th out-of-scope question."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    inside = [str(item["q"]) for item in data["in_scope"]][::IN_SCOPE_STEP]
    outside = [str(item["q"]) for item in data["out_of_scope"]][::OUT_OF_SCOPE_STEP]
    return inside + outside


def ask_batch(questions: list[str], cache_dir: str) -> bytes:
    """`ask --json -` over the questions in a fresh process; its standard output as bytes."""
    env = {**os.environ, "K8S_ASSISTANT_CACHE_DIR": cache_dir}
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "--json", "-"], cwd=REPO, env=env,
                          input="".join(q + "\n" for q in questions).encode("utf-8"), capture_output=True,
                          timeout=300)
    if proc.returncode not in (0, 1):
        sys.exit(f"ask failed with exit code {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')}")
    return proc.stdout


def main() -> None:
    questions = sample_questions()
    with tempfile.TemporaryDirectory(prefix="k8s-golden-") as cache:
        out = ask_batch(questions, cache)
    if len(out.splitlines()) != len(questions):
        sys.exit(f"expected {len(questions)} answers, got {len(out.splitlines())}")
    GOLDEN.write_bytes(out)
    print(f"wrote {len(questions)} answers to {GOLDEN.relative_to(REPO)}")


if __name__ == "__main__":
    main()
