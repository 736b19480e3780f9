"""The follow-up rewriter, on hand-written questions; place names as rag.ingest.catalog yields them."""

from __future__ import annotations

import pytest

from app.followup import core, find_places, find_years, is_elliptic, rewrite
from rag.ingest.catalog import place_names

PLACES = [*place_names("广东省江门市鹤山市"), *place_names("广东省中山市坦洲镇"), *place_names("江苏省南通市海门区")]
WAGES = "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"
REVIEW = "2022年鹤山行政复议案件的纠错率是多少？"


@pytest.mark.parametrize(
    ("question", "previous", "expected"),
    [
        ("那坦洲呢？", WAGES, "坦洲通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"),
        ("那么坦洲镇呢", WAGES, "坦洲镇通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"),
        ("海门？", WAGES, "海门通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"),
        ("那2023年呢？", REVIEW, "2023年鹤山行政复议案件的纠错率是多少？"),
        ("那坦洲2023年的呢", REVIEW, "2023年坦洲行政复议案件的纠错率是多少？"),
        ("2023年呢", WAGES, "2023年鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"),
        ("那鹤山呢？", REVIEW, REVIEW),  # the same place: nothing to swap
    ],
)
def test_a_bare_place_or_year_is_swapped_into_the_previous_question(question: str, previous: str,
                                                                    expected: str) -> None:
    assert rewrite(question, previous, PLACES) == expected


def test_a_topic_without_a_place_inherits_the_previous_place_and_year() -> None:
    assert rewrite("还有哪些措施？", REVIEW, PLACES) == "鹤山2022年还有哪些措施？"
    assert rewrite("那胜诉率呢？", REVIEW, PLACES) == "鹤山2022年胜诉率呢？"


def test_a_new_year_with_a_topic_keeps_the_place_but_not_the_old_year() -> None:
    assert rewrite("那2023年的胜诉率呢？", REVIEW, PLACES) == "鹤山2023年的胜诉率呢？"


def test_a_new_place_with_a_topic_is_a_new_question() -> None:
    assert rewrite("那坦洲的调解案件呢？", WAGES, PLACES) == "坦洲的调解案件呢？"


@pytest.mark.parametrize(
    "question",
    [
        "坦洲镇在2022年度法治中山建设考核里排第几名？",  # a full question that names a place
        "那么鹤山市司法局2022年办理的法律援助及法律帮助案件有多少件呢？",  # opens with 那么 but says a lot
        "劳动合同的试用期最长可以约定多久？",
    ],
)
def test_a_self_contained_question_is_left_alone(question: str) -> None:
    assert rewrite(question, WAGES, PLACES) == question


def test_without_a_previous_question_nothing_changes() -> None:
    assert rewrite("  那坦洲呢？ ", None, PLACES) == "那坦洲呢？"
    assert rewrite("那坦洲呢？", "", PLACES) == "那坦洲呢？"


def test_without_known_places_only_years_are_recognised() -> None:
    assert rewrite("那2023年呢", REVIEW, []) == "2023年鹤山行政复议案件的纠错率是多少？"
    assert rewrite("那坦洲呢", REVIEW, []) == "2022年坦洲呢"  # 坦洲 is just a topic word now


def test_ellipsis_needs_a_marker_or_nothing_but_a_place() -> None:
    assert is_elliptic("那坦洲呢？", PLACES)
    assert is_elliptic("坦洲", PLACES)
    assert is_elliptic("还有呢", PLACES)
    assert not is_elliptic("坦洲的调解案件", PLACES)


def test_core_drops_places_with_their_suffix_years_and_particles() -> None:
    assert core("那么坦洲镇2023年度的情况呢？", PLACES) == ""
    assert core("那江门市的法治地图呢", PLACES) == "法治地图"


def test_places_are_found_in_order_longest_name_first() -> None:
    assert find_places("江门鹤山与坦洲镇、鹤山市", PLACES) == ["江门", "鹤山", "坦洲"]
    assert find_places("江门市", ["江门", "江门市"]) == ["江门市"]
    assert find_years("2022年和2023年度，以及2022年") == ["2022", "2023"]
