"""Latency and throughput of POST /api/search and /api/answer over loopback HTTP.

Method: the server runs in its own process (uvicorn, one worker, no access log),
started here on a free loopback port through `app.server:app_from_env` (so
LAWQA_* settings apply), unless --url points at a running one. The client is
a separate process: asyncio with one keep-alive httpx connection per client.
For each endpoint and each concurrency C, C closed-loop clients send the dev
questions in turn (each sends its next request when the previous one is
answered) until --requests requests have been answered; a warm-up of 10
requests per endpoint is not counted. Latency is measured per request on the
client (p50/p95); throughput is answered requests / wall time; "cpu ms/req" is
the server process's user+system CPU time per request (from /proc, own server
only), which does not depend on what else the machine is doing. Any non-200
response counts as an error. Run: `python bench/http.py [--url URL]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

# This file is named http.py, and `python bench/http.py` puts bench/ first on sys.path,
# where it would shadow the standard library's `http` that httpx imports.
if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

import httpx

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = ("/api/search", "/api/answer")


@dataclass(frozen=True)
class Result:
    endpoint: str
    clients: int
    latencies_ms: list[float]
    errors: int
    wall_s: float
    server_cpu_s: float | None = None  # CPU time the server process used for this row

    def row(self) -> str:
        p50, p95 = (float(np.percentile(self.latencies_ms, q)) for q in (50, 95))
        count = len(self.latencies_ms)
        cpu = f"{self.server_cpu_s * 1000 / count:>9.1f}" if self.server_cpu_s is not None else f"{'-':>9}"
        return (f"{self.endpoint:<12} {self.clients:>7} {count:>8} {self.errors:>6} "
                f"{p50:>8.1f} {p95:>8.1f} {count / self.wall_s:>8.1f} {cpu}")


def body(endpoint: str, question: str) -> dict[str, object]:
    return {"query": question, "top_k": 10} if endpoint.endswith("search") else {"question": question, "top_k": 5}


async def run(url: str, endpoint: str, clients: int, total: int, questions: list[str]) -> Result:
    latencies: list[float] = []
    errors = 0
    issued = 0

    async def client() -> None:
        nonlocal errors, issued
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            while issued < total:
                question = questions[issued % len(questions)]
                issued += 1
                started = time.perf_counter()
                response = await http.post(endpoint, json=body(endpoint, question))
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Result(endpoint, clients, latencies, errors, time.perf_counter() - started)


async def bench(url: str, concurrency: list[int], total: int, questions: list[str],
                pid: int | None) -> list[Result]:
    for endpoint in ENDPOINTS:
        await run(url, endpoint, 1, 10, questions)  # warm-up: connections, caches, lazy imports
    results = []
    for endpoint in ENDPOINTS:
        for clients in concurrency:
            before = cpu_seconds(pid)
            result = await run(url, endpoint, clients, total, questions)
            after = cpu_seconds(pid)
            used = after - before if after is not None and before is not None else None
            results.append(replace(result, server_cpu_s=used))
    return results


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process (Linux /proc); None when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def own_server() -> Iterator[tuple[str, int | None]]:
    """`uvicorn --factory app.server:app_from_env` on a free loopback port, stopped on exit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.server:app_from_env", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}; is there an index (lawqa index)?")
        try:
            health = httpx.get(f"{url}/healthz", timeout=2)
            if health.status_code == 200:
                return
            if health.status_code == 503:
                raise SystemExit(f"the server is up but not ready: {health.json().get('detail')}")
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"the server at {url} was not ready within {timeout_s:.0f} s")


def describe(url: str, own: bool, total: int) -> str:
    health = httpx.get(f"{url}/healthz", timeout=5).json()
    chunks = sum(m["chunk_count"] for m in health.get("collections", {}).values())
    server = "own uvicorn process, 1 worker, no access log" if own else f"given server {url}"
    return (f"method: {server}; closed-loop asyncio httpx clients in a separate process, keep-alive; "
            f"{total} requests per row after 10 warm-up requests; machine: {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; index: {chunks} passages in {sorted(health.get('collections', {}))}, "
            f"encoder {health['manifest']['encoder']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="benchmark a running server instead of starting one")
    parser.add_argument("--requests", type=int, default=200, help="answered requests per row")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated concurrency levels")
    parser.add_argument("--questions", default=str(ROOT / "tests" / "data" / "dev.jsonl"))
    args = parser.parse_args()
    lines = Path(args.questions).read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    concurrency = [int(c) for c in args.clients.split(",") if c.strip()]
    with own_server() if args.url is None else _given(args.url) as (url, pid):
        results = asyncio.run(bench(url, concurrency, args.requests, questions, pid))
        print(describe(url, args.url is None, args.requests))
    print(f"{'endpoint':<12} {'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} "
          f"{'cpu ms/req':>9}")
    for result in results:
        print(result.row())


@contextmanager
def _given(url: str) -> Iterator[tuple[str, int | None]]:
    yield url.rstrip("/"), None


if __name__ == "__main__":
    main()
