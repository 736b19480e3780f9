"""Index build throughput against the raw encoder's, in the same run.

Method: the statute files of one LawRefBook folder (default: 司法解释, which the shipped vectors do not
cover) are read with lawqa's loader; the first `--passages` articles are encoded with
`encode_documents` in batches of 32 (the raw encoder: passages per second); then `lawqa index`'s
own `build()` indexes the files holding those articles into a fresh home with an empty embedding
cache and no shipped vectors (reading, chunking, embedding, BM25, FAISS, writing: passages per
second). The encoder is the one `lawqa index` loads (LAWQA_E5_RUNTIME, default ONNX Runtime).
Run: `python -m bench.buildcheck [--passages 600]`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from app.config import Settings
from app.engine import configured_encoder
from app.indexer import build
from bench.scaledata import SOURCES
from rag.ingest.indexing import discover, load_corpus, passage_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=600)
    parser.add_argument("--folder", default=str(SOURCES[1] / "司法解释"))
    args = parser.parse_args()
    files, chosen = [], 0
    for path in discover([Path(args.folder)]):
        corpus = load_corpus([path], collection="check", max_chars=400)
        files.append(path)
        chosen += len(corpus.chunks)
        if chosen >= args.passages:
            break
    corpus = load_corpus(files, collection="check", max_chars=400)
    metas = corpus.metas()
    texts = [passage_text(c, metas[c.doc_id]) for c in corpus.chunks]
    encoder = configured_encoder(Settings.from_env())
    encoder.encode_documents(texts[:2])  # loads ONNX Runtime before the clock starts
    started = time.perf_counter()
    for start in range(0, len(texts), 32):
        encoder.encode_documents(texts[start:start + 32])
    raw = len(texts) / (time.perf_counter() - started)
    home = Path(tempfile.mkdtemp(prefix="lawqa-buildcheck-"))
    settings = Settings(home=home, collection="check", shipped_vectors=home / "none")
    started = time.perf_counter()
    manifest, _ = build(settings, files, encoder=encoder)
    built = manifest.chunk_count / (time.perf_counter() - started)
    print(f"{len(texts)} passages from {len(files)} files; raw encoder {raw:.1f} passages/s, "
          f"index build {built:.1f} passages/s = {built / raw:.2f} x the encoder")


if __name__ == "__main__":
    main()
