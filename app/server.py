"""The web app: one FastAPI app with the JSON API, /healthz, /docs and the Gradio chat at /.

The chat is built after the index has loaded, in the background (app.late_chat):
a restarted service answers the API first, and / says the chat is starting.

The engine (model, vectors, BM25) is loaded once, in the lifespan, never at
import. If the index cannot be loaded the app still starts and says why on
/healthz and every API call (503), so a broken deployment is diagnosable;
`serve` checks for an index first, so `lawqa serve` fails fast instead.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.deps import Runtime
from app.engine import Engine, available_collections, load_engine
from app.feedback import FeedbackStore
from app.generation import Generation, load_generation
from app.gradio_import import import_gradio
from app.indexer import code_version
from app.kb import KnowledgeBase
from app.late_chat import LateChat
from app.reloader import Reloader
from app.routes import install_error_handlers, router
from app.routes.docs import install_docs
from app.routes.errors import install_method_guard
from rag import texts
from rag.errors import IndexStateError
from rag.ingest.store import read_manifest

logger = logging.getLogger("lawqa.server")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None, ui: bool = True) -> FastAPI:
    """The app for `settings` (the engine loads in the lifespan) or for an engine already loaded."""
    if engine is not None:
        settings = engine.settings
    if settings is None:
        raise ValueError("create_app needs settings or an engine")
    runtime = Runtime()
    reloader = Reloader(runtime, settings)
    runtime.kb = KnowledgeBase(settings, runtime, reloader)
    runtime.feedback = FeedbackStore(settings.feedback_path)
    app = FastAPI(title="lawqa", version=code_version(), lifespan=_lifespan(runtime, reloader, settings, engine),
                  docs_url=None, redoc_url=None,
                  description="Chinese legal question answering over your documents, with exact citations.")
    app.state.runtime = runtime
    app.state.generation = load_generation(settings)
    install_error_handlers(app)
    app.include_router(router)
    install_docs(app)
    install_method_guard(app)
    if ui:  # last: the chat takes every path the API does not
        app.state.chat = LateChat(lambda: _chat_app(runtime, settings, app.state.generation))
        app.mount("/", app.state.chat)
    return app


def _chat_app(runtime: Runtime, settings: Settings, generation: Generation | None) -> FastAPI:
    # Gradio takes a second to import even the quick way: after the index, in the background.
    import_gradio()
    from app.ui import chat_app

    return chat_app(runtime, settings, generation)


def _lifespan(runtime: Runtime, reloader: Reloader, settings: Settings, engine: Engine | None
              ) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            loaded = engine if engine is not None else await run_in_threadpool(load_engine, settings)
            runtime.attach(loaded)
        except IndexStateError as exc:
            runtime.error = str(exc)
            logger.error("lawqa: %s", exc)
        except Exception:  # damage no check foresaw: still start, and answer 503 saying so
            runtime.error = texts.INDEX_LOAD_FAILED
            logger.exception("lawqa: loading the index failed")
        reloader.prime()
        reloader.start(settings.reload_seconds)
        chat: LateChat | None = getattr(app.state, "chat", None)
        if chat is not None:
            chat.start()
        yield
        if chat is not None:
            await chat.stop()
        reloader.stop()
        runtime.engine = None

    return lifespan


@contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", *, wait_for_chat: bool = True) -> Iterator[str]:
    """Run the app on a free port in a background thread (tests, benchmarks); yields its base URL once the
    API is ready and, unless told otherwise, the chat too."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((host, 0))
    # A browser that still holds the chat's event stream would keep a graceful shutdown waiting for ever.
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start; see the log above")
        time.sleep(0.02)
    chat: LateChat | None = getattr(app.state, "chat", None)
    if wait_for_chat and chat is not None and not chat.wait(timeout=120):
        raise RuntimeError("the chat did not start; see the log above")
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def app_from_env() -> FastAPI:
    """For `uvicorn --factory app.server:app_from_env` (several workers, a process manager)."""
    return create_app(Settings.from_env())


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted; raises IndexStateError when there is no index."""
    import uvicorn

    for name in settings.collections or available_collections(settings) or [settings.collection]:
        read_manifest(settings.index_dir(name))  # fail here, with the fix, rather than inside uvicorn
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
