"""Component ids of the home page (the dataset list)."""

SEARCH = "home-search"
GRID = "home-grid"
