"""Regenerate the screenshots in docs/: python docs/screenshots.py (needs Debian chromium).

Builds a demo instance in a temporary directory, serves it, signs in and captures each screen.
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from boards.snapshot import ARGS  # noqa: E402 - after the sys.path line (the export's chromium flags)

SHOTS = [
    ("login.png", None, "/login", "#login-submit"),
    ("home.png", "leader", "/", "#home-grid .ag-row"),
    ("dataset-dictionary.png", "gov_analyst", "/datasets/gov_service_applications", "#dict-grid .ag-row"),
    ("dataset-profile.png", "gov_analyst", "/datasets/gov_service_applications", "#profile-checks"),
    ("dataset-preview.png", "gov_staff", "/datasets/gov_service_applications", "#preview-grid .ag-row"),
    ("upload.png", "traffic_staff", "/upload", "#upload-button"),
    ("cockpit.png", "leader", "/boards/city_cockpit", ".kpi-number"),
    ("board.png", "traffic_staff", "/boards/traffic_board", ".kpi-number"),
    ("cockpit-phone.png", "leader", "/boards/city_cockpit", ".kpi-number"),
    ("cockpit-present.png", "leader", "/boards/city_cockpit?present=1", ".kpi-number"),
]
# Shots at another size than the desktop's 1400 x 900: a phone (whole page) and the 大屏 presentation (one screen).
VIEWPORTS = {"cockpit-phone.png": (390, 844), "cockpit-present.png": (1920, 1080)}
ONE_SCREEN = {"cockpit-present.png"}
TABS = {"dataset-profile.png": "质量概况", "dataset-preview.png": "数据预览"}


def main() -> None:
    from app import create_app
    from boards.snapshot import READY
    from demo.seed import DEMO_PASSWORD, seed_if_empty
    from tests.conftest import make_settings

    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance"))
    seed_if_empty(app.server.extensions["city"], 0.2, echo=lambda _m: None)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        for name, user, path, ready in SHOTS:
            width, height = VIEWPORTS.get(name, (1400, 900))
            page = browser.new_context(viewport={"width": width, "height": height}).new_page()
            if user:
                page.goto(f"{base}/login?next={quote(path, safe='/')}")
                page.fill("#username", user)
                page.fill("#password", DEMO_PASSWORD)
                page.click("#login-submit")
                page.wait_for_url(f"{base}{path}")
            else:
                page.goto(base + path)
            if name in TABS:
                page.get_by_text(TABS[name], exact=True).click()
            page.wait_for_selector(ready, timeout=20_000)
            page.wait_for_function(READY, timeout=20_000)  # boards: no tile still loading
            page.wait_for_timeout(800)
            page.screenshot(path=str(ROOT / "docs" / name), full_page=name not in ONE_SCREEN)
            print("wrote docs/" + name)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
