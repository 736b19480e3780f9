import re

import pytest

from rag.text.textmap import MappedText, join


def test_delete_keeps_origin_of_every_kept_character() -> None:
    text = MappedText.identity("權(quán)力在")
    cleaned = text.delete_matches(re.compile(r"\(quán\)"))
    assert cleaned.text == "權力在"
    assert cleaned.origin == (0, 7, 8)
    assert cleaned.source_span(1, 3) == (7, 9)


def test_convert_falls_back_to_single_characters_when_length_changes() -> None:
    text = MappedText.identity("ab")
    converted = text.convert(lambda s: s.upper() if len(s) == 1 else s + "x")
    assert converted.text == "AB"
    assert converted.origin == (0, 1)


def test_join_places_separator_after_previous_piece() -> None:
    whole = MappedText.identity("甲乙\n\n丙")
    joined = join([whole.slice(0, 2), whole.slice(4, 5)])
    assert joined.text == "甲乙\n丙"
    assert joined.origin == (0, 1, 2, 4)


def test_mismatched_origin_is_rejected() -> None:
    with pytest.raises(ValueError, match="one origin per character"):
        MappedText("ab", (0,))


def test_empty_span_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty span"):
        MappedText.identity("abc").source_span(2, 2)
