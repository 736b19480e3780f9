"""Recognising headings in reports and in statutes written as plain text.

Levels, outermost first: 编 > 章 > 节 > 一、 > （一） > 1. > (1), plus the
unnumbered headlines of newspaper-style reports, which sit at the 一、 level.
A numbered paragraph often carries its body on the same line
("1.高站位谋划整体布局。编制……"): the heading is then the lead sentence.
"""

from __future__ import annotations

import re
from typing import Literal

HeadingKind = Literal["title", "meta", "part", "chapter", "section", "h1", "h2", "h3", "h4", "headline", "text"]

_CN = "一二三四五六七八九十百千零〇两"
_PATTERNS: tuple[tuple[HeadingKind, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"^第[{_CN}\d]+编")),
    ("chapter", re.compile(rf"^第[{_CN}\d]+章")),
    ("section", re.compile(rf"^第[{_CN}\d]+节")),
    ("h1", re.compile(rf"^[{_CN}]+[、.．]")),
    ("h2", re.compile(rf"^[(（][{_CN}]+[)）]")),
    ("h3", re.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))")),
    ("h4", re.compile(r"^[(（]\d{1,2}[)）]")),
)
LEVELS: dict[HeadingKind, int] = {
    "part": 1, "chapter": 2, "section": 3, "h1": 4, "headline": 4, "h2": 5, "h3": 6, "h4": 7,
}
_LEAD_END = re.compile(r"[。；;！!？?]")
_MAX_LEAD = 40
# "加强领导 高位推动": two short phrases set apart by spaces, no punctuation.
_PAIRED_PHRASES = re.compile(r"^[\u4e00-\u9fff]{2,8}(\s+[\u4e00-\u9fff]{2,8})+$")
_PUNCTUATION = re.compile(r"[，。、；：！？,.;:!?“”\"（）()《》]")


def classify_heading(text: str) -> HeadingKind:
    for kind, pattern in _PATTERNS:
        if pattern.match(text):
            return kind
    return "text"


def heading_label(text: str) -> str:
    """The heading itself: the whole line, or its lead sentence when a body follows."""
    match = _LEAD_END.search(text)
    if match and match.start() <= _MAX_LEAD and match.end() < len(text):
        return text[: match.start()].strip()
    return text if len(text) <= _MAX_LEAD * 2 else text[:_MAX_LEAD].strip() + "…"


def is_headline(text: str, following: str, blank_separated: bool, ends_sentence: bool) -> bool:
    """An unnumbered headline line, as in newspaper and portal articles."""
    if ends_sentence or len(text) > 40 or not following:
        return False
    if blank_separated:
        # Paragraphs are set apart by blank lines: an unterminated short line is a headline.
        return True
    return is_paired_phrases(text)


def is_paired_phrases(text: str) -> bool:
    return bool(_PAIRED_PHRASES.match(text))


def is_subheadline(text: str) -> bool:
    """The line under a paired-phrase headline ("构建依法办事的法治环境")."""
    return len(text) <= 20 and not _PUNCTUATION.search(text)
