"""The services of one process, built once from settings and shared by web, API and CLI."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

import citytime
from access import secretkey
from datasets import housekeeping
from datasets.cache import ResultCache
from datasets.engine import Engine
from datasets.importer import Importer
from datasets.warehouse import Warehouse
from indicators.registry import Registry
from jobs.runner import Runner
from query.door import Door
from settings import Settings
from store.engine import Store

log = logging.getLogger(__name__)
SECRET_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


@dataclass
class Runtime:
    settings: Settings
    store: Store
    warehouse: Warehouse
    importer: Importer
    engine: Engine
    registry: Registry
    door: Door
    jobs: Runner  # periodic jobs (datasets/housekeeping.py registers the sweep and the collector; others add theirs)

    def close(self) -> None:
        self.engine.close()
        self.store.dispose()


def build_runtime(settings: Settings) -> Runtime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    citytime.configure(settings.timezone)
    store = Store(settings.metadata_url)
    warehouse = Warehouse(settings.warehouse_dir, settings.import_memory_limit, settings.import_threads)
    importer = Importer(store, warehouse, settings.keep_versions, settings.xlsx_max_uncompressed_mb << 20)
    engine = Engine(warehouse, settings.query_memory_limit, settings.query_threads, settings.query_timeout_s, settings.row_cap)
    registry = Registry(store)
    door = Door(store, engine, ResultCache(), registry)
    jobs = Runner(store)
    housekeeping.register(jobs, store, warehouse, settings.keep_versions, settings.uploads_dir)
    return Runtime(settings, store, warehouse, importer, engine, registry, door, jobs)


def secret_key(settings: Settings) -> str:
    """The configured key, or in development one generated once and kept in the data dir."""
    if settings.secret_key or settings.production:  # production never generates one (the guard refuses an empty or weak key)
        weak = None if settings.production else secretkey.problem(settings.secret_key)
        if weak:
            log.warning("%s Development accepts it; CITY_ENV=production will refuse to start.", weak)
        return settings.secret_key
    path: Path = settings.data_dir / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(key)
    log.info("generated a new secret key in %s", path)
    return key


def current() -> Runtime:
    """The runtime of the Flask app handling this request."""
    from flask import current_app

    runtime: Runtime = current_app.extensions["city"]
    return runtime
