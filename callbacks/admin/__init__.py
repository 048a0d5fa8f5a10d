"""Administration and My API tokens, one module per tab: users, areas (departments and areas), grants,
policies (row policies), audit (the audit log), viewas (view as a user) and tokens (one's own API tokens);
page reads the administration page, shared holds what the tabs share; callbacks/pages.py calls admin_view and
tokens_view from here. Importing this package registers
every callback (app.py does).

Every administration callback declares Permission.ADMIN, so the guard refuses anyone else (403) before the
body runs; the token callbacks need a signed-in user and act only on the caller's own tokens. Values from
the page (usernames, ids, form fields) are requests: every write goes through access.commands, which
validates it, audits it in the transaction that makes it, and refuses a caller who may not act; the actor
of "view as" is built on the server from the stored user.

Each callback has one output. An action writes its result into its status area; the lists it affects
listen to that status and read the store again.
"""

from __future__ import annotations

from callbacks.admin import areas, audit, grants, page, policies, shared, tokens, users, viewas
from callbacks.admin.page import admin_view
from callbacks.admin.tokens import tokens_view

__all__ = ["admin_view", "areas", "audit", "grants", "page", "policies", "shared", "tokens", "tokens_view", "users", "viewas"]
