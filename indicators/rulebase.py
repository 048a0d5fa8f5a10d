"""What every indicator rule shares: the context rules check against (RuleContext), the rule type, the issue that
names the indicator, the did-you-mean hint, and the families of column types."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from errors import Issue
from indicators.spec import Agg, Indicator

ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}\.[a-z][a-z0-9_]{1,60}$")

ALIAS_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")

NUMERIC = frozenset({"integer", "float", "decimal", "boolean"})

TEMPORAL = frozenset({"date", "timestamp"})

NUMERIC_AGGS = frozenset({Agg.SUM, Agg.AVG, Agg.MEDIAN, Agg.P90, Agg.P95})


@dataclass(frozen=True)
class RuleContext:
    """What the rules check against: datasets (columns → types) the author may use, other indicators."""

    datasets: Mapping[str, Mapping[str, str]]
    indicators: Mapping[str, Indicator]
    departments: frozenset[str] = frozenset()
    taken_ids: frozenset[str] = field(default_factory=frozenset)


Rule = Callable[[Indicator, RuleContext], list[Issue]]


def rule_issue(
    ind: Indicator, code: str, zh: str, en: str, where: str | None = None, line: int | None = None, col: int | None = None
) -> Issue:
    return Issue(code, f"指标“{ind.id}”：{zh}", f"Indicator {ind.id!r}: {en}", column=where, line=line, col=col)


def did_you_mean(name: str, options: Iterable[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(name, sorted(options), n=1)
    return (f"是否想写“{close[0]}”？", f"Did you mean {close[0]!r}?") if close else ("", "")
