"""Small pure functions: sentences, headings, places, normalisation, settings."""

from pathlib import Path

import pytest

from app.config import Settings
from rag.errors import DocumentError, InputError
from rag.ingest.catalog import load_catalog, place_names
from rag.ingest.headings import classify_heading, heading_label
from rag.search.metadata import MetadataMatcher
from rag.text.normalize import fold
from rag.text.sentences import split_sentences
from rag.types import DocMeta


def test_sentences_end_at_terminal_punctuation_and_keep_closing_quotes() -> None:
    sentences = split_sentences("他说：“好。”然后走了；第二件事！\n新行")
    assert sentences == ["他说：“好。”", "然后走了；", "第二件事！", "新行"]


@pytest.mark.parametrize(("line", "kind"), [
    ("第二编 物权", "part"), ("第三章 所有权", "chapter"), ("第一节 一般规定", "section"),
    ("一、工作开展情况", "h1"), ("（二）深化改革", "h2"), ("(二)深化改革", "h2"), ("3.高标准落实", "h3"),
    ("1. 简化流程", "h3"), ("(1)具体措施", "h4"), ("2.12%的纠错率", "text"), ("2023年,坦洲镇", "text"),
])
def test_heading_levels(line: str, kind: str) -> None:
    assert classify_heading(line) == kind


def test_heading_label_is_the_lead_sentence_when_a_body_follows() -> None:
    assert heading_label("1.高站位谋划整体布局。编制规划纲要。") == "1.高站位谋划整体布局"
    assert heading_label("(一)带头学法用法") == "(一)带头学法用法"


def test_place_names_drop_administrative_suffixes() -> None:
    assert place_names("广东省江门市鹤山市") == ["广东", "江门", "鹤山"]
    assert place_names("江苏省南通市海门区") == ["江苏", "南通", "海门"]
    assert place_names("") == []


def test_metadata_bonus_prefers_own_place_over_parent() -> None:
    metas = [DocMeta("鹤山报告", place="广东省江门市鹤山市", date="2022"), DocMeta("江门报道", place="广东省江门市")]
    bonus = MetadataMatcher(metas).bonus("江门市2022年的情况", 0.1, 0.05)
    assert bonus[1] == pytest.approx(0.1) and bonus[0] == pytest.approx(0.03 + 0.05)


def test_fold_is_the_scoring_rule() -> None:
    assert fold("權(quán)力 ５０％\n") == "权力50%"


def test_broken_catalog_says_where(tmp_path: Path) -> None:
    (tmp_path / "catalog.json").write_text('{"documents": {"a.txt": {"titel": "x"}}}', encoding="utf-8")
    with pytest.raises(DocumentError, match="不是有效的文档目录"):
        load_catalog(tmp_path)


def test_settings_come_from_the_environment_once() -> None:
    settings = Settings.from_env({"LAWQA_HOME": "/srv/lawqa", "LAWQA_COLLECTIONS": "seeds, laws"})
    assert settings.index_dir() == Path("/srv/lawqa/index/seeds") and settings.collections == ["seeds", "laws"]
    with pytest.raises(InputError, match="LAWQA_MODE"):
        Settings.from_env({"LAWQA_MODE": "fuzzy"})
