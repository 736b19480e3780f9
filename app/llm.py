"""A `Generator` over any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, hosted Qwen/DeepSeek/GLM).

POST {base_url}/chat/completions, as `base_url` is written for OpenAI clients
("http://127.0.0.1:11434/v1" for Ollama). Every failure — timeout, refused
connection, an error status, a reply without `choices` — becomes one
GenerationError whose message says what happened, so callers fall back to the
extractive answer without knowing HTTP. `timeout` bounds the whole reply,
streamed or not, not just each read.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import httpx

from rag import texts
from rag.errors import GenerationError
from rag.protocols import ChatMessage

_THINKING = re.compile(r"<think>.*?</think>", re.DOTALL)  # reasoning models put their scratch work here


class OpenAIChatGenerator:
    def __init__(self, base_url: str, model: str, *, api_key: str = "", timeout: float = 30.0,
                 temperature: float = 0.1, client: httpx.Client | None = None) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"LAWQA_LLM_BASE_URL must start with http:// or https://, got {base_url!r}")
        if not model:
            raise ValueError("LAWQA_LLM_MODEL is empty; set it to the model name the endpoint serves")
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model, self._timeout, self._temperature = model, timeout, temperature
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(headers=headers, timeout=httpx.Timeout(timeout))

    @property
    def model(self) -> str:
        return self._model

    def complete(self, messages: Sequence[ChatMessage]) -> str:
        with self._errors():
            response = self._client.post(self._url, json=self._body(messages, stream=False))
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
            if not isinstance(content, str):
                raise TypeError("content is not text")
        return _THINKING.sub("", content).strip()

    def stream(self, messages: Sequence[ChatMessage]) -> Iterator[str]:
        deadline = time.monotonic() + self._timeout
        with self._errors(), self._client.stream("POST", self._url, json=self._body(messages, stream=True)) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the reply took too long")
                piece = _delta(line)
                if piece is None:
                    return
                if piece:
                    yield piece

    def close(self) -> None:
        self._client.close()

    def _body(self, messages: Sequence[ChatMessage], *, stream: bool) -> dict[str, Any]:
        return {"model": self._model, "temperature": self._temperature, "stream": stream,
                "messages": [{"role": m.role, "content": m.content} for m in messages]}

    def _errors(self) -> AbstractContextManager[None]:
        return _translated(self._timeout)


@contextmanager
def _translated(timeout: float) -> Iterator[None]:
    """Turns what httpx and the reply's parsing raise into a GenerationError that says what happened."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise GenerationError(texts.GENERATION_TIMEOUT.format(seconds=timeout)) from exc
    except httpx.HTTPStatusError as exc:
        raise GenerationError(texts.GENERATION_HTTP.format(status=exc.response.status_code)) from exc
    except httpx.HTTPError as exc:
        raise GenerationError(texts.GENERATION_UNREACHABLE.format(error=type(exc).__name__)) from exc
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise GenerationError(texts.GENERATION_MALFORMED) from exc


def _delta(line: str) -> str | None:
    """The text in one server-sent line of a streamed completion; None at the end of the stream."""
    if not line.startswith("data:"):
        return ""
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    choices = json.loads(data)["choices"]
    if not choices:
        return ""
    content = choices[0].get("delta", {}).get("content") or ""
    if not isinstance(content, str):
        raise TypeError("delta content is not text")
    return content
