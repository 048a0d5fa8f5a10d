"""Signing in with a password: the one path every password sign-in takes (web form today, LDAP later).

Throttle first (a waiting (account, address) pair is refused before its password is checked), then
check, record the attempt for the throttle, and audit: success, failure, refusal, and the moment a
pair starts to wait (`login.throttled`, naming who should be told: the account and the administrators).
"""

from __future__ import annotations

from dataclasses import dataclass

from access import ratelimit
from access.actor import Actor
from access.audit import record
from access.users import authenticate, open_session, to_actor
from store.engine import Store


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    epoch: int
    sid: str


def sign_in(store: Store, username: str, password: str, address: str) -> SignedIn | None:
    """A new login session, or None for a wrong name or password; raises ratelimit.Throttled (429) instead of waiting."""
    key = ratelimit.address_key(address)
    with store.read() as db:
        wait = ratelimit.wait_seconds(db, username, key)
    if wait:
        with store.transaction() as db:
            record(db, username, "login.refused", "user", username, {"retry_after_s": wait}, address=address)
        raise ratelimit.Throttled(wait)
    with store.transaction() as db:
        user = authenticate(db, username, password)
        signed = SignedIn(to_actor(user, db), user.session_epoch, open_session(db, user, address)) if user else None
        throttle = ratelimit.note(db, username, key, success=signed is not None)
        record(db, username, "login.success" if signed else "login.failure", "user", username, address=address)
        if throttle:
            detail = {"failures": throttle.failures, "retry_after_s": throttle.retry_after, "notify": list(throttle.notify)}
            record(db, username, "login.throttled", "user", username, detail, address=address)
    return signed
