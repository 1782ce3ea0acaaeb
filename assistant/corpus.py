"""Load: turn corpus files into documents.

Three inputs are understood: Markdown with YAML front matter (our corpus), a folder of Hugo-style
docs (front matter plus shortcodes), and a single guide-index file whose ``###`` headings link to
articles. A damaged file is reported by name and skipped; every other file still loads.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path


MARKDOWN_SUFFIXES = (".md", ".markdown")
MAX_FILE_BYTES = 2 * 1024 * 1024  # larger files are read up to this size, with a notice
SYNONYM_FILE_NAMES = ("synonyms.yaml", "synonyms.yml")
CONCEPT_FILE_NAMES = ("concepts.yaml", "concepts.yml")


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


@dataclass(frozen=True)
class Problem:
    """A file that could not be read as it should, said in Japanese for the user."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Corpus:
    """Documents of one or more corpus roots, plus what went wrong while reading them."""

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    synonym_files: list[Path] = field(default_factory=list)


class CorpusError(Exception):
    """A corpus path that cannot be used at all (missing, unreadable, empty)."""


def default_corpus_path() -> Path:
    """The guide corpus shipped inside the package (``corpus/`` in a checkout)."""
    packaged = Path(__file__).resolve().parent / "data"  # installed: the corpus is package data
    if packaged.is_dir() and any(packaged.glob("*.md")):
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "corpus"
    return checkout if checkout.is_dir() else packaged


# --- reading files -------------------------------------------------------------------------------

def _read_text(path: Path, shown: str) -> tuple[str | None, bytes, Problem | None]:
    """Read a file as UTF-8; return (text, raw bytes, problem). Binary or non-UTF-8 files are refused."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, b"", Problem(shown, f"読み込めませんでした（{exc.strerror or exc}）")
    problem = None
    if len(raw) > MAX_FILE_BYTES:
        raw = raw[:MAX_FILE_BYTES]
        problem = Problem(shown, f"大きすぎるため先頭 {MAX_FILE_BYTES // (1024 * 1024)} MB だけを読みました")
    if b"\x00" in raw[:8192]:
        return None, raw, Problem(shown, "バイナリファイルのようなので読み飛ばしました")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if problem is not None and exc.start >= len(raw) - 4:
            text = raw[: exc.start].decode("utf-8")  # cut inside a character by the size limit
        else:
            return None, raw, Problem(shown, "UTF-8 ではないため読み飛ばしました（Shift_JIS などは UTF-8 に変換してください）")
    if not text.strip():
        return None, raw, Problem(shown, "空のファイルなので読み飛ばしました")
    return text.replace("\r\n", "\n").replace("\r", "\n"), raw, problem


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split YAML front matter from the body. Raises ValueError when the front matter is invalid."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    import yaml

    try:
        meta = yaml.load(match.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ValueError("フロントマター（先頭の YAML）が壊れています") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("フロントマター（先頭の YAML）が「キー: 値」の形になっていません")
    return meta, text[match.end():]


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


def _glossary_titles(root: Path) -> dict[str, str]:
    """term_id -> title for a Hugo docs tree, so tooltip shortcodes without text read naturally."""
    folder = root / "reference" / "glossary"
    titles: dict[str, str] = {}
    if not folder.is_dir():
        return titles
    for file in folder.glob("*.md"):
        try:
            meta, _ = split_front_matter(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        title = meta.get("title")
        if isinstance(title, str):
            titles[meta.get("id") or file.stem] = title.strip()
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


def parse_markdown(text: str, rel_path: str, base_url: str | None,
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
    )


_GUIDE_HEADING = re.compile(r"^###\s+\[(?P<title>[^\]]+)\]\((?P<link>[^)]*)\)\s*$")
_PAGE_LINE = re.compile(r"^page:\s*(\S+)\s*$", re.M)


def is_guide_index(text: str) -> bool:
    """A guide index links its articles from ``### [title](link)`` headings."""
    return sum(1 for line in text.splitlines() if _GUIDE_HEADING.match(line.strip())) >= 2


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


# --- walking corpus roots ------------------------------------------------------------------------

def _walk_markdown(root: Path) -> tuple[list[Path], list[Problem]]:
    """Markdown files below root, sorted, following symlinks safely (loops are reported, not followed)."""
    found: list[Path] = []
    problems: list[Problem] = []
    seen_dirs: set[tuple[int, int]] = set()

    def walk(folder: Path) -> None:
        try:
            info = folder.stat()
        except OSError as exc:
            problems.append(Problem(str(folder), f"フォルダを開けません（{exc.strerror or exc}）"))
            return
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            problems.append(Problem(_rel(folder, root), "シンボリックリンクがループしているため読み飛ばしました"))
            return
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(_rel(folder, root), f"フォルダを開けません（{exc.strerror or exc}）"))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                problems.append(Problem(_rel(path, root), "シンボリックリンクがループしているため読み飛ばしました"))
                continue
            if is_dir:
                walk(path)
            elif is_file and path.suffix.lower() in MARKDOWN_SUFFIXES:
                found.append(path)
            elif not is_file and not is_dir and entry.is_symlink():
                problems.append(Problem(_rel(path, root), "リンク先がないか、ループしているため読み飛ばしました"))

    walk(root)
    return found, problems


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def load_corpus(paths: list[Path], base_url: str | None = None) -> Corpus:
    """Read every corpus root (folder or file) into documents. Raises CorpusError for unusable roots."""
    corpus = Corpus()
    for root in paths:
        _load_root(Path(root), base_url, corpus)
    if not corpus.documents:
        shown = "、".join(str(p) for p in paths)
        raise CorpusError(f"コーパス {shown} から読める文書が見つかりませんでした")
    return corpus


def _load_root(root: Path, base_url: str | None, corpus: Corpus) -> None:
    if not root.exists():
        raise CorpusError(f"コーパスのパス {root} が見つかりません")
    if root.is_file():
        files, base = [root], root.parent
    elif root.is_dir():
        files, problems = _walk_markdown(root)
        corpus.problems.extend(problems)
        base = root
        if not files:
            raise CorpusError(f"フォルダ {root} に Markdown ファイル（.md）がありません")
        corpus.synonym_files.extend(p for p in (root / n for n in SYNONYM_FILE_NAMES) if p.is_file())
    else:
        raise CorpusError(f"コーパスのパス {root} はファイルでもフォルダでもありません")
    glossary = _glossary_titles(base) if root.is_dir() else {}
    for file in files:
        rel = _rel(file, base)
        text, _raw, problem = _read_text(file, rel)
        if problem is not None:
            corpus.problems.append(problem)
        if text is None:
            continue
        try:
            if is_guide_index(text):
                corpus.documents.extend(parse_guide_index(text, rel))
            else:
                corpus.documents.append(parse_markdown(text, rel, base_url, glossary))
        except ValueError as exc:
            corpus.problems.append(Problem(rel, f"{exc}。このファイルは読み飛ばしました"))


Manifest = dict[str, list]  # file path -> [size, mtime_ns, ctime_ns, inode, sha256]


def fingerprint_files(paths: list[Path], manifest: Manifest | None = None) -> list[tuple[str, str]]:
    """(path, sha256) of every file a load would read: the corpus part of the cache key, without
    parsing anything. This runs on every warm start: a file whose size, times and inode are those
    recorded in ``manifest`` keeps its recorded digest instead of being read again; ``manifest``
    is updated in place."""
    out: list[tuple[str, str]] = []
    known = manifest if manifest is not None else {}

    def _digest(path: str) -> str:
        try:
            info = os.stat(path)
        except OSError:
            return "unreadable"
        stamp = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        seen = known.get(path)
        if seen is not None and seen[:4] == stamp:
            return seen[4]
        digest = _read_digest(path)
        known[path] = [*stamp, digest]
        return digest

    for root in paths:
        root_s = os.fspath(root)
        if os.path.isfile(root_s):
            out.append((f"{root_s}:{os.path.basename(root_s)}", _digest(root_s)))
            continue
        if not os.path.isdir(root_s):
            raise CorpusError(f"コーパスのパス {root} が見つかりません")
        prefix = len(root_s.rstrip(os.sep)) + 1
        for name in SYNONYM_FILE_NAMES + CONCEPT_FILE_NAMES:
            candidate = os.path.join(root_s, name)
            if os.path.isfile(candidate):
                out.append((f"{root_s}:{name}", _digest(candidate)))
        seen: set[tuple[int, int]] = set()
        stack = [root_s]
        while stack:
            folder = stack.pop()
            try:
                info = os.stat(folder)
                if (info.st_dev, info.st_ino) in seen:
                    continue
                seen.add((info.st_dev, info.st_ino))
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        stack.append(entry.path)
                    elif entry.name.lower().endswith(MARKDOWN_SUFFIXES):
                        out.append((f"{root_s}:{entry.path[prefix:]}", _digest(entry.path)))
                except OSError:
                    out.append((f"{root_s}:{entry.path[prefix:]}", "unreadable"))
    return out


def _read_digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read(MAX_FILE_BYTES + 1)).hexdigest()
    except OSError:
        return "unreadable"
