import re
from pathlib import Path

import pytest

from rag.ingest.cleaning import clean_report
from rag.ingest.loading import read_text
from rag.text.normalize import normalise
from rag.text.textmap import join

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(line.kind, line.text.text) for line in clean_report(text).lines]


def test_pinyin_and_traditional_characters_are_normalised() -> None:
    assert kinds("一、依法用權(quán)\n鶴山發(fā)揮作用。") == [("h1", "一、依法用权"), ("text", "鹤山发挥作用。")]


def test_furniture_is_dropped_and_metadata_kept() -> None:
    page = ("首页\n\n走进鹤山 政务动态 政务公开 政民互动\n报告标题\n【字体: 】【 打印】 【 关闭\n分享到:\n\n"
            "来源: 海门区委政法委 发布时间:2021-05-20 字体:[ ]\n\n正文第一句。\n\n"
            "江门日报记者 郭永乐 摄\n\n责任编辑:何苑珊")
    report = clean_report(page)
    assert [(line.kind, line.text.text) for line in report.lines] == [
        ("title", "报告标题"), ("meta", "来源: 海门区委政法委 发布时间:2021-05-20"), ("text", "正文第一句。")]
    assert report.metadata == {"source": "海门区委政法委", "date": "2021-05-20"}


def test_broken_lines_rejoin_but_headlines_stay() -> None:
    text = "第一句结束。\n至此,\n江门市在考评中\n连续3年优秀。\n加强领导 高位推动\n构建法治环境\n把党的领导\n贯彻到底。"
    assert kinds(text) == [
        ("text", "第一句结束。"), ("text", "至此,江门市在考评中连续3年优秀。"),
        ("headline", "加强领导 高位推动"), ("headline", "构建法治环境"), ("text", "把党的领导贯彻到底。")]


def test_duplicate_paragraphs_and_mojibake_are_removed() -> None:
    text = "注重示范驱动,培育法治品牌。\n\n注重示范驱动,培育法治品牌。\n\n汲取法治智慧?;仡欪Q山法治建设。"
    assert [t for _, t in kinds(text)] == ["注重示范驱动,培育法治品牌。", "汲取法治智慧山法治建设。"]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seed_offsets_map_back_to_the_original_exactly(path: Path) -> None:
    original = read_text(path)
    clean = join(line.text for line in clean_report(original).lines)
    for i, ch in enumerate(clean.text):
        if ch == "\n":
            continue
        at = clean.origin[i]
        # OpenCC converts some characters by phrase (答覆 -> 答复), so compare within the phrase.
        assert normalise(original[at]) == ch or ch in normalise(original[max(0, at - 3):at + 4]), (i, ch)


def test_seed_000_is_simplified_without_pinyin_and_003_has_no_photo_credit() -> None:
    text_000 = join(line.text for line in clean_report(read_text(SEEDS / "000_b663038b1e8870ec.txt")).lines).text
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔù]+\)", text_000)
    assert "鹤山" in text_000 and "鶴" not in text_000 and "權" not in text_000
    lines_003 = [line.text.text for line in clean_report(read_text(SEEDS / "003_5ea2f41f5733abe6.txt")).lines]
    assert not any(line.endswith("摄") for line in lines_003)
    assert "至此,江门市在法治广东建设考评中实现2018、2019、2020年度连续3年进入全省优秀行列。" in lines_003
