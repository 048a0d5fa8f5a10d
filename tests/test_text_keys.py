"""Every text the product can ask for exists in Chinese and in English, including keys built at run time.

The house keeps one way of saying things in two languages: zh/en pairs. Screens ask i18n.t for a key of
i18n.TEXT; the domain (access, datasets, indicators, boards, query) never hands a screen an i18n key: errors
carry message_zh/message_en (errors.Issue, errors.UserError) and the boards service says its own words from
boards/words.py. A key nobody defined is a failing test here, never a KeyError in production: t() and
boards.words.say() log and fall back instead of raising.

How run-time keys are found: every call t(<not a plain string>) in the product is read with `ast`. A
conditional (`"a" if x else "b"`) gives its branches; an f-string (`f"grain.{g}"`) gives a pattern
("grain.{}") whose possible values come, in this order, from the literal tuple its variable loops over
(`for g in ("day", "week")`, or a module constant holding one), or from RUN_TIME_VALUES below, which names the
domain's own list (an enum, a constant) for each pattern. A pattern in neither place fails, naming the line, so
a new run-time key cannot arrive without its values being checked. Keys passed through a variable are checked
where they are written: every string in the screens that reads as a key of a known namespace must exist.
"""

from __future__ import annotations

import ast
import logging
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import i18n
from access import departments, grants, policy, rowpolicies
from access.roles import Role
from boards import words as board_words
from boards.spec import TileType, Visibility
from datasets.importer import ImportMode
from datasets.types import ColumnRole, ColumnType
from i18n import TEXT, t
from indicators.compiler import Compare
from indicators.spec import Agg, Direction, Grain, IndicatorType, Sensitivity, Split, Status
from indicators.targets import Light

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ("app.py", "layouts", "callbacks", "web", "builder")  # where i18n.t is called
DOMAIN = ("boards",)  # where boards.words.say is called (as `say` or imported `as t`)


def _values(enum: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(getattr(v, "value", v)) for v in enum)


def _time_parts() -> tuple[str, ...]:
    from query.selfservice import TIME_PARTS

    return tuple(TIME_PARTS)


def _builder_parts() -> tuple[str, ...]:
    from builder.source import PARTS

    return tuple(PARTS)


def _authoring_fields() -> tuple[str, ...]:
    from indicators.drafts import FIELDS

    return tuple(f.key for f in FIELDS)


# pattern -> the domain's list of what fills its `{}` (see the module docstring)
RUN_TIME_VALUES: dict[str, Callable[[], Iterable[str]]] = {
    "role.{}": lambda: _values(Role),
    "who.{}": lambda: i18n.PSEUDO_AUTHORS,
    "grain.{}": lambda: _values(Grain),
    "colrole.{}": lambda: _values(ColumnRole),
    "coltype.{}": lambda: _values(ColumnType),
    "dataset.mode.{}": lambda: _values(ImportMode),
    "type.{}": lambda: _values(IndicatorType),
    "status.{}": lambda: _values(Status),
    "direction.{}": lambda: _values(Direction),
    "auth.agg.{}": lambda: _values(Agg),
    "builder.agg.{}": lambda: _values(Agg),
    "builder.agg_of.{}": lambda: _values(Agg),
    "auth.sensitivity.{}": lambda: _values(Sensitivity),
    "auth.split.{}": lambda: _values(Split),
    "compare.{}": lambda: _values(Compare),
    "light.{}": lambda: (*_values(Light), "none"),
    "tile.type.{}": lambda: _values(TileType),
    "visibility.{}": lambda: _values(Visibility),
    "adm.level.{}": lambda: departments.AREA_LEVELS,
    "adm.object.{}": lambda: grants.OBJECT_TYPES,
    "adm.grantee.{}": lambda: grants.GRANTEE_TYPES,
    "adm.grant_level.{}": lambda: grants.LEVELS,
    "adm.kind.{}": lambda: rowpolicies.KINDS,
    "adm.kind_help.{}": lambda: rowpolicies.KINDS,
    "adm.attr.{}": lambda: policy.USER_ATTRIBUTES,
    "builder.part.{}": _builder_parts,
    "auth.f.{}": _authoring_fields,
    "builder.kind.{}": lambda: ("dataset", "indicator"),  # a builder source's kind (builder/source.Source.kind)
    "ask.save_{}": lambda: ("board", "mine"),  # where an answer can be saved (callbacks/ask.py)
}
# pattern -> values, for the words the boards service says (boards/words.py)
BOARD_VALUES: dict[str, Callable[[], Iterable[str]]] = {
    "grain.{}": lambda: _values(Grain),
    "light.{}": lambda: _values(Light),
    "part.{}": _time_parts,
    "tile.{}": lambda: _new_tile_types(),
    "sheet.compare_value.{}": lambda: _values(Compare),
    "sheet.change.{}": lambda: _values(Compare),
    "sheet.change_pct.{}": lambda: _values(Compare),
}


def _new_tile_types() -> tuple[str, ...]:
    from boards.edits import NEW_TILE_TYPES

    return NEW_TILE_TYPES


# Patterns whose call sites fall back to the stored value when no key exists (`… if key in TEXT else value`):
# their values are still all expected to have words, but a new stored value cannot break the page.
GUARDED = frozenset({"coltype.{}", "dataset.mode.{}", "colrole.{}"})


@dataclass(frozen=True)
class Ask:
    """One text asked for: a literal key, or a pattern with the values that can fill it."""

    where: str
    key: str = ""
    pattern: str = ""
    values: tuple[str, ...] | None = None


def _files(places: Iterable[str]) -> Iterator[Path]:
    for place in places:
        path = ROOT / place
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def _module_tuples(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """Module constants that are literal tuples/lists of strings (`STATUSES = ("certified", …)`)."""
    out: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        literal = _literal_strings(value)
        for target in targets:
            if isinstance(target, ast.Name) and literal is not None:
                out[target.id] = literal
    return out


def _literal_strings(node: ast.AST | None) -> tuple[str, ...] | None:
    """A literal tuple, list or set of strings or numbers, as the strings an f-string would make of them."""
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, (str, int)) and not isinstance(e.value, bool) for e in node.elts
    ):
        return tuple(str(e.value) for e in node.elts if isinstance(e, ast.Constant))
    return None


def _loop_values(name: str, parents: list[ast.AST], constants: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """What `name` loops over in the nearest enclosing comprehension or for-loop, if it is a literal list."""
    for parent in reversed(parents):
        loops = parent.generators if isinstance(parent, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)) else []
        loops = [*loops, parent] if isinstance(parent, ast.For) else loops
        for loop in loops:
            target, iterable = loop.target, loop.iter  # type: ignore[union-attr]
            if isinstance(target, ast.Name) and target.id == name:
                if isinstance(iterable, ast.Name):
                    return constants.get(iterable.id)
                return _literal_strings(iterable)
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(parent):  # `fields = ("a", "b")` then `for f in fields`
                if isinstance(node, ast.Assign) and any(isinstance(x, ast.Name) and x.id == name for x in node.targets):
                    return None
    return None


def _assigned_values(name: str, parents: list[ast.AST]) -> tuple[str, ...] | None:
    """The strings `name` can hold when the enclosing function only ever assigns it literal strings or conditionals
    of them (`key = "between" if … else "at_least" if … else "at_most"`)."""
    function = next((p for p in reversed(parents) if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if function is None:
        return None
    found: list[str] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(x, ast.Name) and x.id == name for x in node.targets):
            leaves = _leaves(node.value)
            if leaves is None:
                return None
            found += leaves
    return tuple(dict.fromkeys(found)) or None


def _leaves(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _leaves(node.body), _leaves(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _pattern(node: ast.JoinedStr) -> tuple[str, list[ast.expr]]:
    parts, holes = [], []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value).replace("{", "{{").replace("}", "}}"))
        elif isinstance(value, ast.FormattedValue):
            parts.append("{}")
            holes.append(value.value)
    return "".join(parts), holes


def _local_tuples(parents: list[ast.AST]) -> dict[str, tuple[str, ...]]:
    """Literal tuples assigned in the enclosing functions (`fields = ("username", …)`)."""
    out: dict[str, tuple[str, ...]] = {}
    for parent in parents:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(parent):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    literal = _literal_strings(node.value)
                    if literal is not None:
                        out[node.targets[0].id] = literal
    return out


def _asks(arg: ast.expr, where: str, parents: list[ast.AST], constants: dict[str, tuple[str, ...]]) -> list[Ask]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [Ask(where, key=arg.value)]
    if isinstance(arg, ast.IfExp):
        return _asks(arg.body, where, parents, constants) + _asks(arg.orelse, where, parents, constants)
    if isinstance(arg, ast.JoinedStr):
        pattern, holes = _pattern(arg)
        values = None
        if len(holes) == 1 and isinstance(holes[0], ast.Name):
            name = holes[0].id
            values = _loop_values(name, parents, {**constants, **_local_tuples(parents)}) or _assigned_values(name, parents)
        return [Ask(where, pattern=pattern, values=values)]
    return []  # a key in a variable: checked where it is written (test_every_key_written_in_a_screen_exists)


def asks(places: Iterable[str], names: tuple[str, ...]) -> list[Ask]:
    """Every call of a function named in `names` in the product files under `places`, as what it asks for."""
    found: list[Ask] = []
    for path in _files(places):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _visit(tree, [], str(path.relative_to(ROOT)), _module_tuples(tree), names, found)
    return found


def _visit(
    node: ast.AST, parents: list[ast.AST], file: str, constants: dict[str, tuple[str, ...]], names: tuple[str, ...], found: list[Ask]
) -> None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names and node.args:
        found.extend(_asks(node.args[0], f"{file}:{node.lineno}", parents, constants))
    for child in ast.iter_child_nodes(node):
        _visit(child, [*parents, node], file, constants, names, found)


def _keys(asked: list[Ask], known: dict[str, Callable[[], Iterable[str]]]) -> tuple[list[str], list[str]]:
    """(every key the asks can produce, problems: patterns whose values nobody knows)."""
    keys, unknown = [], []
    for ask in asked:
        if ask.key:
            keys.append(f"{ask.key}\t{ask.where}")
            continue
        values = ask.values if ask.values is not None else tuple(known[ask.pattern]()) if ask.pattern in known else None
        if values is None:
            unknown.append(f"{ask.where}: f{ask.pattern!r} — add the pattern's values to the table of run-time values")
            continue
        keys += [f"{ask.pattern.format(v)}\t{ask.where}" for v in values]
    return keys, unknown


def _missing(keys: list[str], table: dict[str, tuple[str, str]]) -> list[str]:
    out = []
    for entry in keys:
        key, where = entry.split("\t")
        pair = table.get(key)
        if pair is None:
            out.append(f"{where}: {key!r} is not defined")
        elif not (pair[0].strip() and pair[1].strip()):
            out.append(f"{where}: {key!r} is empty in {'Chinese' if not pair[0].strip() else 'English'}")
    return sorted(set(out))


def test_the_scan_sees_literal_and_run_time_keys() -> None:
    asked = asks(SCREENS, ("t",))
    assert sum(1 for a in asked if a.key) > 400
    patterns = {a.pattern for a in asked if a.pattern}
    assert {"grain.{}", "role.{}", "tile.type.{}", "compare.{}"} <= patterns
    by_loop = [a for a in asked if a.pattern == "adm.col.{}"]
    assert by_loop and all(a.values and "username" in a.values for a in by_loop)  # `fields = (…)`, `for f in fields`


def test_every_text_a_screen_asks_for_exists_in_both_languages() -> None:
    keys, unknown = _keys(asks(SCREENS, ("t",)), RUN_TIME_VALUES)
    assert not unknown, "run-time keys whose possible values are unknown:\n" + "\n".join(sorted(set(unknown)))
    missing = _missing(keys, TEXT)
    assert not missing, f"{len(missing)} text key(s) a screen can ask for are missing:\n" + "\n".join(missing)


def test_every_word_the_boards_service_says_exists_in_both_languages() -> None:
    keys, unknown = _keys(asks(DOMAIN, ("say", "t")), BOARD_VALUES)
    assert not unknown, "\n".join(unknown)
    missing = _missing(keys, board_words.WORDS)
    assert not missing, "\n".join(missing)


PATTERNS = [(p, TEXT, RUN_TIME_VALUES) for p in sorted(RUN_TIME_VALUES)] + [
    (p, board_words.WORDS, BOARD_VALUES) for p in sorted(BOARD_VALUES)
]


@pytest.mark.parametrize(
    ("pattern", "table", "known"), PATTERNS, ids=[f"{'words' if t is board_words.WORDS else 'text'}:{p}" for p, t, _ in PATTERNS]
)
def test_run_time_patterns_are_complete(
    pattern: str, table: dict[str, tuple[str, str]], known: dict[str, Callable[[], Iterable[str]]]
) -> None:
    """Each domain value has its words, even where no screen asks for it yet (a new enum member fails here)."""
    values = tuple(known[pattern]())
    assert values, pattern
    missing = [pattern.format(v) for v in values if pattern.format(v) not in table]
    assert not missing, f"no words for {missing}"


# Namespaces whose dotted strings in a screen are text keys (codes of other kinds — audit actions, permission
# names, ids — use other namespaces or no dot).
def _namespaces(table: dict[str, tuple[str, str]]) -> set[str]:
    return {key.split(".", 1)[0] for key in table if "." in key}


KEYLIKE = re.compile(r"^[a-z][a-z_]*(\.[a-z0-9_]+)+$")
NOT_KEYS = re.compile(r"\.(py|css|js|json|csv|xlsx|png|pdf|svg|yaml|html)$")


@pytest.mark.parametrize(("places", "table"), [(SCREENS, TEXT), (DOMAIN, board_words.WORDS)], ids=["screens", "boards"])
def test_every_key_written_in_the_code_exists(places: tuple[str, ...], table: dict[str, tuple[str, str]]) -> None:
    """Keys passed through a variable (`key = "auth.saved" if … else "auth.unchanged"`; `t(key, lang)`;
    boards/edits.py's problem codes) are checked where they are written: a dotted string of one of the table's
    namespaces must be one of its keys."""
    namespaces = _namespaces(table)
    missing = []
    for path in _files(places):
        if path.name == "words.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        codes = _codes(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and KEYLIKE.match(node.value)) or NOT_KEYS.search(
                node.value
            ):
                continue
            if node.value.split(".", 1)[0] in namespaces and node.value not in table and id(node) not in codes:
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not missing, "strings that read as text keys but are not defined:\n" + "\n".join(sorted(missing))


CODE_CALLS = frozenset({"Issue", "record", "_audit"})  # their string arguments are issue and audit codes, not text keys


def _codes(tree: ast.AST) -> set[int]:
    """The string nodes that are not text keys: codes given to Issue/record, pieces of f-strings (checked as patterns)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) or (
            isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) and _name(node.func) in CODE_CALLS
        ):
            out |= {id(x) for x in ast.walk(node) if isinstance(x, ast.Constant)}
    return out


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def test_every_text_fills_the_same_placeholders_in_both_languages() -> None:
    """A key whose Chinese and English name different `{placeholders}` would fail to fill in one language."""

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for table in (TEXT, board_words.WORDS):
        differ = [k for k, (zh, en) in table.items() if fields(zh) != fields(en)]
        assert not differ, f"placeholders differ between the languages: {differ}"


def test_board_tile_words_are_the_screens_words() -> None:
    """boards/words.py repeats the tile-type words of i18n.py (the service cannot import the web layer)."""
    repeated = {k.removeprefix("tile."): v for k, v in board_words.WORDS.items() if k.startswith("tile.")}
    assert repeated
    assert repeated == {kind: TEXT[f"tile.type.{kind}"] for kind in repeated}


def test_a_missing_key_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        assert t("no_such.key", "en") == "no_such.key"
        assert board_words.say("no_such.word", "zh") == "no_such.word"
    assert "no_such.key" in caplog.text and "no_such.word" in caplog.text


def test_a_text_missing_its_values_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    key = next(k for k, (zh, en) in TEXT.items() if "{" in en)
    with caplog.at_level(logging.ERROR):
        shown = t(key, "en", unrelated="x")
    assert shown == TEXT[key][1]
    assert key in caplog.text


def test_a_board_edit_says_its_problem_in_words_not_a_key() -> None:
    """The domain never returns a UI key: a board edit's problem arrives in the user's language."""
    from boards.edits import apply

    spec = {"tiles": [], "layout": []}
    for command in ({"op": "undo"}, {"op": "add", "type": "text", "text": " "}, {"op": "add", "type": "kpi"}, {"op": "nonsense"}):
        said = {lang: apply(spec, [], command, lambda _id: None, None, lang)[2] for lang in ("zh", "en")}
        assert said["zh"] and said["en"] and said["zh"] != said["en"], (command, said)
        assert not any(s in TEXT or s in board_words.WORDS for s in said.values()), (command, said)
        assert re.search(r"[\u4e00-\u9fff]", said["zh"]) and not re.search(r"[\u4e00-\u9fff]", said["en"]), said
