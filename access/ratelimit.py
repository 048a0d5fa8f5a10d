"""Failed sign-ins slow the guesser down, never lock the owner out (issue 18.4).

Failures are counted per (account, address) in the metadata store (shared by every worker) and a pair
that keeps failing waits longer and longer: after FREE_FAILURES, BASE_DELAY doubling per failure up to
MAX_DELAY. A success clears its pair. Nothing here blocks: a waiting pair is answered 429 with the
seconds to wait, before its password is checked. An address (or account) with more than CEILING
failures in CEILING_WINDOW is noisy: each of its pairs then waits from its first failure, so a shared
office address or a distributed guesser is slowed, while a correct password from an address that has
not failed for the account is always checked and let in. IPv6 addresses count per /64.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session

from access.models import LoginAttempt, User
from access.roles import Role
from errors import UserError
from store.base import utcnow

FREE_FAILURES = 5
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(minutes=15)
CEILING = 20
CEILING_WINDOW = dt.timedelta(hours=1)
FORGET_AFTER = dt.timedelta(days=1)  # failures older than this no longer count (and are deleted)


class Throttled(UserError):
    """This account may not be tried from this address for `retry_after` more seconds."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        zh, en = _wait_text(retry_after)
        super().__init__(
            f"该账号在此地址登录失败次数过多，请 {zh}后再试。",
            f"Too many failed sign-ins for this account from this address; try again in {en}.",
        )


TooManyAttempts = Throttled  # the former name


def _wait_text(seconds: int) -> tuple[str, str]:
    if seconds < 120:
        return f"{seconds} 秒", f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} 分钟", f"{minutes} minutes"


@dataclass(frozen=True)
class Throttle:
    """A pair that has just started to wait: who should hear of it."""

    username: str
    address: str
    failures: int
    retry_after: int
    notify: tuple[str, ...]  # the account itself (when it exists) and every enabled administrator


# Called in the sign-in's transaction when a pair starts to wait. The audit row is written by the caller;
# an in-app notice to `notify` plugs in here once the product has notifications (none exist yet).
LISTENERS: list[Callable[[Session, Throttle], None]] = []


def address_key(address: str) -> str:
    """What an address is counted as: itself, or its /64 for IPv6 (one host holds a whole /64)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _pair(username: str, address: str) -> ColumnElement[bool]:
    return and_(LoginAttempt.username == username[:64], LoginAttempt.address == address[:64])


def _pair_failures(session: Session, username: str, address: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Failures of the pair since its last success (and within FORGET_AFTER), and the latest one's time."""
    since = now - FORGET_AFTER
    last_ok = session.scalar(select(func.max(LoginAttempt.at)).where(_pair(username, address), LoginAttempt.success.is_(True)))
    if last_ok is not None and last_ok > since:
        since = last_ok
    row = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            _pair(username, address), LoginAttempt.success.is_(False), LoginAttempt.at > since
        )
    ).one()
    return int(row[0] or 0), row[1]


def _noisy(session: Session, username: str, address: str, now: dt.datetime) -> bool:
    """More than CEILING recent failures from this address, or for this account, across all pairs."""
    recent = (LoginAttempt.success.is_(False), LoginAttempt.at > now - CEILING_WINDOW)
    from_address = session.scalar(select(func.count()).where(LoginAttempt.address == address[:64], *recent)) or 0
    if from_address >= CEILING:
        return True
    for_account = session.scalar(select(func.count()).where(LoginAttempt.username == username[:64], *recent)) or 0
    return for_account >= CEILING


def delay_after(failures: int, free: int) -> dt.timedelta:
    """How long a pair waits after its latest failure: nothing within `free`, then doubling to MAX_DELAY."""
    if failures < free or failures == 0:
        return dt.timedelta(0)
    doubled: dt.timedelta = BASE_DELAY * 2 ** min(failures - free, 32)
    return min(doubled, MAX_DELAY)


def wait_seconds(session: Session, username: str, address: str, now: dt.datetime | None = None) -> int:
    """Seconds this pair must still wait before its password is checked; 0 when it may try now."""
    now = now or utcnow()
    failures, last = _pair_failures(session, username, address, now)
    if failures == 0 or last is None:
        return 0
    free = 1 if _noisy(session, username, address, now) else FREE_FAILURES
    remaining = (last + delay_after(failures, free) - now).total_seconds()
    return max(0, math.ceil(remaining))


def check(session: Session, username: str, address: str, now: dt.datetime | None = None) -> None:
    """Raise Throttled when the pair must wait; known and unknown accounts are treated the same."""
    wait = wait_seconds(session, username, address, now)
    if wait:
        raise Throttled(wait)


def _recipients(session: Session, username: str) -> tuple[str, ...]:
    admins = session.scalars(select(User.username).where(User.role == Role.ADMIN.value, User.enabled.is_(True)).order_by(User.username))
    owner = session.scalar(select(User.username).where(User.username == username))
    return tuple(dict.fromkeys([*([owner] if owner else []), *admins]))


def _waits(session: Session, username: str, address: str, now: dt.datetime) -> bool:
    """Whether the pair's failures so far make it wait after its latest one."""
    failures, _ = _pair_failures(session, username, address, now)
    free = 1 if _noisy(session, username, address, now) else FREE_FAILURES
    return delay_after(failures, free) > dt.timedelta(0)


def note(session: Session, username: str, address: str, success: bool, now: dt.datetime | None = None) -> Throttle | None:
    """Record an attempt whose password was checked; the failure that makes the pair start waiting returns who to tell."""
    now = now or utcnow()
    waited = not success and _waits(session, username, address, now)
    session.add(LoginAttempt(username=username[:64], address=address[:64], success=success, at=now))
    session.flush()
    if success:
        return None
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - FORGET_AFTER))
    if waited or not _waits(session, username, address, now):  # announced once, when the waiting starts
        return None
    failures, _ = _pair_failures(session, username, address, now)
    throttle = Throttle(
        username[:64], address[:64], failures, wait_seconds(session, username, address, now), _recipients(session, username)
    )
    for listener in LISTENERS:
        listener(session, throttle)
    return throttle
