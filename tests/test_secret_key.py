"""Issue 18.3: production refuses a CITY_SECRET_KEY an attacker could guess; real random keys pass.

The weak keys are the ones the outside probe got accepted, the placeholders operators paste, the
demo password and every setting's default; the strong ones are fresh `secrets` outputs, many of each.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest

import runtime
from access import production, secretkey
from settings import SETTINGS
from store import migrate
from store.engine import Store
from tests.conftest import make_settings

PROBED = (
    "your-secret-key-here-your-secret-key-here",
    "0123456789abcdef0123456789abcdef",
    "demo-pass-2025demo-pass-2025demo-pass-2025demo-pass-2025",
)
PASTED = (
    "changeme-changeme-changeme-changeme-1",
    "please-change-me-please-change-me",
    "supersecret-supersecret-supersecret",
    "thisisnotsecretthisisnotsecretthisisnotsecret",
    "CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME",
    "secret" * 8,
    "password1234password1234password1234",
    "x" * 64,
    "abcdefghijklmnopqrstuvwxyz0123456789",
    "9876543210fedcba9876543210fedcba9876543210",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
    "aaaaaaaabbbbbbbbccccccccddddddddeeeeeeee",
    "your-secret-key-here-0123456789-abcdef",
    "django-insecure-flask-secret-key-for-dev",
)


@pytest.mark.parametrize("key", PROBED + PASTED)
def test_weak_keys_are_refused_with_how_to_make_one(key: str) -> None:
    found = secretkey.problem(key)
    assert found is not None and "looks like a placeholder" in found, (key, secretkey.estimated_bits(key))
    assert secretkey.MAKE_ONE in found and "secrets.token_urlsafe(48)" in found
    assert key not in found  # the refusal never repeats the key into a log


def test_the_demo_password_is_a_known_word() -> None:
    from demo.seed import DEMO_PASSWORD

    assert secretkey.DEMO_PASSWORD == DEMO_PASSWORD  # the copy in access/ (which may not import demo/) is the real one
    for key in (DEMO_PASSWORD * 3, (DEMO_PASSWORD + "-") * 3, DEMO_PASSWORD.upper() + "-" + DEMO_PASSWORD + "-" + DEMO_PASSWORD):
        assert secretkey.problem(key) is not None, key


@pytest.mark.parametrize("setting", [s for s in SETTINGS if len(s.default) >= 3], ids=lambda s: s.env)
def test_a_settings_default_is_refused(setting: object) -> None:
    default = setting.default  # type: ignore[attr-defined]
    key = (default * (32 // len(default) + 2))[:48]
    assert secretkey.problem(key) is not None, key
    padded = f"{default}-{setting.env}-{default}".ljust(40, "-")  # type: ignore[attr-defined]
    assert secretkey.problem(padded) is not None, padded


def test_empty_and_short_keys_are_refused() -> None:
    assert "is not set" in (secretkey.problem("") or "")
    short = secretkey.problem(secrets.token_urlsafe(16))  # 22 characters, random but short
    assert short is not None and "shorter than 32" in short and secretkey.MAKE_ONE in short


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(32)], ids=["token_urlsafe48", "token_hex32"])
def test_random_keys_are_accepted(make: object) -> None:
    keys = [make() for _ in range(400)]  # type: ignore[operator]
    refused = [k for k in keys if secretkey.problem(k) is not None]
    assert refused == []
    assert min(secretkey.estimated_bits(k) for k in keys) > 2 * secretkey.MIN_BITS


def test_shorter_random_keys_keep_their_bits() -> None:
    """token_hex(16) (128 random bits, the shortest accepted length) passes; patterns nearly vanish."""
    assert all(secretkey.problem(secrets.token_hex(16)) is None for _ in range(300))
    assert secretkey.estimated_bits("0123456789abcdef" * 4) < 30 < secretkey.estimated_bits(secrets.token_hex(4))


def test_the_production_guard_uses_the_estimate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'metadata.sqlite3'}"
    migrate.upgrade(url)
    store = Store(url)
    try:
        for key in PROBED:
            settings = make_settings(tmp_path / "i", env="production", secret_key=key, allow_sqlite_in_production=True)
            found = production.problems(settings, store)
            assert len(found) == 1 and "looks like a placeholder" in found[0], found
        strong = make_settings(tmp_path / "i", env="production", secret_key=secrets.token_urlsafe(48), allow_sqlite_in_production=True)
        assert production.problems(strong, store) == []
    finally:
        store.dispose()


def test_development_warns_about_a_weak_configured_key(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(tmp_path / "d", secret_key=PROBED[0])
    with caplog.at_level(logging.WARNING, logger="runtime"):
        assert runtime.secret_key(settings) == PROBED[0]  # development still starts with it
    assert any("production will refuse" in r.getMessage() for r in caplog.records)
    assert not any(PROBED[0] in r.getMessage() for r in caplog.records)
