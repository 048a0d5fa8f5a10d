WITH base_0 AS NOT MATERIALIZED (SELECT "application_id", "submitted_at", "decided_at", "district", "item", "channel", "statutory_limit_days", "visits", "status" FROM "ds0"."data" WHERE "district" IN ($p0)),
series_1 AS (SELECT CAST(DATE_TRUNC('month', "submitted_at") AS TIMESTAMP) AS period, CAST(COUNT("application_id") AS DOUBLE) AS value FROM base_0 WHERE "submitted_at" >= $p1 AND "submitted_at" < $p2 GROUP BY CAST(DATE_TRUNC('month', "submitted_at") AS TIMESTAMP)),
spined_2 AS (SELECT "s"."period", "v"."value" FROM (SELECT UNNEST($p3) AS period) AS s LEFT JOIN series_1 AS v ON "v"."period" = "s"."period"),
cumul_3 AS (SELECT "period", CAST(SUM("value") OVER (PARTITION BY CAST(DATE_TRUNC('year', "period") AS TIMESTAMP) ORDER BY "period") AS DOUBLE) AS value FROM spined_2),
series_4 AS (SELECT * FROM cumul_3 WHERE "period" >= $p4) SELECT "period", "value" FROM series_4 ORDER BY "period"
-- params: {"p0": "东城区", "p1": "2025-01-01T00:00:00", "p2": "2025-07-01T00:00:00", "p3": ["2025-01-01T00:00:00", "2025-02-01T00:00:00", "2025-03-01T00:00:00", "2025-04-01T00:00:00", "2025-05-01T00:00:00", "2025-06-01T00:00:00"], "p4": "2025-04-01T00:00:00"}
