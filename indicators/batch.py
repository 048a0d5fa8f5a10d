"""One consistent read of the metadata for a batch of queries (a board's tiles in one request).

Inside `with batch():` the door's dataset lookups and the registry's definition lookups are remembered per
actor, so twelve tiles over four datasets read each dataset's catalog entry and policies once. The memo is a
context variable: it belongs to the request that opened it (and to the worker threads it hands its context
to), never to another request, and it ends with the block — every request still sees the current state.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from store.engine import Store
from store.generation import read_generation

T = TypeVar("T")

_MEMO: contextvars.ContextVar[tuple[dict[Any, Any], threading.Lock] | None] = contextvars.ContextVar("city_batch", default=None)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """A batch; inside another batch, the outer one continues."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set(({}, threading.Lock()))
    try:
        yield
    finally:
        _MEMO.reset(token)


def remembered(key: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per key within the current batch (tiles asking at the same time wait for the first);
    outside a batch, every time. Errors are not remembered."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    values, lock = memo
    with lock:
        if key in values:
            return values[key]  # type: ignore[no-any-return]
        pending = values.setdefault(_Pending(key), threading.RLock())
    with pending:
        with lock:
            if key in values:
                return values[key]  # type: ignore[no-any-return]
        value = compute()
        with lock:
            values[key] = value
    return value


def generation(store: Store) -> int:
    """The metadata store's generation, read once per batch (one indexed read; see store/generation.py)."""
    return remembered(("generation", store.url), lambda: read_generation(store))


@dataclass(frozen=True)
class _Pending:
    """The lock a key's first computation holds while the batch's other tiles wait for its value."""

    key: Any
