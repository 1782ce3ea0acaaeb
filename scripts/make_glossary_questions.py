#!/usr/bin/env python3
"""Generate one "<term>とは何ですか" question per glossary term of the Japanese Kubernetes docs.

Each question expects the glossary page itself and, when its ``full_link`` points at a page
that exists in the docs folder, that page too.

Usage (from the repository root)::

    python scripts/make_glossary_questions.py [--docs DOCS] [OUTPUT]

DOCS defaults to ../shared/corpora/k8s-docs-ja and OUTPUT to
tests/data/docs_glossary_questions.yaml, both relative to the repository root.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from assistant.corpus import page_key  # noqa: E402  (the engine's reading of a full_link)

DEFAULT_DOCS = REPO_ROOT.parent / "shared" / "corpora" / "k8s-docs-ja"
DEFAULT_OUTPUT = REPO_ROOT / "tests" / "data" / "docs_glossary_questions.yaml"
COMMAND = "python scripts/make_glossary_questions.py"


@dataclass(frozen=True)
class Question:
    q: str
    expect: list[str]


def front_matter(text: str) -> dict[str, object]:
    """Return the YAML front matter of a Hugo page ({} when there is none)."""
    if not text.startswith("---"):
        return {}
    parts = text.split("\n---", 1)
    if len(parts) < 2:
        return {}
    data = yaml.safe_load(parts[0].removeprefix("---"))
    return data if isinstance(data, dict) else {}


def resolve_link(link: str, docs: Path) -> str | None:
    """Map a docs URL such as /ja/docs/concepts/workloads/pods/ to a page path in ``docs``.

    Anchors are dropped; links to other sites, templated links and links to pages missing from the
    folder give None.
    """
    rel = page_key(link) if "{{" not in link else ""
    if not rel:
        return None
    for candidate in (f"{rel}/_index.md", f"{rel}/index.md", f"{rel}.md"):  # (index.md: a page bundle)
        if (docs / candidate).is_file():
            return candidate
    return None


def glossary_questions(docs: Path) -> list[Question]:
    questions: list[Question] = []
    for page in sorted((docs / "reference" / "glossary").glob("*.md")):
        rel = page.relative_to(docs).as_posix()
        meta = front_matter(page.read_text(encoding="utf-8"))
        title = str(meta.get("title") or "").strip()
        # Term pages have a title and a term id; the glossary's own index page has no id.
        if not title or not meta.get("id"):
            print(f"skipping {rel}: not a glossary term page (no title or id)", file=sys.stderr)
            continue
        expect = [rel]
        # (a few pages spell the key full-link)
        target = resolve_link(str(meta.get("full_link") or meta.get("full-link") or ""), docs)
        if target and target not in expect:
            expect.append(target)
        questions.append(Question(q=f"{title}とは何ですか", expect=expect))
    return questions


def render(questions: list[Question]) -> str:
    lines = [
        "# Generated file: do not edit by hand.",
        f"# Regenerate with: {COMMAND}",
        "# One question per term page of reference/glossary/ in the Japanese Kubernetes docs",
        "# (paths relative to the docs folder; see its NOTICE.md). expect = the glossary page,",
        "# plus the page its full_link points to when that page is in the folder.",
        "in_scope:",
    ]
    for question in questions:
        # A JSON string is a valid YAML double-quoted scalar.
        lines.append(f"  - q: {json.dumps(question.q, ensure_ascii=False)}")
        lines.append(f"    expect: [{', '.join(question.expect)}]")
        lines.append("    kind: glossary")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="docs folder (default: %(default)s)")
    parser.add_argument("output", type=Path, nargs="?", default=DEFAULT_OUTPUT, help="YAML file to write (default: %(default)s)")
    args = parser.parse_args(argv)

    docs: Path = args.docs
    if not (docs / "reference" / "glossary").is_dir():
        parser.error(f"{docs} has no reference/glossary folder")
    questions = glossary_questions(docs)
    text = render(questions)

    # The rendered text must read back as exactly what we meant to write.
    loaded = yaml.safe_load(text)["in_scope"]
    assert [(item["q"], item["expect"]) for item in loaded] == [(q.q, q.expect) for q in questions]

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    linked = sum(len(q.expect) > 1 for q in questions)
    print(f"wrote {len(questions)} questions ({linked} with a linked page) to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
