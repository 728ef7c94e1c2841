"""Inference providers that run inside the server process (no external model service)."""
