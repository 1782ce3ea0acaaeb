"""Golden answers: an optimization never changes an answer.

`ask --json -` over a fixed question set must print exactly tests/data/golden_answers.jsonl, once on
a cold cache (index built in memory) and once from the cache it saved (memory-mapped arrays).
Re-record with scripts/record_golden.py only in a commit that changes answer quality on purpose.
"""

from __future__ import annotations

import json

import pytest

from conftest import DATA, run_cli

GOLDEN = DATA / "golden_answers.jsonl"


def _golden_lines() -> list[bytes]:
    return GOLDEN.read_bytes().splitlines()


def test_golden_file_holds_a_real_question_set():
    lines = _golden_lines()
    answers = [json.loads(line) for line in lines]
    assert len(answers) >= 50
    assert any(a["answered"] for a in answers) and any(not a["answered"] for a in answers)


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_answers_are_byte_identical_to_the_golden_file(cache, tmp_path):
    lines = _golden_lines()
    questions = "".join(json.loads(line)["query"] + "\n" for line in lines).encode("utf-8")
    env = {"K8S_ASSISTANT_CACHE_DIR": str(tmp_path / "cache")}
    if cache == "warm":
        run_cli("ask", "--json", "Podとは", env=env)  # builds and saves the index; the batch loads it
    proc = run_cli("ask", "--json", "-", stdin=questions, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    got = proc.stdout.encode("utf-8").splitlines()
    assert len(got) == len(lines)
    for expected, actual in zip(lines, got):
        assert actual == expected, f"answer changed for {json.loads(expected)['query']!r}"
