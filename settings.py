"""Every setting of the indicator center, declared once: name, default, help.

Values come from `CITY_*` environment variables; `Settings.from_env()` parses and
validates them. A test checks the README documents each one.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Setting:
    """One declared setting: environment name, default (as text) and help."""

    env: str
    attr: str
    default: str
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("CITY_ENV", "env", "development", "`development` or `production`; production refuses unsafe configuration."),
    Setting("CITY_HOST", "host", "127.0.0.1", "Address `python app.py` listens on."),
    Setting("CITY_PORT", "port", "8050", "Port `python app.py` listens on.", int),
    Setting(
        "CITY_DATA_DIR", "data_dir", "./instance", "Directory for the DuckDB warehouse, the SQLite store, uploads and the generated secret."
    ),
    Setting("CITY_DATABASE_URL", "database_url", "", "SQLAlchemy URL of the metadata store; empty means a SQLite file in the data dir."),
    Setting(
        "CITY_ALLOW_SQLITE_IN_PRODUCTION",
        "allow_sqlite_in_production",
        "0",
        "Set to 1 to allow a SQLite metadata store with CITY_ENV=production (single-machine installs).",
        bool,
    ),
    Setting(
        "CITY_SECRET_KEY",
        "secret_key",
        "",
        (
            "Session signing key; empty in development generates one and stores it in the data dir. Required in production: "
            "32+ characters and about 112 bits of estimated randomness (placeholders, repetition and counting runs refused); "
            'make one with `python -c "import secrets; print(secrets.token_urlsafe(48))"`.'
        ),
    ),
    Setting(
        "CITY_TRUSTED_PROXIES",
        "trusted_proxies",
        "",
        "Comma-separated addresses or networks of your reverse proxies; only a request arriving from one of them has its "
        "X-Forwarded-For read for the client's address (sign-in throttling). Empty trusts none: a client cannot choose its address by a header.",
    ),
    Setting("CITY_DEMO", "demo", "1", "Seed the demo city and demo users into an empty data dir on first start (development only).", bool),
    Setting("CITY_DEMO_SCALE", "demo_scale", "1", "Size multiplier of the demo city; 15 gives 10M+ rows for benchmarks.", float),
    Setting("CITY_LANG", "default_lang", "zh", "Default UI language: `zh` or `en`."),
    Setting(
        "CITY_TIMEZONE",
        "timezone",
        "Asia/Shanghai",
        "IANA time zone in which times are shown (exports, audit, freshness); times are stored in UTC.",
    ),
    Setting(
        "CITY_MAX_UPLOAD_MB",
        "max_upload_mb",
        "200",
        "Largest accepted upload in megabytes; bigger requests get 413 before the body is read.",
        int,
    ),
    Setting(
        "CITY_MAX_CALLBACK_KB",
        "max_callback_kb",
        "512",
        "Largest accepted Dash callback body in kilobytes (uploads from the UI excepted).",
        int,
    ),
    Setting(
        "CITY_XLSX_MAX_UNCOMPRESSED_MB",
        "xlsx_max_uncompressed_mb",
        "1024",
        "Largest total uncompressed size of an .xlsx file; larger archives are refused as zip bombs.",
        int,
    ),
    Setting("CITY_QUERY_TIMEOUT_S", "query_timeout_s", "30", "Seconds before a running analytical query is interrupted.", float),
    Setting("CITY_QUERY_MEMORY_LIMIT", "query_memory_limit", "2GB", "DuckDB memory limit of each query connection."),
    Setting("CITY_QUERY_THREADS", "query_threads", "2", "DuckDB threads of each query connection.", int),
    Setting("CITY_ROW_CAP", "row_cap", "100000", "Most rows a query returns; more sets the `truncated` flag.", int),
    Setting("CITY_IMPORT_MEMORY_LIMIT", "import_memory_limit", "4GB", "DuckDB memory limit while importing a dataset."),
    Setting("CITY_IMPORT_THREADS", "import_threads", "0", "DuckDB threads while importing; 0 means all cores.", int),
    Setting(
        "CITY_KEEP_VERSIONS",
        "keep_versions",
        "3",
        "Dataset versions kept on disk besides the current one (older files are collected).",
        int,
    ),
    Setting("CITY_LOG_LEVEL", "log_level", "INFO", "Python logging level of the server."),
    Setting(
        "CITY_SELF_URL",
        "self_url",
        "",
        "Base URL at which the server reaches itself to render board PDF/PNG exports; empty means the request's own.",
    ),
    Setting(
        "CITY_CHROMIUM",
        "chromium",
        "/usr/bin/chromium",
        "The browser that draws board PDF/PNG exports; where none is installed those exports answer 503 saying what to install.",
    ),
    Setting("CITY_DASH_DEBUG", "dash_debug", "0", "Dash dev tools and debug mode (development only; production refuses it).", bool),
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


def _parse(setting: Setting, raw: str) -> Any:
    text = raw.strip()
    if setting.kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise SettingsError(f"{setting.env}={raw!r} is not a yes/no value; use 1 or 0.")
    if setting.kind in (int, float):
        try:
            return setting.kind(text)
        except ValueError:
            raise SettingsError(f"{setting.env}={raw!r} is not a number.") from None
    return text


@dataclass(frozen=True)
class Settings:
    """Parsed settings of one process; build with `Settings.from_env()`."""

    env: str
    host: str
    port: int
    data_dir: Path
    database_url: str
    allow_sqlite_in_production: bool
    secret_key: str
    trusted_proxies: str
    demo: bool
    demo_scale: float
    default_lang: str
    timezone: str
    max_upload_mb: int
    max_callback_kb: int
    xlsx_max_uncompressed_mb: int
    query_timeout_s: float
    query_memory_limit: str
    query_threads: int
    row_cap: int
    import_memory_limit: str
    import_threads: int
    keep_versions: int
    log_level: str
    self_url: str
    chromium: str
    dash_debug: bool

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every declared setting from `environ` (default `os.environ`), then apply overrides."""
        source = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            values[setting.attr] = _parse(setting, source.get(setting.env, setting.default))
        values.update(overrides)
        values["data_dir"] = Path(values["data_dir"]).resolve()
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Reject values that are out of range whatever the environment."""
        if self.env not in ("development", "production"):
            raise SettingsError(f"CITY_ENV={self.env!r}: use development or production.")
        if self.default_lang not in ("zh", "en"):
            raise SettingsError(f"CITY_LANG={self.default_lang!r}: use zh or en.")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"CITY_TIMEZONE={self.timezone!r} is not an IANA time zone such as Asia/Shanghai.") from None
        for name in ("port", "max_upload_mb", "max_callback_kb", "row_cap", "query_threads"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive.")
        if self.query_timeout_s <= 0:
            raise SettingsError("CITY_QUERY_TIMEOUT_S must be positive.")
        if self.proxy_networks is None:
            raise SettingsError(f"CITY_TRUSTED_PROXIES={self.trusted_proxies!r}: use addresses or networks such as 10.0.0.5,10.1.0.0/16.")

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def proxy_networks(self) -> tuple[IPNetwork, ...] | None:
        """The trusted proxies as networks (an address is a one-address network); None when one does not parse."""
        try:
            return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in self.trusted_proxies.split(",") if part.strip())
        except ValueError:
            return None

    @property
    def metadata_url(self) -> str:
        """The metadata store URL: the explicit one, or SQLite in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'metadata.sqlite3'}"

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"


def setting_names() -> list[str]:
    """Environment names of every declared setting (for docs and tests)."""
    return [s.env for s in SETTINGS]


assert {s.attr for s in SETTINGS} == {f.name for f in fields(Settings)}, "settings declared twice or not at all"


def markdown_table() -> str:
    """The settings table of the README, generated so the two cannot drift."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| `{s.env}` | {default} | {s.help} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
