"""Latency and throughput of POST /api/search and /api/answer over loopback HTTP.

Method: the server runs in its own process (uvicorn, no access log), started here on a free
loopback port through `app.server:app_from_env` (so LAWQA_* settings apply), with the query
cache on and then off (LAWQA_QUERY_CACHE=0), unless --url points at a running one. The client
is a separate process: asyncio with one keep-alive HTTP/1.1 connection per client, either a
minimal client over asyncio streams (default, `--client raw`; the clock stops at the body's last
byte, as wrk's does) or httpx (`--client httpx`, ~1.4 ms more client CPU per request). For each
endpoint and concurrency C, C closed-loop clients send questions until --requests requests
are answered; a warm-up of 10 requests per endpoint is not counted.
- "unique" rows never repeat a question (bench/questions.py: real test and STARD questions),
  so the query cache cannot help; "repeated" rows cycle over the 50 dev questions, which are
  all cached after the warm-up when the cache is on.
- Latency is measured per request on the client (p50/p95/p99); throughput is answered
  requests / wall time; "cpu ms/req" is the server process's user+system CPU per request
  (from /proc); "server ms" is the median `timings_ms.search` the server reports.
- "in server" is the median `timings_ms.encode`: the part of each search the server spent encoding
  the question, timed around the encoder call on the same requests.
- "encode ms" is the median time of encoding the row's own questions, one at a time, with the
  same encoder and thread settings, timed in this process after the load, in the same run
  (unique rows). Alone, with nothing else running between two questions, encoding is 2-3 ms
  faster than inside a search, which leaves the encoder's working set in the caches between
  questions. Under the table, one-client unique rows print p50 over both encoding times: what
  "search p50 <= 2 x the query-encoding time" compares.
Any non-200 response counts as an error. Run: `python -m bench.http [--url URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

# This file is named http.py, and `python bench/http.py` puts bench/ first on sys.path,
# where it would shadow the standard library's `http` that httpx imports.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import httpx

from bench.httpload import HEADER, ClientKind, Result, bench_rows, encode_ms, own_server, repeated_questions
from bench.questions import unique_questions


def describe(url: str, own: bool, total: int, client: ClientKind) -> str:
    health = httpx.get(f"{url}/healthz", timeout=5).json()
    chunks = sum(m["chunk_count"] for m in health.get("collections", {}).values())
    settings = {k: v for k, v in os.environ.items() if k.startswith(("LAWQA_", "OMP_"))}
    server = f"own uvicorn process ({settings or 'default settings'})" if own else f"given server {url}"
    return (f"method: {server}; closed-loop asyncio {client} HTTP/1.1 clients in a separate process, keep-alive; "
            f"{total} requests per row after 10 warm-up requests; machine: {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}; index: {chunks} passages in "
            f"{sorted(health.get('collections', {}))}, encoder {health['manifest']['encoder']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="benchmark a running server instead of starting one")
    parser.add_argument("--requests", type=int, default=300, help="answered requests per row")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated concurrency levels")
    parser.add_argument("--endpoints", default="/api/search,/api/answer")
    parser.add_argument("--cache", default="on,off", help="query cache settings to run the server with")
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw",
                        help="the load generator's HTTP client (raw: asyncio streams, lowest client overhead)")
    args = parser.parse_args()
    concurrency = [int(c) for c in args.clients.split(",") if c.strip()]
    endpoints = [e for e in args.endpoints.split(",") if e]
    rows_needed = len(concurrency) * len(endpoints) * (args.requests + 10 * max(concurrency))
    unique, repeated = unique_questions(rows_needed + 100), repeated_questions()
    results: list[tuple[str, Result]] = []
    for cache in [c for c in args.cache.split(",") if c] if args.url is None else ["given"]:
        env = {"LAWQA_QUERY_CACHE": "0"} if cache == "off" else {}
        with own_server(env) if args.url is None else _given(args.url) as (url, pid):
            rows = asyncio.run(bench_rows(url, endpoints, concurrency, args.requests, unique, repeated, pid,
                                          args.client))
            results += [(cache, replace(row, encode_ms=encode_ms(row.questions)) if row.kind == "unique" else row)
                        for row in rows]
            description = describe(url, args.url is None, args.requests, args.client)
    print(description)
    print(f"{'cache':<6}{HEADER}")
    for cache, result in results:
        print(f"{cache:<6}{result.row()}")
    for cache, result in results:
        if result.kind == "unique" and result.clients == 1:
            print(f"cache {cache}, {result.ratios()}")


@contextmanager
def _given(url: str) -> Iterator[tuple[str, int | None]]:
    yield url.rstrip("/"), None


if __name__ == "__main__":
    main()
