"""LAWQA_BACKEND=milvus: `lawqa index` writes each collection into Milvus, the engine searches it there.

What stays on disk, in the index directory as for FAISS: the manifest, documents
and chunks (the metadata every answer needs: titles, offsets, section paths),
`keyword_terms.json` (document frequencies, for the answer step's IDF) and
`milvus.json` (which Milvus collection holds this build). So the manifest's
checksums, the atomic swap and the hot reload work unchanged, and Milvus holds
only what grows with the corpus and is searched: vectors and BM25 postings.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from app.config import Settings
from embeddings.milvus_store import RECORD_FILE, MilvusRecord
from rag import texts
from rag.errors import IndexStateError
from rag.ingest.embedcache import EmbeddingCache, Progress
from rag.ingest.indexing import Corpus, passage_text, statute_bigrams
from rag.ingest.store import Manifest, write_index
from rag.protocols import Encoder, KeywordIndex, VectorSearch
from rag.search.keyword_stats import TermStats
from rag.text.tokenize import Tokenizer


def index_backend(directory: Path) -> str:
    return "milvus" if (directory / RECORD_FILE).exists() else "faiss"


def require_backend(settings: Settings, directory: Path) -> None:
    built = index_backend(directory)
    if built != settings.backend:
        raise IndexStateError(texts.BACKEND_MISMATCH.format(name=directory.name, built=built, wanted=settings.backend))


@lru_cache(maxsize=8)
def _client(uri: str, token: str, timeout: float) -> Any:
    from embeddings.milvus_store import connect, is_local

    if is_local(uri):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    return connect(uri, token, timeout)


def milvus_client(settings: Settings) -> Any:
    """One client per Milvus (and token) for the whole process, shared by every collection."""
    return _client(settings.milvus_target, settings.milvus_token, settings.milvus_timeout)


def build_milvus_index(settings: Settings, corpus: Corpus, *, encoder: Encoder, cache: EmbeddingCache,
                       tokenizer: Tokenizer, manifest: Manifest, progress: Progress | None = None) -> None:
    """Like rag.ingest.indexing.build_index, with vectors and keywords written into a new Milvus collection."""
    from embeddings.milvus_build import drop_collections, fit_tokens, write_collection

    directory, name = settings.index_dir(), settings.collection
    metas = corpus.metas()
    passages = [passage_text(c, metas[c.doc_id]) for c in corpus.chunks]
    vectors = cache.encode(encoder, passages, progress=progress)
    tokens = [fit_tokens(tokenizer.tokens(t)) for t in passages]
    client = milvus_client(settings)
    replaced = _record(directory)
    record = replace(write_collection(client, name, vectors, tokens), previous=replaced.collection if replaced else "")
    bigrams = statute_bigrams(corpus)  # the statute ranker reads these from disk with either backend

    def write_parts(tmp: Path) -> None:
        record.save(tmp)
        TermStats.build(tokens).save(tmp)
        if bigrams is not None:
            bigrams.save(tmp)

    try:
        write_index(directory, manifest, corpus.documents, corpus.chunks, write_parts)
    except BaseException:
        with contextlib.suppress(IndexStateError):
            drop_collections(client, name, [record.collection])
        raise
    if replaced is not None:  # the build before the replaced one: no service still searches it
        drop_collections(client, name, [replaced.previous])


def open_milvus_parts(settings: Settings, directory: Path) -> tuple[VectorSearch, KeywordIndex]:
    """The vector and keyword search of a built collection, checked against its Milvus collection."""
    from embeddings.milvus_store import MilvusKeywordIndex, MilvusVectorStore, open_collection

    require_backend(settings, directory)
    record, stats = MilvusRecord.load(directory), TermStats.load(directory)  # verify_index checked both files
    client = milvus_client(settings)
    open_collection(client, record, directory.name)
    vectors = MilvusVectorStore(client, record, directory.name)
    lexical = MilvusKeywordIndex(client, record, stats, directory.name, settings.milvus_keyword_candidates)
    # One search each now, not on the first request: Milvus Lite reads a segment's indexes on first use.
    vectors.search(np.zeros((1, record.dim), dtype=np.float32), 1)
    lexical.scores(["预热"])
    return vectors, lexical


def milvus_index_current(settings: Settings, directory: Path) -> bool:
    """The directory is a Milvus build whose collection is in the configured Milvus, whole."""
    from embeddings.milvus_store import stored_rows

    record = _record(directory)
    return record is not None and stored_rows(milvus_client(settings), record, directory.name) == record.rows


def drop_milvus_data(settings: Settings, directory: Path) -> None:
    """Remove the Milvus collections of an index directory that is being deleted (no-op for FAISS)."""
    from embeddings.milvus_build import drop_collections

    record = _record(directory)
    if record is not None:
        drop_collections(milvus_client(settings), directory.name, [record.collection, record.previous])


def _record(directory: Path) -> MilvusRecord | None:
    """The directory's MilvusRecord, or None for a FAISS index or none at all."""
    if index_backend(directory) != "milvus":
        return None
    try:
        return MilvusRecord.load(directory)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexStateError(texts.INDEX_DAMAGED.format(
            name=directory.name, problem=texts.INDEX_BAD_LINE.format(file=RECORD_FILE, line=1))) from exc
