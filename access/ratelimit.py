"""Failed sign-ins are limited per account and per address, counted in the store (shared by all workers)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from access.models import LoginAttempt
from errors import UserError
from store.base import utcnow

WINDOW = dt.timedelta(minutes=15)
MAX_PER_ACCOUNT = 5
MAX_PER_ADDRESS = 20


class TooManyAttempts(UserError):
    status = 429
    code = "rate_limited"

    def __init__(self) -> None:
        super().__init__("登录失败次数过多，请 15 分钟后再试。", "Too many failed sign-ins; try again in 15 minutes.")


def _failures(session: Session, *, username: str | None = None, address: str | None = None) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False), LoginAttempt.at >= utcnow() - WINDOW)
    query = query.where(LoginAttempt.username == username) if username is not None else query.where(LoginAttempt.address == address)
    return int(session.scalar(query) or 0)


def check(session: Session, username: str, address: str) -> None:
    """Refuse before checking the password when the account or the address failed too often (known or not)."""
    if _failures(session, username=username) >= MAX_PER_ACCOUNT or _failures(session, address=address) >= MAX_PER_ADDRESS:
        raise TooManyAttempts()


def note(session: Session, username: str, address: str, success: bool) -> None:
    session.add(LoginAttempt(username=username[:64], address=address[:64], success=success))
