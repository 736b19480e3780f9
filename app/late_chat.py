"""The chat, mounted at / before Gradio is even imported.

Importing Gradio and building the chat take longer than loading the index, so a
restarted service answers the API and /healthz first and the chat follows a
couple of seconds later. Until then / shows a page that says the chat is starting
and reloads itself, and a call to the chat's own endpoints gets a 503 in Chinese.
Gradio's startup (its queue) runs in the server's event loop, in one task that
also shuts it down, as its lifespan needs.
"""

from __future__ import annotations

import asyncio
import html
import logging
import threading
from collections.abc import Callable
from typing import Literal

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from app import ui_texts
from app.gradio_guard import send_json

logger = logging.getLogger("lawqa.chat")

ChatState = Literal["starting", "ready", "failed"]
RETRY_SECONDS = 1


class LateChat:
    """An ASGI app that is the chat once `build` has made it, and a "starting" page until then."""

    def __init__(self, build: Callable[[], FastAPI]) -> None:
        self._build = build
        self._chat: FastAPI | None = None
        self.state: ChatState = "starting"
        self._settled = threading.Event()  # ready or failed: what serve_in_thread waits for
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Build and start the chat in the background; call from the server's running event loop."""
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run(self._stop))

    async def stop(self) -> None:
        if self._task is not None and self._stop is not None:
            self._stop.set()
            await self._task

    def wait(self, timeout: float) -> bool:
        """Block until the chat is ready or has failed; False on timeout."""
        return self._settled.wait(timeout)

    async def _run(self, stop: asyncio.Event) -> None:
        try:
            chat = await run_in_threadpool(self._build)
            async with chat.router.lifespan_context(chat):
                self._chat, self.state = chat, "ready"
                self._settled.set()
                await stop.wait()
        except Exception:  # the API keeps serving; the page says the chat did not start
            logger.exception("lawqa: the chat failed to start")
            self.state = "failed"
        finally:
            self._chat = None
            self._settled.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        chat = self._chat
        if chat is not None:
            await chat(scope, receive, send)
            return
        message = ui_texts.CHAT_FAILED if self.state == "failed" else ui_texts.CHAT_STARTING
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})
        elif scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            await _send_page(send, message, refresh=self.state == "starting")
        elif scope["type"] == "http":
            await send_json(send, 503, message, [(b"retry-after", str(RETRY_SECONDS).encode())])


async def _send_page(send: Send, message: str, *, refresh: bool) -> None:
    reload = f'<meta http-equiv="refresh" content="{RETRY_SECONDS}">' if refresh else ""
    body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">{reload}'
            f"<title>{html.escape(ui_texts.CHAT_STARTING_TITLE)}</title></head>"
            f'<body style="font-family:system-ui,sans-serif;margin:3rem auto;max-width:36rem;color:#1e293b">'
            f"<h1>{html.escape(ui_texts.APP_TITLE)}</h1><p role=\"status\">{html.escape(message)}</p>"
            f"</body></html>").encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               (b"retry-after", str(RETRY_SECONDS).encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
