"""The providers API: provider registrations kept in the ORM, edited by ops, listed at /v1/providers."""
