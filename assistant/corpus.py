"""Load: turn corpus files into documents.

Three inputs are understood: Markdown with YAML front matter (our corpus), a folder of Hugo-style
docs (front matter plus shortcodes), and a single guide-index file whose ``###`` headings link to
articles. A damaged file is reported by name and skipped; every other file still loads.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .files import (CONCEPT_FILE_NAMES, MARKDOWN_SUFFIXES, MAX_FILE_BYTES, NOT_REGULAR,  # noqa: F401 - re-exported
                    NOT_REGULAR_MESSAGE, SYNONYM_FILE_NAMES, UNREADABLE, CorpusError, Listing, Manifest, Problem, _rel,
                    digest_of, file_key, fingerprint_files, list_root, listed_files, read_bytes, shown_name)
from .paths import default_corpus_path  # noqa: F401 - re-exported: callers import it from here

MAX_FRONT_MATTER_CHARS = 1_000_000  # front matter larger than this is refused, not parsed


@dataclass(frozen=True)
class Document:
    """One article or page: the unit a link points to."""

    doc_id: str
    title: str
    body: str
    path: str  # relative to its corpus root
    source: str | None = None
    chapter: str = ""
    order: int = 0
    description: str = ""
    kind: str = ""  # Hugo content_type: task, tutorial, concept, reference ("" when unknown)
    kubernetes: str = ""  # Kubernetes version the article was checked against, e.g. "1.34"
    checked: str = ""  # date of that check, ISO "YYYY-MM-DD"
    explained_at: str = ""  # a glossary entry's full_link: the page that explains its term ("concepts/storage/pv")


@dataclass
class Corpus:
    """Documents of one or more corpus roots, plus what went wrong while reading them."""

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    synonym_files: list[Path] = field(default_factory=list)
    read_digests: dict[str, str] = field(default_factory=dict)  # file key -> sha256 of the bytes read


# --- reading files -------------------------------------------------------------------------------

def _decode(raw: bytes, shown: str) -> tuple[str | None, Problem | None]:
    """Bytes read from a file as text; binary or non-UTF-8 files are refused with a problem."""
    problem = None
    if len(raw) > MAX_FILE_BYTES:
        raw = raw[:MAX_FILE_BYTES]
        problem = Problem(shown, f"大きすぎるため先頭 {MAX_FILE_BYTES // (1024 * 1024)} MB だけを読みました")
    if b"\x00" in raw[:8192]:
        return None, Problem(shown, "バイナリファイルのようなので読み飛ばしました")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if problem is not None and exc.start >= len(raw) - 4:
            text = raw[: exc.start].decode("utf-8-sig")  # cut inside a character by the size limit
        else:
            return None, Problem(shown, "UTF-8 ではないため読み飛ばしました（Shift_JIS などは UTF-8 に変換してください）")
    if not text.strip():
        return None, Problem(shown, "空のファイルなので読み飛ばしました")
    return text.replace("\r\n", "\n").replace("\r", "\n"), problem


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split YAML front matter from the body. Raises ValueError when the front matter is invalid."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml

    front = match.group(1)
    if len(front) > MAX_FRONT_MATTER_CHARS:
        raise ValueError(f"フロントマター（先頭の YAML）が大きすぎます（{MAX_FRONT_MATTER_CHARS:,} 文字まで）")
    # An alias needs an anchor (&name); without one the fast C loader is safe. With one, the pure
    # Python loader refuses aliases, so "billion laughs" cannot expand into gigabytes.
    loader = _no_alias_loader() if "&" in front else getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        meta = yaml.load(front, Loader=loader)
    except (yaml.YAMLError, RecursionError) as exc:
        if isinstance(exc, _AliasRefused):
            raise ValueError("フロントマター（先頭の YAML）のエイリアス（*名前）は使えません") from exc
        raise ValueError("フロントマター（先頭の YAML）が壊れています") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("フロントマター（先頭の YAML）が「キー: 値」の形になっていません")
    return meta, text[match.end():]


class _AliasRefused(Exception):
    """Front matter used a YAML alias (``*name``)."""


_NO_ALIAS_LOADER: type | None = None


def _no_alias_loader() -> type:
    """A safe YAML loader that refuses aliases (made once, on first use)."""
    global _NO_ALIAS_LOADER
    if _NO_ALIAS_LOADER is None:
        import yaml

        class AliasRefused(yaml.YAMLError, _AliasRefused):
            pass

        class NoAliasLoader(yaml.SafeLoader):
            def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
                if self.check_event(yaml.AliasEvent):
                    raise AliasRefused("alias")
                return super().compose_node(parent, index)

        _NO_ALIAS_LOADER = NoAliasLoader
    return _NO_ALIAS_LOADER


# --- Hugo markup ---------------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w\-./]+)((?:[^{}]|\{(?!\{))*?)\s*[>%]\}\}", re.S)
_TEXT_ATTR = re.compile(r"""\btext\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TERM_ATTR = re.compile(r"""\bterm_id\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def strip_hugo(text: str, glossary: dict[str, str] | None = None) -> str:
    """Reduce Hugo shortcodes to their visible text and drop HTML comments."""
    text = _COMMENT.sub("", text)

    def visible(match: re.Match[str]) -> str:
        args = match.group(3) or ""
        found = _TEXT_ATTR.search(args)
        if found:
            return found.group(1) if found.group(1) is not None else found.group(2)
        term = _TERM_ATTR.search(args)
        if term:
            term_id = term.group(1) if term.group(1) is not None else term.group(2)
            return (glossary or {}).get(term_id, term_id.replace("-", " "))
        return ""

    return _SHORTCODE.sub(visible, text)


def hugo_url(base_url: str, rel_path: str, slug: str | None) -> str:
    """The public address of a Hugo page: base + path without .md; _index.md is its folder."""
    parts = rel_path.replace(os.sep, "/").split("/")
    name = parts[-1]
    stem = name.rsplit(".", 1)[0]
    folders = parts[:-1]
    if stem in ("_index", "index"):
        if slug and folders:
            folders[-1] = slug
        tail = "/".join(folders)
    else:
        tail = "/".join(folders + [slug or stem])
    base = base_url if base_url.endswith("/") else base_url + "/"
    return base + (tail + "/" if tail else "")


_SITE_DOCS = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]{2,4})?/)?docs/")  # /docs/ or /ja/docs/, /zh-cn/docs/


def page_key(link: str) -> str:
    """A docs page's address as a key, from a site link (``/docs/concepts/storage/pv/#x``, ``/ja/docs/…``)
    or a relative path (``concepts/storage/pv.md``, ``concepts/_index.md``): ``concepts/storage/pv``. ""
    for an outside link."""
    link = link.strip().replace("\\", "/")
    if not link or "://" in link or link.startswith("//"):
        return ""
    link = link.split("#", 1)[0].split("?", 1)[0]
    link = _SITE_DOCS.sub("", link, count=1)
    if link.endswith(".md"):
        link = link[:-3]
        if link == "_index" or link == "index" or link.endswith(("/_index", "/index")):
            link = link.rsplit("index", 1)[0].rstrip("_")
    return link.strip("/")


GLOSSARY_FOLDER = "reference/glossary/"


def _glossary_titles(texts: list[tuple[str, str]]) -> dict[str, str]:
    """term_id -> title for a Hugo docs tree, so tooltip shortcodes without text read naturally.
    Taken from the glossary pages already read (``reference/glossary/*.md``), never read twice."""
    titles: dict[str, str] = {}
    for rel, text in texts:
        name = rel[len(GLOSSARY_FOLDER):] if rel.startswith(GLOSSARY_FOLDER) else ""
        if not name or "/" in name or not name.endswith(".md"):
            continue
        try:
            meta, _ = split_front_matter(text)
        except ValueError:
            continue
        title = meta.get("title")
        if isinstance(title, str):
            titles[_str(meta.get("id")) or name[:-3]] = title.strip()
    return titles


# --- the three inputs ----------------------------------------------------------------------------

def _str(value: object) -> str:
    return "" if value is None else str(value).strip()


def _stamp(value: object, limit: int = 20) -> str:
    """A short front-matter value (version or date) as a string; anything longer or nested is dropped."""
    if isinstance(value, (dict, list, tuple, set)):
        return ""
    text = _str(value)
    return text if len(text) <= limit else ""


def _first_heading(body: str) -> tuple[str | None, str]:
    """Take a leading ``# Title`` line off the body, if there is one."""
    match = re.match(r"\A\s*#\s+(.+?)\s*#*\s*\n", body + "\n")
    if match:
        return match.group(1), body[match.end():]
    return None, body


def markdown_document(text: str, rel_path: str, base_url: str | None,
                   glossary: dict[str, str] | None = None) -> Document:
    """One Markdown file (ours or Hugo's) as a document. Raises ValueError on bad front matter."""
    meta, body = split_front_matter(text)
    body = strip_hugo(body, glossary)
    heading, rest = _first_heading(body)
    title = _str(meta.get("title")) or heading or Path(rel_path).stem
    if heading and heading.strip() == title:
        body = rest
    source = _str(meta.get("source")) or None
    if source is None and base_url:
        source = hugo_url(base_url, rel_path, _str(meta.get("slug")) or None)
    order = meta.get("order")
    return Document(
        doc_id=_str(meta.get("id")) or rel_path,
        title=strip_hugo(title, glossary),
        body=body,
        path=rel_path,
        source=source,
        chapter=_str(meta.get("chapter")),
        order=order if isinstance(order, int) else 0,
        description=strip_hugo(_str(meta.get("description")), glossary),
        kind=_str(meta.get("content_type")).lower(),
        kubernetes=_stamp(meta.get("kubernetes")),
        checked=_stamp(meta.get("checked")),
        explained_at=page_key(_stamp(meta.get("full_link") or meta.get("full-link"), 300)),
    )


_GUIDE_HEADING = re.compile(r"^###\s+\[(?P<title>[^\]]+)\]\((?P<link>[^)]*)\)\s*$")
_PAGE_LINE = re.compile(r"^page:\s*(\S+)\s*$", re.M)


def is_guide_index(text: str) -> bool:
    """A guide index links its articles from ``### [title](link)`` headings."""
    if "###" not in text:  # (asked of every file: most hold no such heading at all)
        return False
    return sum(1 for line in text.splitlines() if "###" in line and _GUIDE_HEADING.match(line.strip())) >= 2


def parse_guide_index(text: str, rel_path: str) -> list[Document]:
    """One document per linked article of a guide-index file."""
    page = _PAGE_LINE.search(text)
    guide_url = page.group(1) if page else None
    documents: list[Document] = []
    chapter = ""
    current: dict | None = None
    lines: list[str] = []

    def flush() -> None:
        if current is not None:
            order = len(documents) + 1
            documents.append(Document(
                doc_id=f"{rel_path}#{order}", title=current["title"], body="\n".join(lines).strip(),
                path=rel_path, source=current["link"] or guide_url, chapter=current["chapter"], order=order))

    for line in text.splitlines():
        stripped = line.strip()
        heading = _GUIDE_HEADING.match(stripped)
        if heading:
            flush()
            current = {"title": heading.group("title").strip(), "link": heading.group("link").strip(),
                       "chapter": chapter}
            lines = []
        elif stripped.startswith("## ") or stripped.startswith("# "):
            flush()
            current = None
            lines = []
            if stripped.startswith("## "):
                chapter = stripped[3:].strip()
        elif stripped == "[:contents]" or _PAGE_LINE.match(stripped):
            continue
        elif current is not None:
            lines.append(line)
    flush()
    return documents


def load_corpus(paths: list[Path], base_url: str | None = None) -> Corpus:
    """Read every corpus root (folder or file) into documents. Raises CorpusError for unusable roots.

    Each file is read once (a docs folder's glossary pages are read once more, first); the sha256
    of the bytes read goes into ``read_digests`` so the cache can prove the index was built from
    the content its key names. Two documents with the same ``id`` are reported and the later one
    gets a unique id. (``index.build_corpus_index`` does the same work in parallel.)"""
    corpus = Corpus()
    roots: list[str] = []
    for root in paths:
        before = len(corpus.documents)
        _load_root(Path(root), base_url, corpus)
        roots.extend([os.fspath(root)] * (len(corpus.documents) - before))
    finish_corpus(corpus, paths, roots)
    return corpus


def finish_corpus(corpus: Corpus, paths: list[Path], roots: list[str]) -> None:
    """After every root is loaded: refuse a corpus without documents (CorpusError), and give each
    document its own id (``roots`` names each document's root)."""
    if not corpus.documents:
        shown = "、".join(shown_name(os.fspath(p)) for p in paths)
        raise CorpusError(f"コーパス {shown} から読める文書が見つかりませんでした")
    _unique_ids(corpus, roots)


def _unique_ids(corpus: Corpus, roots: list[str]) -> None:
    """Give every document its own id: the table of contents and links open a document by id."""
    first: dict[str, int] = {}
    for i, doc in enumerate(corpus.documents):
        if doc.doc_id not in first:
            first[doc.doc_id] = i
            continue
        other = corpus.documents[first[doc.doc_id]]
        mine, theirs = doc.path, other.path
        if mine == theirs:  # the same relative path in two corpus roots
            mine, theirs = (shown_name(os.path.join(r, p)) for r, p in ((roots[i], mine), (roots[first[doc.doc_id]], theirs)))
        new_id = f"{doc.doc_id}@{doc.path}"
        n = 2
        while new_id in first:
            new_id, n = f"{doc.doc_id}@{doc.path}#{n}", n + 1
        first[new_id] = i
        corpus.documents[i] = replace(doc, doc_id=new_id)
        corpus.problems.append(Problem(mine, f"id「{doc.doc_id}」が {theirs} と重複しています。"
                                             f"このファイルは id「{new_id}」として扱います"))


def _load_root(root: Path, base_url: str | None, corpus: Corpus) -> None:
    listing = open_root(root, corpus)
    glossary = read_glossary(listing)
    loads = [load_file(path, _rel(path, listing.base), listing.root, base_url, glossary)
             for path in listing.files]
    add_loads(corpus, loads)


def open_root(root: Path, corpus: Corpus) -> Listing:
    """List one corpus root and record what listing found (problems, entries never opened) in
    ``corpus``. Raises CorpusError when the root cannot be used or a folder holds no Markdown."""
    listing = list_root(root)
    corpus.problems.extend(listing.problems)
    if is_folder(listing):
        if not listing.files and not listing.skipped:
            raise CorpusError(f"フォルダ {shown_name(listing.root)} に Markdown ファイル（.md）がありません")
        corpus.synonym_files.extend(p for p in (root / n for n in SYNONYM_FILE_NAMES) if p.is_file())
    for path, reason in listing.skipped:
        rel = _rel(path, listing.base)
        corpus.read_digests[file_key(listing.root, rel)] = reason
        corpus.problems.append(Problem(shown_name(rel), NOT_REGULAR_MESSAGE))
    return listing


def is_folder(listing: Listing) -> bool:
    """Whether a listed root is a folder (a single file is its own root)."""
    return listing.base == listing.root


def read_glossary(listing: Listing) -> dict[str, str]:
    """term_id -> title of a Hugo docs folder's glossary pages (empty for a single file). Read
    before any page is converted: every page's tooltips need it, whichever worker converts it."""
    if not is_folder(listing):
        return {}
    texts: list[tuple[str, str]] = []
    for path in listing.files:
        shown = shown_name(_rel(path, listing.base))
        if shown.startswith(GLOSSARY_FOLDER):
            raw, _ = read_bytes(path)
            text = _decode(raw, shown)[0] if raw is not None else None
            if text is not None:
                texts.append((shown, text))
    return _glossary_titles(texts)


@dataclass
class FileLoad:
    """What reading one corpus file gave: its digest, its documents and what went wrong.

    Problems found while reading come before problems found while parsing in a corpus's list
    (all files are read before any is parsed), so they are kept apart."""

    key: str  # file_key(root, rel)
    digest: str
    read_problems: list[Problem]
    documents: list[Document]
    parse_problem: Problem | None = None


def load_file(path: str, rel: str, root: str, base_url: str | None, glossary: dict[str, str]) -> FileLoad:
    """Read, decode and parse one corpus file (a guide index gives several documents). Never raises."""
    shown = shown_name(rel)
    raw, reason = read_bytes(path)
    load = FileLoad(file_key(root, rel), digest_of(raw, reason), [], [])
    if raw is None:
        message = NOT_REGULAR_MESSAGE if reason == NOT_REGULAR else f"読み込めませんでした（{reason}）"
        load.read_problems.append(Problem(shown, message))
        return load
    text, problem = _decode(raw, shown)
    if problem is not None:
        load.read_problems.append(problem)
    if text is None:
        return load
    try:
        if is_guide_index(text):
            load.documents.extend(parse_guide_index(text, shown))
        else:
            load.documents.append(markdown_document(text, shown, base_url, glossary))
    except ValueError as exc:
        load.parse_problem = Problem(shown, f"{exc}。このファイルは読み飛ばしました")
    return load


def add_loads(corpus: Corpus, loads: list[FileLoad]) -> None:
    """Add one root's file loads (in listing order) to ``corpus``, in the order a sequential load
    records them: every file's digest and read problems, then documents and parse problems."""
    for load in loads:
        corpus.read_digests[load.key] = load.digest
        corpus.problems.extend(load.read_problems)
    for load in loads:
        corpus.documents.extend(load.documents)
        if load.parse_problem is not None:
            corpus.problems.append(load.parse_problem)


def read_fingerprint(corpus: Corpus, fingerprint: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The fingerprint of what a load actually read: ``fingerprint``'s vocabulary entries plus the
    digests of the bytes the loader read. Equal to ``fingerprint`` when nothing changed between
    fingerprinting and reading."""
    return [(k, d) for k, d in fingerprint if k.startswith("vocabulary:")] + sorted(corpus.read_digests.items())
