"""The chat page in Debian's headless chromium: ask, see citations and highlights, stay on the intranet.

Never downloads a browser: it drives /usr/bin/chromium (apt package `chromium`)
through the python `playwright` package, and skips when either is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from app import ui_texts
from app.engine import Engine
from app.server import create_app, serve_in_thread
from rag import texts

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
WAIT_MS = 30_000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(seed_engine: Engine) -> Iterator[str]:
    with serve_in_thread(create_app(engine=seed_engine)) as url:
        yield url


@pytest.fixture
def page_and_requests(base_url: str) -> Iterator[tuple[Page, list[str]]]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the python playwright package is missing")
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="zh-CN")
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(base_url)
        yield page, requests
        browser.close()


def ask(page: Page, question: str) -> None:
    page.locator("#lq-question textarea").fill(question)
    page.locator("#lq-ask").click()


def test_chat_answers_with_citations_and_stays_on_the_server(page_and_requests: tuple[Page, list[str]],
                                                              tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page, requests = page_and_requests
    chat, sources = page.locator("#lq-chat"), page.locator("#lq-sources-panel")

    ask(page, "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？")
    expect(chat).to_contain_text("466万元")
    expect(chat).to_contain_text("[1]")
    expect(sources.locator(".lq-card").first).to_contain_text("鹤山")
    expect(sources.locator("mark.lq-quote").first).to_contain_text("466万元")
    page.screenshot(path=str(tmp_path / "answer.png"), full_page=True)

    with page.expect_popup() as popup_info:
        sources.locator(".lq-quoted a.lq-open").first.click()
    document = popup_info.value
    expect(document.locator("mark#cited")).to_contain_text("466万元")
    document.close()

    page.locator("button.lq-example", has_text="坦洲镇在全市镇街中排第几名").click()
    expect(chat).to_contain_text("第三")

    ask(page, "坦洲镇的合法性审查覆盖了哪几类涉法事项？")
    expect(chat).to_contain_text("机关合同")
    ask(page, "那鹤山呢？")
    expect(chat).to_contain_text("按“鹤山的合法性审查覆盖了哪几类涉法事项？”检索")

    ask(page, "劳动合同的试用期最长可以约定多久？")
    expect(chat).to_contain_text(texts.NOT_FOUND)
    expect(sources).to_contain_text(ui_texts.SOURCES_NEAREST)
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)

    network = [url for url in requests if urlparse(url).scheme in {"http", "https", "ws", "wss"}]
    assert network, "no requests were recorded"
    outside = sorted({url for url in network if urlparse(url).hostname != "127.0.0.1"})
    assert not outside, f"the page requested something outside the server: {outside}"

