"""UI text in Chinese and English; zh-CN is the default, the `lang` cookie switches."""

from __future__ import annotations

LANGS = ("zh", "en")
LANG_COOKIE = "lang"

TEXT: dict[str, tuple[str, str]] = {
    "app.title": ("城市指标中心", "City Indicator Center"),
    "nav.datasets": ("数据集", "Datasets"),
    "nav.upload": ("导入数据", "Import data"),
    "nav.logout": ("退出", "Sign out"),
    "nav.lang": ("English", "中文"),
    "login.title": ("登录城市指标中心", "Sign in to the City Indicator Center"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码错误。", "Wrong username or password."),
    "login.missing": ("请输入用户名和密码。", "Enter your username and password."),
    "login.expired": ("页面已过期，请重新登录。", "The page expired; please sign in again."),
    "home.title": ("可用数据集", "Datasets you can use"),
    "home.empty": ("还没有可用的数据集。", "There are no datasets you can use yet."),
    "home.empty_hint": ("导入一个 CSV、Excel、Parquet 或 JSON 文件开始。", "Import a CSV, Excel, Parquet or JSON file to start."),
    "home.search": ("搜索数据集（中文或英文）", "Search datasets (Chinese or English)"),
    "col.name": ("名称", "Name"),
    "col.department": ("部门", "Department"),
    "col.rows": ("行数", "Rows"),
    "col.columns": ("列数", "Columns"),
    "col.version": ("版本", "Version"),
    "col.loaded": ("更新时间", "Loaded"),
    "dataset.dictionary": ("数据字典", "Data dictionary"),
    "dataset.profile": ("质量概况", "Quality profile"),
    "dataset.preview": ("数据预览", "Preview"),
    "dataset.history": ("版本历史", "History"),
    "dataset.source": ("来源", "Source"),
    "dataset.freshness": ("最新数据时间", "Latest data"),
    "dataset.duplicates": ("完全重复的行", "Duplicate rows"),
    "dataset.checks": ("规则检查", "Rule checks"),
    "dataset.no_issues": ("未发现问题。", "No problems found."),
    "dict.field": ("字段", "Field"),
    "dict.label": ("原始列名", "Original header"),
    "dict.type": ("类型", "Type"),
    "dict.role": ("角色", "Role"),
    "dict.nullable": ("可为空", "Nullable"),
    "dict.pii": ("个人信息", "Personal data"),
    "dict.description": ("说明", "Description"),
    "dict.saved": ("已保存。", "Saved."),
    "profile.completeness": ("完整度", "Completeness"),
    "profile.distinct": ("不同值", "Distinct"),
    "profile.min": ("最小值", "Min"),
    "profile.max": ("最大值", "Max"),
    "profile.top": ("常见取值", "Top values"),
    "profile.unparseable": ("无法识别", "Unparseable"),
    "upload.title": ("导入数据", "Import data"),
    "upload.name": ("数据集名称（中文）", "Dataset name (Chinese)"),
    "upload.name_en": ("数据集名称（英文，可选）", "Dataset name (English, optional)"),
    "upload.department": ("所属部门", "Department"),
    "upload.target": ("导入方式", "Import as"),
    "upload.new": ("新建数据集", "A new dataset"),
    "upload.replace": ("替换已有数据集", "Replace an existing dataset"),
    "upload.append": ("追加到已有数据集", "Append to an existing dataset"),
    "upload.dataset": ("目标数据集", "Target dataset"),
    "upload.drop": ("拖放文件到这里，或点击选择文件", "Drop a file here, or click to choose one"),
    "upload.formats": ("支持 CSV、TSV、Excel (.xlsx)、Parquet、JSON；最大 {mb} MB。", "CSV, TSV, Excel (.xlsx), Parquet and JSON; up to {mb} MB."),
    "upload.running": ("正在导入：读取文件、识别类型、生成质量概况……", "Importing: reading the file, inferring types, profiling…"),
    "upload.done": ("导入完成：{rows} 行，{cols} 列，版本 {version}。", "Imported {rows} rows and {cols} columns as version {version}."),
    "upload.failed": ("导入失败，未导入任何数据：", "The import failed and nothing was imported:"),
    "upload.open": ("打开数据集", "Open the dataset"),
    "upload.need_name": ("请先填写数据集名称。", "Enter a dataset name first."),
    "upload.need_target": ("请选择目标数据集。", "Choose the target dataset."),
    "upload.too_large": ("文件超过 {mb} MB 的上限。", "The file is larger than the {mb} MB limit."),
    "upload.warnings": ("提示", "Notes"),
    "error.generic": ("出错了（参考编号 {ref}）。请稍后重试，或把编号告诉管理员。", "Something went wrong (ref {ref}). Try again later or give the reference to an administrator."),
    "error.not_found": ("页面不存在或您无权访问。", "The page does not exist or you may not open it."),
    "error.forbidden": ("没有权限。", "You are not allowed to do this."),
    "role.admin": ("管理员", "Administrator"),
    "role.analyst": ("数据分析师", "Analyst"),
    "role.staff": ("业务人员", "Department staff"),
    "role.leader": ("领导", "Leader"),
}


def t(key: str, lang: str = "zh", **values: object) -> str:
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def request_lang(default: str = "zh") -> str:
    """The language of the current request: the `lang` cookie, else the configured default."""
    from flask import has_request_context, request

    if has_request_context():
        lang = request.cookies.get(LANG_COOKIE, "")
        if lang in LANGS:
            return lang
    return default
