"""GET /healthz: ready (200) only once the lifespan has loaded the index."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response

from app.deps import RuntimeDep
from app.reloader import disk_state, watched
from app.schemas import Health
from rag import texts

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Readiness and the loaded index's manifest",
            responses={503: {"model": Health, "description": "index not loaded"}})
def healthz(runtime: RuntimeDep, response: Response) -> Health:
    if runtime.engine is None:
        response.status_code = 503
        return Health(status="unavailable", detail=runtime.error or texts.INDEX_NOT_READY)
    engine = runtime.engine
    collections: dict[str, dict[str, object]] = {}
    for name in dict.fromkeys([*engine.collections, *watched(engine.settings)]):
        loaded = engine.collections.get(name)
        on_disk = disk_state(engine.settings, name)
        collections[name] = {**(asdict(loaded.manifest) if loaded else {}),
                             "loaded_hash": loaded.manifest.corpus_hash if loaded else None,
                             "disk_hash": on_disk.corpus_hash if on_disk else None}
    return Health(status="ready", manifest=asdict(engine.manifest), collections=collections)
