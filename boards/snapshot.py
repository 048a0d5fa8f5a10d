"""A whole board as PDF or PNG: the board page rendered by the system chromium, as the requesting user.

The caller passes a cookie that signs the browser in as that user (a short-lived login session), so
the snapshot shows exactly what the user sees. Chinese text needs fonts-noto-cjk on the machine.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from errors import Unavailable

if TYPE_CHECKING:
    from playwright.sync_api import PdfMargins, ViewportSize

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Tiles at a readable size: a PDF is A4 landscape at 0.8, so its printable 281 × 194 mm hold 1327 × 916 CSS
# pixels; the page is laid out exactly that wide (no re-layout when chromium prints it), and `PAGE_PX` of it go on
# each page. A PNG is laid out 1280 px wide and drawn at 1.5 device pixels per CSS pixel (1920 px), so its text stays
# sharp.
PDF_SCALE = 0.8
PDF_MARGIN: PdfMargins = {"top": "8mm", "bottom": "8mm", "left": "8mm", "right": "8mm"}
PAGE_PX = int((210 - 16) / 25.4 * 96 / PDF_SCALE)
PDF_VIEWPORT: ViewportSize = {"width": int((297 - 16) / 25.4 * 96 / PDF_SCALE), "height": PAGE_PX}
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
PNG_SCALE = 1.5
# No tile is cut by a page break: a tile that would cross one moves (with everything below it) to the next page.
# The grid places tiles with transform: translate(x, y); shifting in top-to-bottom order, by an amount that never
# decreases, keeps every tile below the ones it was below. Returns how many tiles moved.
KEEP_TILES_WHOLE = """(pagePx) => {
  const gap = 16;  // kept free at a page's foot and head: chromium's page edge is a few pixels off our arithmetic
  const grid = document.querySelector('#board-grid-wrap .react-grid-layout');
  if (!grid) { return 0; }
  const top = grid.getBoundingClientRect().top + window.scrollY;
  const items = [...grid.querySelectorAll(':scope > .react-grid-item')].map((el) => {
    const m = /translate\\(([-\\d.]+)px,\\s*([-\\d.]+)px\\)/.exec(el.style.transform || '');
    return { el: el, x: m ? +m[1] : 0, y: m ? +m[2] : el.offsetTop, h: el.offsetHeight };
  }).sort((a, b) => a.y - b.y);
  let shift = 0, moved = 0;
  for (const it of items) {
    const start = top + it.y + shift;
    const pageEnd = (Math.floor(start / pagePx) + 1) * pagePx;
    if (start + it.h > pageEnd - gap && it.h <= pagePx - 2 * gap) { shift += pageEnd + gap - start; moved += 1; }
    it.el.style.transition = 'none';  // the grid animates moves: the page is printed at once
    it.el.style.transform = 'translate(' + it.x + 'px, ' + (it.y + shift) + 'px)';
  }
  grid.style.height = (grid.offsetHeight + shift) + 'px';
  return moved;
}"""
TIMEOUT_MS = 45_000
SETTLE_MS = 500
# The board page is ready when its grid is there and no tile is loading (layouts/board.py, layouts/tiles.py);
# a page without a grid (the board is gone) is taken as it is.
READY = (
    "() => !document.querySelector('#board-grid-wrap') || (!document.querySelector('.tile-state-loading')"
    " && !document.querySelector('.board-grid-wrap.is-loading'))"
)


MISSING = (
    "PDF/PNG 导出需要 Chromium 浏览器，但服务器上没有安装（{path}）。请管理员运行 scripts/system-deps.sh"
    "（或 apt-get install -y chromium fonts-noto-cjk）后重试；CSV 和 Excel 导出不受影响。",
    "PDF/PNG exports need the Chromium browser, which is not installed on the server ({path}). An administrator "
    "runs scripts/system-deps.sh (or apt-get install -y chromium fonts-noto-cjk), then try again; CSV and Excel "
    "exports still work.",
)


def available(chromium: str = CHROMIUM) -> bool:
    """Whether the browser that draws board PDF/PNG exports (the setting CITY_CHROMIUM) is on this machine."""
    return Path(chromium).is_file() and find_spec("playwright") is not None


def missing(chromium: str = CHROMIUM) -> Unavailable:
    """What a user reads when it is not: the browser is missing, what to run, what still works."""
    return Unavailable(MISSING[0].format(path=chromium), MISSING[1].format(path=chromium))


def snapshot(
    base_url: str,
    board_id: str,
    filters: dict[str, str],
    cookie: tuple[str, str],
    kind: str,
    lang: str = "zh",
    chromium: str = CHROMIUM,
) -> bytes:
    """PDF (A4 landscape, backgrounds) or full-page PNG of /boards/<id>?<filters>; `Unavailable` (503, in both
    languages) when chromium is not installed or does not start.

    Playwright's sync API refuses a thread that runs an asyncio loop (some servers and test runners do),
    so the browser is driven from a thread of its own."""
    if not available(chromium):
        raise missing(chromium)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot") as pool:
        return pool.submit(_render, base_url, board_id, filters, cookie, kind, lang, chromium).result()


def _render(base_url: str, board_id: str, filters: dict[str, str], cookie: tuple[str, str], kind: str, lang: str, chromium: str) -> bytes:
    from playwright.sync_api import Error as BrowserError
    from playwright.sync_api import sync_playwright  # heavy; only exports need it

    # `print=1`: the board as it is sent — title, scope, period, filters in words, generation time, the tiles;
    # no navigation, buttons or filter widgets (layouts/board.py print_head, assets/export.css)
    url = f"{base_url.rstrip('/')}/boards/{board_id}?{urlencode({**filters, 'print': '1'})}"
    host = urlsplit(base_url).hostname or "127.0.0.1"
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        except BrowserError:  # a file is there but is no working browser: the same answer as none at all
            raise missing(chromium) from None
        try:
            context = browser.new_context(
                viewport=PDF_VIEWPORT if kind == "pdf" else VIEWPORT,
                device_scale_factor=1 if kind == "pdf" else PNG_SCALE,
                locale="zh-CN" if lang == "zh" else "en-US",
            )
            context.add_cookies(
                [
                    {"name": cookie[0], "value": cookie[1], "domain": host, "path": "/", "httpOnly": True},
                    {"name": "lang", "value": lang, "domain": host, "path": "/"},
                ]
            )
            page = context.new_page()
            page.goto(url, wait_until="networkidle", timeout=TIMEOUT_MS)
            page.wait_for_function(READY, timeout=TIMEOUT_MS)
            page.wait_for_timeout(SETTLE_MS)  # charts finish drawing
            if kind == "pdf":
                page.emulate_media(media="print")  # measure the layout the PDF gets
                page.evaluate(KEEP_TILES_WHOLE, PAGE_PX)
                return page.pdf(format="A4", landscape=True, print_background=True, scale=PDF_SCALE, margin=PDF_MARGIN)
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()
