"""The load generator and server handling of bench/http.py (also used by bench/scale.py)."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit

import httpx
import numpy as np

from bench.proc import memory_mib
from bench.questions import ROOT, test_questions
from rag.protocols import Encoder

HEADER = (f"{'endpoint':<12} {'questions':<9} {'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'p99 ms':>8} {'req/s':>7} {'cpu ms/req':>10} {'server ms':>9} {'in server':>9} "
          f"{'encode ms':>9}")


@dataclass(frozen=True)
class Result:
    endpoint: str
    kind: str  # "unique" or "repeated" questions
    clients: int
    latencies_ms: list[float]
    errors: int
    wall_s: float
    server_ms: list[float] = field(default_factory=list)  # timings_ms.search reported by the server
    server_encode_ms: list[float] = field(default_factory=list)  # timings_ms.encode: of it, the encoding
    server_cpu_s: float | None = None  # CPU time the server process used for this row
    questions: list[str] = field(default_factory=list)  # as sent, in order
    encode_ms: float | None = None  # median time to encode these very questions, one at a time, no load

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.wall_s

    def row(self) -> str:
        p50, p95, p99 = (float(np.percentile(self.latencies_ms, q)) for q in (50, 95, 99))
        count = len(self.latencies_ms)
        cpu = f"{self.server_cpu_s * 1000 / count:>10.1f}" if self.server_cpu_s is not None else f"{'-':>10}"
        server = f"{statistics.median(self.server_ms):>9.1f}" if self.server_ms else f"{'-':>9}"
        in_server = f"{statistics.median(self.server_encode_ms):>9.1f}" if self.server_encode_ms else f"{'-':>9}"
        encode = f"{self.encode_ms:>9.1f}" if self.encode_ms is not None else f"{'-':>9}"
        return (f"{self.endpoint:<12} {self.kind:<9} {self.clients:>7} {count:>8} {self.errors:>6} "
                f"{p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {self.rate:>7.1f} {cpu} {server} {in_server} {encode}")

    def ratios(self) -> str:
        """p50 over the encoding time, both ways it is measured: a unique row's line under the table."""
        p50 = float(np.percentile(self.latencies_ms, 50))
        parts = [f"{self.endpoint} {self.clients} client(s): p50 / encode"]
        if self.server_encode_ms:
            parts.append(f"in the server, same requests {p50 / statistics.median(self.server_encode_ms):.2f} x")
        if self.encode_ms:
            parts.append(f"alone, same questions {p50 / self.encode_ms:.2f} x")
        return ", ".join(parts)


def body(endpoint: str, question: str) -> dict[str, object]:
    return {"query": question, "top_k": 10} if endpoint.endswith("search") else {"question": question, "top_k": 5}


def repeated_questions() -> list[str]:
    return test_questions()[:50]


ClientKind = Literal["raw", "httpx"]


class _Connection(Protocol):
    async def post(self, path: str, payload: dict[str, object]) -> tuple[int, bytes]: ...
    async def close(self) -> None: ...


class RawConnection:
    """One keep-alive HTTP/1.1 connection over asyncio streams, reading exactly Content-Length bytes.

    Why not httpx for the latency rows: on this 2-core machine httpx's own request handling costs
    about 1.4 ms of client CPU per request (measured between the server's last byte and httpx
    returning), which a one-client p50 of ~20 ms would count as server time. This client costs
    ~0.1 ms; like wrk, it stops the clock when the last byte of the body has arrived.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self._reader, self._writer, self._host = reader, writer, host

    @classmethod
    async def open(cls, url: str) -> RawConnection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        return cls(reader, writer, parts.netloc)

    async def post(self, path: str, payload: dict[str, object]) -> tuple[int, bytes]:
        content = json.dumps(payload, ensure_ascii=False).encode()
        head = (f"POST {path} HTTP/1.1\r\nHost: {self._host}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(content)}\r\n\r\n").encode()
        self._writer.write(head + content)
        status_line, *header_lines = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.split(":", 1) for line in header_lines if ":" in line)
        length = next((int(v) for k, v in headers.items() if k.strip().lower() == "content-length"), None)
        if length is None:  # every lawqa JSON response has a length; anything else is a broken row
            raise RuntimeError(f"response without Content-Length: {status_line}")
        return int(status_line.split()[1]), await self._reader.readexactly(length)

    async def close(self) -> None:
        self._writer.close()
        await self._writer.wait_closed()


class HttpxConnection:
    def __init__(self, url: str) -> None:
        self._http = httpx.AsyncClient(base_url=url, timeout=60)

    async def post(self, path: str, payload: dict[str, object]) -> tuple[int, bytes]:
        response = await self._http.post(path, json=payload)
        return response.status_code, response.content

    async def close(self) -> None:
        await self._http.aclose()


async def connect(url: str, kind: ClientKind) -> _Connection:
    return await RawConnection.open(url) if kind == "raw" else HttpxConnection(url)


async def run(url: str, endpoint: str, clients: int, total: int, questions: list[str], kind: str,
              client_kind: ClientKind = "raw") -> Result:
    """`clients` closed-loop clients until `total` answers; question i of the list goes to request i."""
    latencies: list[float] = []
    server: list[float] = []
    server_encode: list[float] = []
    errors = 0
    issued = 0

    async def client() -> None:
        nonlocal errors, issued
        connection = await connect(url, client_kind)
        try:
            while issued < total:
                question = questions[issued % len(questions)]
                issued += 1
                started = time.perf_counter()
                status, content = await connection.post(endpoint, body(endpoint, question))
                latencies.append((time.perf_counter() - started) * 1000)
                errors += status != 200
                if status == 200:
                    timings = json.loads(content).get("timings_ms", {})
                    server.append(float(timings.get("search", 0.0)))
                    if "encode" in timings:
                        server_encode.append(float(timings["encode"]))
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Result(endpoint, kind, clients, latencies, errors, time.perf_counter() - started, server,
                  server_encode, questions=[questions[i % len(questions)] for i in range(issued)])


async def bench_rows(url: str, endpoints: list[str], concurrency: list[int], total: int, unique: list[str],
                     repeated: list[str], pid: int | None, client_kind: ClientKind = "raw") -> list[Result]:
    """Per endpoint: a row of fresh unique questions per concurrency, then repeated questions at the highest."""
    for endpoint in endpoints:
        # connections, lazy imports; caches the dev questions
        await run(url, endpoint, 1, 10, repeated, "warm-up", client_kind)
    results = []
    feed = iter([q for q in unique if q not in set(repeated)])  # cached by the warm-up: never "unique"
    for endpoint in endpoints:
        plan = [("unique", c) for c in concurrency] + [("repeated", max(concurrency))]
        for kind, clients in plan:
            questions = repeated if kind == "repeated" else [next(feed) for _ in range(total)]
            before = cpu_seconds(pid)
            result = await run(url, endpoint, clients, total, questions, kind, client_kind)
            after = cpu_seconds(pid)
            used = after - before if after is not None and before is not None else None
            results.append(replace(result, server_cpu_s=used))
    return results


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process and its children's threads (Linux /proc); None when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def encode_ms(questions: list[str]) -> float:
    """Median time to encode one question, with the encoder settings the server reads from the environment."""
    encoder = _bench_encoder()
    times = []
    for question in questions:
        started = time.perf_counter()
        encoder.encode_queries([question])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times[5:] or times)


@functools.cache
def _bench_encoder() -> Encoder:
    """Loaded once per benchmark run, not once per row."""
    from app.config import Settings
    from app.engine import configured_encoder

    return configured_encoder(Settings.from_env())


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def own_server(env: dict[str, str] | None = None) -> Iterator[tuple[str, int | None]]:
    """`uvicorn --factory app.server:app_from_env` on a free loopback port, stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.server:app_from_env", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]
    full_env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=full_env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 300) -> None:
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


def serve_rows(env: dict[str, str], endpoints: list[str], concurrency: list[int], total: int,
               unique: list[str]) -> tuple[list[Result], dict[str, float]]:
    """Start a server with `env`, run the rows, and return them with the server's memory at the end (MiB):
    VmRSS and its parts RssAnon and RssFile."""
    with own_server(env) as (url, pid):
        rows = asyncio.run(bench_rows(url, endpoints, concurrency, total, unique, repeated_questions(), pid))
        return rows, memory_mib(pid, ("VmRSS", "RssAnon", "RssFile")) if pid is not None else {}
