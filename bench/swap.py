"""Requests across index swaps: how long a rebuilt collection takes to be served, and that none fail.

Method: a fresh home holds the seed index; the app (API only) runs on uvicorn in
this process with LAWQA_RELOAD_SECONDS=0.2, as `lawqa serve` would. One client
thread sends POST /api/search in a closed loop over a keep-alive connection
while the seed collection is rebuilt --rounds times (alternately with and
without one extra document, so the corpus hash changes), as `lawqa index` in
another process would. "pickup" is the time from the end of a build to
/healthz reporting the new hash as loaded (watch interval plus loading the
collection). Latencies are client-side; any non-200 response is an error.
Run: `python -m bench.swap [--rounds 4]`.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from app.config import Settings
from app.engine import load_engine
from app.indexer import build
from app.server import create_app, serve_in_thread

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EXTRA = "青禾镇人民调解工作通报\n\n一、总体情况\n\n青禾镇调解委员会共调处土地承包纠纷四十七件。\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    from embeddings import load_encoder

    home = Path(tempfile.mkdtemp(prefix="lawqa-swap-"))
    extra = home / "extra"
    extra.mkdir()
    (extra / "通报.txt").write_text(EXTRA, encoding="utf-8")
    settings = Settings(home=home, seeds=SEEDS, reload_seconds=0.2)
    encoder = load_encoder(settings.encoder)
    build(settings, [SEEDS], encoder=encoder)
    latencies: list[float] = []
    statuses: list[int] = []
    pickups: list[float] = []
    stop = threading.Event()
    with serve_in_thread(create_app(engine=load_engine(settings, encoder=encoder), ui=False)) as url, \
            httpx.Client(base_url=url, timeout=60) as client:

        def loop() -> None:
            with httpx.Client(base_url=url, timeout=60) as own:
                while not stop.is_set():
                    started = time.perf_counter()
                    statuses.append(own.post("/api/search", json={"query": "土地承包纠纷", "top_k": 5}).status_code)
                    latencies.append((time.perf_counter() - started) * 1000)

        worker = threading.Thread(target=loop)
        worker.start()
        for round_ in range(args.rounds):
            build(settings, [SEEDS, extra] if round_ % 2 == 0 else [SEEDS], encoder=encoder)
            built = time.perf_counter()
            health = client.get("/healthz").json()["collections"]["seeds"]
            while health["loaded_hash"] != health["disk_hash"]:
                time.sleep(0.02)
                health = client.get("/healthz").json()["collections"]["seeds"]
            pickups.append(time.perf_counter() - built)
        stop.set()
        worker.join()
    errors = sum(s != 200 for s in statuses)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"machine: {platform.machine()}, {platform.python_version()}; rounds {args.rounds}")
    print(f"requests {len(statuses)}  errors {errors}  p50 {cuts[49]:.1f} ms  p99 {cuts[98]:.1f} ms")
    print(f"pickup after build: median {statistics.median(pickups):.2f} s, max {max(pickups):.2f} s")


if __name__ == "__main__":
    main()
