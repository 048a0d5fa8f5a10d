"""Issue 18.4: failed sign-ins slow the guesser down and never lock the owner out.

Real app, real SQLite store, requests from distinct socket addresses (`environ_base`). Time passing is
simulated by moving the stored attempts back (what the clock would have done), never by sleeping.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from access import ratelimit
from access.audit import events
from access.models import LoginAttempt
from i18n import LANG_COOKIE
from store.base import utcnow
from store.engine import Store
from tests.conftest import PASSWORD, Web, csrf_from

ATTACKER, OWNER, OFFICE = "203.0.113.66", "198.51.100.7", "192.0.2.10"


def client_at(web: Web, address: str) -> FlaskClient:
    client: FlaskClient = web.app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address  # the socket's address, as the server sees it
    return client


def sign_in(client: FlaskClient, username: str, password: str, **headers: str) -> Any:
    page = client.get("/login")
    form = {"username": username, "password": password, "csrf_token": csrf_from(page.text), "next": "/"}
    return client.post("/login", data=form, headers=headers)


def time_passes(web: Web, seconds: float) -> None:
    """Every stored attempt moves `seconds` into the past, as if the clock had run on."""
    with web.rt.store.transaction() as db:
        for row in db.scalars(select(LoginAttempt)):
            row.at -= dt.timedelta(seconds=seconds)


def audit(web: Web, action: str) -> list[dict[str, Any]]:
    with web.rt.store.read() as db:
        return events(db, action=action, limit=1000)


def test_an_attacker_is_slowed_more_and_more_while_the_owner_signs_in_from_elsewhere(web: Web) -> None:
    attacker, owner = client_at(web, ATTACKER), client_at(web, OWNER)
    checked, waits = 0, []
    while checked < 50:
        answer = sign_in(attacker, "traffic_staff", f"guess-{checked}")
        if answer.status_code == 401:
            checked += 1
            continue
        assert answer.status_code == 429, answer.status_code
        wait = int(answer.headers["Retry-After"])
        waits.append(wait)
        assert attacker.get("/api/v1/datasets").status_code == 401
        owner_in = sign_in(client_at(web, OWNER), "traffic_staff", PASSWORD)  # at once, while the attacker waits
        assert owner_in.status_code == 302, owner_in.text[:300]
        time_passes(web, wait)
    assert checked == 50 and len(waits) == 50 - ratelimit.FREE_FAILURES  # a wait after each failure from the fifth on
    assert waits[:6] == [30, 60, 120, 240, 480, 900], waits  # doubling from BASE_DELAY ...
    assert set(waits[5:]) == {900}  # ... up to MAX_DELAY, never a lock
    assert sign_in(owner, "traffic_staff", PASSWORD).status_code == 302
    assert owner.get("/api/v1/datasets").status_code == 200


def test_a_waiting_pair_is_refused_before_its_password_is_checked_with_zh_and_en_text(web: Web) -> None:
    attacker = client_at(web, ATTACKER)
    for n in range(ratelimit.FREE_FAILURES):
        assert sign_in(attacker, "traffic_staff", f"guess-{n}").status_code == 401
    refused = sign_in(attacker, "traffic_staff", PASSWORD)  # even the right password waits: it is not checked
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 30
    assert re.search(r"请 \d+ 秒后再试", refused.text), refused.text[:500]
    attacker.set_cookie(LANG_COOKIE, "en")
    english = sign_in(attacker, "traffic_staff", PASSWORD)
    assert english.status_code == 429 and f"try again in {english.headers['Retry-After']} second" in english.text
    forged = sign_in(attacker, "traffic_staff", PASSWORD, **{"X-Forwarded-For": OWNER, "X-Real-IP": OWNER})
    assert forged.status_code == 429  # a header does not move the attacker to the owner's address
    time_passes(web, 30)
    assert sign_in(attacker, "traffic_staff", PASSWORD).status_code == 302  # the wait is over: a success clears the pair
    assert sign_in(client_at(web, ATTACKER), "traffic_staff", "typo-again").status_code == 401  # and counting starts over


def test_an_office_address_with_many_failures_slows_but_lets_a_colleague_in(web: Web) -> None:
    office = client_at(web, OFFICE)
    for n in range(ratelimit.CEILING):
        assert sign_in(office, f"colleague{n}", "wrong-password-1").status_code == 401
    colleague = client_at(web, OFFICE)
    assert sign_in(colleague, "hotline_staff", PASSWORD).status_code == 302  # right password, no failure of their own
    assert colleague.get("/api/v1/datasets").status_code == 200
    again = sign_in(client_at(web, OFFICE), "colleague0", "wrong-password-2")
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0  # the noisy address waits from the first failure
    assert sign_in(client_at(web, OFFICE), "traffic_staff", "wrong-password-3").status_code == 401  # a new pair is still checked
    assert sign_in(client_at(web, OFFICE), "traffic_staff", PASSWORD).status_code == 429  # ... then waits
    assert sign_in(client_at(web, OWNER), "traffic_staff", PASSWORD).status_code == 302  # elsewhere, nothing waits


def test_many_addresses_against_one_account_each_wait_from_their_first_failure(web: Web) -> None:
    for n in range(ratelimit.CEILING):
        assert sign_in(client_at(web, f"10.9.{n}.1"), "traffic_staff", "wrong-password-1").status_code == 401
    assert sign_in(client_at(web, "10.9.0.1"), "traffic_staff", "wrong-password-2").status_code == 429
    assert sign_in(client_at(web, OWNER), "traffic_staff", PASSWORD).status_code == 302  # the owner's address never failed


def test_the_start_of_a_wait_is_audited_once_naming_the_owner_and_the_admins(web: Web) -> None:
    attacker = client_at(web, ATTACKER)
    for n in range(ratelimit.FREE_FAILURES + 3):
        sign_in(attacker, "traffic_staff", f"guess-{n}")
        time_passes(web, ratelimit.MAX_DELAY.total_seconds())
    throttled = audit(web, "login.throttled")
    assert len(throttled) == 1, throttled
    assert throttled[0]["actor"] == "traffic_staff" and throttled[0]["address"] == ATTACKER
    detail = throttled[0]["detail"]
    assert detail["notify"][0] == "traffic_staff" and "admin" in detail["notify"]
    assert detail["failures"] == ratelimit.FREE_FAILURES and detail["retry_after_s"] == 30
    sign_in(attacker, "traffic_staff", "guess-x")
    refused = sign_in(attacker, "traffic_staff", "guess-y")
    assert refused.status_code == 429
    refusals = audit(web, "login.refused")
    assert refusals and refusals[0]["detail"]["retry_after_s"] == int(refused.headers["Retry-After"])
    assert len(audit(web, "login.failure")) == ratelimit.FREE_FAILURES + 4
    ghost = audit(web, "login.throttled")
    for n in range(ratelimit.FREE_FAILURES):
        sign_in(attacker, "nobody_here", f"guess-{n}")
    unknown = [e for e in audit(web, "login.throttled") if e not in ghost]
    assert len(unknown) == 1 and unknown[0]["detail"]["notify"] == ["admin"]  # no such account: the administrators hear


def test_listeners_hear_of_a_wait_in_the_same_transaction(web: Web) -> None:
    heard: list[ratelimit.Throttle] = []
    ratelimit.LISTENERS.append(lambda _db, throttle: heard.append(throttle))
    try:
        for n in range(ratelimit.FREE_FAILURES):
            sign_in(client_at(web, ATTACKER), "traffic_staff", f"guess-{n}")
    finally:
        ratelimit.LISTENERS.clear()
    assert [(h.username, h.address, h.failures, h.retry_after) for h in heard] == [("traffic_staff", ATTACKER, 5, 30)]


def test_the_count_lives_in_the_store_shared_by_every_worker(web: Web) -> None:
    attacker = client_at(web, ATTACKER)
    for n in range(ratelimit.FREE_FAILURES):
        sign_in(attacker, "traffic_staff", f"guess-{n}")
    other_worker = Store(web.rt.store.url)  # another process would open its own engine on the same store
    try:
        with other_worker.read() as db:
            assert 0 < ratelimit.wait_seconds(db, "traffic_staff", ATTACKER) <= 30
            assert ratelimit.wait_seconds(db, "traffic_staff", OWNER) == 0
    finally:
        other_worker.dispose()


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.66", "203.0.113.66"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.10", "192.0.2.10"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_ipv6_hosts_count_per_64(address: str, key: str) -> None:
    assert ratelimit.address_key(address) == key


def test_delays_double_to_the_cap() -> None:
    free = ratelimit.FREE_FAILURES
    seconds = [ratelimit.delay_after(n, free).total_seconds() for n in range(free + 8)]
    assert seconds == [0] * free + [30, 60, 120, 240, 480, 900, 900, 900]
    assert ratelimit.delay_after(10**6, free) == ratelimit.MAX_DELAY and ratelimit.delay_after(1, 1).total_seconds() == 30


def test_old_failures_are_forgotten_and_deleted(web: Web) -> None:
    attacker = client_at(web, ATTACKER)
    for n in range(ratelimit.FREE_FAILURES):
        sign_in(attacker, "traffic_staff", f"guess-{n}")
    time_passes(web, ratelimit.FORGET_AFTER.total_seconds() + 60)
    assert sign_in(attacker, "hotline_staff", "wrong-password-1").status_code == 401
    with web.rt.store.read() as db:
        left = db.scalars(select(LoginAttempt.username)).all()
        assert ratelimit.wait_seconds(db, "traffic_staff", ATTACKER, utcnow()) == 0
    assert left == ["hotline_staff"]


PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("peer", "forwarded", "proxies", "expected"),
    [
        (ATTACKER, OWNER, "", ATTACKER),  # no proxy configured: the header is the client's word, ignored
        (ATTACKER, OWNER, PROXY, ATTACKER),  # not from the proxy: ignored
        (PROXY, OWNER, PROXY, OWNER),
        (PROXY, f"{OWNER}, {ATTACKER}", PROXY, ATTACKER),  # a client's own X-Forwarded-For is to the left of what the proxy saw
        (PROXY, f"{OWNER}, 10.0.0.2", "10.0.0.0/24", OWNER),  # two proxies in a row
        (PROXY, "not-an-address", PROXY, PROXY),  # malformed: the proxy itself is counted
        (PROXY, "", PROXY, PROXY),
        (PROXY, "2001:db8::5", "10.0.0.1, ::1", "2001:db8::5"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(peer: str, forwarded: str, proxies: str, expected: str) -> None:
    from settings import Settings
    from web.address import client_address

    networks = Settings.from_env({"CITY_TRUSTED_PROXIES": proxies}).proxy_networks
    assert networks is not None and client_address(peer, forwarded, networks) == expected


def test_a_bad_trusted_proxy_setting_is_refused() -> None:
    from settings import Settings, SettingsError

    with pytest.raises(SettingsError, match="CITY_TRUSTED_PROXIES"):
        Settings.from_env({"CITY_TRUSTED_PROXIES": "10.0.0.1, proxy.example"})


def test_behind_a_trusted_proxy_each_client_is_its_own_address(tmp_path: Path) -> None:
    from app import create_app
    from tests.conftest import make_settings, seed_directory

    app = create_app(make_settings(tmp_path / "proxied", trusted_proxies=PROXY))
    web = Web(app, app.server.extensions["city"])
    seed_directory(web.rt)
    try:
        via_proxy = client_at(web, PROXY)
        for n in range(ratelimit.FREE_FAILURES):
            assert sign_in(via_proxy, "traffic_staff", f"guess-{n}", **{"X-Forwarded-For": ATTACKER}).status_code == 401
        assert sign_in(via_proxy, "traffic_staff", PASSWORD, **{"X-Forwarded-For": ATTACKER}).status_code == 429
        assert sign_in(client_at(web, PROXY), "traffic_staff", PASSWORD, **{"X-Forwarded-For": OWNER}).status_code == 302
        direct = client_at(web, ATTACKER)  # straight to the server, pretending to be the owner: counted as itself
        assert sign_in(direct, "traffic_staff", PASSWORD, **{"X-Forwarded-For": OWNER}).status_code == 429
        assert {e["address"] for e in audit(web, "login.failure")} == {ATTACKER}
    finally:
        web.rt.close()


@pytest.mark.parametrize("store_url", ["sqlite", "postgresql"], indirect=True)
def test_the_throttle_counts_the_same_on_both_stores(store_url: str) -> None:
    from store import migrate

    migrate.upgrade(store_url)
    store = Store(store_url)
    start = utcnow()
    try:
        waits = []
        for n in range(ratelimit.FREE_FAILURES + 3):
            at = start + dt.timedelta(hours=n)  # far enough apart that every earlier wait is over
            with store.transaction() as db:
                assert ratelimit.wait_seconds(db, "traffic_staff", ATTACKER, at) == 0
                started = ratelimit.note(db, "traffic_staff", ATTACKER, success=False, now=at)
                assert (started is not None) == (n + 1 == ratelimit.FREE_FAILURES)
            with store.read() as db:
                waits.append(ratelimit.wait_seconds(db, "traffic_staff", ATTACKER, at))
                assert ratelimit.wait_seconds(db, "traffic_staff", OWNER, at) == 0
        assert waits == [0] * (ratelimit.FREE_FAILURES - 1) + [30, 60, 120, 240]
        with store.transaction() as db:
            ratelimit.note(db, "traffic_staff", ATTACKER, success=True, now=start + dt.timedelta(hours=20))
            assert ratelimit.wait_seconds(db, "traffic_staff", ATTACKER, start + dt.timedelta(hours=20)) == 0
    finally:
        store.dispose()
