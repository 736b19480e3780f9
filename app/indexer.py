"""`lawqa index`: build one collection's index from files, reusing cached embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from app.config import Settings
from rag import texts
from rag.errors import IndexStateError, InputError
from rag.ingest.embedcache import EmbeddingCache, Progress, cache_key
from rag.ingest.indexing import Corpus, build_index, corpus_hash, discover, load_corpus, passage_text, unsupported
from rag.ingest.shipped import ShippedVectors, export_vectors
from rag.ingest.store import Manifest, read_chunks, read_documents, read_manifest
from rag.protocols import Encoder
from rag.text.tokenize import Tokenizer


def code_version() -> str:
    try:
        return version("lawqa")
    except PackageNotFoundError:
        return "0+unknown"


def chunk_settings(settings: Settings) -> str:
    return f"chunk_chars={settings.chunk_chars}"


def index_is_current(settings: Settings, paths: Sequence[Path], encoder_name: str) -> bool:
    """True when the collection's index was built from these very files, settings and code."""
    try:
        manifest = read_manifest(settings.index_dir())
    except IndexStateError:
        return False
    wanted = corpus_hash(discover(paths), chunk_settings(settings))
    same = (manifest.corpus_hash, manifest.encoder, manifest.code_version) == (wanted, encoder_name, code_version())
    return same and _search_data_current(settings)


def _search_data_current(settings: Settings) -> bool:
    """Built for the configured backend and, for Milvus, still whole in the configured Milvus."""
    from app.milvus_backend import index_backend, milvus_index_current

    if index_backend(settings.index_dir()) != settings.backend:
        return False
    return settings.backend != "milvus" or milvus_index_current(settings, settings.index_dir())


def default_sources(settings: Settings) -> dict[str, list[Path]]:
    """What `lawqa index` builds when given no files: the seed reports, and the national laws if present."""
    sources = {"seeds": [settings.seeds], "laws": [settings.laws]}
    return {name: paths for name, paths in sources.items() if all(p.exists() for p in paths)}


def load_shipped(settings: Settings) -> ShippedVectors | None:
    files = sorted(settings.shipped_vectors.glob("*.npz")) if settings.shipped_vectors.is_dir() else []
    return ShippedVectors.load(files) if files else None


def export_shipped(settings: Settings, path: Path) -> int:
    """Write the vectors of the collection's built index to `path`; returns how many."""
    from app.milvus_backend import index_backend
    from embeddings import load_faiss_store

    directory = settings.index_dir()
    manifest = read_manifest(directory)
    if index_backend(directory) != "faiss":
        raise IndexStateError(texts.VECTORS_NEED_FAISS.format(name=directory.name))
    documents = {d.doc_id: d.meta for d in read_documents(directory)}
    chunks = read_chunks(directory)
    store = load_faiss_store(directory, manifest.dim)
    keys = [cache_key(manifest.encoder, passage_text(c, documents[c.doc_id])) for c in chunks]
    vectors = np.stack([store.reconstruct(row) for row in range(store.size)])
    export_vectors(path, keys, vectors)
    return len(set(keys))


def build(settings: Settings, paths: Sequence[Path], *, encoder: Encoder | None = None,
          load_progress: Progress | None = None, embed_progress: Progress | None = None) -> tuple[Manifest, Corpus]:
    from app.engine import configured_encoder
    from embeddings import FaissStore
    from embeddings.faiss_store import AnnPlan

    files = discover(paths)
    corpus = load_corpus(files, collection=settings.collection, max_chars=settings.chunk_chars,
                         progress=load_progress)
    corpus.skipped[:0] = unsupported(paths)  # no file is left out without saying so
    if not corpus.chunks:
        raise InputError("没有可收录的文件：\n" + "\n".join(corpus.skipped))
    encoder = encoder or configured_encoder(settings)
    manifest = Manifest(encoder.name, encoder.dim, len(corpus.chunks), len(corpus.documents),
                        corpus_hash(files, chunk_settings(settings)), code_version(), settings.collection)
    cache = EmbeddingCache(settings.cache_path, shipped=load_shipped(settings))
    try:
        if settings.backend == "milvus":
            from app.milvus_backend import build_milvus_index

            build_milvus_index(settings, corpus, encoder=encoder, cache=cache, tokenizer=Tokenizer(),
                               manifest=manifest, progress=embed_progress)
        else:
            plan = AnnPlan(settings.ann_min_chunks, settings.ann_nprobe)
            build_index(settings.index_dir(), corpus, encoder=encoder,
                        new_store=lambda dim: FaissStore(dim, plan=plan), cache=cache, tokenizer=Tokenizer(),
                        manifest=manifest, progress=embed_progress)
    finally:
        cache.close()
    return manifest, corpus
