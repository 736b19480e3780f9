from rag.answer.compose import AnswerPolicy, compose_answer
from rag.answer.evidence import EvidenceScorer
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta, Hit

META = {"hs": DocMeta(title="鹤山市司法局2022年法治政府建设年度报告", place="广东省江门市鹤山市")}
TEXT = "全年共办理各类行政复议案件47件，案件办理纠错率2.12%。组织普法活动120场。"


def hit(text: str = TEXT, dense: float = 0.92) -> Hit:
    return Hit(Chunk("hs#0", "hs", text, ("一、工作",), 10, 10 + len(text), 0, len(text)), 1.0, 1, dense, 5.0)


def scorer() -> EvidenceScorer:
    return EvidenceScorer(Tokenizer(), lambda term: 1.0)


def test_answer_quotes_the_covering_sentence_with_its_citation_number() -> None:
    answer = compose_answer("鹤山2022年行政复议纠错率是多少？", [hit()], META, scorer(), mode="hybrid",
                            policy=AnswerPolicy(0.09, 0.3))
    assert not answer.abstained
    assert answer.text.startswith("全年共办理各类行政复议案件47件，案件办理纠错率2.12%。[1]")
    assert answer.citations[0].quote[0].endswith("2.12%。")


def test_a_year_absent_from_passage_and_title_is_said_with_the_other_year_figure() -> None:
    answer = compose_answer("鹤山2025年行政复议纠错率是多少？", [hit()], META, scorer(), mode="hybrid",
                            policy=AnswerPolicy(0.09, 0.3))
    assert answer.abstained and answer.text.startswith("所问地区或年份的资料中没有找到答案")
    assert "2.12%" in answer.text and answer.citations[0].n == 1


def test_far_away_passages_are_not_trusted() -> None:
    question = "劳动合同试用期最长多久？"
    answer = compose_answer(question, [hit(dense=0.83)], META, scorer(), mode="hybrid", policy=AnswerPolicy(0.09, 0.3))
    assert answer.abstained and answer.confidence < 0.09


def test_an_everyday_word_counts_where_the_statute_uses_its_legal_term() -> None:
    """周末 is what 劳动法第四十四条 calls 休息日: with the lexicon the article covers the lay question more."""
    question = "周末加班怎么算钱？"
    article = "休息日安排劳动者工作又不能安排补休的，支付不低于工资的百分之二百的工资报酬。"
    plain = scorer().coverage(question, article)
    lexicon = {"周末": ["休息日"], "加班": ["延长工作时间", "安排劳动者工作"]}
    lay = EvidenceScorer(Tokenizer(), lambda term: 1.0, lexicon)
    assert lay.coverage(question, article) > plain
    assert lay.missing_share("周末", article) == 0.0 < scorer().missing_share("周末", article)
