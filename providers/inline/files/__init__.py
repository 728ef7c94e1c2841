"""Inline providers of the Files API."""
