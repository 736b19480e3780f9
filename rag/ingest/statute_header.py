"""The head of a statute file: title, subtitle, and the history lines before the articles.

Markdown files (LawRefBook) end their head with `<!-- INFO END -->`; plain-text statutes have a
title line and then, optionally, history lines up to the first article or heading. History lines
say when and by whom the text was adopted, which is where the date and issuer come from when the
catalog does not know them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Header", "Line", "closing_effective", "history_date", "issuer_of", "read_header", "split_lines"]

INFO_END = "<!-- INFO END -->"
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_EFFECTIVE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*起?\s*施行")
# The closing article: "本法自2024年7月1日起施行" or "本法自公布之日起施行".
_CLOSING = re.compile(r"自(?:(\d{4})年(\d{1,2})月(\d{1,2})日|(公布|发布)之日)\s*起\s*施行")
CLOSING_CHARS = 4000  # the closing article sits at the end, before any annex
_SESSION = re.compile(r"第[零〇一二两三四五六七八九十百千\d]+届")
_BODIES = "人民代表大会常务委员会|人民代表大会|国务院|最高人民法院|最高人民检察院"
_ISSUER = re.compile(rf"[\u4e00-\u9fff]*?(?:{_BODIES})")
_COURTS = "最高人民法院|最高人民检察院|国务院"
_TITLE_ISSUER = re.compile(rf"^((?:{_COURTS})(?:、(?:{_COURTS}))*)")


@dataclass(frozen=True)
class Line:
    """One line of the file: `start` is its offset in the text, `text` excludes the line break."""

    start: int
    text: str

    @property
    def end(self) -> int:
        """Offset just after the last non-blank character, so spans never end in whitespace."""
        return self.start + len(self.text.rstrip())


@dataclass(frozen=True)
class Header:
    title: str
    subtitle: str
    history: tuple[str, ...]
    body: int  # index of the first line after the head
    markdown: bool


def split_lines(text: str) -> list[Line]:
    """Lines with their offsets; the offsets add up exactly, whatever the line breaks are."""
    lines: list[Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        lines.append(Line(offset, raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")))
        offset += len(raw)
    return lines


def read_header(lines: list[Line], is_start: re.Pattern[str]) -> Header:
    """Find the title and history; `is_start` recognises the first article or heading line."""
    texts = [line.text.strip() for line in lines]
    first = next((t for t in texts if t), "")
    markdown = first.startswith("# ")
    if INFO_END in texts:
        body = texts.index(INFO_END) + 1
    else:
        starts = (i for i, t in enumerate(texts) if is_start.match(t) and not t.startswith("# "))
        body = next(starts, len(texts))
    head = [t for t in texts[:body] if t and t != INFO_END]
    if markdown:
        titles = [t[2:].strip() for t in head if t.startswith("# ")][:2]
        history = tuple(t for t in head if not t.startswith("#"))
    else:
        titles, history = head[:1], tuple(head[1:])  # plain text: the first line is the title
    subtitle = titles[1] if len(titles) > 1 else ""
    return Header(titles[0] if titles else "", subtitle, history, body, markdown)


def _iso(match: re.Match[str] | None) -> str:
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}" if match else ""


def history_date(history: tuple[str, ...], *, effective: bool = False) -> str:
    """ISO date of the first history line, or of the first "…施行" line when `effective`."""
    if effective:
        return next((_iso(m) for h in history if (m := _EFFECTIVE.search(h))), "")
    return _iso(_DATE.search(history[0])) if history else ""


def closing_effective(text: str, publish: str) -> str:
    """The day this version took effect, from its closing article, when that article speaks of it.

    A revision (修订) restates the closing article with its own date; an amendment (修正) keeps the
    first version's date, which is older than this version's publish date and so says nothing of it.
    """
    found = list(_CLOSING.finditer(text[-CLOSING_CHARS:]))
    if not found:
        return ""
    last = found[-1]
    day = publish if last.group(4) else _iso(last)
    return day if day and publish and day >= publish else ""


def issuer_of(title: str, history: tuple[str, ...]) -> str:
    """The adopting body: from the first history line, else from a title like "最高人民法院关于…"."""
    if history:
        body = _SESSION.sub("", _DATE.sub("", history[0], count=1))
        match = _ISSUER.search(body)
        if match:
            return match.group(0).removeprefix("中华人民共和国")
    match = _TITLE_ISSUER.match(title)
    return match.group(1) if match else ""
