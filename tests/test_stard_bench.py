"""The STARD benchmark code, run for real on the small fixed subset in tests/data/stard_subset."""

import json
import subprocess
import sys
from pathlib import Path

from bench.stardlib import Query, law_prior, score
from rag.types import Chunk

ROOT = Path(__file__).resolve().parent.parent
SUBSET = ROOT / "tests" / "data" / "stard_subset"


def test_scoring_counts_gold_articles_and_first_hit() -> None:
    queries = [Query(1, "q", frozenset({"a", "b"})), Query(2, "q", frozenset({"c"}))]
    metrics = score([["x", "a", "b"], ["c"]], queries)
    assert metrics["recall@1"] == 0.5 and metrics["recall@5"] == 1.0
    assert metrics["mrr@10"] == 0.75


def test_law_prior_comes_from_train_citations_only() -> None:
    chunks = [Chunk(str(i), law, "t", (), 0, 1, 0, 1) for i, law in enumerate(["民法典", "刑法", "公司法"])]
    train = [Query(1, "q", frozenset({"民法典第一条", "民法典第二条"})), Query(2, "q", frozenset({"刑法第一条"}))]
    prior = law_prior(chunks, train)
    assert prior[0] == 1.0 and 0 < prior[1] < 1 and prior[2] == 0


def test_benchmark_runs_on_the_subset_and_prints_json(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.stard", "--subset", str(SUBSET), "--cache", str(tmp_path / "cache.sqlite"),
         "--json"], cwd=ROOT, capture_output=True, text=True, timeout=900, check=True)
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["dev_questions"] == 25 and metrics["articles"] == 531
    lawqa, bm25 = metrics["lawqa"], metrics["bm25"]
    assert set(lawqa) == {"recall@1", "recall@5", "recall@10", "recall@20", "recall@100", "mrr@10"}
    assert lawqa["mrr@10"] > bm25["mrr@10"] and lawqa["recall@10"] >= bm25["recall@10"]
    assert "jieba BM25" in result.stdout and "learned on train" in result.stdout
