"""Browser fixtures: a live app on a free port, Debian chromium driven by Playwright, a page per test.

The live server holds two real datasets (a traffic one, a hotline one) imported through the
product's importer. Every page records console errors, page errors and dialogs; a test that
leaves one behind fails, which covers Content-Security-Policy violations and stored XSS.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import tempfile
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Playwright, expect, sync_playwright

from tests.conftest import PASSWORD, ROOT, make_settings, need, real_file, seed_directory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 10_000

expect.set_options(timeout=TIMEOUT_MS)


@dataclass
class Live:
    """The running app: its base URL, runtime, and the ids of the seeded datasets."""

    url: str
    app: Any
    rt: Any
    happiness: str  # traffic: somerville_happiness_survey_2015.csv, 143 rows
    hotline: str  # hotline: la_myla311_service_requests_2017_subset.csv, 9,999 rows


@dataclass
class Watch:
    """What a page reported: console errors, uncaught exceptions, dialogs (alert/confirm/prompt)."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow_console(self, pattern: str) -> None:
        """Accept console errors matching `pattern` (e.g. chromium's line for an expected 4xx response)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        console = [m for m in self.console if not any(p.search(m) for p in self.allowed)]
        return [f"console: {m}" for m in console] + [f"pageerror: {m}" for m in self.page_errors] + [f"dialog: {m}" for m in self.dialogs]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live() -> Iterator[Live]:
    """The app with the test actors and two real datasets, served by werkzeug in a daemon thread."""
    from werkzeug.serving import make_server

    from access.actor import SYSTEM
    from app import create_app
    from datasets.importer import ImportRequest

    happiness_file = real_file("somerville_happiness_survey_2015.csv")
    hotline_file = real_file("la_myla311_service_requests_2017_subset.csv")
    with tempfile.TemporaryDirectory(prefix="city-browser-") as tmp:
        app = create_app(make_settings(Path(tmp) / "instance"))
        rt = app.server.extensions["city"]
        seed_directory(rt)
        happiness = rt.importer.import_file(
            SYSTEM, happiness_file, happiness_file.name, ImportRequest(name="幸福感调查", name_en="Happiness survey", department="traffic")
        )
        hotline = rt.importer.import_file(
            SYSTEM,
            hotline_file,
            hotline_file.name,
            ImportRequest(name="12345热线工单", name_en="LA 311 service requests", department="hotline"),
        )
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns failure reports
        server = make_server("127.0.0.1", _free_port(), app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield Live(f"http://127.0.0.1:{server.server_port}", app, rt, happiness.dataset_id, hotline.dataset_id)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            rt.close()


@pytest.fixture(scope="session")
def playwright_() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_: Playwright) -> Iterator[Browser]:
    need(CHROMIUM.exists(), f"{CHROMIUM} is missing (apt-get install -y chromium fonts-noto-cjk)")
    browser = playwright_.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, live: Live, watch: Watch, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context (no cookies) and page; fails the test on any console error, page error or dialog."""
    context = browser.new_context(base_url=live.url, locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watch.console.append(f"{message.text} @ {message.location.get('url', '')}")

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        with contextlib.suppress(Exception):  # a screenshot is a courtesy: the test has already failed
            page.screenshot(path=str(ARTIFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.nodeid)}.png"), full_page=True)
    context.close()
    problems = watch.unexpected()
    assert not problems, "the page reported errors:\n" + "\n".join(problems)


def sign_in(page: Page, base_url: str, username: str, next_path: str = "/") -> None:
    """Sign in through the login form and wait until the app has left the login page."""
    page.goto(f"{base_url}/login?next={quote(next_path, safe='/')}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)
