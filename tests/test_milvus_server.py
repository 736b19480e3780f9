"""lawqa serving from a Milvus server by URI and token (Milvus Lite's own gRPC server on loopback), and outages."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.engine import Engine
from app.indexer import build
from app.milvus_backend import milvus_client
from app.server import create_app, serve_in_thread
from embeddings.milvus_store import MilvusRecord
from rag import texts
from rag.protocols import Encoder
from tests import formats_fixtures as fx
from tests.conftest import SEEDS
from tests.test_kb import TOKEN, wait_done
from tests.test_milvus_backend import cached_home

QUESTION = "2022年鹤山行政复议案件的纠错率是多少？"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def milvus_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`milvus-lite server` on a free loopback port; yields its URI and process."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir",
                                str(tmp_path / "server.db"), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
        assert process.poll() is None and time.monotonic() < deadline, "milvus-lite server did not start"
        time.sleep(0.2)
    yield f"http://127.0.0.1:{port}", process
    process.terminate()
    process.wait(timeout=30)


def test_serves_from_a_server_then_says_so_when_it_goes_away(
        milvus_server: tuple[str, subprocess.Popen[bytes]], encoder: Encoder, seed_engine: Engine,
        tmp_path: Path) -> None:
    uri, process = milvus_server
    settings = Settings(home=cached_home(seed_engine, tmp_path / "home"), seeds=SEEDS, backend="milvus", milvus_uri=uri,
                        milvus_token="root:Milvus", milvus_timeout=5)
    build(settings, [SEEDS], encoder=encoder)
    with serve_in_thread(create_app(settings, ui=False)) as url, httpx.Client(base_url=url, timeout=60) as http:
        answered = http.post("/api/answer", json={"question": QUESTION})
        assert answered.status_code == 200 and "2.12%" in answered.json()["answer"]
        process.terminate()
        process.wait(timeout=30)
        for path, body in (("/api/answer", {"question": QUESTION}), ("/api/search", {"query": QUESTION})):
            failed = http.post(path, json=body)
            assert failed.status_code == 503 and failed.json()["detail"] == texts.MILVUS_UNREACHABLE


def test_an_unreachable_milvus_at_start_is_a_503_that_says_why(tmp_path: Path, encoder: Encoder,
                                                               seed_engine: Engine) -> None:
    settings = Settings(home=cached_home(seed_engine, tmp_path), seeds=SEEDS, backend="milvus")
    build(settings, [SEEDS], encoder=encoder)  # into Milvus Lite, then point the service elsewhere
    away = settings.model_copy(update={"milvus_uri": f"http://127.0.0.1:{free_port()}"})
    with serve_in_thread(create_app(away, ui=False)) as url:
        health = httpx.get(f"{url}/healthz", timeout=30)
        answer = httpx.post(f"{url}/api/answer", json={"question": QUESTION}, timeout=30)
    assert health.status_code == 503 and answer.status_code == 503
    assert answer.json()["detail"] == texts.MILVUS_UNREACHABLE


def test_managed_collections_are_built_into_milvus_and_dropped_with_them(
        milvus_server: tuple[str, subprocess.Popen[bytes]], encoder: Encoder, seed_engine: Engine,
        tmp_path: Path) -> None:
    settings = Settings(home=cached_home(seed_engine, tmp_path / "home"), seeds=SEEDS, backend="milvus",
                        milvus_uri=milvus_server[0],
                        admin_token=TOKEN, reload_seconds=0.2)
    build(settings, [SEEDS], encoder=encoder)
    admin = {"Authorization": f"Bearer {TOKEN}"}
    folder = fx.write_folder(tmp_path / "upload")
    with serve_in_thread(create_app(settings, ui=False)) as url, httpx.Client(base_url=url, timeout=120) as http:
        assert http.post("/api/collections", json={"name": "通知"}, headers=admin).status_code == 201
        docx = folder / "通报.docx"
        http.post("/api/collections/通知/documents", files=[("files", (docx.name, docx.read_bytes()))], headers=admin)
        assert wait_done(http, "通知")["state"] == "done"
        answer = http.post("/api/answer", json={"question": "青禾镇调处了多少件土地承包纠纷？"}).json()
        assert "四十七件" in answer["answer"]
        collection = MilvusRecord.load(settings.index_dir("通知")).collection
        assert milvus_client(settings).has_collection(collection)
        assert http.delete("/api/collections/通知", headers=admin).status_code == 200
    assert not milvus_client(settings).has_collection(collection)
