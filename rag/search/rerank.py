"""Learned reranking of statute candidates: four rankings in, one learned score out.

Candidates are the union of the best `model.candidates` chunks by the raw e5
cosine, the adapted cosine (question mapped by the learned adapter), BM25, and
BM25 with the colloquial-to-legal expansion (learned, plus the everyday words of
rag.search.colloquial, both in the model), and the articles that answered the train
questions nearest to this one (the neighbours). Each candidate gets the
features in FEATURES and the model's learned score (Ranker); a law or article the question
names explicitly is always a candidate, and the caller adds its usual bonus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rag.protocols import KeywordIndex, Vectors, VectorSearch
from rag.search.bigrams import CharBigrams
from rag.search.expansion import TermExpander
from rag.search.lawmodel import LawModel, article_key, law_key
from rag.search.metadata import MetadataMatcher
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
FEATURES = ("dense", "adapted", "bm25", "expanded", "law_prior", "article_prior", "law_named", "article_named",
            "in_force", "length", "rank_dense", "rank_adapted", "rank_bm25", "rank_expanded", "title_words",
            "neighbour_share", "neighbour_cosine", "phrase")
DENSE_DEPTH = 1000  # exact cosines this deep; deeper chunks get the last one as a ceiling
# A question at least as close to a train question as 90 % of the train questions are to their nearest
# other one is asked the way STARD's are, and keeps the article prior as learned there; the rest get the
# share `lawqa calibrate` chose on citizen questions.
LIKE_TRAIN_PERCENTILE = 10
# The places a person reads (the answer step takes top_k + 5 per collection, the chat shows five) keep the
# served order; the places after them are what a program taking 50 or 100 gets, and are ordered with both
# priors as learned on STARD (reorder_after, called by the retriever once the bonus, the old versions'
# penalty and the document filter are in). Those priors bring the general articles lawyers add beside the
# specific one (民法典 第五百零九条 and the like) into that range. Out of fold on STARD train: recall@100
# 0.905 -> 0.913 with the first 20 places unchanged, 34 questions better and 15 worse. A person's questions
# lose nothing there, where the same priors in the first places cost them (rag/search/lawmodel.py).
READ_BY_PEOPLE = 20
LAW_PRIOR, ARTICLE_PRIOR = FEATURES.index("law_prior"), FEATURES.index("article_prior")


@dataclass(frozen=True)
class NeighbourVotes:
    """The chunks of the articles the nearest train questions cite: per row (ascending), the weighted share
    of the neighbours citing it and the best cosine of one that does. Every other chunk has share 0 and
    cosine `floor`, the farthest neighbour's, as a ceiling."""

    rows: IntArray
    share: FloatArray
    closest: FloatArray
    floor: float
    best: float = -np.inf  # the nearest train question's cosine

    @classmethod
    def none(cls, floor: float = 0.0, best: float = -np.inf) -> NeighbourVotes:
        empty = np.zeros(0, dtype=np.float32)
        return cls(np.zeros(0, dtype=np.int64), empty, empty, floor, best)

    def at(self, rows: IntArray) -> tuple[FloatArray, FloatArray]:
        """Share and closest cosine of `rows` (ascending, holding every voted row)."""
        share = np.zeros(len(rows), dtype=np.float32)
        closest = np.full(len(rows), self.floor, dtype=np.float32)
        where = np.searchsorted(rows, self.rows)
        share[where] = self.share
        closest[where] = self.closest
        return share, closest


def nearest(cosines: FloatArray, count: int, temperature: float) -> tuple[IntArray, FloatArray]:
    """The `count` nearest (best cosine first) and their weights exp((cosine - best) / temperature), summing
    to 1: how train questions vote as neighbours, in `lawqa learn` and at search time."""
    near = np.argsort(-cosines, kind="stable")[:count]
    weights = np.exp((cosines[near] - cosines[near[0]]) / temperature)
    return near, weights / weights.sum()


@dataclass(frozen=True)
class KeywordScores:
    """What the ranker reads from the question's words alone, so it can be computed before the vector is there."""

    tokens: tuple[str, ...]
    bm25: FloatArray  # BM25 of every chunk
    expanded: FloatArray  # BM25 with the colloquial-to-legal expansion
    named: FloatArray  # 1 for the chunks of a law the question names
    article: FloatArray  # 1 for the chunks of an article the question names by number


@dataclass(frozen=True)
class Candidates:
    rows: IntArray  # chunk rows, ascending
    features: FloatArray  # one row per candidate, columns as FEATURES
    dense: FloatArray  # raw e5 cosine of every chunk, as evidence for the answer step
    bm25: FloatArray  # BM25 of every chunk


def log_share(counts: FloatArray) -> FloatArray:
    """log(1 + count) scaled so the most cited gets 1."""
    top = float(counts.max()) if counts.size else 0.0
    scaled: FloatArray = (np.log1p(counts) / np.log1p(max(top, 1.0))).astype(np.float32)
    return scaled


def chunk_keys(chunks: Sequence[Chunk]) -> tuple[list[str], list[str]]:
    """Per chunk: its law key and its article key ("" for a chunk without a label)."""
    articles = [article_key(c.label) if c.label else "" for c in chunks]
    laws = [law_key(article or c.doc_id) for article, c in zip(articles, chunks, strict=True)]
    return laws, articles


def chunk_priors(chunks: Sequence[Chunk], law_counts: dict[str, float], article_counts: dict[str, float],
                 keys: tuple[list[str], list[str]] | None = None) -> tuple[FloatArray, FloatArray]:
    """`keys`: chunk_keys(chunks), when the caller has them already."""
    laws, articles = keys or chunk_keys(chunks)
    law_counts_per_chunk = np.array([law_counts.get(law, 0.0) for law in laws], dtype=np.float32)
    article_counts_per_chunk = np.array([article_counts.get(a, 0.0) if a else 0.0 for a in articles],
                                        dtype=np.float32)
    return log_share(law_counts_per_chunk), log_share(article_counts_per_chunk)


class StatuteRanker:
    """Everything per chunk is computed once here; per question only the scores and features."""

    def __init__(self, model: LawModel, chunks: Sequence[Chunk], metas: dict[str, DocMeta], *,
                 vectors: VectorSearch, lexical: KeywordIndex, matcher: MetadataMatcher, tokenizer: Tokenizer,
                 bigrams: CharBigrams) -> None:
        self.model = model
        self.vectors = vectors
        self.lexical = lexical
        self.bigrams = bigrams  # of the chunks' article text, for the phrase feature
        self.matcher = matcher
        self.expander = TermExpander(weight=model.expansion_weight, table=model.expansion)
        laws, articles = chunk_keys(chunks)  # computed once: a restart waits for this over every chunk
        self._learned_law_prior, self._learned_article_prior = chunk_priors(
            chunks, model.law_counts, model.article_counts, keys=(laws, articles))
        self.article_rows = rows_by_article(articles)
        self.use_prior_shares(model.law_prior_share, model.article_prior_share)  # sets law_prior, article_prior
        self.like_train = model.like_train_cosine if model.like_train_cosine is not None else float("inf")
        self.in_force = np.array([metas[c.doc_id].in_force for c in chunks], dtype=np.float32)
        self.length = np.log1p(np.array([len(c.text) for c in chunks], dtype=np.float32))
        titles = sorted(set(laws))
        title_words = [frozenset(tokenizer.tokens(title)) for title in titles]
        self.title_sizes = np.array([len(words) for words in title_words], dtype=np.float64)
        with_word: dict[str, list[int]] = {}
        for law, words in enumerate(title_words):
            for word in words:
                with_word.setdefault(word, []).append(law)
        self.titles_with = {word: np.array(found, dtype=np.int64) for word, found in with_word.items()}
        position = {title: i for i, title in enumerate(titles)}
        self.law_of = np.array([position[law] for law in laws], dtype=np.int64)  # row -> its law's title

    def use_prior_shares(self, law: float, article: float) -> None:
        """Keep `law` of the law prior's spread around its training mean and `article` of the article prior's
        (LawModel.law_prior_share and article_prior_share): 0 ranks every law, or article, alike."""
        self.law_prior = self._shrunk(self._learned_law_prior, "law_prior", law)
        self.article_prior = self._shrunk(self._learned_article_prior, "article_prior", article)

    def _shrunk(self, learned: FloatArray, feature: str, share: float) -> FloatArray:
        names = self.model.ranker.names
        mean = self.model.ranker.mean[names.index(feature)] if feature in names else 0.0
        return (mean + share * (learned - mean)).astype(np.float32)

    def adapt(self, query_vector: Vectors) -> Vectors:
        if self.model.adapter is None:
            return query_vector
        mapped = query_vector @ self.model.adapter
        adapted: Vectors = (mapped / np.linalg.norm(mapped, axis=1, keepdims=True)).astype(np.float32)
        return adapted

    def keyword_scores(self, query: str, tokens: Sequence[str]) -> KeywordScores:
        named = self.matcher.bonus(query, 1.0, 0.0)
        expanded = self.lexical.scores(*self.expander.expand(tokens))
        return KeywordScores(tuple(tokens), self.lexical.scores(tokens), expanded, named,
                             self.matcher.article_bonus(query, 1.0, len(named)))

    def candidates(self, query: str, query_vector: Vectors, keywords: KeywordScores) -> Candidates:
        """`keywords`: keyword_scores(query, its tokens), computed apart because it needs no vector."""
        tokens, bm25, expanded = keywords.tokens, keywords.bm25, keywords.expanded
        named, article = keywords.named, keywords.article
        dense, adapted = self._cosines(np.vstack([query_vector, self.adapt(query_vector)]))
        votes = self.neighbour_votes(query_vector[0])
        article_prior = self._learned_article_prior if votes.best >= self.like_train else self.article_prior
        rankings = (dense, adapted, bm25, expanded)
        rows = _union([_top(s, self.model.candidates) for s in rankings]
                      + [np.flatnonzero(named * article), votes.rows])
        columns = [dense[rows], adapted[rows], _share(bm25)[rows], _share(expanded)[rows], self.law_prior[rows],
                   article_prior[rows], named[rows], article[rows], self.in_force[rows], self.length[rows],
                   *(_reciprocal_rank(s[rows]) for s in rankings), self._title_share(rows, tokens),
                   *votes.at(rows), self.bigrams.coverage(query, rows)]
        return Candidates(rows, np.stack(columns, axis=1).astype(np.float32), dense, bm25)

    def scores(self, query: str, query_vector: Vectors, keywords: KeywordScores) -> tuple[FloatArray, Candidates]:
        """Per chunk: the learned score as served, scaled to [0, 1] over the candidates, -inf for the rest; and
        the candidates, whose raw cosine and BM25 go with each hit."""
        found = self.candidates(query, query_vector, keywords)
        return self._per_chunk(found.rows, self.model.ranker.score(found.features)), found

    def informed_scores(self, found: Candidates) -> FloatArray:
        """As `scores`, with both priors as learned on STARD: what orders the places after READ_BY_PEOPLE
        (reorder_after). Computed only for a search that returns those places."""
        features = found.features.copy()
        features[:, LAW_PRIOR] = self._learned_law_prior[found.rows]
        features[:, ARTICLE_PRIOR] = self._learned_article_prior[found.rows]
        return self._per_chunk(found.rows, self.model.ranker.score(features))

    def _per_chunk(self, rows: IntArray, learned: FloatArray) -> FloatArray:
        """`learned` (per candidate) scaled to [0, 1] over the candidates, -inf for every other chunk."""
        low, high = float(learned.min()), float(learned.max())
        scores = np.full(self.vectors.size, -np.inf, dtype=np.float32)
        scores[rows] = (learned - low) / (high - low) if high > low else 1.0
        return scores

    def neighbour_votes(self, query_vector: FloatArray) -> NeighbourVotes:
        """The votes of the nearest train questions for the chunks of the articles their lawyers cited. Only
        the voted rows are computed, not an array over the whole collection, so a search at a million chunks
        pays for the few dozen voted ones. The share says which articles the neighbours agree on; the cosine,
        how near they are at all."""
        model = self.model
        pool = model.neighbour_vectors
        if pool is None or not len(pool):
            return NeighbourVotes.none()
        # Not `pool @ query_vector`: from about 1,200 train questions on, that product is big enough for the
        # BLAS library to split over both cores, and its threads then spin while FAISS scans the vectors,
        # which took 7 ms instead of 2. einsum's own loop stays on this thread (~0.1 ms).
        cosines = np.einsum("ij,j->i", pool, query_vector)
        near, weights = nearest(cosines, model.neighbour_count, model.neighbour_temperature)
        floor, best = float(cosines[near[-1]]), float(cosines[near[0]])
        voted: list[IntArray] = []  # per vote: the rows of the cited article, the voter's weight and cosine
        weight_of: list[FloatArray] = []
        cosine_of: list[FloatArray] = []
        for question, weight in zip(near, weights, strict=True):
            for key in model.neighbour_articles[question]:
                rows = self.article_rows.get(key)
                if rows is not None:
                    voted.append(rows)
                    weight_of.append(np.full(len(rows), weight, dtype=np.float32))
                    cosine_of.append(np.full(len(rows), cosines[question], dtype=np.float32))
        if not voted:
            return NeighbourVotes.none(floor, best)
        joined = np.concatenate(voted)
        rows = _union([joined])
        inverse = np.searchsorted(rows, joined)
        share = np.zeros(len(rows), dtype=np.float32)
        np.add.at(share, inverse, np.concatenate(weight_of))  # summed in vote order, in float32
        closest = np.full(len(rows), floor, dtype=np.float32)
        np.maximum.at(closest, inverse, np.concatenate(cosine_of))
        return NeighbourVotes(rows, share, closest, floor, best)

    def _title_share(self, rows: IntArray, tokens: Sequence[str]) -> FloatArray:
        """Share of the words of the candidate's law title that the question uses ("劳动合同" of 劳动合同法)."""
        used = np.zeros(len(self.title_sizes), dtype=np.float64)
        for token in set(tokens):
            used[self.titles_with.get(token, _NO_ROWS)] += 1
        shares: FloatArray = (used / np.maximum(self.title_sizes, 1)).astype(np.float32)
        return shares[self.law_of[rows]]

    def _cosines(self, queries: Vectors) -> tuple[FloatArray, FloatArray]:
        """Cosines of both query vectors, exact for the DENSE_DEPTH best chunks."""
        found, ids = self.vectors.search(queries, DENSE_DEPTH)
        full = np.repeat(found[:, -1:], self.vectors.size, axis=1).astype(np.float32)
        for row in range(2):
            valid = ids[row] >= 0
            full[row, ids[row][valid]] = found[row][valid]
        return full[0], full[1]


def reorder_after(served: FloatArray, informed: FloatArray, head: int) -> FloatArray:
    """`served` with the rows after its first `head` reordered by `informed`. The reordered rows keep their
    own values, handed out again in the new order, so a hit's score compares with the other collections'
    as before; -inf rows (not candidates, or not allowed) stay where they are."""
    rows = np.flatnonzero(np.isfinite(served))
    if len(rows) <= head:
        return served
    tail = rows[np.argsort(-served[rows], kind="stable")[head:]]  # ties in row order, as top_rows breaks them
    reordered = served.copy()
    reordered[tail[np.argsort(-informed[tail], kind="stable")]] = served[tail]
    return reordered


def like_train_cosine(pool: FloatArray | None) -> float | None:
    """The cosine from which a question counts as asked like the train questions (LIKE_TRAIN_PERCENTILE).
    Computed by `lawqa learn` and kept in the model, so the service does no such product at start."""
    if pool is None or len(pool) < 2:
        return None
    cosines = pool @ pool.T
    np.fill_diagonal(cosines, -np.inf)
    return float(np.percentile(cosines.max(axis=1), LIKE_TRAIN_PERCENTILE))


def rows_by_article(articles: Sequence[str]) -> dict[str, IntArray]:
    """Article key -> the rows of its chunks (every version of the article); `articles` as chunk_keys gives."""
    rows: dict[str, list[int]] = {}
    for row, key in enumerate(articles):
        if key:
            rows.setdefault(key, []).append(row)
    return {key: np.array(found, dtype=np.int64) for key, found in rows.items()}


_NO_ROWS = np.zeros(0, dtype=np.int64)


def _top(scores: FloatArray, k: int) -> IntArray:
    k = min(k, len(scores))
    return np.argpartition(-scores, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)


def _union(parts: list[IntArray]) -> IntArray:
    """The rows of all parts, ascending, each once: np.unique, without its 0.1 ms of overhead."""
    rows = np.concatenate(parts).astype(np.int64)
    rows.sort()
    return rows[np.concatenate(([True], rows[1:] != rows[:-1]))] if len(rows) else rows


def _share(scores: FloatArray) -> FloatArray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


def _reciprocal_rank(scores: FloatArray) -> FloatArray:
    """1 / (1 + rank among the candidates), so a feature says "best of these" whatever the scale."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(len(scores), dtype=np.float32)
    result: FloatArray = 1.0 / (1.0 + ranks)
    return result
