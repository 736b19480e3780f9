"""One current version per law, on the real LawRefBook files of 未成年人保护法 (2020 and 2024 texts)."""

from dataclasses import replace
from pathlib import Path

from rag.answer.compose import chinese_date, statute_label, validity
from rag.ingest.indexing import load_corpus
from rag.ingest.versions import AMENDED, IN_FORCE, REPEALED, mark_versions
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
