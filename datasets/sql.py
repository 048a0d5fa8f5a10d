"""Small helpers for SQL text the data plane writes itself (never with user text in it)."""

from __future__ import annotations


def q(identifier: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + identifier.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote a string literal for DuckDB (used only for values the code itself chose)."""
    return "'" + text.replace("'", "''") + "'"
