"""The statute ranker's phrase feature: character bigrams of the articles, stored beside the index."""

from pathlib import Path

import numpy as np
import pytest

from app.config import Settings
from app.engine import collection_bigrams, load_collection
from rag.protocols import Encoder
from rag.search.bigrams import CharBigrams

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = [
    "第二十五条 学校应当全面贯彻国家教育方针，坚持立德树人，实施素质教育。",
    "第二十七条 学校、幼儿园的教职员工应当尊重未成年人人格尊严，"
    "不得对未成年人实施体罚、变相体罚或者其他侮辱人格尊严的行为。",
    "第二十八条 学校应当保障未成年学生受教育的权利，不得违反国家规定开除、变相开除未成年学生。",
    "",
]
QUESTION = "未成年人保护法规定学校不得对未成年学生实施什么行为？"


def test_the_article_that_repeats_the_question_s_phrase_covers_most_of_it() -> None:
    bigrams = CharBigrams.build(ARTICLES)
    coverage = bigrams.coverage(QUESTION, np.arange(len(ARTICLES)))
    assert coverage.dtype == np.float32 and np.all((coverage >= 0) & (coverage <= 1))
    assert coverage[1] == coverage.max() and coverage[3] == 0.0
    assert bigrams.coverage("ABC，。", np.arange(4)).tolist() == [0.0] * 4  # no Chinese: nothing to cover
    # A bigram no article holds counts against every article; one every article holds counts little.
    assert bigrams.coverage("学校", np.arange(3)).tolist() == [1.0, 1.0, 1.0]
    assert bigrams.coverage("学校汽车", np.arange(3)).max() < 0.5


def test_stored_and_loaded_give_the_same_coverage(tmp_path: Path) -> None:
    built = CharBigrams.build(ARTICLES)
    assert not CharBigrams.exists(tmp_path)
    built.save(tmp_path)
    assert CharBigrams.exists(tmp_path)
    loaded = CharBigrams.load(tmp_path, len(ARTICLES))
    rows = np.array([0, 2], dtype=np.int64)
    assert np.array_equal(loaded.coverage(QUESTION, rows), built.coverage(QUESTION, rows))
    assert CharBigrams.build([]).coverage(QUESTION, np.zeros(0, dtype=np.int64)).shape == (0,)
    damaged = CharBigrams.build(["法律\ud800规定", "法律规定"])  # a lone surrogate breaks a run, nothing more
    broken, whole = damaged.coverage("法律规定", np.arange(2)).tolist()
    assert 0 < broken < whole == 1.0


def test_the_laws_index_holds_them_and_the_seeds_index_does_not(encoder: Encoder) -> None:
    settings = Settings(home=ROOT / "var", seeds=ROOT / "seeds", laws=ROOT / "laws" / "national")
    if not (settings.index_dir("laws") / "manifest.json").exists():
        pytest.skip("the laws index is not built (lawqa index)")
    assert CharBigrams.exists(settings.index_dir("laws"))
    assert not CharBigrams.exists(settings.index_dir("seeds"))  # reports: no statute ranker reads them
    loaded, _ = load_collection(settings.model_copy(update={"law_model": False}), "laws", encoder)
    stored = collection_bigrams(loaded.retriever, settings.index_dir("laws"))
    rebuilt = collection_bigrams(loaded.retriever, ROOT / "var" / "no-such-index")  # an index from before
    rows = np.arange(0, len(loaded.retriever.chunks), 97, dtype=np.int64)
    assert np.array_equal(stored.coverage(QUESTION, rows), rebuilt.coverage(QUESTION, rows))
