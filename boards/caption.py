"""What a sent board or tile says about itself, in words: scope, period, filters and when it was generated.

A PDF, PNG, CSV or Excel file leaves the product: whoever reads it must see whose numbers these are (the whole
city, or the viewer's districts), for which period, under which filters, and when they were taken — on the
city's clock (`CITY_TIMEZONE`). Area names are shown in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

import citytime
from access.actor import Actor
from access.departments import AreaNode, area_tree
from boards.spec import Filters
from boards.words import say as t

GRAINS = ("hour", "day", "week", "month", "quarter", "year")


def area_names(session: Session, lang: str) -> dict[str, str]:
    """Area name (as stored, Chinese) → its name in `lang`."""
    return names(area_tree(session), lang)


def names(areas: Iterable[AreaNode], lang: str) -> dict[str, str]:
    """Area name (as stored, Chinese) → its name in `lang`, for the areas given (the door's `areas()`)."""
    return {a.name_zh: (a.name_en or a.name_zh) if lang == "en" else a.name_zh for a in areas}


def scope(actor: Actor, names: Mapping[str, str], lang: str) -> str:
    """全市 / City-wide for city-wide viewers (and those without a home area), else their district(s)."""
    if actor.city_wide or not actor.area:
        return t("caption.city_wide", lang)
    return names.get(actor.area, actor.area)


def scope_line(actor: Actor, names: Mapping[str, str], lang: str) -> str:
    """The scope line, e.g. 范围：全市 / Scope: Dongcheng District."""
    return t("caption.scope", lang, scope=scope(actor, names, lang))


def period_line(filters: Filters, lang: str) -> str:
    """The period line, e.g. 期间：2025-01-01 至 2025-06-30."""
    return t("caption.period", lang, span=period(filters, lang))


def period(filters: Filters, lang: str) -> str:
    """The chosen date range, or that every tile shows its own default period."""
    if filters.start and filters.end:
        return t("caption.period_range", lang, start=filters.start[:10], end=filters.end[:10])
    if filters.start:
        return t("caption.period_from", lang, start=filters.start[:10])
    if filters.end:
        return t("caption.period_to", lang, end=filters.end[:10])
    return t("caption.period_default", lang)


def filter_sentence(filters: Filters, names: Mapping[str, str], lang: str) -> str:
    """The filter line, e.g. 筛选：按月汇总；区：高新区."""
    return t("caption.filters", lang, what=filter_words(filters, names, lang))


def filter_words(filters: Filters, names: Mapping[str, str], lang: str) -> str:
    """The filters in words, e.g. "按月汇总；区：高新区", or that there are none."""
    parts = []
    if filters.grain in GRAINS:
        parts.append(t("caption.grain", lang, grain=t(f"grain.{filters.grain}", lang)))
    for name, value in filters.dimensions.items():
        if not value:
            continue
        shown = names.get(value, value) if name == "district" else value
        label = t("caption.district", lang) if name == "district" else name
        parts.append(t("caption.dimension", lang, name=label, value=shown))
    return t("caption.and", lang).join(parts) if parts else t("caption.no_filters", lang)


def generated(lang: str) -> str:
    """The generation line, e.g. 生成于 2026-12-06 10:30（Asia/Shanghai）: now, on the city's clock."""
    return t("caption.generated", lang, at=citytime.show(citytime.now_utc()), zone=citytime.zone().key)


def generated_at(lang: str) -> str:
    """The time a sheet's "generated" row shows, e.g. 2026-12-06 10:30（Asia/Shanghai）, on the city's clock."""
    return t("caption.at_zone", lang, at=citytime.show(citytime.now_utc()), zone=citytime.zone().key)
