"""Several gunicorn workers serve reads while the CLI imports new versions in another process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, make_settings, seed_directory


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_version(path: Path, rows: int) -> Path:
    path.write_text("district,cases\n" + "".join(f"东城区,{i}\n" for i in range(rows)), encoding="utf-8")
    return path


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[tuple[dict[str, str], str]]:
    """A migrated instance with one dataset (10 rows) and an admin token; yields (env, token)."""
    import runtime
    from access.actor import SYSTEM
    from access.users import issue_token
    from datasets.importer import ImportRequest
    from store import migrate

    settings = make_settings(tmp_path / "instance")
    settings.data_dir.mkdir(parents=True)
    migrate.upgrade(settings.metadata_url)
    rt = runtime.build_runtime(settings)
    seed_directory(rt)
    path = write_version(tmp_path / "v1.csv", 10)
    rt.importer.import_file(SYSTEM, path, path.name, ImportRequest(name="案件", department="traffic", dataset_id="cases"))
    with rt.store.transaction() as session:
        token = issue_token(session, "admin")
    rt.close()
    env = {
        **os.environ,
        "CITY_DATA_DIR": str(settings.data_dir),
        "CITY_SECRET_KEY": "s" * 40,
        "CITY_DEMO": "0",
        "CITY_LOG_LEVEL": "WARNING",
    }
    env.pop("CITY_DATABASE_URL", None)
    yield env, token


def get(url: str, token: str) -> tuple[int, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.slow
def test_cli_imports_while_two_gunicorn_workers_serve(instance: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, token = instance
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{port}", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if get(f"{base}/api/v1/health", token)[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + server.stderr.read().decode() if server.stderr else "")
        seen: list[tuple[int, int, int]] = []
        failures: list[Any] = []
        stop = threading.Event()

        def read() -> None:
            while not stop.is_set():
                status, body = get(f"{base}/api/v1/datasets/cases/rows?limit=1000", token)
                if status != 200:
                    failures.append((status, body))
                    continue
                seen.append((len(body["rows"]), body["total"], os.getpid()))

        readers = [threading.Thread(target=read) for _ in range(4)]
        for t in readers:
            t.start()
        for n, rows in enumerate((20, 30, 40), start=2):
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "app",
                    "datasets",
                    "import",
                    str(write_version(tmp_path / f"v{n}.csv", rows)),
                    "--dataset",
                    "cases",
                    "--department",
                    "traffic",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            time.sleep(0.5)
        stop.set()
        for t in readers:
            t.join()
        assert failures == []
        assert len(seen) > 20
        assert {(rows, total) for rows, total, _ in seen} <= {(10, 10), (20, 20), (30, 30), (40, 40)}
        assert (40, 40) in {(rows, total) for rows, total, _ in seen}
        status, detail = get(f"{base}/api/v1/datasets/cases", token)
        assert (status, detail["data_version"], detail["rows"]) == (200, 4, 40)
    finally:
        server.terminate()
        server.wait(timeout=30)
