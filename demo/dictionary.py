"""The demo city's data dictionary: a label for every column, as a data steward would give it after import.

Imports name a column after its header (the demo's generator writes snake_case names, so the label would be
the name itself); these labels are what the builder, the dataset page and exports show, the names stay the
identifiers that expressions, filters and saved charts use.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "traffic_segment_speeds": {
        "observed_at": "观测时间",
        "district": "所在区",
        "segment_id": "路段编号",
        "road_name": "道路名称",
        "road_class": "道路等级",
        "speed_kmh": "车速（公里/小时）",
        "free_flow_speed_kmh": "自由流车速（公里/小时）",
        "travel_time_index": "行程时间指数",
        "volume": "车流量",
    },
    "gov_service_applications": {
        "application_id": "办件编号",
        "submitted_at": "受理时间",
        "decided_at": "办结时间",
        "district": "所在区",
        "item": "服务事项",
        "channel": "受理渠道",
        "statutory_limit_days": "法定时限（天）",
        "visits": "跑动次数",
        "status": "办理结果",
        "applicant_name": "申请人姓名",
        "applicant_id_card": "申请人身份证号",
        "applicant_phone": "申请人电话",
    },
    "hotline_tickets": {
        "ticket_id": "工单编号",
        "created_at": "受理时间",
        "closed_at": "办结时间",
        "district": "所在区",
        "street": "所在街道",
        "category": "诉求分类",
        "is_complaint": "是否投诉",
        "is_repeat": "是否重复",
        "sla_hours": "办结时限（小时）",
        "satisfaction": "满意度评分",
        "caller_phone": "来电号码",
    },
    "citizen_survey": {
        "response_id": "问卷编号",
        "surveyed_on": "调查日期",
        "district": "所在区",
        "age_group": "年龄段",
        "topic": "调查主题",
        "score": "满意度评分",
    },
    "air_quality_hourly": {
        "observed_at": "监测时间",
        "station": "监测站点",
        "district": "所在区",
        "pm25": "PM2.5 浓度（微克/立方米）",
        "pm10": "PM10 浓度（微克/立方米）",
        "no2": "二氧化氮浓度（微克/立方米）",
    },
    "air_quality_daily": {
        "observed_on": "监测日期",
        "station": "监测站点",
        "district": "所在区",
        "pm25_avg": "PM2.5 日均浓度（微克/立方米）",
        "aqi": "PM2.5 分指数",
        "good_day": "是否优良天",
    },
    "parking_occupancy": {
        "observed_at": "观测时间",
        "garage": "停车场",
        "district": "所在区",
        "capacity": "泊位总数",
        "occupied": "已占用泊位",
    },
    "emergency_incidents": {
        "incident_id": "事件编号",
        "reported_at": "接警时间",
        "dispatched_at": "派警时间",
        "arrived_at": "到场时间",
        "district": "所在区",
        "incident_type": "事件类型",
        "priority": "事件等级",
        "response_minutes": "响应时长（分钟）",
    },
    "district_population": {
        "year": "年份",
        "as_of": "统计日期",
        "district": "所在区",
        "population": "常住人口",
    },
}
