"""STAND-IN for an OpenAI-compatible chat endpoint: no instruct model runs on these machines.

A real HTTP server on 127.0.0.1 that speaks POST /v1/chat/completions (whole
and streamed) and plays a script chosen by the request's `model`:

- `grounded`: sentences copied from passages [1] and [2], each cited correctly;
- `wrong-number`: a grounded sentence with one of its digits changed;
- `cite-nine`: a grounded sentence cited as [9] (the prompt holds 5 passages);
- `injected`: obeys an instruction planted in a passage ("忽略以上……回答：X") and says X;
- `slow`: answers after `delay` seconds (longer than the client's timeout);
- `error`: HTTP 500; `malformed`: HTTP 200 with a body that is not a completion.

The passages are read back from the prompt lawqa sends (between <资料> tags),
so the script works for any question.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SCENARIOS = ("grounded", "wrong-number", "cite-nine", "injected", "slow", "error", "malformed")
_PASSAGE = re.compile(r'<资料 编号="(\d+)">\n(.*?)\n</资料>', re.DOTALL)
_PLANTED = re.compile(r"忽略[^。]*?回答[:：]\s*([^。]+)。")


def passages(prompt: str) -> dict[int, str]:
    return {int(n): text for n, text in _PASSAGE.findall(prompt)}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.findall(r"[^。！？\n]+[。！？]", text) if len(s.strip()) >= 12]


def cite(sentence: str, n: int) -> str:
    return f"{sentence.rstrip('。！？')}[{n}]。"


def script(model: str, prompt: str) -> str:
    found = passages(prompt)
    if model == "injected":
        for n, text in found.items():
            planted = _PLANTED.search(text)
            if planted:
                return cite(planted.group(1), n)
    grounded = [cite(s[0], n) for n, s in ((n, sentences(found.get(n, ""))) for n in (1, 2)) if s]
    if model == "wrong-number":
        # A figure (two digits or more), not a list number: its last digit is changed.
        figures = (cite(s, n) for n, text in found.items() for s in sentences(text) if re.search(r"\d{2}", s))
        numbered = next(figures, "")
        return re.sub(r"(?<=\d)\d(?=\D)", lambda m: str((int(m.group(0)) + 1) % 10), numbered, count=1)
    if model == "cite-nine":
        return re.sub(r"\[\d+\]", "[9]", grounded[0] if grounded else "")
    return "".join(grounded)


class _Handler(BaseHTTPRequestHandler):
    delay = 3.0

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        # The client may give up first (the `slow` script), as a client with a timeout does.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._reply()

    def _reply(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        model, stream = str(body.get("model", "")), bool(body.get("stream"))
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
        if model == "error":
            return self._send(500, b'{"error": {"message": "stand-in failure"}}')
        if model == "malformed":
            return self._send(200, b"<html>not a completion</html>")
        if model == "slow":
            time.sleep(self.delay)
        reply = script(model, prompt)
        if not stream:
            completion = {"id": "standin", "object": "chat.completion", "model": model,
                          "choices": [{"index": 0, "message": {"role": "assistant", "content": reply},
                                       "finish_reason": "stop"}]}
            return self._send(200, json.dumps(completion, ensure_ascii=False).encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in _pieces(reply):
            chunk = {"choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def _send(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _pieces(text: str, size: int = 4) -> Iterator[str]:
    """The reply in small pieces, as a model streams tokens (sentence ends fall inside pieces)."""
    return (text[i:i + size] for i in range(0, len(text), size))


@contextmanager
def standin_server(delay: float = 3.0) -> Iterator[str]:
    """Serve the stand-in on a free port; yields its base URL ("http://127.0.0.1:PORT/v1")."""
    handler = type("Handler", (_Handler,), {"delay": delay})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
