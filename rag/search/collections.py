"""Which collection a question points to: the reports, when it names a place or a year.

Lay questions about the law ("狗把我咬了，主人要赔吗？") name no place; a question
about a work report nearly always names its town, county or year ("鹤山2022年…",
"龙口镇的…"). The places are the reports' own (catalog place and its parents) and
any town or county the question names in full ("共和镇", "台城街道").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.text.normalize import normalise, years
from rag.text.tokenize import Tokenizer

# Not before 上/里/城/下: "镇上的超市", "县里", "老家县城" say where a citizen lives, not which town.
_TOWN = re.compile(r"([\u4e00-\u9fff]{2})(?:镇|街道|县)(?![上里城下])")
_NOT_A_START = frozenset("各全本该我其每两这那和与及在到的为等对去住回从小大")  # "在乡镇", "小城镇" name no town
_NOT_AN_END = frozenset("乡在")  # "我爸在县医院"


class ReportCues:
    def __init__(self, places: Iterable[str], tokenizer: Tokenizer | None = None) -> None:
        self.places = frozenset(p for p in places if len(p) >= 2)
        self._tokenizer = tokenizer or Tokenizer()

    def named(self, question: str) -> bool:
        """True when the question names a report's place, a town or county, or a year."""
        text = normalise(question)
        if years(text) or any(place in text for place in self.places):
            return True
        towns = [m for m in _TOWN.finditer(text) if m[1][0] not in _NOT_A_START and m[1][1] not in _NOT_AN_END]
        # A town's name starts a word: in "只要城镇户口" and "去年在县商场" the two characters before 镇 or 县
        # begin inside 只要 and 去年.
        starts = self._tokenizer.word_starts(text) if towns else set()
        return any(m.start() in starts for m in towns)
