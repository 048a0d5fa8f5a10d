"""Periodic jobs, run exactly once per due time however many processes and hosts run the scheduler.

Each registered job has a row in `job_schedule` (next due time, lease holder, lease end). A runner claims a due
job by taking its lease in one short transaction, runs it outside any transaction, then moves the due time on and
drops the lease. Whoever claims second finds the lease taken (the job is running) or the due time moved (it ran).

Claiming differs by database, for the same effect:
- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` on the due row, then the UPDATE, in one transaction. A runner that
  finds the row locked by another claimer skips it at once instead of queueing behind it, and READ COMMITTED
  re-checks nothing it did not lock, so two claims can never both see the lease free.
- SQLite: a conditional `UPDATE … WHERE next_due_at <= now AND lease free`; the store begins every write
  transaction with BEGIN IMMEDIATE (store/engine.py), so claims are serialised by the database's write lock and
  the second sees the first one's lease (rowcount 0). SQLite has no row locks, so SKIP LOCKED has no meaning there.
A Redis lock was not chosen: the lease would live apart from the schedule and run history it guards, and a store
row is there on every installation (Redis is optional).

A runner that dies mid-run leaves a lease that expires (`Job.lease`); the next claim after that runs the job again
and marks the dead run `abandoned`. Times are naive UTC from the runner's clock (jobs/clock.py), so tests and
`flask --app app jobs run-due --now …` can set it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from jobs.clock import Clock, SystemClock
from jobs.lease import HOST
from jobs.models import JobRun, JobSchedule
from store.engine import Store

log = logging.getLogger(__name__)
POLL_SECONDS = 30.0


@dataclass(frozen=True)
class Job:
    """`run(now)` does the work; it is due every `every`, and may hold the job for `lease` before it is presumed dead."""

    name: str
    every: dt.timedelta
    run: Callable[[dt.datetime], object]
    lease: dt.timedelta = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Ran:
    job: str
    due_at: dt.datetime
    outcome: str
    error: str = ""


def next_due(due: dt.datetime, every: dt.timedelta, now: dt.datetime) -> dt.datetime:
    """The first time after `now` on the job's cadence from `due` (missed times are skipped, not caught up)."""
    steps = max(1, math.floor((now - due) / every) + 1)
    return due + steps * every


class Runner:
    """The jobs of this process and the means to run those that are due."""

    def __init__(self, store: Store, clock: Clock | None = None, holder: str | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.holder = holder or f"{HOST}:{os.getpid()}:{threading.get_ident()}"
        self.jobs: dict[str, Job] = {}

    def register(self, job: Job) -> None:
        self.jobs[job.name] = job

    def run_due(self, now: dt.datetime | None = None) -> list[Ran]:
        """Run every registered job that is due at `now` (default: the clock's) and that no one else holds."""
        now = now or self.clock.now()
        self._ensure_rows(now)
        done = []
        for job in self.jobs.values():
            claimed = self._claim(job, now)
            if claimed is not None:
                done.append(self._run(job, claimed[0], claimed[1], now))
        return done

    def _ensure_rows(self, now: dt.datetime) -> None:
        insert = pg_insert if self.store.engine.dialect.name == "postgresql" else sqlite_insert
        with self.store.transaction() as session:
            for name in self.jobs:
                session.execute(insert(JobSchedule).values(name=name, next_due_at=now).on_conflict_do_nothing(index_elements=["name"]))

    def _claim(self, job: Job, now: dt.datetime) -> tuple[dt.datetime, int] | None:
        """Take the job's lease if it is due and free; (its due time, the run's id) or None."""
        with self.store.transaction() as session:
            due = self._take(session, job, now)
            if due is None:
                return None
            abandoned = session.scalars(select(JobRun).where(JobRun.job == job.name, JobRun.outcome == "running"))
            for run in abandoned:
                run.outcome, run.finished_at, run.error = "abandoned", now, f"lease of {run.holder} expired"
            run = JobRun(job=job.name, due_at=due, started_at=now, outcome="running", holder=self.holder)
            session.add(run)
            session.flush()
            return due, run.id

    def _take(self, session: Session, job: Job, now: dt.datetime) -> dt.datetime | None:
        free = (
            JobSchedule.name == job.name,
            JobSchedule.next_due_at <= now,
            or_(JobSchedule.lease_until.is_(None), JobSchedule.lease_until <= now),
        )
        lease = {"lease_holder": self.holder, "lease_until": now + job.lease}
        if session.get_bind().dialect.name == "postgresql":
            due = session.scalar(select(JobSchedule.next_due_at).where(*free).with_for_update(skip_locked=True))
            if due is not None:
                session.execute(update(JobSchedule).where(JobSchedule.name == job.name).values(**lease))
            return due
        taken = session.execute(update(JobSchedule).where(*free).values(**lease))
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return session.scalar(select(JobSchedule.next_due_at).where(JobSchedule.name == job.name))

    def _run(self, job: Job, due: dt.datetime, run_id: int, now: dt.datetime) -> Ran:
        outcome, error = "ok", ""
        try:
            job.run(now)
        except Exception as exc:  # a failed job is recorded and due again on its cadence; the runner goes on
            log.exception("job %s failed", job.name)
            outcome, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        with self.store.transaction() as session:
            session.execute(
                update(JobSchedule)
                .where(JobSchedule.name == job.name, JobSchedule.lease_holder == self.holder)
                .values(next_due_at=next_due(due, job.every, now), lease_holder=None, lease_until=None)
            )
            session.execute(update(JobRun).where(JobRun.id == run_id).values(finished_at=self.clock.now(), outcome=outcome, error=error))
        return Ran(job.name, due, outcome, error)

    def schedule(self) -> list[JobSchedule]:
        with self.store.read() as session:
            return list(session.scalars(select(JobSchedule).order_by(JobSchedule.name)))

    def history(self, job: str | None = None, limit: int = 50) -> list[JobRun]:
        with self.store.read() as session:
            query = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
            return list(session.scalars(query.where(JobRun.job == job) if job else query))


class Scheduler:
    """A daemon thread that runs due jobs every `poll` seconds until stopped (embedded in the web process)."""

    def __init__(self, runner: Runner, poll: float = POLL_SECONDS) -> None:
        self.runner = runner
        self.poll = poll
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, name="city-scheduler", daemon=True)

    def start(self) -> Scheduler:
        self.thread.start()
        return self

    def loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.runner.run_due()
            except Exception:  # the store may be briefly unreachable; try again next time
                log.exception("running due jobs failed")
            self._stop.wait(self.poll)

    def stop(self) -> None:
        self._stop.set()
