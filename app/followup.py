"""Follow-up questions: "那坦洲呢？" after a question about 鹤山 asks the same about 坦洲.

A question is elliptic when it leans on the one before: it opens with 那/那么/还有,
ends with 呢, or names nothing but a place or a year, and has little content of
its own. Such a question is completed from the previous one:

- nothing but a place/year: the previous question with that place or year swapped in
  ("2022年鹤山的纠错率是多少？" + "那2023年呢？" -> "2023年鹤山的纠错率是多少？");
- a topic but no place: the previous question's place (and, when it names no year
  either, the year) is put in front ("还有哪些措施？" -> "鹤山还有哪些措施？").

A new place with a new topic is a new question (only a leading 那 is dropped), and
anything that is not elliptic is left alone. Place names come from the documents' metadata, so the rule
knows no towns of its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_OPENER = re.compile(r"^(?:那么|那)[，,、\s]*")
_MARKERS = ("那", "还有")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年度|年)?(?!\d)")
_TRAILING = re.compile(r"[\s？?。.!！~～]+$")
_FILLER = re.compile(r"[\W_]+|那么|那|还有|的|呢|吗|嘛|啊|呀|怎么样|如何|情况|又|是")
_ADMIN_SUFFIX = "(?:自治区|特别行政区|自治州|街道|省|市|区|县|镇|乡)?"  # "坦洲镇" names 坦洲
MAX_CORE = 8  # a follow-up with more words of its own than this is read as a new question


def rewrite(question: str, previous: str | None, places: Collection[str]) -> str:
    """The question to search for, given the previous (already rewritten) one."""
    text = question.strip()
    if not previous or not is_elliptic(text, places):
        return text
    if not core(text, places):
        return substitute(previous.strip(), text, places)
    if find_places(text, places):
        return _OPENER.sub("", text)
    named_year = bool(find_years(text))
    context = find_places(previous, places) + ([] if named_year else [f"{y}年" for y in find_years(previous)])
    return "".join(context) + _OPENER.sub("", text)


def is_elliptic(question: str, places: Collection[str]) -> bool:
    bare = _TRAILING.sub("", question)
    leans = bare.startswith(_MARKERS) or bare.endswith("呢") or not core(question, places)
    return leans and len(core(question, places)) <= MAX_CORE


def core(question: str, places: Collection[str]) -> str:
    """What the question says besides places, years and discourse particles."""
    text = _YEAR.sub("", question)
    pattern = _place_pattern(places)
    if pattern is not None:
        text = pattern.sub("", text)
    return _FILLER.sub("", text)


def substitute(previous: str, question: str, known: Collection[str]) -> str:
    """The previous question with the place and year the question names swapped in (or put in front)."""
    result = previous
    new_years, old_years = find_years(question), find_years(previous)
    if new_years:
        result = result.replace(old_years[0], new_years[0]) if old_years else f"{new_years[0]}年{result}"
    new_places, old_places = _place_matches(question, known), _place_matches(previous, known)
    if not new_places or new_places[0]["name"] in {m["name"] for m in old_places}:
        return result
    if old_places:
        return result.replace(old_places[0][0], new_places[0][0])
    return new_places[0][0] + result


def find_places(text: str, places: Collection[str]) -> list[str]:
    """Places named in the text, in order of first mention, suffixes such as 镇 dropped."""
    return list(dict.fromkeys(m["name"] for m in _place_matches(text, places)))


def find_years(text: str) -> list[str]:
    return list(dict.fromkeys(_YEAR.findall(text)))


def _place_matches(text: str, places: Collection[str]) -> list[re.Match[str]]:
    pattern = _place_pattern(places)
    return list(pattern.finditer(text)) if pattern is not None else []


def _place_pattern(places: Collection[str]) -> re.Pattern[str] | None:
    names = sorted({p for p in places if p}, key=len, reverse=True)  # longest first: 江门市 before 江门
    if not names:
        return None
    return re.compile(f"(?P<name>{'|'.join(map(re.escape, names))}){_ADMIN_SUFFIX}")
