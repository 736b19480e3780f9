"""Speed and memory of lawqa in-process, on the seed index.

Method: load the engine once (time and RSS measured), warm up with 5 queries,
then run every dev question `--repeat` times per mode through Engine.search
(top_k=10) and Engine.answer, timing each call with perf_counter. Reports
p50/p95/mean in milliseconds and the process's peak RSS. Run after
`lawqa index` (or `make index`): `python bench/search.py`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from app.config import Settings
from app.engine import load_engine
from rag.evaluation.scoring import load_questions

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", default=str(ROOT / "tests" / "data" / "dev.jsonl"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    engine = load_engine(Settings.from_env())
    load_s = time.perf_counter() - started
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    questions = [q.question for q in load_questions(Path(args.questions))]
    for q in questions[:5]:
        engine.search(q)
    rows = {}
    for label, call in [(f"search {m}", lambda q, m=m: engine.search(q, top_k=10, mode=m))
                        for m in ("lexical", "dense", "hybrid")] + [("answer hybrid", lambda q: engine.answer(q))]:
        times = []
        for _ in range(args.repeat):
            for q in questions:
                t = time.perf_counter()
                call(q)
                times.append((time.perf_counter() - t) * 1000)
        rows[label] = {"n": len(times), "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                       "mean_ms": round(statistics.mean(times), 2)}
    chunks = sum(c.manifest.chunk_count for c in engine.collections.values())
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; index: {chunks} passages, encoder {engine.manifest.encoder}")
    print(f"engine load: {load_s:.2f} s, peak RSS after load: {rss_loaded:.0f} MiB")
    print(f"{'call':<16}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for label, row in rows.items():
        print(f"{label:<16}{row['n']:>6}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['mean_ms']:>10}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")
    print(json.dumps({"load_s": round(load_s, 3), "peak_rss_mib": round(peak), **rows}))


if __name__ == "__main__":
    main()
