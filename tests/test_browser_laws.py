"""The shipped service (seeds + national laws, as `make run` serves them) in Debian's headless chromium: the
example questions under the chat include lay questions the laws answer, and a click shows the article with
its validity and the asked item marked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app import ui_texts
from app.engine import Engine
from app.server import create_app, serve_in_thread
from tests.test_browser import browser, open_page  # noqa: F401  (the chromium fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow
PROBATION = "劳动合同的试用期最长可以约定多久？"
RETURN_POSTAGE = "网购七天无理由退货，寄回去的运费谁出？"


@pytest.fixture(scope="module")
def base_url(shipped_engine: Engine) -> Iterator[str]:
    with serve_in_thread(create_app(engine=shipped_engine)) as url:
        yield url


def test_law_examples_answer_from_the_article(browser: Browser, base_url: str, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    assert {PROBATION, RETURN_POSTAGE} <= set(ui_texts.EXAMPLES)
    page = open_page(browser, base_url)
    chat, sources = page.locator("#lq-chat"), page.locator("#lq-sources-panel")

    page.locator("button.lq-example", has_text=PROBATION).click()
    expect(chat).to_contain_text("《劳动法》第二十一条（现行有效")
    expect(sources.locator("strong.lq-answer").first).to_have_text("六个月")

    page.locator("button.lq-example", has_text=RETURN_POSTAGE).click()
    expect(chat).to_contain_text("《消费者权益保护法》第二十五条")
    expect(sources.locator("mark.lq-quote").first).to_contain_text("退回商品的运费由消费者承担")
    page.screenshot(path=str(tmp_path / "law-examples.png"), full_page=True)
