"""Diagrams line up in a terminal (cells, wide characters count two) and `ask` shows them whole."""

from __future__ import annotations

import pytest

from _helpers import check_corpus, guide_articles, line_of, listing, plant
from conftest import article, run_cli, write_corpus

GOOD = """┌─ コントロールプレーン ─────┐     ┌──────────────┐
│ kube-apiserver             │────▶│ ノード       │
│ ┌────────┐  ┌───────────┐  │     │ kubelet      │
│ │ etcd   │  │ scheduler │  │     └──────┬───────┘
│ └────────┘  └───────────┘  │            │
└────────────────────────────┘            ▼
          ┌──────┴──────┐              [Pod]
          ▼             ▼
        [Pod]         [Pod]"""


def _diagram(tmp_path, drawing: str, lang: str = "text"):
    return plant(tmp_path, f"## 構成は？\n\nクラスタの構成は次の図のとおりです。\n\n```{lang}\n{drawing}\n```\n")


def test_every_diagram_of_the_guide_lines_up():
    findings = check_corpus.check_diagrams(guide_articles())
    assert not findings, listing(findings)


@pytest.mark.parametrize("stem", ["01-overview", "04-deployment|07-replicaset", "08-namespace", "09-service",
                                  "10-persistent-volume", "17-health-checks"])
def test_the_articles_the_issue_names_have_a_diagram(stem):
    """Architecture, rolling update, Namespace scope, Service selection, PVC binding, probe timeline."""
    articles = [a for a in guide_articles() if any(a.path.endswith(f"/{s}.md") for s in stem.split("|"))]
    drawn = [b for a in articles for b in a.blocks if b.lang == "text" and any("┌" in line for line in b.lines)]
    assert drawn, f"{stem}: no ```text diagram drawn with boxes"


def test_an_aligned_diagram_with_labels_nesting_and_connectors_passes(tmp_path):
    assert check_corpus.check_diagrams([_diagram(tmp_path, GOOD)]) == []


def test_a_right_edge_pushed_by_a_wide_character_fails_at_its_line(tmp_path):
    drawing = GOOD.replace("│ ノード       │", "│ ノード        │")  # padded as if ノード were 3 cells
    article = _diagram(tmp_path, drawing)
    findings = check_corpus.check_diagrams([article])
    assert [f.line for f in findings] == [line_of(article, "│ ノード")], listing(findings)
    assert "右の縦線" in findings[0].message and "51 桁目" in findings[0].message and "52 桁目" in findings[0].message


def test_a_short_bottom_edge_fails(tmp_path):
    drawing = GOOD.replace("└────────────────────────────┘", "└───────────────────────────┘ ")
    article = _diagram(tmp_path, drawing)
    findings = check_corpus.check_diagrams([article])
    assert [f.line for f in findings] == [line_of(article, "└─────────────")], listing(findings)
    assert "下端の ┘" in findings[0].message


def test_a_broken_left_edge_of_an_inner_box_fails(tmp_path):
    drawing = GOOD.replace("│ │ etcd   │", "│  │etcd   │")
    article = _diagram(tmp_path, drawing)
    findings = check_corpus.check_diagrams([article])
    assert [f.line for f in findings] == [line_of(article, "etcd")], listing(findings)
    assert "左の縦線" in findings[0].message


def test_rounded_boxes_are_checked_too(tmp_path):
    assert check_corpus.check_diagrams([_diagram(tmp_path, "╭──────╮\n│ Pod  │\n╰──────╯")]) == []
    findings = check_corpus.check_diagrams([_diagram(tmp_path, "╭──────╮\n│ Pod   │\n╰──────╯")])
    assert len(findings) == 1 and "右の縦線" in findings[0].message


def test_an_unclosed_box_fails(tmp_path):
    findings = check_corpus.check_diagrams([_diagram(tmp_path, "┌────┐\n│ Pod│\n│    │")])
    assert len(findings) == 1 and "閉じていません" in findings[0].message


def test_a_line_wider_than_76_cells_and_a_tab_fail(tmp_path):
    article = _diagram(tmp_path, "─" * 34 + "ノード" * 8 + "\nPod\t──▶ Service")
    findings = check_corpus.check_diagrams([article])
    assert [f.line for f in findings] == [line_of(article, "ノードノード"), line_of(article, "\t")], listing(findings)
    assert findings[0].message.startswith("図の行が 82 桁あります") and "タブ" in findings[1].message


def test_a_box_diagram_outside_a_text_block_fails(tmp_path):
    findings = check_corpus.check_diagrams([_diagram(tmp_path, GOOD, lang="")])
    assert len(findings) == 1 and "```text" in findings[0].message


# --- shown whole by `ask` ---------------------------------------------------------------------------

LEAD = "クラスタの構成は、コントロールプレーンとノードに分かれます。" + "各部品の役割を順に説明します。" * 30


@pytest.fixture
def drawn_corpus(tmp_path):
    body = f"## クラスタの構成は？\n\n{LEAD}\n\n```text\n{GOOD}\n```\n\n図のあとの説明です。"
    return write_corpus(tmp_path / "drawn", {"a.md": article("arch", "クラスタの構成", body, "https://example.com/arch")})


def _shown(proc) -> list[str]:
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_ask_prints_a_diagram_whole_even_past_the_passage_length_limit(drawn_corpus):
    lines = _shown(run_cli("ask", "クラスタの構成は？", "-k", "1", "--corpus", str(drawn_corpus),
                           env={"COLUMNS": "200"}))
    for row in GOOD.split("\n"):
        assert "    " + row in lines
    assert "    ```" in lines
    assert not any("図の幅" in line for line in lines)


def test_ask_says_how_wide_the_terminal_must_be_when_a_diagram_does_not_fit(drawn_corpus):
    lines = _shown(run_cli("ask", "クラスタの構成は？", "-k", "1", "--corpus", str(drawn_corpus),
                           env={"COLUMNS": "40"}))
    note = "    図の幅が端末より広いため、端末の幅を 55 桁以上にすると崩れずに表示されます。"
    assert lines.count(note) == 1
    assert lines[lines.index(note) - 1] == "    ```"  # right after the diagram, which is printed unwrapped
    for row in GOOD.split("\n"):
        assert "    " + row in lines
