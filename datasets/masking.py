"""Masked projections of personal-data columns, e.g. `110101********1234` for an ID number."""

from __future__ import annotations

from datasets.sql import q

# SQL over a text column that keeps only what identifies nobody: a prefix, a suffix, stars between.
_MASKS = {
    "id_card": "left({c}, 6) || repeat('*', greatest(length({c}) - 10, 0)) || right({c}, 4)",
    "phone": "left({c}, 3) || repeat('*', greatest(length({c}) - 7, 0)) || right({c}, 4)",
    "name": "left({c}, 1) || repeat('*', greatest(length({c}) - 1, 1))",
    "email": "left({c}, 1) || '***@' || split_part({c}, '@', 2)",
    "address": "left({c}, 6) || '***'",
}
_DEFAULT = "repeat('*', least(length({c}), 8))"


def masked_expr(column: str, kind: str | None) -> str:
    """SQL producing the masked value of `column`; NULL stays NULL."""
    c = f"CAST({q(column)} AS VARCHAR)"
    template = _MASKS.get(kind or "", _DEFAULT)
    return f"CASE WHEN {q(column)} IS NULL THEN NULL ELSE {template.format(c=c)} END"
