"""Building an index: files -> documents and chunks -> vectors and BM25 -> directory."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag import texts
from rag.errors import DocumentError, InputError
from rag.ingest.catalog import CATALOG_NAME, load_catalog, place_names
from rag.ingest.embedcache import EmbeddingCache, Progress
from rag.ingest.formats import SUPPORTED_SUFFIXES
from rag.ingest.lawindex import INDEX_FILES, LawIndexEntry, load_law_index
from rag.ingest.loading import TEXT_SUFFIXES, read_text
from rag.ingest.reports import load_report
from rag.ingest.statutes import parse_statute
from rag.ingest.store import Manifest, write_index
from rag.ingest.versions import mark_versions
from rag.protocols import Encoder, VectorStore
from rag.search.bigrams import CharBigrams
from rag.search.lexical import BM25Index
from rag.text.numerals import ARTICLE_REF
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta, Document

SOURCE_SUFFIXES = SUPPORTED_SUFFIXES
STATUTE_MARKER = "<!-- INFO END -->"
_NOTES = ("README", "SOURCE", "LICENSE", "CHANGELOG")
_ARTICLE_LINE = re.compile(rf"^\s*{ARTICLE_REF}", re.MULTILINE)


@dataclass
class Corpus:
    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one message per unreadable file

    def metas(self) -> dict[str, DocMeta]:
        return {d.doc_id: d.meta for d in self.documents}


def discover(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}：文件或文件夹不存在")
        found = sorted(p for p in path.rglob("*") if p.suffix.lower() in SOURCE_SUFFIXES) if path.is_dir() else [path]
        files.extend(p for p in found if p.is_file() and not _is_housekeeping(p))
    if not files:
        raise InputError(f"{'、'.join(map(str, paths))} 下没有可收录的文件（支持 {' / '.join(SOURCE_SUFFIXES)}）")
    return files


def unsupported(paths: Sequence[Path]) -> list[str]:
    """One message per file in these folders that `discover` leaves out for its format."""
    found = (p for path in paths if path.is_dir() for p in sorted(path.rglob("*")))
    return [texts.FILE_UNSUPPORTED.format(name=p, suffix=p.suffix.lower() or "无扩展名",
                                          supported="、".join(SOURCE_SUFFIXES))
            for p in found if p.is_file() and p.suffix.lower() not in SOURCE_SUFFIXES and not _is_housekeeping(p)]


def _is_housekeeping(path: Path) -> bool:
    """Hidden files, a folder's README / SOURCE / LICENSE notes, catalogs and law indexes are not documents."""
    return (path.name.startswith(".") or path.name.upper().startswith(_NOTES)
            or path.name in (CATALOG_NAME, *INDEX_FILES))


def corpus_hash(files: Sequence[Path], settings: str) -> str:
    """Changes when any file, any catalog beside them, or the chunking settings change."""
    digest = hashlib.sha256(settings.encode())
    catalogs = sorted({f.parent / CATALOG_NAME for f in files if (f.parent / CATALOG_NAME).exists()})
    for path in sorted(files) + catalogs:
        digest.update(str(path.name).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class _Loader:
    """Reads each file as a statute or a report, caching catalogs and law indexes per folder."""

    def __init__(self, collection: str, max_chars: int) -> None:
        self.collection = collection
        self.max_chars = max_chars
        self._catalogs: dict[Path, dict[str, DocMeta]] = {}
        self._law_indexes: dict[Path, dict[str, LawIndexEntry]] = {}
        self._seen: set[str] = set()

    def load(self, path: Path) -> tuple[Document, list[Chunk]]:
        if is_statute(path):
            root = law_root(path)
            index = self._law_indexes.setdefault(root, load_law_index(root))
            document, chunks = parse_statute(path, root=root, index=index, collection=self.collection)
        else:
            catalog = self._catalogs.setdefault(path.parent, load_catalog(path.parent))
            document, chunks = load_report(path, doc_id=self._unique_id(path), meta=catalog.get(path.name),
                                           collection=self.collection, max_chars=self.max_chars)
        if document.doc_id in self._seen and is_statute(path):
            raise DocumentError(f"{path}：文档编号 {document.doc_id} 重复")
        self._seen.add(document.doc_id)
        return document, chunks

    def _unique_id(self, path: Path) -> str:
        doc_id = path.stem
        if doc_id in self._seen:
            doc_id = f"{path.stem}-{hashlib.sha1(str(path).encode()).hexdigest()[:6]}"
        return doc_id


def is_statute(path: Path) -> bool:
    """LawRefBook Markdown, or plain text whose lines start with 第X条 again and again."""
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return False
    head = read_text(path)[:20_000] if path.stat().st_size else ""
    return STATUTE_MARKER in head or len(_ARTICLE_LINE.findall(head)) >= 3


def law_root(path: Path) -> Path:
    """The nearest folder holding a law index (LawRefBook layout), else the file's own folder."""
    for folder in list(path.resolve().parents)[:6]:
        if any((folder / name).exists() for name in INDEX_FILES):
            return folder
    return path.resolve().parent


def load_corpus(files: Sequence[Path], *, collection: str, max_chars: int,
                progress: Progress | None = None) -> Corpus:
    corpus = Corpus()
    loader = _Loader(collection, max_chars)
    for done, path in enumerate(files, start=1):
        try:
            document, chunks = loader.load(path)
        except DocumentError as exc:
            corpus.skipped.append(str(exc))
            continue
        corpus.documents.append(document)
        corpus.chunks.extend(chunks)
        if progress:
            progress(done, len(files))
    corpus.documents = mark_versions(corpus.documents)
    return corpus


def passage_text(chunk: Chunk, meta: DocMeta) -> str:
    """What is embedded and keyword-indexed: the passage with its title, place and heading path."""
    places = place_names(meta.place)
    place = places[-1] if places and places[-1] not in meta.title else ""
    header = " ".join(part for part in (meta.title, place, chunk.label, " > ".join(chunk.section)) if part)
    return f"{header}\n{chunk.text}"


def statute_bigrams(corpus: Corpus) -> CharBigrams | None:
    """The statute ranker's phrase index over the articles' own text, for a collection of statutes only."""
    if not corpus.chunks or any(document.meta.kind != "statute" for document in corpus.documents):
        return None
    return CharBigrams.build([chunk.text for chunk in corpus.chunks])


def build_index(
    directory: Path,
    corpus: Corpus,
    *,
    encoder: Encoder,
    new_store: Callable[[int], VectorStore],
    cache: EmbeddingCache,
    tokenizer: Tokenizer,
    manifest: Manifest,
    progress: Progress | None = None,
) -> None:
    metas = corpus.metas()
    texts = [passage_text(c, metas[c.doc_id]) for c in corpus.chunks]
    store = new_store(encoder.dim)
    store.add(cache.encode(encoder, texts, progress=progress))
    lexical = BM25Index.build([tokenizer.tokens(t) for t in texts])
    bigrams = statute_bigrams(corpus)

    def write_parts(tmp: Path) -> None:
        store.save(tmp)
        lexical.save(tmp)
        if bigrams is not None:
            bigrams.save(tmp)

    write_index(directory, manifest, corpus.documents, corpus.chunks, write_parts)
