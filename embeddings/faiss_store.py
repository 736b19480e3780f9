"""Inner-product search with FAISS; row i of the index is chunk i.

Below `AnnPlan.min_rows` vectors the index is flat: every vector is scored.
It holds them in half precision (float16, FAISS's scalar quantiser QT_fp16):
the scan reads half the bytes, so it is faster and leaves more of the
encoder's weights in the caches for the next question (together about 1 ms
per search over the national laws; README "Scale"). A cosine moves by about
1e-4 against float32: of the 705 questions in tests/data, none changed its
answer, abstention or first citation, and 10 a later citation. An index
written in float32 (IndexFlatIP) still loads and searches as written.

From `min_rows` on a flat scan costs more than encoding the question (about
30 ms per 100k vectors on two cores, see README "Scale"), so the index becomes
approximate:
an inverted file over 8-bit scalar-quantised vectors finds `k_factor * k`
candidates in the `nprobe` nearest clusters, and the full float vectors
re-rank them, so the scores handed back are exact cosines. The clusters are
stored in the file; nprobe and k_factor are the settings in force.

Loading memory-maps the index file (IO_FLAG_MMAP_IFC): nothing is copied, a
restart is instant at any size, several processes share one copy in the page
cache, and only the pages a search touches become resident. The full vectors
of an approximate index are kept in a file of their own and read row by row
(pread), not mapped: re-ranking touches a few thousand scattered rows per
question, and mapped, each touch would make a whole run of neighbouring pages
resident, until every vector of a million counted in the server's memory.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from rag.errors import IndexStateError
from rag.protocols import Vectors

FILE_NAME = "vectors.faiss"
RAW_NAME = "vectors.raw.npy"  # an approximate index's full float32 vectors, row i = chunk i
_NO_SCORE = np.finfo(np.float32).min  # what FAISS gives where it found fewer than k


@dataclass(frozen=True)
class AnnPlan:
    """When and how the index turns approximate; the defaults are chosen from bench/scale.py's curve."""

    min_rows: int = 100_000  # exact below this many vectors
    nprobe: int = 128  # clusters visited per query
    k_factor: int = 4  # candidates re-ranked with the full vectors, per result asked for
    train_per_list: int = 64  # k-means training points per cluster


def cluster_count(rows: int) -> int:
    """About sqrt(rows) clusters, a power of two: 256 for 100k vectors, 1024 for 1M."""
    return int(2 ** round(math.log2(max(math.sqrt(rows), 16))))


class RowFile:
    """Rows of a float32 .npy matrix read with pread: positional, so threads may share it, and never mapped."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else \
                np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read_header(handle)
            self._offset = handle.tell()
        if fortran or dtype != np.float32 or len(shape) != 2:
            raise IndexStateError(f"{path.name} 不是按行存放的 float32 向量，请运行 lawqa index 重建")
        self.rows, self.dim = int(shape[0]), int(shape[1])
        if path.stat().st_size != self._offset + self.rows * self.dim * 4:  # cut short: a read would come back short
            raise IndexStateError(f"{path.name} 不完整，请运行 lawqa index 重建")
        self._fd = os.open(path, os.O_RDONLY)
        self._row_bytes = self.dim * 4

    def take(self, rows: npt.NDArray[np.int64]) -> Vectors:
        chunks = [os.pread(self._fd, self._row_bytes, self._offset + int(r) * self._row_bytes) for r in rows]
        return np.frombuffer(b"".join(chunks), dtype=np.float32).reshape(len(rows), self.dim)

    def __del__(self) -> None:
        if hasattr(self, "_fd"):
            os.close(self._fd)


class FaissStore:
    """Flat in float16 for small collections, IVF-SQ8 with exact re-ranking from `plan.min_rows` vectors on."""

    def __init__(self, dim: int, index: faiss.Index | None = None, plan: AnnPlan = AnnPlan(),
                 full: RowFile | None = None) -> None:
        self.dim = dim
        self.plan = plan
        self._index = index if index is not None else flat_index(dim)
        # The full vectors an approximate index re-ranks with: in memory while building, a RowFile once
        # loaded; None for a flat index, and for approximate files written before RAW_NAME existed,
        # whose index re-ranks by itself (IndexRefineFlat).
        self._full: Vectors | RowFile | None = full

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def approximate(self) -> bool:
        return faiss.try_extract_index_ivf(self._index) is not None

    def add(self, vectors: Vectors) -> None:
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors have dimension {vectors.shape[1]}, index expects {self.dim}")
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.size == 0 and len(matrix) >= self.plan.min_rows:
            self._index = _trained_ivf(matrix, self.plan)
            self._full = np.zeros((0, self.dim), dtype=np.float32)
        if isinstance(self._full, RowFile):
            raise IndexStateError("已保存的近似索引不能追加向量，请运行 lawqa index 重建")
        self._index.add(matrix)
        if self._full is not None:
            # searched while building too; the first batch is kept as given (a million rows is 1.5 GB)
            self._full = np.concatenate([self._full, matrix]) if len(self._full) else matrix

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        k = min(k, self.size)
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if self._full is None:
            scores, ids = self._index.search(queries, k)
            return scores, ids
        _, found = self._index.search(queries, min(self.size, k * self.plan.k_factor))
        scores = np.full((len(queries), k), _NO_SCORE, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        wanted = np.unique(found[found >= 0])  # sorted: each query's candidates are found by searchsorted
        rows = self._rows(wanted)
        for q, candidates in enumerate(found):
            candidates = candidates[candidates >= 0]
            exact = rows[np.searchsorted(wanted, candidates)] @ queries[q]
            best = np.argsort(-exact, kind="stable")[:k]
            scores[q, :len(best)], ids[q, :len(best)] = exact[best], candidates[best]
        return scores, ids

    def set_nprobe(self, nprobe: int) -> None:
        """Clusters visited per query (approximate index only); for tuning, see bench/scale.py."""
        if self.approximate:
            faiss.extract_index_ivf(self._index).nprobe = nprobe

    def reconstruct(self, row: int) -> Vectors:
        if self._full is None:
            return np.asarray(self._index.reconstruct(row), dtype=np.float32)
        vector: Vectors = self._rows(np.array([row], dtype=np.int64))[0].copy()
        return vector

    def _rows(self, rows: npt.NDArray[np.int64]) -> Vectors:
        if isinstance(self._full, RowFile):
            return self._full.take(rows)
        assert self._full is not None
        taken: Vectors = self._full[rows]
        return taken

    def save(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / FILE_NAME))
        if isinstance(self._full, RowFile):
            raise IndexStateError("已保存的近似索引不能另存，请运行 lawqa index 重建")
        if self._full is not None:
            np.save(directory / RAW_NAME, self._full)


def flat_index(dim: int) -> faiss.Index:
    """Every vector scored, stored as float16 (see the module's comment)."""
    return faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT)


def _trained_ivf(vectors: Vectors, plan: AnnPlan) -> faiss.Index:
    lists = cluster_count(len(vectors))
    quantizer = faiss.IndexFlatIP(vectors.shape[1])
    ivf = faiss.IndexIVFScalarQuantizer(quantizer, vectors.shape[1], lists, faiss.ScalarQuantizer.QT_8bit,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = 10  # enough for cluster assignment; full k-means costs minutes at 1M vectors
    sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), lists * plan.train_per_list),
                                             replace=False)
    ivf.train(vectors[np.sort(sample)])
    ivf.nprobe = plan.nprobe
    return ivf


def load_faiss_store(directory: Path, dim: int, plan: AnnPlan = AnnPlan()) -> FaissStore:
    path = directory / FILE_NAME
    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    except RuntimeError as exc:
        raise IndexStateError(f"{path} 无法读取（{exc}），请运行 lawqa index 重建") from exc
    if index.d != dim:
        raise IndexStateError(f"{path} 的向量维度是 {index.d}，当前模型是 {dim}，请运行 lawqa index 重建")
    raw = directory / RAW_NAME
    full = RowFile(raw) if raw.exists() else None
    if full is not None and (full.rows, full.dim) != (index.ntotal, dim):
        raise IndexStateError(f"{raw.name} 与 {path.name} 的向量数不一致，请运行 lawqa index 重建")
    store = FaissStore(dim, index, plan, full)
    store.set_nprobe(plan.nprobe)  # the setting in force, not the one at build time
    return store
