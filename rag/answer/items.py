"""Items of an asked kind inside a sentence: a number with a fitting unit, a date, a name.

`find_items` returns the spans (offsets into the sentence) of every item that
could answer; `clause_of` gives the clause around a span, which is where the
thing asked about must be named for the item to be about it ("律师事务所" in
"全县律师事务所12家" but not in "法律服务机构和个人共1350个").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.answer.question import UNIT_GROUPS, Asked

Span = tuple[int, int]

_NUMBER = r"(?:\d+(?:[.,]\d+)*|[零〇一二两三四五六七八九十百千万亿]+)"
_ANY_UNIT = sorted({u for group in UNIT_GROUPS.values() for u in group}, key=len, reverse=True)
# 万/亿 scale the number ("113万人次" counts people, "466万元" money); a bare "5万" still reads 万 as the unit.
_QUANTITY = re.compile(rf"{_NUMBER}(?:多|余)?(?:[万亿](?:多|余)?)?\s*(?P<unit>{'|'.join(map(re.escape, _ANY_UNIT))})")
_PERCENT_WORDS = re.compile(rf"百分之{_NUMBER}|{_NUMBER}成")
_DATE = re.compile(
    r"(?:(?:19|20)\d{2}|[一二〇零]{4})年(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?"
    r"|(?:19|20)\d{2}年(?:度|底|初|上半年|下半年)?|(?:19|20)\d{2}[-./]\d{1,2}(?:[-./]\d{1,2})?"
    r"|\d{1,2}月\d{1,2}日|[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
    r"|(?:今年|去年|同年|当年|次年)(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})日)?")
_PERSON = re.compile(r"(?:书记|局长|主任|镇长|县长|市长|区长|部长|厅长|院长|庭长|所长|会长|主席|同志)"
                     r"[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff]{2,3}(?=同志|局长|书记|主任)")
_QUOTED = re.compile(r"[“「《\"][^”」》\"]{2,30}[”」》\"]")
_CLAUSE_END = "，,；;。！？!?：:"
_BODY_SUFFIXES = ("局", "部", "委", "办", "院", "中心", "所", "会", "庭", "站", "室", "队", "处", "厅", "司", "组")


def find_items(sentence: str, asked: Asked) -> list[Span]:
    finder = _FINDERS.get(asked.kind)
    return finder(sentence, asked) if finder else []


_ORDINAL = re.compile(rf"第{_NUMBER}(?:名|位)?")


def _quantities(sentence: str, asked: Asked) -> list[Span]:
    if asked.units == ("ordinal",):
        return [m.span() for m in _ORDINAL.finditer(sentence)]
    spans = [m.span() for m in _QUANTITY.finditer(sentence) if not asked.units or m.group("unit") in asked.units]
    if not asked.units or "%" in asked.units:
        spans += [m.span() for m in _PERCENT_WORDS.finditer(sentence)]
    dates = [m.span() for m in _DATE.finditer(sentence)]
    # "2023年" is a year, not a quantity counted in 年; a period asks for durations, not dates.
    return sorted(s for s in spans if not any(d[0] <= s[0] < d[1] for d in dates))


def _dates(sentence: str, asked: Asked) -> list[Span]:
    return [m.span() for m in _DATE.finditer(sentence)]


_NOT_A_NAME = tuple("市县区镇省委局院部厅办会")  # "市委书记" puts a body, not a name, before the title


def _people(sentence: str, asked: Asked) -> list[Span]:
    return [m.span() for m in _PERSON.finditer(sentence) if not m.group().endswith(_NOT_A_NAME)]


def _entities(sentence: str, asked: Asked) -> list[Span]:
    """Names of the asked class (哪个镇 -> "龙口镇"), or quoted names when no class is named."""
    found = [m.span() for m in _QUOTED.finditer(sentence)]
    noun = asked.entity_class
    if noun:
        suffixes = _BODY_SUFFIXES if noun in ("部门", "单位", "机构", "机关") else (noun[-1],)
        pattern = re.compile(rf"[\u4e00-\u9fff]{{1,10}}?(?:{'|'.join(map(re.escape, suffixes))})")
        found += [m.span() for m in pattern.finditer(sentence)]
    return sorted(set(found))


_FINDERS: dict[str, Callable[[str, Asked], list[Span]]] = {
    "quantity": _quantities,
    "period": _quantities,
    "date": _dates,
    "person": _people,
    "entity": _entities,
}


def clause_of(sentence: str, span: Span) -> Span:
    """The clause (between commas, semicolons and stops) that holds the span, widened to the span."""
    start = max((sentence.rfind(mark, 0, span[0]) for mark in _CLAUSE_END), default=-1) + 1
    ends = [i for mark in _CLAUSE_END if (i := sentence.find(mark, span[1])) >= 0]
    return start, min(ends, default=len(sentence))
