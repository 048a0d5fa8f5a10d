"""An in-process LRU cache of query results.

The key is (SQL, parameters, data versions of every dataset read, policy fingerprint): two users
with different policies never share an entry, and a re-import (a new data_version) misses at once.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from datasets.engine import Result

MAX_ENTRIES = 512
MAX_ROWS_CACHED = 50_000


def cache_key(sql: str, params: Mapping[str, Any], versions: tuple[tuple[str, int], ...], fingerprint: str) -> str:
    text = repr((sql, sorted((k, repr(v)) for k, v in params.items()), versions, fingerprint))
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, Result] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Result | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, result: Result) -> None:
        if len(result.rows) > MAX_ROWS_CACHED:
            return
        with self._lock:
            self._entries[key] = result
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
