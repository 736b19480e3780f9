"""One current version per law and the days each version held, on real LawRefBook files (未成年人保护法, 行政复议法)."""

from dataclasses import replace
from pathlib import Path

from rag.answer.compose import chinese_date, statute_label, validity
from rag.ingest.indexing import load_corpus
from rag.ingest.statute_header import closing_effective
from rag.ingest.versions import AMENDED, IN_FORCE, REPEALED, LawCalendar, mark_versions
from rag.types import DocMeta, Document

ROOT = Path(__file__).resolve().parent.parent
MINORS = sorted((ROOT / "laws" / "national" / "社会法").glob("未成年人保护法(*).md"))


def law(doc_id: str, date: str, in_force: bool = True) -> Document:
    return Document(doc_id, f"{doc_id}.md", "", DocMeta(title="某某法", date=date, kind="statute", in_force=in_force))


def test_the_newest_version_in_force_is_current_and_older_ones_amended() -> None:
    docs = mark_versions([law("a", "2012-01-01"), law("b", "2020-01-01"), law("c", "2016-01-01", in_force=False)])
    assert [d.meta.status for d in docs] == [AMENDED, IN_FORCE, AMENDED]
    assert [d.meta.in_force for d in docs] == [False, True, False]


def test_a_law_with_every_version_expired_is_repealed() -> None:
    docs = mark_versions([law("a", "2001-01-01", in_force=False), law("b", "2009-01-01", in_force=False)])
    assert [d.meta.status for d in docs] == [AMENDED, REPEALED]


def test_reports_are_left_alone() -> None:
    report = Document("r", "r.txt", "", DocMeta(title="工作报告"))
    assert mark_versions([report]) == [report]


def test_real_versions_of_the_minors_protection_law() -> None:
    assert len(MINORS) == 2
    corpus = load_corpus(MINORS, collection="laws", max_chars=400)
    status = {d.path.split("(")[-1][:4]: d.meta.status for d in corpus.documents}
    assert status == {"2020": AMENDED, "2024": IN_FORCE}


def test_statute_label_states_validity() -> None:
    meta = DocMeta(title="中华人民共和国劳动合同法", kind="statute", effective="2013-07-01", status=IN_FORCE)
    expected = "《劳动合同法》第十九条（现行有效，2013年7月1日起施行）"
    assert statute_label("劳动合同法 第十九条") + validity(meta) == expected
    assert validity(replace(meta, effective="")) == "（现行有效）" and chinese_date("2020") == "2020"
    # an amendment whose effective day nobody recorded: the day it was adopted says which text it is
    assert validity(replace(meta, effective="", date="2024-04-26")) == "（现行有效，2024年4月26日公布）"
    assert validity(replace(meta, effective="", date="2024")) == "（现行有效）"


ROOT_LAWS = ROOT / "laws" / "national"
REVIEW = sorted((ROOT_LAWS / "诉讼与非诉讼程序法").glob("行政复议法(*).md"))


def part(doc_id: str, date: str, effective: str = "", in_force: bool = True) -> Document:
    meta = DocMeta(title="中华人民共和国民法典", date=date, effective=effective, kind="statute", in_force=in_force)
    return Document(doc_id, f"{doc_id}.md", "", meta)


def test_the_books_of_one_code_are_one_version_and_share_its_standing() -> None:
    """民法典 is filed as eight books of one version: none of them is an older version of another."""
    docs = mark_versions([part("总则", "2020-05-28", "2021-01-01"), part("婚姻家庭编", "2020-05-28"),
                          part("合同编", "2020-05-28", "2021-01-01", in_force=False)])
    assert [d.meta.status for d in docs] == [IN_FORCE] * 3
    assert [d.meta.effective for d in docs] == ["2021-01-01"] * 3  # 婚姻家庭编 takes its version's day


def test_real_pair_of_the_administrative_review_law() -> None:
    """行政复议法 as LawRefBook files it: the 2017 text (in force 2018-01-01, expired) and the 2023 text."""
    corpus = load_corpus(REVIEW, collection="laws", max_chars=400)
    by_year = {d.meta.date[:4]: d for d in corpus.documents}
    assert {y: (d.meta.status, d.meta.effective) for y, d in by_year.items()} == {
        "2017": (AMENDED, "2018-01-01"), "2023": (IN_FORCE, "2024-01-01")}
    calendar = LawCalendar.of({d.doc_id: d.meta for d in corpus.documents})
    old, new = calendar.laws["中华人民共和国行政复议法"]
    assert (old.start, old.end, new.start, new.end) == ("2018-01-01", "2024-01-01", "2024-01-01", "")
    everything = [d.doc_id for d in corpus.documents] + ["a-report"]
    assert calendar.allowed(everything, "2019-06-01") == {by_year["2017"].doc_id, "a-report"}
    assert calendar.allowed(everything, "2024-01-01") == {by_year["2023"].doc_id, "a-report"}
    assert calendar.allowed(everything, "2017-12-31") == {"a-report"}  # before the first text took effect
    assert calendar.missing("行政复议法怎么规定", "2010-01-01") == old
    assert calendar.missing("行政复议法怎么规定", "2019-01-01") is None


def test_a_revision_takes_effect_on_its_closing_article_an_amendment_does_not() -> None:
    """The catalog gives no day for the newest texts; a revision's closing article does ("自2024年7月1日起施行").
    An amendment keeps the first text's closing article, which says nothing of the amendment."""
    files = [ROOT_LAWS / "民法商法" / "公司法(2023-12-29).md", ROOT_LAWS / "社会法" / "慈善法(2023-12-29).md"]
    effective = {d.meta.short_title: d.meta.effective for d in load_corpus(files, collection="laws",
                                                                           max_chars=400).documents}
    assert effective == {"公司法": "2024-07-01", "慈善法": ""}
    assert closing_effective("第九十条 本法自公布之日起施行。", "2024-03-11") == "2024-03-11"


def test_the_law_on_a_past_day_names_its_version() -> None:
    meta = DocMeta(title="中华人民共和国行政复议法", kind="statute", effective="2018-01-01", status=AMENDED)
    assert validity(meta, "2019年6月1日") == "（2019年6月1日时有效的版本，2018年1月1日起施行，现已修改）"
    assert validity(replace(meta, status=IN_FORCE, effective=""), "2019年底") == "（2019年底时有效的版本，现行有效）"
    assert (validity(replace(meta, status=IN_FORCE, effective="", date="2017-09-01"), "2019年底")
            == "（2019年底时有效的版本，2017年9月1日公布，现行有效）")
