"""How common a Chinese character is, from jieba's word-frequency dictionary.

Mojibake (UTF-8 bytes decoded as GBK and back) produces runs of characters that
almost never occur in real text; a character's summed word frequency in
jieba's dictionary separates those runs from ordinary prose.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import jieba

# Below this summed frequency a character is "rare". 鞍 (1,838) and 仡 (454) are
# rare; 深 (54,331) and 保 (86,252) are common. Rare characters occur in real
# text, so rarity alone never deletes anything: see cleaning.MOJIBAKE.
RARE_BELOW = 2_000


@lru_cache(maxsize=1)
def char_frequencies() -> Counter[str]:
    counts: Counter[str] = Counter()
    dictionary = Path(jieba.__file__).parent / "dict.txt"
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, *_ = line.split(" ")
            for ch in set(word):
                counts[ch] += int(freq)
    return counts


def is_rare(ch: str) -> bool:
    return char_frequencies()[ch] < RARE_BELOW
