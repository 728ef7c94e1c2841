"""Providers: what is available (specs and the registry), what is running (the resolver), and the implementations."""
