"""The STARD benchmark code, run for real on the small fixed subset in tests/data/stard_subset."""

import json
import subprocess
import sys
from pathlib import Path

from bench.stardlib import Query, score
from rag.search.rerank import chunk_priors
from rag.search.training import citation_counts
from rag.types import Chunk

ROOT = Path(__file__).resolve().parent.parent
SUBSET = ROOT / "tests" / "data" / "stard_subset"


def test_scoring_counts_gold_articles_and_first_hit() -> None:
    queries = [Query(1, "q", frozenset({"a", "b"})), Query(2, "q", frozenset({"c"}))]
    metrics = score([["x", "a", "b"], ["c"]], queries)
    assert metrics["recall@1"] == 0.5 and metrics["recall@5"] == 1.0
    assert metrics["mrr@10"] == 0.75


def test_law_prior_comes_from_train_citations_only() -> None:
    laws_named = ["民法典", "刑法", "公司法"]
    chunks = [Chunk(str(i), law, "t", (), 0, 1, 0, 1, f"{law} 第一条") for i, law in enumerate(laws_named)]
    laws, articles = citation_counts([{"民法典第一条", "民法典第二条"}, {"刑法第一条"}, {"民法典第一条"}])
    law_prior, article_prior = chunk_priors(chunks, laws, articles)
    assert law_prior[0] == 1.0 and 0 < law_prior[1] < 1 and law_prior[2] == 0
    assert article_prior[0] == 1.0 and 0 < article_prior[1] < 1 and article_prior[2] == 0


def test_benchmark_runs_on_the_subset_and_prints_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.stard", "--subset", str(SUBSET), "--cache", str(tmp_path / "cache.sqlite"),
         "--json"], cwd=ROOT, capture_output=True, text=True, timeout=900, check=True)
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["dev_questions"] == 25 and metrics["articles"] == 531
    lawqa, bm25 = metrics["lawqa"], metrics["bm25"]
    assert set(lawqa) == {"recall@1", "recall@5", "recall@10", "recall@20", "recall@100", "mrr@10"}
    assert lawqa["mrr@10"] > bm25["mrr@10"] and lawqa["recall@10"] >= bm25["recall@10"]
    assert "jieba BM25" in result.stdout and "statute model" in result.stdout
