"""Work leases: a row in the metadata store per piece of work in progress (an import), naming the files it owns.

A sweeper deletes files no live lease names. A lease is live while its `expires_at` is in the future — a heartbeat
thread renews it every third of its time to live — and, on the sweeper's own host, while its process exists: after
kill -9 the process is gone at once, so a restart sweeps at once instead of waiting for the lease to expire. A
lease from another host is trusted until it expires (its process cannot be asked). The metadata store (not a lock
file) holds leases so that hosts sharing the warehouse on a network file system see each other's work.

The sweeper lists files first and reads leases second; the work takes its lease before it creates a file, so a file
the sweeper saw either has its lease visible or belongs to finished work.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from sqlalchemy import delete, select, update

from jobs.models import WorkLease
from store.base import utcnow
from store.engine import Store

log = logging.getLogger(__name__)
HOST = socket.gethostname()[:200]
TTL = dt.timedelta(seconds=90)


def process_alive(pid: int) -> bool:
    """Whether `pid` is a running (not zombie) process of this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class Held:
    """`with Held(store, "import", [paths]) as lease:` — the paths are the work's until the block ends."""

    def __init__(self, store: Store, kind: str, paths: Iterable[Path], ttl: dt.timedelta = TTL) -> None:
        self.store = store
        self.name = f"{kind}:{uuid.uuid4().hex}"
        self.paths = [str(p.resolve()) for p in paths]
        self.ttl = ttl
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def __enter__(self) -> Held:
        return self.acquire()

    def acquire(self) -> Held:
        with self.store.transaction() as session:
            session.add(WorkLease(name=self.name, host=HOST, pid=os.getpid(), expires_at=utcnow() + self.ttl, paths=self.paths))
        self._beat = threading.Thread(target=self._heartbeat, name=f"lease-{self.name}", daemon=True)
        self._beat.start()
        return self

    def add(self, path: Path) -> None:
        """Claim one more file before creating it."""
        self.paths.append(str(path.resolve()))
        with self.store.transaction() as session:
            session.execute(update(WorkLease).where(WorkLease.name == self.name).values(paths=list(self.paths)))

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl.total_seconds() / 3):
            try:
                with self.store.transaction() as session:
                    session.execute(update(WorkLease).where(WorkLease.name == self.name).values(expires_at=utcnow() + self.ttl))
            except Exception:  # a missed beat only shortens the lease; the next one renews it
                log.warning("renewing lease %s failed", self.name, exc_info=True)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        with self.store.transaction() as session:
            session.execute(delete(WorkLease).where(WorkLease.name == self.name))


def is_live(lease: WorkLease, now: dt.datetime) -> bool:
    """Another host's lease until it expires; on this host while its process lives (a late heartbeat of a busy
    process is forgiven for an hour, after which a process with that pid is taken to be a stranger)."""
    if lease.host != HOST:
        return lease.expires_at > now
    return lease.expires_at > now - dt.timedelta(hours=1) and process_alive(lease.pid)


def live_paths(store: Store, now: dt.datetime | None = None) -> set[Path]:
    """The files live work owns; dead leases are deleted on the way."""
    now = now or utcnow()
    with store.transaction() as session:
        leases = list(session.scalars(select(WorkLease)))
        dead = [lease.name for lease in leases if not is_live(lease, now)]
        if dead:
            session.execute(delete(WorkLease).where(WorkLease.name.in_(dead)))
        return {Path(p) for lease in leases if lease.name not in dead for p in lease.paths}
