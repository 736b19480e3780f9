"""The chat's law-version date (检索设置) and "2019年的时候怎么规定？" in Debian's headless chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.config import Settings
from app.engine import Engine, load_engine
from app.server import create_app, serve_in_thread
from rag.protocols import Encoder
from tests.test_asof_service import DEADLINE, home  # noqa: F401  (the module's real seeds + laws index)
from tests.test_browser import ask, browser, open_page  # noqa: F401  (the chromium fixture)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(home: Path, encoder: Encoder) -> Iterator[str]:  # noqa: F811
    engine: Engine = load_engine(Settings(home=home), encoder=encoder)
    with serve_in_thread(create_app(engine=engine)) as url:
        yield url


def test_a_date_under_the_settings_and_a_follow_up_for_a_year(browser: Browser, base_url: str,  # noqa: F811
                                                              tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = open_page(browser, base_url)
    chat = page.locator("#lq-chat")
    ask(page, DEADLINE)
    expect(chat).to_contain_text("（现行有效，2024年1月1日起施行）")
    ask(page, "2019年的时候怎么规定？")
    expect(chat).to_contain_text(f"按“按2019年时的规定，{DEADLINE}”检索")
    expect(chat).to_contain_text("（2019年底时有效的版本，2018年1月1日起施行，现已修改）")

    page.locator("#lq-settings button").first.click()
    date = page.locator("#lq-as-of input, #lq-as-of textarea").first
    date.fill("2019-06-01")
    ask(page, "公民可以自知道行政行为之日起多少日内提出行政复议申请？")
    expect(chat).to_contain_text("（2019年6月1日时有效的版本，2018年1月1日起施行，现已修改）")
    expect(page.locator("#lq-sources-panel .lq-card").first).to_contain_text("已修改")
    date.fill("2019-02-30")
    ask(page, DEADLINE)
    expect(chat).to_contain_text("日期“2019-02-30”无效")
    page.screenshot(path=str(tmp_path / "as-of.png"), full_page=True)
