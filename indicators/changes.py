"""Changes against a comparison as a person reads them.

A percent indicator (unit `%`, or a ratio scaled by 100) changes in percentage points: 85.0% → 88.2% is
"▲3.2 个百分点" / "▲3.2 pp", never "+3.8%", which would be a percent of a percent. Every other indicator changes
in percent of the earlier value. Each comparison has its own words: 较去年同期 (a year ago), 较上期 (the
previous period) and 较基线 (the baseline) are different numbers and are never shown under one label.
"""

from __future__ import annotations

from typing import Any

from indicators.spec import Indicator, IndicatorType

COMPARE_WORDS: dict[str, tuple[str, str]] = {
    "year_ago": ("较去年同期", "vs a year ago"),
    "previous": ("较上期", "vs the previous period"),
    "baseline": ("较基线", "vs the baseline"),
}


def is_percent(ind: Indicator) -> bool:
    """Whether values are percentages: unit `%`, or a ratio scaled by 100 (a share shown out of a hundred)."""
    return ind.unit.strip() == "%" or (ind.type is IndicatorType.RATIO and ind.scale == 100)


def change_unit(ind: Indicator) -> str:
    """`pp` (percentage points) for percent indicators, `%` (of the earlier value) for the rest."""
    return "pp" if is_percent(ind) else "%"


def change_phrase(change: Any, change_pct: Any, unit: str, compare: str, lang: str, decimals: int = 1) -> str:
    """较去年同期上升 3.2 个百分点 / up 3.2 pp vs a year ago / 较基线下降 12.5%; empty when there is nothing to compare."""
    amount = change if unit == "pp" else change_pct
    if amount is None:
        return ""
    number = round(float(amount), decimals)
    size = f"{abs(number):,.{decimals}f}" + ((" pp" if lang == "en" else " 个百分点") if unit == "pp" else "%")
    words = compare_words(compare, lang)
    if lang == "en":
        return f"unchanged {words}" if number == 0 else f"{'up' if number > 0 else 'down'} {size} {words}"
    return f"{words}持平" if number == 0 else f"{words}{'上升' if number > 0 else '下降'} {size}"


def compare_words(compare: str, lang: str) -> str:
    """较去年同期 / vs a year ago: the label of a change, one per comparison."""
    zh, en = COMPARE_WORDS.get(compare, (compare, compare))
    return en if lang == "en" else zh
