"""Compiled indicator queries remembered by definition and request.

Compiling a request builds and prints a SQL tree (milliseconds per tile, most of a warm board's
overhead). A plan records what its SQL depended on: each dataset as the actor saw it (data
version, file, visible columns, policy fingerprint) and each referenced indicator's definition.
A hit is only used after those are resolved again for the current actor and found unchanged, so
permissions are checked on every use and a new data version, policy or definition recompiles (resolving is a
lookup in what the door and the registry keep while the metadata generation stands).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from indicators.compiled import Compiled
from indicators.compiler import IndicatorRequest
from indicators.spec import Indicator
from indicators.sqlparts import Source

SIZE = 1024


def definition_digest(indicator: Indicator) -> str:
    return hashlib.sha256(indicator.model_dump_json().encode()).hexdigest()


def source_mark(source: Source) -> tuple[Any, ...]:
    """Everything about a dataset that shapes compiled SQL for one actor."""
    return (source.file, source.data_version, source.policy.fingerprint, tuple(sorted(source.columns.items())))


@dataclass(frozen=True)
class Plan:
    compiled: Compiled
    sources: tuple[tuple[str, tuple[Any, ...]], ...]  # dataset id -> source_mark
    references: tuple[tuple[str, str], ...]  # indicator id -> definition_digest


class Plans:
    """A bounded, thread-safe memo of plans (least recently used are dropped)."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], Plan] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(indicator: Indicator, request: IndicatorRequest) -> tuple[str, str]:
        return definition_digest(indicator), repr(request)

    def get(self, key: tuple[str, str]) -> Plan | None:
        with self._lock:
            plan = self._items.get(key)
            if plan is not None:
                self._items.move_to_end(key)
            return plan

    def put(self, key: tuple[str, str], plan: Plan) -> None:
        with self._lock:
            self._items[key] = plan
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
