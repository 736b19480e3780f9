"""Reading the day a question asks the law for, and the retriever's per-query superseded hook."""

import pytest

from embeddings.faiss_store import FaissStore
from rag.errors import InputError
from rag.search.asof import AsOf, as_of_follow_up, parse_as_of, read_as_of
from rag.search.lexical import BM25Index
from rag.search.retriever import FusionWeights, Retriever
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta
from tests.fakes import FakeKeywordEncoder

LAWS = {"劳动合同法", "中华人民共和国劳动合同法", "行政复议法"}
END_OF_2019 = AsOf("2019-12-31", "2019年底", "2019年")


@pytest.mark.parametrize(("question", "as_of", "rest"), [
    ("2019年时劳动合同法怎么规定试用期？", END_OF_2019, "劳动合同法怎么规定试用期？"),
    ("2019年的时候怎么规定？", END_OF_2019, "怎么规定？"),
    ("在2019年的时候，行政复议法规定的申请期限是多久？", END_OF_2019, "行政复议法规定的申请期限是多久？"),
    ("按2019年时的规定，劳动合同的试用期最长可以约定多久？", END_OF_2019, "劳动合同的试用期最长可以约定多久？"),
    ("2019年6月1日的时候法律规定试用期多长？", AsOf("2019-06-01", "2019年6月1日", "2019年6月1日"),
     "法律规定试用期多长？"),
    ("2016年2月那时候劳动合同法的试用期？", AsOf("2016-02-29", "2016年2月底", "2016年2月"), "劳动合同法的试用期？"),
    ("２０１９年当时行政复议法是怎么规定的？", END_OF_2019, "行政复议法是怎么规定的？"),
])
def test_a_question_about_the_law_at_a_time_gives_that_day(question: str, as_of: AsOf, rest: str) -> None:
    dated = read_as_of(question, LAWS)
    assert (dated.as_of, dated.question) == (as_of, rest)


@pytest.mark.parametrize("question", [
    "2022年鹤山行政复议案件的纠错率是多少？",  # a report's year
    "2023年时坦洲镇有多少家律师事务所？",  # a time word, but nothing about how the law provides
    "2022年鹤山出台了哪些规范性文件？",
    "2019年时间节点怎么规定？",  # 时间 is not "at the time"
    "2019年13月时法律怎么规定？",  # not a date
    "在2019年的时候，行政复议的申请期限是多久？",  # names no law and asks no 怎么规定: may be a report's
    "劳动合同的试用期最长可以约定多久？",
])
def test_other_years_stay_in_the_question(question: str) -> None:
    assert read_as_of(question, LAWS).as_of is None and read_as_of(question, LAWS).question == question


def test_only_a_bare_date_question_leans_on_the_previous_one() -> None:
    assert read_as_of("2019年的时候怎么规定？").bare and read_as_of("当时法律是怎么规定的？2019年时").bare
    assert not read_as_of("2019年时劳动合同法怎么规定试用期？", LAWS).bare
    previous = "劳动合同的试用期最长可以约定多久？"
    assert as_of_follow_up("2019年的时候怎么规定？", previous) == "按2019年时的规定，" + previous
    again = as_of_follow_up("2015年的时候呢，怎么规定的？", "按2019年时的规定，" + previous)
    assert again == "按2015年时的规定，" + previous
    assert as_of_follow_up("2019年的时候怎么规定？", None) is None
    assert as_of_follow_up("2019年时劳动合同法怎么规定试用期？", previous, LAWS) is None
    assert read_as_of(as_of_follow_up("2019年时怎么规定？", previous) or "").as_of == END_OF_2019


@pytest.mark.parametrize(("value", "day", "label"), [
    ("2019-06-01", "2019-06-01", "2019年6月1日"), (" 2019/6/1 ", "2019-06-01", "2019年6月1日"),
    ("2019年6月1日", "2019-06-01", "2019年6月1日"), ("2019-06", "2019-06-30", "2019年6月底"),
    ("2019", "2019-12-31", "2019年底"), ("2020-02-29", "2020-02-29", "2020年2月29日"),
])
def test_as_of_values(value: str, day: str, label: str) -> None:
    assert (parse_as_of(value).day, parse_as_of(value).label) == (day, label)


@pytest.mark.parametrize("value", ["2019-02-30", "2019-13", "19-06-01", "yesterday", "", "2019-06-01T00:00", "0000"])
def test_bad_as_of_values_are_refused_in_chinese(value: str) -> None:
    with pytest.raises(InputError, match=r"日期“.*”无效：请写成 2019-06-01"):
        parse_as_of(value)


OLD = DocMeta(title="中华人民共和国行政复议法", date="2017-09-01", kind="statute", in_force=False, status="已修改")
NEW = DocMeta(title="中华人民共和国行政复议法", date="2023-09-01", kind="statute", status="现行有效")
TEXT = "第九条 公民认为行政行为侵犯其合法权益的，可以自知道之日起六十日内提出行政复议申请。"
REPORT = "办理行政复议案件47件，纠错率2.12%。"


@pytest.fixture()
def versions() -> Retriever:
    """The same article in an old and a current version, and a report passage."""
    texts = [("old", TEXT), ("new", TEXT), ("report", REPORT)]
    chunks = [Chunk(f"{d}#{i}", d, t, (), 0, len(t), 0, len(t)) for i, (d, t) in enumerate(texts)]
    encoder, tokenizer = FakeKeywordEncoder(), Tokenizer()
    store = FaissStore(encoder.dim)
    store.add(encoder.encode_documents([c.text for c in chunks]))
    lexical = BM25Index.build([tokenizer.tokens(c.text) for c in chunks])
    metas = {"old": OLD, "new": NEW, "report": DocMeta(title="工作报告")}
    return Retriever(chunks, metas, encoder=encoder, vectors=store, lexical=lexical, tokenizer=tokenizer)


def test_a_past_day_query_ranks_its_version_as_the_law_it_then_was(versions: Retriever) -> None:
    question = "行政复议申请期限"
    current = {h.chunk.doc_id: h.score for h in versions.search(question, mode="lexical")}
    assert current["old"] == pytest.approx(current["new"] - FusionWeights().superseded)
    past = versions.search(question, mode="lexical", doc_ids={"old", "report"}, penalise_superseded=False)
    assert [h.chunk.doc_id for h in past] == ["old", "report"]
    assert past[0].score == pytest.approx(current["new"]) and past[1].score == pytest.approx(current["report"])
