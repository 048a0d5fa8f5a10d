WITH base AS (SELECT "ticket_id", "created_at", "closed_at", "district", "street", "category", "is_complaint", "is_repeat", "sla_hours", "satisfaction" FROM "ds"."data" WHERE "district" IN ($p0)) SELECT CAST(DATE_TRUNC('week', "created_at") AS TIMESTAMP) AS period, "category", CAST(QUANTILE_CONT(DATE_DIFF('HOUR', "created_at", "closed_at"),
0.9) AS DOUBLE) AS p90_hours FROM base WHERE "created_at" >= $p1 AND "created_at" < $p2 AND CAST("street" AS TEXT) LIKE $p3 ESCAPE '\' AND NOT "category" IN ($p4) GROUP BY CAST(DATE_TRUNC('week', "created_at") AS TIMESTAMP),
"category" ORDER BY "p90_hours" DESC LIMIT $p5
-- params: {"p0": "东城区", "p1": "2025-01-01T00:00:00", "p2": "2025-04-01T00:00:00", "p3": "%东华\\_\\%%", "p4": "其他", "p5": 51}
