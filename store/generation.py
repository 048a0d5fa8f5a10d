"""The metadata generation, and what a process keeps per generation.

`metadata_generation` holds one counter that the store's own triggers raise on every insert, update or delete
of what a render resolves (datasets, their versions and columns, row policies, grants, areas, departments,
indicators and their versions; migration 0008). Reading it costs one primary-key lookup. A process keeps facts
it resolved (dataset info, row policies, definitions, place names) in a `Kept` under the generation it read
*before* resolving them, so a fact is never kept under a newer generation than the data it was read from, and a
change made by any process — another web worker, the CLI — makes every worker resolve again at its next read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlalchemy import BigInteger, Column, Integer, Table, select

from store.base import Base
from store.engine import Store

T = TypeVar("T")

GENERATION = Table(
    "metadata_generation", Base.metadata, Column("id", Integer, primary_key=True), Column("value", BigInteger, nullable=False)
)
SIZE = 8192


def read_generation(store: Store) -> int:
    """The store's current generation (one indexed read, on a plain connection: no ORM session to set up)."""
    with store.engine.connect().execution_options(city_readonly=True) as conn:
        return int(conn.execute(select(GENERATION.c.value).where(GENERATION.c.id == 1)).scalar() or 0)


class Kept:
    """Values resolved under one generation, thread-safe and bounded (least recently used go first); a newer
    generation drops them all. A value asked for under an older generation than the kept one (a request that read
    it before a change) is computed, not kept. An exception is kept like a value (a missing dataset stays missing
    until something changes) and raised again."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._generation = -1
        self._items: OrderedDict[Hashable, tuple[bool, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: int, key: Hashable, compute: Callable[[], T], keep: tuple[type[BaseException], ...] = ()) -> T:
        """`compute()` once per key and generation; exceptions of the `keep` types are kept too."""
        with self._lock:
            found: tuple[bool, Any] | None = self._items.get(key) if generation == self._generation else None
            if found is not None:
                self._items.move_to_end(key)
        if found is None:
            found = _outcome(compute, keep)
            self._put(generation, key, found)
        ok, value = found
        if not ok:
            raise cast(BaseException, value).with_traceback(None)  # raised by many requests: no traceback piles up on it
        return cast(T, value)

    def _put(self, generation: int, key: Hashable, found: tuple[bool, Any]) -> None:
        with self._lock:
            if generation > self._generation:
                self._generation, self._items = generation, OrderedDict()
            if generation == self._generation:
                self._items[key] = found
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)


def _outcome(compute: Callable[[], Any], keep: tuple[type[BaseException], ...]) -> tuple[bool, Any]:
    """(True, value) or (False, a kept exception); other exceptions propagate."""
    try:
        return True, compute()
    except keep as exc:
        return False, exc
