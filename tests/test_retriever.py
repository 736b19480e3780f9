import numpy as np
import pytest

from embeddings.faiss_store import FaissStore
from rag.errors import InputError
from rag.search.lexical import BM25Index
from rag.search.metadata import asked_clause
from rag.search.retriever import Retriever
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta
from tests.fakes import FakeKeywordEncoder

METAS = {
    "hs": DocMeta(title="鹤山市司法局2022年法治政府建设年度报告", place="广东省江门市鹤山市", date="2022"),
    "tz": DocMeta(title="坦洲镇2023年法治政府建设年度报告", place="广东省中山市坦洲镇", date="2023"),
}
TEXTS = [("hs", "办理行政复议案件47件，纠错率2.12%。"), ("tz", "办理行政复议案件12件，纠错率5%。"),
         ("tz", "受理法律援助案件7宗。")]


def chunk(i: int, doc_id: str, text: str) -> Chunk:
    return Chunk(f"{doc_id}#{i}", doc_id, text, (), 0, len(text), 0, len(text))


@pytest.fixture()
def retriever() -> Retriever:
    chunks = [chunk(i, d, t) for i, (d, t) in enumerate(TEXTS)]
    encoder = FakeKeywordEncoder()
    store = FaissStore(encoder.dim)
    store.add(encoder.encode_documents([c.text for c in chunks]))
    tokenizer = Tokenizer()
    lexical = BM25Index.build([tokenizer.tokens(c.text) for c in chunks])
    return Retriever(chunks, METAS, encoder=encoder, vectors=store, lexical=lexical, tokenizer=tokenizer)


def test_place_named_in_question_decides_between_similar_reports(retriever: Retriever) -> None:
    assert retriever.search("坦洲的行政复议纠错率", top_k=1)[0].chunk.doc_id == "tz"
    assert retriever.search("鹤山的行政复议纠错率", top_k=1)[0].chunk.doc_id == "hs"


def test_a_place_in_a_scene_setting_clause_does_not_decide(retriever: Retriever) -> None:
    question = "坦洲在推行政复议体制改革，那鹤山的行政复议纠错率是多少？"
    assert retriever.search(question, top_k=1)[0].chunk.doc_id == "hs"
    assert asked_clause(question) == "鹤山的行政复议纠错率是多少？"
    there = "坦洲有调解室，那里有多少名调解员？"  # 那里 is a place word, not "then"
    assert asked_clause(there) == there


def test_every_mode_ranks_and_records_its_evidence(retriever: Retriever) -> None:
    lexical = retriever.search("法律援助", mode="lexical")
    dense = retriever.search("法律援助", mode="dense")
    hybrid = retriever.search("法律援助")
    assert lexical[0].chunk.chunk_id == dense[0].chunk.chunk_id == hybrid[0].chunk.chunk_id == "tz#2"
    assert lexical[0].dense_score is None and dense[0].lexical_score is None
    assert hybrid[0].dense_score is not None and hybrid[0].lexical_score is not None
    assert [h.rank for h in hybrid] == [1, 2, 3]


def test_document_filter_and_unknown_mode(retriever: Retriever) -> None:
    hits = retriever.search("行政复议", doc_ids=["hs"])
    assert {h.chunk.doc_id for h in hits} == {"hs"}
    with pytest.raises(InputError, match="未知的检索方式"):
        retriever.search("行政复议", mode="magic")  # type: ignore[arg-type]


def test_mismatched_parts_are_refused() -> None:
    store = FaissStore(4)
    store.add(np.eye(4, dtype=np.float32)[:1])
    with pytest.raises(ValueError, match="chunks but"):
        Retriever([], METAS, encoder=FakeKeywordEncoder(), vectors=store, lexical=BM25Index.build([]),
                  tokenizer=Tokenizer())
