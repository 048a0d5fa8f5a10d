"""Component ids of aPI tokens (the user's own)."""

FORM = "tok-form"
NAME = "tok-name"
CREATED_BOX = "tok-created-box"
VALUE = "tok-value"
TABLE = "tok-table"
REVOKE = "tok-revoke"  # pattern-matching type: {"type": TOK_REVOKE, "index": token id}
STATUS = "tok-status"
