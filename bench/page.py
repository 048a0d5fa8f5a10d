"""Page weight benchmark (issue 24.4/24.5): bytes over the wire on first and repeat visits, and Lighthouse.

Usage: python bench/page.py [--data-dir DIR | --scale 1] [--runs 3] [--no-lighthouse] [--lighthouse PATH]
Serves the app (`python app.py`) on a free port over an existing data dir or the demo city seeded into a temporary
one, then for the cockpit (as `leader`) and a department board (as district staff `traffic_staff`):
  bytes    a real chromium (Playwright, HTTP cache on) signs in and opens the board until every tile shows its
           value and the network is idle: the bytes received (CDP encodedDataLength: headers and compressed
           bodies) on the first visit (sign-in page included) and on a repeat visit in the same browser;
  lighthouse  npm `lighthouse` (performance only) with /usr/bin/chromium, signed in by the session cookie in
           --extra-headers, mobile (its default slow 4G, 4x CPU) and desktop, median of --runs: score, LCP, TBT.
Printed beside the issue's "today" figures. Lighthouse is installed outside the repo:
  npm i -E --prefix ~/.cache/city-lighthouse lighthouse@12.8.2
Bytes are exact; times and scores on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.paint import OBSERVER, data_dir, server  # noqa: E402 - after the sys.path line
from boards.snapshot import ARGS, CHROMIUM  # noqa: E402
from demo.seed import DEMO_PASSWORD as PASSWORD  # noqa: E402

PAGES = (("city_cockpit", "leader"), ("traffic_board", "traffic_staff"))
LIGHTHOUSE = Path.home() / ".cache/city-lighthouse/node_modules/.bin/lighthouse"
# issue 24, Lighthouse 12.8, median of 3: (mobile score, desktop score, mobile LCP s, desktop LCP s, MB per visit)
TODAY = {"city_cockpit": (34, 51, 19.5, 3.3, 8.3), "traffic_board": (34, 52, 19.5, 3.4, 8.7)}
TARGETS = "targets: first visit <= 2 MB, repeat <= 100 KB; score >= 75 mobile / >= 90 desktop; LCP <= 4 s / <= 1.2 s"


class Wire:
    """Bytes received by one page (CDP encodedDataLength: headers and compressed bodies), counted per phase."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.counts: dict[str, float] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)

    def _finished(self, event: dict[str, Any]) -> None:
        self.counts["bytes"] = self.counts.get("bytes", 0) + event.get("encodedDataLength", 0)
        self.counts["requests"] = self.counts.get("requests", 0) + 1

    def _cached(self, _event: dict[str, Any]) -> None:
        self.counts["cached"] = self.counts.get("cached", 0) + 1

    def settle(self) -> dict[str, float]:
        """Wait until every tile has its value and the network is quiet; the counts since the last settle."""
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and "values" not in self.page.evaluate("() => window.__paint || {}"):
            self.page.wait_for_timeout(50)
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state("networkidle", timeout=30_000)
        self.page.wait_for_timeout(500)
        counts, self.counts = {"bytes": 0, "requests": 0, "cached": 0, **self.counts}, {}
        return counts


def measure_bytes(base: str) -> dict[str, dict[str, dict[str, float]]]:
    """First visit: the sign-in page, signing in and the board it leads to. Repeat: the board opened again."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, dict[str, float]]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for board, user in PAGES:
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                context.add_init_script(OBSERVER)
                page = context.new_page()
                wire = Wire(page)
                page.goto(f"{base}/login?next=/boards/{board}")
                page.fill("#username", user)
                page.fill("#password", PASSWORD)
                page.click("#login-submit")
                page.wait_for_url(f"**/boards/{board}")
                first = wire.settle()
                page.goto("about:blank")
                wire.settle()
                page.goto(f"{base}/boards/{board}")
                out[board] = {"first": first, "repeat": wire.settle()}
                context.close()
        finally:
            browser.close()
    return out


def session_cookie(base: str, username: str) -> str:
    """A signed-in Cookie header (session and CSRF cookie), as a browser holds it after signing in."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the login page has no CSRF field"
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"})
    opener.open(f"{base}/login", data=form.encode()).read()
    opener.open(f"{base}/boards").read()  # sets the CSRF cookie Dash copies into X-CSRFToken
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def lighthouse(binary: Path, url: str, cookie: str, desktop: bool) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as headers:
        json.dump({"Cookie": cookie}, headers)
    command = [
        str(binary),
        url,
        "--only-categories=performance",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        "--chrome-flags=--headless=new --no-sandbox",
        f"--extra-headers={headers.name}",
        *(["--preset=desktop"] if desktop else []),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    finally:
        os.unlink(headers.name)
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed: {done.stderr.strip()[-300:]}")
    report = json.loads(done.stdout)
    audits = report["audits"]
    final = report.get("finalDisplayedUrl") or report.get("finalUrl", "")
    if "/login" in final:
        raise SystemExit(f"lighthouse was sent to the login page ({final}): the session cookie did not work")
    return {
        "score": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "fcp": audits["first-contentful-paint"]["numericValue"] / 1000,
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "kb": audits["total-byte-weight"]["numericValue"] / 1024,
    }


def lighthouse_retried(binary: Path, url: str, cookie: str, desktop: bool, tries: int = 3) -> dict[str, float]:
    """Lighthouse now and then fails to record a trace (NO_NAVSTART) on a loaded machine: run it again."""
    for attempt in range(tries):
        try:
            return lighthouse(binary, url, cookie, desktop)
        except RuntimeError as failed:
            print(f"  ({failed}; again)", flush=True)
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")


def median_runs(binary: Path, url: str, cookie: str, desktop: bool, runs: int) -> dict[str, float]:
    results = [lighthouse_retried(binary, url, cookie, desktop) for _ in range(runs)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def report_bytes(results: dict[str, dict[str, dict[str, float]]]) -> None:
    print(
        f"\nbytes over the wire (first: sign-in + board)  {'first visit':>12} {'requests':>9} {'repeat':>10} {'requests':>9} {'from cache':>10}"
    )
    for board, visits in results.items():
        first, repeat = visits["first"], visits["repeat"]
        today = TODAY[board][4]
        print(
            f"{board:<22} (today {today} MB both)  {first['bytes'] / 1e6:9.2f} MB {first['requests']:9.0f}"
            f" {repeat['bytes'] / 1e3:7.1f} KB {repeat['requests']:9.0f} {repeat['cached']:10.0f}"
        )


def report_lighthouse(results: dict[tuple[str, str], dict[str, float]], runs: int) -> None:
    print(f"\nLighthouse performance, median of {runs}       score (today)   LCP s (today)    TBT ms   FCP s    CLS    KB")
    for (board, mode), r in results.items():
        today = TODAY[board]
        score_then, lcp_then = (today[0], today[2]) if mode == "mobile" else (today[1], today[3])
        print(
            f"{board:<22} {mode:<8}            {r['score']:4.0f} ({score_then:3d})   {r['lcp']:5.2f} ({lcp_then:4.1f})"
            f"  {r['tbt']:7.0f}  {r['fcp']:6.2f}  {r['cls']:5.3f}  {r['kb']:5.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="serve this data dir instead of seeding the demo city into a temporary one")
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse", type=Path, default=LIGHTHOUSE)
    args = parser.parse_args()
    if not args.no_lighthouse and not args.lighthouse.exists():
        raise SystemExit(f"no lighthouse at {args.lighthouse}: npm i -E --prefix ~/.cache/city-lighthouse lighthouse@12.8.2")
    with data_dir(args.data_dir, args.scale) as directory, server(directory) as base:
        report_bytes(measure_bytes(base))
        if not args.no_lighthouse:
            scores: dict[tuple[str, str], dict[str, float]] = {}
            for board, user in PAGES:
                cookie = session_cookie(base, user)
                for mode in ("mobile", "desktop"):
                    scores[(board, mode)] = median_runs(args.lighthouse, f"{base}/boards/{board}", cookie, mode == "desktop", args.runs)
            report_lighthouse(scores, args.runs)
        print(TARGETS)


if __name__ == "__main__":
    main()
