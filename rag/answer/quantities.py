"""Numbers in Chinese text as values, so that "第54条" matches "第五十四条" and "466万元" matches "4,660,000元".

A generated sentence is read strictly: every number in digits, and every
Chinese numeral that counts something (after 第, or before a measure word such
as 年/月/日/条/元/倍), since a bare 一 is usually a word ("统一", "一是"). A
passage is read generously: every numeral in it is a value it supports.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rag.text.numerals import cn_to_int

_CN = "零〇一二两三四五六七八九十百千万亿"
_SCALE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_ARABIC = re.compile(r"(?<![\d.])(\d+(?:,\d{3})*(?:\.\d+)?)\s*([万亿])?")
_CHINESE = re.compile(f"(?<![\\d.])[{_CN}]+")
_MEASURES = "年月日天周岁个条款项章节编倍元人件次名户家号批届期类亩吨时分秒"
_COUNTED = re.compile(f"(?P<ordinal>第)?(?<![\\d.])(?P<n>[{_CN}]+)(?P<measure>[{_MEASURES}])?")


def text_quantities(text: str) -> set[Decimal]:
    """Every value a text mentions: digits with and without their 万/亿, and every Chinese numeral."""
    values: set[Decimal] = set()
    for match in _ARABIC.finditer(text):
        raw = _decimal(match.group(1))
        if raw is not None:
            values.add(raw)
            if match.group(2):
                values.add(raw * _SCALE[match.group(2)])
    for match in _CHINESE.finditer(text):
        value = chinese_value(match.group(0))
        if value is not None:
            values.add(value)
    return values


def sentence_quantities(text: str) -> list[tuple[str, Decimal]]:
    """(as written, value) for each number a sentence states: all digits, and counted Chinese numerals."""
    found: list[tuple[str, Decimal]] = []
    for match in _ARABIC.finditer(text):
        raw = _decimal(match.group(1))
        if raw is not None:
            found.append((match.group(0).strip(), raw * _SCALE.get(match.group(2) or "", Decimal(1))))
    for match in _COUNTED.finditer(text):
        if match.group("ordinal") or match.group("measure"):
            value = chinese_value(match.group("n"))
            if value is not None:
                found.append((match.group(0), value))
    return found


def chinese_value(numeral: str) -> Decimal | None:
    """"五十四" -> 54, "三万" -> 30000, "一亿二千万" -> 120000000; None for what is not a number ("零")."""
    if not numeral.strip("万亿"):  # a unit after digits ("466万") is read with the digits
        return None
    high, _, low = numeral.rpartition("亿") if "亿" in numeral else ("", "", numeral)
    try:
        value = Decimal(cn_to_int(low)) if low else Decimal(0)
        if "亿" in numeral:
            value += Decimal(cn_to_int(high) if high else 1) * _SCALE["亿"]
    except ValueError:
        return None
    return value


def _decimal(digits: str) -> Decimal | None:
    try:
        return Decimal(digits.replace(",", ""))
    except InvalidOperation:
        return None
