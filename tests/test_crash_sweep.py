"""Nothing left on disk after a crash (issue 18.5): kill -9 of a real server or CLI import mid-way, then a restart
that leaves no orphan file and serves the previous version; the orphan sweep spares live work; the collector job
keeps CITY_KEEP_VERSIONS; and a caller who may not import is refused before the body reaches the disk."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.conftest import ROOT, Web, make_settings, seed_directory
from tests.test_multiprocess import free_port, get, write_version

# -- the collector and the sweep, in process --------------------------------------------------


@pytest.fixture
def rt2(tmp_path: Path) -> Iterator[Any]:
    """A migrated runtime keeping 2 versions besides the current one."""
    import runtime
    from store import migrate

    settings = make_settings(tmp_path / "instance", keep_versions=2)
    settings.data_dir.mkdir(parents=True)
    migrate.upgrade(settings.metadata_url)
    found = runtime.build_runtime(settings)
    seed_directory(found)
    yield found
    found.close()


def version_files(rt: Any, dataset_id: str) -> list[Path]:
    from datasets.models import Dataset

    with rt.store.read() as session:
        dataset = session.get(Dataset, dataset_id)
        assert dataset is not None
        key = dataset.table_key
    return sorted((rt.warehouse.root / key).glob("*.duckdb"))


def test_the_collector_job_keeps_exactly_the_versions_allowed(rt2: Any) -> None:
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest
    from datasets.models import DatasetVersion

    for n in range(1, 8):
        rt2.importer.import_arrow(
            SYSTEM, pa.table({"n": list(range(n))}), ImportRequest(name="版本", department="traffic", dataset_id="vers")
        )
    assert len(version_files(rt2, "vers")) == 7  # each import's own collection waits out the grace period
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert not [r for r in rt2.jobs.run_due(now) if r.job == "datasets.collect_versions" and r.outcome != "ok"]
    assert len(version_files(rt2, "vers")) == 7  # still within the grace period by the runner's clock
    ran = rt2.jobs.run_due(now + dt.timedelta(hours=2))
    assert ("datasets.collect_versions", "ok") in [(r.job, r.outcome) for r in ran]
    files = version_files(rt2, "vers")
    assert len(files) == 1 + 2, files  # the current one and CITY_KEEP_VERSIONS=2 others
    with rt2.store.read() as session:
        versions = session.query(DatasetVersion).filter_by(dataset_id="vers").order_by(DatasetVersion.version).all()
    assert [v.collected_at is None for v in versions] == [False] * 4 + [True] * 3
    assert {rt2.warehouse.resolve(v.file) for v in versions if v.collected_at is None} == set(files)
    assert rt2.door.dataset(SYSTEM, "vers").rows == 7


def test_the_sweep_deletes_what_no_live_lease_names(rt2: Any) -> None:
    from jobs.lease import HOST, Held
    from jobs.models import WorkLease
    from store.base import utcnow

    uploads = rt2.settings.uploads_dir
    uploads.mkdir(parents=True)
    folder = rt2.warehouse.root / "tdeadbeef"
    folder.mkdir()
    orphans = [uploads / "a.csv", folder / "x.duckdb.part", folder / "x.duckdb.part.wal", rt2.warehouse.root / "tmp" / "0123456789ab"]
    live = [uploads / "b.csv", folder / "y.duckdb.part", rt2.warehouse.root / "tmp" / "abcdef012345"]
    remote = [uploads / "c.csv"]
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    with rt2.store.transaction() as session:  # another host's live lease, and this host's lease of a process that is gone
        session.add(
            WorkLease(name="import:remote", host="elsewhere", pid=1, expires_at=utcnow() + dt.timedelta(minutes=1), paths=[str(remote[0])])
        )
        session.add(
            WorkLease(
                name="import:dead", host=HOST, pid=int(dead_pid), expires_at=utcnow() + dt.timedelta(minutes=1), paths=[str(orphans[0])]
            )
        )
    with Held(rt2.store, "import", live):
        for path in orphans + live + remote:
            path.mkdir() if path.parent.name == "tmp" else path.write_bytes(b"x")
        assert [r.outcome for r in rt2.jobs.run_due() if r.job == "datasets.sweep_orphans"] == ["ok"]
        assert [p for p in orphans if p.exists()] == []
        assert [p for p in live + remote if not p.exists()] == []
    with rt2.store.read() as session:
        assert [lease.name for lease in session.query(WorkLease)] == ["import:remote"]  # the dead one was dropped, ours released


# -- the permission before the body -----------------------------------------------------------


class Endless(io.RawIOBase):
    """A multipart body of `size` bytes made on demand: fields first, then a CSV file; counts what was read."""

    def __init__(self, fields: dict[str, str], size: int) -> None:
        head = "".join(f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items())
        self.head = (head + '--B\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\nx,y\r\n').encode()
        self.size = size
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the body by seeking to its end and back
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = self.size if whence == 2 else offset
        return self.position

    def tell(self) -> int:
        return getattr(self, "position", 0)

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self.size - self.consumed)
        if want <= 0:
            return 0
        block = (
            (self.head + b"1,2\r\n" * (want // 5 + 1))[self.consumed :] if self.consumed < len(self.head) else b"1,2\r\n" * (want // 5 + 1)
        )
        buffer[:want] = block[:want]
        self.consumed += want
        return want


def test_a_caller_who_may_not_import_is_refused_before_the_body_is_read(web: Web) -> None:
    size = 199 << 20
    token = web.token("traffic_staff")  # may import into traffic, not hotline
    uploads = web.rt.settings.uploads_dir
    for query, fields in (("?department=hotline", {"name": "偷偷"}), ("", {"name": "偷偷", "department": "hotline"})):
        body = Endless(fields, size)
        response = web.client().post(
            f"/api/v1/datasets{query}",
            input_stream=body,
            content_type="multipart/form-data; boundary=B",
            content_length=size,
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 403, response.text[:300]
        assert body.consumed < 1 << 20, f"{body.consumed:,} of {size:,} bytes were read before the refusal"
        assert not uploads.exists() or list(uploads.iterdir()) == []
    body = Endless({"name": "不存在的", "department": "traffic", "dataset": "no_such_dataset_x", "mode": "append"}, 5 << 20)
    refused = web.client().post(
        "/api/v1/datasets",
        input_stream=body,
        content_type="multipart/form-data; boundary=B",
        content_length=5 << 20,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 404 and body.consumed < 1 << 20, (refused.status_code, body.consumed)  # nothing to append to
    assert not list(uploads.iterdir() if uploads.exists() else [])


def test_an_allowed_streamed_upload_imports_and_leaves_no_upload_behind(web: Web) -> None:
    csv = b"district,cases\r\n" + b"".join(f"\xe4\xb8\x9c\xe5\x9f\x8e\xe5\x8c\xba,{i}\r\n".encode() for i in range(50))
    body = (
        b'--B\r\nContent-Disposition: form-data; name="department"\r\n\r\ntraffic\r\n'
        b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\n\xe6\xa1\x88\xe4\xbb\xb6\r\n'
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="cases.csv"\r\nContent-Type: text/csv\r\n\r\n'
        + csv
        + b"\r\n--B--\r\n"
    )
    response = web.client().post(
        "/api/v1/datasets",
        data=body,
        content_type="multipart/form-data; boundary=B",
        headers={"Authorization": f"Bearer {web.token('traffic_staff')}"},
    )
    assert response.status_code == 201, response.text[:400]
    assert response.json["rows"] == 50 and response.json["name_zh"] == "案件"
    assert list(web.rt.settings.uploads_dir.iterdir()) == []


def test_the_version_history_gives_a_scoped_caller_the_rows_they_may_read(web: Web) -> None:
    from access.actor import SYSTEM
    from datasets.importer import ImportRequest

    for east in (3, 4):
        table = pa.table({"district": ["东城区"] * east + ["西城区"] * 5, "n": list(range(east + 5))})
        web.rt.importer.import_arrow(SYSTEM, table, ImportRequest(name="分区", department="traffic", dataset_id="split"))
    headers = {"Authorization": f"Bearer {web.token('traffic_staff')}"}  # 东城区 only
    versions = web.client().get("/api/v1/datasets/split/versions", headers=headers).json["versions"]
    assert [(v["version"], v["rows"]) for v in versions] == [(2, 4), (1, 3)]  # never the 9 (8) rows of the whole version
    whole = web.client().get("/api/v1/datasets/split/versions", headers={"Authorization": f"Bearer {web.token('admin')}"})
    assert [(v["version"], v["rows"]) for v in whole.json["versions"]] == [(2, 9), (1, 8)]


# -- kill -9 of a real server and of a CLI import -----------------------------------------------


def big_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("district,cases,note,at\n")
        block = "".join(f"西城区,{i},说明文字 {i % 97},2025-01-{1 + i % 28:02d} 12:{i % 60:02d}:00\n" for i in range(10_000))
        for _ in range(rows // 10_000):
            fh.write(block)
    return path


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[tuple[dict[str, str], str, Path]]:
    """A migrated instance with dataset `cases` at version 1 (10 rows) and an analyst token; (env, token, data dir)."""
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
        token = issue_token(session, "traffic_analyst")
    rt.close()
    env = {
        **os.environ,
        "CITY_DATA_DIR": str(settings.data_dir),
        "CITY_SECRET_KEY": "kT9#q" * 10,
        "CITY_DEMO": "0",
        "CITY_LOG_LEVEL": "WARNING",
    }
    env.pop("CITY_DATABASE_URL", None)
    yield env, token, settings.data_dir


def leftovers(data: Path) -> list[str]:
    uploads = data / "uploads"
    found = [p for p in uploads.iterdir()] if uploads.is_dir() else []
    found += list((data / "warehouse").glob("*/*.part*")) + [p for p in (data / "warehouse" / "tmp").iterdir() if p.is_dir()]
    return sorted(str(p.relative_to(data)) for p in found)


def ran_by(data: Path, pid: int) -> set[str]:
    """Jobs the process `pid` has run (its scheduler thread), read from the run history."""
    import sqlite3

    with sqlite3.connect(data / "metadata.sqlite3") as db:
        rows = db.execute("SELECT job FROM job_runs WHERE outcome = 'ok' AND holder LIKE ?", (f"%:{pid}:%",)).fetchall()
    return {job for (job,) in rows} if {"datasets.sweep_orphans", "datasets.collect_versions"} <= {j for (j,) in rows} else set()


def wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env={**env, "CITY_PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert server.poll() is None, server.stderr.read().decode()[-2000:] if server.stderr else "server exited"
        try:
            return get(f"{base}/api/v1/health", "")[0] == 200
        except OSError:
            return False

    wait_for(up, 90, "the server to start")
    return server


def post_file(url: str, token: str, path: Path, fields: dict[str, str]) -> None:
    """A multipart POST streamed from the file; any outcome (the server dies mid-way)."""
    boundary = "cityboundary"
    head = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items())
    head += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n\r\n'
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head.encode()
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                yield block
        yield tail

    length = len(head.encode()) + path.stat().st_size + len(tail)
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(length),
    }
    request = urllib.request.Request(url, data=chunks(), headers=headers, method="POST")
    with contextlib.suppress(urllib.error.URLError, ConnectionError, OSError):
        urllib.request.urlopen(request, timeout=120).read()


@pytest.mark.slow
def test_kill_9_of_the_server_mid_import_then_a_restart_leaves_nothing_and_serves_the_old_version(
    instance: tuple[dict[str, str], str, Path], tmp_path: Path
) -> None:
    env, token, data = instance
    path = big_csv(tmp_path / "big.csv", 1_500_000)
    port = free_port()
    server = serve(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        first = server.pid
        wait_for(lambda: ran_by(data, first), 60, "the server's scheduler thread to run the due jobs")
        sender = threading.Thread(
            target=post_file,
            args=(f"{base}/api/v1/datasets", token, path, {"department": "traffic", "dataset": "cases", "name": "案件"}),
            daemon=True,
        )
        sender.start()
        wait_for(lambda: list((data / "warehouse").glob("*/*.duckdb.part")), 120, "the import to start writing its version")
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        sender.join(timeout=30)
        left = leftovers(data)
        assert any(p.startswith("uploads/") for p in left) and any(p.endswith(".duckdb.part") for p in left), left
        server = serve(env, port)  # the restart sweeps at start-up
        assert leftovers(data) == []
        status, found = get(f"{base}/api/v1/datasets/cases", token)
        assert status == 200 and found["rows"] == 10, found
        status, versions = get(f"{base}/api/v1/datasets/cases/versions", token)
        assert [v["version"] for v in versions["versions"]] == [1]
    finally:
        server.kill()
        server.wait(timeout=30)


@pytest.mark.slow
def test_kill_9_of_a_cli_import_then_the_next_start_leaves_nothing_and_the_old_version_serves(
    instance: tuple[dict[str, str], str, Path], tmp_path: Path
) -> None:
    env, _token, data = instance
    path = big_csv(tmp_path / "big.csv", 1_500_000)
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    cli = subprocess.Popen(
        [*flask, "datasets", "import", str(path), "--dataset", "cases", "--department", "traffic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: list((data / "warehouse").glob("*/*.duckdb.part")), 120, "the CLI import to start writing its version")
    os.kill(cli.pid, signal.SIGKILL)
    cli.wait(timeout=30)
    assert [p for p in leftovers(data) if p.endswith(".duckdb.part")], leftovers(data)
    listed = subprocess.run([*flask, "jobs", "list"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert leftovers(data) == []
    import runtime
    from access.actor import SYSTEM

    rt = runtime.build_runtime(make_settings(data))
    try:
        assert rt.door.dataset(SYSTEM, "cases").rows == 10
        assert json.loads(json.dumps(rt.door.dataset(SYSTEM, "cases").summary(), default=str))["rows"] == 10
    finally:
        rt.close()
