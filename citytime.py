"""The city's clock: times are stored in UTC and shown in the city's time zone (`CITY_TIMEZONE`)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"
_zone = ZoneInfo(DEFAULT_ZONE)


def configure(name: str) -> None:
    """Set the zone times are shown in (once per process, from settings)."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def now_city() -> dt.datetime:
    """The current time on the city's clock (aware)."""
    return dt.datetime.now(_zone)


def today_city() -> dt.date:
    """Today's date in the city, which is what 'today', '本月' and year-to-date mean to its users."""
    return now_city().date()


def to_city(value: dt.datetime) -> dt.datetime:
    """A stored time (aware, or naive meaning UTC) on the city's clock."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(_zone)


def show(value: dt.datetime | None, seconds: bool = False) -> str:
    """A stored time as the city reads it, e.g. '2025-03-01 08:05' (empty for none)."""
    if value is None:
        return ""
    return to_city(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def show_stored(value: object, seconds: bool = False) -> str:
    """A stored time as the city reads it, whether it arrives as a datetime or as ISO text from the API layer
    ('2025-03-01T00:05:00' is UTC, shown '2025-03-01 08:05' in Shanghai); empty for none, other text unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return show(value, seconds)
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    return show(moment, seconds)
