"""Several knowledge bases side by side: seeds plus a statute collection, built and queried for real."""

from pathlib import Path

import pytest

from app.config import Settings
from app.engine import Engine, load_engine
from app.indexer import build
from rag.errors import InputError
from rag.protocols import Encoder
from tests.conftest import SEEDS

LAWS = Path(__file__).parent / "data" / "laws"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder) -> Engine:
    home = tmp_path_factory.mktemp("library")
    build(Settings(home=home), [SEEDS], encoder=encoder)
    manifest, corpus = build(Settings(home=home, collection="laws"), [LAWS], encoder=encoder)
    assert manifest.document_count == 2 and not corpus.skipped
    return load_engine(Settings(home=home), encoder=encoder)


def test_statute_questions_are_answered_by_article_with_its_label(library: Engine) -> None:
    answer = library.answer("劳动合同的试用期最长可以约定多久？", collections=["laws"])
    assert not answer.abstained
    assert "《劳动合同法》第十九条（" in answer.text and "六个月" in answer.text
    top = answer.citations[0]
    assert top.meta.level == "法律" and top.meta.effective == "2013-07-01"
    assert top.hit.chunk.label == "劳动合同法 第十九条"


def test_article_numbers_in_digits_find_the_article(library: Engine) -> None:
    hits = library.search("劳动合同法第39条", collections=["laws"], top_k=1)
    assert hits[0].chunk.label == "劳动合同法 第三十九条"


def test_collections_are_chosen_per_query(library: Engine) -> None:
    seeds_only = library.search("劳动合同的试用期", collections=["seeds"])
    assert {h.chunk.collection for h in seeds_only} == {"seeds"}
    both = library.search("鹤山 劳动合同 试用期 行政复议", top_k=50)  # the reports rank first: a place is named
    assert {h.chunk.collection for h in both} == {"seeds", "laws"}
    with pytest.raises(InputError, match="未知的资料库"):
        library.search("试用期", collections=["浙江"])


def test_rebuilding_an_unchanged_collection_embeds_nothing(tmp_path: Path, encoder: Encoder) -> None:
    settings = Settings(home=tmp_path, collection="laws")
    progress: list[tuple[int, int]] = []
    build(settings, [LAWS], encoder=encoder)
    build(settings, [LAWS], encoder=encoder, embed_progress=lambda done, total: progress.append((done, total)))
    assert progress == []  # every vector came from the cache, no batch was embedded


def test_statute_collection_abstains_when_no_article_fits(library: Engine) -> None:
    for question in ("醉酒驾驶机动车会被判几个月拘役？", "网购买到假货可以要求商家赔偿几倍？"):
        answer = library.answer(question, collections=["laws"])
        assert answer.abstained and answer.citations  # the nearest articles are still shown
