"""All tiles of a board for one viewer, computed in parallel (one batched round trip for the page)."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from access.actor import Actor
from boards.catalog import BoardInfo
from boards.spec import Filters
from boards.tiles import tile_data
from indicators.batch import batch
from query.door import Door

WORKERS = 4


def board_data(door: Door, actor: Actor, board: BoardInfo, filters: Filters | None = None, lang: str = "zh") -> dict[str, dict[str, Any]]:
    """tile id → tile data; DuckDB releases the GIL, so tiles run side by side."""
    chosen = filters or board.spec.filters
    with batch(), ThreadPoolExecutor(max_workers=WORKERS) as pool:
        # each tile runs in a copy of this context, so it shares the batch's metadata reads
        futures = {
            tile.id: pool.submit(contextvars.copy_context().run, tile_data, door, actor, tile, chosen, lang) for tile in board.spec.tiles
        }
        return {tile_id: future.result() for tile_id, future in futures.items()}
