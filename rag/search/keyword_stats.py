"""How many chunks hold each token: the IDF that the answer step needs beside a search service's BM25.

A full-text search service (Milvus) scores chunks but does not say what a single
token's IDF is, and the answer step weighs question terms by it
(`rag.answer.evidence`). Document frequencies are a small table, one number per
distinct token, so they are kept with the chunks on disk. The formula is the one
`rag.search.lexical.BM25Index` and Milvus' BM25 use.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "keyword_terms.json"


@dataclass(frozen=True)
class TermStats:
    size: int  # chunks
    document_frequency: dict[str, int]

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]]) -> TermStats:
        counts: Counter[str] = Counter()
        for tokens in documents:
            counts.update(set(tokens))
        return cls(len(documents), dict(counts))

    def idf_of(self, term: str) -> float:
        df = self.document_frequency.get(term, 0)
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def save(self, directory: Path) -> None:
        row = {"size": self.size, "document_frequency": self.document_frequency}
        (directory / FILE_NAME).write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TermStats:
        row = json.loads((directory / FILE_NAME).read_text(encoding="utf-8"))
        return cls(int(row["size"]), {str(t): int(n) for t, n in row["document_frequency"].items()})
