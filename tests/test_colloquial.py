"""The hand-written everyday words: what the table holds, and the lay question from the issue it answers."""

from pathlib import Path

import pytest

from app.engine import Engine
from rag.errors import DocumentError
from rag.search.colloquial import colloquial_table, read_lexicon, with_colloquial
from rag.search.expansion import TermExpander
from rag.text.tokenize import Tokenizer

ROOT = Path(__file__).resolve().parent.parent


def test_every_lay_word_is_a_word_the_question_tokenizer_keeps_whole() -> None:
    """A lay word jieba splits ("五险一金" -> 五险 / 一金) would never be looked up."""
    tokenizer = Tokenizer()
    lexicon = read_lexicon()
    assert len(lexicon) > 100
    split = [lay for lay in lexicon if lay not in tokenizer.tokens(lay)]
    assert split == []


def test_every_legal_phrase_is_worded_as_the_shipped_laws_word_it() -> None:
    """The right side must be the statutes' own wording, or the expansion finds nothing."""
    statutes = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "laws" / "national").rglob("*.md"))
    assert len(statutes) > 1_000_000
    absent = [phrase for phrases in read_lexicon().values() for phrase in phrases if phrase not in statutes]
    assert absent == []


def test_a_bad_edit_is_named_when_the_model_is_re_learned(tmp_path: Path) -> None:
    """The service reads the table from the model; `lawqa learn` reads the file and refuses a bad line."""
    edited = tmp_path / "colloquial.tsv"
    edited.write_text("# 注释\n房东\t出租人\n押金 承租人\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="第 3 行"):
        read_lexicon(edited)
    edited.write_text("# 注释\n房东\t出租人\n", encoding="utf-8")
    assert read_lexicon(edited) == {"房东": ["出租人"]}
    with pytest.raises(DocumentError, match="无法读取"):
        read_lexicon(tmp_path / "absent.tsv")
    edited.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DocumentError, match="不是 UTF-8"):
        read_lexicon(edited)


def test_the_shipped_model_carries_the_everyday_words(shipped_engine: Engine) -> None:
    """Serving needs no file beside the model: its expansion table holds the words."""
    ranker = shipped_engine.collections["laws"].retriever.ranker
    assert ranker is not None and ranker.model.info["colloquial_words"] == len(read_lexicon())
    weekend = dict(ranker.model.expansion["周末"])
    assert weekend.get("休息日") == 1.0


def test_the_lexicon_comes_first_and_the_learned_pairs_stay() -> None:
    tokenizer = Tokenizer()
    table = with_colloquial({"加班": [("劳动", 0.4)]}, colloquial_table(tokenizer, {"加班": ["延长工作时间"]}))
    terms, weights = TermExpander(weight=0.3, table=table).expand(tokenizer.tokens("周末加班"))
    assert {"延长", "工作", "时间", "劳动"} <= set(terms)
    assert weights["延长"] == pytest.approx(0.3) and weights["劳动"] == pytest.approx(0.12)


def test_weekend_overtime_in_everyday_words_finds_the_overtime_pay_article(shipped_engine: Engine) -> None:
    """劳动法第四十四条 says "休息日安排劳动者工作" and "延长工作时间", never 周末 or 加班费."""
    answer = shipped_engine.answer("公司安排我周末加班，加班费应该怎么算？")
    assert "劳动法 第四十四条" in [citation.hit.chunk.label for citation in answer.citations]
