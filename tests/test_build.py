"""Index build: the fast analysis path and the analysis children give what the plain path gives,
and the children never outlive the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import numpy as np

from assistant.analyzer import Analyzer, load_synonyms
from assistant.chunking import chunk_documents
from assistant.corpus import default_corpus_path, load_corpus
from assistant.index import BuildPlan, build_corpus_index, build_index
from assistant.pool import start_children, usable_cores
from assistant.prepare import passage_fields
from conftest import DOCS, SMALL, article, command, needs_docs, write_corpus


def _guide_texts() -> list[str]:
    corpus = load_corpus([default_corpus_path()], None)
    return [text for doc in corpus.documents for p in chunk_documents([doc])
            for text in passage_fields(p, doc.description)]


def test_fast_analysis_equals_the_morpheme_path_on_the_guide():
    synonyms, _ = load_synonyms([default_corpus_path() / "synonyms.yaml"])
    analyzer = Analyzer(synonyms)
    texts = _guide_texts() + ["svcって何", "kubectl get po -n kube-system", "ｋｕｂｅｃｔｌ　ｇｅｔ　ｐｏ",
                              "", "\x00 \t"]
    assert len(texts) > 100
    for text in texts:
        tokens = analyzer.tokens(text, parts=True)  # morpheme by morpheme, no word-id cache
        terms, surfaces = analyzer.analyze(text)
        assert terms == [t.term for t in tokens] == analyzer.terms(text)
        assert list(surfaces.items()) == list({t.surface: t.term for t in tokens if t.surface.strip()}.items())


def test_synonyms_still_join_variant_sequences():
    synonyms, _ = load_synonyms([default_corpus_path() / "synonyms.yaml"])
    terms, surfaces = Analyzer(synonyms).analyze("ネームスペースとレプリカセットとsvc")
    assert len(terms) == 3 and "svc" in surfaces
    assert surfaces["ネームスペース"] == terms[0]  # a variant of two morphemes became one term


# --- workers die with their parent ---------------------------------------------------------------


def _large_corpus(folder):
    """About 2 million characters: enough for the build to start analysis children."""
    sentence = ("Pod{i}のコンテナ{j}はノード{j}の上で動き、Service{i}が通信を振り分けます。"
                "設定{j}はConfigMapに置きます。")
    files = {}
    for i in range(200):
        sections = [f"## 見出し{i}-{j}\n\n" + "".join(sentence.format(i=i, j=j + k) for k in range(20))
                    for j in range(10)]
        files[f"a{i:03}.md"] = article(f"doc{i}", f"記事{i}", "\n\n".join(sections), order=i + 1)
    return write_corpus(folder, files)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"  # a zombie has already died
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux") or usable_cores() < 2,
                    reason="needs Linux's /proc and at least two cores (one analysis child)")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_analysis_children_die_with_their_parent(sig, tmp_path):
    corpus = _large_corpus(tmp_path / "big")
    env = {**os.environ, "K8S_ASSISTANT_CACHE_DIR": str(tmp_path / "cache")}
    parent = subprocess.Popen([*command(), "ask", "--corpus", str(corpus), "Podとは"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        children: list[int] = []
        while not children and parent.poll() is None and time.monotonic() < deadline:
            children = _children_of(parent.pid)
            time.sleep(0.02)
        assert children, "the cold build of a large corpus started no analysis child"
        time.sleep(0.3)  # let the children start analyzing
        family = children + [g for c in children for g in _children_of(c)]
        parent.send_signal(sig)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 2
        while any(map(_alive, family)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [p for p in family if _alive(p)], "analysis children outlived their parent by 2 s"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


# --- children give the same result as one process --------------------------------------------------

def _damaged_corpus(folder):
    """The small corpus plus files that cannot be read as they should, and a duplicated id."""
    root = write_corpus(folder, dict(SMALL))
    (root / "bad.md").write_text("---\ntitle: [壊\n---\n本文\n", "utf-8")
    (root / "sjis.md").write_bytes("---\ntitle: 日本語\n---\n本文です\n".encode("shift_jis"))
    (root / "bin.md").write_bytes(bytes(range(256)) * 10)
    (root / "empty.md").write_text("", "utf-8")
    (root / "twin.md").write_text(article("svc", "もう一つのService", "## 節\n\nServiceの話の続きです。"), "utf-8")
    if sys.platform.startswith("linux"):  # a file name that is not UTF-8 travels to a child and back
        (root / os.fsdecode(b"latin\xe9.md")).write_text(article("latin", "ラテン", "## 節\n\nConfigMapの話です。"), "utf-8")
    return root


def _same_index(a, b) -> None:
    """Two indexes hold the same documents, passages, analysis, scores and problems."""
    assert a.docs == b.docs and a.problems == b.problems
    assert a.n_passages == b.n_passages
    assert [a.passage(i) for i in range(a.n_passages)] == [b.passage(i) for i in range(b.n_passages)]
    assert [list(a.surfaces(i).items()) for i in range(a.n_passages)] == \
        [list(b.surfaces(i).items()) for i in range(b.n_passages)]
    assert [a.section_terms(i) for i in range(a.n_passages)] == [b.section_terms(i) for i in range(b.n_passages)]
    assert [a.own_heading(i) for i in range(a.n_passages)] == [b.own_heading(i) for i in range(b.n_passages)]
    for name in ("passage_doc", "defines", "opens", "howto"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.postings.vocab == b.postings.vocab
    for name in ("offsets", "passage_ids", "impacts", "idf"):
        assert np.array_equal(getattr(a.postings, name), getattr(b.postings, name)), name


def _analyzer() -> Analyzer:
    synonyms, _ = load_synonyms([default_corpus_path() / "synonyms.yaml"])
    return Analyzer(synonyms)


@pytest.mark.parametrize("children", [0, 2])
def test_a_parallel_build_gives_the_index_of_a_sequential_one(tmp_path, children):
    """Reading, chunking and analyzing files in children changes nothing: not the passages, the
    scores, the damaged files named (in the same order) nor the duplicate id renamed."""
    root = _damaged_corpus(tmp_path / "c")
    analyzer = _analyzer()
    plan = BuildPlan([root, default_corpus_path()])
    plan.children = start_children(children)
    if children and not plan.children:
        pytest.skip("this platform cannot start child processes")
    built, corpus = build_corpus_index(plan, None, analyzer)
    expected_corpus = load_corpus([root, default_corpus_path()])
    _same_index(built, build_index(expected_corpus, analyzer))
    assert corpus.read_digests == expected_corpus.read_digests
    assert {"bad.md", "sjis.md", "bin.md", "empty.md", "twin.md"} <= {p.path for p in corpus.problems}
    assert any(d.path.startswith("latin") for d in built.docs) or not sys.platform.startswith("linux")
    assert all(child.process.poll() is not None for child in plan.children)  # none left running


def test_a_child_that_dies_leaves_its_work_to_the_parent(tmp_path):
    analyzer = _analyzer()
    plan = BuildPlan([default_corpus_path()])
    plan.children = start_children(1)
    if not plan.children:
        pytest.skip("this platform cannot start child processes")
    plan.children[0].process.kill()
    built, _ = build_corpus_index(plan, None, analyzer)
    _same_index(built, build_index(load_corpus([default_corpus_path()]), analyzer))


@needs_docs()
def test_the_docs_corpus_builds_the_same_on_every_core():
    """The Hugo docs (glossary tooltips resolved by whichever worker converts a page) as one process does."""
    analyzer = _analyzer()
    plan = BuildPlan([DOCS])
    if not plan.children:
        pytest.skip("no analysis child was started (one core)")
    built, _ = build_corpus_index(plan, "https://kubernetes.io/ja/docs/", analyzer)
    _same_index(built, build_index(load_corpus([DOCS], "https://kubernetes.io/ja/docs/"), analyzer))
