"""Pieces every API shares: the error family, common schemas and the router helpers."""
