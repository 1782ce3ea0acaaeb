"""The shipped guide corpus: one valid article per outline entry, well-formed Markdown, parseable YAML."""

from __future__ import annotations

import re

import pytest
import yaml

from assistant.corpus import default_corpus_path, split_front_matter
from conftest import SHARED

CORPUS = default_corpus_path()
ARTICLES = sorted(CORPUS.glob("*.md"))
OUTLINE = SHARED / "guide-outline.yaml"
FENCE = re.compile(r"^\s{0,3}(```|~~~)(.*)$")


def _outline() -> list[dict]:
    data = yaml.safe_load(OUTLINE.read_text("utf-8"))
    return [dict(a, chapter=c["title"]) for c in data["chapters"] for a in c["articles"]]


def _parse(path):
    meta, body = split_front_matter(path.read_text("utf-8"))
    return meta, body


def test_nineteen_articles_with_unique_ids_and_orders():
    metas = [_parse(p)[0] for p in ARTICLES]
    assert len(ARTICLES) == 19
    assert len({m["id"] for m in metas}) == 19
    assert sorted(m["order"] for m in metas) == list(range(1, 20))
    for m in metas:
        assert {"id", "title", "chapter", "order", "source"} <= set(m)
        assert m["source"].startswith("https://")


@pytest.mark.skipif(not OUTLINE.is_file(), reason=f"the outline is not at {OUTLINE} (../shared absent)")
def test_every_outline_article_is_present_once_with_its_id_title_chapter_and_source():
    metas = {m["id"]: m for m in (_parse(p)[0] for p in ARTICLES)}
    for order, entry in enumerate(_outline(), 1):
        m = metas[entry["id"]]
        assert (m["title"], m["chapter"], m["source"], m["order"]) == (entry["title"], entry["chapter"], entry["source"], order)


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_article_is_long_sectioned_and_well_formed(path):
    _, body = _parse(path)
    assert len(re.sub(r"\s", "", body)) >= 1500
    sections = re.findall(r"^## .+$", body, re.M)
    assert len(sections) >= 3
    # No empty section: every heading is followed by text before the next heading of any level.
    in_fence = False
    last_heading, has_text = None, True
    for line in body.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and re.match(r"^#{2,6} ", line):
            assert has_text, f"empty section before {line!r} (after {last_heading!r})"
            last_heading, has_text = line, False
        elif line.strip():
            has_text = True
    assert has_text, f"empty last section {last_heading!r}"
    assert not in_fence, "a code block is not closed"


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_yaml_snippets_parse(path):
    _, body = _parse(path)
    blocks, current, lang = [], None, ""
    for line in body.splitlines():
        match = FENCE.match(line)
        if match and current is None:
            current, lang = [], match.group(2).strip().lower()
        elif match:
            if lang in ("yaml", "yml"):
                blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    for block in blocks:
        list(yaml.safe_load_all(block))


def test_synonym_file_is_a_mapping_of_lists():
    data = yaml.safe_load((CORPUS / "synonyms.yaml").read_text("utf-8"))
    assert isinstance(data, dict) and all(isinstance(v, list) and v for v in data.values())
    assert all(isinstance(x, str) for v in data.values() for x in v), "quote YAML words like no/yes/on"


@pytest.mark.skipif(not (SHARED / "seed").is_dir(), reason="the guide index text is not in ../shared")
def test_no_sentence_is_copied_from_the_guide_index():
    seed = next((SHARED / "seed").glob("*.txt")).read_text("utf-8")
    sentences = {s.strip() for s in re.split(r"[。\n]", seed) if len(s.strip()) >= 25}
    for path in ARTICLES:
        text = path.read_text("utf-8")
        assert not [s for s in sentences if s in text], path.name
