"""Character-level normalisation shared by cleaning, search and evaluation.

`fold` is the scoring rule of the evaluation README: delete pinyin readings,
convert traditional to simplified, NFKC, drop whitespace. Using the same
function everywhere keeps the project's numbers comparable with the rule.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# A reading such as "權(quán)": lowercase pinyin letters (tone marks allowed) in
# parentheses right after a Han character. Upper case is left alone so that
# abbreviations like "(SOP)" survive.
PINYIN_READING = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ]{1,7}[)）]")
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


def strip_pinyin(text: str) -> str:
    return PINYIN_READING.sub("", text)


def normalise(text: str) -> str:
    """Pinyin readings removed, traditional converted to simplified."""
    return to_simplified(strip_pinyin(text))


def fold(text: str) -> str:
    """The comparison form used to decide whether a passage contains evidence."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", normalise(text)))


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def years(text: str) -> set[str]:
    """Four-digit years named in a text ("2022年", "2020-2025"), after normalisation."""
    return set(_YEAR.findall(normalise(text)))
