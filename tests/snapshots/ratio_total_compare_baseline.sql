WITH base_0 AS NOT MATERIALIZED (SELECT "application_id", "submitted_at", "decided_at", "district", "item", "channel", "statutory_limit_days", "visits", "status" FROM "ds0"."data" WHERE "district" IN ($p0)),
series_1 AS (SELECT CAST(NULL AS TIMESTAMP) AS period, CAST(SUM(DATE_DIFF('SECOND', "submitted_at", "decided_at")) / NULLIF(COUNT("decided_at"),
0) * 1.1574074074074073e-05 AS DOUBLE) AS value FROM base_0 WHERE "submitted_at" >= $p1 AND "submitted_at" < $p2 AND NOT "decided_at" IS NULL GROUP BY CAST(NULL AS TIMESTAMP)),
series_2 AS (SELECT CAST(NULL AS TIMESTAMP) AS period, CAST(SUM(DATE_DIFF('SECOND', "submitted_at", "decided_at")) / NULLIF(COUNT("decided_at"),
0) * 1.1574074074074073e-05 AS DOUBLE) AS value FROM base_0 WHERE "submitted_at" >= $p3 AND "submitted_at" < $p4 AND NOT "decided_at" IS NULL GROUP BY CAST(NULL AS TIMESTAMP)),
compared_3 AS (SELECT "c"."period", "c"."value", "b"."value" AS compare_value FROM series_1 AS c CROSS JOIN series_2 AS b) SELECT "period", "value", "compare_value" FROM compared_3 ORDER BY "period"
-- params: {"p0": "东城区", "p1": "2025-01-01T00:00:00", "p2": "2026-01-01T00:00:00", "p3": "2024-01-01T00:00:00", "p4": "2025-01-01T00:00:00"}
