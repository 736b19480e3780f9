"""The Milvus search parts against FAISS and the in-memory BM25, on Milvus Lite in tmp_path."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest

from embeddings.milvus_build import MAX_TEXT_BYTES, drop_collections, fit_tokens, write_collection
from embeddings.milvus_store import (
    MilvusKeywordIndex,
    MilvusRecord,
    MilvusVectorStore,
    connect,
    keyword_text,
    open_collection,
)
from rag import texts
from rag.errors import IndexStateError
from rag.search.keyword_stats import TermStats
from rag.search.lexical import BM25Index
from rag.text.tokenize import Tokenizer

PASSAGES = [
    "2022年鹤山市共办理各类行政复议案件47件，案件办理纠错率2.12%。",
    "坦洲镇各级调委会共受理民间纠纷案件570宗，调结465宗，司法确认28宗。",
    "劳动合同期限三个月以上不满一年的，试用期不得超过一个月。",
    "《民法典》第五十四条：自然人从事工商业经营，经依法登记，为个体工商户。",
    "行政复议咨询委员会工作规范，实质性化解行政纠纷。",
    "",
]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return connect(str(tmp_path_factory.mktemp("milvus") / "store.db"), "", 10)


@pytest.fixture(scope="module")
def tokens() -> list[list[str]]:
    tokenizer = Tokenizer()
    return [tokenizer.tokens(p) for p in PASSAGES]


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    rows = np.random.default_rng(7).normal(size=(len(PASSAGES), 8)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def record(client: Any, vectors: np.ndarray, tokens: list[list[str]]) -> MilvusRecord:
    built = write_collection(client, "测试", vectors, tokens)
    open_collection(client, built, "测试")
    return built


def test_keyword_text_keeps_every_token_whole_and_distinct() -> None:
    tokens = ["2.12%", "a_b", "a_0b", "_", "行政复议", "第五十四条", "3.5"]
    words = keyword_text(tokens).split(" ")
    assert len(words) == len(set(words)) == len(tokens)
    assert all(re.fullmatch(r"\w+", w) for w in words)  # what Milvus Lite's "standard" analyzer keeps whole


def test_term_stats_give_the_idf_of_the_in_memory_bm25(tokens: list[list[str]], tmp_path: Path) -> None:
    TermStats.build(tokens).save(tmp_path)
    stats, bm25 = TermStats.load(tmp_path), BM25Index.build(tokens)
    for term in ["行政复议", "案件", "2.12%", "第五十四条", "没有的词"]:
        assert stats.idf_of(term) == pytest.approx(bm25.idf_of(term))


def test_keyword_scores_equal_the_in_memory_bm25(client: Any, record: MilvusRecord,
                                                 tokens: list[list[str]]) -> None:
    lexical = MilvusKeywordIndex(client, record, TermStats.build(tokens), "测试")
    bm25 = BM25Index.build(tokens)
    tokenizer = Tokenizer()
    assert record.analyzer == "standard" and lexical.size == bm25.size == len(PASSAGES)
    for question in ["鹤山行政复议案件的纠错率是2.12%吗", "民法典第54条", "试用期", "案件 案件 纠纷"]:
        query = tokenizer.tokens(question)
        np.testing.assert_allclose(lexical.scores(query), bm25.scores(query), rtol=1e-5, atol=1e-6)
    weights = {"行政复议": 0.3, "纠纷": 2.0}
    np.testing.assert_allclose(lexical.scores(["行政复议", "纠纷", "案件"], weights),
                               bm25.scores(["行政复议", "纠纷", "案件"], weights), rtol=1e-5)
    assert not lexical.scores([]).any() and not lexical.scores(["没有的词"]).any()


def test_vector_search_equals_exact_faiss(client: Any, record: MilvusRecord, vectors: np.ndarray) -> None:
    store, exact = MilvusVectorStore(client, record, "测试"), faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)  # float32, as Milvus's FLAT holds them (FaissStore's flat index is float16)
    scores, ids = store.search(vectors[:2], 4)
    want_scores, want_ids = exact.search(vectors[:2], 4)
    np.testing.assert_array_equal(ids, want_ids)
    np.testing.assert_allclose(scores, want_scores, rtol=1e-5)
    assert store.search(vectors[:1], 100)[1].shape == (1, len(PASSAGES))  # k is capped at the collection size


def test_an_overlong_passage_keeps_the_tokens_that_fit() -> None:
    kept = fit_tokens(["行政复议"] * 10_000)
    assert len(keyword_text(kept).encode()) <= MAX_TEXT_BYTES < len(keyword_text([*kept, "行政复议"]).encode())


def test_a_dropped_collection_is_named_in_chinese(client: Any, vectors: np.ndarray,
                                                  tokens: list[list[str]]) -> None:
    doomed = write_collection(client, "临时", vectors, tokens)
    drop_collections(client, "临时", [doomed.collection])
    with pytest.raises(IndexStateError, match="Milvus 中没有资料库“临时”的数据"):
        open_collection(client, doomed, "临时")
    with pytest.raises(IndexStateError, match="Milvus 中没有资料库“临时”的数据"):
        MilvusKeywordIndex(client, doomed, TermStats.build(tokens), "临时").scores(["案件"])


def test_a_wrong_uri_or_an_unreachable_server_says_so(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="LAWQA_MILVUS_URI 应是"):
        connect(str(tmp_path / "milvus-data"), "", 5)
    with pytest.raises(IndexStateError) as caught:
        connect("http://127.0.0.1:9", "", 5)  # the discard port: nothing listens
    assert str(caught.value) == texts.MILVUS_UNREACHABLE


def test_rag_never_imports_milvus_and_nothing_loads_it_at_import() -> None:
    root = Path(__file__).resolve().parent.parent
    sources = [p for p in (root / "rag").rglob("*.py") if re.search(r"^\s*(from|import) (pymilvus|milvus_lite)",
                                                                     p.read_text(encoding="utf-8"), re.MULTILINE)]
    assert sources == []
    code = ("import sys, app.server, app.milvus_backend, embeddings.milvus_store, embeddings.milvus_build; "
            "print('pymilvus' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert result.stdout.strip() == "False"
