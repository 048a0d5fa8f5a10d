"""Rendered boards kept per viewer scope: a second viewer who would see exactly the same board gets the stored answer.

An answer is stored under a request key — the board (id, version, whether the viewer edits it), the tile list
and arrangement the page sent (an editor's unsaved tiles included), the filters, cross-filter and language, the
day on the city's clock, and the viewer's scope (role, department, area and its subtree, grants) — together
with the marks of everything it was computed from, resolved for the viewer who asked: every dataset its
indicators and queries read (file, data version, visible columns, policy fingerprint: row scopes, hidden and
masked columns), every definition as that viewer reads it (a draft only its circle reads has its own digest,
"not found" and "not yet certified" are marks too), the area names and the boards a KPI drills into. A stored
answer is used only when the marks resolved again for the viewer asking are equal, so a re-import, a policy,
grant or definition change, a renamed area or a new department board makes the next render compute again, and a
viewer with another scope never gets it (their marks differ even where the request key does not).
Memory is bounded: least recently used answers go first, by entries and by bytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from access.actor import Actor
from boards.catalog import BoardInfo, department_boards
from boards.spec import Tile
from query.door import Door
from query.marks import Mark, reads
from store.engine import Store

MAX_ENTRIES = 2048
MAX_BYTES = 64 << 20  # per process: about a thousand cockpit answers (50-70 KB each)


@dataclass(frozen=True)
class Rendered:
    """A stored answer: what it was computed from (`marks`), the body sent, the grid places it set, its size."""

    marks: tuple[Mark, ...]
    body: Any
    layout: Any
    size: int


def request_key(board: BoardInfo, viewer: Actor, asked: Hashable) -> str:
    """The board, the viewer's scope (never their name: two viewers with the same scope share) and the request."""
    scope = (viewer.role.value, viewer.department, viewer.area, viewer.scope_areas, tuple(sorted(viewer.grants)))
    return hashlib.sha256(repr((board.id, board.version, board.can_edit, scope, asked)).encode()).hexdigest()


def marks(door: Door, viewer: Actor, tiles: Sequence[Tile], store: Store) -> tuple[Mark, ...]:
    """Everything the rendered tiles depend on, resolved for `viewer` with the reads a render makes (so within a
    batch a render reuses them): the datasets and definitions they read (query/marks.py), the area names their
    labels use and the boards their KPIs drill into."""
    indicators = [tile.source.indicator for tile in tiles if tile.source.indicator]
    datasets = [tile.source.query.dataset for tile in tiles if tile.source.query]
    found, departments = reads(door, viewer, indicators, datasets)
    places = hashlib.sha256(repr(sorted(door.place_names().items())).encode()).hexdigest()
    targets = department_boards(store, viewer)
    drills = tuple((department, targets.get(department)) for department in sorted(departments))
    return (*found, ("places", "", places), ("drills", "", drills))


class RenderedBoards:
    """A bounded, thread-safe store of rendered answers (least recently used go first, by entries and by bytes)."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Rendered] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, now: tuple[Mark, ...]) -> Rendered | None:
        """The answer stored under `key` if it was computed from exactly `now` (resolved for the viewer asking)."""
        with self._lock:
            found = self._items.get(key)
            if found is None or found.marks != now:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: str, rendered: Rendered) -> Rendered:
        """Store an answer (one larger than the whole budget is returned, not kept)."""
        if rendered.size > self.max_bytes:
            return rendered
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= old.size if old else 0
            self._items[key] = rendered
            self._bytes += rendered.size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= dropped.size
        return rendered

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """Bytes of the answers kept."""
        return self._bytes
