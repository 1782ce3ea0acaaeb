"""Answers: the defining passage for "what is", an extractive 要点, highlights, follow-up questions."""

from __future__ import annotations

import re

import pytest

from assistant.answer import Conversation, command_line, highlight_markdown, matching_words, sentences


def test_what_is_question_gets_the_defining_passage(guide):
    for question, section in [("svcとは", "Serviceとは何ですか？"), ("Podって何", "Podとは何ですか？"),
                              ("ネームスペースの意味", "Namespaceとは何ですか？")]:
        assert guide.ask(question).hits[0].section == section


def test_summary_quotes_sentences_of_the_shown_passages_with_their_numbers(guide):
    answer = guide.ask("Podとコンテナの違いは？")
    assert 1 <= len(answer.summary) <= 3
    plain = {h.rank: re.sub(r"\*\*|`", "", h.text) for h in answer.hits}
    for line in answer.summary:
        assert line.text in plain[line.source_number]  # quoted, never written
        assert "記事" not in line.text  # a pointer to another article is not an answer
    assert "違い" in answer.summary[0].text


def test_highlights_are_the_question_words_as_written_in_the_passage(guide):
    hit = guide.ask("ネームスペースの作り方").hits[0]
    assert any(h in ("Namespace", "ネームスペース", "名前空間") for h in hit.highlights)
    assert all(h in hit.text for h in hit.highlights)


def test_highlight_markdown_leaves_code_alone():
    text = "Podは単位です。\n\n```yaml\nkind: Pod\n```\n\n`Pod` と Pod"
    out = highlight_markdown(text, ("Pod",))
    assert out.startswith("**Pod**は") and "kind: Pod\n" in out and "`Pod`" in out and out.endswith("**Pod**")


def test_follow_up_questions_continue_the_previous_topic(guide):
    conversation = Conversation()
    first = guide.ask("Deploymentとは", conversation=conversation)
    assert first.hits[0].doc_id == "deployment" and not first.follow_up
    follow = guide.ask("そのロールバック方法は？", conversation=conversation)
    assert follow.follow_up and follow.answered
    assert follow.hits[0].doc_id == "deployment" and "ロールバック" in follow.hits[0].section
    again = guide.ask("それのコマンドは？", conversation=conversation)
    assert again.hits[0].doc_id == "deployment"  # the topic stays Deployment, not "rollback + command"


def test_one_shot_has_no_context_and_a_bare_generic_question_is_declined(guide):
    answer = guide.ask("コマンドは？")
    assert not answer.answered and "対象" in answer.message


def test_an_uncovered_question_drops_the_topic(guide):
    conversation = Conversation()
    guide.ask("Serviceのタイプは？", conversation=conversation)
    guide.ask("今日の東京の天気は？", conversation=conversation)
    assert not guide.ask("それのコマンドは？", conversation=conversation).follow_up


def test_not_covered_answer_suggests_the_closest_topics(guide):
    answer = guide.ask("Terraformのstateの管理方法")
    assert not answer.answered and answer.hits == ()
    assert "ガイドでは扱われていない" in answer.message
    assert 1 <= len(answer.suggestions) <= 3 and all(s.title for s in answer.suggestions)


def test_concept_words_help_ranking_but_not_the_decision_to_answer(guide):
    # "パスワード" points to Secret, which the guide barely covers: the question stays declined.
    assert not guide.ask("Wi-Fiのパスワードを忘れた").answered


def test_the_passage_shown_first_answers_the_question_it_was_chosen_for(guide):
    # "何ですか" in a comparison is not a definition question; a code block keeps its explanation.
    first = guide.ask("Podとコンテナの違いは何ですか？").hits[0]
    assert first.doc_id == "pod-vs-container" and "違" in first.section
    enter = guide.ask("コンテナに入るには？")
    assert "コンテナに入るには" in enter.hits[0].section
    assert enter.summary and "kubectl exec" in enter.summary[0].text


def test_question_intent_is_read_from_the_wording():
    from assistant.answer import asks_definition, asks_task
    assert asks_definition("svcとは") and asks_definition("Podって何？") and asks_definition("ネームスペースの意味")
    assert not asks_definition("Podとコンテナの違いは何ですか？")  # a comparison
    # a number asked for, a why, a "pointless": none asks what something is
    assert not any(asks_definition(q) for q in ("namespaceの名前って何文字まで付けられる？", "etcdは何台必要？",
                                                 "これってなんで動かないの", "4台にしても意味ないって言われた"))
    assert not asks_definition("kube-proxyのモードって何種類あるの？")  # a count of kinds
    assert asks_task("定期的にバッチ処理を実行したい") and asks_task("コンテナに入るには？") and asks_task("ロールバックの方法")
    assert not asks_task("Serviceのタイプは？")


def test_what_is_x_names_its_x_before_the_question_words(guide):
    from assistant.answer import defined_phrase
    assert defined_phrase("kubectl get の -L オプションって何") == "-L オプション"
    assert defined_phrase("kubectl get pods の READY が 1/2 って出てるのはどういう意味？") == "READY が 1/2"
    assert defined_phrase("cpu: 500m はどういう意味？") == ""  # X is all the question names
    # so the passage defining kubectl get does not answer what its READY column means
    answer = guide.ask("kubectl get pods の READY が 1/2 って出てるのはどういう意味？")
    assert "READY" in answer.hits[0].section and "準備ができたコンテナ数" in answer.hits[0].text


def test_casual_why_and_what_for_questions_ask_for_an_overview():
    from assistant.answer import asks_overview
    for question in ("k8sを導入すると運用の何が楽になるの？", "コンテナオーケストレーションって結局なんなの？",
                     "なんでDockerだけじゃ足りないの", "Podって何ができるの"):
        assert asks_overview(question), question
    assert not asks_overview("Podのログを見るには？") and not asks_overview("Deploymentをロールバックしたい")
    from assistant.answer import asks_definition
    assert asks_overview("Namespaceって何のために分けるの？") and not asks_definition("Namespaceって何のために分けるの？")
    assert not asks_overview("コンテナが何度も再起動してるけど理由がわからない")  # a symptom, not "why use it"


def test_highlighting_leaves_text_that_is_already_bold_alone():
    text = "Podとコンテナの違いは、**コンテナが実行単位である**という点です。コンテナ"
    out = highlight_markdown(text, ("コンテナ",))
    assert out == "Podと**コンテナ**の違いは、**コンテナが実行単位である**という点です。**コンテナ**"
    assert out.count("**") % 2 == 0


# --- answers a learner can trust (issue 10) ------------------------------------------------------

def _summary(answer) -> str:
    return re.sub(r"\s+", "", "".join(line.text for line in answer.summary)).lower()


@pytest.mark.parametrize("question, fact", [
    ("Podのログを見るには？", "kubectllogs"),
    ("Deploymentでロールバックするには？", "kubectlrolloutundo"),
    ("Namespaceを作るコマンドは？", "kubectlcreatenamespace"),
    ("今のNamespaceを切り替えたい", "kubectlconfigset-context"),
    ("コンテナをrootユーザーで動かさないようにするには？", "runasnonroot"),
    ("cpu: 500m はどういう意味？", "0.5"),
    # a problem's remedy after a code block is quoted even though it repeats no word of the question
    ("Pod が Pending のままで Insufficient cpu って出る", "requestsを見直す"),
    # 「表のとおり、4台は…」 is quoted without its pointer to the table
    ("etcdを4台にしたら3台より強くなる？", "4台は3台と耐障害性が変わりません"),
    # a flag the question writes (-A) is a word of it, though "a" is also English
    ("-A ってなんのフラグの省略？", "--all-namespaces"),
    # a sentence opening with a connective (ただし) stands alone without it
    ("Fargateだと使えないものってあるの？", "daemonset"),
    # the remedy that goes on from the quoted sentence (「その場合は…」)
    ("runAsNonRoot: trueを付けたら公式のnginxイメージが起動しなくなった", "nginx-unprivileged"),
    # the command whose comment holds the question's words, when no sentence does
    ("Running以外のPodだけを一覧に出したい", "status.phase!=running"),
    # a command written over several lines is quoted whole
    ("既存のDeploymentのrequestsとlimitsをコマンド一発で変えたい", "--limits=cpu=500m"),
    # the table row labelled with the detail asked for, even in place of a long opening
    ("HorizontalPodAutoscalerをkubectl getするときの短い名前", "hpa"),
    # for a problem, what to do after the error shown in a code block (「この場合は requests を見直すか…」)
    ("Podが「0/3 nodes are available: 3 Insufficient cpu」でPendingのまま", "requestsを見直す"),
    # a 。 inside parentheses ends no sentence, and a step opening with 次に stands alone without it
    ("kubeadm initしたあと、ワーカーをクラスタに参加させるコマンドは？", "kubeadmjoin"),
    # 「上の例のように maxSurge: 1、maxUnavailable: 0 にすると…」 is quoted without its pointer to the example
    ("更新のたびにPodが減ってサービスが不安定、常に4つ動いてる状態のまま入れ替えたい", "maxunavailable:0にすると"),
    # asking for the command is a how-to; prose naming only the command's first words gets the full line
    ("GKEでクラスタ作るコマンド", "gcloudcontainerclusterscreate-auto"),
    # デフォルト is the guide's 既定値: the timing table, not the manifest example
    ("periodSecondsのデフォルトって何秒？", "periodseconds（10）"),
    # answers the guide gave only in a later sentence or list item, now in the sentence that is quoted
    ("securityContextはPodとコンテナのどちらに書けばよいのでしょうか？", "コンテナ側が優先"),
    ("ServiceのtargetPortを省略したらどのポートに転送される？", "portと同じ値"),
    ("k logs deploy/webってそのDeploymentの全部のPodのログが出る？", "1つのpod"),
    ("リミットれんじでns内のコンテナに既定のrequestsを入れたい", "defaultrequest"),
    # basics a learner asks that the guide now answers in sections of their own
    ("Podにラベルを後から付けたい", "kubectllabelpod"),
    ("kubectl applyとcreateの違い", "alreadyexists"),
])
def test_the_summary_states_the_fact_the_question_asks_for(guide, question, fact):
    answer = guide.ask(question)
    assert answer.coverage == "full" and fact in _summary(answer)


def test_a_caption_announcing_an_example_is_not_quoted(guide):
    # 「次のマニフェストは、app: web というラベルの付いた Pod に通信を届ける Service の例です。」 says nothing alone
    answer = guide.ask("ServiceのtargetPortを省略したらどのポートに転送される？")
    assert answer.summary and not any(line.text.endswith("の例です。") for line in answer.summary)


def test_the_summary_comes_from_the_first_passage_and_quotes_whole_sentences(guide):
    dependent = ("これ", "それ", "その", "この", "また", "ただし", "一方")
    for question in ("Serviceにはどんな種類がありますか？", "Podとは何ですか？", "ReplicaSetを直接作らないのはなぜ？",
                     "liveness probeとreadiness probeの違いは？", "Podのログを見るには？"):
        answer = guide.ask(question)
        assert answer.summary, question
        texts = [line.text for line in answer.summary]
        assert all(line.source_number == 1 for line in answer.summary), question  # 要点 and first passage agree
        assert not any(t.startswith(dependent) for t in texts), texts
        assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("question", ["kubectl run と docker run の違いは？", "difference between docker run and kubectl run"])
def test_kubectl_run_written_as_a_command_still_means_kubectl_run(guide, question):
    answer = guide.ask(question)
    assert answer.hits[0].doc_id == "pod-vs-container" and "docker run" in answer.hits[0].section


def test_service_types_are_answered_from_the_service_article(guide):
    answer = guide.ask("Serviceにはどんな種類がありますか？")
    assert answer.hits[0].doc_id == "service" and "種類" in answer.hits[0].section
    assert all(word in _summary(answer) for word in ("clusterip", "nodeport", "loadbalancer"))


@pytest.mark.parametrize("question, doc_id, fact", [
    ("what is a pod", "pod", "最小"),
    ("how do I see pod logs", "logs", "kubectllogs"),
    ("デプロイメンt", "deployment", "deployment"),
    ("IPが変わるなら、どうやって通信先を特定するんだ?", "service", "ip"),
    # "run" in an English sentence is the verb, not kubectl run
    ("How do I run a single command inside a container?", "exec", "kubectlexec<pod名>--<コマンド>"),
])
def test_english_typos_and_problem_descriptions_reach_the_right_answer(guide, question, doc_id, fact):
    answer = guide.ask(question)
    assert answer.answered and answer.hits[0].doc_id == doc_id
    assert fact in _summary(answer)
    assert "-t" not in _summary(answer) or question != "what is a pod"


@pytest.mark.parametrize("question, doc_id, fact", [
    ("replicaste を直接使わないのはなんで", "replicaset", "deployment"),  # one swap beats two edits (replicas)
    ("pdoとは", "pod", "pod"),  # a three-letter typo, corrected by a swap
    ("persistant volume のアクセスモードの種類", "persistent-volume", "readwriteonce"),  # corrected, then a synonym
    ("what is a service in kubernetes", "service", "service"),  # not サービスイン, not the overview
    ("what's a pod in kubernetes", "pod", "pod"),
    ("how to rollback a deployment", "deployment", "kubectlrolloutundo"),
    ("kubectl short names list", "kubectl-shortnames", "svc"),
    ("kubectl explainの使い方", "manifest-generation", "kubectlexplain"),
    # learner English for the guide's words (back up → バックアップ, phases → フェーズ, sort → 並べ替える)
    ("How do I back up etcd on a self-managed cluster?", "onprem-or-cloud", "etcdctlsnapshotsave"),
    ("What are the phases of a pod lifecycle?", "pod", "succeeded"),
    ("How do I sort pods by creation time?", "kubectl-get", "--sort-by"),
    # a typo of an English word the guide's text holds as Sudachi reads it (client → クライアント)
    ("dry-run=cliantでマニフェストの下書きを作るやり方", "manifest-generation", "--dry-run=client"),
    # of two words one edit away, the one holding every letter typed (limts → limits, not lists → 一覧)
    ("limtsとrequestsのちがいって何", "cpu-resources", "limits"),
    ("ambassdorパターンってなに", "pod-vs-container", "アンバサダー"),
    # learner English for the guide's words (update → 更新, tag → タグ)
    ("imageのtagを新しくしてupdateしたい", "deployment", "kubectlsetimage"),
    # "what is X" goes to the article that defines X, with filler between って and なに
    ("etcdって結局なに？", "overview", "キーバリュー"),
    # 「マネージドKubernetes」 is one concept, and メリット (a word the guide never uses) frames the question
    ("マネージドkubernetesのメリット", "onprem-or-cloud", "コントロールプレーン"),
    # a rare name the passage writes as code is documented there, not merely mentioned
    ("capabilitiesを全部dropする書き方", "pod-security", "drop"),
    # learner English verbs for the guide's words (replaced → 置き換える, pick → 選ぶ)
    ("what replaced PodSecurityPolicy", "pod-security", "podsecurityadmission"),
    ("Which one is cheapest for a small test cluster, EKS, GKE or AKS?", "managed-services", "無料"),
    # English words that carry no topic (each, actually, without…) are not terms the guide lacks
    ("in which version was PodSecurityPolicy removed", "pod-security", "1.25"),
    ("which local tool should I use to try kubernetes on my laptop", "onprem-or-cloud", "minikube"),
    # a loanword typed in hiragana is read in katakana (セキュリティコンテキスト, ロールアウト)
    ("せきゅりてぃこんてきすとって何", "pod-security", "securitycontext"),
    ("deploymentのろーるあうとが終わるまで進み具合を見ていたい", "deployment", "kubectlrolloutstatus"),
    # words typed in hiragana with the IME off: loanwords (ろぐ → ログ) and kanji words read aloud (じどうせいせい)
    ("まにふぇすとをじどうせいせいしたい", "manifest-generation", "--dry-run=client"),
    ("ぽっどのろぐがみたい", "logs", "kubectllogs"),
    ("ねーむすぺーすのさくじょ", "namespace", "kubectldeletenamespace"),
    # headless is the guide's ヘッドレス (not corrected to "headers"); "how many" asks for a count (台)
    ("what is a headless service", "service", "clusterip:none"),
    ("how many control plane nodes do I need", "cluster-sizing", "3台"),
    # an English word the corpus holds only in command output (machine, existing) is not the question's
    # subject, and an inflected word is read by its base form or its Japanese (existing → 既存, deleted → 削除)
    ("how can I expose my existing deployment with a service?", "service", "kubectlexpose"),
    ("keeping container logs long term once pods are deleted", "logs", "daemonset"),
    ("what is the easiest way to learn kubernetes on a laptop", "onprem-or-cloud", "minikube"),
    # "files" is in the guide only as the name Azure Files: in English it is ファイル (seen in the chat app)
    ("copy files from a pod to my laptop", "exec", "kubectlcp"),
    # everyday English the analyzer spelled in katakana the guide never uses (make → メーク, called → コールド,
    # runs, besides, live → リアルタイム)
    ("how do I make a namespace called backend", "namespace", "kubectlcreatenamespace"),
    ("what runs on each worker node besides my pods?", "overview", "kube-proxy"),
    ("how can I watch my pods change status live?", "kubectl-get", "-w（--watch）"),
    ("how do I see logs of a crashed pod", "logs", "--previous"),  # crashed → クラッシュ
])
def test_learner_english_and_latin_typos_reach_the_answer(guide, question, doc_id, fact):
    answer = guide.ask(question)
    assert answer.answered and answer.hits[0].doc_id == doc_id
    assert fact in _summary(answer)


def test_the_situation_before_a_long_question_does_not_count_as_missing_from_the_guide(guide):
    # 勉強会, 担当, 先週 and 同僚 are the learner's situation, said before the question itself: the guide need not
    # hold them for the rollback it is asked about
    answer = guide.ask("社内の勉強会の担当になり、先週から同僚とk8sを触り始めました。"
                       "前のバージョンに戻したいとき、Deploymentはどうやって元に戻すのですか？")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "deployment"
    assert "kubectlrolloutundo" in _summary(answer)


def test_a_list_item_about_the_named_thing_answers_for_the_rare_word_it_says(guide):
    # iptables is said once in the guide, in the item labelled kube-proxy: asking kube-proxy's modes is answered
    # there; switching kube-proxy to IPVS (how to do it) is not in the guide
    answer = guide.ask("kube-proxyのモードはiptablesのほかに何がある？")
    assert answer.coverage == "full" and "nftables" in _summary(answer)
    assert guide.ask("kube-proxyをipvsモードに切り替えたい").coverage != "full"


def test_judging_a_long_question_keeps_how_the_question_was_read(guide):
    # the last sentence is analyzed alone to tell the situation from the question; the phrases of the whole
    # question are still matched against its reading (ぽっどのろぐ read as ポッドのログ)
    question = "社内の勉強会の担当になりました。ぽっどのろぐをみるには？"
    terms = guide.analyze_question(question)
    guide.judged_terms(question, terms)
    assert "ポッドのログ" in guide._as_read(question)


def test_a_heading_asking_for_the_steps_answers_a_how_to(guide):
    # 「kubeadm でクラスタを作る流れは？」 asks for a procedure as much as 「…をアップグレードするには？」 does:
    # both are how-to headings, so the one the question names wins
    answer = guide.ask("kubeadmで最初のコントロールプレーンを立ち上げるコマンドは？")
    assert answer.hits[0].section.split(" › ")[-1].startswith("kubeadm でクラスタを作る流れは？")
    assert "kubeadminit" in _summary(answer)


def test_a_name_is_never_corrected_into_a_guide_word(guide):
    # React is a learner's stack, VLOOKUP a name in capitals: neither is a typo of a guide word (VLOOKUP is one
    # edit from "lookup", learner English for 調べる), so neither question is about Kubernetes
    assert guide.ask("Reactのstateが更新されない").coverage == "none"
    assert "調べる" not in guide.analyze_question("ExcelのVLOOKUP関数の使い方")


def test_what_an_english_question_asks_about_is_its_subject_even_when_the_guide_has_it_only_in_code(guide):
    # "operator" is in the guide only as a YAML key (operator: In): that does not explain what an operator is
    assert guide.ask("what is an operator and how do I build one for my app").coverage != "full"


def test_a_rare_field_written_as_code_in_prose_is_answered_where_it_is_explained(guide):
    # spec.revisionHistoryLimit is explained in the rollback section, whose heading is about the rollback
    answer = guide.ask("revisionHistoryLimitってなに")
    assert answer.coverage == "full" and "revisionhistorylimit" in _summary(answer)


def test_the_concept_a_learner_phrase_points_to_is_quoted_in_the_summary(guide):
    # 一時停止 points to kubectl rollout pause, one list item of the rollout section: before, the 要点 quoted
    # only sentences holding the question's own words, and 一時 found 「一時ファイル」 of securityContext
    answer = guide.ask("Deploymentを一時停止したい")
    assert answer.hits[0].doc_id == "deployment" and "kubectlrolloutpause" in _summary(answer)


def test_a_state_kubectl_shows_is_the_symptom_not_a_topic_the_answer_must_name(guide):
    # 「Ready」 is what the learner sees, not a name the startup-probe answer must say to be about the question
    answer = guide.ask("Javaアプリの起動に2分かかるので、デプロイするとlivenessProbeが失敗して再起動され、ずっとReadyになりません")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "health-checks"


def test_docker_the_learner_knows_is_context_of_a_kubernetes_question(guide):
    # the learner compares with the Docker they use; the guide's 宣言的 section answers without naming Docker
    answer = guide.ask("Dockerなら毎日使っているのですが、Kubernetesの宣言的な管理というのがよくわかりません。"
                       "命令するやり方と何が違うのですか？")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "overview"


def test_kind_the_tool_is_not_the_kind_field_of_every_manifest(guide):
    # kind is also every manifest's kind: field, so the word alone weighs nothing: kubeadm's section came first
    answer = guide.ask("kindでクラスタを作るコマンド")
    assert answer.hits[0].doc_id == "onprem-or-cloud" and "kindcreatecluster" in _summary(answer)


def test_whether_a_deploy_has_finished_is_answered_with_rollout_status(guide):
    answer = guide.ask("デプロイが終わったか確認する方法")
    assert answer.hits[0].doc_id == "deployment" and "kubectlrolloutstatusdeployment/<deployment名>" in _summary(answer)


@pytest.mark.parametrize("question, doc_id, fact", [
    ("ノードのCPUとメモリの空きを見たい", "cluster-sizing", "kubectltopnodes"),
    ("複数のコンテナのうち1つのログだけ見たい", "logs", "-c<コンテナ名>"),
    ("ログに時刻をつけて表示したい", "logs", "--timestamps"),
    ("コンテナにcurlが入ってない", "exec", "kubectldebug"),
    # asked under the multi-container section too, where the count is now said
    ("replicasを3にしてPodにコンテナを2つ入れたら、コンテナはいくつ動く？", "pod-vs-container", "6つ"),
    # the pitfall's remedy is in the sentence the 要点 quotes (it was a second sentence, past the length limit)
    ("livenessでDBの接続まで確認していたら、DBが止まったときに全Podが再起動した", "health-checks",
     "依存先の確認はreadinessprobeで行い"),
    # 「出てこない」 alone points to a Pod looked for in the wrong Namespace
    ("kubectl get all したけどSecretが一覧に出てこない", "kubectl-get", "含まれません"),
    ("kubectl getで特定の列だけ出したい", "kubectl-get", "custom-columns"),
    ("Podの詳細を見るコマンド", "pod", "kubectldescribepod"),
])
def test_plain_wishes_reach_the_command_that_answers_them(guide, question, doc_id, fact):
    # 空き (Sudachi: 明き) matched the requests/limits definition; 「複数のコンテナ」 alone pointed to sidecars
    answer = guide.ask(question)
    assert answer.hits[0].doc_id == doc_id and fact in _summary(answer)


def test_a_word_the_passage_glosses_in_parentheses_is_defined_there(guide):
    # 「Allocatable（割り当て可能量）」 explains the word, though the heading is about more than the word
    answer = guide.ask("Allocatableってなに？")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "cluster-sizing"
    assert guide.ask("ConfigMapってなに").coverage != "full"  # generating its YAML is not explaining it


@pytest.mark.parametrize("word, doc_id, fact", [
    ("kubelet", "overview", "ノードごとに動くエージェント"),  # a labelled item, in a section about all of a node
    ("LimitRange", "namespace", "既定値"),
    ("Fargate", "managed-services", "fargate"),  # its heading asks 「… Fargate とは？」
    ("failureThreshold", "health-checks", "何回続けて失敗したら"),  # a table row gives its meaning
    ("kind", "onprem-or-cloud", "dockerコンテナをノードとして"),  # 「**kind（Kubernetes in Docker）**：」
    ("runAsNonRoot", "pod-security", "非rootユーザーでの実行を必須"),  # 「**runAsNonRoot: true**：」
    ("kubeconfig", "overview", "~/.kube/config"),  # 「kubeconfig（`~/.kube/config`）」
])
def test_a_word_the_guide_explains_where_it_only_lists_it_is_answered_from_there(guide, word, doc_id, fact):
    answer = guide.ask(f"{word}とは")
    assert answer.coverage == "full" and answer.hits[0].doc_id == doc_id and fact in _summary(answer)


@pytest.mark.parametrize("word", ["PDB", "ConfigMap", "Secret", "CNI"])
def test_a_word_the_guide_only_lists_stays_a_mention(guide, word):
    # a row of short names (PDB), 「`cm`（ConfigMap）」, generating a ConfigMap's YAML, naming CNI in passing: none
    # says what it is
    assert guide.ask(f"{word}とは").coverage == "mention"


@pytest.mark.parametrize("question", [
    "Pod名とNamespaceをアプリに環境変数で渡したい",  # Downward API
    "本番と検証の複数のクラスタを切り替えて使いたい",  # kubeconfig contexts (the guide switches Namespaces only)
    "ingress-nginxを入れたい",
    "Secretをetcdに保存するとき暗号化したい",
    "Podを再起動せずにCPUのlimitsだけ変えたい",
    "Windowsのコンテナをk8sで動かしたい",
    "APIサーバーの監査ログを残したい",
    "kind create cluster が failed to create cluster で止まる",
    "kubeadmの証明書が1年で切れるらしい、更新は？",
    "同じユーザーのリクエストは毎回同じPodに送りたい",  # sessionAffinity
    "終わったJobのPodが溜まるので自動で消したい",  # ttlSecondsAfterFinished
    "APIのPodからしかDBに接続できないようにしたい",  # NetworkPolicy, which the guide only names
    "ConfigMapを書き換えたのにPodに反映されない",
    "Podを強制的に削除したい",  # (the image-scanning section said 強制 and 削除)
    "SecretのYAMLを暗号化したままGitに置きたい",  # Sealed Secrets
])
def test_a_phrase_pointing_to_a_topic_the_guide_lacks_is_not_answered_as_covered(guide, question):
    # each phrase points to a concept whose name the guide never uses: the nearest section (Namespace switching,
    # generating a Secret's YAML…) does not answer it
    assert guide.ask(question).coverage != "full"


@pytest.mark.parametrize("question", ["毎回-nを付けずに済むよう、いつも使うNamespaceをdevに固定したい",
                                      "重要なPodがリソース不足で追い出されないように優先度を付けたい"])
def test_a_broad_phrase_of_a_docs_concept_does_not_decline_what_the_guide_answers(guide, question):
    # 固定したい and 優先度 also point to docs concepts the guide lacks (nodeSelector, PriorityClass)
    assert guide.ask(question).coverage == "full"


def test_where_the_learner_keeps_a_manifest_is_context(guide):
    # Git is where the YAML goes, not the subject: the section on making a manifest from a running resource answers
    answer = guide.ask("動いているDeploymentからYAMLを書き出してGitで管理したい")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "manifest-generation"


def test_an_acronym_in_capitals_is_no_typo_of_the_guide_word_one_letter_away(guide):
    # GPU is one letter from CPU and VPA from HPA, but an acronym written in capitals is a name the guide never
    # uses, not a typo: the guide does not cover them
    for question in ("GPUが載ってるノードにだけPodを置きたい", "VPAでrequestsを自動で調整させたい",
                     "how do I request a GPU for my pod"):
        assert guide.ask(question).coverage != "full", question
    assert guide.ask("CPUのlimitsを超えたらどうなる？").coverage == "full"


@pytest.mark.parametrize("question, doc_id, fact", [
    ("宣現的な管理って結局なにがいいの", "overview", "宣言的"),  # 宣現 (センゲン) is 宣言
    ("メモリの制現ってどう書けばいい", "cpu-resources", "limits"),  # 制現 (セイゲン) is 制限
])
def test_a_compound_mistyped_with_a_homophone_is_read_as_the_guide_word(guide, question, doc_id, fact):
    answer = guide.ask(question)
    assert answer.coverage == "full" and answer.hits[0].doc_id == doc_id and fact in _summary(answer)


@pytest.mark.parametrize("question, fact", [("RWXってなに", "readwritemany"), ("RWOとは", "readwriteonce")])
def test_an_abbreviation_the_guide_spells_out_is_answered_with_its_name(guide, question, fact):
    # 「`ReadWriteMany`（RWX）」 says what RWX is, though the section is about access modes as a whole
    answer = guide.ask(question)
    assert answer.coverage == "full" and fact in _summary(answer)


@pytest.mark.parametrize("question, doc_id", [("サイドカーパターソって何に使うやつ？", "pod-vs-container"),
                                              ("デプロイメソトの使い方", "deployment")])
def test_katakana_typed_with_a_lookalike_letter_is_read_as_the_guide_word(guide, question, doc_id):
    # ソ for ン (and ツ for シ) is the commonest katakana typo: パターソ was a word the guide lacks
    answer = guide.ask(question)
    assert answer.coverage == "full" and answer.hits[0].doc_id == doc_id


@pytest.mark.parametrize("question", ["k8sってぶっちゃけ何してくれるやつ？", "クバネティスってそもそも何してくれるやつなの？"])
def test_colloquial_fillers_are_not_words_the_guide_lacks(guide, question):
    # ぶっちゃけ (打ち明ける), やつ (奴) and そもそも (抑) counted as unknown words and the guide declined
    answer = guide.ask(question)
    assert answer.coverage == "full" and answer.hits[0].doc_id == "overview"


def test_words_that_frame_a_question_do_not_pick_its_article(guide):
    # 今 is no topic: it matched the heading 「今使っているNamespaceを切り替えるには？」
    assert guide.ask("今どのPodがどれくらいCPUを使ってるか知りたい").hits[0].doc_id == "cpu-resources"
    # ordinary hiragana (ちょっと, って) is left alone; only a loanword's marks (ー, ぃ) make katakana
    assert guide.ask("ちょっとぽーとふぉわーどって何").hits[0].doc_id == "exec"


@pytest.mark.parametrize("question, doc_id, section, fact", [
    ("kubectl って毎回打つのだるい", "kubectl-shortnames", "エイリアス", "aliask=kubectl"),
    ("ログずっと流して見てたい", "logs", "リアルタイム", "-f"),
    ("本番で動いているWebアプリを更新するときに、一度に全部のPodが落ちないようにしたいのですが、何をどう設定すればいいんでしょうか",
     "deployment", "maxUnavailable", "maxunavailable"),
    ("アプリのコンテナの横で、ログを集めるコンテナも一緒に動かしたい", "pod-vs-container", "サイドカー", "サイドカー"),
    ("Podが再起動を繰り返してて、落ちる前のログが見たい", "logs", "再起動する前", "--previous"),
    # which Namespace is the default now: the current context's, not LimitRange's defaults
    ("今どのnamespaceがデフォルトになってるか確認する方法", "namespace", "今使っている", "kubectlconfig"),
    # token is the guide's トークン; 大丈夫 frames the question
    ("APIを使わないPodにSAのtokenを自動でマウントさせたくない", "pod-security", "ServiceAccount", "automountserviceaccounttoken"),
    ("execできる権限ってみんなに配っちゃって大丈夫？", "exec", "気をつけること", "pods/exec"),
    # 直接 is a topic word although it is an adverb
    ("ReplicaSetって自分で直接作っちゃダメなの？", "replicaset", "直接作らない", "ローリングアップデート"),
    # learner English for the guide's katakana and kanji (provisioning, dynamic, reclaim), with a typo (dynamc)
    ("パーシステントボリュームのreclaimポリシーってdynamc provisioningだとデフォルト何？", "persistent-volume",
     "PVCを削除したら", "delete"),
    # a long question's chatter (みなさん, 〜しておきたい) is no topic the guide must hold
    ("本番でPodが再起動すると前のログが消えてしまって障害調査ができません。何ヶ月か保存しておきたいのですが、"
     "みなさんどうやってログを集めていますか？", "logs", "長期保存", "fluentbit"),
    # 手っ取り早い frames the question; the guide never says it
    ("Deploymentを外から見えるようにする一番手っ取り早いコマンド", "service", "作成", "kubectlexpose"),
    # so is the framing of a long question (社内勉強会で…説明することになりました)
    ("社内勉強会でKubernetesのServiceについて説明することになりました。ClusterIPとNodePortの違いをわかりやすく教えてください",
     "service", "タイプ", "nodeport"),
    # a bug is 問題, a manifest is 当てる'd, Pods 入れ替わる; さっき and the prefix 再 are no topic words
    ("デプロイしたら不具合出た、さっきのバージョンに戻したい", "deployment", "ロールバック", "kubectlrolloutundo"),
    ("作ったマニフェストを本番に当てる前に、本当に通るかどうか確認する方法はありますか？", "manifest-generation",
     "適用するまでの流れ", "--dry-run=server"),
    ("再デプロイのたびにPodのIPがコロコロ変わる。他のアプリからの接続先を固定しておくには？", "service", "Serviceとは", "service"),
])
def test_colloquial_wishes_reach_the_section_that_solves_them(guide, question, doc_id, section, fact):
    answer = guide.ask(question)
    assert answer.answered and answer.hits[0].doc_id == doc_id and section in answer.hits[0].section
    assert fact in re.sub(r"\s+", "", answer.hits[0].text.lower())


def test_a_short_opening_sentence_is_quoted_with_the_next_one(guide):
    # 「AKS には料金ティアが3つあります。」 introduces the answer; the 要点 goes on to the free tier.
    assert "無料" in _summary(guide.ask("AKSってお金かかる？"))


def test_a_topic_the_guide_only_mentions_is_not_answered_as_covered(guide):
    answer = guide.ask("ConfigMapの使い方")
    assert answer.coverage == "mention" and not answer.answered
    assert answer.message == "ガイドでは詳しく扱っていません。触れている箇所:"
    assert answer.hits and all("configmap" in (h.section + h.text).lower() for h in answer.hits)
    assert answer.summary == ()
    data = answer.to_json()
    assert data["coverage"] == "mention" and data["answered"] is False and data["hits"]


def test_a_name_of_several_words_written_with_spaces_is_covered_where_the_section_explains_it(guide):
    # The analysis joins 「Pod Security Standards」 into one word; the section says it three times with spaces.
    answer = guide.ask("Pod Security Standardsにはどんなレベルがありますか？")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "pod-security"
    assert "restricted" in (answer.hits[0].text).lower()


@pytest.mark.parametrize("question", ["ImagePullBackOffってなに", "ErrImagePullとは"])
def test_a_word_explained_in_a_labelled_list_item_is_answered_with_the_whole_item(guide, question):
    # 「- `ImagePullBackOff` / `ErrImagePull`: イメージを取得できません。…（imagePullSecrets）を確認します。」
    answer = guide.ask(question)
    assert answer.coverage == "full" and answer.hits[0].doc_id == "pod"
    assert "imagepullsecrets" in _summary(answer)


@pytest.mark.parametrize("question", ["NetworkPolicyで通信を制限したい", "ネットワークポリシーで通信を制限したい",
                                      "ネットワークポリシィで通信を制限したい"])
def test_a_name_the_guide_only_mentions_is_a_mention_however_it_is_written(guide, question):
    # katakana and a katakana typo name the same resource as the Latin spelling does
    assert guide.ask(question).coverage == "mention"


def test_a_capitalized_name_that_sudachi_reads_in_katakana_is_still_a_name(guide):
    # 「Operator」 is analyzed as オペレーター, like an English word; written with a capital, it names a topic
    assert guide.ask("Operatorパターンってなに？CRDと何が違うの").coverage != "full"


def test_the_learners_own_application_stack_is_context_not_an_unknown_topic(guide):
    # MySQL is not in the guide, but the question is about keeping a Pod's data
    answer = guide.ask("MySQLをPodで動かしてたんですが、Podを作り直したらデータが全部消えてました。。"
                       "ちゃんと残しておくにはどうするのが普通なんでしょうか？")
    assert answer.coverage == "full" and "persistent-volume" in [h.doc_id for h in answer.hits]


def test_the_learners_stack_is_never_the_subject_the_guide_must_be_about(guide):
    # 「Java」 written with a capital was the subject the startup-probe section never names: a mention
    answer = guide.ask("起動に時間がかかるJavaアプリがヘルスチェックで起動中に殺されてしまう")
    assert answer.coverage == "full" and "startupprobe" in _summary(answer)
    # with nothing of Kubernetes besides it, the stack stays what the question is about
    assert not guide.ask("PostgreSQLでインデックスが使われない理由を調べたい").answered


def test_a_named_subject_the_answering_passage_never_says_is_only_a_mention(guide):
    # Job retries: the best passage (restartPolicy) answers 失敗・回数, never Job itself
    assert guide.ask("Jobが失敗したら何回までやり直すか決めたい").coverage == "mention"
    # mounting a ConfigMap: the PVC mounting section answers マウント, never ConfigMap; the places listed
    # are those that name ConfigMap
    answer = guide.ask("ConfigMapを設定ファイルとしてコンテナにマウントしたい")
    assert answer.coverage == "mention" and answer.hits and "ConfigMap" in answer.hits[0].text
    # the section that does say ConfigMap still answers
    assert guide.ask("ConfigMapのYAMLをコマンドで作りたい").coverage == "full"


def test_a_name_said_only_in_a_code_comment_or_as_a_yaml_key_is_not_what_the_passage_is_about(guide):
    # the exec section's example says 「# 環境変数を確認（ConfigMap や Secret が正しく渡っているか）」
    assert guide.ask("ConfigMapの値を環境変数としてコンテナに渡すには").coverage == "mention"
    # the node-autoscaling example has 「operator: In」, a YAML key, not the Operator pattern
    assert guide.ask("Operatorってなに？自分で作れるもの？").coverage != "full"


def test_a_learner_phrase_the_analysis_drops_still_counts_for_its_concept(guide):
    # いくら alone analyzes to nothing, but it asks about pricing: the EKS pricing section answers
    answer = guide.ask("EKSってクラスタ置いとくだけで月いくら取られるの？")
    assert answer.coverage == "full" and "0.10ドル" in _summary(answer)
    # 「〜の作り方」 only frames the question: a recipe stays out of scope
    assert not guide.ask("肉じゃがの作り方を教えて").answered


def test_a_tool_the_guide_never_names_is_not_covered_at_all(guide):
    answer = guide.ask("Helmでアプリをインストールする方法")
    assert answer.coverage in ("none", "mention") and not answer.answered


@pytest.mark.parametrize("question", ["k9sっていうツールの使い方", "S3の料金が知りたい",
                                      "Serviceを作ったらRoute53のDNSレコードも自動で作ってほしい"])
def test_a_name_of_letters_and_digits_the_guide_never_writes_is_not_covered(guide, question):
    # Sudachi takes k9s apart (k, 9, s): the stray letters were dropped and 「ツールの使い方」 was answered
    assert guide.ask(question).coverage == "none"


@pytest.mark.parametrize("question", [
    "特定のノードにだけPodが乗らないようにしたい、taintってどう付ける？",  # taint → テイント was "corrected" to ポイント
    "Knativeでリクエストがないときは0台までスケールさせたい",  # Knative is no typo of native
    "チームごとに仮想クラスタを払い出したい、vclusterって何ができる？",  # vcluster is no typo of cluster
    "クラスタのコストをNamespaceごとに見える化したい、Kubecostってどう？",  # Kubecost is no kube + cost
])
def test_a_tool_whose_name_looks_like_a_guide_word_is_not_answered_as_covered(guide, question):
    answer = guide.ask(question)
    assert answer.coverage != "full" and not answer.answered


def test_a_short_latin_word_is_not_taken_apart_into_short_names(guide):
    # 「nods」 was no + ds: node and DaemonSet; a typo of nodes, it is node alone
    assert "daemonset" not in guide.analyze_question("kubectl top nodsでノードの使用率を見たい")


@pytest.mark.parametrize("question, doc_id", [
    ("kubectl exec mypod lsって打ったら not supported anymore って言われた", "exec"),  # mypod is my + pod
    ("deploymnetをロールバックしたい", "deployment"),  # a typo keeps its first letter and is still corrected
])
def test_a_placeholder_name_or_a_typo_is_still_answered(guide, question, doc_id):
    answer = guide.ask(question)
    assert answer.coverage == "full" and answer.hits[0].doc_id == doc_id


@pytest.mark.parametrize("question, doc_id", [("t3.mediumだとPodはいくつまで載る？", "cluster-sizing"),
                                              ("k3sとk3dの違い", "onprem-or-cloud")])
def test_a_name_of_letters_and_digits_the_guide_writes_is_still_answered(guide, question, doc_id):
    answer = guide.ask(question)
    assert answer.coverage == "full" and answer.hits[0].doc_id == doc_id


def test_a_count_written_onto_a_word_is_no_unknown_name(guide):
    # 「web10個」 is ten web Pods, not a tool called web10: the question was declined as naming one
    answer = guide.ask("web10個、api6個くらいのPodを本番で動かす予定です。ワーカーノードを何台用意すればいいか、"
                       "見積もりの考え方を教えてもらえませんか？")
    assert answer.coverage == "full" and answer.hits[0].doc_id == "cluster-sizing"


def test_coverage_is_full_for_an_answered_question_in_json(guide):
    data = guide.ask("Podとは何ですか？").to_json()
    assert data["coverage"] == "full" and data["answered"] is True


# Each welcome example of the chat app, and the fact its 要点 must state.
WELCOME_FACTS = {
    "Podとコンテナの違いは何ですか？": ("まとめ",),
    "Serviceとは？": ("ipアドレス", "dns"),
    "コンテナに入るには？": ("kubectlexec",),
    "Podのログを見るには？": ("kubectllogs",),
    "kubectlの省略形は？": ("短い名前", "短縮名"),
}


def test_every_welcome_example_gets_a_summary_that_states_its_key_fact(guide):
    pytest.importorskip("textual")
    from assistant.tui.app import DEFAULT_EXAMPLES

    assert set(DEFAULT_EXAMPLES) == set(WELCOME_FACTS), "a new welcome example needs its fact here"
    for question in DEFAULT_EXAMPLES:
        answer = guide.ask(question)
        assert answer.answered, question
        assert any(fact in _summary(answer) for fact in WELCOME_FACTS[question]), (question, answer.summary)


def test_the_command_line_lists_the_mentions_with_links_and_exits_1():
    from conftest import run_cli

    proc = run_cli("ask", "ConfigMapの使い方")
    assert proc.returncode == 1, proc.stderr
    assert "ガイドでは詳しく扱っていません。触れている箇所:" in proc.stdout
    assert "→ https://" in proc.stdout and "要点" not in proc.stdout
    data = __import__("json").loads(run_cli("ask", "--json", "ConfigMapの使い方").stdout)
    assert data["coverage"] == "mention" and data["hits"]


def test_a_list_item_or_table_row_that_states_the_fact_is_quoted_as_one_line(guide):
    # The fact sits in a list item after the opening; the lead-in 「次のものを共有します。」 is not quoted.
    answer = guide.ask("同じPod内のコンテナ同士はlocalhostで通信できますか？")
    assert "localhost" in _summary(answer)
    assert not any("次の" in line.text for line in answer.summary), answer.summary


def test_a_full_stop_inside_parentheses_ends_no_sentence():
    text = "次に CNI プラグイン（Pod 間ネットワーク。この例では Flannel）を導入します。これで準備ができました。"
    assert sentences(text) == ["次に CNI プラグイン（Pod 間ネットワーク。この例では Flannel）を導入します。", "これで準備ができました。"]


def test_code_is_not_cut_at_an_exclamation_mark_and_a_paragraph_after_code_is_no_opening(guide):
    from assistant.answer import sentences
    assert sentences("`!=` の条件は、値が違うという意味です。 Is this the right one? Yes it is the one!") == [
        "!= の条件は、値が違うという意味です。", "Is this the right one?", "Yes it is the one!"]
    summary = [line.text for line in guide.ask("kubectl getでラベルもいっしょにひょうじしたい").summary]
    assert summary and not any(line.startswith("= ") for line in summary)


def test_table_rows_read_as_one_line_without_the_header():
    from assistant.answer import sentences

    table = "| 列 | 意味 |\n|---|---|\n| `READY` | 準備ができたコンテナ数 |\n| **STATUS** | Podの状態 |"
    assert sentences(table) == ["READY: 準備ができたコンテナ数", "STATUS: Podの状態"]  # no Markdown marks, like prose


def test_a_sentence_leaning_on_the_one_before_is_quoted_only_together_with_it(guide):
    # 「その場合は MetalLB を導入したり…」 holds the answer but cannot stand alone.
    answer = guide.ask("ベアメタル環境でLoadBalancerタイプのServiceを使うにはどうすればいい？")
    assert "metallb" in _summary(answer)
    assert not any(line.text.startswith(("その", "これ", "また")) for line in answer.summary), answer.summary


@pytest.mark.parametrize("question", ["port-forwardでローカルPCからPodにアクセスしたい", "etcdはなぜ奇数台にするの？",
                                      "Podとコンテナの違いは何ですか？", "ログの直近100行だけ表示したい",
                                      "PodのIPアドレスが変わるのに安定して接続するには？"])
def test_the_summary_fits_the_first_screen(guide, question):
    # At most 3 lines and about 280 characters, so the 要点 and the first link fit an 80x24 terminal.
    answer = guide.ask(question)
    assert 1 <= len(answer.summary) <= 3, answer.summary
    assert sum(len(line.text) for line in answer.summary) <= 280 or len(answer.summary) == 1, answer.summary


def test_the_point_the_author_set_in_bold_is_quoted(guide):
    # 「一言でまとめると、**Podの数の維持はReplicaSetに任せ…**」 is the section's point, though it adds no question word.
    assert "replicaset" in _summary(guide.ask("Deploymentとは何ですか？"))


def test_bold_labels_of_list_items_are_not_emphasis():
    from assistant.answer import emphasized

    text = "- **クラスタ（cluster）のまとまり全体**：説明\n役割は **Podの数の維持はReplicaSetに任せる** ことです。"
    assert emphasized(text, 12) == ["Podの数の維持はReplicaSetに任せる"]


@pytest.mark.parametrize("question, alone", [
    ("アプリが固まったら自動で再起動してほしい", "デッドロックで固まっていたり"),  # a bare reason (…からです。)
    ("コンテナを再起動したら保存したファイルが全部なくなった", "本番のデータはこれに保存します"),  # points back
])
def test_a_sentence_that_explains_or_points_back_is_never_quoted_alone(guide, question, alone):
    texts = [line.text for line in guide.ask(question).summary]
    assert texts and not any(text.startswith(alone) for text in texts), texts


def test_a_how_to_answered_by_a_procedure_quotes_its_first_step(guide):
    # The section lists steps; step 1 is `kubectl logs <Pod名> --previous`.
    assert "--previous" in _summary(guide.ask("CrashLoopBackOffを直したい"))


def test_highlighted_words_are_found_as_written_and_only_as_whole_words():
    """The words to highlight are found again in the passage however they are cased, a short Latin
    word never inside a longer one (ns is not the end of DNS), and a long word also where the text
    writes it with a space (startup probe for the synonym startupprobe)."""
    text = "CoreDNS は DNS を返します。ns は Namespace の略で、NS とも書きます。Startup Probe と startupProbe を使います。"
    surfaces = {"ns": "namespace", "namespace": "namespace", "startupprobe": "startupprobe", "dns": "dns"}
    words = dict(matching_words(text, surfaces, ["namespace", "startupprobe"]))
    assert words == {"Namespace": "namespace", "ns": "namespace", "NS": "namespace",
                     "Startup Probe": "startupprobe", "startupProbe": "startupprobe"}
    assert matching_words("İstanbul の ns", {"ns": "namespace"}, ["namespace"]) == (("ns", "namespace"),)


def test_a_how_to_quotes_the_whole_command_that_holds_the_question_words():
    markdown = ("手順です。\n\n```bash\n# すべての Pod を表示\nkubectl get pods\n\n# ログを追いかける\n"
                "kubectl logs -f web \\\n  --tail=20\n```\n")
    matches = (("ログ", "ログ"), ("追いかける", "追いかける"))
    assert command_line(markdown, matches, {"ログ", "追いかける"}) == "kubectl logs -f web --tail=20"
    assert command_line(markdown, (), set()) == "kubectl get pods"  # none holds a question word: the first



def test_a_word_many_sections_use_but_none_is_about_is_answered_from_the_item_that_explains_it(guide):
    """「kubeletとは」: no heading is about kubelet, but a labelled list item says what it is: that passage
    answers (it used to be a mention listing that passage first)."""
    answer = guide.ask("kubeletとは")
    assert answer.coverage == "full" and answer.answered
    assert "**kubelet**" in answer.hits[0].text and "ワーカーノード" in answer.hits[0].section


def test_hiragana_is_read_again_only_where_sudachi_could_not_read_it(guide):
    # げんいん → 原因 and ろぐ → ログ; okurigana (大きい) and ordinary words (いっぱい) stay as typed
    assert guide._hiragana_words("CrashLoopBackOffのげんいんをろぐでしらべたい") == "CrashLoopBackOffの原因をログでしらべたい"
    for question in ("大きいノードと小さいノード", "ディスクがいっぱいになった", "かくにんしたい"):
        assert guide._hiragana_words(question) == question
