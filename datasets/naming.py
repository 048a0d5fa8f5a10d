"""Safe column identifiers from arbitrary headers; the original header is kept as the label."""

from __future__ import annotations

import re
import unicodedata

from errors import Issue, Severity

MAX_NAME = 63
MAX_LABEL = 300
# Words that would need quoting or read as SQL in an expression; a trailing underscore keeps them plain.
RESERVED = frozenset(
    [
        "all",
        "and",
        "any",
        "as",
        "asc",
        "between",
        "by",
        "case",
        "cast",
        "create",
        "delete",
        "desc",
        "distinct",
        "drop",
        "else",
        "end",
        "except",
        "exists",
        "extract",
        "false",
        "from",
        "full",
        "group",
        "having",
        "in",
        "insert",
        "inner",
        "intersect",
        "interval",
        "into",
        "is",
        "join",
        "left",
        "like",
        "limit",
        "not",
        "null",
        "offset",
        "on",
        "or",
        "order",
        "outer",
        "over",
        "right",
        "select",
        "set",
        "table",
        "then",
        "to",
        "true",
        "union",
        "update",
        "using",
        "values",
        "when",
        "where",
        "window",
        "with",
    ]
)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_label(header: object) -> str:
    """The header as shown to users: BOM, control characters and edge whitespace removed."""
    text = "" if header is None else str(header)
    text = unicodedata.normalize("NFC", text.replace("\ufeff", ""))
    return _CONTROL.sub(" ", text).strip()[:MAX_LABEL]


def to_identifier(label: str) -> str:
    """lower_snake identifier; letters of any script (Chinese included) stay readable."""
    name = _NOT_WORD.sub("_", label).strip("_").lower()
    name = re.sub(r"_+", "_", name)[:MAX_NAME].rstrip("_")
    if name and name[0].isdigit():
        name = f"c_{name}"[:MAX_NAME]
    if name in RESERVED:
        name = f"{name}_"
    return name


def name_columns(headers: list[object]) -> tuple[list[str], list[str], list[Issue]]:
    """Names, labels and warnings for a header row: blank, duplicate and renamed headers reported."""
    names: list[str] = []
    labels: list[str] = []
    issues: list[Issue] = []
    seen: set[str] = set()
    for position, header in enumerate(headers, start=1):
        label = clean_label(header)
        base = to_identifier(label)
        if not label:
            issues.append(
                Issue(
                    "header.blank",
                    f"第 {position} 列没有列名，已命名为 column_{position}。",
                    f"Column {position} has no header; it was named column_{position}.",
                    Severity.WARNING,
                    row=1,
                    column=f"column_{position}",
                )
            )
            base = f"column_{position}"
        elif not base:
            base = f"column_{position}"
        name = base
        suffix = 2
        while name in seen:
            name = f"{base}_{suffix}"[:MAX_NAME]
            suffix += 1
        if name != base and label:
            issues.append(
                Issue(
                    "header.duplicate",
                    f"列名“{label}”重复出现，第 {position} 列已命名为 {name}。",
                    f"Header {label!r} appears more than once; column {position} was named {name}.",
                    Severity.WARNING,
                    row=1,
                    column=name,
                )
            )
        seen.add(name)
        names.append(name)
        labels.append(label or name)
    if len(headers) > 2000:
        issues.append(
            Issue(
                "header.too_many",
                f"文件有 {len(headers)} 列，超过 2000 列的上限。",
                f"The file has {len(headers)} columns; at most 2000 are supported.",
                row=1,
            )
        )
    return names, labels, issues
