"""Where the articles of a statute are: heading path, article number and paragraph spans.

Heading levels are named by their text, not by their '#' count, because files differ: 民法典 uses
`##` for 章 while 刑法 uses `##` for 编. A heading without a number ("## 附则") takes the level last
seen at its depth. Plain-text statutes have no '#', so there "第一章 总则" lines are the headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.statute_header import Header, Line
from rag.text.numerals import int_to_cn

__all__ = ["START", "Article", "article_blocks"]

_NUM = r"零〇一二两三四五六七八九十百千\d"
_ARTICLE = re.compile(rf"^[ \t\u3000]*(第([{_NUM}]+)条(?:之([一二三四五六七八九十]+))?)(?=[ \t\u3000]|$)")
_MD_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*))?$")
_KIND = re.compile(rf"^第[{_NUM}]+(分编|编|章|节)")
_PLAIN_HEADING = re.compile(rf"^第[{_NUM}]+(?:分编|编|章|节)(?:[ \t\u3000]|$)[^。；]{{0,40}}$")
START = re.compile(rf"{_ARTICLE.pattern}|^##|{_PLAIN_HEADING.pattern}")  # where a head without marker ends
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_RANKS = {"编": 0, "分编": 1, "章": 2, "节": 3}
_DEPTH_RANKS = {1: 0, 2: 2, 3: 3}  # unnamed headings ("## 附则") before any named one at that depth


@dataclass(frozen=True)
class Article:
    """One article: canonical name ("第五十四条"), heading path, (start, end) of each paragraph."""

    name: str
    section: tuple[str, ...]
    paras: tuple[tuple[int, int], ...]


@dataclass
class _Outline:
    """The current heading path; a heading clears every level below its own."""

    root: tuple[str, ...]
    levels: dict[int, str] = field(default_factory=dict)
    depth_ranks: dict[int, int] = field(default_factory=dict)

    def enter(self, depth: int, name: str) -> None:
        kind = _KIND.match(name)
        if kind:
            rank = self.depth_ranks[depth] = _RANKS[kind.group(1)]
        else:
            rank = self.depth_ranks.get(depth, _DEPTH_RANKS.get(depth, 3))
        self.levels = {r: n for r, n in self.levels.items() if r < rank}
        if name:
            self.levels[rank] = name

    def path(self) -> tuple[str, ...]:
        return self.root + tuple(self.levels[r] for r in sorted(self.levels))


@dataclass
class _Block:
    """An article being collected: its paragraphs grow until the next article or heading."""

    name: str
    section: tuple[str, ...]
    paras: list[tuple[int, int]]


def _heading(text: str, markdown: bool) -> tuple[int, str] | None:
    """(depth, name) of a heading line; plain text has no '#', so "第一章 总则" is recognised."""
    match = _MD_HEADING.match(text) if markdown else _PLAIN_HEADING.match(text)
    if match is None:
        return None
    name = " ".join(((match.group(2) or "") if markdown else text).split())
    kind = _KIND.match(name)
    cut = kind.end() if kind else 0
    # Typeset spacing ("第一章 总 则", "准 合 同") is not part of the name people search for.
    name = name[:cut] + _CJK_GAP.sub("", name[cut:])
    return (len(match.group(1)) if markdown else 0), name


def _article_name(match: re.Match[str]) -> str:
    number, sub = match.group(2), match.group(3)
    # Digit numbering (some plain-text sources) is written the way the statutes write it.
    number = int_to_cn(int(number)) if number.isdigit() else number
    return f"第{number}条" + (f"之{sub}" if sub else "")


def article_blocks(lines: list[Line], header: Header) -> list[Article]:
    """The articles after the head, in file order, each with its section path."""
    outline = _Outline(root=(header.subtitle,) if header.subtitle else ())
    blocks: list[_Block] = []
    in_article = False
    for line in lines[header.body:]:
        heading = _heading(line.text, header.markdown)
        article = _ARTICLE.match(line.text)
        if heading is not None:
            outline.enter(*heading)
            in_article = False
        elif article is not None:
            first = (line.start + article.start(1), line.end)
            blocks.append(_Block(_article_name(article), outline.path(), [first]))
            in_article = True
        elif in_article and line.text.strip():
            indent = len(line.text) - len(line.text.lstrip())
            blocks[-1].paras.append((line.start + indent, line.end))
    return [Article(b.name, b.section, tuple(b.paras)) for b in blocks]
