"""The web glue: sign-in (flask-login sessions, API tokens, login routes) and the request guard (CSRF, caps, headers)."""
