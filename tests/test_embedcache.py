from pathlib import Path

import pytest

from app.config import Settings
from app.indexer import build
from rag.ingest.embedcache import EmbeddingCache
from rag.protocols import Encoder
from tests.conftest import SEEDS
from tests.fakes import InterruptingEncoder

TEXTS = [f"第{i}条 测试条文内容{i}。" for i in range(10)]


def test_cached_texts_are_never_embedded_twice(tmp_path: Path, encoder: Encoder) -> None:
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    first = cache.encode(encoder, TEXTS, batch_size=4)
    assert (cache.hits, cache.misses) == (0, 10)
    again = cache.encode(encoder, [*TEXTS, TEXTS[0]], batch_size=4)
    assert (cache.hits, cache.misses) == (11, 0)
    assert (again[:10] == first).all() and (again[10] == first[0]).all()


def test_an_interrupted_build_resumes_from_the_finished_batches(tmp_path: Path, encoder: Encoder) -> None:
    settings = Settings(home=tmp_path, seeds=SEEDS)
    with pytest.raises(KeyboardInterrupt):
        build(settings, [SEEDS], encoder=InterruptingEncoder(encoder, batches=2))
    assert not (settings.index_dir() / "manifest.json").exists()
    resumed = InterruptingEncoder(encoder, batches=100)
    manifest, _ = build(settings, [SEEDS], encoder=resumed)
    chunks = manifest.chunk_count
    assert resumed.calls == -(-(chunks - 64) // 32)  # only the batches the first run did not finish
