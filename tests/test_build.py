"""Index build: the fast analysis path and the analysis children give what the plain path gives,
and the children never outlive the process that started them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from assistant.analyzer import Analyzer, load_synonyms, synonyms_to_json
from assistant.chunking import chunk_documents
from assistant.corpus import default_corpus_path, load_corpus
from assistant.index import passage_fields
from assistant.pool import analyze_texts, start_children, usable_cores
from conftest import article, command, write_corpus


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


# --- analysis children give the same result as one process ------------------------------------------

def _texts_and_analyzer():
    synonyms, _ = load_synonyms([default_corpus_path() / "synonyms.yaml"])
    return _guide_texts(), Analyzer(synonyms)


def test_children_analyze_exactly_as_the_parent_does():
    texts, analyzer = _texts_and_analyzer()
    children = start_children(2)
    if not children:
        pytest.skip("this platform cannot start child processes")
    hello = (synonyms_to_json(analyzer.synonyms), analyzer.synonyms.digest)
    got = analyze_texts(texts, analyzer.analyze, children, hello)
    assert [(terms, list(s.items())) for terms, s in got] == \
        [(terms, list(s.items())) for terms, s in map(analyzer.analyze, texts)]
    assert all(child.process.poll() is not None for child in children)  # none left running


def test_a_child_that_dies_leaves_its_work_to_the_parent():
    texts, analyzer = _texts_and_analyzer()
    children = start_children(1)
    if not children:
        pytest.skip("this platform cannot start child processes")
    children[0].process.kill()
    hello = (synonyms_to_json(analyzer.synonyms), analyzer.synonyms.digest)
    got = analyze_texts(texts, analyzer.analyze, children, hello)
    assert [terms for terms, _ in got] == [analyzer.analyze(t)[0] for t in texts]
