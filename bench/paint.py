"""Paint benchmark: how soon a board shows something, and how soon every tile shows its value, in a real browser.

Usage: python bench/paint.py [--data-dir ./instance | --scale 1] [--runs 5] [--user leader] [--board ID ...]
Serves the app (`python app.py`, as `make run` does) on a free port over an existing data dir, or over the
demo city seeded into a temporary one at `--scale`, then opens every board the user may open with the system
chromium (Playwright). Each run is a fresh browser context (no cache: a first visit) signed in before the clock
starts; the clock starts at navigation. Per board, the median over the runs of:
  fcp      first contentful paint (the browser's own entry)
  tiles    every tile frame on screen (the grid with its loading states)
  values   every tile shows its value or its final state: no tile loading, no reload in flight
  calls    the Dash callback requests the page made until then, and the bytes it downloaded
Then the same for a warm visit (second navigation in the same context: bundles cached).
Goal (issue 11): values <= 1.5 s on the demo city on this machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from boards.snapshot import ARGS, CHROMIUM  # noqa: E402 - after the sys.path line (the export's chromium flags)
from demo.seed import DEMO_PASSWORD as PASSWORD  # noqa: E402 - after the sys.path line

VIEWPORT = {"width": 1400, "height": 1000}
# Runs before any page script (so the page's Content-Security-Policy does not apply): notes when the tile frames
# appear and when every tile has its value (layouts/board.py and layouts/tiles.py class names).
OBSERVER = """
(() => {
  const marks = (window.__paint = {});
  const check = () => {
    const tiles = document.querySelectorAll('#board-grid-wrap .board-tile');
    if (!tiles.length) { return; }
    if (marks.tiles === undefined) { marks.tiles = performance.now(); }
    const busy = document.querySelector('.tile-state-loading, .board-grid-wrap.is-loading');
    if (!busy && marks.values === undefined) { marks.values = performance.now(); }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
})();
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def data_dir(given: str | None, scale: float) -> Iterator[Path]:
    """The data dir to serve: the one given, or the demo city seeded into a temporary one."""
    if given:
        yield Path(given)
        return
    with tempfile.TemporaryDirectory(prefix="city-paint-") as tmp:
        target = Path(tmp) / "instance"
        env = {**os.environ, "CITY_DATA_DIR": str(target)}
        print(f"seeding the demo city at scale {scale} ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "demo", "load", "--scale", str(scale)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield target


@contextlib.contextmanager
def server(directory: Path) -> Iterator[str]:
    """`python app.py` on a free port; yields its base URL once it answers."""
    port = free_port()
    env = {**os.environ, "CITY_DATA_DIR": str(directory), "CITY_PORT": str(port), "CITY_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2):  # noqa: S310 - our own http URL
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def boards_for(directory: Path, username: str) -> list[str]:
    """The boards `username` may open, as the app lists them (read from the metadata store)."""
    os.environ["CITY_DATA_DIR"] = str(directory)
    from access.users import to_actor, user_by_name
    from app import create_app
    from boards.catalog import list_boards

    rt = create_app().server.extensions["city"]
    try:
        with rt.store.read() as db:
            who = to_actor(user_by_name(db, username), db)
            return [b.id for b in list_boards(db, who) if b.spec.tiles]
    finally:
        rt.close()


def visit(page: Any, url: str) -> dict[str, float]:
    """One navigation; the marks in ms since it started, the callbacks and bytes until every value showed."""
    calls: list[float] = []
    sizes: list[int] = []

    def on_response(response: Any) -> None:
        if "_dash-update-component" in response.url:
            calls.append(time.monotonic())
        with contextlib.suppress(Exception):
            sizes.append(int(response.headers.get("content-length") or 0))

    page.on("response", on_response)
    started = time.monotonic()
    page.goto(url, wait_until="commit")
    deadline = time.monotonic() + 60
    marks: dict[str, float] = {}
    while time.monotonic() < deadline:
        marks = page.evaluate("() => window.__paint || {}")
        if "values" in marks:
            break
        page.wait_for_timeout(20)
    fcp = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
    page.remove_listener("response", on_response)
    done_at = started + marks.get("values", 60_000) / 1000
    return {
        "fcp": float(fcp or "nan"),
        "tiles": float(marks.get("tiles", "nan")),
        "values": float(marks.get("values", "nan")),
        "calls": float(sum(1 for c in calls if c <= done_at + 0.05)),
        "kb": sum(sizes) / 1024,
    }


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/login" not in url)


def measure(base: str, boards: list[str], username: str, runs: int) -> dict[str, dict[str, list[dict[str, float]]]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, list[dict[str, float]]]] = {b: {"first": [], "warm": []} for b in boards}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for board in boards:
                for _ in range(runs):
                    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")  # type: ignore[arg-type]
                    context.add_init_script(OBSERVER)
                    page = context.new_page()
                    sign_in(page, base, username)
                    page.goto("about:blank")
                    out[board]["first"].append(visit(page, f"{base}/boards/{board}"))
                    page.goto("about:blank")
                    out[board]["warm"].append(visit(page, f"{base}/boards/{board}"))
                    context.close()
        finally:
            browser.close()
    return out


def report(results: dict[str, dict[str, list[dict[str, float]]]], goal_ms: float) -> None:
    print(f"{'board':<22} {'visit':<6} {'fcp ms':>8} {'tiles ms':>9} {'values ms':>10} {'calls':>6} {'kB':>8}   (median of runs)")
    worst = 0.0
    for board, visits in results.items():
        for kind, runs in visits.items():

            def med(key: str, runs: list[dict[str, float]] = runs) -> float:
                return statistics.median(r[key] for r in runs)

            worst = max(worst, med("values")) if kind == "first" else worst
            print(f"{board:<22} {kind:<6} {med('fcp'):8.0f} {med('tiles'):9.0f} {med('values'):10.0f} {med('calls'):6.0f} {med('kb'):8.0f}")
    verdict = "met" if worst <= goal_ms else "NOT met"
    print(f"slowest board, first visit: every value shown after {worst:.0f} ms (goal <= {goal_ms:.0f} ms: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="serve this data dir (e.g. ./instance after make run) instead of seeding one")
    parser.add_argument("--scale", type=float, default=1.0, help="demo city scale when seeding (default 1)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--user", default="leader")
    parser.add_argument("--board", action="append", help="only these boards (default: every board the user may open)")
    parser.add_argument("--goal-ms", type=float, default=1500)
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"{CHROMIUM} is missing: run scripts/system-deps.sh")
    with data_dir(args.data_dir, args.scale) as directory:
        boards = args.board or boards_for(directory, args.user)
        with server(directory) as base:
            results = measure(base, boards, args.user, args.runs)
    print(f"{len(boards)} boards as {args.user}, {args.runs} runs each, chromium {VIEWPORT['width']}x{VIEWPORT['height']}")
    report(results, args.goal_ms)


if __name__ == "__main__":
    main()
