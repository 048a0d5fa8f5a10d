"""Locked-down DuckDB connections for analytical reads, with a watchdog and a row cap.

Each connection is an in-memory DuckDB that attaches the dataset version files a query needs,
read-only, and then locks itself: external access off (no file, network or extension access),
extension autoloading off, configuration locked, memory and thread limits set. Connections are
cached per set of files; a new data version is a new file, so it gets a new connection.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from datasets.sql import lit, q
from datasets.warehouse import Warehouse
from errors import InvalidInput, QueryTimeout

MAX_CONNECTIONS = 24


@dataclass(frozen=True)
class Result:
    """Rows of one query; `truncated` says the row cap cut it."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool = False

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class Engine:
    def __init__(
        self, warehouse: Warehouse, memory_limit: str = "2GB", threads: int = 2, timeout_s: float = 30.0, row_cap: int = 100_000
    ) -> None:
        self.warehouse = warehouse
        self.memory_limit = memory_limit
        self.threads = threads
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        self._connections: OrderedDict[frozenset[tuple[str, str]], duckdb.DuckDBPyConnection] = OrderedDict()
        self._lock = threading.Lock()
        self._claimed = False

    def claim(self) -> Callable[..., Result]:
        """The engine's run, handed once to its one owner: the door (query/door.py) claims it when it is built,
        so no other code can run SQL on the product's engine; a second claim is refused."""
        with self._lock:
            if self._claimed:
                raise PermissionError(
                    "This engine already belongs to the door: read data through it (door.query(actor, spec)), "
                    "which applies the reader's policies; the engine runs nothing else."
                )
            self._claimed = True
        return self._run

    def _open(self, files: Mapping[str, str]) -> duckdb.DuckDBPyConnection:
        conn = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": self.memory_limit,
                "threads": self.threads,
                "autoload_known_extensions": False,
                "autoinstall_known_extensions": False,
            },
        )
        for alias, relative in sorted(files.items()):
            conn.execute(f"ATTACH {lit(str(self.warehouse.resolve(relative)))} AS {q(alias)} (READ_ONLY)")
        conn.execute("SET enable_external_access = false")
        conn.execute("SET lock_configuration = true")
        return conn

    def _connection(self, files: Mapping[str, str]) -> duckdb.DuckDBPyConnection:
        """A cursor on the locked connection that has exactly these files attached."""
        key = frozenset(files.items())
        with self._lock:
            conn = self._connections.get(key)
            if conn is None:
                conn = self._open(files)
                self._connections[key] = conn
                while len(self._connections) > MAX_CONNECTIONS:
                    _, old = self._connections.popitem(last=False)
                    old.close()
            else:
                self._connections.move_to_end(key)
            return conn.cursor()

    def _run(
        self, files: Mapping[str, str], sql: str, params: Sequence[Any] | Mapping[str, Any] = (), row_cap: int | None = None
    ) -> Result:
        """Execute one SELECT; interrupt it after the timeout; return at most `row_cap` rows."""
        cap = self.row_cap if row_cap is None else row_cap
        cursor = self._connection(files)
        timer = threading.Timer(self.timeout_s, cursor.interrupt)
        timer.start()
        try:
            cursor.execute(sql, dict(params) if isinstance(params, Mapping) else list(params))
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchmany(cap + 1)
        except (duckdb.ConversionException, duckdb.OutOfRangeException):  # a value of the data, not the query's shape
            raise InvalidInput(
                "数据中有值无法按表达式转换或超出范围（例如 cast 把文本转为数值时遇到非数字）：请检查 cast 和计算后重试。",
                "A value in the data cannot be converted as the expression asks, or is out of range (for example a cast "
                "of text to a number meeting a non-number): check the casts and arithmetic, then retry.",
            ) from None
        except duckdb.InterruptException:
            raise QueryTimeout(
                f"查询超过 {self.timeout_s:g} 秒被中止：请缩小时间范围或减少维度后重试。",
                f"The query was stopped after {self.timeout_s:g} seconds: narrow the date range or use fewer dimensions and retry.",
            ) from None
        finally:
            timer.cancel()
            cursor.close()
        truncated = len(rows) > cap
        return Result(columns, [tuple(r) for r in rows[:cap]], truncated)

    def close(self) -> None:
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
