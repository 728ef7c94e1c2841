"""Inline providers of the Batches API."""
