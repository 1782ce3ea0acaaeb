"""Mistakes planted into the guide's own articles are caught at their line: the checks are not vacuous
on the real text (its boxes, manifests, commands and openings are really followed)."""

from __future__ import annotations

import re
import shutil

import pytest

from _helpers import check_corpus, guide_articles, plant_in_guide

ARTICLES = guide_articles()


def _ids(cases):
    return [f"{a.path.rsplit('/', 1)[-1][:-3]}:{line}" for a, line in cases]


DIAGRAM_ROWS = [(a, b.line + i) for a in ARTICLES for b in a.blocks if b.lang == "text"
                for i in [next((i for i, row in enumerate(b.lines) if row.startswith("│") and row.rstrip().endswith("│")), None)]
                if i is not None]


@pytest.mark.parametrize("article, line", DIAGRAM_ROWS, ids=_ids(DIAGRAM_ROWS))
def test_a_right_edge_shifted_in_a_guide_diagram_is_caught(tmp_path, article, line):
    row = article.lines[line - 1].rstrip()
    planted = plant_in_guide(tmp_path, article, line, row[:-1] + " │")
    assert line in [f.line for f in check_corpus.check_diagrams([planted])]


def test_the_guide_has_box_diagrams_and_manifests_to_check():
    assert len(DIAGRAM_ROWS) >= 6 and len(MANIFEST_LINES) >= 10


MANIFEST_LINES = [(a, b.line + i) for a in ARTICLES for b in a.blocks if b.lang == "yaml"
                  for i in [next((i for i, row in enumerate(b.lines) if re.match(r"\s*(- )?image: ", row)), None)]
                  if i is not None]


@pytest.mark.parametrize("article, line", MANIFEST_LINES, ids=_ids(MANIFEST_LINES))
def test_a_misspelt_field_in_a_guide_manifest_is_caught(tmp_path, article, line):
    planted = plant_in_guide(tmp_path, article, line, article.lines[line - 1].replace("image:", "imge:"))
    findings = check_corpus.check_manifests([planted])
    assert [f.line for f in findings] == [line] and "'imge' was unexpected" in findings[0].message


def _first_kubectl_line(article):
    lines = check_corpus.kubectl_lines([article], inline=False)
    return lines[0].line if lines else None


KUBECTL_LINES = [(a, n) for a in ARTICLES for n in [_first_kubectl_line(a)] if n is not None]


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
@pytest.mark.parametrize("article, line", KUBECTL_LINES, ids=_ids(KUBECTL_LINES))
def test_an_unknown_flag_added_to_a_guide_command_is_caught(tmp_path, article, line):
    text = article.lines[line - 1]
    planted = plant_in_guide(tmp_path, article, line, re.sub(r"(kubectl\s+\S+)", r"\1 --no-such-flag", text, count=1))
    kubectl, minor = check_corpus.local_kubectl()
    mine = [l for l in check_corpus.kubectl_lines([planted], inline=False) if l.line == line]
    results = [r for r in check_corpus.run_kubectl_lines(mine, kubectl, minor) if not r.skipped]
    assert results and all(not r.ok and "unknown flag: --no-such-flag" in r.output for r in results)


def _first_opening(article):
    for i in range(article.body_start, len(article.lines)):
        if article.lines[i].startswith("## "):
            j = next(j for j in range(i + 1, len(article.lines)) if article.lines[j].strip())
            return j + 1
    return None


OPENINGS = [(a, n) for a in ARTICLES for n in [_first_opening(a)] if n is not None]


@pytest.mark.parametrize("article, line", OPENINGS, ids=_ids(OPENINGS))
def test_a_leaning_opening_planted_in_a_guide_section_is_caught(tmp_path, article, line):
    planted = plant_in_guide(tmp_path, article, line, "これは、" + article.lines[line - 1])
    assert line in [f.line for f in check_corpus.check_answer_first([planted]) if "「これ」で始まって" in f.message]


def test_an_old_version_planted_in_a_guide_article_is_caught(tmp_path):
    cases = [(a, i + 1) for a in ARTICLES for i, row in enumerate(a.lines) if re.search(r"v1\.3[2-9]", row)]
    assert cases
    for article, line in cases[:5]:
        planted = plant_in_guide(tmp_path, article, line, re.sub(r"v1\.3[2-9]", "v1.29", article.lines[line - 1]))
        assert line in [f.line for f in check_corpus.check_versions([planted])], article.lines[line - 1]
