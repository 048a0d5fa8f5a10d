"""What an import stored, read back in tests on an engine of the test's own over the runtime's warehouse.

The product's engine belongs to the door (query/door.py), which runs only queries the compiler made with a
reader's policies; tests that check the stored rows themselves (types, values, masking at rest) read them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datasets.engine import Engine, Result


def read_stored(rt: Any, files: Mapping[str, str], sql: str, row_cap: int | None = None) -> Result:
    """`sql` over the attached version `files`, on an engine configured as the runtime's (then closed)."""
    product = rt.engine
    engine = Engine(rt.warehouse, product.memory_limit, product.threads, product.timeout_s, product.row_cap)
    try:
        return engine.claim()(files, sql, row_cap=row_cap)
    finally:
        engine.close()
