"""A definition as YAML text, as an author writes it: hostile text in, data and located issues out; data back to text.

The text is checked before it is loaded: a size limit, no anchors or aliases (an alias bomb expands without bound),
a nesting limit and an event limit; only then `yaml.safe_load`. Every issue gets the line and column where it
is in the text, so an author can go straight to it; fields are named by dotted paths (`targets.0.period`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from errors import Issue
from indicators.spec import Indicator

MAX_CHARS = 20_000
MAX_DEPTH = 12
MAX_EVENTS = 4_000
Path = tuple[str | int, ...]
SERVER_FIELDS = frozenset({"status", "version"})
ALWAYS_SHOWN = ("unit", "decimals", "direction")
ORDER = ("id", "name", "description", "department", "owner", "type", *(f for f in Indicator.model_fields if f not in ("id", "name")))
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

# PyYAML's problems (English only) → what an author should do, in both languages.
PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (
        "mapping values are not allowed",
        "此处不能出现“键: 值”：请检查缩进，或给含冒号的值加引号。",
        "a `key: value` is not allowed here: check the indentation, or quote a value that contains a colon.",
    ),
    (
        "cannot start any token",
        "不能用制表符或该字符开头：请用空格缩进，特殊字符请加引号。",
        "this character cannot start a value: indent with spaces and quote special characters.",
    ),
    ("could not find expected ':'", "缺少冒号“:”：每个字段写成“名称: 值”。", "a colon is missing: write each field as `name: value`."),
    (
        "did not find expected key",
        "缩进不一致：同一层的字段须对齐。",
        "the indentation is inconsistent: fields at the same level must line up.",
    ),
    ("expected <block end>", "缩进不一致：同一层的字段须对齐。", "the indentation is inconsistent: fields at the same level must line up."),
    ("did not find expected '-'", "列表项须以“- ”开头并对齐。", "list items must start with `- ` and line up."),
    ("found unexpected end of stream", "引号或括号没有闭合。", "a quote or bracket is not closed."),
    ("found unexpected ':'", "此处不能出现冒号：请给值加引号。", "a colon is not allowed here: quote the value."),
    (
        "expected ',' or ']'",
        "方括号列表没有正确闭合：项之间用逗号分隔，并以“]”结束。",
        "a [list] is not closed: separate items with commas and end with `]`.",
    ),
    (
        "expected ',' or '}'",
        "花括号没有正确闭合：项之间用逗号分隔，并以“}”结束。",
        "a {mapping} is not closed: separate items with commas and end with `}`.",
    ),
    (
        "could not determine a constructor",
        "不支持标签（! 或 !!）：请直接写出值。",
        "tags (! or !!) are not supported: write the plain value.",
    ),
    (
        "unknown escape character",
        "双引号中的反斜杠转义无效：请改用单引号。",
        "a backslash escape in double quotes is invalid: use single quotes instead.",
    ),
)


OPENED = frozenset({"found unexpected end of stream", "expected ',' or ']'", "expected ',' or '}'"})


def _yaml_issue(code: str, zh: str, en: str, line: int | None = None, col: int | None = None) -> Issue:
    return Issue(code, f"YAML：{zh}", f"YAML: {en}", line=line, col=col)


def _mark(err: yaml.YAMLError, opening: bool = False) -> tuple[int | None, int | None]:
    """Where the problem is; for something left open (a quote, a bracket) where it was opened."""
    first, second = ("context_mark", "problem_mark") if opening else ("problem_mark", "context_mark")
    return _at(getattr(err, first, None) or getattr(err, second, None))


def _syntax(err: yaml.YAMLError) -> Issue:
    problem = str(getattr(err, "problem", "") or "")
    for needle, zh, en in PROBLEMS:
        if needle in problem:
            line, col = _mark(err, opening=needle in OPENED)
            return _yaml_issue("yaml.syntax", zh, en, line, col)
    line, col = _mark(err)
    return _yaml_issue(
        "yaml.syntax", "格式有误，请检查缩进、冒号和引号。", "the text is malformed; check indentation, colons and quotes.", line, col
    )


def _at(mark: Any) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


def _screen(text: str) -> list[Issue]:
    """Refuse what safe_load would still accept but must not: aliases, deep nesting, too many nodes."""
    depth = events = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            events += 1
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                line, col = _at(event.start_mark)
                return [
                    _yaml_issue(
                        "yaml.alias",
                        "不支持锚点和别名（& 与 *）：请直接写出内容。",
                        "anchors and aliases (& and *) are not supported: write the content out.",
                        line,
                        col,
                    )
                ]
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if depth > MAX_DEPTH or events > MAX_EVENTS:
                line, col = _at(event.start_mark)
                return [_yaml_issue("yaml.too_complex", "内容嵌套过深或过长。", "the text is nested too deeply or is too long.", line, col)]
    except yaml.YAMLError as err:
        return [_syntax(err)]
    return []


def _plain(value: Any) -> Any:
    """Dates YAML read as dates become ISO text again, as the definition expects (`from: 2024-01-01`)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _periods_as_text(data: dict[str, Any]) -> None:
    """`period: 2025` is read as a number; a target period is always text."""
    targets = data.get("targets")
    if isinstance(targets, list):
        for target in targets:
            if isinstance(target, dict) and isinstance(target.get("period"), int) and not isinstance(target.get("period"), bool):
                target["period"] = str(target["period"])


def load(text: object) -> tuple[dict[str, Any] | None, list[Issue]]:
    """The definition in `text`, or None and why not (each issue with its line and column)."""
    if not isinstance(text, str) or not text.strip():
        return None, [_yaml_issue("yaml.empty", "内容为空：请写出指标定义。", "the text is empty: write the definition.", 1, 1)]
    if len(text) > MAX_CHARS:
        return None, [_yaml_issue("yaml.too_long", f"内容超过 {MAX_CHARS} 个字符。", f"the text is longer than {MAX_CHARS} characters.")]
    issues = _screen(text)
    if issues:
        return None, issues
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        return None, [_syntax(err)]
    if not isinstance(data, dict):
        return None, [
            _yaml_issue(
                "yaml.shape",
                "指标定义须是“字段: 值”的映射，例如 id: traffic.my_indicator。",
                "a definition is a mapping of `field: value`, e.g. id: traffic.my_indicator.",
                1,
                1,
            )
        ]
    duplicates = duplicate_keys(text)
    if duplicates:
        return None, duplicates
    plain: dict[str, Any] = _plain(data)
    _periods_as_text(plain)
    return plain, []


# -- where things are -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    """Where a field is in the text (1-based): its key, and its value (with the value's scalar style)."""

    line: int
    col: int
    value_line: int
    value_col: int
    style: str | None = None


def _walk(node: yaml.Node, path: Path, out: dict[Path, Place]) -> Iterator[tuple[Path, yaml.Node]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            here = (*path, name)
            yield here, key
            style = value.style if isinstance(value, yaml.ScalarNode) else None
            out.setdefault(
                here,
                Place(key.start_mark.line + 1, key.start_mark.column + 1, value.start_mark.line + 1, value.start_mark.column + 1, style),
            )
            yield from _walk(value, here, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*path, index)
            style = item.style if isinstance(item, yaml.ScalarNode) else None
            line, col = item.start_mark.line + 1, item.start_mark.column + 1
            out.setdefault(here, Place(line, col, line, col, style))
            yield from _walk(item, here, out)


def places(text: str) -> dict[Path, Place]:
    """Every field's place in text that `load` accepted."""
    out: dict[Path, Place] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return out
    if root is not None:
        for _ in _walk(root, (), out):
            pass
    return out


def duplicate_keys(text: str) -> list[Issue]:
    """YAML keeps the last of two equal keys silently; an author means one of them."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        return [_syntax(err)]
    if root is None:
        return []
    seen: set[Path] = set()
    issues = []
    for path, key in _walk(root, (), {}):
        if path in seen:
            field = dotted(path)
            issues.append(
                _yaml_issue(
                    "yaml.duplicate_key",
                    f"字段“{field}”写了两次：请删除其中一个。",
                    f"the field {field!r} appears twice: remove one of them.",
                    key.start_mark.line + 1,
                    key.start_mark.column + 1,
                )
            )
        seen.add(path)
    return issues


def parts(field: str | None) -> Path:
    """`targets[0].period`, `targets.0.period` → ('targets', 0, 'period')."""
    out: list[str | int] = []
    for name, index in _PART.findall(field or ""):
        out.append(int(index) if index else int(name) if name.isdigit() else name)
    return tuple(out)


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


def locate(issue: Issue, found: Mapping[Path, Place]) -> Issue:
    """The issue with its line and column in the text: at its field (or the nearest enclosing one that is
    written), and inside an expression where the expression check said where."""
    wanted = parts(issue.column)
    path = wanted
    while path and path not in found:
        path = path[:-1]
    place = found.get(path) if path else None
    field = dotted(wanted) or None
    if place is None:
        return dataclasses.replace(issue, column=field, line=None, col=None)
    if issue.line is not None and path == wanted:
        line, col = _inside(place, issue.line, issue.col or 1)
        return dataclasses.replace(issue, column=field, line=line, col=col)
    return dataclasses.replace(issue, column=field, line=place.line, col=place.col)


def _inside(place: Place, line: int, col: int) -> tuple[int, int]:
    """A position inside an expression → the text: quoted values start one later, block values on the next line."""
    if place.style in ("|", ">"):
        return place.value_line + line, col + 2
    shift = 1 if place.style in ("'", '"') else 0
    if line == 1:
        return place.value_line, place.value_col + shift + col - 1
    return place.value_line + line - 1, col


def located(issues: Sequence[Issue], text: str) -> list[Issue]:
    """Each issue placed in `text`; YAML problems already carry their place."""
    found = places(text)
    return [i if i.code.startswith("yaml.") else locate(i, found) for i in issues]


# -- data back to text ------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Small mappings and lists of plain values on one line (`name: {zh: …, en: …}`), the rest as blocks."""


def _short(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) and len(str(value)) <= 60


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and len(data) <= 4 and all(_short(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(_short(v) for v in data) and sum(len(str(v)) for v in data) <= 80 and not any(isinstance(v, str) and " " in v for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def ordered(data: Mapping[str, Any]) -> dict[str, Any]:
    """Fields in the order of the spec (unknown fields last, as written), server fields dropped."""
    known = [k for k in ORDER if k in data]
    return {k: data[k] for k in [*known, *(k for k in data if k not in ORDER)] if k not in SERVER_FIELDS}


def dump(data: Mapping[str, Any]) -> str:
    """Readable YAML of a definition: spec order, Chinese as Chinese, short parts on one line."""
    text: str = yaml.dump(ordered(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120, indent=2)
    return text


def editable(ind: Indicator) -> dict[str, Any]:
    """What the editor shows of a stored definition: the fields that differ from their defaults (and unit,
    decimals and direction always), without the server's status and version."""
    data = ind.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    full = ind.to_dict()
    for key in ALWAYS_SHOWN:
        if key in full:
            data[key] = full[key]
    return ordered(data)
