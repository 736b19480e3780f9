"""Inner-product search with FAISS; row i of the index is chunk i.

Below `AnnPlan.min_rows` vectors the index is exact (a flat scan). From there
on a flat scan costs more than encoding the question (about 30 ms per 100k
vectors on two cores, see README "Scale"), so the index becomes approximate:
an inverted file over 8-bit scalar-quantised vectors finds `k_factor * k`
candidates in the `nprobe` nearest clusters, and the full float vectors
re-rank them, so the scores handed back are exact cosines. The settings are
stored in the file, so a loaded index searches as it was built.

Loading memory-maps the file (IO_FLAG_MMAP_IFC): nothing is copied, a restart
is instant at any size, several processes share one copy in the page cache,
and only the pages a search touches become resident.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

from rag.errors import IndexStateError
from rag.protocols import Vectors

FILE_NAME = "vectors.faiss"


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


class FaissStore:
    """Exact for small collections, IVF-SQ8 with exact re-ranking from `plan.min_rows` vectors on."""

    def __init__(self, dim: int, index: faiss.Index | None = None, plan: AnnPlan = AnnPlan()) -> None:
        self.dim = dim
        self.plan = plan
        self._index = index if index is not None else faiss.IndexFlatIP(dim)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def approximate(self) -> bool:
        return not isinstance(self._index, faiss.IndexFlat)

    def add(self, vectors: Vectors) -> None:
        if vectors.shape[1] != self.dim:
            raise ValueError(f"vectors have dimension {vectors.shape[1]}, index expects {self.dim}")
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.size == 0 and len(matrix) >= self.plan.min_rows:
            self._index = _trained_ivf(matrix, self.plan)
        self._index.add(matrix)

    def search(self, queries: Vectors, k: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        k = min(k, self.size)
        scores, ids = self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def set_nprobe(self, nprobe: int) -> None:
        """Clusters visited per query (approximate index only); for tuning, see bench/scale.py."""
        if self.approximate:
            faiss.extract_index_ivf(self._index).nprobe = nprobe

    def reconstruct(self, row: int) -> Vectors:
        return np.asarray(self._index.reconstruct(row), dtype=np.float32)

    def save(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / FILE_NAME))


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
    index = faiss.IndexRefineFlat(ivf)
    index.k_factor = float(plan.k_factor)
    return index


def load_faiss_store(directory: Path, dim: int, plan: AnnPlan = AnnPlan()) -> FaissStore:
    path = directory / FILE_NAME
    try:
        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    except RuntimeError as exc:
        raise IndexStateError(f"{path} 无法读取（{exc}），请运行 lawqa index 重建") from exc
    if index.d != dim:
        raise IndexStateError(f"{path} 的向量维度是 {index.d}，当前模型是 {dim}，请运行 lawqa index 重建")
    store = FaissStore(dim, index, plan)
    store.set_nprobe(plan.nprobe)  # the setting in force, not the one at build time
    return store
