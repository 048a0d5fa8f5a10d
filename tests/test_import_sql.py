"""Import a table and a query from a real PostgreSQL database by SQLAlchemy URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from access.actor import SYSTEM
from datasets.importer import ImportRequest
from errors import UserError
from tests.warehouse import read_stored


@pytest.fixture
def source_url(pg_url: str) -> str:
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE permits (id bigint, district text, filed_at timestamp, decided_on date, fee numeric(10,2), "
                "phone text, ok boolean)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO permits VALUES (1, '东城区', '2024-01-05 09:30', '2024-01-08', 12.50, '13812345678', true), "
                "(2, '西城区', '2024-01-06 10:00', NULL, NULL, '13900001111', false), "
                "(3, '东城区', '2024-02-01 08:00', '2024-02-03', 3.00, NULL, true)"
            )
        )
    engine.dispose()
    return pg_url


def columns_and_rows(rt: Any, dataset_id: str) -> tuple[list[tuple[str, str]], list[tuple[Any, ...]]]:
    from datasets.catalog import get_dataset

    with rt.store.read() as session:
        info = get_dataset(session, SYSTEM, dataset_id)
    rows = read_stored(rt, {"d": info.file}, "SELECT * FROM d.data ORDER BY 1").rows
    return [(c.name, c.type) for c in info.columns], rows


def test_import_a_table(rt: Any, source_url: str) -> None:
    report = rt.importer.import_sql(SYSTEM, source_url, ImportRequest(name="许可", department="traffic"), table="permits")
    columns, rows = columns_and_rows(rt, report.dataset_id)
    assert columns == [
        ("id", "integer"),
        ("district", "text"),
        ("filed_at", "timestamp"),
        ("decided_on", "date"),
        ("fee", "decimal"),
        ("phone", "text"),
        ("ok", "boolean"),
    ]
    assert [r[:4] for r in rows] == [
        (1, "东城区", dt.datetime(2024, 1, 5, 9, 30), dt.date(2024, 1, 8)),
        (2, "西城区", dt.datetime(2024, 1, 6, 10, 0), None),
        (3, "东城区", dt.datetime(2024, 2, 1, 8, 0), dt.date(2024, 2, 3)),
    ]
    assert report.source_format == "sql" and "许可" not in report.columns[0]["label"]
    assert [c["pii_kind"] for c in report.columns if c["pii"]] == ["phone"]


def test_import_a_query_and_the_source_hides_the_password(rt: Any, source_url: str) -> None:
    report = rt.importer.import_sql(
        SYSTEM,
        source_url,
        ImportRequest(name="东城", department="traffic"),
        query="SELECT district, count(*) AS n FROM permits GROUP BY district",
    )
    assert columns_and_rows(rt, report.dataset_id)[1] == [("东城区", 2), ("西城区", 1)]


@pytest.mark.parametrize(
    ("url", "table", "query"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:5432/no_such_db_here", "permits", None),
        ("not a url", "permits", None),
        (None, "no_such_table", None),
        (None, None, "SELEC nonsense"),
        (None, "permits", "SELECT 1"),
    ],
)
def test_bad_sources_are_issues(rt: Any, source_url: str, url: str | None, table: str | None, query: str | None) -> None:
    with pytest.raises(UserError) as caught:
        rt.importer.import_sql(SYSTEM, url or source_url, ImportRequest(name="x", department="traffic"), table=table, query=query)
    assert caught.value.issues or caught.value.message_en
    assert "Traceback" not in caught.value.message_en
