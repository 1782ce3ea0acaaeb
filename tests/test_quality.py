"""Answer quality on the question sets: the figures must not fall below what the engine reaches.

Thresholds sit just under the current figures (``k8s-assistant eval FILE`` prints them); a change that
makes answers worse fails here. Besides the article ranking, the guide sets measure what a learner
reads: the first passage is the answering section, the 要点 and the first passage state the facts,
and topics the guide only mentions are not answered as covered. The docs sets need ../shared and
skip without it.
"""

from __future__ import annotations

import pytest

from assistant.evaluation import evaluate, load_question_set
from conftest import DATA, DOCS, needs_docs

# file: minimum figures (keys: Report attributes; recall@k as "r1", "r3")
GUIDE_SETS = {
    "questions.yaml": dict(r1=0.95, r3=0.98, answered=0.98, declined=0.91, section_r1=0.83, fact_summary=0.92,
                           fact_passage=0.95, near_miss_declined=0.98),
    "questions_holdout.yaml": dict(r1=0.95, r3=0.99, answered=0.96, declined=0.95),
    # development sets by fresh authors (tuned on after they were measured)
    "answers_dev.yaml": dict(r1=0.98, section_r1=0.87, fact_summary=0.88, fact_passage=0.93, answered=0.98,
                             near_miss_declined=0.96),
    "answers_dev2.yaml": dict(r1=0.99, section_r1=0.89, fact_summary=0.94, fact_passage=0.96, answered=0.99,
                              near_miss_declined=0.95),
    "answers_dev3.yaml": dict(r1=0.95, section_r1=0.85, fact_summary=0.86, fact_passage=0.91, answered=0.98,
                              near_miss_declined=0.93),
    "answers_dev4.yaml": dict(r1=0.93, section_r1=0.82, fact_summary=0.86, fact_passage=0.90, answered=0.97,
                              near_miss_declined=0.94),
    "answers_dev5.yaml": dict(r1=0.97, section_r1=0.86, fact_summary=0.89, fact_passage=0.92, answered=0.98,
                              near_miss_declined=0.97),
    "answers_dev6.yaml": dict(r1=0.96, section_r1=0.85, fact_summary=0.88, fact_passage=0.91, answered=0.98,
                              near_miss_declined=0.97),
    "answers_dev7.yaml": dict(r1=0.94, section_r1=0.85, fact_summary=0.87, fact_passage=0.91, answered=0.98,
                              near_miss_declined=0.95),
    "answers_dev8.yaml": dict(r1=0.97, section_r1=0.92, fact_summary=0.90, fact_passage=0.97, answered=0.97,
                              near_miss_declined=0.98),
    "answers_dev9.yaml": dict(r1=0.95, section_r1=0.87, fact_summary=0.90, fact_passage=0.93, answered=0.98,
                              near_miss_declined=0.98),
    "answers_dev10.yaml": dict(r1=0.94, section_r1=0.81, fact_summary=0.84, fact_passage=0.88, answered=0.97,
                               near_miss_declined=0.91),
    # written at the start of the twelfth round and measured only (not tuned on yet)
    "answers_dev11.yaml": dict(r1=0.94, section_r1=0.80, fact_summary=0.79, fact_passage=0.86, answered=0.94,
                               near_miss_declined=0.86),
}
# Held-out sets written by another session without seeing the engine (never tuned on). They arrive
# with their own branch: each test skips until its file is here.
HELD_OUT_SETS = {
    "answers_holdout.yaml": dict(r1=0.95, section_r1=0.81, fact_summary=0.78, fact_passage=0.87, answered=0.94),
    "near_miss_holdout.yaml": dict(near_miss_declined=0.92),
}
DOCS_SETS = {
    # file: (Recall@1, Recall@5)
    "docs_glossary_questions.yaml": (0.91, 1.0),
    "docs_questions.yaml": (0.89, 0.97),
    "docs_learner_dev6.yaml": (0.83, 0.96),
    "docs_learner_dev7.yaml": (0.88, 0.96),
    "docs_learner_dev8.yaml": (0.82, 0.98),
    "docs_learner_dev9.yaml": (0.85, 0.98),
    "docs_learner_dev10.yaml": (0.86, 0.98),
    "docs_learner_dev11.yaml": (0.77, 0.90),  # measured only, see above
    "docs_learner_holdout.yaml": (0.71, 0.86),  # held out, see above
}


def _figure(report, key: str) -> float:
    return report.recall[int(key[1:])] if key[0] == "r" and key[1:].isdigit() else getattr(report, key)


@pytest.mark.parametrize("name", GUIDE_SETS)
def test_guide_question_set(guide, name):
    report = evaluate(guide, load_question_set(DATA / name))
    assert report.in_scope >= 60 and report.out_of_scope >= 12
    low = {key: round(_figure(report, key), 3) for key, minimum in GUIDE_SETS[name].items()
           if _figure(report, key) < minimum}
    assert not low, (low, [(m.question, m.failed) for m in report.misses][:30])


@pytest.mark.parametrize("name", HELD_OUT_SETS)
def test_held_out_question_set(guide, name):
    if not (DATA / name).is_file():
        pytest.skip(f"{name} is not in tests/data yet (the held-out sets come with their own branch)")
    report = evaluate(guide, load_question_set(DATA / name))
    low = {key: round(_figure(report, key), 3) for key, minimum in HELD_OUT_SETS[name].items()
           if _figure(report, key) < minimum}
    assert not low  # figures only: the held-out questions are not printed


def test_every_covered_answer_has_a_summary(guide):
    # A section whose opening the 要点 cannot quote (a sentence over 220 characters) was answered "full"
    # with no 要点 at all; the corpus check now refuses such openings.
    questions = [q for name in GUIDE_SETS for q in load_question_set(DATA / name) if q.group == "in_scope"]
    bare = [q.text for q in questions if (a := guide.ask(q.text)).coverage == "full" and not a.summary]
    assert not bare


def test_the_tuning_set_measures_answers_not_only_articles():
    questions = load_question_set(DATA / "questions.yaml")
    in_scope = [q for q in questions if q.group == "in_scope"]
    assert sum(1 for q in in_scope if q.facts and q.section) >= 150
    assert sum(1 for q in questions if q.group == "near_miss") >= 30
    kinds = {q.kind for q in in_scope}
    assert {"english", "typo", "problem", "long", "casual", "mixed"} <= kinds


def test_every_article_is_found_first_for_most_of_its_questions(guide):
    report = evaluate(guide, load_question_set(DATA / "questions.yaml"))
    assert len(report.per_article) == 19
    weak = {a: s["recall@1"] for a, s in report.per_article.items() if s["n"] < 6 or s["recall@1"] < 0.6}
    assert not weak


@pytest.fixture(scope="module")
def docs_assistant(tmp_path_factory):
    from assistant.engine import Assistant
    return Assistant.open([DOCS], base_url="https://kubernetes.io/ja/docs/", cache_dir=tmp_path_factory.mktemp("docs"))


@needs_docs()
@pytest.mark.parametrize("name", DOCS_SETS)
def test_docs_question_set(docs_assistant, name):
    if not (DATA / name).is_file():
        pytest.skip(f"{name} is not in tests/data yet")
    r1, r5 = DOCS_SETS[name]
    report = evaluate(docs_assistant, load_question_set(DATA / name))
    assert report.in_scope >= 40
    assert report.recall[1] >= r1
    assert report.recall[5] >= r5


@needs_docs()
def test_a_docs_hit_links_to_its_sections_anchor(docs_assistant):
    answer = docs_assistant.ask("Podのログを見るには？")
    anchored = [h.source for h in answer.hits if h.source and "#" in h.source]
    assert anchored and all(s.startswith("https://kubernetes.io/ja/docs/") for s in anchored)


@needs_docs()
@pytest.mark.parametrize("question", ["Kubernetesとは何ですか？", "Kubernetesって結局なにをしてくれるものなの？",
                                      "k8sを使うメリットは？", "なぜわざわざKubernetesを使うの？",
                                      "Dockerがあるのになんでわざわざk8s使うの？",
                                      "Dockerで十分じゃない？なんでk8sを使うの？",
                                      "k8sっていらなくない？Dockerで十分でしょ",
                                      # Docker weighed against Kubernetes is no topic of its own (it drew the
                                      # dockershim pages), and a reason asked for is a why-question
                                      "Dockerだけで足りないの？k8sを使う理由を知りたい",
                                      "Dockerがあればk8sはいらないのでは"])
def test_what_is_kubernetes_reaches_the_overview_page(docs_assistant, question):
    answer = docs_assistant.ask(question)
    assert answer.hits and answer.hits[0].path == "concepts/overview/_index.md"


@needs_docs()
@pytest.mark.parametrize("question, page", [
    ("一回実行したら終わる処理をクラスターで動かしたい", "concepts/workloads/controllers/job.md"),
    ("APIキーをGitにコミットせずにアプリに渡したい", "concepts/configuration/secret.md"),
    ("Kubernetesのクラスタってどんな部品で構成されてるの？", "concepts/overview/components.md"),
    ("Serviceにつながらないんだけど何から調べれば", "tasks/debug/debug-application/debug-service.md"),
    ("コンテナをroot以外で動かしたい", "tasks/configure-pod-container/security-context.md"),
    # the concept's own page, not a tutorial that shares the words (mysql-wordpress, environment variables)
    ("データベースのパスワードをYAMLにそのまま書くのは避けたい", "concepts/configuration/secret.md"),
    ("設定値をコンテナイメージに焼き込まないで外から渡したい", "concepts/configuration/configmap.md"),
    # two concepts match (専用のディスク and ディスク): the longer phrase says what is asked for
    ("DBを動かすので、Podごとに決まった名前と専用のディスクが欲しい", "concepts/workloads/controllers/statefulset.md"),
    # the concept carries its docs page's title (永続ボリューム), not only the PVC's name
    ("DBのデータがPodの再作成で消えないようにしたい", "concepts/storage/persistent-volumes.md"),
    # 「ノードのメモリ」 alone is no node pressure: one container eating it needs a memory limit
    ("1つのコンテナがノードのメモリを食いつぶさないように上限をかけたい",
     "tasks/configure-pod-container/assign-memory-resource.md"),
    ("他のチームのPodからうちのDBに通信できないよう遮断したい", "concepts/services-networking/network-policies.md"),
    # a casual question drops the particle of the concept's phrase (「アクセスが増え」)
    ("アクセス増えたら勝手にPod増やしてほしい", "tasks/run-application/horizontal-pod-autoscale.md"),
    ("ノードにsshしないでノードの中をのぞきたい", "tasks/debug/debug-cluster/kubectl-node-debug.md"),
    # a topic the guide lacks is found over the docs, which cover it
    ("Pod名とNamespaceをアプリに環境変数で渡したい", "concepts/workloads/pods/downward-api.md"),
    ("本番と検証の複数のクラスタを切り替えて使いたい",
     "tasks/access-application-cluster/configure-access-multiple-clusters.md"),
    ("コンテナが起動直後に落ちる。なんで終了したのか理由を知りたい",
     "tasks/debug/debug-application/determine-reason-pod-failure.md"),
    # an init container that never finishes is debugged, not a Job (「終わらない」 is also a Job's phrase)
    ("initコンテナがいつまでも終わらない", "tasks/debug/debug-application/debug-init-containers.md"),
    ("ひとつの入口からパスごとに別のアプリへ振り分けたい", "concepts/services-networking/ingress.md"),
    ("別のnamespaceのPodから勝手にアクセスされないようにしたい", "concepts/services-networking/network-policies.md"),
])
def test_a_problem_reaches_the_page_of_the_concept_that_solves_it(docs_assistant, question, page):
    answer = docs_assistant.ask(question)
    assert answer.hits and answer.hits[0].path == page


@needs_docs()
def test_a_described_problem_is_answered_by_the_concept_not_by_a_tutorial_sharing_its_words(docs_assistant):
    # The MySQL and WordPress tutorial holds DB, password, manifest and Secret: it came first.
    answer = docs_assistant.ask("DBのパスワードをマニフェストに平文で書きたくない")
    assert answer.answered and answer.hits[0].path in ("concepts/configuration/secret.md",
                                                       "tasks/configmap-secret/managing-secret-using-kubectl.md")
    # A how-to question still gets a tutorial that walks through it.
    how = docs_assistant.ask("ZooKeeperのような分散システムをクラスタで動かしてみたい")
    assert how.hits[0].path == "tutorials/stateful-application/zookeeper.md"


@needs_docs()
def test_a_glossary_entry_does_not_answer_a_question_that_does_not_name_its_term(docs_assistant):
    # kube-controller-manager's one-paragraph entry says "Kubernetes" and "コンポーネント" too
    answer = docs_assistant.ask("Kubernetesはどんなコンポーネントで動いているの？")
    assert answer.hits and answer.hits[0].path == "concepts/overview/components.md"
    named = docs_assistant.ask("kube-controller-managerとは何ですか")
    assert named.hits and named.hits[0].path == "reference/glossary/kube-controller-manager.md"


@needs_docs()
def test_a_glossary_entry_gives_first_place_to_the_page_it_links_to(docs_assistant):
    # A learner comparing two terms, or asking what a term means for its phases, needs the page that
    # explains it; the two-line entry comes right after it.
    compare = docs_assistant.ask("ラベルとアノテーションって何がちがうの")
    assert [h.path for h in compare.hits[:2]] == ["concepts/overview/working-with-objects/annotations.md",
                                                   "reference/glossary/annotation.md"]
    assert compare.answered and compare.summary
    phases = docs_assistant.ask("Podのフェーズ（PendingとかSucceededとか）の意味を知りたい")
    assert phases.hits[0].path == "concepts/workloads/pods/pod-lifecycle.md"  # (the entry says full-link)
    # Whether the docs cover a term is judged as before: 「ラベルとは何ですか」 stays answered.
    label = docs_assistant.ask("ラベルとは何ですか")
    assert label.coverage == "full" and label.hits[0].path == "concepts/overview/working-with-objects/labels.md"


@needs_docs()
def test_a_glossary_entry_keeps_first_place_when_the_linked_page_would_show_only_code(docs_assistant):
    # The persistent-volumes page's best passage for PVC is a YAML block: the entry's definition answers.
    answer = docs_assistant.ask("pvcってなに")
    assert answer.hits[0].path == "reference/glossary/persistent-volume-claim.md"
    assert "ストレージリソースを要求" in answer.summary[0].text


@needs_docs()
def test_a_why_question_reaches_the_concept_page_named_after_its_subject(docs_assistant):
    answer = docs_assistant.ask("なんでNamespaceで分けるの？")
    assert answer.hits and answer.hits[0].path == "concepts/overview/working-with-objects/namespaces.md"
