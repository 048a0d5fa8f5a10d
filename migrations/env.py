"""Alembic environment: migrates the metadata store named by the config or CITY_* settings."""

from __future__ import annotations

from alembic import context

from access import models as _access_models  # noqa: F401  (every model module, so metadata is complete)
from boards import models as _board_models  # noqa: F401
from datasets import models as _dataset_models  # noqa: F401
from indicators import models as _indicator_models  # noqa: F401
from jobs import models as _job_models  # noqa: F401
from store.base import Base
from store.engine import make_engine

metadata = Base.metadata

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from settings import Settings

    return Settings.from_env().metadata_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
