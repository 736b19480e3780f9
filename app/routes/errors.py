"""The one place where lawqa's exceptions and request validation errors become HTTP responses.

InputError -> 422, IndexStateError -> 503, DocumentError and other LawqaErrors -> 400
(see rag.errors); a body that is not JSON or cannot be parsed -> 400; a body of the wrong
shape -> 422; a method a path does not take -> 405 (not the chat's 404).
Every error body is {"detail": "<message for people>", "errors": [...]}, in Chinese,
without server paths or library source locations.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import ui_texts
from app.schemas import ErrorBody
from rag.errors import DocumentError, IndexStateError, InputError, LawqaError

_STATUS: dict[type[LawqaError], int] = {InputError: 422, IndexStateError: 503, DocumentError: 400}
_FIELD_MESSAGES = {
    "missing": ui_texts.FIELD_MISSING, "extra_forbidden": ui_texts.FIELD_EXTRA,
    "int_type": ui_texts.FIELD_INT, "int_parsing": ui_texts.FIELD_INT, "int_from_float": ui_texts.FIELD_INT,
    "string_type": ui_texts.FIELD_STR, "list_type": ui_texts.FIELD_LIST, "literal_error": ui_texts.FIELD_MODE,
    "greater_than_equal": ui_texts.FIELD_MIN, "less_than_equal": ui_texts.FIELD_MAX,
}
_NOT_AN_OBJECT = {"model_attributes_type", "dict_type", "model_type"}
_PARSE_FAILED = "There was an error parsing the body"  # FastAPI's words for undecodable or too deeply nested bodies
_HTTP_WORDS = {404: ui_texts.NOT_FOUND, 405: ui_texts.METHOD_NOT_ALLOWED}
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
# "Error in faiss::read_index at /project/faiss/impl/io.cpp:68: ..." and absolute paths, kept off the wire.
_SOURCE_LOCATION = re.compile(r"\bat /\S+:\d+:?")
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[\w.+-]+/)+([\w.+-]+)")

# Shown in the OpenAPI page for every route that takes input.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "body is not JSON"},
    422: {"model": ErrorBody, "description": "invalid question, top_k, mode, doc_ids or span"},
    503: {"model": ErrorBody, "description": "index not loaded"},
}


def lawqa_status(exc: LawqaError) -> int:
    return next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)


def public_message(message: str) -> str:
    """The message without library source locations, and with each absolute path cut to its last part."""
    return _ABSOLUTE_PATH.sub(r"\1", _SOURCE_LOCATION.sub("", message))


def error_response(message: str, status: int, headers: Mapping[str, str] | None = None) -> JSONResponse:
    message = public_message(message)
    return JSONResponse({"detail": message, "errors": [message]}, status_code=status, headers=headers)


async def _lawqa_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LawqaError)
    return error_response(str(exc), lawqa_status(exc))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = str(exc.detail)
    if detail == _PARSE_FAILED:
        detail = ui_texts.BODY_UNPARSEABLE
    elif detail == HTTPStatus(exc.status_code).phrase:
        detail = _HTTP_WORDS.get(exc.status_code, ui_texts.HTTP_ERROR.format(status=exc.status_code))
    return error_response(detail, exc.status_code, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):  # Python's decoder message is English: not shown
        return error_response(ui_texts.BAD_JSON, 400)
    messages = list(dict.fromkeys(describe(e) for e in errors))
    detail = ui_texts.BAD_REQUEST.format(errors="；".join(messages))
    return JSONResponse({"detail": detail, "errors": messages}, status_code=422)


def describe(error: dict[str, Any]) -> str:
    """One pydantic error in words: which field, and what it must be."""
    field = _field(error.get("loc", ()))
    kind = str(error.get("type", ""))
    if kind in _NOT_AN_OBJECT or (kind == "missing" and field == "body"):
        return ui_texts.BODY_NOT_OBJECT
    context = error.get("ctx") or {}
    limit = context.get("ge", context.get("le", ""))
    template = _FIELD_MESSAGES.get(kind, ui_texts.FIELD_OTHER)
    return template.format(field=field, message=error.get("msg", ""), limit=limit)


def _field(loc: Sequence[object]) -> str:
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LawqaError, _lawqa_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


def install_method_guard(app: FastAPI) -> None:
    """405 with Allow for the other methods on every API path; call before the chat is mounted at /.

    Without it a method a route does not take falls through to the chat's mount and gets 404.
    """
    allowed: dict[str, set[str]] = {}
    for path, methods in _declared(app):
        allowed.setdefault(path, set()).update(methods)
    for path, methods in allowed.items():
        allow = ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
        app.add_api_route(path, _not_allowed(allow), methods=sorted(_METHODS - methods), include_in_schema=False)


def _declared(app: FastAPI) -> list[tuple[str, set[str]]]:
    """(path, methods) of every route, routers included (FastAPI >= 0.16x nests them, older ones flatten)."""
    try:
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        routes: list[Any] = list(app.routes)
    else:
        routes = list(iter_route_contexts(app.routes))
    return [(route.path, set(route.methods)) for route in routes if getattr(route, "methods", None) and route.path]


def _not_allowed(allow: str) -> Callable[[], Awaitable[JSONResponse]]:
    async def handler() -> JSONResponse:
        return error_response(ui_texts.METHOD_NOT_ALLOWED, 405, {"Allow": allow})

    return handler
