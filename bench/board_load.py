"""Board load benchmark: N signed-in viewers re-rendering the cockpit on the production profile.

Usage: python bench/board_load.py [--scale 1] [--seconds 20] [--viewers 8 32] [--sqlite] [--board city_cockpit]
Seeds the demo city into a temporary data dir (PostgreSQL metadata store in a temporary database at
CITY_TEST_PG, default postgresql://postgres@127.0.0.1:5432/test, or SQLite with --sqlite), then serves it as
README's "Running for many users" does: CITY_ENV=production, `gunicorn --workers 2 --threads 4 'app:server'`.
The demo logins of the temporary copy are marked as ordinary accounts so that production starts with them.

Every viewer signs in for real (login form with its CSRF token; leaders and district staff in turn), takes the
payload its page sends for `board-grid.children` (the callback found in `/_dash-dependencies`, its inputs read
from the page's own layout as the pages callback returns it) and re-renders the cockpit through
`POST /_dash-update-component` in a loop on a keep-alive connection, for a fixed time. The values API
(`GET /api/v1/indicators/traffic.volume/values`) is loaded the same way in the same run, at each viewer count.
Prints requests/s and p50/p95/p99 latency per path and viewer count, the answer size, and a single warm render
(one viewer alone, median of 30). Targets (issue 24) at 32 viewers: >= 100 renders/s, p95 <= 500 ms.
The client runs on the same machine as the server (it takes some of the cores it measures).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.seed import DEMO_PASSWORD as PASSWORD  # noqa: E402 - after the sys.path line

VIEWERS = ("leader", "traffic_staff", "gov_leader", "traffic_staff_gx", "hotline_staff", "gov_staff", "env_staff", "urban_staff")
READERS = ("leader", "traffic_staff", "gov_leader", "traffic_staff_gx")  # who may read traffic.volume
VALUES_PATH = "/api/v1/indicators/traffic.volume/values"
PG_ADMIN = os.environ.get("CITY_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
GRID = "board-grid.children"
ENCODINGS = "gzip, deflate, br, zstd"  # what chromium accepts: the server compresses as it would for a browser


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def metadata_url(sqlite: bool) -> Iterator[str]:
    """A temporary PostgreSQL database (dropped afterwards), or "" for SQLite in the data dir."""
    if sqlite:
        yield ""
        return
    import psycopg

    name = f"city_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].split("://", 1)[1]
    try:
        yield f"postgresql+psycopg://{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(env: dict[str, str], scale: float) -> None:
    """The demo city in development mode, then its logins kept as ordinary accounts (production refuses demo users)."""
    print(f"seeding the demo city at scale {scale} ...", flush=True)
    dev = {**env, "CITY_ENV": "development"}
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "demo", "load", "--scale", str(scale)],
        cwd=ROOT,
        env=dev,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    script = (
        "import app, runtime\n"
        "from sqlalchemy import update\n"
        "from access.models import User\n"
        "rt = app.create_app().server.extensions['city']\n"
        "with rt.store.transaction() as s: s.execute(update(User).values(is_demo=False))\n"
        "rt.close()\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dev, check=True)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int) -> Iterator[tuple[str, int]]:
    """The production profile on a free port; yields (host, port) once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads)]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:server"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("gunicorn did not start")
            time.sleep(0.3)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@dataclass
class Viewer:
    """One signed-in browser: a keep-alive connection, its cookies and the CSRF header Dash's renderer sends."""

    host: str
    port: int
    username: str
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Accept-Encoding": ENCODINGS, **(headers or {})}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self) -> None:
        status, page = self.request("GET", "/login", headers={"Accept-Encoding": "identity"})
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert status == 200 and token, f"no login form ({status})"
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD, "csrf_token": token.group(1).decode(), "next": "/"})
        status, _ = self.request("POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        assert status in (302, 303), f"{self.username} could not sign in ({status})"
        self.request("GET", "/")  # the page sets the `_csrf_token` cookie the renderer copies into X-CSRFToken

    def callback(self, body: dict[str, Any], plain: bool = False) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.cookies.get("_csrf_token", "")}
        headers |= {"Accept-Encoding": "identity"} if plain else {}
        return self.request("POST", "/_dash-update-component", json.dumps(body).encode(), headers)


def nodes(tree: Any) -> Iterator[dict[str, Any]]:
    if isinstance(tree, list):
        for item in tree:
            yield from nodes(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        for value in tree["props"].values():
            yield from nodes(value)


def grid_payload(viewer: Viewer, board: str) -> dict[str, Any]:
    """The body the board page sends for `board-grid.children`: the callback's inputs and state from the
    dependency list, their values from the page's layout (as the pages callback renders it for this viewer)."""
    status, raw = viewer.request("GET", "/_dash-dependencies", headers={"Accept-Encoding": "identity"})
    assert status == 200, status
    dependencies = json.loads(raw)
    grid = next(d for d in dependencies if d["output"] == GRID)
    pages = next(d for d in dependencies if d["output"].startswith("_pages_content.") or "_pages_content.children" in d["output"])
    location = {"pathname": f"/boards/{board}", "search": "", "hash": "", "href": f"http://{viewer.host}/boards/{board}"}
    inputs = [{"id": i["id"], "property": i["property"], "value": location.get(i["property"])} for i in pages["inputs"]]
    state = [{"id": s["id"], "property": s["property"], "value": location.get(s["property"])} for s in pages.get("state", [])]
    body = {"output": pages["output"], "outputs": _outputs(pages["output"]), "inputs": inputs, "state": state}
    status, raw = viewer.callback(body | {"changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}, plain=True)
    assert status == 200, (status, raw[:300])
    values: dict[tuple[str, str], Any] = {}
    answer = json.loads(raw)["response"]
    for node in nodes([prop for outputs in answer.values() for prop in outputs.values()]):
        node_id = node["props"].get("id")
        if isinstance(node_id, str):
            for name, value in node["props"].items():
                values[(node_id, name)] = value

    def prop(item: dict[str, Any]) -> dict[str, Any]:
        return {"id": item["id"], "property": item["property"], "value": values.get((item["id"], item["property"]))}

    grid_inputs = [prop(i) for i in grid["inputs"]]
    return {
        "output": GRID,
        "outputs": {"id": "board-grid", "property": "children"},
        "inputs": grid_inputs,
        "state": [prop(s) for s in grid.get("state", [])],
        "changedPropIds": [],  # the page's first call, as the renderer makes it when the board opens
    }


def _outputs(output: str) -> Any:
    parts = [p for p in output.strip(".").split("...") if p]
    found = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return found[0] if len(found) == 1 else found


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    size: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def hammer(viewers: list[Viewer], send: Any, seconds: float) -> tuple[Tally, float]:
    """Every viewer sends its request in a loop for `seconds`; (latencies and errors, elapsed)."""
    tally = Tally()
    stop = time.monotonic() + seconds

    def loop(viewer: Viewer) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            status, data = send(viewer)
            took = time.perf_counter() - started
            with tally.lock:
                if status == 200:
                    tally.latencies.append(took)
                    tally.size = len(data)
                else:
                    tally.errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(v,)) for v in viewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def line(label: str, n: int, tally: Tally, elapsed: float) -> str:
    ms = [x * 1000 for x in tally.latencies]
    rate = len(ms) / elapsed
    return (
        f"{label:<9} {n:>3} viewers  {rate:7.1f}/s  p50 {percentile(ms, 0.5):7.1f} ms  p95 {percentile(ms, 0.95):7.1f} ms  "
        f"p99 {percentile(ms, 0.99):7.1f} ms  n={len(ms)} errors={tally.errors} answer={tally.size / 1024:.1f} KB as sent"
    )


def run(host: str, port: int, args: argparse.Namespace) -> None:
    most = max(args.viewers)
    print(f"signing in {most} viewers of the board and {most} readers of the values API ...", flush=True)
    viewers = [Viewer(host, port, VIEWERS[i % len(VIEWERS)]) for i in range(most)]
    readers = [Viewer(host, port, READERS[i % len(READERS)]) for i in range(most)]
    for viewer in viewers + readers:
        viewer.sign_in()
    payloads = {v.username: grid_payload(v, args.board) for v in viewers[: len(VIEWERS)]}
    grid_of = {id(v): payloads[v.username] for v in viewers}
    first, raw = viewers[0].callback(grid_of[id(viewers[0])], plain=True)
    assert first == 200 and b"board-grid" in raw, (first, raw[:300])

    def render(viewer: Viewer) -> tuple[int, bytes]:
        return viewer.callback(grid_of[id(viewer)])

    def api(viewer: Viewer) -> tuple[int, bytes]:
        return viewer.request("GET", VALUES_PATH)

    for viewer in viewers:  # warm: every scope's answers cached, every connection open
        assert render(viewer)[0] == 200
    for reader in readers:
        assert api(reader)[0] == 200
    alone = []
    for _ in range(30):
        started = time.perf_counter()
        status, _ = render(viewers[0])
        alone.append((time.perf_counter() - started) * 1000)
        assert status == 200
    print(f"single warm render ({viewers[0].username}, one viewer alone, median of 30): {statistics.median(alone):.1f} ms", flush=True)
    for n in args.viewers:
        for label, send, who in (("values", api, readers), ("render", render, viewers)):
            tally, elapsed = hammer(who[:n], send, args.seconds)
            print(line(label, n, tally, elapsed), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--viewers", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--board", default="city_cockpit")
    parser.add_argument("--sqlite", action="store_true", help="SQLite metadata store instead of PostgreSQL")
    parser.add_argument("--data-dir", help="serve this already seeded data dir (its users must not be demo users)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped run still stops gunicorn and drops its database
    print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.2f} (the machine is shared: figures are noisy)", flush=True)
    with metadata_url(args.sqlite or bool(args.data_dir)) as url, tempfile.TemporaryDirectory(prefix="city-load-") as tmp:
        directory = Path(args.data_dir) if args.data_dir else Path(tmp) / "instance"
        env = {**os.environ, "CITY_DATA_DIR": str(directory), "CITY_DATABASE_URL": url, "CITY_LOG_LEVEL": "WARNING"}
        env |= {"CITY_ALLOW_SQLITE_IN_PRODUCTION": "1", "CITY_DEMO": "0"}
        if not args.data_dir:
            seed(env, args.scale)
        env |= {"CITY_ENV": "production", "CITY_SECRET_KEY": secrets.token_urlsafe(48)}
        store = "SQLite" if not url else "PostgreSQL"
        print(f"gunicorn --workers {args.workers} --threads {args.threads}, CITY_ENV=production, {store} metadata store", flush=True)
        with gunicorn(env, args.workers, args.threads) as (host, port):
            run(host, port, args)


if __name__ == "__main__":
    main()
