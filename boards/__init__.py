"""Boards and tiles: spec, persistence, versions, sharing."""
