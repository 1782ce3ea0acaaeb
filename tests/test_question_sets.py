"""The question sets (held out and development) are well formed and honest about their corpus.

A question set is only worth its figures if every label in it is true: the expected article or docs
page exists, the `section` names a real heading of the first expected article, and every fact a
correct answer must state is actually written in that article. These tests read the YAML and the
corpus files directly (no engine), so they check the sets themselves, not the assistant.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import DATA, DOCS, REPO, needs_docs

CORPUS = REPO / "corpus"
ANSWERS = DATA / "answers_holdout.yaml"
NEAR_MISS = DATA / "near_miss_holdout.yaml"
DOCS_LEARNER = DATA / "docs_learner_holdout.yaml"
# development sets, each by a fresh author (issue 10): in_scope, near_miss and out_of_scope in one file, and
# the learner questions over the docs written with it
DEV_SETS = ["", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"]
ANSWERS_DEVS = [DATA / f"answers_dev{n}.yaml" for n in DEV_SETS]
DOCS_LEARNER_DEVS = [DATA / f"docs_learner_dev{n}.yaml" for n in DEV_SETS]
ANSWER_SETS = [ANSWERS, *ANSWERS_DEVS]
NEAR_MISS_SETS = [NEAR_MISS, *ANSWERS_DEVS]
DOCS_LEARNER_SETS = [DOCS_LEARNER, *DOCS_LEARNER_DEVS]

ANSWER_KINDS = {"polite", "casual", "long", "problem", "english", "mixed", "typo", "howto", "value",
                "shortname"}
OPTIONAL_ANSWER_KINDS = {"compare"}  # allowed, but not required in every set
NEAR_MISS_KINDS = {"polite", "casual", "long", "problem", "english", "mixed", "typo", "howto"}
DOCS_KINDS = {"overview", "problem", "casual", "task", "howto", "concept", "trouble", "english"}

FENCE = re.compile(r"^(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{#[^}]*\})?\s*$")


def normalize(text: str) -> str:
    """The comparison form of the evaluation: NFKC, lowercase, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


def split_front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter and the Markdown body of a corpus or docs file."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            meta = yaml.safe_load(text[3:end]) or {}
            return (meta if isinstance(meta, dict) else {}), text[end + 4:]
    return {}, text


def headings(body: str) -> list[str]:
    """Heading texts of a Markdown body, skipping lines inside fenced code blocks."""
    found, in_code = [], False
    for line in body.splitlines():
        if FENCE.match(line.strip()):
            in_code = not in_code
            continue
        match = None if in_code else HEADING.match(line)
        if match:
            found.append(match.group(2))
    return found


def load_guide() -> dict[str, tuple[str, list[str]]]:
    """{article id: (body, headings)} for the shipped guide corpus."""
    articles = {}
    for path in sorted(CORPUS.glob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        articles[str(meta["id"])] = (body, headings(body))
    return articles


def load_items(path: Path, key: str) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get(key), list), f"{path.name}: needs a `{key}:` list"
    return data[key]


GUIDE = load_guide()
ANSWER_ITEMS = {path.name: load_items(path, "in_scope") for path in ANSWER_SETS}
NEAR_MISS_ITEMS = {path.name: load_items(path, "near_miss") for path in NEAR_MISS_SETS}
DOCS_ITEMS = {path.name: load_items(path, "in_scope") for path in DOCS_LEARNER_SETS}
answer_sets = pytest.mark.parametrize("name", list(ANSWER_ITEMS))
near_miss_sets = pytest.mark.parametrize(
    "name, answers", [(near.name, answers.name) for near, answers in zip(NEAR_MISS_SETS, ANSWER_SETS)])
docs_sets = pytest.mark.parametrize("name", list(DOCS_ITEMS))


def label(item: dict) -> str:
    return item.get("q", "?")


# --- answers_holdout.yaml, answers_dev.yaml ------------------------------------------------------

@answer_sets
def test_answer_set_size_and_coverage_of_every_article(name):
    assert len(ANSWER_ITEMS[name]) >= 100
    per_article = Counter(item["expect"][0] for item in ANSWER_ITEMS[name])
    thin = {doc_id: per_article[doc_id] for doc_id in GUIDE if per_article[doc_id] < 4}
    assert not thin, f"articles with fewer than 4 held-out questions: {thin}"


@answer_sets
def test_answer_items_have_the_documented_shape(name):
    bad = []
    for item in ANSWER_ITEMS[name]:
        ok = (set(item) <= {"q", "expect", "section", "facts", "kind"}
              and isinstance(item.get("q"), str) and item["q"].strip()
              and isinstance(item.get("expect"), list) and item["expect"]
              and isinstance(item.get("section"), str) and item["section"].strip()
              and item.get("kind") in ANSWER_KINDS | OPTIONAL_ANSWER_KINDS
              and isinstance(item.get("facts"), list) and 1 <= len(item["facts"]) <= 3
              and all(isinstance(fact, list) and fact and all(isinstance(v, str) and v.strip() for v in fact)
                      for fact in item["facts"]))
        if not ok:
            bad.append(label(item))
    assert not bad, f"malformed items: {bad}"


@answer_sets
def test_answer_questions_are_unique(name):
    counts = Counter(normalize(item["q"]) for item in ANSWER_ITEMS[name])
    assert not [q for q, n in counts.items() if n > 1]


@answer_sets
def test_answer_set_mixes_the_ways_learners_ask(name):
    kinds = Counter(item["kind"] for item in ANSWER_ITEMS[name])
    missing = {kind: kinds[kind] for kind in ANSWER_KINDS if kinds[kind] < 5}
    assert not missing, f"kinds with fewer than 5 questions: {missing}"


@answer_sets
def test_every_expected_article_exists(name):
    unknown = [(label(item), doc_id) for item in ANSWER_ITEMS[name] for doc_id in item["expect"]
               if doc_id not in GUIDE]
    assert not unknown, f"unknown article ids: {unknown}"


@answer_sets
def test_every_section_label_matches_a_heading_of_the_first_expected_article(name):
    wrong = []
    for item in ANSWER_ITEMS[name]:
        _, heads = GUIDE[item["expect"][0]]
        if not any(item["section"] in heading for heading in heads):
            wrong.append((label(item), item["expect"][0], item["section"]))
    assert not wrong, f"section labels that match no heading: {wrong}"


@answer_sets
def test_every_fact_is_stated_in_the_first_expected_article(name):
    missing = []
    for item in ANSWER_ITEMS[name]:
        body = normalize(GUIDE[item["expect"][0]][0])
        for fact in item["facts"]:
            if not any(normalize(variant) in body for variant in fact):
                missing.append((label(item), fact))
    assert not missing, f"facts that the article never states: {missing}"


# --- near_miss_holdout.yaml, answers_dev.yaml (near_miss) -----------------------------------------

@near_miss_sets
def test_near_miss_set_shape_and_size(name, answers):
    assert len(NEAR_MISS_ITEMS[name]) >= 60
    bad = [label(item) for item in NEAR_MISS_ITEMS[name]
           if set(item) != {"q", "kind", "topic"} or item["kind"] not in NEAR_MISS_KINDS
           or not str(item["q"]).strip() or not str(item["topic"]).strip()]
    assert not bad, f"malformed near-miss items: {bad}"
    counts = Counter(normalize(item["q"]) for item in NEAR_MISS_ITEMS[name])
    assert not [q for q, n in counts.items() if n > 1]


@near_miss_sets
def test_near_miss_topics_have_no_section_of_their_own_in_the_guide(name, answers):
    """A topic that some guide heading names is covered, so it cannot be a near miss."""
    all_headings = [normalize(heading) for body, heads in GUIDE.values() for heading in heads]
    covered = [(item["topic"], heading) for item in NEAR_MISS_ITEMS[name] for heading in all_headings
               if normalize(item["topic"]) in heading]
    assert not covered, f"near-miss topics named by a guide heading: {covered}"


@near_miss_sets
def test_near_miss_questions_do_not_repeat_in_scope_questions(name, answers):
    in_scope = {normalize(item["q"]) for item in ANSWER_ITEMS[answers]}
    assert not [item["q"] for item in NEAR_MISS_ITEMS[name] if normalize(item["q"]) in in_scope]


# --- docs_learner_holdout.yaml, docs_learner_dev.yaml ---------------------------------------------

@docs_sets
def test_docs_learner_set_shape_and_mix(name):
    assert len(DOCS_ITEMS[name]) >= 50
    bad = [label(item) for item in DOCS_ITEMS[name]
           if set(item) != {"q", "expect", "kind"} or item["kind"] not in DOCS_KINDS
           or not isinstance(item["expect"], list) or not item["expect"]
           or any(not isinstance(p, str) or p.startswith("/") or not p.endswith(".md") for p in item["expect"])]
    assert not bad, f"malformed docs items: {bad}"
    kinds = Counter(item["kind"] for item in DOCS_ITEMS[name])
    assert kinds["overview"] >= 8, "needs at least 8 'what is Kubernetes / why use it' questions"
    assert kinds["problem"] >= 15, "needs at least 15 problem descriptions without the concept's name"
    assert kinds["casual"] >= 5
    counts = Counter(normalize(item["q"]) for item in DOCS_ITEMS[name])
    assert not [q for q, n in counts.items() if n > 1]


@needs_docs()
@docs_sets
def test_every_expected_docs_page_exists(name):
    missing = [(label(item), page) for item in DOCS_ITEMS[name] for page in item["expect"]
               if not (DOCS / page).is_file()]
    assert not missing, f"expected docs pages that are not in {DOCS}: {missing}"


@needs_docs()
@docs_sets
def test_overview_questions_expect_an_overview_page(name):
    overview = {"concepts/overview/_index.md", "concepts/overview/components.md"}
    wrong = [label(item) for item in DOCS_ITEMS[name]
             if item["kind"] == "overview" and not overview & set(item["expect"])]
    assert not wrong, f"overview questions that do not expect the overview page: {wrong}"


@pytest.mark.parametrize("path", [ANSWERS, NEAR_MISS, DOCS_LEARNER, *ANSWERS_DEVS, *DOCS_LEARNER_DEVS],
                         ids=lambda p: p.name)
def test_sets_say_they_are_held_out(path):
    """Each file opens by saying what is held out (itself, or for a development set the *_holdout files),
    so nobody tunes on a held-out set by accident."""
    head = path.read_text(encoding="utf-8").splitlines()[:5]
    assert any("held out" in line.lower() or "held-out" in line.lower() for line in head)
