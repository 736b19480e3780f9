"""From a report as published (web page dump, newspaper layout) to clean lines.

Steps, each keeping the map back to the original file (see textmap):
pinyin readings deleted, traditional -> simplified, mojibake runs dropped,
web-page furniture dropped (its 来源 / 发布时间 kept as metadata), exact
duplicate paragraphs dropped, and lines that a layout broke in the middle of a
sentence re-joined. The result is a list of classified lines for chunking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.headings import HeadingKind, classify_heading, is_headline, is_paired_phrases, is_subheadline
from rag.text.charfreq import is_rare
from rag.text.normalize import PINYIN_READING, to_simplified
from rag.text.textmap import MappedText

# A stray "?" (an unencodable byte) plus the ASCII and rare characters that a
# wrong decoding produced after it: "?;仡欪Q", "??v", "?!鞍偾f".
_MOJIBAKE_START = re.compile(r"(?<=[\u4e00-\u9fff。，、；：”“）])\?[?!;:,.]*")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;…][”’」』)）]*$")
_NAV_TOKEN = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
_FURNITURE = (
    re.compile(r"^当前位置[:：]"),
    re.compile(r"^【\s*字体"),
    re.compile(r"字体[:：]?\s*[\[【]"),
    re.compile(r"^分享到[:：]?$"),
    re.compile(r"^责任编辑[:：]"),
    re.compile(r"^(\S{0,12}记者\s*)?[\u4e00-\u9fff]{2,4}(\s+[\u4e00-\u9fff]{2,4})*\s+摄$"),
    re.compile(r"^(打印|关闭|返回顶部|【?\s*打印\s*】?|【?\s*关闭\s*】?)$"),
)
_SOURCE = re.compile(r"来源[:：]\s*(\S+)")
_TRAILING_CHROME = re.compile(r"\s*(字体|【\s*字体|分享到).*$")
_PUBLISHED = re.compile(r"发布时间[:：]\s*(\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?)")


@dataclass(frozen=True)
class Line:
    text: MappedText
    kind: HeadingKind  # "title", a heading level name, or "text"


@dataclass
class CleanedReport:
    lines: list[Line]
    metadata: dict[str, str] = field(default_factory=dict)


def drop_mojibake(text: MappedText) -> MappedText:
    spans = []
    for match in _MOJIBAKE_START.finditer(text.text):
        end = match.end()
        while end < len(text) and ((text.text[end].isascii() and text.text[end].isalpha())
                                   or ("\u4e00" <= text.text[end] <= "\u9fff" and is_rare(text.text[end]))):
            end += 1
        spans.append((match.start(), end))
    return text.delete(spans)


def split_lines(text: MappedText) -> list[MappedText]:
    """Lines with surrounding whitespace removed; blank lines kept as empty."""
    lines, start = [], 0
    for end in [m.start() for m in re.finditer("\n", text.text)] + [len(text)]:
        raw = text.text[start:end]
        stripped = raw.strip()
        left = start + (len(raw) - len(raw.lstrip()))
        lines.append(text.slice(left, left + len(stripped)))
        start = end + 1
    return lines


def is_metadata_line(text: str) -> bool:
    """A short header or footer line such as "来源: 海门区委政法委 发布时间:2021-05-20"."""
    return len(text) <= 80 and bool(_SOURCE.match(text) or _PUBLISHED.match(text))


def is_nav_bar(line: str) -> bool:
    tokens = line.split()
    return len(tokens) >= 4 and all(_NAV_TOKEN.match(t) for t in tokens)


def drop_furniture(lines: list[MappedText], metadata: dict[str, str]) -> list[MappedText]:
    """Remove site chrome; a navigation bar also takes the site header above it."""
    nav = next((i for i, line in enumerate(lines[:15]) if is_nav_bar(line.text)), -1)
    kept = []
    for line in lines[nav + 1:]:
        text = line.text
        if is_metadata_line(text):
            if source := _SOURCE.search(text):
                metadata.setdefault("source", source.group(1))
            if published := _PUBLISHED.search(text):
                metadata.setdefault("date", published.group(1))
            # Keep the 来源/发布时间 line itself as a citable passage, minus trailing chrome.
            cut = _TRAILING_CHROME.search(text)
            kept.append(line.slice(0, cut.start()) if cut else line)
        elif not any(p.search(text) for p in _FURNITURE):
            kept.append(line)
    return kept


def drop_duplicates(lines: list[MappedText]) -> list[MappedText]:
    """Exact repeats of a paragraph (10+ characters) are a publishing error."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        if len(line) >= 10 and line.text in seen:
            continue
        seen.add(line.text)
        kept.append(line)
    return kept


def classify(lines: list[MappedText]) -> list[Line]:
    """Title lines, headings and text; blank lines only inform the layout."""
    blank_separated = sum(not line.text for line in lines) * 3 >= sum(bool(line.text) for line in lines)
    result: list[Line] = []
    for i, line in enumerate(lines):
        if not line.text:
            continue
        following = next((n.text for n in lines[i + 1:] if n.text), "")
        kind = "meta" if is_metadata_line(line.text) else classify_heading(line.text)
        if kind == "text" and _is_headline(line.text, following, result, blank_separated):
            kind = "headline"
        if kind in ("text", "headline") and _is_title(line.text, result, blank_separated):
            kind = "title"
        result.append(Line(line, kind))
    return result


def _is_headline(text: str, following: str, before: list[Line], blank_separated: bool) -> bool:
    if is_headline(text, following, blank_separated, _ends(text)):
        return True
    # The subtitle under a "加强领导 高位推动" headline belongs to it.
    return bool(before) and is_paired_headline(before[-1]) and is_subheadline(text)


def is_paired_headline(line: Line) -> bool:
    return line.kind == "headline" and is_paired_phrases(line.text.text)


def _is_title(text: str, before: list[Line], blank_separated: bool) -> bool:
    if any(line.kind != "title" for line in before) or _ends(text) or len(text) > 60:
        return False
    return not before or (text.startswith("——") and len(before) == 1)


def _ends(text: str) -> bool:
    return bool(_ENDS_SENTENCE.search(text))


def join_broken(lines: list[Line]) -> list[Line]:
    """Re-join text lines split mid-sentence by a newspaper layout."""
    joined: list[Line] = []
    for line in lines:
        previous = joined[-1] if joined else None
        if previous and previous.kind == "text" == line.kind and not _ends(previous.text.text):
            merged = MappedText(previous.text.text + line.text.text, previous.text.origin + line.text.origin)
            joined[-1] = Line(merged, "text")
        else:
            joined.append(line)
    return joined


def clean_report(original: str) -> CleanedReport:
    text = MappedText.identity(original.replace("\r", " "))
    text = text.delete_matches(PINYIN_READING).convert(to_simplified)
    metadata: dict[str, str] = {}
    lines = drop_furniture(split_lines(drop_mojibake(text)), metadata)
    return CleanedReport(join_broken(classify(drop_duplicates(lines))), metadata)
