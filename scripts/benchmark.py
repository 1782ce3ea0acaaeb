"""Speed and memory of the assistant against its peers, side by side in one run (medians).

Usage: python scripts/benchmark.py [--docs ../shared/corpora/k8s-docs-ja] [--runs 7] [--skip-10x] [--skip-chat]
                                  [--only-end-to-end | --only-start]

Prints every row of issue 14's target table, each with the peer measured in the same run:

  scoring per question      ImpactIndex.get_scores  vs bm25s (method="lucene", same k1, b and weighted
                            terms) at 4k and 42k passages; also checks our scores equal rank-bm25's
  end to end per question   `ask --json -` batch of 500 questions, (batch - one-question batch) / 499,
                            docs corpus and a 10x copy of it (about 42k passages)
  cold build                `ask --corpus docs` on an empty cache, whole process, vs a process that
                            tokenizes the same files with plain single-threaded Sudachi
  analyzer per character    Analyzer.analyze vs Tokenizer.tokenize over the same passage texts
  warm ask                  `ask` on the default corpus vs the floor (python + numpy + Sudachi dictionary),
                            with the package's bytecode compiled first (as pip install leaves it)
  peak RSS, warm ask, 10x   vs the floor's peak RSS
  chat app                  Enter to rendered answer (headless app)

Subprocess figures alternate ours and the peer's runs and take medians; CPU seconds (user + system,
children included) are printed beside wall time because the machine is shared. The spread (min–max)
says how noisy a row was. bm25s is optional (`pip install -e ".[bench]"`): its rows are skipped with
a note when it is missing. Nothing here asserts: the figures are for people.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FLOOR = "import numpy; from sudachipy import Dictionary; Dictionary().tokenizer().tokenize('テスト')"
PLAIN_SUDACHI = """
import sys
from pathlib import Path
from sudachipy import Dictionary, SplitMode
sys.path.insert(0, sys.argv[2])
from assistant.analyzer import split_for_sudachi
tokenizer = Dictionary().tokenizer(mode=SplitMode.C)
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    for piece in split_for_sudachi(path.read_text(encoding="utf-8")):
        tokenizer.tokenize(piece)
"""
QUESTION = "Podとコンテナの違いは？"
DOCS_QUESTION = "定期的にバッチ処理を実行したい"
BASE_URL = "https://kubernetes.io/ja/docs/"
BATCH = 500


@dataclass
class Row:
    measure: str
    ours: str
    peer: str
    ratio: float | None
    target: str
    note: str = ""

    def met(self) -> str:
        if self.ratio is None or not self.target.startswith("<="):
            return ""
        limit = float(self.target.split()[1].rstrip("x×ms"))
        return "yes" if self.ratio <= limit else "NO"


ROWS: list[Row] = []


def report(row: Row) -> None:
    ROWS.append(row)
    ratio = f"x{row.ratio:.2f}" if row.ratio is not None and "ms" not in row.target else (
        f"{row.ratio:.3f} ms" if row.ratio is not None else "-")
    print(f"  {row.measure:<50} {row.ours:<26} {row.peer:<36} {ratio:>9}  {row.target:<9} {row.met():<3} {row.note}",
          flush=True)


def _command() -> list[str]:
    script = Path(sys.executable).parent / "k8s-assistant"
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


RUNNER = r"""
import json, os, subprocess, sys, time
argv, stdin = json.loads(sys.argv[1]), sys.stdin.buffer.read() if sys.argv[2] == "1" else None
started = time.perf_counter()
proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if stdin is not None:
    proc.stdin.write(stdin)
    proc.stdin.close()
_, _status, usage = os.wait4(proc.pid, 0)
print(json.dumps([time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss]))
"""


def _run(argv: list[str], env: dict[str, str], stdin: bytes | None = None) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system, with children) and peak RSS (KB) of one process.

    Started from a small runner process: a child forked from this (large) benchmark process would
    count this process's memory in its own peak RSS."""
    import json
    out = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(argv), "1" if stdin is not None else "0"],
                         input=stdin, capture_output=True, env=env, check=True).stdout
    wall, cpu, rss = json.loads(out)
    return wall, cpu, rss


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _spread(values: list[float], scale: float = 1000, unit: str = "ms") -> str:
    return f"{min(values) * scale:.0f}–{max(values) * scale:.0f} {unit}"


def alternate(a: list[str], b: list[str], runs: int, env_a: dict[str, str], env_b: dict[str, str],
              before_a=None) -> tuple[list[tuple[float, float, int]], list[tuple[float, float, int]]]:
    """Run two commands in turn ``runs`` times; their (wall, cpu, rss) figures."""
    out_a, out_b = [], []
    for _ in range(runs):
        if before_a:
            before_a()
        out_a.append(_run(a, env_a))
        out_b.append(_run(b, env_b))
    return out_a, out_b


# --- rows ------------------------------------------------------------------------------------------

def warm_ask(label: str, extra: list[str], question: str, runs: int, env: dict[str, str],
             rss_row: bool = False) -> None:
    """Warm `ask` against the floor: wall time (and CPU), and with ``rss_row`` peak memory."""
    ask = [*_command(), "ask", question, *extra]
    subprocess.run(ask, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # warm the cache
    ours, floor = alternate(ask, [sys.executable, "-c", FLOOR], runs, env, env)
    tw, fw = _median([r[0] for r in ours]), _median([r[0] for r in floor])
    tc, fc = _median([r[1] for r in ours]), _median([r[1] for r in floor])
    tm, fm = _median([r[2] for r in ours]), _median([r[2] for r in floor])
    if not rss_row:
        report(Row(f"warm ask, {label}", f"{tw * 1000:.0f} ms (cpu {tc * 1000:.0f})",
                   f"floor {fw * 1000:.0f} ms (cpu {fc * 1000:.0f})", tw / fw, "<= 1.2x",
                   f"cpu x{tc / fc:.2f}; wall ours {_spread([r[0] for r in ours])},"
                   f" floor {_spread([r[0] for r in floor])}"))
    report(Row(f"peak RSS, warm ask, {label}", f"{tm / 1024:.0f} MB", f"floor {fm / 1024:.0f} MB", tm / fm,
               "<= 2.0x" if rss_row else "-", ""))


def _bm25s():
    try:
        import bm25s
        return bm25s
    except ImportError:
        return None


def scoring(label: str, corpus_terms: list[list[str]], queries: list[list[str]], rounds: int = 5) -> None:
    """Our scorer against bm25s over the same weighted terms; checks exact equality with rank-bm25."""
    import numpy as np

    from assistant.bm25 import B, K1, build_impact_index, make_reference

    ours = build_impact_index(corpus_terms)
    reference = make_reference(corpus_terms)
    queries = [q for q in queries if q]
    same = sum(bool(np.array_equal(reference.get_scores(q), ours.get_scores(q))) for q in queries[:20])
    equal = f"rank-bm25 equal {same}/{min(20, len(queries))}"
    bm25s = _bm25s()
    peer = None
    if bm25s is not None:
        peer = bm25s.BM25(method="lucene", k1=K1, b=B)
        peer.index(corpus_terms, show_progress=False)
    t_ours, t_peer = [], []
    for _ in range(rounds):  # alternate per question: both see the same machine load
        for q in queries:
            t = time.perf_counter()
            ours.get_scores(q)
            t_ours.append(time.perf_counter() - t)
            if peer is not None:
                t = time.perf_counter()
                peer.get_scores(q)
                t_peer.append(time.perf_counter() - t)
    mo = _median(t_ours) * 1000
    if peer is None:
        report(Row(f"scoring per question, {label}", f"{mo:.4f} ms", "bm25s not installed", None, "<= 1.0x",
                   f"{equal}; pip install -e '.[bench]' for the peer"))
        return
    mp = _median(t_peer) * 1000
    report(Row(f"scoring per question, {label}", f"{mo:.4f} ms", f"bm25s {mp:.4f} ms", mo / mp, "<= 1.0x", equal))


def synthetic_terms(base: list[list[str]], factor: int) -> list[list[str]]:
    """A corpus ``factor`` times the docs: every passage's terms, mixed with the terms of another."""
    rng = random.Random(7)
    synth: list[list[str]] = []
    for copy in range(factor):
        for terms in base:
            other = base[rng.randrange(len(base))]
            mixed = terms[: len(terms) // 2] + other[len(other) // 2:]
            if copy:
                mixed = mixed + [f"syn{copy}_{rng.randrange(5000)}" for _ in range(3)]
            synth.append(mixed)
    return synth


def end_to_end(label: str, extra: list[str], questions: list[str], runs: int, env: dict[str, str],
               target: str) -> None:
    """Per question in an `ask --json -` batch: (batch of 500 - batch of 1) / 499, medians."""
    batch = [questions[i % len(questions)] for i in range(BATCH)]
    one = [*_command(), "ask", "--json", "-", *extra]
    subprocess.run([*_command(), "ask", "--json", questions[0], *extra], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)  # warm the cache
    big_input = "".join(q + "\n" for q in batch).encode("utf-8")
    small_input = (questions[0] + "\n").encode("utf-8")
    per: list[float] = []
    for _ in range(runs):
        full = _run(one, env, big_input)[0]
        single = _run(one, env, small_input)[0]
        per.append((full - single) / (BATCH - 1))
    m = _median(per) * 1000
    report(Row(f"end to end per question, {label}", f"{m:.3f} ms", "(absolute target)", m, target,
               f"range {_spread(per, 1e6, 'µs')}"))


def cold_build(docs: Path, runs: int, env: dict[str, str]) -> None:
    """A cold `ask --corpus docs` (empty cache) against plain Sudachi over the same files, both whole processes."""
    cache = Path(env["K8S_ASSISTANT_CACHE_DIR"]) / "cold"
    ask = [*_command(), "ask", "--corpus", str(docs), "--base-url", BASE_URL, DOCS_QUESTION]
    plain = [sys.executable, "-c", PLAIN_SUDACHI, str(docs), str(REPO)]
    cold_env = {**env, "K8S_ASSISTANT_CACHE_DIR": str(cache)}
    ours, peer = alternate(ask, plain, runs, cold_env, env, before_a=lambda: shutil.rmtree(cache, ignore_errors=True))
    ow, pw = _median([r[0] for r in ours]), _median([r[0] for r in peer])
    oc, pc = _median([r[1] for r in ours]), _median([r[1] for r in peer])
    report(Row("cold build, docs corpus, whole process", f"{ow:.2f} s (cpu {oc:.2f})",
               f"plain Sudachi {pw:.2f} s (cpu {pc:.2f})", ow / pw, "<= 0.8x",
               f"{os.cpu_count()} cores; wall ours {_spread([r[0] for r in ours])}, plain {_spread([r[0] for r in peer])}"))


def analyzer_per_char(texts: list[str], rounds: int = 3, group: int = 40) -> None:
    """Analyzer.analyze against plain Tokenizer.tokenize over the same texts.

    The texts are cut into groups of ``group``; each group is timed raw then ours, back to back, so
    both see the same machine load; the row gives the median of the per-group ratios."""
    from sudachipy import Dictionary, SplitMode

    from assistant.analyzer import Analyzer, load_synonyms, split_for_sudachi
    from assistant.corpus import SYNONYM_FILE_NAMES, default_corpus_path

    synonyms, _ = load_synonyms([default_corpus_path() / SYNONYM_FILE_NAMES[0]])
    analyzer = Analyzer(synonyms)
    tokenizer = Dictionary().tokenizer(mode=SplitMode.C)
    analyzer.analyze("テスト")
    chars = sum(map(len, texts))
    groups = [texts[i:i + group] for i in range(0, len(texts), group)]
    t_ours, t_raw, ratios = 0.0, 0.0, []
    for _ in range(rounds):
        for batch in groups:
            t = time.perf_counter()
            for text in batch:
                for piece in split_for_sudachi(text):
                    tokenizer.tokenize(piece)
            raw = time.perf_counter() - t
            t = time.perf_counter()
            for text in batch:
                analyzer.analyze(text)
            ours = time.perf_counter() - t
            t_ours, t_raw = t_ours + ours, t_raw + raw
            ratios.append(ours / raw)
    ratios.sort()
    q1, q3 = ratios[len(ratios) // 4], ratios[3 * len(ratios) // 4]
    report(Row("analyzer per character", f"{t_ours / rounds / chars * 1e9:.0f} ns/char",
               f"raw Sudachi {t_raw / rounds / chars * 1e9:.0f} ns/char", _median(ratios), "<= 1.3x",
               f"median of {len(ratios)} back-to-back groups (quartiles x{q1:.2f}–x{q3:.2f}); {chars:,} characters"))


def make_tenfold(docs: Path, folder: Path) -> Path:
    """Ten copies of the docs corpus in one folder (about 42k passages); made here, never committed."""
    for i in range(10):
        shutil.copytree(docs, folder / f"copy{i}")
    return folder


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
    """Enter to rendered answer in the headless app (also launch to usable input)."""
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
    answer = _median([r[2] for r in results])
    report(Row("chat app, Enter to answer drawn, default corpus", f"{answer * 1000:.0f} ms", "(absolute target)",
               answer * 1000, "<= 100 ms", f"launch to usable input {_median([r[0] for r in results]) * 1000:.0f} ms;"
               f" {runs} launches, warm cache"))


def compile_bytecode() -> None:
    """Compile the package's bytecode, as ``pip install`` does, so that every run does not recompile it.

    Where PYTHONDONTWRITEBYTECODE is set (as on the shared machines), Python never writes the cache
    itself and each `ask` would compile our modules from source (about 35 ms), while numpy and
    Sudachi, installed by pip, already have theirs: the floor and `ask` would not be compared alike."""
    import compileall

    import assistant
    compileall.compile_dir(str(Path(assistant.__file__).parent), quiet=1)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("  (PYTHONDONTWRITEBYTECODE is set: the assistant's bytecode was compiled once, as pip install does)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO.parent / "shared" / "corpora" / "k8s-docs-ja")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-10x", action="store_true", help="skip the rows that need the 10x corpus on disk")
    parser.add_argument("--skip-chat", action="store_true")
    parser.add_argument("--only-end-to-end", action="store_true",
                        help="only the per-question rows of `ask --json -` (docs and 10x docs corpus)")
    parser.add_argument("--only-start", action="store_true",
                        help="only the two start-up rows: warm `ask` and the cold build of the docs (--runs each)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="k8s-bench-"))
    cache = work / "cache"
    env = {**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(cache)}
    os.environ["K8S_ASSISTANT_CACHE_DIR"] = str(cache)
    has_docs = args.docs.is_dir()
    docs_args = ["--corpus", str(args.docs), "--base-url", BASE_URL]
    started = time.perf_counter()
    print(f"  {'measure':<50} {'ours':<26} {'peer (same run)':<36} {'ratio':>9}  {'target':<9} met note")
    compile_bytecode()
    try:
        if not args.only_end_to_end:
            warm_ask("default corpus", [], QUESTION, args.runs * 2, env)
        if args.only_start:
            if has_docs:
                cold_build(args.docs, args.runs, env)
        elif not has_docs:
            print(f"  (the docs corpus is not at {args.docs}: its rows are skipped)")
        else:
            from assistant.engine import Assistant
            from assistant.evaluation import load_question_set
            from assistant.index import corpus_terms_for
            from assistant.prepare import passage_fields

            docs = Assistant.open([args.docs], base_url=BASE_URL, cache_dir=cache)
            questions = [q.text for q in load_question_set(REPO / "tests/data/docs_questions.yaml")]
            analyzed = [docs.analyze_question(q) for q in questions]
            terms = corpus_terms_for(docs.index, docs.analyzer)
            if not args.only_end_to_end:
                scoring(f"{len(terms):,} passages", terms, analyzed)
                big = synthetic_terms(terms, 10)
                scoring(f"{len(big):,} passages (10x synthetic)", big, analyzed)
                del big
            end_to_end("docs corpus", docs_args, questions, args.runs, env, "<= 1.0 ms")
            if not args.only_end_to_end:
                texts = list(dict.fromkeys(t for pid in range(docs.index.n_passages) for t in passage_fields(
                    docs.index.passage(pid), docs.index.docs[int(docs.index.passage_doc[pid])].description)))
                analyzer_per_char(texts)
                cold_build(args.docs, max(3, args.runs // 2), env)
            if not args.skip_10x:
                tenfold = make_tenfold(args.docs, work / "tenfold")
                ten_args = ["--corpus", str(tenfold), "--base-url", BASE_URL]
                t = time.perf_counter()
                subprocess.run([*_command(), "index", *ten_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
                print(f"  (10x corpus: {sum(1 for _ in tenfold.rglob('*.md'))} files, index built in"
                      f" {time.perf_counter() - t:.1f} s)")
                end_to_end("10x docs corpus", ten_args, questions, max(3, args.runs // 2), env, "<= 3.0 ms")
                if not args.only_end_to_end:
                    warm_ask("10x docs corpus", ten_args, DOCS_QUESTION, args.runs, env, rss_row=True)
        if not args.skip_chat and not args.only_end_to_end and not args.only_start:
            chat_app(max(3, args.runs // 2), env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    missed = [r.measure for r in ROWS if r.met() == "NO"]
    print(f"(benchmark took {time.perf_counter() - started:.0f} s; targets missed: {', '.join(missed) or 'none'})")


if __name__ == "__main__":
    main()
