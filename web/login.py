"""Login glue: flask-login session users re-read on every request, API tokens, login/logout routes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, g, make_response, redirect, render_template, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

import runtime
from access import ratelimit
from access.actor import Actor
from access.audit import record
from access.signin import sign_in
from access.users import actor_for_session, actor_for_token, open_session, revoke_session, touch_token, user_by_id
from i18n import LANG_COOKIE, LANGS, request_lang, t
from web.address import client_address

bp = Blueprint("login", __name__)
manager = LoginManager()


class SessionUser(UserMixin):  # type: ignore[misc]
    """What flask-login keeps: the user id and the session epoch; the actor is re-read per request."""

    def __init__(self, actor: Actor, epoch: int, sid: str = "", via_token: bool = False) -> None:
        self.actor = actor
        self.epoch = epoch
        self.sid = sid
        self.via_token = via_token

    def get_id(self) -> str:
        return f"{self.actor.user_id}:{self.epoch}:{self.sid}"


@manager.user_loader
def _load_user(user_key: str) -> SessionUser | None:
    try:
        user_part, epoch_part, sid = user_key.split(":", 2)
        user_id, epoch = int(user_part), int(epoch_part)
    except ValueError:
        return None
    with runtime.current().store.read() as db:
        actor = actor_for_session(db, user_id, epoch, sid)
    return SessionUser(actor, epoch, sid) if actor else None


@manager.request_loader
def _load_from_token(req: object) -> SessionUser | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not request.path.startswith("/api/"):
        return None
    token = header.removeprefix("Bearer ").strip()
    with runtime.current().store.transaction() as db:
        actor = actor_for_token(db, token)
        if actor:
            touch_token(db, token)
    return SessionUser(actor, 0, via_token=True) if actor else None


def session_cookie_for(actor: Actor) -> tuple[str, str, str]:
    """(cookie name, value, session id): a new login session for `actor`, for a server-side browser that must
    render pages exactly as this user sees them. Revoke the session id when done."""
    from flask import current_app

    with runtime.current().store.transaction() as db:
        user = user_by_id(db, actor.user_id)
        sid = open_session(db, user, "snapshot")
        epoch = user.session_epoch
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    value = serializer.dumps({"_user_id": f"{actor.user_id}:{epoch}:{sid}", "_fresh": False, "_id": "snapshot"})
    return current_app.config.get("SESSION_COOKIE_NAME", "session"), value, sid


def end_session(sid: str) -> None:
    with runtime.current().store.transaction() as db:
        revoke_session(db, sid)


def current_actor() -> Actor | None:
    """The signed-in actor of this request (session or API token), or None."""
    user = current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    actor: Actor = user.actor
    return actor


def authenticated_by_token() -> bool:
    return bool(getattr(current_user, "via_token", False))


def safe_next(target: str | None) -> str:
    """Only same-origin relative paths: no scheme, no host, no `//` or backslash tricks."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(error: str | None = None, status: int = 200) -> Response:
    lang = request_lang(runtime.current().settings.default_lang)
    html = render_template(
        "login.html",
        lang=lang,
        t=lambda key: t(key, lang),
        error=error,
        next=safe_next(request.values.get("next")),
        username=request.form.get("username", "")[:64],
    )
    return make_response(html, status)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    if request.method == "GET":
        return _login_page()
    lang = request_lang(runtime.current().settings.default_lang)
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:512]
    if not username or not password:
        return _login_page(t("login.missing", lang), 400)
    proxies = runtime.current().settings.proxy_networks or ()
    address = client_address(request.remote_addr or "", request.headers.get("X-Forwarded-For", ""), proxies)
    try:
        signed = sign_in(runtime.current().store, username, password, address)
    except ratelimit.Throttled as refused:
        response = _login_page(refused.message(lang), 429)
        response.headers["Retry-After"] = str(refused.retry_after)
        return response
    if signed is None:
        return _login_page(t("login.failed", lang), 401)
    session.clear()  # no session fixation: a fresh session for the signed-in user
    login_user(SessionUser(signed.actor, signed.epoch, signed.sid))
    g.city_new_session = True
    return redirect(safe_next(request.form.get("next")))  # type: ignore[return-value]


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    sid = getattr(current_user, "sid", "")
    if sid:
        with runtime.current().store.transaction() as db:
            revoke_session(db, sid)
            record(db, current_user.actor.username, "logout", "user", current_user.actor.username, address=request.remote_addr or "")
    logout_user()
    session.clear()
    return redirect("/login")  # type: ignore[return-value]


@bp.route("/lang/<code>")
def switch_language(code: str) -> Response:
    response = make_response(redirect(safe_next(request.args.get("next"))))
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_login(server: Flask) -> None:
    manager.init_app(server)
    manager.session_protection = "basic"
    server.register_blueprint(bp)
