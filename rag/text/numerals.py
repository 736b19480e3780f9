"""Chinese numerals as statutes write them, and digit article references rewritten to match.

Statutes number their parts in Chinese ("第一千二百六十条"), people type digits ("第1260条").
The lexical index only sees the statute's form, so questions are normalised before search.
"""

from __future__ import annotations

import re

__all__ = ["ARTICLE_REF", "CN_DIGITS", "cn_to_int", "int_to_cn", "normalize_article_refs"]

_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                 "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
# An article cited as statutes write it: "第五十四条", "第一千二百六十条之一".
ARTICLE_REF = rf"第[{CN_DIGITS}]+条(?:之[一二三四五六七八九十]+)?"
_DIGIT_CHARS = "零一二三四五六七八九"
_UNIT_CHARS = ("", "十", "百", "千")

# 分编 before 编 is not needed for the regex (分 is consumed first) but keeps the intent readable.
_REF = re.compile(r"第\s*(\d+)\s*(分编|编|章|节|条|款|项)(?:\s*之\s*(\d+|[一二三四五六七八九十]+))?")


def cn_to_int(text: str) -> int:
    """Value of a Chinese numeral: "五十四" -> 54, "一百零三" -> 103, "十二" -> 12, "两" -> 2."""
    if not text or any(ch not in _DIGIT_VALUES and ch not in _UNIT_VALUES and ch != "万" for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _DIGIT_VALUES for ch in text) and len(text) > 1:
        # Digit-by-digit form, as in years: "二〇二〇".
        return int("".join(str(_DIGIT_VALUES[ch]) for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[ch]
        elif ch == "万":
            total += (section + digit) * 10_000
            section, digit = 0, 0
        else:
            # A bare unit ("十二") means one of it.
            section += (digit or 1) * _UNIT_VALUES[ch]
            digit = 0
    return total + section + digit


def _below_10k(n: int, *, leading: bool) -> str:
    """0 < n < 10000 in statute style; `leading` allows "十二" instead of "一十二"."""
    out: list[str] = []
    pending_zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append("零")
            pending_zero = False
        skip_one = leading and not out and power == 1 and d == 1
        out.append(("" if skip_one else _DIGIT_CHARS[d]) + _UNIT_CHARS[power])
    return "".join(out)


def int_to_cn(n: int) -> str:
    """Statute-style numeral: 10 -> "十", 110 -> "一百一十", 1260 -> "一千二百六十"."""
    if not 0 <= n < 100_000_000:
        raise ValueError(f"int_to_cn supports 0 to 99999999, got {n}")
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if not high:
        return _below_10k(low, leading=True)
    head = _below_10k(high, leading=True) + "万"
    if not low:
        return head
    # "一万零五": a gap in the thousands place is spoken as 零.
    return head + ("零" if low < 1000 else "") + _below_10k(low, leading=False)


def _rewrite(match: re.Match[str]) -> str:
    number, unit, sub = match.group(1), match.group(2), match.group(3)
    out = f"第{int_to_cn(int(number))}{unit}"
    if sub is not None:
        out += "之" + (int_to_cn(int(sub)) if sub.isdigit() else sub)
    return out


def normalize_article_refs(text: str) -> str:
    """Rewrite "第12条" / "第 12 条" / "第3章" / "第1260条之一" to the statutes' Chinese form.

    Digits that are not part of such a reference (amounts, years) are left alone.
    """
    return _REF.sub(_rewrite, text)
