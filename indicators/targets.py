"""Targets, attainment and red/amber/green status of indicator values.

The target of a value is the one whose period contains the value's period (a yearly target applies
to its months) and whose scope matches the value's dimensions; the most specific scope wins, then
the narrowest period. A target with `split: prorate` is a total over its period: a shorter period
gets its share by length (a yearly 100 is 100 × 31/365 for January). Attainment is value/target
when higher is better and target/value when lower is better; status compares attainment with the
thresholds.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from indicators.periods import Period, belongs, parse_period
from indicators.spec import WHOLE, Direction, Indicator, Split, Target


class Light(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Assessment:
    target: float | None
    attainment: float | None
    status: Light | None


def find_target(targets: tuple[Target, ...], period: Period | None, scope: Mapping[str, str]) -> Target | None:
    """The most specific target whose period contains `period` and whose scope matches `scope`."""
    best: tuple[int, float, Target] | None = None
    for target in targets:
        if target.period == WHOLE:  # the one period of a timeless indicator, which asks with period None
            matches = all(scope.get(key) == value for key, value in target.scope.items())
            if period is None and matches and (best is None or len(target.scope) > best[0]):
                best = (len(target.scope), 0.0, target)
            continue
        target_period = parse_period(target.period)
        if target_period is None or period is None or not target_period.contains(belongs(period, target_period)):
            continue
        if any(scope.get(key) != value for key, value in target.scope.items()):
            continue
        rank = (len(target.scope), -(target_period.end - target_period.start).total_seconds(), target)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


def attainment(value: float | None, target: float | None, direction: Direction | None) -> float | None:
    if value is None or target is None:
        return None
    if direction is Direction.LOWER_IS_BETTER:
        return None if value == 0 else target / value
    return None if target == 0 else value / target


def light(score: float | None, green: float, amber: float) -> Light | None:
    if score is None:
        return None
    if score >= green:
        return Light.GREEN
    if score >= amber:
        return Light.AMBER
    return Light.RED


def goal_of(target: Target, period: Period | None) -> float:
    """The target's value for `period` (inside the target's period): its share by length when prorated."""
    whole = parse_period(target.period)
    if target.split is not Split.PRORATE or whole is None or period is None:
        return target.value
    return target.value * (period.end - period.start).total_seconds() / (whole.end - whole.start).total_seconds()


def assess(ind: Indicator, value: float | None, period: Period | None, scope: Mapping[str, str]) -> Assessment:
    target = find_target(ind.targets, period, scope)
    goal = goal_of(target, period) if target else None
    score = attainment(value, goal, ind.direction)
    return Assessment(goal, score, light(score, ind.thresholds.green, ind.thresholds.amber))
