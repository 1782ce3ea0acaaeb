"""Index build: the fast analysis path and the worker processes give the same index as the plain path."""

from __future__ import annotations

from assistant.analyzer import Analyzer, load_synonyms
from assistant.corpus import default_corpus_path, load_corpus
from assistant.chunking import chunk_documents
from assistant.index import passage_fields


def _guide_texts() -> list[str]:
    corpus = load_corpus([default_corpus_path()], None)
    return [text for doc in corpus.documents for p in chunk_documents([doc])
            for text in passage_fields(p, doc.description)]


def test_fast_analysis_equals_the_morpheme_path_on_the_guide():
    synonyms, _ = load_synonyms([default_corpus_path() / "synonyms.yaml"])
    analyzer = Analyzer(synonyms)
    texts = _guide_texts() + ["svcって何", "kubectl get po -n kube-system", "ｋｕｂｅｃｔｌ　ｇｅｔ　ｐｏ", "", "\x00 \t"]
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
