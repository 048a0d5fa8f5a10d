"""Component ids of a dataset's page: dictionary, preview and profile."""

ID = "dataset-id"
TABS = "dataset-tabs"
DICT_GRID = "dict-grid"
DICT_STATUS = "dict-status"
PREVIEW_GRID = "preview-grid"
PROFILE_TABLE = "profile-table"
