"""Component ids of the page shell: location and navigation."""

URL = "url"
LANG = "nav-lang"
ADMIN = "nav-admin"
TOGGLE = "nav-toggle"  # the navbar's menu button on narrow screens
COLLAPSE = "nav-collapse"
