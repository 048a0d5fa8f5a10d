"""Exports a person can send on: a board's PDF/PNG is the board only (title, scope, period, filters in words,
generation time on the city's clock, the tiles; no navigation, buttons or filter widgets), read back with
pdftotext; a tile's CSV/Excel carries names, units, area names in the reader's language, percents as 0–100
and a header block with the indicator id and its definition version."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import shutil
import struct
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from demo.seed import DEMO_PASSWORD, seed_if_empty
from tests.conftest import login, make_settings, need

ZONE = "Asia/Shanghai"  # the settings' default CITY_TIMEZONE
MINUTE = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d)")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    """The demo city behind a real HTTP server (the PDF/PNG renderer signs in to it as the requesting user)."""
    from werkzeug.serving import make_server

    from app import create_app

    app = create_app(make_settings(tmp_path_factory.mktemp("sendable") / "instance"))
    rt = app.server.extensions["city"]
    seed_if_empty(rt, 0.02, echo=lambda _m: None)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    rt.settings = dataclasses.replace(rt.settings, self_url=base)
    yield app, base
    server.shutdown()
    rt.close()


def client(app: Any, name: str, lang: str = "zh") -> Any:
    web = app.server.test_client()
    assert login(web, name, DEMO_PASSWORD).status_code == 302
    web.set_cookie("lang", lang)
    return web


def board(app: Any, board_id: str) -> Any:
    from access.actor import SYSTEM
    from boards.catalog import get_board

    with app.server.extensions["city"].store.read() as db:
        return get_board(db, SYSTEM, board_id)


def pdf_text(tmp_path: Path, body: bytes) -> str:
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    source = tmp_path / "board.pdf"
    source.write_bytes(body)
    done = subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def city_minutes(before: dt.datetime, after: dt.datetime) -> set[str]:
    """Every minute between two instants, as the city's clock shows it."""
    start = before.astimezone(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
    out = set()
    while start <= after.astimezone(ZoneInfo(ZONE)):
        out.add(start.strftime("%Y-%m-%d %H:%M"))
        start += dt.timedelta(minutes=1)
    return out


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def split_sheet(lines: list[list[Any]]) -> tuple[dict[str, Any], list[Any], list[list[Any]]]:
    """(header block as label → value, column titles, rows): the block ends at the first blank row."""
    blank = next(n for n, line in enumerate(lines) if not any(v not in (None, "") for v in line))
    head = {str(line[0]): line[1] for line in lines[:blank]}
    return head, list(lines[blank + 1]), [list(r) for r in lines[blank + 2 :]]


# The page's chrome that a sent board must not show: navigation, buttons, filter widgets, the question box.
CHROME_KEYS = (
    "nav.logout",
    "nav.upload",
    "board.export_pdf",
    "board.export_png",
    "board.share",
    "board.reload",
    "board.range",
    "board.grain",
    "board.district_all",
    "ask.submit",
    "board.edit",
    "board.arrange",
    "board.view_reset",
    "board.present",
)


def chrome(lang: str) -> list[str]:
    """The chrome's words in `lang`, and the navbar's brand."""
    from i18n import t

    return [t(key, lang) for key in (*CHROME_KEYS, "app.title")]


# -- PDF and PNG ---------------------------------------------------------------------------------------
@pytest.mark.browser
def test_the_cockpit_pdf_is_the_board_only_with_scope_period_filters_and_time(served: tuple[Any, str], tmp_path: Path) -> None:
    need(Path("/usr/bin/chromium").exists(), "Debian chromium is not installed")
    app, _ = served
    leader = client(app, "leader")
    before = dt.datetime.now(dt.UTC)
    pdf = leader.get("/api/v1/boards/city_cockpit/export.pdf?from=2025-01-01&to=2025-06-30&grain=month")
    after = dt.datetime.now(dt.UTC)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), pdf.data[:300]
    text = pdf_text(tmp_path, pdf.data)
    squeezed = re.sub(r"\s+", " ", text)
    cockpit = board(app, "city_cockpit")
    assert cockpit.spec.title.zh in squeezed
    assert "范围：全市" in squeezed  # the leader reads the whole city
    assert "期间：2025-01-01 至 2025-06-30" in squeezed
    assert "筛选：按月汇总" in squeezed
    stamp = re.search(r"生成于 (\d{4}-\d\d-\d\d \d\d:\d\d)（Asia/Shanghai）", squeezed)
    assert stamp is not None and stamp.group(1) in city_minutes(before, after), squeezed[:500]
    shown_titles = [tile.title.zh for tile in cockpit.spec.tiles if tile.title.zh]
    assert shown_titles and all(title in squeezed for title in shown_titles)  # every titled tile is there
    assert [word for word in chrome("zh") if word in squeezed] == []


@pytest.mark.browser
def test_a_district_clerks_pdf_names_their_district_and_the_filter(served: tuple[Any, str], tmp_path: Path) -> None:
    need(Path("/usr/bin/chromium").exists(), "Debian chromium is not installed")
    app, _ = served
    staff = client(app, "traffic_staff")  # 东城区
    pdf = staff.get("/api/v1/boards/traffic_board/export.pdf?district=东城区")
    assert pdf.status_code == 200
    squeezed = re.sub(r"\s+", " ", pdf_text(tmp_path, pdf.data))
    assert board(app, "traffic_board").spec.title.zh in squeezed
    assert "范围：东城区" in squeezed and "区：东城区" in squeezed and "全市" not in squeezed
    assert "期间：2025-01-01 至 2025-12-31" in squeezed  # the board's own range
    assert [word for word in chrome("zh") if word in squeezed] == []


@pytest.mark.browser
def test_an_english_pdf_speaks_english_and_shows_no_chrome(served: tuple[Any, str], tmp_path: Path) -> None:
    need(Path("/usr/bin/chromium").exists(), "Debian chromium is not installed")
    app, _ = served
    pdf = client(app, "leader", "en").get("/api/v1/boards/traffic_board/export.pdf?district=高新区")
    assert pdf.status_code == 200
    squeezed = re.sub(r"\s+", " ", pdf_text(tmp_path, pdf.data))
    assert board(app, "traffic_board").spec.title.en in squeezed
    assert "Scope: City-wide" in squeezed and "Period: 2025-01-01 to 2025-12-31" in squeezed
    assert "Filters: by Month; district: Gaoxin District" in squeezed  # the district in English
    assert re.search(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d \(Asia/Shanghai\)", squeezed), squeezed[:400]
    assert [word for word in chrome("en") if word in squeezed] == []


@pytest.mark.browser
def test_the_cockpit_png_is_wide_sharp_and_of_a_sane_size(served: tuple[Any, str]) -> None:
    need(Path("/usr/bin/chromium").exists(), "Debian chromium is not installed")
    app, _ = served
    png = client(app, "leader", "en").get("/api/v1/boards/city_cockpit/export.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png.data[16:24])  # the IHDR chunk
    assert width == 1920  # 1280 CSS pixels at 1.5: tiles readable when the image is sent on
    assert 900 <= height <= 20_000, height
    assert 50_000 < len(png.data) < 15_000_000, len(png.data)
    assert "filename*=UTF-8''" in png.headers["Content-Disposition"]


# -- CSV and Excel --------------------------------------------------------------------------------------
def test_a_tile_csv_carries_names_units_areas_and_a_header_block(served: tuple[Any, str]) -> None:
    from indicators.spec import Indicator

    app, _ = served
    rt = app.server.extensions["city"]
    from access.actor import SYSTEM

    rank = next(tile for tile in board(app, "traffic_board").spec.tiles if tile.id == "rank")
    indicator: Indicator = rt.registry.get(SYSTEM, str(rank.source.indicator))
    staff = client(app, "traffic_staff")
    response = staff.get("/api/v1/boards/traffic_board/tiles/rank/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    head, columns, rows = split_sheet(csv_rows(response.data))
    assert head["指标"] == indicator.name.zh and head["指标编号"] == indicator.id
    assert head["口径版本"] == str(indicator.version) and head["单位"] == indicator.unit
    assert head["范围"] == "东城区" and head["期间"] == "2025-01-01 至 2025-12-31"
    assert head["筛选"] == "按月汇总"  # the board's own grain
    assert "0–100" in head["百分数约定"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d（Asia/Shanghai）", head["生成"]), head["生成"]
    assert columns[:5] == ["期间", "区", "指标", "数值", "单位"] and "达成率（%）" in columns and "状态" in columns
    assert rows and {r[1] for r in rows} == {"东城区"} and {r[2] for r in rows} == {indicator.name.zh}
    assert {r[4] for r in rows} == {indicator.unit}
    data = staff.get("/api/v1/boards/traffic_board/tiles/rank/data").json
    assert [float(r[3]) for r in rows] == [r["value"] for r in data["rows"]]  # the same numbers as on screen
    assert not any(cell in ("traffic.congestion_index", "district", "value", "green", "amber", "red") for r in rows for cell in r)


def test_english_exports_name_areas_and_columns_in_english(served: tuple[Any, str]) -> None:
    from access.departments import area_tree

    app, _ = served
    rt = app.server.extensions["city"]
    with rt.store.read() as db:
        english = {a.name_zh: a.name_en for a in area_tree(db)}
    leader = client(app, "leader", "en")
    head, columns, rows = split_sheet(csv_rows(leader.get("/api/v1/boards/traffic_board/tiles/rank/export.csv").data))
    assert head["Scope"] == "City-wide" and "Definition version" in head
    assert columns[:4] == ["Period", "District", "Indicator", "Value"]
    stored = {r["district"] for r in leader.get("/api/v1/boards/traffic_board/tiles/rank/data").json["rows"]}
    assert len(stored) == 8 and {r[1] for r in rows} == {english[d] for d in stored}
    assert stored.isdisjoint(r[1] for r in rows)  # English names, not the stored Chinese ones


def test_percents_are_0_to_100_with_a_percent_unit_in_excel(served: tuple[Any, str]) -> None:
    import openpyxl

    app, _ = served
    gov = client(app, "gov_staff")
    tile = "/api/v1/boards/gov_services_board/tiles/k_on_time"
    data = gov.get(f"{tile}/data").json
    assert data["unit"] == "%" and data["compare"]
    workbook = gov.get(f"{tile}/export.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    head, columns, rows = split_sheet([list(r) for r in sheet.iter_rows(values_only=True)])
    assert head["指标编号"] == "services.on_time_rate" and isinstance(head["口径版本"], int) and head["单位"] == "%"
    value, unit, attainment = columns.index("数值"), columns.index("单位"), columns.index("达成率（%）")
    change = columns.index("较去年同期变化（百分点）")  # a change in a percent is in percentage points, named by its comparison
    by_period = {r[0]: r for r in rows}
    for api_row in data["rows"]:
        row = by_period[api_row["period"]]
        assert row[value] == api_row["value"] and 0 <= row[value] <= 100 and row[unit] == "%"
        if api_row["attainment"] is not None:
            assert row[attainment] == pytest.approx(api_row["attainment"] * 100, abs=0.01)
        assert row[change] == api_row["change"]


def test_a_saved_query_tile_exports_under_its_column_labels(served: tuple[Any, str]) -> None:
    app, _ = served
    hotline = client(app, "hotline_staff")
    dataset = hotline.get("/api/v1/datasets/hotline_tickets").json
    created = next(c["label"] for c in dataset["columns"] if c["name"] == "created_at")
    response = hotline.get("/api/v1/boards/hotline_board/tiles/hours/export.csv")
    assert response.status_code == 200
    head, columns, rows = split_sheet(csv_rows(response.data))
    assert head["数据集"] == dataset["name"] and head["数据版本"] == str(dataset["data_version"])
    assert created and columns[:2] == [f"{created} 的星期", f"{created} 的小时"]  # time parts in words, not created_at.dow
    assert rows and not any("." in c for c in columns)


@pytest.mark.browser
def test_no_tile_is_cut_by_a_pdf_page_break(served: tuple[Any, str]) -> None:
    """The print view laid out as the PDF gets it: after the page-break pass every tile lies within one page."""
    from playwright.sync_api import sync_playwright

    from boards.snapshot import ARGS, CHROMIUM, KEEP_TILES_WHOLE, PAGE_PX, PDF_VIEWPORT, READY

    need(Path(CHROMIUM).exists(), "Debian chromium is not installed")
    _, base = served
    tiles = len(board(served[0], "traffic_board").spec.tiles)
    drawn = f"() => document.querySelectorAll('#board-grid-wrap .react-grid-item .board-tile').length === {tiles}"
    boxes = "() => [...document.querySelectorAll('#board-grid-wrap .react-grid-item')].map((e) => {const r = e.getBoundingClientRect(); return [r.top + window.scrollY, r.height];})"

    def measure() -> tuple[list[Any], int, list[Any]]:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            try:
                page = browser.new_context(viewport=PDF_VIEWPORT).new_page()
                page.goto(f"{base}/login?next=%2Fboards%2Ftraffic_board%3Fprint%3D1")
                page.fill("#username", "leader")
                page.fill("#password", DEMO_PASSWORD)
                page.click("#login-submit")
                page.wait_for_url(lambda url: "/login" not in url)
                page.wait_for_load_state("networkidle")
                page.wait_for_function(drawn)
                page.wait_for_function(READY)  # every tile has its data (and the grid its final layout)
                page.emulate_media(media="print")
                before = page.evaluate(boxes)
                moved = page.evaluate(KEEP_TILES_WHOLE, PAGE_PX)
                return before, moved, page.evaluate(boxes)
            finally:
                browser.close()

    # Playwright's sync API refuses a thread that already runs its loop (the browser tests' session fixture may
    # live in this worker), so the measurement gets a thread of its own.
    with ThreadPoolExecutor(1) as pool:
        before, moved, after = pool.submit(measure).result()
    cut = [(top, height) for top, height in before if int(top // PAGE_PX) != int((top + height - 1) // PAGE_PX)]
    assert len(after) == tiles > 4
    assert cut and moved >= 1  # this board, laid out as printed, has a tile across a page break
    assert [(top, height) for top, height in after if int(top // PAGE_PX) != int((top + height - 1) // PAGE_PX)] == []
