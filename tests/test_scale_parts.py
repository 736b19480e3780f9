"""The pieces that let a collection grow: approximate vectors, mapped BM25, a chunk table parsed on demand,
exact top-k without a full sort, the query cache and concurrent query encoding."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import faiss
import numpy as np
import pytest

from app.engine import Engine
from embeddings import FaissStore, load_faiss_store
from embeddings.faiss_store import FILE_NAME, RAW_NAME, AnnPlan
from embeddings.querycache import CachedQueryEncoder
from rag.errors import IndexStateError
from rag.ingest.chunktable import DocumentPassages, load_chunk_table
from rag.protocols import Encoder
from rag.search.lexical import LEGACY_NAME, LEGACY_VOCAB, BM25Index
from rag.search.retriever import Retriever, top_rows
from tests.fakes import FakeKeywordEncoder


def _clustered(rows: int, dim: int = 32, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim))
    points = centres[rng.integers(0, 40, rows)] + 0.3 * rng.standard_normal((rows, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_a_large_store_turns_approximate_keeps_exact_scores_and_reloads_mapped(tmp_path: Path) -> None:
    vectors, queries = _clustered(5000), _clustered(50, seed=1)
    plan = AnnPlan(min_rows=4000, nprobe=16)
    store = FaissStore(32, plan=plan)
    store.add(vectors)
    assert store.approximate and not FaissStore(32, plan=plan).approximate
    scores, ids = store.search(queries, 10)
    exact = queries @ vectors.T
    truth = np.argsort(-exact, axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, truth, strict=True)])
    assert recall >= 0.95
    assert np.allclose(scores, np.take_along_axis(exact, ids, axis=1), atol=1e-5)  # re-ranked: exact cosines
    store.save(tmp_path)
    again = load_faiss_store(tmp_path, 32, plan)
    assert again.approximate and np.array_equal(again.search(queries, 10)[1], ids)
    assert np.allclose(again.reconstruct(7), vectors[7])
    # The full vectors are read row by row, never mapped: re-ranking does not make them resident.
    assert (tmp_path / RAW_NAME).exists() and str(tmp_path / RAW_NAME) not in Path("/proc/self/maps").read_text()
    # A vector file cut short is refused when loading, in Chinese, not met as a short read while answering.
    raw = (tmp_path / RAW_NAME).read_bytes()
    (tmp_path / RAW_NAME).write_bytes(raw[: len(raw) // 2])
    with pytest.raises(IndexStateError, match="不完整"):
        load_faiss_store(tmp_path, 32, plan)


def test_an_approximate_index_written_before_the_separate_vector_file_still_searches(tmp_path: Path) -> None:
    vectors, queries = _clustered(5000), _clustered(20, seed=1)
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(32), 32, 64, faiss.ScalarQuantizer.QT_8bit,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.train(vectors)
    ivf.nprobe = 16
    legacy = faiss.IndexRefineFlat(ivf)
    legacy.add(vectors)
    faiss.write_index(legacy, str(tmp_path / FILE_NAME))
    store = load_faiss_store(tmp_path, 32, AnnPlan(min_rows=4000, nprobe=16))
    scores, ids = store.search(queries, 5)
    assert store.approximate and np.allclose(scores, np.take_along_axis(queries @ vectors.T, ids, axis=1), atol=1e-5)


def test_bm25_loads_mapped_and_legacy_indexes_score_the_same(tmp_path: Path) -> None:
    docs = [["行政", "复议", "复议"], ["行政", "诉讼"], ["法律", "援助", "诉讼"], []]
    index = BM25Index.build(docs)
    index.save(tmp_path)
    mapped = BM25Index.load(tmp_path)
    # a plain array over the mapping, not a copy (and not an np.memmap, whose slices run Python code)
    assert type(mapped.doc_ids) is np.ndarray and isinstance(mapped.doc_ids.base, np.memmap) and mapped.size == 4
    legacy = tmp_path / "legacy"
    legacy.mkdir()
    rows = [(t, d, docs[d].count(t)) for t in index.vocab for d in range(len(docs)) if t in docs[d]]
    np.savez_compressed(legacy / LEGACY_NAME, indptr=index.indptr, doc_ids=np.array([r[1] for r in rows]),
                        term_freqs=np.array([r[2] for r in rows], dtype=np.float32),
                        doc_lengths=np.array([len(d) for d in docs], dtype=np.float32), params=np.array([1.2, 0.75]))
    (legacy / LEGACY_VOCAB).write_text(json.dumps(list(index.vocab), ensure_ascii=False), encoding="utf-8")
    for query in (["复议"], ["诉讼", "行政"], ["援助", "没有"]):
        assert np.array_equal(BM25Index.load(legacy).scores(query), mapped.scores(query))
        assert np.array_equal(mapped.scores(query), index.scores(query))


def test_top_rows_is_a_stable_sort_without_sorting_everything() -> None:
    rng = np.random.default_rng(3)
    for size, k in ((1000, 10), (50, 50), (7, 20), (1000, 1)):
        scores = rng.integers(0, 5, size).astype(np.float32)  # many ties
        scores[rng.integers(0, size, 3)] = -np.inf
        assert np.array_equal(top_rows(scores, k), np.argsort(-scores, kind="stable")[:k])
    assert len(top_rows(np.zeros(5, dtype=np.float32), 0)) == 0


def test_a_mapped_chunk_table_searches_like_the_parsed_one(seed_engine: Engine) -> None:
    directory = seed_engine.settings.index_dir()
    eager, lazy = load_chunk_table(directory), load_chunk_table(directory, eager_limit=0)
    assert len(lazy) == len(eager) and lazy[3] == eager[3] and lazy[-1] == eager[-1] and lazy[2:4] == eager[2:4]
    loaded = seed_engine.collections["seeds"].retriever
    mapped = Retriever(lazy, loaded.metas, encoder=loaded.encoder, vectors=loaded.vectors, lexical=loaded.lexical,
                       tokenizer=loaded.tokenizer, weights=loaded.weights)
    for query in ("鹤山行政复议纠错率", "坦洲镇法律援助"):
        assert mapped.search(query) == loaded.search(query)
    passages = DocumentPassages([lazy], ["none"])
    doc_id = eager[0].doc_id
    assert list(passages[doc_id]) == [c for c in eager if c.doc_id == doc_id]
    assert len(passages["none"]) == 0 and len(passages) == len({c.doc_id for c in eager}) + 1


def test_query_cache_answers_repeats_and_forgets_the_oldest() -> None:
    cached = CachedQueryEncoder(FakeKeywordEncoder(), size=2)
    first = cached.encode_queries(["复议", "援助"])
    assert np.array_equal(first, FakeKeywordEncoder().encode_queries(["复议", "援助"]))
    cached.encode_queries(["复议"])
    assert (cached.hits, cached.misses) == (1, 2)
    cached.encode_queries(["调解"])  # evicts 援助, the least recently used
    cached.encode_queries(["援助", "复议"])
    assert (cached.hits, cached.misses) == (2, 4)
    with pytest.raises(ValueError, match="at least one"):
        CachedQueryEncoder(FakeKeywordEncoder(), size=0)


def test_concurrent_query_encodings_give_the_serial_vectors(encoder: Encoder) -> None:
    questions = [f"劳动合同的试用期最长可以约定多久？第{i}问" for i in range(12)]
    serial = np.stack([encoder.encode_queries([q])[0] for q in questions])
    found: dict[int, np.ndarray] = {}

    def encode(start: int) -> None:
        for i in range(start, len(questions), 3):
            found[i] = encoder.encode_queries([questions[i]])[0]

    threads = [threading.Thread(target=encode, args=(start,)) for start in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert np.allclose(np.stack([found[i] for i in range(len(questions))]), serial, atol=1e-5)
