"""The HTTP part of bench/scale.py: the server on a scale index, loaded with unique questions."""

from __future__ import annotations

from pathlib import Path

from bench.httpload import HEADER, serve_rows
from bench.scalerun import COLLECTION


def http_rows(home: Path, questions: list[str], requests: int) -> list[str]:
    env = {"LAWQA_HOME": str(home), "LAWQA_COLLECTIONS": COLLECTION, "LAWQA_RELOAD_SECONDS": "0"}
    rows, rss = serve_rows(env, ["/api/search"], [1, 16], requests, questions)
    return [HEADER.strip(), *(row.row() for row in rows),
            "server memory at the end (MiB): " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items())]
