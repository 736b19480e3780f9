"""Query expansion learned from (question, relevant passage) pairs.

Non-lawyers write "老板不给钱"; statutes write "拖欠劳动报酬". Counting, over
training pairs, how often a passage term appears when a question term does
gives p(passage term | question term). A new question's keyword query is
extended with the passage terms its own terms most often lead to, at a
reduced weight, so BM25 can reach articles that share no word with it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass
class TermExpander:
    min_count: int = 3  # a question term must occur in this many training questions
    min_share: float = 0.2  # p(passage term | question term) needed to be added
    min_lift: float = 3.0  # ... and that many times its share among all passages, so 规定/应当 stay out
    per_term: int = 5
    weight: float = 0.3
    table: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def fit(self, pairs: Iterable[tuple[Sequence[str], Sequence[str]]]) -> TermExpander:
        seen: Counter[str] = Counter()
        in_passages: Counter[str] = Counter()
        together: dict[str, Counter[str]] = defaultdict(Counter)
        total = 0
        for question, passage in pairs:
            passage_terms = set(passage)
            in_passages.update(passage_terms)
            total += 1
            for term in set(question):
                seen[term] += 1
                together[term].update(passage_terms)
        self.table = {}
        for term, count in seen.items():
            if count < self.min_count:
                continue
            kept = [(other, n / count) for other, n in together[term].items()
                    if other != term and n / count >= self.min_share
                    and (n / count) / (in_passages[other] / total) >= self.min_lift]
            self.table[term] = sorted(kept, key=lambda pair: (-pair[1], pair[0]))[: self.per_term]  # ties by term
        return self

    def expand(self, tokens: Sequence[str]) -> tuple[list[str], dict[str, float]]:
        """The query's tokens plus expansion terms, with a weight per term (1 for the query's own)."""
        weights = {t: 1.0 for t in tokens}
        for term in dict.fromkeys(tokens):
            for other, share in self.table.get(term, []):
                if other not in weights or weights[other] < 1.0:
                    weights[other] = max(weights.get(other, 0.0), self.weight * share)
        return list(weights), weights
