"""Statutes as the product serves them: shipped vectors, labels with validity, the answering clause."""

from pathlib import Path

from app.config import Settings
from app.engine import load_engine
from app.indexer import build, default_sources, export_shipped
from rag.protocols import Encoder, Vectors

ROOT = Path(__file__).resolve().parent.parent
LAWS = ROOT / "tests" / "data" / "laws"


class CountingEncoder:
    """The real encoder, counting the passages it is asked to embed."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.name, self.dim = encoder.name, encoder.dim
        self.embedded = 0

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encoder.encode_queries(texts)

    def encode_documents(self, texts: list[str]) -> Vectors:
        self.embedded += len(texts)
        return self._encoder.encode_documents(texts)


def test_default_sources_are_the_seeds_and_the_shipped_laws() -> None:
    sources = default_sources(Settings(seeds=ROOT / "seeds", laws=ROOT / "laws" / "national"))
    assert list(sources) == ["seeds", "laws"]
    assert default_sources(Settings(seeds=ROOT / "seeds", laws=ROOT / "absent")).keys() == {"seeds"}


def test_shipped_vectors_spare_all_embedding(tmp_path: Path, encoder: Encoder) -> None:
    first = Settings(home=tmp_path / "a", collection="laws")
    build(first, [LAWS], encoder=encoder)
    exported = export_shipped(first, tmp_path / "vectors" / "e5.npz")
    assert exported > 50
    counting = CountingEncoder(encoder)
    fresh = Settings(home=tmp_path / "b", collection="laws", shipped_vectors=tmp_path / "vectors")
    build(fresh, [LAWS], encoder=counting)
    assert counting.embedded == 0
    engine = load_engine(fresh, encoder=encoder)
    answer = engine.answer("劳动合同的试用期最长可以约定多久？")
    assert not answer.abstained
    assert answer.text.startswith("《劳动合同法》第十九条（")
    assert "第十九条 " not in answer.text and "六个月" in answer.text
    assert answer.citations[0].n == 1 and answer.citations[0].meta.status == "现行有效"
