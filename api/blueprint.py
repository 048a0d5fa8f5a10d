"""The /api/v1 blueprint that every API module adds its routes to."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
