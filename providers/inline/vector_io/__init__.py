"""Inline providers of the vector IO API."""
