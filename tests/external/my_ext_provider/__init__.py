"""An example external inference provider, shipped as its own package."""
