"""Metadata tables of the catalog: datasets, their versions and their columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.base import Base, utcnow


class Dataset(Base):
    """A dataset in the catalog; `current_file` names the warehouse file readers open."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    table_key: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    current_file: Mapped[str | None] = mapped_column(String(300), nullable=True)
    loaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    columns: Mapped[list[DatasetColumn]] = relationship(order_by="DatasetColumn.position", cascade="all, delete-orphan", lazy="selectin")


class DatasetVersion(Base):
    """One successful load: the immutable warehouse file, its import report and profile."""

    __tablename__ = "dataset_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    version: Mapped[int] = mapped_column(Integer)
    file: Mapped[str] = mapped_column(String(300))
    rows: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    time_ranges: Mapped[dict[str, list[Any]] | None] = mapped_column(JSON, nullable=True)  # date/timestamp column -> [min, max]
    collected_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class DatasetColumn(Base):
    """A column of the current version, with its data-dictionary entry."""

    __tablename__ = "dataset_columns"
    __table_args__ = (UniqueConstraint("dataset_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(128))
    label: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    nullable: Mapped[bool] = mapped_column(Boolean, default=True)
    pii: Mapped[bool] = mapped_column(Boolean, default=False)
    pii_kind: Mapped[str | None] = mapped_column(String(32), nullable=True)
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
