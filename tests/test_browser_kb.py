"""The management tab in headless chromium: upload a .docx, ask about it, open the cited place, rate it.

No restart between the upload and the question: the build runs in the
background and the running service swaps the new index in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.config import Settings
from app.engine import Engine, load_engine
from app.server import create_app, serve_in_thread
from rag.protocols import Encoder
from tests import formats_fixtures as fx
from tests.test_browser import browser, open_cited, open_page  # noqa: F401  (the chromium fixture)
from tests.test_kb import TOKEN, home_with_seeds

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow


@pytest.fixture
def served(seed_engine: Engine, encoder: Encoder, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    settings = home_with_seeds(seed_engine, tmp_path / "home")
    with serve_in_thread(create_app(engine=load_engine(settings, encoder=encoder))) as url:
        yield url, settings


def test_upload_a_docx_then_ask_about_it(browser: Browser, served: tuple[str, Settings],  # noqa: F811
                                        tmp_path: Path) -> None:
    from playwright.sync_api import expect

    url, settings = served
    upload = fx.write_folder(tmp_path / "upload")
    page = open_page(browser, url)
    reader = open_page(browser, url)  # another desk's page, chat only, open before the collection exists

    page.get_by_role("tab", name="资料库管理").click()
    page.locator("#lq-admin-token input").fill("wrong")
    page.locator("#lq-admin-new input, #lq-admin-new textarea").first.fill("通知")
    page.locator("#lq-admin-create").click()
    expect(page.locator("#lq-admin-message")).to_contain_text("管理口令不正确")
    page.locator("#lq-admin-token input").fill(TOKEN)
    page.locator("#lq-admin-create").click()
    expect(page.locator("#lq-admin-message")).to_contain_text("已新建资料库“通知”")

    page.locator("#lq-admin-files input[type=file]").set_input_files(
        [str(upload / "通报.docx"), str(upload / "扫描件.pdf"), str(upload / "数据.txt")])
    expect(page.locator("#lq-admin-files")).to_contain_text("通报")  # shown as "通报 .docx" once uploaded
    message = page.locator("#lq-admin-message")
    # On a busy machine the files may still be on their way to the server when the button is
    # pressed ("请先选择要上传的文件"): press again once they have arrived, as a person would.
    for _ in range(10):
        page.locator("#lq-admin-upload").click()
        expect(message).not_to_contain_text("已新建资料库")
        if "【已上传】" in message.inner_text():
            break
        page.wait_for_timeout(1000)
    expect(message).to_contain_text("【已上传】通报.docx")
    expect(message).to_contain_text("扫描件.pdf：PDF 没有文字层")
    expect(message).to_contain_text("数据.txt：这是二进制文件")
    expect(page.locator("#lq-admin-status")).to_contain_text("索引已就绪", timeout=240_000)
    expect(page.locator("#lq-admin-table")).to_contain_text("已索引")
    reader.locator("#lq-settings button").first.click()
    expect(reader.locator("#lq-collections")).to_contain_text("通知", timeout=20_000)  # within one idle tick
    reader.context.close()
    page.screenshot(path=str(tmp_path / "admin.png"), full_page=True)

    page.locator("#lq-question textarea").fill("青禾镇调处了多少件土地承包纠纷？")
    page.locator("#lq-ask").click()
    chat, sources = page.locator("#lq-chat"), page.locator("#lq-sources-panel")
    expect(chat).to_contain_text("四十七件")
    expect(sources.locator(".lq-card").first).to_contain_text("青禾镇人民调解工作通报")
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)
    document = open_cited(page)
    expect(document.locator("mark#cited")).to_contain_text("四十七件")
    expect(document.locator("h1")).to_contain_text("青禾镇人民调解工作通报")
    document.close()

    page.locator("#lq-feedback-comment textarea").fill("数字对，但希望注明年份")
    chat.get_by_role("button", name=re.compile(r"^(踩|Dislike)$")).last.click()  # the 👎 under the answer
    expect(page.locator("#lq-feedback-notice")).to_contain_text("已记录您的评价")

    page.get_by_role("tab", name="检索测试").click()
    page.locator("#lq-probe-query textarea").fill("青禾镇土地承包纠纷")
    page.locator("#lq-probe-run").click()
    first = page.locator("#lq-probe-results tr.lq-probe-row").first
    expect(first).to_contain_text("青禾镇人民调解工作通报")
    expect(first.locator(".lq-dense")).to_have_text(re.compile(r"\d\.\d{3}"))
    expect(first.locator(".lq-lexical")).to_have_text(re.compile(r"\d\.\d{3}"))
    page.screenshot(path=str(tmp_path / "probe.png"), full_page=True)

    rows = [json.loads(line) for line in settings.feedback_path.read_text(encoding="utf-8").splitlines()]
    assert rows[-1]["rating"] == "down" and rows[-1]["comment"] == "数字对，但希望注明年份"
    assert "青禾镇" in rows[-1]["question"] and "四十七件" in rows[-1]["answer"]
    assert rows[-1]["citations"][0]["title"] == "青禾镇人民调解工作通报"
