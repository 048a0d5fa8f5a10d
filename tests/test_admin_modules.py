"""Issue 17.4: the administration screens are split by subject, one module per tab in layouts/admin/ and
callbacks/admin/; this keeps them that way (no module over 400 lines, a tab's layout built from its own
module and the shared parts only, every tab's callbacks registered by importing the package)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (ROOT / "layouts" / "admin", ROOT / "callbacks" / "admin")
TABS = ("users", "areas", "grants", "policies", "audit", "viewas", "tokens")
MAX_LINES = 400


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_both_admin_packages_have_a_module_per_tab_none_over_the_limit() -> None:
    for package in PACKAGES:
        names = {p.stem for p in package.glob("*.py")}
        assert set(TABS) <= names, f"{package.relative_to(ROOT)} lacks a tab module: {set(TABS) - names}"
        long = {p.name: n for p in package.glob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
        assert long == {}, f"modules over {MAX_LINES} lines in {package.relative_to(ROOT)}: {long}"


def test_a_tab_layout_uses_no_other_tab() -> None:
    """A tab's layout is built from its own module and layouts.admin.parts; the page (__init__) assembles them."""
    for tab in TABS:
        reached = imported_modules(ROOT / "layouts" / "admin" / f"{tab}.py")
        others = {m for m in reached if m.startswith("layouts.admin.") and not m.startswith("layouts.admin.parts")}
        assert others == set(), f"layouts/admin/{tab}.py imports {others}"


def test_importing_the_package_registers_every_tab() -> None:
    import callbacks.admin as package

    for tab in TABS:
        assert hasattr(package, tab), f"callbacks.admin does not import its {tab} module"
