"""Collections managed from the browser and the API: originals on disk, background rebuilds, a swap.

Originals live under `<home>/sources/<collection>/`, so a rebuild is
`lawqa index` over that folder. One worker thread per collection builds while
the service keeps answering from the old index; a change made during a build
marks the collection dirty and the worker builds again. When a build is done
the reloader loads it and swaps it in (see `Runtime`).
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.config import Settings
from app.deps import Runtime
from app.kb.files import check_upload, collection_name, safe_filename
from app.milvus_backend import drop_milvus_data
from app.reloader import Reloader, disk_state
from rag import texts
from rag.errors import InputError, LawqaError
from rag.ingest.indexing import SOURCE_SUFFIXES


@dataclass(frozen=True)
class Job:
    """A collection's build, as shown to the people managing it."""

    collection: str
    state: str = "idle"  # idle / running / done / failed
    stage: str = ""
    done: int = 0
    total: int = 0
    message: str = ""
    skipped: tuple[str, ...] = ()
    finished_at: float = 0.0


@dataclass(frozen=True)
class DocumentRow:
    file: str
    size: int
    doc_id: str = ""
    chunks: int = 0
    status: str = ""


@dataclass
class _Worker:
    job: Job
    dirty: bool = False
    thread: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class KnowledgeBase:
    def __init__(self, settings: Settings, runtime: Runtime, reloader: Reloader) -> None:
        self.settings, self.runtime, self.reloader = settings, runtime, reloader
        self._workers: dict[str, _Worker] = {}
        self._lock = threading.Lock()

    # Collections -----------------------------------------------------------------
    def folder(self, name: str) -> Path:
        return self.settings.sources_root / collection_name(name)

    def managed(self) -> list[str]:
        root = self.settings.sources_root
        return sorted(p.name for p in root.iterdir() if p.is_dir()) if root.exists() else []

    def require_managed(self, name: str) -> Path:
        folder = self.folder(name)
        if not folder.is_dir():
            exists = disk_state(self.settings, name) is not None
            raise InputError((texts.KB_NOT_MANAGED if exists else texts.KB_UNKNOWN).format(name=name))
        return folder

    def create(self, name: str) -> None:
        folder = self.folder(name)
        if folder.exists() or disk_state(self.settings, name) is not None:
            raise InputError(texts.KB_EXISTS.format(name=name))
        folder.mkdir(parents=True)

    def delete(self, name: str) -> None:
        folder = self.require_managed(name)
        self._check_idle(name)
        drop_milvus_data(self.settings, self.settings.index_dir(name))
        for path in (self.settings.index_dir(name), folder):
            if path.exists():  # rename first: the service never sees a half-deleted index
                doomed = path.with_name(f".{path.name}.deleted-{time.time_ns()}")
                path.rename(doomed)
                shutil.rmtree(doomed, ignore_errors=True)
        self._workers.pop(name, None)
        self.reloader.check()

    # Documents -------------------------------------------------------------------
    def upload(self, name: str, filename: str, data: bytes) -> str:
        """Keep one original (replacing one of the same name); returns the name it is kept under."""
        folder = self.require_managed(name)
        base = check_upload(filename, data, self.settings.max_upload_mb * 1_000_000)
        tmp = folder / f".{base}.part"
        tmp.write_bytes(data)
        tmp.replace(folder / base)
        return base

    def remove(self, name: str, filename: str) -> None:
        path = self.require_managed(name) / safe_filename(filename)
        if not path.is_file():
            raise InputError(texts.KB_NO_DOCUMENT.format(name=name, file=filename))
        path.unlink()

    def original(self, name: str, filename: str) -> Path:
        path = self.require_managed(name) / safe_filename(filename)
        if not path.is_file():
            raise InputError(texts.KB_NO_DOCUMENT.format(name=name, file=filename))
        return path

    def documents(self, name: str) -> list[DocumentRow]:
        folder = self.require_managed(name)
        engine = self.runtime.engine
        indexed = {Path(d.path).name: d.doc_id for d in engine.documents.values()
                   if d.collection == name} if engine else {}
        job = self.job(name)
        rows = []
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            doc_id = indexed.get(path.name, "")
            chunks = len(self.runtime.passages.get(doc_id, ())) if doc_id else 0
            reason = next((m for m in job.skipped if path.name in m), "")
            status = "已索引" if doc_id else (reason or "待索引")
            rows.append(DocumentRow(path.name, path.stat().st_size, doc_id, chunks, status))
        return rows

    # Builds ----------------------------------------------------------------------
    def job(self, name: str) -> Job:
        worker = self._workers.get(name)
        return worker.job if worker else Job(name)

    def building(self) -> bool:
        """Whether any collection's build is running now."""
        return any(worker.job.state == "running" for worker in list(self._workers.values()))

    def rebuild(self, name: str) -> Job:
        """Start (or queue) a build of `name` in the background; returns its job."""
        self.require_managed(name)
        with self._lock:
            worker = self._workers.setdefault(name, _Worker(Job(name)))
            worker.dirty = True
            if worker.thread is None or not worker.thread.is_alive():
                worker.job = replace(worker.job, state="running", stage="排队中", done=0, total=0, message="")
                worker.thread = threading.Thread(target=self._work, args=(name, worker), daemon=True,
                                                 name=f"lawqa-build-{name}")
                worker.thread.start()
            return worker.job

    def wait(self, name: str, timeout: float = 300) -> Job:
        worker = self._workers.get(name)
        if worker and worker.thread:
            worker.thread.join(timeout)
        return self.job(name)

    def _check_idle(self, name: str) -> None:
        worker = self._workers.get(name)
        if worker and worker.thread and worker.thread.is_alive():
            raise InputError(texts.KB_BUSY.format(name=name))

    def _work(self, name: str, worker: _Worker) -> None:
        while True:
            with self._lock:
                if not worker.dirty:
                    return
                worker.dirty = False
            worker.job = replace(worker.job, state="running", stage="读取文件", done=0, total=0)
            try:
                worker.job = self._build(name, worker)
            except LawqaError as exc:
                worker.job = replace(worker.job, state="failed", stage="", message=str(exc), finished_at=time.time())
            except Exception as exc:  # a worker thread must report, not die silently
                worker.job = replace(worker.job, state="failed", stage="", message=f"{type(exc).__name__}: {exc}",
                                     finished_at=time.time())

    def _build(self, name: str, worker: _Worker) -> Job:
        from app.indexer import build

        folder = self.settings.sources_root / name
        if not any(p.suffix.lower() in SOURCE_SUFFIXES for p in folder.iterdir() if not p.name.startswith(".")):
            self._drop_index(name)
            return Job(name, state="done", message=texts.KB_EMPTY.format(name=name), finished_at=time.time())

        def progress(stage: str):  # type: ignore[no-untyped-def]
            def update(done: int, total: int) -> None:
                worker.job = replace(worker.job, stage=stage, done=done, total=total)
            return update

        engine = self.runtime.engine
        settings = self.settings.model_copy(update={"collection": name})
        manifest, corpus = build(settings, [folder], encoder=engine.encoder if engine else None,
                                 load_progress=progress("读取文件"), embed_progress=progress("计算向量"))
        worker.job = replace(worker.job, stage="载入新索引")
        self.reloader.check()
        message = f"已收录 {manifest.document_count} 个文件，{manifest.chunk_count} 个段落。"
        skipped = tuple(m.replace(f"{folder}/", "") for m in corpus.skipped)  # names, not server paths
        return Job(name, state="done", message=message, skipped=skipped, finished_at=time.time(),
                   done=manifest.chunk_count, total=manifest.chunk_count)

    def _drop_index(self, name: str) -> None:
        directory = self.settings.index_dir(name)
        drop_milvus_data(self.settings, directory)
        if directory.exists():
            doomed = directory.with_name(f".{name}.deleted-{time.time_ns()}")
            directory.rename(doomed)
            shutil.rmtree(doomed, ignore_errors=True)
        self.reloader.check()
