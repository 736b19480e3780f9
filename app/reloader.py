"""Collections change without a restart: watch each index's manifest and swap a rebuilt one in.

A build (by `lawqa index` in another process, or by the management API)
renames a finished index directory into place with its manifest, so the
manifest's modification time and corpus hash say when a collection changed.
The watcher checks them every few seconds (a few `stat` calls), loads the
changed collection fully beside the running one, then swaps the engine in
one assignment (see `Runtime`): requests meanwhile use the old index.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from app.config import Settings
from app.deps import Runtime
from app.engine import available_collections, load_collection, load_engine, with_collection
from rag.errors import IndexStateError, LawqaError
from rag.ingest.store import MANIFEST, read_manifest

logger = logging.getLogger("lawqa.reload")


@dataclass(frozen=True)
class DiskState:
    mtime_ns: int
    corpus_hash: str


def watched(settings: Settings) -> list[str]:
    """The collections to serve: those named in the settings (else every built one), plus uploaded ones."""
    if not settings.collections:
        return available_collections(settings)
    root = settings.sources_root
    uploaded = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.exists() else []
    return list(dict.fromkeys([*settings.collections, *uploaded]))


def disk_state(settings: Settings, name: str) -> DiskState | None:
    path = settings.index_dir(name) / MANIFEST
    try:
        return DiskState(path.stat().st_mtime_ns, read_manifest(path.parent).corpus_hash)
    except (OSError, IndexStateError):
        return None


class Reloader:
    """Keeps `runtime` in step with the indexes on disk; `check()` does one pass."""

    def __init__(self, runtime: Runtime, settings: Settings) -> None:
        self.runtime, self.settings = runtime, settings
        self.seen: dict[str, DiskState | None] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def prime(self) -> None:
        """Take the indexes on disk now as the ones loaded (call right after loading the engine)."""
        with self.runtime.swap_lock:
            self.seen = {name: disk_state(self.settings, name) for name in watched(self.settings)}

    def check(self) -> list[str]:
        """Reload every collection whose manifest changed, appeared or vanished; returns their names."""
        with self.runtime.swap_lock:  # the watcher and a finished build may look at once
            return self._check()

    def _check(self) -> list[str]:
        names = set(watched(self.settings)) | set(self.seen)
        changed = []
        for name in sorted(names):
            state = disk_state(self.settings, name)
            if state == self.seen.get(name):
                continue
            self.seen[name] = state  # tried once per change: a damaged index is not retried every pass
            try:
                self.reload(name)
            except LawqaError as exc:  # a damaged or half-copied index: keep serving the old one
                logger.error("lawqa: %s", exc)
                continue
            changed.append(name)
        return changed

    def reload(self, name: str) -> None:
        """Load `name` from disk (or drop it when gone) and swap it in."""
        with self.runtime.swap_lock:
            engine = self.runtime.engine
            if engine is None:
                self.runtime.attach(load_engine(self.settings))
                return
            if disk_state(self.settings, name) is None:
                if name in engine.collections and len(engine.collections) > 1:
                    self.runtime.attach(with_collection(engine, name, None))
                return
            loaded, documents = load_collection(self.settings, name, engine.encoder)
            self.runtime.attach(with_collection(engine, name, loaded, documents))
            logger.info("lawqa: collection %s reloaded (%d passages)", name, loaded.manifest.chunk_count)

    def start(self, interval: float) -> None:
        if interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, args=(interval,), name="lawqa-reload", daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.check()
            except Exception:  # the watcher must outlive any one bad pass
                logger.exception("lawqa: index check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
