"""Component ids of the boards list."""

LIST = "boards-list"
NEW_TITLE = "boards-new-title"
NEW = "boards-new"
NEW_RESULT = "boards-new-result"
GO = "boards-go"
