"""Tables of the job runner: the schedule with its lease, the run history, and work leases (files in use)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow


class JobSchedule(Base):
    """One row per registered job: when it is next due and who holds it while it runs."""

    __tablename__ = "job_schedule"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    next_due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    lease_holder: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class JobRun(Base):
    """One run of a job for one due time: outcome `running`, `ok`, `failed` or `abandoned` (its holder died)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(String(100), index=True)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="")
    holder: Mapped[str] = mapped_column(String(200))


class WorkLease(Base):
    """Work in progress (an import) and the files it owns; live while its process lives and it renews `expires_at`."""

    __tablename__ = "work_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    paths: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
