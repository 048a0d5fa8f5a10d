"""DESIGN.md §2: dependencies point one way. Walks every product module's imports with `ast`.

The rules are a table: (name, which modules it applies to, which modules they must not import).
A violation names the file and line.
"""

from __future__ import annotations

import ast
import fnmatch
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "i18n",
    "access",
    "datasets",
    "indicators",
    "query",
    "boards",
    "store",
    "jobs",
    "web",
    "builder",
    "api",
    "layouts",
    "callbacks",
    "demo",
    "migrations",
)
TOP_LEVEL = ("app", "citytime", "cli", "errors", "runtime", "settings", "units")
WEB_FRAMEWORKS = ("dash", "dash.*", "dash_*", "flask", "flask.*", "flask_*", "werkzeug", "werkzeug.*", "plotly", "plotly.*")
SERVICES_FREE_OF_WEB = ("datasets", "indicators", "query", "boards", "store", "access")


@dataclass(frozen=True)
class Rule:
    name: str
    applies_to: tuple[str, ...]  # module patterns (fnmatch); a package name covers its submodules
    forbidden: tuple[str, ...]  # imported-module patterns
    except_modules: tuple[str, ...] = ()


def package_patterns(*names: str) -> tuple[str, ...]:
    return tuple(p for n in names for p in (n, f"{n}.*"))


RULES: tuple[Rule, ...] = (
    Rule(
        "services never import the web frameworks (dash, flask, plotly); the login glue lives in web/",
        package_patterns(*SERVICES_FREE_OF_WEB),
        WEB_FRAMEWORKS,
    ),
    Rule(
        "layouts are pure: no runtime, store, services, database or request access, never callbacks",
        package_patterns("layouts"),
        (
            *package_patterns(
                "runtime",
                "store",
                "datasets",
                "access",
                "indicators",
                "query",
                "boards",
                "web",
                "builder",
                "api",
                "callbacks",
                "app",
                "cli",
                "sqlalchemy",
                "duckdb",
            ),
            "flask",
            "flask.*",
            "flask_*",
            "werkzeug",
            "werkzeug.*",
        ),
    ),
    Rule(
        "datasets (the data plane) never imports the semantic layer, boards or any adapter",
        package_patterns("datasets"),
        package_patterns("indicators", "boards", "api", "callbacks", "layouts", "runtime", "cli", "demo", "app"),
    ),
    Rule(
        "indicators depend on datasets and access only, never on boards or adapters",
        package_patterns("indicators"),
        package_patterns("boards", "api", "callbacks", "layouts", "runtime", "cli", "app"),
    ),
    Rule(
        "query (the one door) stands above the semantic layer: indicators, datasets, access and store, never boards or adapters",
        package_patterns("query"),
        package_patterns("boards", "builder", "web", "api", "callbacks", "layouts", "runtime", "cli", "demo", "app"),
    ),
    Rule(
        "nothing below query imports it: indicators, datasets, access and store never import query",
        package_patterns("indicators", "datasets", "access", "store"),
        package_patterns("query"),
    ),
    Rule(
        "only the door runs the engine: outside datasets/ and query/ only the composition root (runtime) names Engine",
        ("*",),
        ("datasets.engine.Engine",),
        (*package_patterns("datasets", "query"), "runtime"),
    ),
    Rule(
        "only the compiler and query/ make a Compiled (indicators.compiled.compiled)",
        ("*",),
        ("indicators.compiled.compiled",),
        ("indicators.compiler", *package_patterns("query")),
    ),
    Rule(
        "boards never import adapters", package_patterns("boards"), package_patterns("api", "callbacks", "layouts", "runtime", "cli", "app")
    ),
    Rule(
        "access is below datasets: it never imports the data plane, the semantic layer or adapters",
        package_patterns("access"),
        package_patterns("datasets", "indicators", "boards", "web", "api", "callbacks", "layouts", "runtime", "cli", "demo", "app"),
    ),
    Rule(
        "jobs (the runner, its clock and leases) stand on the store only: the features that schedule work import jobs, never the reverse",
        package_patterns("jobs"),
        (
            *package_patterns(
                "access",
                "datasets",
                "indicators",
                "query",
                "boards",
                "builder",
                "web",
                "api",
                "callbacks",
                "layouts",
                "runtime",
                "cli",
                "demo",
                "app",
            ),
            *WEB_FRAMEWORKS,
        ),
    ),
    Rule(
        "the store is the bottom layer: no services above it, no adapters",
        package_patterns("store"),
        package_patterns("indicators", "boards", "api", "callbacks", "layouts", "runtime", "cli", "demo", "app"),
    ),
    Rule(
        "web (sign-in, request guard) sits under the adapters: it never imports them, and no service imports it",
        package_patterns("web"),
        package_patterns("api", "callbacks", "layouts", "demo", "cli", "app"),
    ),
    Rule(
        "services never import the web glue or the chart builder",
        package_patterns(*SERVICES_FREE_OF_WEB, "runtime"),
        package_patterns("web", "builder"),
    ),
    Rule(
        "the chart builder's logic (builder/) holds no callback: no adapter, no web framework, no web glue",
        package_patterns("builder"),
        (*package_patterns("callbacks", "api", "web", "demo", "cli", "app"), *WEB_FRAMEWORKS),
    ),
    Rule(
        "api and callbacks are peer adapters: neither imports the other; api renders no layouts",
        package_patterns("api"),
        package_patterns("callbacks", "layouts"),
    ),
    Rule("callbacks never import the API adapter", package_patterns("callbacks"), package_patterns("api")),
    Rule(
        "the API's wire shapes (api/shapes/) are plain models: no web framework, runtime, store or endpoint module",
        package_patterns("api.shapes"),
        (
            *WEB_FRAMEWORKS,
            *package_patterns("runtime", "store", "web", "callbacks", "layouts", "demo", "cli", "app"),
            *(f"api.{m}" for m in ("admin", "ask", "auth", "blueprint", "boards", "datasets", "errors", "indicators", "meta", "tokens")),
        ),
    ),
    Rule("nothing imports app.py (the composition root)", ("*",), package_patterns("app"), ("app",)),
)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported module (also `pkg.name` for `from pkg import name`)
    path: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def product_files() -> list[Path]:
    files = [ROOT / f"{name}.py" for name in TOP_LEVEL if (ROOT / f"{name}.py").exists()]
    for package in PACKAGES:
        folder = ROOT / package
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts and "__pycache__" not in p.parts)
    return files


def imports_of(module: str, source: str, path: str, is_package: bool = False) -> list[Import]:
    """Every import of a module, at any depth (functions, TYPE_CHECKING blocks), relative ones resolved."""
    tree = ast.parse(source, filename=path)
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, path, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append(Import(module, target, path, node.lineno))
            found += [
                Import(module, f"{target}.{alias.name}" if target else alias.name, path, node.lineno)
                for alias in node.names
                if alias.name != "*"
            ]
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                found.append(Import(module, node.args[0].value, path, node.lineno))
    return found


def all_imports() -> list[Import]:
    out: list[Import] = []
    for path in product_files():
        out += imports_of(module_name(path), path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), path.name == "__init__.py")
    return out


def matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def report(found: list[Import], why: str = "") -> list[str]:
    """One line per import statement (`from a import b` is recorded as both `a` and `a.b`)."""
    first: dict[tuple[str, int], Import] = {}
    for imp in found:
        key = (imp.path, imp.line)
        if key not in first or len(imp.target) < len(first[key].target):
            first[key] = imp
    return [f"{i.path}:{i.line}: {i.module} imports {i.target}{' — ' + why if why else ''}" for _, i in sorted(first.items())]


def violations(imports: list[Import], rules: tuple[Rule, ...] = RULES) -> list[str]:
    out = []
    for rule in rules:
        hits = [
            imp
            for imp in imports
            if matches(imp.module, rule.applies_to) and not matches(imp.module, rule.except_modules) and matches(imp.target, rule.forbidden)
        ]
        out += report(hits, rule.name)
    return out


def test_the_walk_sees_the_product() -> None:
    names = {module_name(p) for p in product_files()}
    for expected in (
        "app",
        "web.guard",
        "web.login",
        "builder.form",
        "access.policy",
        "datasets.catalog",
        "api.datasets",
        "layouts.shell",
        "callbacks.guard",
    ):
        assert expected in names, f"{expected} was not walked"
    imports = all_imports()
    assert len(imports) > 200
    assert any(i.module == "callbacks.datasets" and i.target == "layouts.ids" for i in imports)


@pytest.mark.parametrize("rule", RULES, ids=[r.name[:60] for r in RULES])
def test_import_rule(rule: Rule) -> None:
    found = violations(all_imports(), (rule,))
    assert not found, f"{len(found)} import(s) break the rule:\n" + "\n".join(found)


def test_no_service_reaches_a_web_framework_through_another_module() -> None:
    """Transitively: a framework-free module may not import a product module that imports dash/flask/plotly."""
    imports = all_imports()
    modules = {module_name(p) for p in product_files()}
    graph: dict[str, list[Import]] = {}
    for imp in imports:
        graph.setdefault(imp.module, []).append(imp)
    rule = RULES[0]
    problems = []
    for start in sorted(m for m in modules if matches(m, rule.applies_to) and not matches(m, rule.except_modules)):
        seen = {start}
        queue: deque[tuple[str, list[Import]]] = deque([(start, [])])
        while queue:
            current, chain = queue.popleft()
            for imp in graph.get(current, []):
                if matches(imp.target, WEB_FRAMEWORKS):
                    if chain:  # direct imports are reported by test_import_rule
                        problems.append(" -> ".join(f"{i.path}:{i.line} {i.target}" for i in [*chain, imp]))
                    continue
                if imp.target in modules and imp.target not in seen:
                    seen.add(imp.target)
                    queue.append((imp.target, [*chain, imp]))
    assert not problems, "framework-free modules reach a web framework:\n" + "\n".join(sorted(set(problems)))


def package_graph(imports: list[Import]) -> dict[str, set[str]]:
    """Which product package (or top-level module) imports which other."""
    names = {*PACKAGES, *TOP_LEVEL}
    graph: dict[str, set[str]] = {}
    for imp in imports:
        source, target = imp.module.split(".")[0], imp.target.split(".")[0]
        if target in names and source != target:
            graph.setdefault(source, set()).add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_circle_between_packages() -> None:
    """Each package stands on its own floor: no two packages import each other, directly or around a loop."""
    found = circles(package_graph(all_imports()))
    assert not found, "packages importing each other in a circle: " + "; ".join(" <-> ".join(g) for g in found)


def test_the_circle_finder_finds_a_loop() -> None:
    assert circles({"query": {"indicators"}, "indicators": {"datasets"}, "datasets": {"query"}, "boards": {"query"}}) == [
        ["datasets", "indicators", "query"]
    ]


def test_datasets_uses_only_the_pure_policy_types_of_access() -> None:
    """DESIGN.md §2: `datasets -> access` only for the pure policy types (actor, roles, policy) and the
    department directory datasets are filed under (departments table, area tree), and the audit log it
    writes in the same transaction as a change; never users, credentials or the login glue.
    (The directory and audit parts are argued in the issue note.)"""
    allowed = package_patterns("access.actor", "access.roles", "access.policy", "access.departments", "access.models", "access.audit")
    found = report(
        [
            i
            for i in all_imports()
            if matches(i.module, package_patterns("datasets"))
            and matches(i.target, package_patterns("access"))
            and i.target != "access"
            and not matches(i.target, allowed)
        ]
    )
    assert not found, "datasets uses access beyond its pure policy types:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("datasets.fake", "import flask\n", "datasets.fake imports flask"),
        ("datasets.fake", "def f():\n    from dash_ag_grid import AgGrid\n", "imports dash_ag_grid"),
        ("access.fake", "from flask_login import current_user\n", "imports flask_login"),
        ("layouts.fake", "from ..runtime import current\n", "imports runtime"),
        ("layouts.fake", "from .. import store\n", "imports store"),
        ("layouts.fake", "from callbacks import guard\n", "imports callbacks"),
        ("datasets.fake", "from indicators.spec import Spec\n", "imports indicators"),
        ("callbacks.fake", "import app\n", "imports app"),
        ("access.login", "from flask_login import current_user\n", "imports flask_login"),
        ("boards.fake", "from web.login import current_actor\n", "imports web.login"),
        ("web.fake", "from callbacks.guard import guarded\n", "imports callbacks"),
        ("builder.fake", "from callbacks.guard import callback\n", "imports callbacks"),
        ("builder.fake", "from dash import Input\n", "imports dash"),
        ("layouts.fake", "from builder.form import Chart\n", "imports builder"),
        ("store.fake", "import importlib\nimportlib.import_module('plotly.express')\n", "imports plotly.express"),
        ("indicators.fake", "from query.door import Door\n", "imports query.door"),
        ("store.fake", "import query\n", "imports query"),
        ("jobs.fake", "from datasets.models import Dataset\n", "imports datasets.models"),
        ("query.fake", "from boards.spec import Tile\n", "imports boards"),
        ("callbacks.fake", "from datasets.engine import Engine\n", "imports datasets.engine.Engine"),
        ("api.fake", "from indicators.compiled import compiled\n", "imports indicators.compiled.compiled"),
    ],
)
def test_the_checker_catches(module: str, source: str, expected: str) -> None:
    found = violations(imports_of(module, source, f"{module.replace('.', '/')}.py"))
    assert any(expected in v for v in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("web.login", "from flask_login import current_user\n"),
        ("callbacks.fake", "from layouts import ids\nimport dash\n"),
        ("layouts.fake", "from dash import html\nimport dash_bootstrap_components as dbc\nfrom i18n import t\n"),
        ("datasets.fake", "from access.policy import raise_for_dataset\nimport duckdb\n"),
        ("boards.fake", "from query.door import Door\nfrom query.evaluate import values\n"),
        ("query.fake", "from indicators.compiler import IndicatorCompiler\nfrom datasets import catalog\nfrom access.actor import Actor\n"),
        ("query.rows", "from indicators.compiled import compiled\nfrom datasets.engine import Result\n"),
        ("runtime", "from datasets.engine import Engine\nfrom query.door import Door\n"),
    ],
)
def test_the_checker_allows(module: str, source: str) -> None:
    assert violations(imports_of(module, source, f"{module}.py")) == []
