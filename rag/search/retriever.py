"""Dense + keyword retrieval, fused, with document metadata as evidence.

Dense scores are cosines from the vector store; keyword scores are BM25.
Each list is scaled to [0, 1] against its own best candidate, the two are
mixed, and a bonus is added when the question names the document's place or
year: in a collection of similar reports from several towns, "鹤山" in the
question is the strongest hint of which report is meant, and a passage
rarely repeats its own town's name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rag.errors import InputError
from rag.ingest.chunktable import ChunkTable
from rag.protocols import Encoder, KeywordIndex, Vectors, VectorSearch
from rag.search.expansion import TermExpander
from rag.search.metadata import MetadataMatcher
from rag.search.rerank import READ_BY_PEOPLE, KeywordScores, StatuteRanker, reorder_after
from rag.text.numerals import normalize_article_refs
from rag.text.tokenize import Tokenizer
from rag.types import SEARCH_MODES, Chunk, DocMeta, Hit, SearchMode

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class FusionWeights:
    dense: float = 0.5  # share of the dense score in the mix; the keyword score gets the rest
    place: float = 0.15  # bonus when the question names the document's own place
    year: float = 0.05  # bonus when the question's year is the document's year
    article: float = 0.5  # bonus for the article the question cites by number ("第五十四条")
    candidates: int = 100  # dense candidates fetched before fusion
    superseded: float = 0.3  # taken off a statute version no longer in force, so the current text ranks first
    collection: float = 0.5  # added to the collection a question points to (a named place or year: the reports)


@dataclass(frozen=True)
class KeywordPart:
    """The half of a search that reads only the question's words (BM25, named laws, places, years). The engine
    computes it on another thread while the question is encoded: with one question at a time the second core
    is otherwise idle for the whole encoding, and the encoder does not hold the GIL while it runs."""

    bonus: FloatArray  # Retriever.bonus
    lexical: FloatArray | None = None  # plain fusion's BM25; None in dense mode
    statute: KeywordScores | None = None  # the statute ranker's, in hybrid mode


class Retriever:
    def __init__(
        self,
        chunks: Sequence[Chunk],
        metas: dict[str, DocMeta],
        *,
        encoder: Encoder,
        vectors: VectorSearch,
        lexical: KeywordIndex,
        tokenizer: Tokenizer,
        weights: FusionWeights = FusionWeights(),
        prior: FloatArray | None = None,
        expander: TermExpander | None = None,
    ) -> None:
        """`prior` is an optional per-chunk bonus learned offline, e.g. how often a law is cited."""
        if vectors.size != len(chunks) or lexical.size != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but {vectors.size} vectors and {lexical.size} BM25 rows")
        self.chunks = ChunkTable.of(chunks)  # a big index's table parses only the chunks a search returns
        self.metas = metas
        self.encoder = encoder
        self.vectors = vectors
        self.lexical = lexical
        self.tokenizer = tokenizer
        self.weights = weights
        self.expander = expander
        columns = self.chunks.columns
        doc_metas = [metas[doc_id] for doc_id in columns.doc_ids]
        self.prior = prior if prior is not None else np.zeros(len(self.chunks), dtype=np.float32)
        superseded = np.array([m.kind == "statute" and not m.in_force for m in doc_metas], dtype=np.float32)
        # Kept apart too: a query for the law as of a past day lifts the penalty (see `search`).
        self.superseded = superseded[columns.doc_of]
        self.prior = self.prior - weights.superseded * self.superseded
        self.matcher = MetadataMatcher(doc_metas, columns.labels, chunk_doc=columns.doc_of)
        self.ranker: StatuteRanker | None = None
        kinds = {m.kind for m in doc_metas}
        self.kind = "statute" if kinds == {"statute"} else "report"  # what the collection holds

    def learn(self, ranker: StatuteRanker | None) -> Retriever:
        """Hybrid search then ranks by `ranker` (a model learned for statutes); None: plain fusion."""
        self.ranker = ranker
        return self


    def search(
        self, query: str, *, top_k: int = 10, mode: SearchMode = "hybrid", doc_ids: Collection[str] | None = None,
        query_vector: Vectors | None = None, penalise_superseded: bool = True, keywords: KeywordPart | None = None,
    ) -> list[Hit]:
        """`query_vector`, when given, is encode_queries([prepare_query(query)]) computed by the caller, and
        `keywords` is keyword_part(query, mode).

        `penalise_superseded=False` is for a query about the law on a past day: `doc_ids` then holds only
        the versions in force that day, and an old version ranks as the law it then was.
        """
        if mode not in SEARCH_MODES:
            raise InputError(f"未知的检索方式 {mode!r}，可选：{'、'.join(SEARCH_MODES)}")
        query = prepare_query(query)
        part = keywords or self.keyword_part(query, mode)
        lifted = 0.0 if penalise_superseded else self.weights.superseded * self.superseded
        if part.statute is not None:
            assert self.ranker is not None
            vector = query_vector if query_vector is not None else self.encoder.encode_queries([query])
            learned, found = self.ranker.scores(query, vector, part.statute)
            added = part.bonus + lifted
            served = self._only(learned + added, doc_ids)
            if top_k > READ_BY_PEOPLE:
                served = reorder_after(served, self.ranker.informed_scores(found) + added, READ_BY_PEOPLE)
            return self._hits(served, top_k, found.dense, found.bm25)
        dense = self.dense_scores(query, query_vector) if mode != "lexical" else None
        fused = self.fuse(dense, part.lexical) + part.bonus + lifted
        return self._hits(self._only(fused, doc_ids), top_k, dense, part.lexical)

    def keyword_part(self, query: str, mode: SearchMode = "hybrid") -> KeywordPart:
        """Everything `search` computes without the question's vector."""
        query = prepare_query(query)
        if self.ranker is not None and mode == "hybrid":
            statute = self.ranker.keyword_scores(query, self.tokenizer.tokens(query))
            return KeywordPart(self.bonus(query), statute=statute)
        return KeywordPart(self.bonus(query), lexical=self.lexical_scores(query) if mode != "dense" else None)

    def _only(self, scores: FloatArray, doc_ids: Collection[str] | None) -> FloatArray:
        """`scores` with -inf for every chunk outside `doc_ids` (None: every document)."""
        if doc_ids is not None:
            wanted = set(doc_ids)
            allowed = np.array([doc_id in wanted for doc_id in self.chunks.columns.doc_ids], dtype=bool)
            scores[~allowed[self.chunks.columns.doc_of]] = -np.inf
        return scores

    def _hits(self, fused: FloatArray, top_k: int, dense: FloatArray | None, lexical: FloatArray | None) -> list[Hit]:
        order = top_rows(fused, top_k)
        return [
            Hit(self.chunks[i], float(fused[i]), rank, _at(dense, i), _at(lexical, i))
            for rank, i in enumerate(order, start=1)
            if np.isfinite(fused[i])
        ]

    def dense_scores(self, query: str, query_vector: Vectors | None = None) -> FloatArray:
        """Cosine for the top candidates; the rest get the last candidate's score as a ceiling."""
        vector = query_vector if query_vector is not None else self.encoder.encode_queries([query])
        scores, ids = self.vectors.search(vector, self.weights.candidates)
        valid = ids[0] >= 0  # an approximate index may pad with -1 when it finds fewer candidates
        dense = np.full(len(self.chunks), float(scores[0][valid][-1]) if valid.any() else 0.0, dtype=np.float32)
        dense[ids[0][valid]] = scores[0][valid]
        return dense

    def lexical_scores(self, query: str) -> FloatArray:
        tokens = self.tokenizer.tokens(query)
        if self.expander is None:
            return self.lexical.scores(tokens)
        return self.lexical.scores(*self.expander.expand(tokens))

    def bonus(self, query: str) -> FloatArray:
        """Everything added to the fused score that is not text similarity."""
        matched = self.matcher.bonus(query, self.weights.place, self.weights.year)
        return matched + self.matcher.article_bonus(query, self.weights.article, len(self.chunks)) + self.prior

    def fuse(self, dense: FloatArray | None, lexical: FloatArray | None) -> FloatArray:
        if dense is None:
            return _scale(lexical)
        if lexical is None:
            return _scale(dense)
        return self.weights.dense * _scale(dense) + (1 - self.weights.dense) * _scale(lexical)


def prepare_query(query: str) -> str:
    """"第54条" -> "第五十四条", as statutes write it; what both retrievers see."""
    return normalize_article_refs(query.strip())


def top_rows(scores: FloatArray, k: int) -> npt.NDArray[np.intp]:
    """The rows of the k highest scores, best first, ties in row order: np.argsort(-scores, kind="stable")[:k],
    without sorting every row (a full sort of a million scores takes longer than encoding the question)."""
    if k <= 0:
        return np.zeros(0, dtype=np.intp)
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")[:k]
    kth = np.partition(-scores, k - 1)[k - 1]
    rows = np.flatnonzero(-scores <= kth)  # every row tied with the k-th, in row order
    return rows[np.argsort(-scores[rows], kind="stable")][:k]


def _scale(scores: FloatArray | None) -> FloatArray:
    """Map to [0, 1]: the floor is the weakest candidate, the ceiling the best."""
    assert scores is not None
    low, high = float(scores.min()), float(scores.max())
    if high <= low:
        return np.zeros_like(scores)
    return ((scores - low) / (high - low)).astype(np.float32)


def _at(scores: FloatArray | None, i: int) -> float | None:
    return None if scores is None else float(scores[i])
