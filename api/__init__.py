"""REST API v1 (Flask blueprint); the contract is ../shared/API.md and /api/v1/openapi.json."""
