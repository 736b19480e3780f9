"""Warm restart: how soon a restarted `lawqa serve` answers, and how soon the chat is up.

Method: `lawqa serve` starts as a new process on a free port over the index already
on disk (seeds + national laws, as `make run` leaves them), with the page cache
warm from the previous round. The client polls every 20 ms and records, from the
moment the process is started: /healthz 200 (the index is loaded), the first
POST /api/answer that returns 200 for a statute question, and the first GET / that
returns the chat page rather than the "starting" page. The process is then
stopped with SIGINT. Run after `make index`: `python -m bench.restart [--rounds 5]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.httpload import free_port

QUESTION = "劳动合同的试用期最长可以约定多久？"
LAWQA = Path(sys.executable).with_name("lawqa")
POLL_SECONDS = 0.02


def one_restart(timeout: float) -> dict[str, float]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    process = subprocess.Popen([str(LAWQA), "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marks: dict[str, float] = {}
    try:
        with httpx.Client(base_url=base, timeout=5) as client:
            while len(marks) < 3 and time.perf_counter() - started < timeout:
                try:
                    if "healthz" not in marks and client.get("/healthz").status_code == 200:
                        marks["healthz"] = time.perf_counter() - started
                    asked = "healthz" in marks and "answer" not in marks
                    if asked and client.post("/api/answer", json={"question": QUESTION}).status_code == 200:
                        marks["answer"] = time.perf_counter() - started
                    if "chat" not in marks:
                        page = client.get("/")
                        if page.status_code == 200 and "gradio" in page.text.lower():
                            marks["chat"] = time.perf_counter() - started
                except httpx.TransportError:
                    pass  # not listening yet
                time.sleep(POLL_SECONDS)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    if len(marks) < 3:
        raise SystemExit(f"lawqa serve was not ready within {timeout:.0f} s: {marks}")
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    one_restart(args.timeout)  # warms the page cache and jieba's dictionary cache
    rounds = [one_restart(args.timeout) for _ in range(args.rounds)]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"{args.rounds} warm restarts of `lawqa serve` (index on disk: seeds + laws)")
    print("seconds from process start   median     min     max")
    for mark, label in (("healthz", "/healthz 200"), ("answer", "first /api/answer 200"), ("chat", "chat page at /")):
        values = [r[mark] for r in rounds]
        print(f"{label:<28}{statistics.median(values):>7.2f} {min(values):>7.2f} {max(values):>7.2f}")
    print(__doc__.split("Method: ")[1].split("Run after")[0].replace("\n", " ").strip())


if __name__ == "__main__":
    main()
