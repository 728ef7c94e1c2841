"""The inspect API: the routes of every mounted API, health and version."""
