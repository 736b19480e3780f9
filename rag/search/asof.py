"""The law as it stood on a day: the `as_of` date, given as an option or asked in the question.

"2019年时劳动合同法怎么规定试用期？" asks for the version in force in 2019: a date followed by a
time word (时 / 的时候 / 当时 / 那时) in a question about how the law provides (怎么规定, 条文,
版本 or a law the collection holds). A year in any other question ("2022年鹤山行政复议案件的纠错率")
is about a report's year and stays in the question. A bare year or month means its last day: the
version in force at the end of 2019 also covers a law that took effect during 2019.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from rag import texts
from rag.errors import InputError

_DATE = r"(?P<year>\d{4})\s*年(?:\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*[日号])?)?"
_MARKER = r"(?:那个?|当|的)?\s*(?:时候|时(?![间期段限效])|会儿|当时)"  # not 时间, 时效 ...
_WHEN = re.compile(rf"(?:(?:在|按照?|依照?|依据|根据)\s*)?{_DATE}\s*{_MARKER}(?:的规定\s*[，,：:]|的)?\s*[，,]?")
# Wording that asks how the law provided, rather than what happened in a year.
_RULE = re.compile(r"(?:怎么|怎样|如何|是怎么|是如何)规定|规定了?(?:什么|多少|多久|多长|几)|的规定|规定是|"
                   r"法律|法规|条文|法条|条款|版本")
_VALUES = (re.compile(r"^(?P<year>\d{4})(?:[-/.](?P<month>\d{1,2})(?:[-/.](?P<day>\d{1,2}))?)?$"),
           re.compile(rf"^{_DATE}$"))
_FILLER = re.compile(r"[\W_]+|怎么|怎样|如何|规定|是|的|了|呢|吗|啊|什么|那|当时|时候|法律|条文|版本|样")


@dataclass(frozen=True)
class AsOf:
    """A day whose law versions are searched, and how answers name it."""

    day: str  # ISO date: "2019-12-31"
    label: str  # "2019年底", "2019年6月底", "2019年6月1日"
    words: str  # as a question says it: "2019年", "2019年6月", "2019年6月1日"


@dataclass(frozen=True)
class DatedQuestion:
    as_of: AsOf | None
    question: str  # the question without its date phrase
    bare: bool = False  # nothing is left but "怎么规定": it asks the previous question for that date


def parse_as_of(value: str) -> AsOf:
    """"2019-06-01", "2019-06", "2019", "2019/6/1" or "2019年6月1日"; anything else is a Chinese InputError."""
    match = next((m for pattern in _VALUES if (m := pattern.match(value.strip()))), None)
    if match is None:
        raise InputError(texts.BAD_AS_OF.format(value=_shown(value)))
    return _as_of(match, value)


def _shown(value: str) -> str:
    """The bad value as the message quotes it: cut short, so a pasted paragraph does not fill the reply."""
    return value if len(value) <= 24 else value[:24] + "…"


def read_as_of(question: str, laws: Collection[str] = ()) -> DatedQuestion:
    """The date a question asks the law for ("2019年时…怎么规定"), and the question without it.

    `laws` are names of the laws the collection holds; naming one counts as asking how the law provides.
    """
    match = _WHEN.search(question)
    if match is None or not (_RULE.search(question) or any(name in question for name in laws)):
        return DatedQuestion(None, question)
    try:
        as_of = _as_of(match, match.group(0))
    except InputError:  # "2019年13月时": not a date, so not a question about one
        return DatedQuestion(None, question)
    rest = (question[:match.start()] + question[match.end():]).strip()
    return DatedQuestion(as_of, rest, bare=not _FILLER.sub("", rest))


def as_of_follow_up(question: str, previous: str | None, laws: Collection[str] = ()) -> str | None:
    """"2019年的时候怎么规定？" after a question: that question asked for 2019, else None."""
    dated = read_as_of(question, laws)
    if dated.as_of is None or not dated.bare or not previous:
        return None
    before = read_as_of(previous, laws)
    return texts.AS_OF_QUESTION.format(when=dated.as_of.words, question=before.question)


def _as_of(match: re.Match[str], value: str) -> AsOf:
    year, month, day = (int(g) if g else 0 for g in match.group("year", "month", "day"))
    try:
        last = calendar.monthrange(year, month or 12)[1]
        when = date(year, month or 12, day or last)
    except ValueError:
        raise InputError(texts.BAD_AS_OF.format(value=_shown(value))) from None
    if day:
        words = label = f"{year}年{month}月{day}日"
    elif month:
        words, label = f"{year}年{month}月", f"{year}年{month}月底"
    else:
        words, label = f"{year}年", f"{year}年底"
    return AsOf(when.isoformat(), label, words)
