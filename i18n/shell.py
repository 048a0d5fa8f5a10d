"""Texts of the page shell: navigation, sign-in, page titles, errors, the home page, in Chinese and English (keys: app., nav., login., page., error., home., who., period., unit.…)."""

from __future__ import annotations

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
    "error.generic": (
        "出错了（参考编号 {ref}）。请稍后重试，或把编号告诉管理员。",
        "Something went wrong (ref {ref}). Try again later or give the reference to an administrator.",
    ),
    "error.bad_callback": ("请求格式有误：请刷新页面后重试。", "The request is malformed: reload the page and try again."),
    "error.not_found": ("页面不存在或您无权访问。", "The page does not exist or you may not open it."),
    "error.forbidden": ("没有权限。", "You are not allowed to do this."),
    "nav.indicators": ("指标", "Indicators"),
    "period.all": ("全部数据", "All data"),
    "nav.admin": ("管理", "Administration"),
    "nav.boards": ("看板", "Boards"),
    "nav.builder": ("制作图表", "Build a chart"),
    # -- phone and big screen (layouts/shell.py, layouts/board.py) --
    "nav.menu": ("打开或收起菜单", "Open or close the menu"),
    # -- one language per screen (tests/test_language_sweep.py) --
    "unit.ratio": ("比值（无单位）", "ratio (no unit)"),
    "who.system": ("系统", "system"),
    "who.catalog": ("指标目录", "catalog"),
    "page.dataset": ("数据集", "Dataset"),
    "page.indicator": ("指标", "Indicator"),
    "page.board": ("看板", "Board"),
    "page.authoring": ("编写指标", "Author an indicator"),
}
