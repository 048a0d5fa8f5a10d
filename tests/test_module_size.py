"""No room over 500 lines: every Python module outside tests/ and migrations/ stays small enough to read whole.

A module that grows past the limit is split by subject (see README, Architecture), not allowed an exception.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 500
SKIPPED = {".venv", "tests", "migrations", "__pycache__", "node_modules", "instance", "test-artifacts"}


def modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIPPED & set(p.relative_to(ROOT).parts))


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_walk_sees_the_product() -> None:
    found = {str(p.relative_to(ROOT)) for p in modules()}
    assert {"app.py", "i18n/__init__.py", "demo/city/__init__.py", "datasets/importer.py", "layouts/tiles.py"} <= found
    assert not any(name.startswith(("tests/", "migrations/")) for name in found)


def test_no_module_is_over_the_limit() -> None:
    over = sorted((lines(p), str(p.relative_to(ROOT))) for p in modules() if lines(p) > LIMIT)
    assert not over, f"modules over {LIMIT} lines (split them by subject):\n" + "\n".join(f"{n:5d} {name}" for n, name in over)
