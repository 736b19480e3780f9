"""LAWQA_BACKEND=milvus end to end on Milvus Lite: index, search, answer, rebuild, and what goes wrong."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.config import Settings
from app.engine import Engine, load_collection, load_engine
from app.indexer import build, index_is_current
from app.milvus_backend import drop_milvus_data, milvus_client
from bench.milvus_parity import SUBSET, compare, milvus_parts
from bench.stardlib import load_benchmark, product_retriever, rank_lawqa, score
from embeddings import FaissStore
from embeddings.milvus_store import MilvusRecord
from rag.errors import IndexStateError
from rag.evaluation.scoring import load_questions
from rag.protocols import Encoder
from rag.search.retriever import prepare_query
from tests.conftest import DEV, SEEDS
from tests.test_cli import assert_one_line_error, lawqa


@pytest.fixture(scope="module")
def milvus_settings(tmp_path_factory: pytest.TempPathFactory, seed_engine: Engine) -> Settings:
    return Settings(home=cached_home(seed_engine, tmp_path_factory.mktemp("lawqa-milvus")), seeds=SEEDS,
                    backend="milvus")


@pytest.fixture(scope="module")
def milvus_engine(milvus_settings: Settings, encoder: Encoder) -> Engine:
    build(milvus_settings, [SEEDS], encoder=encoder)
    return load_engine(milvus_settings, encoder=encoder)


def cached_home(seed_engine: Engine, home: Path) -> Path:
    """A fresh home with the session's embedding cache, so that a build here embeds nothing again."""
    (home / "cache").mkdir(parents=True, exist_ok=True)
    shutil.copy(seed_engine.settings.cache_path, home / "cache")
    return home


def record(settings: Settings) -> MilvusRecord:
    return MilvusRecord.load(settings.index_dir())


def test_every_dev_question_scores_every_chunk_as_faiss_does(milvus_engine: Engine, seed_engine: Engine,
                                                            encoder: Encoder) -> None:
    """Equal dense and keyword score arrays: every mode then ranks, fuses and answers alike."""
    got, want = milvus_engine.collections["seeds"].retriever, seed_engine.collections["seeds"].retriever
    assert [c.chunk_id for c in got.chunks] == [c.chunk_id for c in want.chunks]
    for question in load_questions(DEV):
        query = prepare_query(question.question)
        vector = encoder.encode_queries([query])
        # FAISS holds the vectors in float16 (embeddings/faiss_store.py), Milvus in float32: ~4e-5 apart here
        np.testing.assert_allclose(got.dense_scores(query, vector), want.dense_scores(query, vector), atol=2e-4)
        np.testing.assert_allclose(got.lexical_scores(query), want.lexical_scores(query), rtol=1e-5, atol=1e-6)


def test_answers_come_with_the_same_citations(milvus_engine: Engine, seed_engine: Engine) -> None:
    question = "2022年鹤山行政复议案件的纠错率是多少？"
    got, want = milvus_engine.answer(question), seed_engine.answer(question)
    assert "2.12%" in got.text and got.text == want.text
    assert [(c.n, c.hit.chunk.chunk_id, c.quote) for c in got.citations] == [
        (c.n, c.hit.chunk.chunk_id, c.quote) for c in want.citations]


@pytest.mark.slow
def test_stard_subset_metrics_match_faiss_within_0_01(tmp_path: Path, milvus_settings: Settings) -> None:
    """The benchmark's fitted Retriever, its vectors and BM25 moved into Milvus (bench.milvus_parity refits too)."""
    bench = load_benchmark(SUBSET, subset=True)
    fitted, _ = product_retriever(bench, tmp_path / "stard.sqlite", None)
    assert isinstance(fitted.vectors, FaissStore)
    vectors = np.stack([fitted.vectors.reconstruct(row) for row in range(fitted.vectors.size)])
    moved = copy.copy(fitted)
    moved.vectors, moved.lexical = milvus_parts(milvus_client(milvus_settings))(
        vectors, [fitted.tokenizer.tokens(t) for t in bench.texts()])
    faiss = score(rank_lawqa(fitted, bench, bench.dev), bench.dev)
    milvus = score(rank_lawqa(moved, bench, bench.dev), bench.dev)
    assert max(row.diff for row in compare({"stard": faiss}, {"stard": milvus})) <= 0.01, (faiss, milvus)


def test_a_rebuild_keeps_the_served_build_until_the_next_one(tmp_path: Path, encoder: Encoder,
                                                             seed_engine: Engine) -> None:
    settings = Settings(home=cached_home(seed_engine, tmp_path), seeds=SEEDS, backend="milvus")
    build(settings, [SEEDS], encoder=encoder)
    first = record(settings)
    assert index_is_current(settings, [SEEDS], encoder.name)
    build(settings, [SEEDS], encoder=encoder)
    second = record(settings)
    client = milvus_client(settings)
    assert second.previous == first.collection and client.has_collection(first.collection)
    build(settings, [SEEDS], encoder=encoder)
    assert not client.has_collection(first.collection) and client.has_collection(second.collection)
    drop_milvus_data(settings, settings.index_dir())
    assert not client.has_collection(second.collection) and not client.has_collection(record(settings).collection)
    with pytest.raises(IndexStateError, match="Milvus 中没有资料库“seeds”的数据"):
        load_collection(settings, "seeds", encoder)
    assert not index_is_current(settings, [SEEDS], encoder.name)  # so `lawqa index --if-stale` rebuilds


def test_an_index_of_the_other_backend_says_which(milvus_settings: Settings, milvus_engine: Engine,
                                                  seed_engine: Engine, seed_settings: Settings,
                                                  encoder: Encoder) -> None:
    faiss_view = milvus_settings.model_copy(update={"backend": "faiss"})
    with pytest.raises(IndexStateError, match="建在 milvus 后端，当前设置为 faiss"):
        load_collection(faiss_view, "seeds", encoder)
    with pytest.raises(IndexStateError, match="建在 faiss 后端，当前设置为 milvus"):
        load_collection(seed_settings.model_copy(update={"backend": "milvus"}), "seeds", encoder)
    assert not index_is_current(faiss_view, [SEEDS], encoder.name)


def test_cli_indexes_and_answers_from_milvus_lite(tmp_path: Path, seed_engine: Engine) -> None:
    cached_home(seed_engine, tmp_path)
    env = {"LAWQA_BACKEND": "milvus"}
    indexed = lawqa("index", home=tmp_path, env=env)
    assert indexed.returncode == 0, indexed.stderr
    assert (tmp_path / "milvus.db").is_dir() and (tmp_path / "index" / "seeds" / "milvus.json").exists()
    asked = lawqa("ask", "2022年鹤山行政复议案件的纠错率是多少？", home=tmp_path, env=env)
    assert asked.returncode == 0 and "2.12%" in asked.stdout, asked.stderr
    current = lawqa("index", "--if-stale", home=tmp_path, env=env)
    assert current.returncode == 0 and "索引已是最新" in current.stdout
    assert_one_line_error(lawqa("ask", "纠错率是多少？", home=tmp_path), "建在 milvus 后端，当前设置为 faiss")
    unreachable = {**env, "LAWQA_MILVUS_URI": "http://127.0.0.1:9"}
    assert_one_line_error(lawqa("ask", "纠错率是多少？", home=tmp_path, env=unreachable), "无法连接 Milvus 检索服务")
    assert_one_line_error(lawqa("index", "--if-stale", home=tmp_path, env=unreachable), "无法连接 Milvus 检索服务")
