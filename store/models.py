"""Imports every model module so `Base.metadata` is complete (for Alembic and tests)."""

from access import models as access_models
from datasets import models as dataset_models
from indicators import models as indicator_models
from store.base import Base

MODEL_MODULES = (access_models, dataset_models, indicator_models)
metadata = Base.metadata
