"""Whole-board PDF and PNG exports, rendered by the system chromium as the requesting user."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demo.seed import DEMO_PASSWORD, seed_if_empty
from tests.conftest import login, make_settings, need

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    need(Path("/usr/bin/chromium").exists(), "Debian chromium is not installed")
    from werkzeug.serving import make_server

    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("export") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.02, echo=lambda _m: None)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    rt.settings = dataclasses.replace(rt.settings, self_url=base)  # where the server reaches itself to render
    yield app, base
    server.shutdown()
    rt.close()


def test_a_board_exports_as_pdf_and_png_for_the_viewer(served: tuple[Any, str]) -> None:
    app, _base = served
    client = app.server.test_client()
    login(client, "traffic_staff", DEMO_PASSWORD)
    pdf = client.get("/api/v1/boards/traffic_board/export.pdf?district=东城区")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and len(pdf.data) > 5_000, pdf.data[:200]
    assert "filename*=UTF-8''" in pdf.headers["Content-Disposition"]
    png = client.get("/api/v1/boards/traffic_board/export.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG") and len(png.data) > 5_000
    assert client.get("/api/v1/boards/hotline_board/export.pdf").status_code == 404  # not theirs: nothing rendered
    assert client.get("/api/v1/boards/traffic_board/export.svg").status_code == 404
    rt = app.server.extensions["city"]
    from access.audit import events

    with rt.store.read() as session:
        actions = [e["action"] for e in events(session, actor="traffic_staff", action="export")]
        from sqlalchemy import select

        from access.models import LoginSession

        leftovers = session.scalars(select(LoginSession).where(LoginSession.address == "snapshot", LoginSession.revoked_at.is_(None))).all()
    assert sorted(actions) == ["export.pdf", "export.png"] and leftovers == []  # the rendering session is revoked afterwards
