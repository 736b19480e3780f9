"""The chat page in Debian's headless chromium: ask, see citations and highlights, stay on the intranet.

Never downloads a browser: it drives /usr/bin/chromium (apt package `chromium`)
through the python `playwright` package, and skips when either is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest

from app import ui_texts
from app.engine import Engine
from app.server import create_app, serve_in_thread
from rag import texts

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
WAIT_MS = 30_000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(seed_engine: Engine) -> Iterator[str]:
    with serve_in_thread(create_app(engine=seed_engine)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing; install Debian's chromium (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the python playwright package is missing")
    # An answer on two busy cores can take longer than playwright's 5 s default for assertions; a person
    # waits for it, so the assertions do too.
    sync_api.expect.set_options(timeout=WAIT_MS)
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def open_page(browser: Browser, url: str, **options: Any) -> Page:
    """A fresh context (options: viewport, color_scheme, locale...) with the page at url."""
    settings: dict[str, Any] = {"viewport": {"width": 1360, "height": 1000}, "locale": "zh-CN", **options}
    page = browser.new_context(**settings).new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    return page


@pytest.fixture
def page_and_requests(browser: Browser, base_url: str) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="zh-CN")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(base_url)
    yield page, requests
    context.close()


def open_cited(page: Page) -> Page:
    """Click 查看全文 on the first quoted source; the document page it opens."""
    with page.expect_popup() as popup_info:
        page.locator("#lq-sources-panel .lq-quoted a.lq-open").first.click()
    return popup_info.value


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

    document = open_cited(page)
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



WAGES = "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"


def test_a_question_asked_as_the_page_opens_is_answered(browser: Browser, base_url: str) -> None:
    """The page's own updates (the collection list, a build's progress, on a timer) never swallow a
    question, whether it is sent the moment the page opens or a little later."""
    from playwright.sync_api import expect

    for wait_ms in (0, 250, 500, 750, 1000, 0, 250, 500):
        page = open_page(browser, base_url)
        page.wait_for_timeout(wait_ms)
        ask(page, WAGES)
        expect(page.locator("#lq-chat")).to_contain_text("466万元", timeout=15_000)
        page.context.close()


def test_the_api_page_renders_its_operations(browser: Browser, base_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, f"{base_url}/docs")
    operation = page.locator("#operations-questions-answer_api_answer_post")
    expect(operation).to_be_visible()
    expect(operation.locator(".opblock-summary-method")).to_have_text("POST")
    expect(page.locator(".opblock-get", has_text="/healthz")).to_be_visible()
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "docs.png"), full_page=True)


def test_copy_gives_the_plain_reply_and_labels_are_chinese(browser: Browser, base_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url, permissions=["clipboard-read", "clipboard-write"])
    ask(page, WAGES)
    chat = page.locator("#lq-chat")
    expect(chat).to_contain_text("466万元")
    bubble = chat.locator("[aria-label^='回答：']").last
    expect(bubble).to_be_attached()
    label = bubble.get_attribute("aria-label") or ""
    copy = chat.locator("button[title='复制回答']").last
    expect(copy).to_be_visible()
    copy.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    page.screenshot(path=str(tmp_path / "copy.png"), full_page=True)
    assert "466万元。[1]" in copied and "\\" not in copied and "<strong>" not in copied
    assert label == f"回答：{copied}"
    visible = page.locator("body").inner_text()
    assert "Copy" not in visible and "message" not in label


def test_dark_mode_browsers_get_the_readable_light_page(browser: Browser, base_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url, color_scheme="dark")
    ask(page, WAGES)
    expect(page.locator("#lq-sources-panel .lq-card").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "dark.png"), full_page=True)
    assert "dark" not in (page.locator("body").get_attribute("class") or "")
    for selector in ("#lq-settings button", ".lq-sources-head", ".lq-card .lq-title", ".lq-passage",
                     "#lq-chat [aria-label^='回答：']", ".lq-examples-label"):
        ratio = page.locator(selector).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, f"{selector}: contrast {ratio:.2f}"


# The contrast ratio (WCAG) of an element's text colour against the first opaque background behind it.
CONTRAST_JS = """(element) => {
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
    const [R, G, B] = [r, g, b].map(linear);
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let node = element, background = null;
  while (node && !background) {
    const colour = rgb(getComputedStyle(node).backgroundColor);
    if (colour.length === 3 || colour[3] > 0.9) background = colour.slice(0, 3);
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const [a, b] = [luminance(rgb(getComputedStyle(element).color).slice(0, 3)), luminance(background)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_on_a_phone_the_sources_follow_the_answer(browser: Browser, base_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    box = page.locator("#lq-question textarea")
    fits = box.evaluate("(e) => { e.value = e.placeholder; const ok = e.scrollHeight <= e.clientHeight + 1"
                        " && e.scrollWidth <= e.clientWidth + 1; e.value = ''; return ok; }")
    assert fits, "the placeholder is clipped"
    ask(page, WAGES)
    expect(page.locator("#lq-sources-panel .lq-card").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    ask_row, sources = page.locator("#lq-ask-row").bounding_box(), page.locator("#lq-side").bounding_box()
    examples = page.locator("#lq-examples").bounding_box()
    assert ask_row and sources and examples
    assert 0 <= sources["y"] - (ask_row["y"] + ask_row["height"]) < 60 and sources["y"] < examples["y"]
    reply = page.locator("#lq-chat").inner_text()
    assert "右侧" not in reply and ui_texts.SEE_SOURCES in reply


def test_a_follow_up_about_a_town_whose_report_lacks_the_fact_is_not_answered(browser: Browser, base_url: str,
                                                                              tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url)
    chat = page.locator("#lq-chat")
    ask(page, WAGES)
    expect(chat).to_contain_text("466万元")
    expect(page.locator("#lq-sources-panel strong.lq-answer").first).to_have_text("466万元")
    ask(page, "那坦洲呢？")
    # 坦洲's report says nothing about wage arrears: the reply says so and names where the figure is.
    expect(chat).to_contain_text("所问地区或年份的资料中没有找到答案")
    reply = chat.inner_text().split("那坦洲呢")[-1]
    assert "坦洲通过欠薪案件执行联动机制" in reply and "网格" not in reply
    page.screenshot(path=str(tmp_path / "follow-up.png"), full_page=True)


def test_a_rejected_question_clears_the_sources(browser: Browser, base_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url)
    sources = page.locator("#lq-sources-panel")
    ask(page, WAGES)
    expect(sources.locator(".lq-card").first).to_be_visible()
    # Half an emoji, as a broken paste leaves it: typed into the box by script (keyboards cannot).
    page.locator("#lq-question textarea").evaluate(
        "(e) => { e.value = '鹤山\\ud83d'; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.locator("#lq-ask").click()
    expect(page.locator("#lq-chat")).to_contain_text(texts.BROKEN_CHARACTERS)
    expect(sources.locator(".lq-card")).to_have_count(0)
    expect(sources).to_contain_text(ui_texts.SOURCES_EMPTY)
    ask(page, "问" * 2001)
    expect(page.locator("#lq-chat")).to_contain_text("问题过长")
    page.screenshot(path=str(tmp_path / "rejected.png"), full_page=True)


def test_collections_have_chinese_names_in_the_settings(seed_engine: Engine) -> None:
    import gradio as gr

    from app.deps import Runtime
    from app.ui import build_ui

    settings = seed_engine.settings.model_copy(update={"collections": ["seeds", "laws", "本县文件"]})
    demo = build_ui(Runtime(), settings)
    group = next(block for block in demo.blocks.values() if isinstance(block, gr.CheckboxGroup))
    assert [label for label, _ in group.choices] == ["工作报告", "国家法律", "本县文件"]
    assert [value for _, value in group.choices] == ["seeds", "laws", "本县文件"]


def test_after_a_restart_the_api_answers_while_the_chat_starts(browser: Browser, seed_engine: Engine,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The chat is built after the index; until it is up, / says so and reloads itself into the chat."""
    import httpx
    from playwright.sync_api import expect

    import app.server

    gate, build = threading.Event(), app.server._chat_app
    monkeypatch.setattr(app.server, "_chat_app", lambda *parts: gate.wait(60) and build(*parts))  # holds the real build
    with serve_in_thread(create_app(engine=seed_engine), wait_for_chat=False) as url:
        health = httpx.get(f"{url}/healthz", timeout=30).json()
        assert (health["status"], health["chat"]) == ("ready", "starting")
        question = {"question": "鹤山通过欠薪案件执行联动机制，帮农民工讨回了多少工钱？"}
        answer = httpx.post(f"{url}/api/answer", json=question, timeout=60).json()
        assert "466万元" in answer["answer"]
        join = httpx.post(f"{url}/gradio_api/queue/join", json={"fn_index": 0}, timeout=30)
        assert join.status_code == 503 and join.json()["detail"] == ui_texts.CHAT_STARTING
        page = open_page(browser, url)
        expect(page.get_by_role("status")).to_have_text(ui_texts.CHAT_STARTING)
        gate.set()
        expect(page.locator("#lq-question textarea")).to_be_visible()  # the page reloaded itself into the chat
        assert httpx.get(f"{url}/healthz", timeout=30).json()["chat"] == "ready"


def test_a_chat_that_fails_to_start_leaves_the_api_serving(browser: Browser, seed_engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx
    from playwright.sync_api import expect

    import app.server

    def broken(*parts: object) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(app.server, "_chat_app", broken)
    with serve_in_thread(create_app(engine=seed_engine)) as url:
        assert httpx.get(f"{url}/healthz", timeout=30).json()["chat"] == "failed"
        assert httpx.post(f"{url}/api/search", json={"query": "法律援助"}, timeout=60).status_code == 200
        page = open_page(browser, url)
        expect(page.get_by_role("status")).to_have_text(ui_texts.CHAT_FAILED)


def test_an_idle_page_asks_the_server_every_ten_seconds_not_every_second(
        page_and_requests: tuple[Page, list[str]]) -> None:
    """Each open page polls for build progress and new collections, the management tab open or not; once a
    second only while a build runs, so a desk's idle tabs cost the server little."""
    from playwright.sync_api import expect

    page, requests = page_and_requests
    expect(page.locator("#lq-chat")).to_be_visible()
    page.wait_for_timeout(2_000)  # the page's own start-up requests
    for tab in (None, "资料库管理"):
        if tab:
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1_000)
        before = len(requests)
        page.wait_for_timeout(6_000)
        asked = [url for url in requests[before:] if "/gradio_api/" in url]
        assert len(asked) <= 1, (tab, asked)
