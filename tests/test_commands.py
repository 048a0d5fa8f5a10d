"""Issue 17.1: every write goes through a command, and every command leaves its audit record.

(a) A scan (ast) of api/, callbacks/ and builder/: an endpoint or callback that opens a store transaction, writes with a
session (add, delete, merge, flush, commit, execute of insert/update/delete), assigns a model attribute inside
a transaction, writes an audit record itself, or calls a service's write function instead of the noun's
command fails here, naming the file, the function and the line.

(b) Every public function of every `commands` module of the product (found by walking the packages, so a new
command is covered the day it is written) is run once on the demo city as an actor allowed to do it, and must
leave an audit record naming its action, by that actor. A command without a scenario below fails too: write
its scenario (and its audit record).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import actor_of, make_settings

ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = ("api", "callbacks", "builder")  # builder/: the screens' logic that holds no callback (issue 17.4)
PRODUCT_PACKAGES = ("access", "datasets", "indicators", "boards", "query", "store", "web", "builder")

SESSION_WRITES = {
    "add",
    "add_all",
    "delete",
    "merge",
    "flush",
    "commit",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
}
SQL_WRITES = {"insert", "update", "delete"}
# Functions of the services that change the store (given a session, or owning their transaction). An adapter
# reaches them only through the noun's command (a module named `commands`), never directly.
SERVICE_WRITERS = {
    # boards
    "create_board", "save_board", "share_board", "add_tile", "delete_board", "undelete_board", "restore_board",
    "save_view", "reset_view",
    # indicators
    "create", "update", "set_status", "submit", "certify", "deprecate", "create_draft", "update_draft",
    # datasets
    "update_column", "import_file", "import_sql", "import_arrow", "preview_file",
    # access
    "create_user", "update_user", "create_department", "create_area", "add_grant", "remove_grant", "add_policy",
    "remove_policy", "issue_token", "revoke_token",
}  # fmt: skip

# Offenders left for another item of the issue, each named: (file, function) -> why it is still here.
# Remove an entry when its write moves into a command; an entry that no longer matches fails the scan.
ALLOWED: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Offence:
    path: str
    function: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} in {self.function}: {self.what}"


def adapter_files() -> list[Path]:
    return sorted(p for package in ADAPTERS for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


def _imported(tree: ast.Module) -> dict[str, str]:
    """Local name -> the module or module.attribute it stands for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _is_commands(qualified: str) -> bool:
    parts = qualified.split(".")
    return "commands" in parts


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


class Scanner(ast.NodeVisitor):
    def __init__(self, path: str, tree: ast.Module) -> None:
        self.path = path
        self.names = _imported(tree)
        self.function = "<module>"
        self.sessions: list[str] = []  # names bound by `with <store>.transaction()/read() as <name>`
        self.found: list[Offence] = []

    def offend(self, node: ast.AST, what: str) -> None:
        self.found.append(Offence(self.path, self.function, getattr(node, "lineno", 0), what))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 (the visitor's naming)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "access.audit" and any(a.name == "record" for a in node.names):
            self.offend(node, "imports access.audit.record: audit records are written by commands")
        if node.module and node.module.split(".")[0] == "sqlalchemy" and any(a.name in SQL_WRITES for a in node.names):
            self.offend(node, "imports a SQL write construct (insert/update/delete)")

    def visit_With(self, node: ast.With) -> None:
        bound = []
        for item in node.items:
            expr = item.context_expr
            if isinstance(expr, ast.Call) and _call_name(expr) in ("transaction", "read") and isinstance(item.optional_vars, ast.Name):
                bound.append(item.optional_vars.id)
        self.sessions += bound
        self.generic_visit(node)
        del self.sessions[len(self.sessions) - len(bound) :]

    def visit_Assign(self, node: ast.Assign) -> None:
        if self.sessions:
            for target in node.targets:
                for t in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id != "self":
                        self.offend(node, f"assigns {t.value.id}.{t.attr} inside a store session")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name, f = _call_name(node), node.func
        if name == "transaction":
            self.offend(node, "opens a store transaction (a command owns it)")
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in self.sessions:
            if name in SESSION_WRITES:
                self.offend(node, f"{f.value.id}.{name}(...) writes with a session")
            if name == "execute" and node.args and isinstance(node.args[0], ast.Call) and _call_name(node.args[0]) in SQL_WRITES:
                self.offend(node, f"{f.value.id}.execute({_call_name(node.args[0])}(...)) writes with a session")
        if name in SERVICE_WRITERS and not self._through_command(f):
            self.offend(node, f"calls {ast.unparse(f)}(...) instead of the noun's command")
        self.generic_visit(node)

    def _through_command(self, f: ast.expr) -> bool:
        if isinstance(f, ast.Name):
            origin = self.names.get(f.id)
            return origin is None or _is_commands(origin)  # a local function (an endpoint named like a command) is no write
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in self.names:
            return _is_commands(self.names[f.value.id])
        return False


def scan(path: Path) -> list[Offence]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    scanner = Scanner(str(path.relative_to(ROOT)), tree)
    scanner.visit(tree)
    return scanner.found


def offences() -> list[Offence]:
    return [o for path in adapter_files() for o in scan(path)]


def test_the_scan_sees_every_adapter() -> None:
    names = {str(p.relative_to(ROOT)) for p in adapter_files()}
    for expected in (
        "api/boards.py",
        "api/datasets.py",
        "api/indicators.py",
        "api/admin.py",
        "callbacks/boards.py",
        "callbacks/datasets.py",
    ):
        assert expected in names
    assert len(names) >= 25


def test_the_scan_catches_each_kind_of_direct_write(tmp_path: Path) -> None:
    """The scanner itself, on an adapter written the old way: each direct write is one offence."""
    (tmp_path / "api").mkdir()
    bad = tmp_path / "api" / "bad.py"
    bad.write_text(
        "from access.audit import record\n"
        "from boards import catalog\n"
        "from boards import commands\n"
        "from sqlalchemy import delete\n"
        "def endpoint(rt, who, row):\n"
        "    with rt.store.transaction() as db:\n"
        "        catalog.save_board(db, who, 'b', {}, 1)\n"
        "        db.add(row)\n"
        "        db.execute(delete(row))\n"
        "        row.title = 'x'\n"
        "        record(db, who.username, 'x')\n"
        "    rt.registry.set_status(who, 'i', 'certified')\n"
        "    commands.save_board(rt.store, who, 'b', {}, 1)\n",
        encoding="utf-8",
    )
    tree = ast.parse(bad.read_text(encoding="utf-8"))
    scanner = Scanner("api/bad.py", tree)
    scanner.visit(tree)
    found = sorted((o.line, o.what.split(" ")[0]) for o in scanner.found)
    lines = [line for line, _ in found]
    assert lines == [1, 4, 6, 7, 8, 9, 10, 12], found  # the command's call on line 13 is the one allowed write


def test_api_and_callbacks_write_only_through_commands() -> None:
    found = offences()
    left = [o for o in found if (o.path, o.function) not in ALLOWED]
    assert not left, f"{len(left)} direct write(s) in api/ or callbacks/ (call the noun's command):\n" + "\n".join(map(str, left))
    stale = set(ALLOWED) - {(o.path, o.function) for o in found}
    assert not stale, f"allow-list entries that no longer write directly (remove them): {sorted(stale)}"


# -- (b) every command leaves its audit record ---------------------------------------------------------------
def command_modules() -> list[str]:
    found = []
    for package in PRODUCT_PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            if "commands" in rel.parts or rel.name == "commands":
                found.append(".".join(p for p in rel.parts if p != "__init__"))
    return found


def command_functions() -> list[str]:
    out = []
    for name in command_modules():
        module = importlib.import_module(name)
        out += [
            f"{name}.{fn}"
            for fn, obj in inspect.getmembers(module, inspect.isfunction)
            if obj.__module__ == name and not fn.startswith("_")
        ]
    return sorted(out)


@dataclass(frozen=True)
class Expect:
    actor: str  # who acted
    action: str  # the audit action the command must leave
    object_id: str | None = None  # and what it acted on, when known


Scenario = Callable[[Any], Expect]
SCENARIOS: dict[str, Scenario] = {}
_serial = itertools.count(1)


def scenario(key: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[key] = fn
        return fn

    return register


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_serial)}"


def _board(rt: Any, owner: str, **spec: Any) -> Any:
    from boards import catalog

    data = {"title": {"zh": "命令测试", "en": "Command test"}, "visibility": "department", **spec}
    with rt.store.transaction() as db:
        return catalog.create_board(db, actor_of(rt, owner), data)


TEXT_TILE = {"id": "t1", "type": "text", "title": {"zh": "说明", "en": "Note"}, "text": "x"}


# boards
@scenario("boards.commands.create_board")
def _create_board(rt: Any) -> Expect:
    from boards import commands

    made = commands.create_board(rt.store, actor_of(rt, "traffic_analyst"), {"title": {"zh": "新", "en": "New"}})
    return Expect("traffic_analyst", "board.create", made.id)


@scenario("boards.commands.save_board")
def _save_board(rt: Any) -> Expect:
    from boards import commands

    board = _board(rt, "traffic_analyst")
    commands.save_board(rt.store, actor_of(rt, "traffic_analyst"), board.id, board.spec.to_dict() | {"tiles": [TEXT_TILE]}, 1)
    return Expect("traffic_analyst", "board.save", board.id)


@scenario("boards.commands.share_board")
def _share_board(rt: Any) -> Expect:
    from boards import commands

    board = _board(rt, "traffic_analyst")
    shared = board.spec.to_dict() | {"visibility": "shared", "shared_with": [{"type": "department", "name": "hotline"}]}
    commands.share_board(rt.store, actor_of(rt, "traffic_analyst"), board.id, shared, 1)
    return Expect("traffic_analyst", "board.share", board.id)


@scenario("boards.commands.add_tile")
def _add_tile(rt: Any) -> Expect:
    from boards import commands

    board = _board(rt, "traffic_analyst")
    commands.add_tile(rt.store, actor_of(rt, "traffic_analyst"), board.id, dict(TEXT_TILE))
    return Expect("traffic_analyst", "board.save", board.id)


@scenario("boards.commands.delete_board")
def _delete_board(rt: Any) -> Expect:
    from boards import commands

    board = _board(rt, "traffic_analyst")
    commands.delete_board(rt.store, actor_of(rt, "traffic_analyst"), board.id)
    return Expect("traffic_analyst", "board.delete", board.id)


@scenario("boards.commands.undelete_board")
def _undelete_board(rt: Any) -> Expect:
    from boards import catalog, commands

    board = _board(rt, "traffic_analyst")
    with rt.store.transaction() as db:
        catalog.delete_board(db, actor_of(rt, "traffic_analyst"), board.id)
    commands.undelete_board(rt.store, actor_of(rt, "traffic_analyst"), board.id)
    return Expect("traffic_analyst", "board.undelete", board.id)


@scenario("boards.commands.restore_board")
def _restore_board(rt: Any) -> Expect:
    from boards import catalog, commands

    board = _board(rt, "traffic_analyst")
    with rt.store.transaction() as db:
        catalog.save_board(db, actor_of(rt, "traffic_analyst"), board.id, board.spec.to_dict() | {"tiles": [TEXT_TILE]}, 1)
    commands.restore_board(rt.store, actor_of(rt, "traffic_analyst"), board.id, 1, 2)
    return Expect("traffic_analyst", "board.save", board.id)


def _arranged_by_clerk(rt: Any) -> Any:
    board = _board(rt, "traffic_analyst", tiles=[TEXT_TILE], layout=[{"i": "t1", "x": 0, "y": 0, "w": 4, "h": 3}])
    return board, [{"i": "t1", "x": 6, "y": 0, "w": 4, "h": 3}]


@scenario("boards.commands.save_view")
def _save_view(rt: Any) -> Expect:
    from boards import commands

    board, places = _arranged_by_clerk(rt)
    assert commands.save_view(rt.store, actor_of(rt, "traffic_staff"), board.id, places)
    return Expect("traffic_staff", "board.view.save", board.id)


@scenario("boards.commands.reset_view")
def _reset_view(rt: Any) -> Expect:
    from boards import commands, views

    board, places = _arranged_by_clerk(rt)
    with rt.store.transaction() as db:
        views.save_view(db, actor_of(rt, "traffic_staff"), board.id, places)
    assert commands.reset_view(rt.store, actor_of(rt, "traffic_staff"), board.id)
    return Expect("traffic_staff", "board.view.reset", board.id)


@scenario("boards.commands.record_export")
def _record_export(rt: Any) -> Expect:
    from boards import commands

    board = _board(rt, "traffic_analyst")
    commands.record_export(rt.store, actor_of(rt, "traffic_staff"), "csv", board.id, {"tile": "t1", "rows": 0})
    return Expect("traffic_staff", "export.csv", board.id)


# indicators
def _definition(rt: Any) -> dict[str, Any]:
    base = rt.registry.get(actor_of(rt, "admin"), "traffic.avg_speed").to_dict()
    return {k: v for k, v in base.items() if k not in ("status", "version")} | {"id": _unique("traffic.command_probe_")}


def _draft(rt: Any, who: str = "traffic_analyst") -> Any:
    from indicators import commands

    author = actor_of(rt, who)
    return commands.create_draft(rt.registry, author, _definition(rt), rt.door.rule_context(author, frozenset(rt.registry.all())))


@scenario("indicators.commands.create_draft")
def _create_draft(rt: Any) -> Expect:
    made = _draft(rt)
    return Expect("traffic_analyst", "indicator.create", made.id)


@scenario("indicators.commands.update_draft")
def _update_draft(rt: Any) -> Expect:
    from indicators import commands

    made, author = _draft(rt), actor_of(rt, "traffic_analyst")
    changed = {**made.to_dict(), "decimals": (made.decimals or 0) + 1}
    commands.update_draft(rt.registry, author, made.id, changed, rt.door.rule_context(author))
    return Expect("traffic_analyst", "indicator.update", made.id)


@scenario("indicators.commands.submit")
def _submit(rt: Any) -> Expect:
    from indicators import commands

    made = _draft(rt)
    commands.submit(rt.registry, actor_of(rt, "traffic_analyst"), made.id)
    return Expect("traffic_analyst", "indicator.submit", made.id)


@scenario("indicators.commands.certify")
def _certify(rt: Any) -> Expect:
    from indicators import commands

    made = _draft(rt)
    commands.certify(rt.registry, actor_of(rt, "admin"), made.id)
    return Expect("admin", "indicator.certify", made.id)


@scenario("indicators.commands.deprecate")
def _deprecate(rt: Any) -> Expect:
    from indicators import commands

    made = _draft(rt)
    commands.deprecate(rt.registry, actor_of(rt, "admin"), made.id)
    return Expect("admin", "indicator.deprecated", made.id)


# datasets
CSV = "district,count\n东城区,3\n西城区,4\n".encode()


def _request(name: str) -> Any:
    from datasets.importer import ImportRequest

    return ImportRequest(name=name, department="traffic")


def _staged(rt: Any) -> Any:
    from datasets.staged import StagedUploads

    return StagedUploads(rt.settings.data_dir / "staged")


def _stage(rt: Any, who: str) -> str:
    from datasets import commands

    upload_id, _ = commands.stage_upload(
        rt.importer, _staged(rt), actor_of(rt, who), who, "counts.csv", _request(_unique("命令测试")), lambda p: p.write_bytes(CSV)
    )
    return upload_id


def _import_probe(rt: Any, who: str = "traffic_analyst") -> str:
    from datasets import commands

    path = rt.settings.data_dir / f"{_unique('counts')}.csv"
    path.write_bytes(CSV)
    return str(commands.import_file(rt.importer, actor_of(rt, who), path, path.name, _request(_unique("命令测试"))).dataset_id)


@scenario("datasets.commands.import_file")
def _import_file(rt: Any) -> Expect:
    return Expect("traffic_analyst", "dataset.replace", _import_probe(rt))


@scenario("datasets.commands.stage_upload")
def _stage_upload(rt: Any) -> Expect:
    return Expect("traffic_analyst", "upload.stage", _stage(rt, "traffic_analyst"))


@scenario("datasets.commands.publish_upload")
def _publish_upload(rt: Any) -> Expect:
    from datasets import commands

    upload_id = _stage(rt, "traffic_analyst")
    report = commands.publish_upload(rt.importer, _staged(rt), actor_of(rt, "traffic_analyst"), "traffic_analyst", upload_id, {})
    assert not list((rt.settings.data_dir / "staged").glob(f"{upload_id}*"))
    return Expect("traffic_analyst", "dataset.replace", report.dataset_id)


@scenario("datasets.commands.cancel_upload")
def _cancel_upload(rt: Any) -> Expect:
    from datasets import commands

    upload_id = _stage(rt, "traffic_analyst")
    commands.cancel_upload(rt.store, _staged(rt), actor_of(rt, "traffic_analyst"), "traffic_analyst", upload_id)
    assert not list((rt.settings.data_dir / "staged").glob(f"{upload_id}*"))
    return Expect("traffic_analyst", "upload.cancel", upload_id)


@scenario("datasets.commands.edit_column")
def _edit_column(rt: Any) -> Expect:
    from datasets import commands

    dataset_id = _import_probe(rt)
    commands.edit_column(rt.store, actor_of(rt, "traffic_analyst"), dataset_id, "district", {"description_zh": "所在区"})
    return Expect("traffic_analyst", "dictionary.edit", dataset_id)


@scenario("datasets.commands.edit_columns")
def _edit_columns(rt: Any) -> Expect:
    from datasets import commands

    dataset_id = _import_probe(rt)
    edits = [("district", {"role": "dimension"}), ("count", {"description_en": "Count"})]
    commands.edit_columns(rt.store, actor_of(rt, "traffic_analyst"), dataset_id, edits)
    return Expect("traffic_analyst", "dictionary.edit", dataset_id)


@scenario("datasets.commands.delete_dataset")
def _delete_dataset(rt: Any) -> Expect:
    from boards.usage import refuse_dataset_delete
    from datasets import commands

    dataset_id = _import_probe(rt)
    commands.delete_dataset(rt.store, actor_of(rt, "traffic_analyst"), dataset_id, refuse_dataset_delete)
    return Expect("traffic_analyst", "dataset.delete", dataset_id)


# access
def _user(rt: Any) -> str:
    from access import commands

    name = _unique("probe_user_")
    commands.create_user(rt.store, actor_of(rt, "admin"), username=name, password="Probe-pass-2026!", role="staff", department="traffic")
    return name


@scenario("access.commands.create_user")
def _create_user(rt: Any) -> Expect:
    return Expect("admin", "user.create", _user(rt))


@scenario("access.commands.update_user")
def _update_user(rt: Any) -> Expect:
    from access import commands

    name = _user(rt)
    commands.update_user(rt.store, actor_of(rt, "admin"), name, {"display_name": "探针"})
    return Expect("admin", "user.update", name)


@scenario("access.commands.delete_user")
def _delete_user(rt: Any) -> Expect:
    from access import commands

    name = _user(rt)
    commands.delete_user(rt.store, actor_of(rt, "admin"), name)
    return Expect("admin", "user.delete", name)


@scenario("access.commands.view_as")
def _view_as(rt: Any) -> Expect:
    from access import commands

    commands.view_as(rt.store, actor_of(rt, "admin"), "traffic_staff", "indicator", "traffic.avg_speed", {"as": "traffic_staff"})
    return Expect("admin", "admin.view_as", "traffic.avg_speed")


@scenario("access.commands.create_department")
def _create_department(rt: Any) -> Expect:
    from access import commands

    code = _unique("probe_dept_")
    commands.create_department(rt.store, actor_of(rt, "admin"), code, f"探针部门{code}", f"Probe {code}")
    return Expect("admin", "department.create", code)


@scenario("access.commands.create_area")
def _create_area(rt: Any) -> Expect:
    from access import commands
    from access.models import Area

    with rt.store.read() as db:
        city = db.scalar(select(Area.code).where(Area.level == "city").limit(1))
    code = _unique("probe_area_")
    commands.create_area(rt.store, actor_of(rt, "admin"), code, f"探针区{code}", f"Probe district {code}", "district", city)
    return Expect("admin", "area.create", code)


@scenario("access.commands.delete_department")
def _delete_department(rt: Any) -> Expect:
    from access import commands
    from boards.usage import refuse_department_delete

    code = _unique("probe_dept_")
    commands.create_department(rt.store, actor_of(rt, "admin"), code, f"探针部门{code}", f"Probe {code}")
    commands.delete_department(rt.store, actor_of(rt, "admin"), code, refuse_department_delete)
    return Expect("admin", "department.delete", code)


@scenario("access.commands.delete_area")
def _delete_area(rt: Any) -> Expect:
    from access import commands
    from access.models import Area
    from boards.usage import refuse_area_delete

    with rt.store.read() as db:
        city = db.scalar(select(Area.code).where(Area.level == "city").limit(1))
    code = _unique("probe_area_")
    commands.create_area(rt.store, actor_of(rt, "admin"), code, f"探针区{code}", f"Probe district {code}", "district", city)
    commands.delete_area(rt.store, actor_of(rt, "admin"), code, refuse_area_delete)
    return Expect("admin", "area.delete", code)


def _grant(rt: Any) -> Any:
    from access import commands

    return commands.add_grant(rt.store, actor_of(rt, "admin"), "indicator", "traffic.avg_speed", "user", "hotline_staff", "view")


@scenario("access.commands.add_grant")
def _add_grant(rt: Any) -> Expect:
    _grant(rt)
    return Expect("admin", "grant.add", "traffic.avg_speed")


@scenario("access.commands.remove_grant")
def _remove_grant(rt: Any) -> Expect:
    from access import commands

    commands.remove_grant(rt.store, actor_of(rt, "admin"), _grant(rt).id)
    return Expect("admin", "grant.remove", "traffic.avg_speed")


def _policy(rt: Any) -> Any:
    from access import commands
    from indicators.policies import check_row_policy

    dataset_id = _import_probe(rt)
    added = commands.add_row_policy(rt.store, actor_of(rt, "admin"), dataset_id, "area", "district", "", check_row_policy)
    return added


@scenario("access.commands.add_row_policy")
def _add_row_policy(rt: Any) -> Expect:
    return Expect("admin", "policy.add", _policy(rt).dataset_id)


@scenario("access.commands.remove_row_policy")
def _remove_row_policy(rt: Any) -> Expect:
    from access import commands

    policy = _policy(rt)
    commands.remove_row_policy(rt.store, actor_of(rt, "admin"), policy.id)
    return Expect("admin", "policy.remove", policy.dataset_id)


@scenario("access.commands.create_token")
def _create_token(rt: Any) -> Expect:
    from access import commands

    commands.create_token(rt.store, actor_of(rt, "traffic_analyst"), "probe")
    return Expect("traffic_analyst", "token.create", "traffic_analyst")


@scenario("access.commands.revoke_token")
def _revoke_token(rt: Any) -> Expect:
    from access import commands
    from access.models import ApiToken

    who = actor_of(rt, "traffic_analyst")
    commands.create_token(rt.store, who, "probe")
    with rt.store.read() as db:
        token_id = db.scalar(select(func.max(ApiToken.id)).where(ApiToken.user_id == who.user_id))
    commands.revoke_token(rt.store, who, token_id)
    return Expect("traffic_analyst", "token.revoke", "traffic_analyst")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The demo city (every catalog indicator certified, its departments, areas and users)."""
    from app import create_app
    from demo.seed import seed_if_empty

    app = create_app(make_settings(Path(tmp_path_factory.mktemp("commands")) / "instance"))
    rt = app.server.extensions["city"]
    assert seed_if_empty(rt, 0.05, echo=lambda _line: None)
    yield rt
    rt.close()


def test_every_command_has_a_scenario() -> None:
    found = command_functions()
    assert {"boards.commands.save_board", "indicators.commands.certify", "datasets.commands.publish_upload"} <= set(found)
    missing = sorted(set(found) - set(SCENARIOS))
    assert not missing, "commands without a scenario here (add one that runs it and names its audit action): " + ", ".join(missing)
    stale = sorted(set(SCENARIOS) - set(found))
    assert not stale, "scenarios for commands that no longer exist: " + ", ".join(stale)


@pytest.mark.parametrize("command", sorted(SCENARIOS))
def test_the_command_leaves_its_audit_record(city: Any, command: str) -> None:
    from access.models import AuditEvent

    with city.store.read() as db:
        before = db.scalar(select(func.max(AuditEvent.id))) or 0
    expected = SCENARIOS[command](city)
    with city.store.read() as db:
        rows = db.scalars(select(AuditEvent).where(AuditEvent.id > before).order_by(AuditEvent.id)).all()
        events = [(e.actor, e.action, e.object_id) for e in rows]
    hits = [e for e in events if e[0] == expected.actor and e[1] == expected.action]
    assert hits, f"{command} left no {expected.action!r} record by {expected.actor}; it left {events}"
    if expected.object_id is not None:
        assert any(e[2] == expected.object_id for e in hits), f"{command}: {expected.action} names {hits}, not {expected.object_id}"
