WITH base_0 AS NOT MATERIALIZED (SELECT "observed_at", "garage", "district", "capacity", "occupied" FROM "ds0"."data" WHERE "district" IN ($p0)),
snap_1 AS (SELECT "observed_at" AS ts, "garage", SUM("occupied") AS v FROM base_0 WHERE "observed_at" >= $p1 AND "observed_at" < $p2 GROUP BY "observed_at", "garage"),
series_2 AS (SELECT CAST(DATE_TRUNC('day', "ts") AS TIMESTAMP) AS period, "garage", ARG_MAX("v", "ts") AS value FROM snap_1 GROUP BY CAST(DATE_TRUNC('day', "ts") AS TIMESTAMP),
"garage"),
spined_3 AS (SELECT "s"."period", "d"."garage", "v"."value" FROM (SELECT UNNEST($p3) AS period) AS s CROSS JOIN (SELECT DISTINCT "garage" FROM series_2) AS d LEFT JOIN series_2 AS v ON "v"."period" = "s"."period" AND "v"."garage" = "d"."garage") SELECT "period", "garage", "value" FROM spined_3 ORDER BY "period", "garage"
-- params: {"p0": "东城区", "p1": "2025-03-01T00:00:00", "p2": "2025-03-08T00:00:00", "p3": ["2025-03-01T00:00:00", "2025-03-02T00:00:00", "2025-03-03T00:00:00", "2025-03-04T00:00:00", "2025-03-05T00:00:00", "2025-03-06T00:00:00", "2025-03-07T00:00:00"]}
