"""GET /healthz: ready (200) only once the lifespan has loaded the index.

The API is ready then; `chat` says whether the browser chat, built after the index, is up yet.

It reports, per collection, the hash of the index being served and of the one on
disk now: they differ after a rebuild the running service has not picked up.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Request, Response

from app.deps import RuntimeDep
from app.reloader import disk_state, watched
from app.routes.errors import public_message
from app.schemas import Health, IndexHashes
from rag import texts
from rag.errors import IndexStateError
from rag.ingest.store import manifest_hash, read_manifest

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Readiness and the loaded index's manifest",
            responses={503: {"model": Health, "description": "index not loaded"}})
def healthz(runtime: RuntimeDep, request: Request, response: Response) -> Health:
    chat = getattr(request.app.state, "chat", None)
    chat_state = chat.state if chat is not None else "off"
    if runtime.engine is None:
        response.status_code = 503
        return Health(status="unavailable", detail=public_message(runtime.error or texts.INDEX_NOT_READY),
                      chat=chat_state)
    engine = runtime.engine
    collections: dict[str, dict[str, object]] = {}
    for name in dict.fromkeys([*engine.collections, *watched(engine.settings)]):
        loaded = engine.collections.get(name)
        on_disk = disk_state(engine.settings, name)
        collections[name] = {**(asdict(loaded.manifest) if loaded else {}),
                             "loaded_hash": loaded.manifest.corpus_hash if loaded else None,
                             "disk_hash": on_disk.corpus_hash if on_disk else None}
    hashes = {name: IndexHashes(loaded=manifest_hash(loaded.manifest),
                                on_disk=_disk_hash(engine.settings.index_dir(name)))
              for name, loaded in engine.collections.items()}
    return Health(status="ready", manifest=asdict(engine.manifest), collections=collections, index_hashes=hashes,
                  chat=chat_state)



def _disk_hash(directory: Path) -> str | None:
    try:
        return manifest_hash(read_manifest(directory))
    except IndexStateError:
        return None
