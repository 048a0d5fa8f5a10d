"""Composition root: `create_app(settings)` builds the Dash app.

`server` (and its alias `app`, which `flask --app app` looks for) is the Flask WSGI app, built on
first access so that importing `create_app` has no side effects. `python app.py` migrates, seeds
the demo city into an empty development data dir and serves.
"""

from __future__ import annotations

import fcntl
import importlib
import logging
from pathlib import Path

import dash
from dash import html
from flask import Flask, has_request_context

import runtime
from access import production
from api.blueprint import bp as api_bp
from api.errors import init_errors
from datasets.housekeeping import sweep_orphans
from i18n import request_lang, t
from indicators.registry import load_catalog, sync_catalog
from jobs.runner import Scheduler
from layouts import shell
from settings import Settings
from store import migrate
from web.guard import content_security_policy, init_guard
from web.login import current_actor, init_login

ROOT = Path(__file__).resolve().parent
API_MODULES = ("api.admin", "api.ask", "api.boards", "api.datasets", "api.indicators", "api.meta", "api.tokens")
log = logging.getLogger("city")


def _layout() -> html.Div:
    """The frame for the signed-in user; a skeleton when Dash calls it outside a request."""
    if not has_request_context():
        return shell.skeleton()
    from flask_wtf.csrf import generate_csrf

    actor = current_actor()
    if actor is None:
        return shell.skeleton()
    lang = request_lang(runtime.current().settings.default_lang)
    return shell.shell(
        lang, actor.display_name or actor.username, t(f"role.{actor.role.value}", lang), generate_csrf(), is_admin=actor.is_admin
    )


def prepare_store(settings: Settings, rt: runtime.Runtime, migrate_store: bool) -> None:
    """Upgrade the metadata store and sync the indicator catalog; a file lock serialises workers starting together."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with (settings.data_dir / ".migrate.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if migrate_store:
            migrate.upgrade(settings.metadata_url)
        definitions, problems = load_catalog()
        for issue in problems:
            log.error("indicator catalog: %s", issue.message_en)
        changed = sync_catalog(rt.store, definitions)
        if changed:
            log.info("indicator catalog: %d new or changed definitions stored", changed)


def _flask(settings: Settings, rt: runtime.Runtime) -> Flask:
    server = Flask(__name__, template_folder=str(ROOT / "templates"))
    server.config.update(
        SECRET_KEY=runtime.secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=12 * 3600,
    )
    server.extensions["city"] = rt
    init_login(server)
    init_errors(server)
    for module in API_MODULES:  # importing a module adds its routes to the blueprint
        importlib.import_module(module)

    server.register_blueprint(api_bp)
    import cli

    cli.register(server)
    return server


def create_app(settings: Settings | None = None, *, migrate_store: bool = True, scheduler: bool = False) -> dash.Dash:
    """Build the app: runtime services, login gate, API, CLI, pages and callbacks. Files left by imports that died
    are swept; `scheduler` starts the thread that runs due jobs (the web server's; the CLI and tests run them
    with `jobs run-due`)."""
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    rt = runtime.build_runtime(settings)
    prepare_store(settings, rt, migrate_store)
    production.guard(settings, rt.store)
    try:
        sweep_orphans(rt.store, rt.warehouse, settings.uploads_dir)
    except Exception:  # housekeeping never stops a start; the periodic sweep tries again
        log.exception("sweeping files of interrupted imports failed")
    if scheduler:
        Scheduler(rt.jobs).start()
    server = _flask(settings, rt)
    app = dash.Dash(
        __name__,
        server=server,  # type: ignore[arg-type]
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        assets_ignore=r"plotly-cartesian\.min\.js$",  # loaded with the first chart only (assets/plotly_bundle.js)
        title=t("app.title", settings.default_lang),
        update_title=None,  # type: ignore[arg-type]
        suppress_callback_exceptions=True,
        serve_locally=True,
    )
    from callbacks import admin as _admin  # noqa: F401
    from callbacks import ask as _ask  # noqa: F401
    from callbacks import authoring as _authoring  # noqa: F401
    from callbacks import boards as _boards  # noqa: F401
    from callbacks import boardtiles as _boardtiles  # noqa: F401
    from callbacks import boardviews as _boardviews  # noqa: F401
    from callbacks import builder as _builder  # noqa: F401
    from callbacks import datasets as _datasets  # noqa: F401  (callbacks are collected on import)
    from callbacks import indicators as _indicators  # noqa: F401
    from callbacks import shell as _shell  # noqa: F401
    from callbacks import upload as _upload  # noqa: F401
    from callbacks.guard import install
    from callbacks.pages import register_pages

    app.server.config["CITY_DECLARED_CALLBACKS"] = install(app)
    register_pages()
    app.layout = _layout  # type: ignore[assignment]  # a function: rendered per request
    app.validation_layout = html.Div([shell.skeleton()])  # type: ignore[assignment]
    init_guard(
        server,
        lambda: content_security_policy(app.csp_hashes()),
        settings.max_upload_mb << 20,
        settings.max_callback_kb << 10,
        settings.production,
    )
    return app


_server: Flask | None = None


def __getattr__(name: str) -> Flask:
    """`app.server` / `app.app`: the WSGI app built from the environment on first access."""
    global _server
    if name in ("server", "app"):
        if _server is None:
            _server = create_app(scheduler=name == "server").server  # gunicorn's workers schedule; `flask --app app` does not
        return _server
    raise AttributeError(name)


def main() -> None:
    settings = Settings.from_env()
    dash_app = create_app(settings, scheduler=True)
    if settings.demo and not settings.production:
        from demo.seed import print_logins, seed_if_empty

        with dash_app.server.app_context():
            if seed_if_empty(runtime.current()):
                print_logins()
    print(f"City Indicator Center: http://{settings.host}:{settings.port}/", flush=True)
    dash_app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.dash_debug,
        dev_tools_ui=settings.dash_debug,
        dev_tools_hot_reload=False,
        dev_tools_disable_version_check=True,
    )


if __name__ == "__main__":
    main()
