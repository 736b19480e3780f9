"""Knowledge bases managed over HTTP (real uvicorn, real model), and indexes swapped in while serving."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.engine import Engine, load_engine
from app.indexer import build
from app.server import create_app, serve_in_thread
from rag.protocols import Encoder
from tests import formats_fixtures as fx
from tests.conftest import SEEDS

TOKEN = "desk-secret"
pytestmark = pytest.mark.slow


def home_with_seeds(seed_engine: Engine, home: Path) -> Settings:
    """A fresh home holding a copy of the session's seed index (other tests' servers never see it)."""
    shutil.copytree(seed_engine.settings.index_dir("seeds"), home / "index" / "seeds")
    return Settings(home=home, seeds=SEEDS, admin_token=TOKEN, reload_seconds=0.2)


@pytest.fixture
def served(seed_engine: Engine, encoder: Encoder, tmp_path: Path) -> Iterator[tuple[httpx.Client, Settings]]:
    settings = home_with_seeds(seed_engine, tmp_path / "home")
    app = create_app(engine=load_engine(settings, encoder=encoder), ui=False)
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client, settings


def wait_done(client: httpx.Client, name: str) -> dict[str, object]:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/api/collections/{name}/job").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("the build did not finish")


def test_management_is_off_without_a_token(seed_engine: Engine, tmp_path: Path) -> None:
    settings = home_with_seeds(seed_engine, tmp_path).model_copy(update={"admin_token": ""})
    with serve_in_thread(create_app(engine=load_engine(settings, encoder=seed_engine.encoder), ui=False)) as url:
        response = httpx.post(f"{url}/api/collections", json={"name": "通知"}, headers={"X-Admin-Token": "x"})
    assert response.status_code == 403 and "LAWQA_ADMIN_TOKEN" in response.json()["detail"]


def test_upload_ask_replace_and_delete_without_a_restart(served: tuple[httpx.Client, Settings],
                                                          tmp_path: Path) -> None:
    client, settings = served
    admin = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/collections", json={"name": "通知"}).status_code == 401
    assert client.post("/api/collections", json={"name": "../etc"}, headers=admin).status_code == 422
    assert client.post("/api/collections", json={"name": "通知"}, headers=admin).status_code == 201

    folder = fx.write_folder(tmp_path / "upload")
    files = [("files", (p.name, p.read_bytes())) for p in sorted(folder.iterdir())]
    files.append(("files", ("../../逃逸.txt", "一、情况\n\n石门镇调解员共十名。".encode())))
    result = client.post("/api/collections/通知/documents", files=files, headers=admin).json()
    by_file = {r["file"]: r for r in result["files"]}
    assert by_file["通报.docx"]["ok"] and by_file["逃逸.txt"]["ok"]
    assert "没有文字层" in by_file["扫描件.pdf"]["message"] and "二进制" in by_file["数据.txt"]["message"]
    assert "文件是空的" in by_file["空白.txt"]["message"] and "不支持" in by_file["表格.xlsx"]["message"]
    assert not (settings.home / "逃逸.txt").exists() and (settings.sources_root / "通知" / "逃逸.txt").exists()

    assert wait_done(client, "通知")["state"] == "done"
    answer = client.post("/api/answer", json={"question": "青禾镇调处了多少件土地承包纠纷？"}).json()
    assert "四十七件" in answer["answer"] and answer["citations"][0]["title"] == "青禾镇人民调解工作通报"
    listing = client.get("/api/collections/通知").json()
    rows = {row["file"]: row for row in listing["documents"]}
    assert rows["通报.docx"]["status"] == "已索引" and rows["通报.docx"]["chunks"] >= 2
    health = client.get("/healthz").json()["collections"]["通知"]
    assert health["loaded_hash"] == health["disk_hash"] is not None
    assert client.get("/api/collections/通知/documents/通报.docx").content == (folder / "通报.docx").read_bytes()

    replacement = fx.write_docx(tmp_path / "通报.docx", fact="青禾镇调解委员会今年共调处土地承包纠纷五十三件。")
    client.post("/api/collections/通知/documents", files=[("files", ("通报.docx", replacement.read_bytes()))],
                headers=admin)
    wait_done(client, "通知")
    answer = client.post("/api/answer", json={"question": "青禾镇调处了多少件土地承包纠纷？"}).json()
    assert "五十三件" in answer["answer"] and "四十七件" not in answer["answer"]

    assert client.delete("/api/collections/通知", headers=admin).status_code == 200
    assert "通知" not in client.get("/api/collections").json()["loaded"]
    assert not (settings.index_dir("通知")).exists()


def test_requests_during_swaps_all_succeed(served: tuple[httpx.Client, Settings], encoder: Encoder,
                                           tmp_path: Path) -> None:
    """`lawqa index` run elsewhere: the service picks the new index up and never fails a request."""
    client, settings = served
    statuses: list[int] = []
    stop = threading.Event()

    def ask_in_a_loop() -> None:
        while not stop.is_set():
            statuses.append(client.post("/api/search", json={"query": "青禾镇土地承包纠纷", "top_k": 3}).status_code)

    before = client.get("/healthz").json()["collections"]["seeds"]["loaded_hash"]
    worker = threading.Thread(target=ask_in_a_loop)
    worker.start()
    try:
        extra = fx.write_folder(tmp_path / "extra")
        for round_ in range(2):  # two rebuilds of seeds from different files, each swapped in
            sources = [SEEDS, extra] if round_ == 0 else [SEEDS]
            build(settings, sources, encoder=encoder)
            deadline = time.monotonic() + 60
            while client.get("/healthz").json()["collections"]["seeds"]["loaded_hash"] == before:
                assert time.monotonic() < deadline, "the rebuilt index was not picked up"
                time.sleep(0.1)
            before = client.get("/healthz").json()["collections"]["seeds"]["loaded_hash"]
            if round_ == 0:
                hits = client.post("/api/search", json={"query": "青禾镇土地承包纠纷", "top_k": 1}).json()["hits"]
                assert hits[0]["title"] == "青禾镇人民调解工作通报"
    finally:
        stop.set()
        worker.join()
    assert len(statuses) > 10 and set(statuses) == {200}
