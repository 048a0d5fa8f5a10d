"""The runner's idea of now: the system clock, or one a test (or `jobs run-due --now`) sets."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from store.base import utcnow


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Naive UTC, as the metadata store keeps times."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return utcnow()


class SetClock:
    """A clock that stands still until it is set or advanced."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def set(self, at: dt.datetime) -> None:
        self.at = at

    def advance(self, by: dt.timedelta) -> dt.datetime:
        self.at += by
        return self.at


def parse_instant(text: str) -> dt.datetime:
    """An ISO time as naive UTC; a time without an offset is taken as UTC. ValueError on anything else."""
    parsed = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed
