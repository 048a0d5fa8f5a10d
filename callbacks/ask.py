"""The question box on every board and its callbacks. Being built: see issue 6."""

from __future__ import annotations
