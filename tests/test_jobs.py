"""The job runner (jobs/): exactly one run per due job across threads, processes and hosts' stores (SQLite and
PostgreSQL), a clock tests set, the run history, and `flask --app app jobs run-due --now`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from jobs.clock import SetClock, parse_instant
from jobs.runner import Job, Runner, next_due
from store import migrate
from store.engine import Store
from tests.conftest import ROOT

T0 = dt.datetime(2026, 12, 6, 0, 0)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def store(store_url: str) -> Store:
    migrate.upgrade(store_url)
    found = Store(store_url)
    yield found  # type: ignore[misc]
    found.dispose()


def test_next_due_keeps_the_cadence_and_skips_missed_times() -> None:
    every = dt.timedelta(minutes=10)
    assert next_due(T0, every, T0) == T0 + every
    assert next_due(T0, every, T0 + 3 * MINUTE) == T0 + every
    assert next_due(T0, every, T0 + 10 * MINUTE) == T0 + 2 * every  # due again exactly now: that time has run
    assert next_due(T0, every, T0 + 95 * MINUTE) == T0 + 10 * every


def test_parse_instant_takes_offsets_to_utc() -> None:
    assert parse_instant("2026-12-06T08:00:00+08:00") == T0
    assert parse_instant("2026-12-06T00:00:00Z") == T0
    assert parse_instant("2026-12-06 00:00") == T0
    with pytest.raises(ValueError):
        parse_instant("tomorrow")


def test_a_due_job_runs_once_per_due_time_and_the_history_says_so(store: Store) -> None:
    clock = SetClock(T0)
    calls: list[dt.datetime] = []
    runner = Runner(store, clock)
    runner.register(Job("count", dt.timedelta(minutes=5), calls.append))
    assert [r.outcome for r in runner.run_due()] == ["ok"]  # a new job is due at once
    assert runner.run_due() == []  # same instant: already ran
    clock.advance(4 * MINUTE)
    assert runner.run_due() == []
    clock.advance(MINUTE)
    assert [r.due_at for r in runner.run_due()] == [T0 + 5 * MINUTE]
    assert calls == [T0, T0 + 5 * MINUTE]
    runs = runner.history("count")
    assert [(r.due_at, r.outcome, r.finished_at is not None) for r in runs] == [(T0 + 5 * MINUTE, "ok", True), (T0, "ok", True)]
    (row,) = runner.schedule()
    assert row.next_due_at == T0 + 10 * MINUTE and row.lease_holder is None


def test_a_failing_job_is_recorded_and_due_again_on_its_cadence(store: Store) -> None:
    clock = SetClock(T0)
    runner = Runner(store, clock)
    runner.register(Job("broken", dt.timedelta(hours=1), lambda _now: 1 / 0))
    runner.register(Job("fine", dt.timedelta(hours=1), lambda _now: None))
    ran = {r.job: r for r in runner.run_due()}
    assert ran["broken"].outcome == "failed" and "ZeroDivisionError" in ran["broken"].error
    assert ran["fine"].outcome == "ok"  # one failure does not stop the others
    (failed,) = runner.history("broken")
    assert failed.outcome == "failed" and "ZeroDivisionError" in failed.error
    clock.advance(dt.timedelta(hours=1))
    assert {r.job for r in runner.run_due()} == {"broken", "fine"}


def test_a_dead_runners_lease_expires_and_the_job_runs_again(store: Store) -> None:
    clock = SetClock(T0)
    calls: list[str] = []
    dead = Runner(store, clock, holder="dead-host:1")
    dead.register(Job("j", dt.timedelta(hours=1), lambda _now: calls.append("dead"), lease=dt.timedelta(minutes=10)))
    dead._ensure_rows(T0)
    assert dead._claim(dead.jobs["j"], T0) is not None  # claimed, then the process "dies" without running it
    alive = Runner(store, clock, holder="alive-host:2")
    alive.register(Job("j", dt.timedelta(hours=1), lambda _now: calls.append("alive"), lease=dt.timedelta(minutes=10)))
    clock.advance(5 * MINUTE)
    assert alive.run_due() == []  # the lease still holds
    clock.advance(6 * MINUTE)
    assert [r.due_at for r in alive.run_due()] == [T0]  # the same due time, run by the survivor
    assert calls == ["alive"]
    outcomes = sorted((r.holder, r.outcome) for r in alive.history("j"))
    assert outcomes == [("alive-host:2", "ok"), ("dead-host:1", "abandoned")]


def test_two_threads_racing_run_each_due_time_once(store: Store) -> None:
    clock = SetClock(T0)
    calls: list[dt.datetime] = []
    lock = threading.Lock()

    def slow(now: dt.datetime) -> None:
        with lock:
            calls.append(now)
        time.sleep(0.05)  # long enough for the other thread to try while this one holds the lease

    runners = [Runner(store, clock, holder=f"thread-{i}") for i in range(2)]
    for runner in runners:
        runner.register(Job("race", dt.timedelta(minutes=5), slow))
    for _minute in range(30):
        barrier = threading.Barrier(2)

        def go(runner: Runner, barrier: threading.Barrier) -> None:
            barrier.wait()
            runner.run_due()

        threads = [threading.Thread(target=go, args=(r, barrier)) for r in runners]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        clock.advance(MINUTE)
    assert calls == [T0 + i * 5 * MINUTE for i in range(6)]  # minutes 0, 5, ..., 25: each once
    assert len(runners[0].history("race")) == 6


RACER = textwrap.dedent(
    """
    import datetime as dt, os, sys, time
    from jobs.clock import SetClock
    from jobs.runner import Job, Runner
    from store.engine import Store

    url, out, start = sys.argv[1], sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])

    def work(now):
        with open(out, "a") as fh:
            fh.write(f"{os.getpid()} {now.isoformat()}\\n")
        time.sleep(0.02)

    clock = SetClock(start)
    runner = Runner(Store(url), clock)
    runner.register(Job("race", dt.timedelta(minutes=5), work))
    for minute in range(60):
        clock.set(start + dt.timedelta(minutes=minute))
        runner.run_due()
        time.sleep(0.005)
    """
)


def test_two_processes_racing_run_each_due_time_once(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "runs.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", RACER, store.url, str(out), T0.isoformat()], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err.decode()[-2000:]
    lines = out.read_text().split()
    times = sorted(lines[1::2])
    assert times == [(T0 + i * 5 * MINUTE).isoformat() for i in range(12)], times  # 60 simulated minutes, every 5: 12 runs
    runs = Runner(store).history("race", limit=100)
    assert len(runs) == 12 and {r.outcome for r in runs} == {"ok"}


def flask(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CITY_DATA_DIR": str(data_dir), "CITY_DEMO": "0", "CITY_LOG_LEVEL": "WARNING"}
    env.pop("CITY_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.slow
def test_jobs_run_due_with_now_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "instance"
    first = flask(data, "jobs", "run-due", "--now", "2026-12-06T08:00:00+08:00")
    assert first.returncode == 0, first.stderr
    assert "datasets.sweep_orphans: ok (due 2026-12-06T00:00:00 UTC)" in first.stdout
    assert "datasets.collect_versions: ok" in first.stdout
    again = flask(data, "jobs", "run-due", "--now", "2026-12-06T00:05:00")
    assert again.returncode == 0 and "No job was due." in again.stdout, again.stdout
    later = flask(data, "jobs", "run-due", "--now", "2026-12-06T00:10:00Z")
    assert "datasets.sweep_orphans: ok (due 2026-12-06T00:10:00 UTC)" in later.stdout
    assert "collect_versions" not in later.stdout  # hourly: not due yet
    listed = flask(data, "jobs", "list")
    assert "datasets.collect_versions" in listed.stdout and "next due 2026-12-06T01:00:00" in listed.stdout, listed.stdout
    history = flask(data, "jobs", "history")
    assert history.stdout.count("datasets.sweep_orphans") == 2 and " ok " in history.stdout
    bad = flask(data, "jobs", "run-due", "--now", "yesterday-ish")
    assert bad.returncode == 2 and "is not an ISO time" in bad.stderr
