"""Speed and memory of the assistant, as ratios measured side by side in one run (medians).

Usage: python scripts/benchmark.py [--docs ../shared/corpora/k8s-docs-ja] [--runs 11] [--skip-synthetic]

Prints, for the default corpus and the docs corpus (skipped when absent):
  1. warm `k8s-assistant ask` against the floor (a Python process that imports numpy and loads the
     Sudachi core dictionary), alternating runs; wall time and peak RSS;
  2. per question inside one process: analysis and scoring separately, against rank-bm25's own
     get_scores over the same index (and checks that both rank identically), also on a synthetic
     corpus ten times the docs (made here, never written to the repository);
  3. cold index build of the docs corpus against plain single-threaded Sudachi tokenization of the
     same text;
  4. the chat app: launch to usable input, and Enter to rendered answer.
Nothing here asserts: the figures are for people (the machines are shared and noisy).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FLOOR = "import numpy; from sudachipy import Dictionary; Dictionary().tokenizer().tokenize('テスト')"
QUESTION = "Podとコンテナの違いは？"
DOCS_QUESTION = "定期的にバッチ処理を実行したい"


def _command() -> list[str]:
    script = Path(sys.executable).parent / "k8s-assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, _status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss


def _median(values: list[float]) -> float:
    return statistics.median(values)


def warm_ask(label: str, extra: list[str], question: str, runs: int, env: dict[str, str]) -> None:
    ask = [*_command(), "ask", question, *extra]
    subprocess.run(ask, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # warm the cache
    floor = [sys.executable, "-c", FLOOR]
    t_floor, t_ask, m_floor, m_ask = [], [], [], []
    for _ in range(runs):
        t, m = _run(floor, env)
        t_floor.append(t)
        m_floor.append(m)
        t, m = _run(ask, env)
        t_ask.append(t)
        m_ask.append(m)
    tf, ta = _median(t_floor), _median(t_ask)
    mf, ma = _median(m_floor), _median(m_ask)
    print(f"  {label:<14} floor {tf * 1000:6.0f} ms {mf / 1024:6.0f} MB | ask {ta * 1000:6.0f} ms {ma / 1024:6.0f} MB"
          f" | time x{ta / tf:.2f}  memory x{ma / mf:.2f}")


def _questions(path: Path) -> list[str]:
    from assistant.evaluation import load_question_set
    return [q.text for q in load_question_set(path)] if path.exists() else [QUESTION]


def per_question(label: str, assistant, questions: list[str], check_reference: bool = True,
                 corpus_terms: list[list[str]] | None = None) -> None:
    """Median analysis and scoring time per question, and rank-bm25 as the reference."""
    import numpy as np

    from assistant.bm25 import make_reference
    from assistant.index import corpus_terms_for
    from assistant.search import search

    analyzed = []
    t_analyze = []
    for q in questions:
        t = time.perf_counter()
        analyzed.append(assistant.analyze_question(q))
        t_analyze.append(time.perf_counter() - t)
    t_score, t_search = [], []
    for terms in analyzed:
        t = time.perf_counter()
        assistant.index.scorer.get_scores(terms)
        t_score.append(time.perf_counter() - t)
        t = time.perf_counter()
        search(assistant.index, terms)
        t_search.append(time.perf_counter() - t)
    line = (f"  {label:<14} {assistant.index.n_passages:>6} passages | analysis {_median(t_analyze) * 1000:.3f} ms"
            f" | scoring {_median(t_score) * 1000:.3f} ms | search+rerank {_median(t_search) * 1000:.3f} ms")
    if check_reference:
        terms_all = corpus_terms or corpus_terms_for(assistant.index, assistant.analyzer)
        reference = make_reference(terms_all)
        t_ref, same = [], 0
        for terms in analyzed[:40]:
            t = time.perf_counter()
            expected = reference.get_scores(terms)
            t_ref.append(time.perf_counter() - t)
            got = assistant.index.scorer.get_scores(terms)
            same += bool(np.array_equal(expected, got))
        line += f" | rank-bm25 get_scores {_median(t_ref) * 1000:.3f} ms (x{_median(t_ref) / _median(t_score):.0f} slower), identical scores {same}/{len(t_ref)}"
    print(line)


def synthetic(assistant, factor: int, questions: list[str]) -> None:
    """A corpus ``factor`` times the docs: every passage's terms, reshuffled with terms of others."""
    import numpy as np

    from assistant.bm25 import build_impact_index, make_reference
    from assistant.index import corpus_terms_for

    rng = random.Random(7)
    base = corpus_terms_for(assistant.index, assistant.analyzer)
    synth: list[list[str]] = []
    for copy in range(factor):
        for terms in base:
            other = base[rng.randrange(len(base))]
            mixed = terms[: len(terms) // 2] + other[len(other) // 2:]
            if copy:
                mixed = mixed + [f"syn{copy}_{rng.randrange(5000)}" for _ in range(3)]
            synth.append(mixed)
    started = time.perf_counter()
    fast = build_impact_index(synth)
    built = time.perf_counter() - started
    reference = make_reference(synth)
    analyzed = [assistant.analyze_question(q) for q in questions]
    t_fast, t_ref, same = [], [], 0
    for terms in analyzed:
        t = time.perf_counter()
        fast.get_scores(terms)
        t_fast.append(time.perf_counter() - t)
    for terms in analyzed[:20]:
        t = time.perf_counter()
        expected = reference.get_scores(terms)
        t_ref.append(time.perf_counter() - t)
        same += bool(np.array_equal(expected, fast.get_scores(terms)))
    print(f"  {'synthetic':<14} {len(synth):>6} passages | scoring {_median(t_fast) * 1000:.3f} ms"
          f" | rank-bm25 get_scores {_median(t_ref) * 1000:.1f} ms (x{_median(t_ref) / _median(t_fast):.0f} slower),"
          f" identical scores {same}/{len(t_ref)} | impact index built in {built:.1f} s")


def cold_build(docs: Path) -> None:
    """Cold build of the docs index against plain single-threaded Sudachi over the same text."""
    from sudachipy import Dictionary, SplitMode

    from assistant.engine import Assistant

    texts = [p.read_text(encoding="utf-8") for p in sorted(docs.rglob("*.md"))]
    tokenizer = Dictionary().tokenizer(mode=SplitMode.C)
    from assistant.analyzer import split_for_sudachi
    started = time.perf_counter()
    for text in texts:
        for piece in split_for_sudachi(text):
            tokenizer.tokenize(piece)
    plain = time.perf_counter() - started
    started = time.perf_counter()
    Assistant.open([docs], base_url="https://kubernetes.io/ja/docs/", use_cache=False)
    build = time.perf_counter() - started
    print(f"  docs corpus: plain Sudachi {plain:.2f} s | cold build {build:.2f} s | x{build / plain:.2f}"
          f" ({os.cpu_count()} cores)")


CHAT_CHILD = r"""
import asyncio, json, os, sys, time
started = float(os.environ["BENCH_STARTED"])
from assistant.tui.app import AssistantApp
from textual.widgets import Input

async def main():
    app = AssistantApp(history_path=None, open_url=lambda url: None, clipboard=lambda text: None)
    async with app.run_test(size=(120, 40)) as pilot:
        while "input_ready" not in app.timings:
            await asyncio.sleep(0.002)
        usable = time.time() - started
        while "loaded" not in app.timings:
            await asyncio.sleep(0.005)
        loaded = time.time() - started
        app.query_one(Input).value = sys.argv[1]
        await pilot.press("enter")
        while "answer" not in app.timings:
            await asyncio.sleep(0.002)
        await pilot.pause()
        print(json.dumps([usable, loaded, app.timings["answer"]]))

asyncio.run(main())
"""


def chat_app(runs: int, env: dict[str, str]) -> None:
    """Process launch to usable input, to loaded index, and Enter to rendered answer (headless app)."""
    import json
    results = []
    for _ in range(runs):
        child_env = {**env, "BENCH_STARTED": repr(time.time())}
        proc = subprocess.run([sys.executable, "-c", CHAT_CHILD, QUESTION], capture_output=True, text=True,
                              env=child_env, timeout=120)
        if proc.returncode != 0:
            print("  chat app failed:", proc.stderr.strip().splitlines()[-1:])
            return
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    print(f"  launch to usable input {_median([r[0] for r in results]) * 1000:.0f} ms"
          f" | index ready {_median([r[1] for r in results]) * 1000:.0f} ms"
          f" | Enter to rendered answer {_median([r[2] for r in results]) * 1000:.0f} ms ({runs} launches, warm cache)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO.parent / "shared" / "corpora" / "k8s-docs-ja")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--skip-synthetic", action="store_true")
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="k8s-bench-"))
    env = {**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(cache)}
    os.environ["K8S_ASSISTANT_CACHE_DIR"] = str(cache)
    has_docs = args.docs.is_dir()
    docs_args = ["--corpus", str(args.docs), "--base-url", "https://kubernetes.io/ja/docs/"]
    started = time.perf_counter()

    print("1. warm `k8s-assistant ask` against the floor (medians of alternating runs)")
    warm_ask("default corpus", [], QUESTION, args.runs, env)
    if has_docs:
        warm_ask("docs corpus", docs_args, DOCS_QUESTION, args.runs, env)

    from assistant.engine import Assistant
    print("2. per question in one process (medians)")
    guide = Assistant.open(cache_dir=cache)
    per_question("default corpus", guide, _questions(REPO / "tests/data/questions.yaml"))
    if has_docs:
        docs = Assistant.open([args.docs], base_url="https://kubernetes.io/ja/docs/", cache_dir=cache)
        questions = _questions(REPO / "tests/data/docs_questions.yaml")
        per_question("docs corpus", docs, questions)
        if not args.skip_synthetic:
            synthetic(docs, 10, questions)
        print("3. cold index build")
        cold_build(args.docs)
    print("4. chat app")
    chat_app(max(3, args.runs // 2), env)
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
