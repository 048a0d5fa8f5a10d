"""The demo city's boards: one per department and the leaders' city cockpit."""

from __future__ import annotations

from typing import Any

Y2025 = {"from": "2025-01-01", "to": "2025-12-31"}
TWO_YEARS = {"from": "2024-01-01", "to": "2025-12-31"}


def kpi(tile_id: str, indicator: str, **options: str) -> dict[str, Any]:
    return {
        "id": tile_id,
        "type": "kpi",
        "source": {"indicator": indicator},
        "options": {"grain": "year", "compare": "year_ago", **options},
    }


def chart(tile_id: str, kind: str, indicator: str, zh: str, en: str, **options: str) -> dict[str, Any]:
    return {"id": tile_id, "type": kind, "title": {"zh": zh, "en": en}, "source": {"indicator": indicator}, "options": options}


def text(tile_id: str, zh: str, en: str, body: str, body_en: str) -> dict[str, Any]:
    return {"id": tile_id, "type": "text", "title": {"zh": zh, "en": en}, "text": body, "text_en": body_en}


def grid(tiles: list[dict[str, Any]], widths: dict[str, tuple[int, int]]) -> list[dict[str, int | str]]:
    """Place tiles left to right in rows of 12 columns; `widths` gives (w, h) per tile type."""
    layout: list[dict[str, int | str]] = []
    x = y = row_height = 0
    for tile in tiles:
        w, h = widths[tile["type"]]
        if x + w > 12:
            x, y, row_height = 0, y + row_height, 0
        layout.append({"i": tile["id"], "x": x, "y": y, "w": w, "h": h})
        x, row_height = x + w, max(row_height, h)
    return layout


WIDTHS = {
    "kpi": (3, 3),
    "line": (8, 6),
    "area": (8, 6),
    "bar": (4, 6),
    "stacked": (6, 6),
    "donut": (4, 6),
    "heatmap": (6, 6),
    "table": (12, 6),
    "text": (4, 6),
}


def board(board_id: str, zh: str, en: str, department: str, visibility: str, tiles: list[dict[str, Any]], **filters: Any) -> dict[str, Any]:
    return {
        "id": board_id,
        "department": department,
        "spec": {
            "title": {"zh": zh, "en": en},
            "visibility": visibility,
            "filters": {"dimensions": {}, **filters},
            "tiles": tiles,
            "layout": grid(tiles, WIDTHS),
        },
    }


BOARDS: list[dict[str, Any]] = [
    board(
        "city_cockpit",
        "城市运行驾驶舱",
        "City cockpit",
        "city",
        "city",
        [
            kpi("k_congestion", "traffic.congestion_index"),
            kpi("k_approval", "services.avg_approval_days"),
            kpi("k_satisfaction", "hotline.citizen_satisfaction"),
            kpi("k_response", "emergency.response_median"),
            chart(
                "signal_effect",
                "line",
                "traffic.congestion_index",
                "智慧信号项目：高新区拥堵指数（对比 2024 基线）",
                "Smart signals: congestion in Gaoxin District vs the 2024 baseline",
                grain="month",
                compare="baseline",
                district="高新区",
                **TWO_YEARS,
            ),
            chart(
                "reform_effect",
                "line",
                "services.avg_approval_days",
                "审批改革：平均办理时长（2025-03 改革）",
                "Approval reform: average approval time (reform 2025-03)",
                grain="month",
                **TWO_YEARS,
            ),
            chart(
                "complaints_rank",
                "bar",
                "hotline.complaint_rate_per_10k",
                "各区万人投诉率",
                "Complaints per 10k residents by district",
                grain="year",
                by="district",
                **Y2025,
            ),
            chart("pm25_rank", "bar", "environment.pm25", "各区 PM2.5", "PM2.5 by district", grain="year", by="district", **Y2025),
            kpi("k_good_air", "environment.good_air_day_share"),
            kpi("k_parking", "urban.parking_occupancy"),
            kpi("k_sla", "hotline.sla_closure_rate"),
            kpi("k_one_visit", "services.one_visit_rate"),
        ],
        **Y2025,
        grain="month",
    ),
    board(
        "traffic_board",
        "交通运行看板",
        "Traffic board",
        "traffic",
        "department",
        [
            kpi("k_congestion", "traffic.congestion_index"),
            kpi("k_peak", "traffic.peak_congestion_index"),
            kpi("k_speed", "traffic.avg_speed"),
            kpi("k_reduction", "traffic.congestion_reduction"),
            chart(
                "trend",
                "line",
                "traffic.congestion_index",
                "拥堵指数趋势（对比基线）",
                "Congestion index against the baseline",
                grain="month",
                compare="baseline",
                **TWO_YEARS,
            ),
            chart(
                "rank",
                "bar",
                "traffic.congestion_index",
                "各区拥堵指数",
                "Congestion index by district",
                grain="year",
                by="district",
                **Y2025,
            ),
            chart(
                "by_class",
                "stacked",
                "traffic.volume",
                "各区各类道路车流量",
                "Volume by district and road class",
                grain="quarter",
                by="district,road_class",
                **Y2025,
            ),
            chart("ytd", "area", "traffic.volume_ytd", "年累计车流量", "Volume year to date", grain="month", **Y2025),
            text(
                "note",
                "说明",
                "Note",
                "**智慧信号项目**于 2025 年 7 月在高新区上线。拥堵指数越低越畅通。",
                "The **smart signals** project went live in Gaoxin District in July 2025. A lower congestion index means freer traffic.",
            ),
        ],
        **Y2025,
        grain="month",
    ),
    board(
        "gov_services_board",
        "政务服务看板",
        "Government services board",
        "gov_services",
        "department",
        [
            kpi("k_avg", "services.avg_approval_days"),
            kpi("k_median", "services.median_approval_days"),
            kpi("k_on_time", "services.on_time_rate"),
            kpi("k_one_visit", "services.one_visit_rate"),
            chart(
                "reform",
                "line",
                "services.avg_approval_days",
                "平均办理时长（改革前后）",
                "Average approval time before and after the reform",
                grain="month",
                **TWO_YEARS,
            ),
            chart(
                "channels", "donut", "services.applications", "办件渠道构成", "Applications by channel", grain="year", by="channel", **Y2025
            ),
            chart(
                "rank",
                "bar",
                "services.avg_approval_days",
                "各区平均办理时长",
                "Average approval time by district",
                grain="year",
                by="district",
                **Y2025,
            ),
            chart("ytd", "area", "services.applications_ytd", "年累计办件量", "Applications year to date", grain="month", **Y2025),
        ],
        **Y2025,
        grain="month",
    ),
    board(
        "hotline_board",
        "12345 热线看板",
        "12345 hotline board",
        "hotline",
        "department",
        [
            kpi("k_closure", "hotline.avg_closure_hours"),
            kpi("k_sla", "hotline.sla_closure_rate"),
            kpi("k_repeat", "hotline.repeat_complaint_rate"),
            kpi("k_satisfaction", "hotline.citizen_satisfaction"),
            chart("tickets", "line", "hotline.tickets", "工单量趋势", "Tickets per month", grain="month", compare="year_ago", **Y2025),
            chart(
                "categories", "donut", "hotline.complaints", "投诉类别构成", "Complaints by category", grain="year", by="category", **Y2025
            ),
            {
                "id": "hours",
                "type": "heatmap",
                "title": {"zh": "来电时段分布（星期 × 小时）", "en": "Tickets by weekday and hour"},
                "source": {
                    "query": {
                        "dataset": "hotline_tickets",
                        "measures": [{"expr": "1", "agg": "sum", "as": "tickets"}],
                        "dimensions": ["created_at.dow", "created_at.hour"],
                        "time": {"column": "created_at", **Y2025},
                    }
                },
            },
            chart(
                "rate_rank",
                "bar",
                "hotline.complaint_rate_per_10k",
                "各区万人投诉率",
                "Complaints per 10k residents",
                grain="year",
                by="district",
                **Y2025,
            ),
        ],
        **Y2025,
        grain="month",
    ),
    board(
        "environment_board",
        "生态环境看板",
        "Environment board",
        "environment",
        "department",
        [
            kpi("k_pm25", "environment.pm25"),
            kpi("k_good", "environment.good_air_day_share"),
            kpi("k_no2", "environment.no2"),
            chart(
                "pm25",
                "line",
                "environment.pm25",
                "PM2.5 月均浓度（同比）",
                "PM2.5 monthly mean vs a year ago",
                grain="month",
                compare="year_ago",
                **Y2025,
            ),
            chart(
                "stations",
                "bar",
                "environment.good_air_day_share",
                "各区优良天数比例",
                "Good-air-day share by district",
                grain="year",
                by="district",
                **Y2025,
            ),
        ],
        **Y2025,
        grain="month",
    ),
    board(
        "urban_board",
        "城市管理看板",
        "Urban management board",
        "urban_management",
        "department",
        [
            kpi("k_occupancy", "urban.parking_occupancy"),
            kpi("k_parked", "urban.parked_vehicles", grain="month"),
            chart("occupancy", "line", "urban.parking_occupancy", "停车占用率趋势", "Parking occupancy per month", grain="month", **Y2025),
            chart(
                "rank",
                "bar",
                "urban.parking_occupancy",
                "各区停车占用率",
                "Parking occupancy by district",
                grain="year",
                by="district",
                **Y2025,
            ),
        ],
        **Y2025,
        grain="month",
    ),
    board(
        "emergency_board",
        "应急管理看板",
        "Emergency board",
        "emergency",
        "department",
        [
            kpi("k_median", "emergency.response_median"),
            kpi("k_p90", "emergency.response_p90"),
            kpi("k_incidents", "emergency.incidents"),
            chart(
                "response",
                "line",
                "emergency.response_p90",
                "响应时间 P90 趋势",
                "Response time p90 per month",
                grain="month",
                compare="year_ago",
                **Y2025,
            ),
            chart("types", "donut", "emergency.incidents", "事件类型构成", "Incidents by type", grain="year", by="incident_type", **Y2025),
            chart(
                "rank",
                "bar",
                "emergency.response_median",
                "各区响应时间中位数",
                "Median response time by district",
                grain="year",
                by="district",
                **Y2025,
            ),
        ],
        **Y2025,
        grain="month",
    ),
]
