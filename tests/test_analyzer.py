"""Analyze: the same terms for the spellings a learner uses; particles gone; long input safe."""

from __future__ import annotations


import pytest

from assistant.analyzer import Analyzer, load_synonyms, split_for_sudachi
from assistant.corpus import default_corpus_path


@pytest.fixture(scope="module")
def plain() -> Analyzer:
    return Analyzer()


@pytest.fixture(scope="module")
def domain() -> Analyzer:
    return Analyzer(load_synonyms([default_corpus_path() / "synonyms.yaml"])[0])


@pytest.mark.parametrize("a, b", [("サーバ", "サーバー"), ("Pod", "ポッド"), ("クラスタ", "クラスター"), ("ｺﾝﾃﾅ", "コンテナ"),
                                  ("ＰＯＤ", "pod")])
def test_sudachi_unifies_spellings(plain, a, b):
    assert plain.terms(a) == plain.terms(b)


def test_particles_auxiliaries_and_symbols_are_dropped(plain):
    terms = plain.terms("Podとコンテナの違いは何ですか？")
    assert "の" not in terms and "は" not in terms and "です" not in terms and "?" not in terms
    assert terms == ["ポッド", "コンテナ", "違い"]


def test_adverbs_are_dropped_except_those_that_carry_a_topic(plain):
    # 直接 tells 「ReplicaSetを直接作らないのはなぜ？」 from the other sections about making ReplicaSets
    terms = plain.terms("すぐにちゃんと作る")
    assert "作る" in terms and not {"直ぐ", "ちゃんと"} & set(terms)
    assert plain.terms("ReplicaSetを直接作らないのはなぜ？") == ["replicaset", "直接", "作る"]


@pytest.mark.parametrize("variants", [
    ("ns", "namespace", "Namespace", "ネームスペース", "名前空間"),
    ("svc", "Service", "サービス"),
    ("pv", "PersistentVolume", "永続ボリューム"),
    ("rs", "ReplicaSet", "レプリカセット"),
    ("deploy", "Deployment", "デプロイメント"),
    ("liveness probe", "ライブネスプローブ", "死活監視"),
    ("ノード", "node", "no"),
    ("メモリ", "メモリー"),
])
def test_synonym_file_joins_what_sudachi_keeps_apart(plain, domain, variants):
    first = domain.terms(variants[0])
    assert len(first) == 1
    assert all(domain.terms(v) == first for v in variants)


def test_without_the_synonym_file_those_spellings_differ(plain):
    assert plain.terms("ネームスペース") != plain.terms("ns")
    assert plain.terms("名前空間") != plain.terms("namespace")


def test_sixty_thousand_characters_are_analyzed(plain):
    text = "Podはコンテナをまとめる単位です。" * 4000  # about 60,000 characters, 180,000 bytes
    terms = plain.terms(text)
    assert terms.count("ポッド") == 4000


def test_long_line_without_breaks_is_split_below_sudachis_limit():
    text = "あ" * 50_000 + "😀" * 20_000
    pieces = split_for_sudachi(text)
    assert "".join(pieces) == text
    assert all(len(p.encode("utf-8")) <= 49_149 for p in pieces)


def test_bad_synonym_file_is_named_and_skipped(tmp_path):
    bad = tmp_path / "synonyms.yaml"
    bad.write_text("pod: [po\n", encoding="utf-8")
    good = tmp_path / "more.yaml"
    good.write_text("service: [svc]\n", encoding="utf-8")
    synonyms, notices = load_synonyms([bad, good])
    assert len(notices) == 1 and "synonyms.yaml" in notices[0]
    assert Analyzer(synonyms).terms("svc") == Analyzer().terms("service")


def test_analyzer_is_safe_across_threads(domain):
    from concurrent.futures import ThreadPoolExecutor
    text = "ネームスペースごとにリソースを分けます。" * 50
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(domain.terms, [text] * 16))
    assert all(r == results[0] for r in results)


def test_concept_phrases_point_to_their_concept(domain):
    from assistant.analyzer import load_concepts
    concepts, notices = load_concepts([default_corpus_path() / "concepts.yaml"], domain)
    assert not notices
    assert domain.terms("CronJob")[0] in concepts.expand("毎晩決まった時間にバックアップを実行したい")
    assert concepts.expand("今日の天気は？") == []
    assert domain.terms("StatefulSet")[0] not in concepts.expand("dbgオプション")  # ASCII phrases are whole words


def test_english_function_words_and_stray_letters_never_become_terms(domain):
    from assistant.analyzer import question_tokens

    def terms(question: str) -> list[str]:
        return [t.term for t in question_tokens(domain.tokens(question), question)]

    assert terms("what is a pod") == terms("pod")  # "what", "is", "a" are no topic
    assert "t" not in terms("デプロイメンt")  # a typo's stray letter cannot match the -t flag
    assert {"i", "t"} <= set(terms("kubectl exec -it の意味"))  # a written flag stays, one letter each
    assert "n" in terms("kubectl get pods -n dev")
    assert "a" in terms("-A ってなんのフラグの省略？")  # a written flag, though "a" is also an English word
    assert "get" not in terms("how do I get into a pod")  # the English verb, not kubectl get
    assert "get" in terms("how do I read kubectl get pods output")


@pytest.mark.parametrize("name", ["synonyms.yaml", "concepts.yaml"])
def test_vocabulary_files_name_each_entry_once(name):
    # YAML keeps only the last of two equal keys: a second `Namespace:` line silently dropped the first's phrases.
    import re
    from collections import Counter

    text = (default_corpus_path() / name).read_text(encoding="utf-8")
    keys = Counter(m.group(1) for m in re.finditer(r"^([^\s#][^:\n]*):", text, re.M))
    assert not [k for k, n in keys.items() if n > 1]


def test_a_learners_framing_words_are_no_terms_of_the_question():
    """先輩, さっぱり, 具体的 say how the learner feels, not what the question is about."""
    from assistant.analyzer import Analyzer, question_tokens

    question = "先輩に言われたのですが、具体的にどの部品が動くのかさっぱりです"
    terms = [t.term for t in question_tokens(Analyzer().tokens(question), question)]
    assert "部品" in terms and not {"先輩", "具体的", "さっぱり"} & set(terms)
    question = "社内勉強会で説明することになった、入門したての自分でも腑に落ちるように一気に教えて"
    terms = [t.term for t in question_tokens(Analyzer().tokens(question), question)]
    assert "説明" in terms and not {"勉強会", "入門", "腑", "一気"} & set(terms)


def test_a_concept_phrase_is_found_with_its_particle_swapped_or_an_adverb_inside(tmp_path, domain):
    from assistant.analyzer import load_concepts
    (tmp_path / "concepts.yaml").write_text("PersistentVolumeClaim: [データを残]\nHorizontalPodAutoscaler: [アクセスが増え]\n",
                                            encoding="utf-8")
    concepts, _ = load_concepts([tmp_path / "concepts.yaml"], domain)
    assert domain.terms("PersistentVolumeClaim")[0] in concepts.expand("Podを消してもデータが残るようにしたい")
    assert domain.terms("HorizontalPodAutoscaler")[0] in concepts.expand("アクセスが急に増えたときだけ増やしたい")
    assert concepts.expand("データの残り容量") == []
