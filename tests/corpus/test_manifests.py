"""Every Kubernetes object in the guide's ```yaml blocks is valid against the pinned schema, strictly."""

from __future__ import annotations

import pytest

from _helpers import check_corpus, guide_articles, line_of, listing, plant

pytest.importorskip("kubernetes_validate", reason="kubernetes-validate is not installed (pip install -e '.[test]')")


def test_guide_manifests_are_schema_valid_with_unknown_fields_rejected():
    findings = check_corpus.check_manifests(guide_articles())
    assert not findings, listing(findings)


def test_guide_manifests_are_found_and_checked():
    objects, broken = check_corpus.manifests(guide_articles())
    assert not broken, listing(broken)
    kinds = {o.kind for o in objects}
    assert len(objects) >= 15 and {"Pod", "Deployment", "Service"} <= kinds


DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        {port}
"""


def _yaml(text: str) -> str:
    return f"## マニフェストは？\n\nマニフェストの例です。\n\n```yaml\n{text}```\n"


def test_a_valid_manifest_passes(tmp_path):
    article = plant(tmp_path, _yaml(DEPLOYMENT.format(replicas="replicas: 3", port="ports:\n        - containerPort: 80")))
    assert check_corpus.check_manifests([article]) == []


def test_an_unknown_field_fails_at_its_own_line(tmp_path):
    article = plant(tmp_path, _yaml(DEPLOYMENT.format(replicas="replica: 3", port="")))
    findings = check_corpus.check_manifests([article])
    assert [(f.path, f.line) for f in findings] == [("planted.md", line_of(article, "replica: 3"))]
    assert "'replica' was unexpected" in findings[0].message and "Deployment" in findings[0].message


def test_a_misspelt_field_deep_in_a_container_fails_at_its_line(tmp_path):
    article = plant(tmp_path, _yaml(DEPLOYMENT.format(replicas="replicas: 3",
                                                      port="resource:\n          limits:\n            cpu: 500m")))
    findings = check_corpus.check_manifests([article])
    assert [f.line for f in findings] == [line_of(article, "resource:")], listing(findings)
    assert "spec.template.spec.containers.0" in findings[0].message


def test_a_wrong_value_type_fails(tmp_path):
    article = plant(tmp_path, _yaml(DEPLOYMENT.format(replicas='replicas: "three"', port="")))
    findings = check_corpus.check_manifests([article])
    assert [f.line for f in findings] == [line_of(article, 'replicas: "three"')], listing(findings)


def test_a_removed_api_version_fails(tmp_path):
    old = DEPLOYMENT.format(replicas="replicas: 3", port="").replace("apps/v1", "extensions/v1beta1")
    findings = check_corpus.check_manifests([plant(tmp_path, _yaml(old))])
    assert len(findings) == 1 and "extensions/v1beta1" in findings[0].message and "1.34" in findings[0].message


def test_the_second_document_of_a_multi_document_block_is_checked(tmp_path):
    service = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPot: 80\n"
    article = plant(tmp_path, _yaml(DEPLOYMENT.format(replicas="replicas: 3", port="") + service))
    findings = check_corpus.check_manifests([article])
    assert [f.line for f in findings] == [line_of(article, "targetPot")], listing(findings)
    assert "Service" in findings[0].message


@pytest.mark.parametrize("text", [
    "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n- role: control-plane\n- role: worker\n",
    "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: ap-northeast-1\n",
    "apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata:\n  name: default\nspec:\n  anything: goes\n",
    "apiVersion: v1\nkind: Config\nclusters: []\ncurrent-context: dev\n",
], ids=["kind", "eksctl", "karpenter", "kubeconfig"])
def test_objects_of_other_tools_are_skipped_by_name(tmp_path, text):
    assert check_corpus.check_manifests([plant(tmp_path, _yaml(text))]) == []


def test_a_fragment_without_api_version_and_kind_is_not_an_object(tmp_path):
    fragment = "resources:\n  requests:\n    cpu: 500m\n  limitz: {}\n"
    article = plant(tmp_path, _yaml(fragment))
    assert check_corpus.manifests([article])[0] == []
    assert check_corpus.check_manifests([article]) == []
