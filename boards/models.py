"""Metadata tables of boards: the current board, every saved version of it, and viewers' own arrangements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, utcnow


class BoardRecord(Base):
    __tablename__ = "boards"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(64))
    visibility: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64))
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class BoardVersion(Base):
    """Every save, kept: any version can be restored (as a new version)."""

    __tablename__ = "board_versions"
    __table_args__ = (UniqueConstraint("board_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")


class BoardView(Base):
    """A viewer's own arrangement of a board they may not edit (boards/views.py): the places of its tiles, and the
    shared version it was arranged over. Only the viewer sees it; the shared board and its versions are untouched."""

    __tablename__ = "board_views"
    __table_args__ = (UniqueConstraint("board_id", "username"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"))
    username: Mapped[str] = mapped_column(String(64))
    layout: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    based_on: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
