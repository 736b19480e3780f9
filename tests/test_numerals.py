from __future__ import annotations

import pytest

from rag.text.numerals import cn_to_int, int_to_cn, normalize_article_refs


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0), ("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("五十四", 54),
        ("一百", 100), ("一百零三", 103), ("一百一十", 110), ("两百", 200), ("一千零一十", 1010),
        ("一千二百六十", 1260), ("一万零五", 10_005), ("十万", 100_000), ("二〇二〇", 2020),
    ],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "零"), (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (54, "五十四"), (103, "一百零三"),
        (110, "一百一十"), (1001, "一千零一"), (1010, "一千零一十"), (1260, "一千二百六十"),
        (10_005, "一万零五"), (12_345, "一万二千三百四十五"), (100_000, "十万"),
    ],
)
def test_int_to_cn(value: int, text: str) -> None:
    assert int_to_cn(value) == text


def test_round_trip_covers_every_article_number() -> None:
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(0, 3000))


@pytest.mark.parametrize("bad", ["", "五十x", "54"])
def test_cn_to_int_rejects_non_numerals(bad: str) -> None:
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        cn_to_int(bad)


def test_int_to_cn_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match="supports 0 to 99999999"):
        int_to_cn(-1)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("民法典第12条怎么规定", "民法典第十二条怎么规定"),
        ("第 12 条", "第十二条"),
        ("第1260条之一", "第一千二百六十条之一"),
        ("刑法第133条之1", "刑法第一百三十三条之一"),
        ("第3章第2节", "第三章第二节"),
        ("第2编", "第二编"),
        ("第1分编", "第一分编"),
        ("第54条第2款第3项", "第五十四条第二款第三项"),
        ("第１２条", "第十二条"),  # full-width digits typed by an IME
    ],
)
def test_normalize_article_refs(question: str, expected: str) -> None:
    assert normalize_article_refs(question) == expected


def test_normalize_leaves_other_digits_alone() -> None:
    text = "2021年1月1日起借款10万元，第二条已是中文，第3人不是条文"
    assert normalize_article_refs(text) == text
