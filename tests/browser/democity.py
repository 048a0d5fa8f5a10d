"""A live app on the demo city for browser test modules that need real boards, indicators and users.

Each module makes its own (`with demo_city("boards") as live: yield live` in a module-scoped `live` fixture),
so tests that edit data never see another module's edits.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page

from tests.browser.conftest import Live
from tests.conftest import make_settings

DEMO_PASSWORD = "demo-pass-2025"
SCALE = 0.05


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def demo_city(name: str, scale: float = SCALE) -> Iterator[Live]:
    """The demo city at a small scale (users, datasets, indicators, the seven boards), served on a free port."""
    from werkzeug.serving import make_server

    from app import create_app
    from demo.seed import seed_if_empty

    with tempfile.TemporaryDirectory(prefix=f"city-{name}-") as tmp:
        app = create_app(make_settings(Path(tmp) / "instance"))
        rt = app.server.extensions["city"]
        assert seed_if_empty(rt, scale, echo=lambda _line: None)
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server("127.0.0.1", free_port(), app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name=f"{name}-live-server", daemon=True)
        thread.start()
        try:
            yield Live(f"http://127.0.0.1:{server.server_port}", app, rt, happiness="", hotline="")
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            rt.close()


def sign_in(page: Page, live: Live, username: str, next_path: str) -> None:
    """Sign in as a demo user and land on `next_path`."""
    page.goto(f"{live.url}/login?next={quote(next_path, safe='/')}")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)
