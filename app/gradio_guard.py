"""Limits on the chat's own Gradio endpoints, in front of the mounted Gradio app.

- /gradio_api/upload writes files to the server: only with the admin token
  (`Authorization: Bearer <token>` or the `lawqa_admin` cookie), and never more
  than the upload limit; with no admin token configured, uploads are closed
  (the chat itself uploads nothing).
- A call of one of the page's functions is checked against the live Blocks function
  table before Gradio sees it: /gradio_api/queue/join for the queued ones,
  /gradio_api/run/predict (or api/predict) for the few the page calls directly. An
  fn_index the page does not have, one sent the other way, or fewer inputs than the
  function takes is a 422, not Gradio's 500; so is a direct call whose function
  fails on what it was sent (Gradio would answer 500 with the exception's text).
- Named endpoints (/gradio_api/run/NAME, api/NAME, call/NAME): the page has none,
  every function being private, so these are a 404 rather than Gradio's 500.
Refusals are JSON in Chinese, like the rest of the API.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping, Sequence
from http.cookies import SimpleCookie
from typing import Any, Protocol
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import ui_texts

_CALL_BODY_LIMIT = 1 << 20  # a call's body is a few kilobytes at most
_NAMED_CALL = re.compile(r"/gradio_api/(?:(?:run|api)/(?P<name>[^/]+)|call/.*)/?$")


class PageFunction(Protocol):
    """What the guard reads of one of Gradio's BlockFunctions."""

    @property
    def inputs(self) -> Sequence[object]: ...

    @property
    def queue(self) -> bool: ...


class GradioGuard:
    def __init__(self, app: ASGIApp, *, functions: Mapping[int, PageFunction], upload_limit: int,
                 admin_token: str | None) -> None:
        self.app, self.functions, self.upload_limit, self.admin_token = app, functions, upload_limit, admin_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" and scope.get("method") == "POST" else ""
        named = _NAMED_CALL.search(path)
        if path.endswith("/gradio_api/upload"):
            refusal = self._upload_refusal(scope)
            if refusal is not None:
                await send_json(send, *refusal)
                return
        elif path.endswith("/gradio_api/queue/join") or (named and named["name"] == "predict"):
            body = await _read_body(receive, _CALL_BODY_LIMIT)
            if body is None or not self._page_call(body, queued=not named):
                await send_json(send, 422, ui_texts.UNKNOWN_EVENT)
                return
            receive = _replay(body)
            if named:
                send = _refusing_failures(send)
        elif named:
            await send_json(send, 404, ui_texts.UNKNOWN_EVENT)
            return
        await self.app(scope, receive, send)

    def _upload_refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not self.admin_token or not _has_token(headers, self.admin_token):
            return 403, ui_texts.UPLOAD_FORBIDDEN
        length = headers.get("content-length", "")
        if not length.isdigit() or int(length) > self.upload_limit:
            return 413, ui_texts.UPLOAD_TOO_LARGE.format(megabytes=self.upload_limit >> 20)
        return None

    def _page_call(self, body: bytes, *, queued: bool) -> bool:
        """Whether the body calls one of the page's functions the way the page does."""
        try:
            request = json.loads(body)
        except ValueError:
            return True  # Gradio answers malformed bodies itself, with a 422
        if not isinstance(request, dict):
            return True
        index, data = request.get("fn_index"), request.get("data")
        if index is None:
            return queued  # a join may name its function otherwise; a direct call must give the index
        function = self.functions.get(index) if isinstance(index, int) else None
        if function is None or function.queue != queued:
            return False
        return not isinstance(data, list) or len(data) >= len(function.inputs)


def _has_token(headers: dict[str, str], token: str) -> bool:
    bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
    cookie = SimpleCookie(headers.get("cookie", "")).get("lawqa_admin")
    offered = [bearer] + ([unquote(cookie.value)] if cookie is not None else [])
    return any(hmac.compare_digest(value.encode(), token.encode()) for value in offered if value)


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size, more = 0, True
    while more:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _refusing_failures(send: Send) -> Send:
    """A send that turns Gradio's 500 for a failed direct call into the Chinese refusal (its body is dropped)."""
    failed = False

    async def guarded(message: Message) -> None:
        nonlocal failed
        if message["type"] == "http.response.start" and message["status"] >= 500:
            failed = True
        elif not failed:
            await send(message)
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            await send_json(send, 422, ui_texts.BAD_EVENT_DATA)

    return guarded


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def send_json(send: Send, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    """A refusal as the API words them: JSON with the Chinese message."""
    payload: dict[str, Any] = {"detail": message, "errors": [message]}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})
