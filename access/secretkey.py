"""How guessable a secret key is: an entropy estimate that sees placeholders, repetition and counting runs.

The key is cut into the cheapest sequence of pieces (dynamic programming, in the spirit of zxcvbn):
a random character costs log2 of the pool of its key's character classes; a known word (placeholders,
the demo password, every setting's default) costs log2 of the word list; a repeat of an earlier stretch
costs its offset and length; a run such as `0123456789abcdef` or `qwerty` costs a few bits. The key's
estimate is the cheapest total. Random keys keep nearly all their bits; patterns keep almost none.
"""

from __future__ import annotations

import math
import string

from settings import SETTINGS

MIN_LENGTH = 32
MIN_BITS = 112.0  # NIST SP 800-57's smallest accepted security strength
ANALYSED = 256  # characters examined (the estimate only grows with more)
MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
DEMO_PASSWORD = "demo-pass-2025"  # noqa: S105 - the printed demo login (demo/seed.py); tests/test_secret_key.py ties the two

PLACEHOLDER_WORDS = (
    "your-secret-key-here",
    "changeme",
    "change-me",
    "change_me",
    "please-change-me",
    "thisisnotsecret",
    "supersecret",
    "secret",
    "secret-key",
    "secret_key",
    "secretkey",
    "your",
    "here",
    "key",
    "change",
    "password",
    "passwd",
    "pass",
    "demo",
    "test",
    "testing",
    "example",
    "sample",
    "default",
    "dev",
    "development",
    "production",
    "prod",
    "insecure",
    "unsafe",
    "replace",
    "this",
    "with",
    "random",
    "string",
    "value",
    "token",
    "flask",
    "django",
    "superset",
    "redash",
    "dash",
    "city",
    "indicator",
    "center",
    "admin",
    "root",
    "letmein",
    "placeholder",
    "todo",
    "fixme",
    "dummy",
    "fake",
    "foo",
    "bar",
    "baz",
    "hello",
    "world",
    "session",
    "cookie",
    "signing",
    "super",
    "very",
    "long",
    "strong",
    "the",
    "and",
    "for",
    "not",
    "real",
    "must",
    "should",
    "please",
)
RUNS = (
    string.digits,
    string.ascii_lowercase,
    "0123456789abcdef",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
)
_CLASSES = ((str.islower, 26), (str.isupper, 26), (str.isdigit, 10))
_SYMBOLS = 33
_MIN_PIECE = 3


def known_words() -> frozenset[str]:
    """Lower-cased words an attacker tries first: placeholders, the demo password, every setting's name and default."""
    words = {w.lower() for w in PLACEHOLDER_WORDS} | {DEMO_PASSWORD}
    for setting in SETTINGS:
        words |= {setting.env.lower(), setting.attr.lower(), setting.default.lower()}
    return frozenset(w for w in words if len(w) >= _MIN_PIECE)


_WORDS = known_words()
_WORD_BITS = math.log2(len(_WORDS)) + 1  # +1: upper or lower case
_RUN_BITS = math.log2(len(RUNS) * 2 * 26)  # which run, which direction, where it starts


def pool_bits(key: str) -> float:
    """Bits of one random character drawn from the character classes the key uses."""
    pool = sum(size for test, size in _CLASSES if any(test(c) for c in key))
    pool += _SYMBOLS if any(not (c.isascii() and c.isalnum()) for c in key) else 0
    return math.log2(max(pool, 2))


def _repeat_length(key: str, at: int) -> int:
    """The longest stretch starting at `at` that copies one starting earlier (overlap allowed)."""
    best = 0
    for start in range(at):
        length = 0
        while at + length < len(key) and key[start + length] == key[at + length]:
            length += 1
        best = max(best, length)
    return best


def _run_length(key: str, at: int) -> int:
    """The longest counting run (up or down, any alphabet of RUNS) starting at `at`."""
    lowered, best = key.lower(), 0
    for alphabet in RUNS:
        for step in (1, -1):
            length = 1
            while at + length < len(key):
                prev, here = alphabet.find(lowered[at + length - 1]), alphabet.find(lowered[at + length])
                if prev < 0 or here != prev + step:
                    break
                length += 1
            best = max(best, length)
    return best


def _pieces(key: str, at: int) -> list[tuple[int, float]]:
    """(length, bits) of each patterned piece that may start at `at`."""
    found: list[tuple[int, float]] = []
    lowered = key.lower()
    found += [(len(w), _WORD_BITS) for w in _WORDS if lowered.startswith(w, at)]
    repeat = _repeat_length(key, at)
    found += [(n, math.log2(at) + math.log2(n)) for n in range(_MIN_PIECE, repeat + 1)]
    run = _run_length(key, at)
    found += [(n, _RUN_BITS + math.log2(n)) for n in range(_MIN_PIECE, run + 1)]
    return found


def estimated_bits(key: str) -> float:
    """The cheapest cut of the key into random characters and patterned pieces, in bits."""
    key = key[:ANALYSED]
    literal = pool_bits(key)
    cost = [0.0] + [math.inf] * len(key)
    for at in range(len(key)):
        cost[at + 1] = min(cost[at + 1], cost[at] + literal)
        for length, bits in _pieces(key, at):
            cost[at + length] = min(cost[at + length], cost[at] + bits)
    return cost[-1]


def problem(key: str) -> str | None:
    """Why `key` may not sign sessions in production, or None; the message never repeats the key."""
    how = f"generate one with `{MAKE_ONE}`."
    if not key:
        return f"CITY_SECRET_KEY is not set: {how}"
    if len(key) < MIN_LENGTH:
        return f"CITY_SECRET_KEY is shorter than {MIN_LENGTH} characters: {how}"
    bits = estimated_bits(key.strip())
    if bits < MIN_BITS:
        return (
            f"CITY_SECRET_KEY looks like a placeholder or a pattern (about {bits:.0f} bits of randomness, "
            f"{MIN_BITS:.0f} needed; known words, repetition and counting runs do not count): {how}"
        )
    return None
